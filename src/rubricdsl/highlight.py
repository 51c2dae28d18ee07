"""Highlighting for readers: a Pygments lexer of the rubric language, and the source lines of
error messages coloured on a terminal."""

from __future__ import annotations

import os
import re
from typing import ClassVar, TextIO

from pygments import highlight
from pygments.formatters import TerminalFormatter
from pygments.lexer import RegexLexer, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

# The words of grammars/rubric.lark, by what they do (a test checks that none is missing).
STRUCTURE = (
    "rubric", "year", "base", "bonus", "indicators", "category", "group", "item", "cap",
    "checklist", "task", "deductions", "grades", "then",
)  # fmt: skip
RULES = (
    "when", "always", "per", "of", "max", "above", "below", "rounding", "down", "up", "exact",
    "scaled", "by", "highest", "lowest", "veto", "downgrade", "at", "most", "require", "na",
    "allowed", "otherwise", "on", "total", "to", "places", "half-up", "half-even",
)  # fmt: skip
LOGIC = ("and", "or", "not")
FUNCTIONS = ("last", "previous", "decreasing", "increasing")
# a derived indicator's function is a name before "(" (the grammar reserves no word for it)
# (model.FUNCTIONS; a test keeps the two in step)
DERIVING = ("ratio", "sum", "difference", "change")
TYPES = ("bool", "count", "percent", "score", "amount", "number", "series", "enum")
CONSTANTS = ("true", "false")
# an item id as the table numbers it: 1, B1, 一.1, 十二 (the grammar's ITEM_ID)
_ID_START = "0-9A-Za-z〇一二三四五六七八九十百千零"
ITEM_ID = f"[{_ID_START}][{_ID_START}_.\\-]*"


class RubricLexer(RegexLexer):
    """The rubric language (`.rubric` files): `pygmentize -l rubric file.rubric`."""

    name = "Rubric"
    aliases: ClassVar[list[str]] = ["rubric", "rubricdsl"]
    filenames: ClassVar[list[str]] = ["*.rubric"]
    mimetypes: ClassVar[list[str]] = ["text/x-rubric"]
    url = "https://github.com/rubricdsl/rubricdsl"

    tokens: ClassVar[dict[str, list[object]]] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (r'"(?:[^"\\\n]|\\["\\])*"', String.Double),
            (words(STRUCTURE, suffix=r"\b"), Keyword.Declaration),
            (words(RULES, suffix=r"\b"), Keyword),
            (words(LOGIC, suffix=r"\b"), Operator.Word),
            (words(FUNCTIONS, suffix=r"\b"), Name.Builtin),
            (words(DERIVING, suffix=r"(?=\s*\()"), Name.Builtin),
            (words(TYPES, suffix=r"\b"), Keyword.Type),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (r"-?[0-9]+(?:\.[0-9]+)?(?![0-9A-Za-z_.])", Number),
            (r">=|<=|==|!=|>|<", Operator),
            (r"[a-z][a-z0-9_]*", Name.Variable),
            (
                r"[0-9A-Za-z〇一二三四五六七八九十百千零][0-9A-Za-z〇一二三四五六七八九十百千零_.\-]*",
                Name.Label,
            ),
            (r"[{}():,=]", Punctuation),
            (r".", Text),
        ]
    }


def colour_wanted(stream: TextIO | None, environ: dict[str, str] | None = None) -> bool:
    """Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


# An excerpt's source line, as source.excerpt writes it: `   12 | <the line>`
_SOURCE_LINE = re.compile(r"^( {0,4}\d+ \| )(.*)$")


def highlight_excerpts(message: str) -> str:
    """A message with the rubric lines of its excerpts coloured; the caret lines and the rest
    stay as they are (the columns do not move: colour codes take no width)."""
    lexer = RubricLexer()
    formatter = TerminalFormatter()
    lines = []
    for line in message.split("\n"):
        found = _SOURCE_LINE.match(line)
        if found is None:
            lines.append(line)
            continue
        coloured = highlight(found.group(2), lexer, formatter).rstrip("\n")
        lines.append(found.group(1) + coloured)
    return "\n".join(lines)
