"""Files written whole or not at all: a temporary file beside the target, renamed into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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
    target = Path(path)
    if not replace and (target.exists() or target.is_symlink()):
        raise OutputExistsError(
            _(
                "{file} exists; it may hold someone's work, so it is left alone (use --force to "
                "replace it)"
            ).format(file=escape(str(target)))
        )
    folder = target.parent
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=folder
        )
    except OSError as problem:
        raise CannotWriteError(cannot_write(target, problem)) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            # mkstemp makes the file private (0600): give it the mode the target has, or the
            # one a new file gets (0666 less the umask), so a report stays readable as before
            os.fchmod(stream.fileno(), mode_for(target))
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if not replace:
            # link() fails if the target appeared meanwhile; rename would silently replace it
            os.link(temporary, target)
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
    except FileExistsError:
        _remove(temporary)
        raise OutputExistsError(
            _("{file} appeared while it was being written; it is left alone").format(
                file=escape(str(target))
            )
        ) from None
    except OSError as problem:
        _remove(temporary)
        raise CannotWriteError(cannot_write(target, problem)) from None
    except BaseException:
        _remove(temporary)
        raise


def mode_for(target: Path) -> int:
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


def cannot_write(target: Path, problem: OSError) -> str:
    """The message for a file that could not be written, saying which file and why."""
    return _("cannot write {file}: {reason}").format(
        file=escape(str(target)), reason=problem.strerror or problem
    )


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
