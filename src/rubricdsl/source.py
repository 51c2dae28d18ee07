"""Source text and spans: where a piece of a rubric came from, and drawing a caret under it."""

from __future__ import annotations

import attrs
from wcwidth import wcswidth


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
