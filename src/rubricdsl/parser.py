"""Rubric text to Lark parse tree, with grammar errors turned into RubricSyntaxError."""

from __future__ import annotations

import difflib
import functools
from decimal import Decimal

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from rubricdsl.errors import RubricSyntaxError, diagnostic
from rubricdsl.escape import clip
from rubricdsl.limits import DEFAULT_LIMITS, Limits, decimal_problem, number_text_problem
from rubricdsl.source import Span, source_lines

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


def parse_tree(text: str, source_name: str, limits: Limits = DEFAULT_LIMITS) -> Tree[Token]:
    """Parse rubric text; raise RubricSyntaxError naming what was expected where it went wrong,
    or what in the text is beyond the limits (docs/limits.md)."""
    parser = grammar_parser()
    try:
        tree = parser.parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(error, text, source_name) from None
    problems = beyond_limits(tree, limits)
    if problems:
        raise RubricSyntaxError(
            [
                diagnostic("error", "limit", message, source_name=source_name, text=text, span=span)
                for message, span in problems
            ]
        )
    return tree


def beyond_limits(tree: Tree[Token], limits: Limits) -> list[tuple[str, Span]]:
    """What in the parse tree is past the limits: nesting, and the size of numbers, names and
    texts. Walked without recursion, so no depth of input can exhaust the stack here; everything
    after this stage may recurse, as the depth is bounded."""
    problems: list[tuple[str, Span]] = []
    stack: list[tuple[Tree[Token] | Token, int]] = [(tree, 1)]
    too_deep = False
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Token):
            problem = _token_problem(node, limits)
            if problem is not None:
                problems.append((problem, _token_span(node)))
            continue
        if depth > limits.max_rubric_depth:
            if not too_deep:  # once is enough: every level below would say the same
                too_deep = True
                span = Span.point(node.meta.line, node.meta.column) if not node.meta.empty else None
                message = (
                    f"the rubric is nested more than {limits.max_rubric_depth} levels deep here "
                    "(conditions inside conditions); split the condition"
                )
                problems.append((message, span or Span.point(1, 1)))
            continue
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return sorted(problems, key=lambda problem: (problem[1].line, problem[1].column))


def _token_problem(token: Token, limits: Limits) -> str | None:
    text = str(token)
    if token.type == "NUMBER":
        problem = number_text_problem(text, limits)
        if problem is None:
            problem = decimal_problem(Decimal(text), limits)
        return f"the number {clip(text, 40)} {problem}" if problem else None
    if token.type == "STRING" and len(text) > limits.max_text_length:
        return f"a text of {len(text):,} characters; at most {limits.max_text_length:,} are allowed"
    if token.type in ("NAME", "ITEM_ID") and len(text) > limits.max_name_length:
        return f"a name of {len(text):,} characters; at most {limits.max_name_length:,}"
    return None


def _token_span(token: Token) -> Span:
    return Span.point(token.line or 1, token.column or 1, min(len(str(token)), 200))


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
        line, column = _end_of(text)
        message = f"the rubric ends too early: expected {_expected(set(error.expected))}"
        span = Span.point(line, column)
    elif isinstance(error, UnexpectedToken):
        token = error.token
        expected = _expected(error.accepts or error.expected)
        if token.type == "$END":
            line, column = _end_of(text)
            message = f"the rubric ends too early: expected {expected}"
            span = Span.point(line, column)
        else:
            message = f"unexpected {clip(str(token.value), 40)!r}: expected {expected}"
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


def _end_of(text: str) -> tuple[int, int]:
    """Line and column just past the last character, a final newline aside."""
    lines = source_lines(text.removesuffix("\n"))
    return len(lines), len(lines[-1]) + 1


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
