"""Reading rubric and data files from disk: regular files only, within the size limit, UTF-8."""

from __future__ import annotations

import os
import stat

from rubricdsl.errors import RubricArgumentError, RubricError
from rubricdsl.escape import clip, escape
from rubricdsl.i18n import _
from rubricdsl.limits import DEFAULT_LIMITS, MIB, Limits


def path_text(path: object, what: str) -> str:
    """The path as text; TypeError for what is not a path, so a caller's mistake reads plainly."""
    if isinstance(path, (str, os.PathLike)):
        name = os.fspath(path)
        if isinstance(name, str):
            return name
    raise RubricArgumentError(
        f"the {what} must be a path (str or os.PathLike[str]), not {type(path).__name__}"
    )


def read_bytes(
    path: str | os.PathLike[str],
    what: str,
    error: type[RubricError],
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """A regular file's bytes, read within the size limit; `error` says plainly why they cannot
    be. Devices, pipes and folders are refused before anything is read, and opening never
    blocks (a FIFO with no writer would wait forever)."""
    name = path_text(path, what)
    if not name:
        raise error(_("no {what} given (the path is empty)").format(what=what_words(what)))
    shown_name = escape(clip(name, 300))
    if "\0" in name:
        raise error(_("{file}: a path cannot contain a NUL character").format(file=shown_name))
    try:
        # Looked at before it is opened (opening some devices acts on them), and again once
        # open, in case the path was swapped between the two.
        _refuse_irregular(os.stat(name), shown_name, what, error)
        descriptor = os.open(name, os.O_RDONLY | _NONBLOCK | _BINARY)
    except FileNotFoundError:
        raise error(
            _("{file}: no such {what}").format(file=shown_name, what=what_words(what))
        ) from None
    except OSError as problem:
        raise error(cannot_read(shown_name, problem)) from None
    try:
        return _read_regular(descriptor, shown_name, what, error, limits.max_file_bytes)
    finally:
        os.close(descriptor)


def read_text(
    path: str | os.PathLike[str],
    what: str,
    error: type[RubricError],
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """A UTF-8 regular file's text (a BOM is dropped), read as `read_bytes` reads it."""
    data = read_bytes(path, what, error, limits)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        shown_name = escape(clip(path_text(path, what), 300))
        line = data.count(b"\n", 0, problem.start) + 1
        raise error(
            _(
                "{place}: not UTF-8 text ({reason} at byte offset {offset}); save the file as UTF-8"
            ).format(
                place=f"{shown_name}:{line}", reason=problem.reason, offset=f"{problem.start:,}"
            )
        ) from None


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_CHUNK = 1 << 20


def _read_regular(
    descriptor: int, shown_name: str, what: str, error: type[RubricError], max_bytes: int
) -> bytes:
    try:
        status = os.fstat(descriptor)
        _refuse_irregular(status, shown_name, what, error)
        if status.st_size > max_bytes:
            raise error(_too_large(shown_name, what, max_bytes))
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:  # a file may grow while it is read: stop past the limit
            chunk = os.read(descriptor, min(_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as problem:
        raise error(cannot_read(shown_name, problem)) from None
    if size > max_bytes:
        raise error(_too_large(shown_name, what, max_bytes))
    return b"".join(chunks)


def _refuse_irregular(
    status: os.stat_result, shown_name: str, what: str, error: type[RubricError]
) -> None:
    if not stat.S_ISREG(status.st_mode):
        if stat.S_ISDIR(status.st_mode):
            message = _("{file}: not a regular file (a folder); give the {what} as a file")
        else:
            message = _(
                "{file}: not a regular file (a device, pipe or socket); give the {what} as a file"
            )
        raise error(message.format(file=shown_name, what=what_words(what)))


def _too_large(shown_name: str, what: str, max_bytes: int) -> str:
    return _(
        "{file}: larger than the limit of {megabytes} MB for a {what} (raise it with "
        "--max-file-mb, or Limits(max_file_bytes=...) in Python; see docs/limits.md)"
    ).format(file=shown_name, megabytes=f"{max_bytes / MIB:g}", what=what_words(what))


def cannot_read(shown_name: str, problem: OSError) -> str:
    return _("{file}: cannot read ({reason})").format(file=shown_name, reason=problem.strerror)


def what_words(what: str) -> str:
    """What kind of file a message is about, in the language being spoken."""
    words = {
        "data file": _("data file"),
        "rubric file": _("rubric file"),
        "plan file": _("plan file"),
    }
    return words.get(what, what)
