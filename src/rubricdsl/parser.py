"""Rubric text to Lark parse tree, with grammar errors turned into RubricSyntaxError."""

from __future__ import annotations

import difflib
import functools

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from rubricdsl.errors import RubricSyntaxError, diagnostic
from rubricdsl.source import Span

# What a user should read for a terminal the parser expected.
_TERMINAL_NAMES = {
    "NAME": "an indicator name (lowercase ascii, digits, _)",
    "NUMBER": "a number",
    "STRING": 'a quoted "string"',
    "ITEM_ID": "an item id",
    "COMPARATOR": "a comparison (>= > == != <= <)",
    "$END": "the end of the file",
}


@functools.cache
def grammar_parser() -> Lark:
    """The LALR parser for grammars/rubric.lark, built once per process."""
    return Lark.open_from_package(
        "rubricdsl.grammars",
        "rubric.lark",
        ("",),
        parser="lalr",
        strict=True,
        propagate_positions=True,
        maybe_placeholders=False,
    )


def parse_tree(text: str, source_name: str) -> Tree[Token]:
    """Parse rubric text; raise RubricSyntaxError naming what was expected where it went wrong."""
    parser = grammar_parser()
    try:
        return parser.parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(error, text, source_name) from None


def _keyword(terminal: str) -> str | None:
    """The literal text of a keyword or punctuation terminal; None for patterns and $END."""
    try:
        pattern = grammar_parser().get_terminal(terminal).pattern
    except KeyError:
        return None
    return str(pattern.value) if pattern.type == "str" else None


def _describe(terminal: str) -> str:
    if terminal in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[terminal]
    keyword = _keyword(terminal)
    return f'"{keyword}"' if keyword is not None else terminal.lower()


def _expected(terminals: set[str] | frozenset[str]) -> str:
    names = sorted({_describe(t) for t in terminals})
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _syntax_error(error: UnexpectedInput, text: str, source_name: str) -> RubricSyntaxError:
    line = max(getattr(error, "line", 1) or 1, 1)
    column = max(getattr(error, "column", 1) or 1, 1)
    hint = None
    if isinstance(error, UnexpectedEOF):
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        message = f"the rubric ends too early: expected {_expected(set(error.expected))}"
        span = Span.point(line, column)
    elif isinstance(error, UnexpectedToken):
        token = error.token
        expected = _expected(error.accepts or error.expected)
        if token.type == "$END":
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
            message = f"the rubric ends too early: expected {expected}"
            span = Span.point(line, column)
        else:
            message = f"unexpected {token.value!r}: expected {expected}"
            span = Span.point(line, column, len(str(token.value)))
            hint = _hint_for(token, error)
    elif isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        bad = text[position] if position < len(text) else ""
        expected = _expected(error.allowed or set())
        message = f"unexpected character {bad!r}" + (f": expected {expected}" if expected else "")
        span = Span.point(line, column)
        hint = _hint_for_character(bad)
    else:  # pragma: no cover - lark has no other UnexpectedInput subclasses
        message = str(error)
        span = Span.point(line, column)
    found = diagnostic(
        "error", "syntax", message, source_name=source_name, text=text, span=span, hint=hint
    )
    return RubricSyntaxError([found])


def _hint_for(token: Token, error: UnexpectedToken) -> str | None:
    expected = error.accepts or error.expected
    at_rule_start = any(_keyword(name) == "highest" for name in expected)
    if token.type == "STRING" and at_rule_start:
        return "a rule starts with its points, then the condition, then the wording"
    if "STRING" in expected and token.type != "STRING":
        return 'a rule ends with the table\'s wording in double quotes: 2 when x "…"'
    if str(token.value)[:1].isupper():
        return "indicator names and keywords are lowercase"
    keywords = [k for name in expected if (k := _keyword(name)) is not None and k.isalpha()]
    close = difflib.get_close_matches(str(token.value), keywords, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _hint_for_character(bad: str) -> str | None:
    if bad == "=":
        return "compare with ==, >=, <=, != (a single = is not a comparison)"
    if bad in "“”‘’":
        return 'strings use straight double quotes "…"; curly quotes may appear inside them'
    if bad in "（）：，":
        return "use ascii punctuation outside strings"
    if bad.isupper():
        return "indicator names and keywords are lowercase"
    if bad == '"':
        return "a string must close on the same line with a straight double quote"
    if bad == "%":
        return "write percentages as plain numbers: >= 90, not >= 90%"
    return None
