"""Source text and spans: where a piece of a rubric came from, and drawing a caret under it."""

from __future__ import annotations

import functools

import attrs

from rubricdsl.escape import escape


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
    if text.isascii() and "\0" not in text:
        # what wcswidth says, without importing it (~20 ms): one column a character, and a
        # string with a control character in it (-1 to wcswidth) counted by its length
        return len(text)
    from wcwidth import wcswidth  # loaded when text beyond ascii is drawn

    width = wcswidth(text)
    return width if width >= 0 else len(text)


@functools.lru_cache(maxsize=4)
def source_lines(text: str) -> tuple[str, ...]:
    """The lines of a rubric as the grammar counts them: split at "\n" only (not at the other
    characters Python's splitlines breaks at, such as U+2028 or a form feed)."""
    return tuple(line.removesuffix("\r") for line in text.split("\n"))


# A line longer than EXCERPT_WIDTH is cut to that many characters, starting EXCERPT_BEFORE
# before the caret, with "…" where it was cut.
EXCERPT_BEFORE = 40
EXCERPT_WIDTH = 100


def excerpt(text: str, span: Span) -> str:
    """The source line of `span` with carets under the spanned text (one line at most)."""
    lines = source_lines(text)
    if not 1 <= span.line <= len(lines):
        return ""
    line = lines[span.line - 1]
    start = min(max(span.column - 1, 0), len(line))
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    end = min(max(end, start + 1), max(len(line), start + 1))
    first = max(start - EXCERPT_BEFORE, 0) if len(line) > EXCERPT_WIDTH else 0
    last = min(max(end, start + 1), first + EXCERPT_WIDTH)
    before = ("…" if first else "") + _shown_source(line[first:start])
    marked = _shown_source(line[start:last])
    after = _shown_source(line[last : first + EXCERPT_WIDTH]) + (
        "…" if len(line) > first + EXCERPT_WIDTH else ""
    )
    pad = " " * display_width(before)
    marks = "^" * max(display_width(marked), 1)
    gutter = f"{span.line:>5} | "
    return f"{gutter}{before}{marked}{after}\n{' ' * (len(gutter) - 2)}| {pad}{marks}"


def _shown_source(text: str) -> str:
    # A tab is one column to lark; every other control is shown as its escape.
    return escape(text.replace("\t", " "))
