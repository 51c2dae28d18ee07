"""Files written whole or not at all: a temporary file beside the target, renamed into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from rubricdsl.errors import RubricError
from rubricdsl.escape import escape
from rubricdsl.i18n import _


class OutputExistsError(RubricError):
    """The target exists and may hold someone's work: refuse to replace it without --force."""


class CannotWriteError(RubricError):
    """The output could not be written (no such folder, no permission, disk full)."""


def write_atomically(path: str | os.PathLike[str], data: bytes, *, replace: bool = True) -> None:
    """Write `data` to `path` so that a reader (or a crash) sees either the old file whole or the
    new one whole: into a temporary file in the same folder, flushed to disk, then renamed over
    the target. With replace=False an existing target is refused (OutputExistsError)."""
    with written_atomically(path, replace=replace) as stream:
        stream.write(data)


class Writing:
    """A file being written, whose failures say which file (disk full, quota)."""

    def __init__(self, stream: IO[bytes], target: Path) -> None:
        self.stream, self.target = stream, target

    def write(self, data: bytes) -> int:
        with _cannot_write_to(self.target):
            return self.stream.write(data)


@contextmanager
def written_atomically(path: str | os.PathLike[str], *, replace: bool = True) -> Iterator[Writing]:
    """A file written as a stream, whole or not at all: into a temporary file in the same
    folder, flushed to disk and renamed over `path` when the block ends without an exception
    (removed when it ends with one). With replace=False an existing target is refused
    (OutputExistsError). Failures to write are CannotWriteError, naming the file."""
    target = Path(path)
    if not replace and (target.exists() or target.is_symlink()):
        raise OutputExistsError(
            _(
                "{file} exists; it may hold someone's work, so it is left alone (use --force to "
                "replace it)"
            ).format(file=escape(str(target)))
        )
    with _cannot_write_to(target):
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            with _cannot_write_to(target):
                # mkstemp makes the file private (0600): give it the mode the target has, or
                # the one a new file gets (0666 less the umask), so a report stays readable
                os.fchmod(stream.fileno(), _mode_for(target))
            yield Writing(stream, target)
            with _cannot_write_to(target):
                stream.flush()
                os.fsync(stream.fileno())
        with _cannot_write_to(target):
            if replace:
                os.replace(temporary, target)
            else:
                # link() fails if the target appeared meanwhile; rename would silently replace it
                os.link(temporary, target)
                os.unlink(temporary)
    except BaseException:
        _remove(temporary)
        raise


@contextmanager
def _cannot_write_to(target: Path) -> Iterator[None]:
    """An OSError in the block as the error of a file that could not be written."""
    try:
        yield
    except FileExistsError:
        raise OutputExistsError(
            _("{file} appeared while it was being written; it is left alone").format(
                file=escape(str(target))
            )
        ) from None
    except OSError as problem:
        raise CannotWriteError(_cannot_write(target, problem)) from None


def _mode_for(target: Path) -> int:
    """The mode a file written at `target` gets: the one it has, or the one a new file gets
    (0666 less the umask), since mkstemp's files are private (0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cannot_write(target: Path, problem: OSError) -> str:
    """The message for a file that could not be written, saying which file and why."""
    return _("cannot write {file}: {reason}").format(
        file=escape(str(target)), reason=problem.strerror or problem
    )


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
