"""Source text and spans: where a piece of a rubric came from, and drawing a caret under it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import attrs
from wcwidth import wcswidth

if TYPE_CHECKING:
    from rubricdsl.errors import RubricError


@attrs.frozen
class Span:
    """A stretch of rubric text: 1-based line and column of its start and end (end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int, length: int = 1) -> Span:
        return cls(line, column, line, column + max(length, 1))


def display_width(text: str) -> int:
    """Columns a string takes in a terminal; CJK characters take two."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def excerpt(text: str, span: Span) -> str:
    """The source line of `span` with carets under the spanned text (one line at most)."""
    lines = text.splitlines()
    if not 1 <= span.line <= len(lines):
        return ""
    line = lines[span.line - 1].replace("\t", " ")  # one column per character, as lark counts
    start = min(max(span.column - 1, 0), len(line))
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    end = min(max(end, start + 1), max(len(line), start + 1))
    pad = " " * display_width(line[:start])
    marks = "^" * max(display_width(line[start:end]), 1)
    gutter = f"{span.line:>5} | "
    return f"{gutter}{line}\n{' ' * (len(gutter) - 2)}| {pad}{marks}"


def read_text(path: str | os.PathLike[str], what: str, error: type[RubricError]) -> str:
    """A UTF-8 file's text (a BOM is dropped); `error` says plainly why it cannot be read."""
    name = os.fspath(path)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except FileNotFoundError:
        raise error(f"{name}: no such {what}") from None
    except UnicodeDecodeError as problem:
        raise error(f"{name}: not UTF-8 text ({problem.reason})") from None
    except OSError as problem:
        raise error(f"{name}: cannot read ({problem.strerror})") from None
