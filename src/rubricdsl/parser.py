"""Rubric text to Lark parse tree, with grammar errors turned into RubricSyntaxError."""

from __future__ import annotations

import bisect
import copy
import difflib
import functools
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.lexer import LexerThread
from lark.parsers.lalr_interactive_parser import InteractiveParser
from lark.parsers.lalr_parser_state import ParserState

from rubricdsl.errors import Diagnostic, RubricSyntaxError, diagnostic
from rubricdsl.escape import clip
from rubricdsl.limits import DEFAULT_LIMITS, Limits, decimal_problem, number_text_problem
from rubricdsl.source import Span, source_lines

# What a user should read for a terminal the parser expected.
_TERMINAL_NAMES = {
    "NAME": "an indicator name (lowercase ascii, digits, _)",
    "NUMBER": "a number",
    "STRING": 'a quoted "string"',
    "ITEM_ID": 'an item id (3, B1, 一.1, or in quotes: "（三）2")',
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
        found = [_syntax_diagnostic(error, text, source_name)]
        found += _more_syntax_errors(error, text, source_name, limits.max_problems - 1)
        raise RubricSyntaxError(found) from None
    problems = [("limit", message, span) for message, span in beyond_limits(tree, limits)]
    problems += _item_id_problems(tree, limits)
    if problems:
        problems.sort(key=lambda problem: (problem[2].line, problem[2].column))
        raise RubricSyntaxError(
            [
                diagnostic("error", code, message, source_name=source_name, text=text, span=span)
                for code, message, span in problems
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


def _item_id_problems(tree: Tree[Token], limits: Limits) -> Iterator[tuple[str, str, Span]]:
    """What is wrong with quoted item ids: empty ones, and ones longer than a name may be.
    (A bare ITEM_ID cannot be empty, and beyond_limits has checked its length.)"""
    for item in _items(tree):
        token = item.children[0]
        if not isinstance(token, Token) or token.type != "STRING":
            continue
        text = str(token)[1:-1]
        if not text.strip():
            message = (
                "an item id in quotes must not be empty"
                if not text
                else ("an item id in quotes must not be blank")
            )
            yield "syntax", message, _token_span(token)
        elif len(text) > limits.max_name_length:
            message = f"an item id of {len(text):,} characters; at most {limits.max_name_length:,}"
            yield "limit", message, _token_span(token)


def _items(tree: Tree[Token]) -> Iterator[Tree[Token]]:
    """The `item` subtrees: in a category, or in a group in a category (never deeper)."""
    for category in _subtrees(tree.children, "category"):
        yield from _subtrees(category.children, "item")
        for group in _subtrees(category.children, "group"):
            yield from _subtrees(group.children, "item")


def _subtrees(children: Iterable[Tree[Token] | Token], data: str) -> Iterator[Tree[Token]]:
    return (c for c in children if isinstance(c, Tree) and c.data == data)


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


def _describe(terminal: str, in_enum: bool = False) -> str:
    if terminal == "NAME" and in_enum:
        return "a level name (lowercase ascii, digits, _)"
    if terminal in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[terminal]
    keyword = _keyword(terminal)
    return f'"{keyword}"' if keyword is not None else terminal.lower()


def _expected(terminals: Iterable[str], in_enum: bool = False) -> str:
    terminals = set(terminals)
    if "ITEM_ID" in terminals:  # an item id may be a string: the ITEM_ID text says so
        terminals.discard("STRING")
    names = sorted({_describe(t, in_enum) for t in terminals})
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _value_stack(error: UnexpectedInput) -> list[Any]:
    """What the parser had read and not yet reduced when it met the error (tokens and trees)."""
    stack = getattr(getattr(error, "state", None), "value_stack", None)
    return list(stack) if isinstance(stack, list) else []


def _in_enum(stack: list[Any]) -> bool:
    """Whether the parser is inside `enum(…)`, where a NAME is a level, not an indicator."""
    return any(isinstance(value, Token) and _keyword(value.type) == "enum" for value in stack)


def _syntax_diagnostic(error: UnexpectedInput, text: str, source_name: str) -> Diagnostic:
    line = max(getattr(error, "line", 1) or 1, 1)
    column = max(getattr(error, "column", 1) or 1, 1)
    stack = _value_stack(error)
    in_enum = _in_enum(stack)
    hint = None
    if isinstance(error, UnexpectedEOF):
        line, column = _end_of(text)
        message = f"the rubric ends too early: expected {_expected(error.expected, in_enum)}"
        span = Span.point(line, column)
    elif isinstance(error, UnexpectedToken):
        token = error.token
        expected = _expected(error.accepts or error.expected, in_enum)
        if token.type == "$END":
            line, column = _end_of(text)
            message = f"the rubric ends too early: expected {expected}"
            span = Span.point(line, column)
        else:
            message = f"unexpected {clip(str(token.value), 40)!r}: expected {expected}"
            span = Span.point(line, column, len(str(token.value)))
            hint = _hint_for(token, error, stack, text)
    elif isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        bad = text[position] if position < len(text) else ""
        escape_at = _unsupported_escape(text, position) if bad == '"' else None
        if escape_at is not None:
            sequence = text[escape_at : escape_at + 2]
            message = f"the escape {sequence} in this string is not supported"
            column += escape_at - position  # on the same line: a string is one line
            span = Span.point(line, column, 2)
            hint = (
                'strings are written as-is: write the character itself; only \\" (a quote) '
                "and \\\\ (a backslash) are escapes"
            )
        else:
            expected = _expected(_fitting(error, error.allowed or set()), in_enum)
            message = f"unexpected character {bad!r}" + (
                f": expected {expected}" if expected else ""
            )
            span = Span.point(line, column)
            hint = _hint_for_character(bad, error, text, position)
    else:  # pragma: no cover - lark has no other UnexpectedInput subclasses
        message = str(error)
        span = Span.point(line, column)
    return diagnostic(
        "error", "syntax", message, source_name=source_name, text=text, span=span, hint=hint
    )


def _fitting(error: UnexpectedInput, terminals: Iterable[str]) -> set[str]:
    """Those of `terminals` the parser can take where it stopped. (The lexer's list may hold
    more: the state it read in is shared by contexts, as an enum level's label and an
    indicator's.)"""
    terminals = set(terminals)
    state = getattr(error, "state", None)
    if not isinstance(state, ParserState):
        return terminals
    fitting = set()
    for terminal in terminals:
        trial = ParserState(
            state.parse_conf, state.lexer, list(state.state_stack), list(state.value_stack)
        )
        try:
            trial.feed_token(Token(terminal, ""), terminal == "$END")
        except (UnexpectedInput, LookupError, AssertionError):
            continue
        fitting.add(terminal)
    return fitting or terminals


def _end_of(text: str) -> tuple[int, int]:
    """Line and column just past the last character, a final newline aside."""
    lines = source_lines(text.removesuffix("\n"))
    return len(lines), len(lines[-1]) + 1


def _unsupported_escape(text: str, quote: int) -> int | None:
    """Where the string opened at `quote` has a backslash escape other than \" and \\ (the
    reason it did not read as a string); None when the string is unclosed for another reason."""
    index = quote + 1
    while index < len(text) and text[index] not in '"\n':
        if text[index] == "\\":
            following = text[index + 1 : index + 2]
            if following in ("", "\n", "\r"):
                return None
            if following not in '"\\':
                return index
            index += 1
        index += 1
    return None


@functools.cache
def _keywords() -> frozenset[str]:
    """The words with a meaning in the grammar: and, or, not, when, …"""
    return frozenset(
        word
        for terminal in grammar_parser().terminals
        if (word := _keyword(terminal.name)) is not None and word.isalpha()
    )


_FLIPPED = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}
_OPERAND = re.compile(
    r"\s*(-?[0-9]+(?:\.[0-9]+)?|(?:last|previous)\s*\(\s*[a-z][a-z0-9_]*\s*\)|[a-z][a-z0-9_]*)"
)


def _source_of(value: Any, text: str) -> str | None:
    """The text a token or a tree on the parser's stack was read from."""
    if isinstance(value, Token):
        start, end = value.start_pos, value.end_pos
    elif isinstance(value, Tree) and not value.meta.empty:
        start, end = value.meta.start_pos, value.meta.end_pos
    else:
        return None
    return text[start:end] if start is not None and end is not None else None


def _chained_comparison_hint(token: Token, stack: list[Any], text: str) -> str | None:
    """`80 <= p < 90`: comparisons do not chain; write the two comparisons joined by `and`."""
    if len(stack) < 3 or not (isinstance(stack[-2], Token) and stack[-2].type == "COMPARATOR"):
        return None
    left, middle = _source_of(stack[-3], text), _source_of(stack[-1], text)
    first, second = str(stack[-2]), str(token)
    found = _OPERAND.match(text, token.end_pos or 0)
    if left is None or middle is None or found is None:
        return "comparisons do not chain: write a range as p >= 80 and p < 90"
    if middle[:1] in "-0123456789":  # p >= 80 < 90: not a range; say how a range is written
        return "comparisons do not chain: write a range as p >= 80 and p < 90"
    right = found.group(1)
    if left[:1] in "-0123456789":
        # 80 <= p < 90: the indicator first both times, as in p >= 80 and p < 90
        start = f"{middle} {_FLIPPED[first]} {left}"
    else:
        start = f"{left} {first} {middle}"
    return f"comparisons do not chain: write {start} and {middle} {second} {right}"


def _after_item_id(stack: list[Any]) -> bool:
    """Whether the parser has just read `item <id>` (the id shifted, or already reduced)."""
    if stack and isinstance(stack[-1], Tree):
        return bool(stack[-1].data == "_item_id")
    last_but_one = stack[-2] if len(stack) >= 2 else None
    return isinstance(last_but_one, Token) and _keyword(last_but_one.type) == "item"


def _hint_for(token: Token, error: UnexpectedToken, stack: list[Any], text: str) -> str | None:
    expected = set(error.accepts or error.expected)
    value = str(token.value)
    in_enum = _in_enum(stack)
    if token.type == "COMPARATOR" and "COMPARATOR" not in expected:
        hint = _chained_comparison_hint(token, stack, text)
        if hint is not None:
            return hint
    if value == "," and {"NAME", "RBRACE"} <= expected:
        return "declarations are separated by spaces or newlines, not commas: a: bool  b: count"
    if value != value.lower() and value.lower() in _keywords():
        return f"keywords are lowercase: write {value.lower()}, not {value}"
    at_rule_start = any(_keyword(name) == "highest" for name in expected)
    if token.type == "STRING" and at_rule_start:
        return "a rule starts with its points, then the condition, then the wording"
    if "STRING" in expected and token.type != "STRING":
        words = {_keyword(v.type) for v in stack if isinstance(v, Token)}
        if words & {"when", "always", "per", "scaled"}:
            return 'a rule ends with the table\'s wording in double quotes: 2 when x "…"'
        if _after_item_id(stack):
            return 'an item is written: item <id> "title" <points> {'
    if value[:1].isupper():
        if in_enum:
            return "level names are lowercase"
        return "indicator names and keywords are lowercase"
    keywords = [k for name in expected if (k := _keyword(name)) is not None and k.isalpha()]
    close = difflib.get_close_matches(value, keywords, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


# Comparison signs as typeset, and what to write instead.
_COMPARISON_SIGNS = {"≥": ">=", "≤": "<=", "≠": "!=", "⩾": ">=", "⩽": "<=", "＞": ">", "＜": "<"}
_FULL_WIDTH_DIGITS = "０１２３４５６７８９"
_TO_ASCII_DIGITS = str.maketrans(_FULL_WIDTH_DIGITS + "．", "0123456789.")


def _item_id_hint(bad: str, error: UnexpectedCharacters, text: str, position: int) -> str | None:
    """A character that cannot be in a bare item id, where one is being read: quote the id."""
    start = position
    if "ITEM_ID" not in (error.allowed or set()):
        history = error.token_history or []
        last = history[-1] if history else None
        if last is None or last.type != "ITEM_ID" or last.end_pos != position:
            return None
        start = last.start_pos or position
    found = re.compile(r'[^\s"{}]+').match(text, start)
    written = found.group(0) if found else bad
    return f'an item id with other characters is written in quotes: item "{written}"'


def _hint_for_character(
    bad: str, error: UnexpectedCharacters, text: str, position: int
) -> str | None:
    item_id = _item_id_hint(bad, error, text, position)
    if item_id is not None:
        return item_id
    if bad in _COMPARISON_SIGNS:
        return f"write {_COMPARISON_SIGNS[bad]} for {bad}: comparisons are >=, <=, ==, !=, >, <"
    if bad in _FULL_WIDTH_DIGITS:
        found = re.compile(f"[{_FULL_WIDTH_DIGITS}．]+").match(text, position)
        written = found.group(0) if found else bad
        return f"write ascii digits: {written.translate(_TO_ASCII_DIGITS)}, not {written}"
    if bad == "\u3000":
        return "a full-width space (U+3000) is allowed only inside strings; use an ordinary space"
    if bad == "＃":
        return "comments start with an ascii #, not a full-width ＃"
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


# ---- recovery: every syntax error of a file, not only the first ------------------------------
#
# After an error the parser skips to a place where a statement may start: the next line, or the
# `}` closing the block it is in (a block opened on the skipped stretch is skipped whole). There it
# drops what it had read of the statement and goes on, if the first token there fits; if not, it
# skips on. It is careful not to report an error that only the skip caused:
# - it recovers only when the braces of the text balance (as strings and comments aside), and
#   only while its own count of open blocks agrees with the text's at each error;
# - it resumes at the start of a line only after a line that ends as a statement ends (with a
#   string, a brace or a number), so that the second line of a statement written over two is
#   skipped, not read as a statement of its own;
# - it gives up, keeping the errors found so far, whenever something is out of the ordinary.

_STRING = re.compile(r'"(?:[^"\\\n]|\\["\\])*"')
# What the skip reads: a string, a broken string (to the end of the line), a comment, a brace,
# a line end, or a run of anything else.
_PIECE = re.compile(r'"(?:[^"\\\n]|\\["\\])*"|"[^\n]*|#[^\n]*|[{}\n]|[^\s"#{}]+')


class _Braces:
    """The braces of a rubric text as the lexer sees them (outside strings and comments)."""

    def __init__(self, text: str) -> None:
        self.positions: list[int] = []  # of each brace, in order
        self.depths: list[int] = []  # blocks open just after it
        self.closing: dict[int, int] = {}  # where the block opened at a `{` closes
        self.balanced = True
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        opened: list[int] = []
        for piece in _PIECE.finditer(text):
            brace = piece.group()
            if brace == "{":
                opened.append(piece.start())
            elif brace == "}":
                if not opened:
                    self.balanced = False
                    return
                self.closing[opened.pop()] = piece.start()
            else:
                continue
            self.positions.append(piece.start())
            self.depths.append(len(opened))
        self.balanced = not opened

    def depth_at(self, position: int) -> int:
        """Blocks open just before `position`."""
        index = bisect.bisect_left(self.positions, position)
        return self.depths[index - 1] if index else 0


def _more_syntax_errors(
    error: UnexpectedInput, text: str, source_name: str, room: int
) -> list[Diagnostic]:
    """The syntax errors after `error`, at most `room` of them (see the notes above)."""
    found: list[Diagnostic] = []
    braces = _Braces(text)
    if not braces.balanced:
        return found
    try:
        while len(found) < room:
            resumed = _recover(error, text, braces)
            if resumed is None:
                break
            try:
                resumed.resume_parse()  # type: ignore[no-untyped-call]
                break
            except UnexpectedInput as next_error:
                if _open_blocks(next_error) != braces.depth_at(_position(next_error, text)):
                    break  # the parser and the text disagree: what follows may be false
                found.append(_syntax_diagnostic(next_error, text, source_name))
                error = next_error
    except (LarkError, LookupError, AssertionError, TypeError, ValueError):
        pass  # recovery is a best effort; the errors found so far are real
    return found


def _position(error: UnexpectedInput, text: str) -> int:
    if isinstance(error, UnexpectedToken):
        if error.token.type == "$END":
            return len(text)
        return error.token.start_pos or 0
    return error.pos_in_stream or 0


def _open_block_indexes(stack: list[Any]) -> list[int]:
    """Where on the parser's stack the blocks still open begin (their `{`), outermost first."""
    opened: list[int] = []
    for index, value in enumerate(stack):
        if isinstance(value, Token) and value.type == "LBRACE":
            opened.append(index)
        elif isinstance(value, Token) and value.type == "RBRACE" and opened:
            opened.pop()
    return opened


def _open_blocks(error: UnexpectedInput) -> int:
    return len(_open_block_indexes(_value_stack(error)))


def _recover(error: UnexpectedInput, text: str, braces: _Braces) -> InteractiveParser | None:
    """A parser resumed past `error` at a place where a statement starts; None if there is none
    it can be sure of."""
    if isinstance(error, UnexpectedEOF):
        return None
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return None
    interactive = getattr(error, "interactive_parser", None)
    if not isinstance(interactive, InteractiveParser):
        return None
    position = _position(error, text)
    opened = _open_block_indexes(list(interactive.parser_state.value_stack))
    if len(opened) != braces.depth_at(position):
        return None
    if _in_block_header(interactive.parser_state.value_stack, opened):
        following = bisect.bisect_left(braces.positions, position)
        brace = braces.positions[following] if following < len(braces.positions) else len(text)
        if brace >= _line_end(text, position) or text[brace] != "{":
            return None  # `item 1 "t" 4` with no `{` on its line: it may be missing; stop here
    last = ""
    while True:
        skipped = _skip(text, position, braces, last)
        if skipped is None:
            return None
        at, kind = skipped
        resumed = _resume_at(interactive, opened[-1] + 1 if opened else 0, at, text, braces)
        if resumed is not None or kind == "end":
            return resumed
        last = ""
        if kind == "close":  # nothing in the block can come before its `}`: drop the block
            if not opened:
                return None
            opened.pop()
            resumed = _resume_at(interactive, opened[-1] + 1 if opened else 0, at + 1, text, braces)
            if resumed is not None:
                return resumed
            at, last = at + 1, "}"
        position = at


_BLOCK_WORDS = frozenset({"indicators", "category", "group", "item", "highest"})


def _in_block_header(stack: list[Any], opened: list[int]) -> bool:
    """Whether the parser is reading the head of a block (`item 1 "t" 4`), before its `{`."""
    start = opened[-1] + 1 if opened else 0
    words = [_keyword(value.type) for value in stack[start:] if isinstance(value, Token)]
    return bool(_BLOCK_WORDS.intersection(words)) and "{" not in words


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _skip(text: str, position: int, braces: _Braces, last: str) -> tuple[int, str] | None:
    """Where to resume after an error at `position`: ("line") the start of the next line that
    follows a finished line, ("close") the `}` closing the block, or ("end") the end of the text.
    A block opened on the way is skipped whole. `last` is what the line read so far ends with."""
    index = position
    while True:
        piece = _PIECE.search(text, index)
        if piece is None:
            return len(text), "end"
        found = piece.group()
        index = piece.end()
        if found == "\n":
            if last[-1:] in ('"', "{", "}") or last[-1:].isdigit():
                return index, "line"
        elif found == "{":
            end = braces.closing.get(piece.start())
            if end is None:
                return None
            index, last = end + 1, "}"
        elif found == "}":
            return piece.start(), "close"
        elif found.startswith('"'):
            last = '"' if _STRING.fullmatch(found) else "x"
        elif not found.startswith("#"):
            last = found


def _resume_at(
    interactive: InteractiveParser, base: int, at: int, text: str, braces: _Braces
) -> InteractiveParser | None:
    """The parser with its stack cut back to a statement boundary of the innermost open block
    (`base` is where that block's statements start on the stack), reading on from `at`, if the
    token there fits; None if it fits at no boundary."""
    old = interactive.parser_state
    stack = list(old.value_stack)
    ends = [base]
    while ends[-1] < len(stack) and isinstance(stack[ends[-1]], Tree):
        ends.append(ends[-1] + 1)  # whole statements (trees) may stay
    for end in reversed(ends):
        lexer_state = copy.copy(interactive.lexer_thread.state)
        assert lexer_state is not None
        counter = lexer_state.line_ctr
        counter.char_pos = at
        counter.line = bisect.bisect_right(braces.line_starts, at)
        counter.line_start_pos = braces.line_starts[counter.line - 1]
        counter.column = at - counter.line_start_pos + 1
        lexer_state.last_token = None
        thread = LexerThread(interactive.lexer_thread.lexer, lexer_state)
        state = ParserState(old.parse_conf, thread, old.state_stack[: end + 1], stack[:end])
        resumed = InteractiveParser(interactive.parser, state, thread)
        trial = ParserState(old.parse_conf, thread, old.state_stack[: end + 1], stack[:end])
        try:  # read the one token there, on copies, and see whether it fits
            tokens = copy.copy(thread).lex(trial)  # type: ignore[no-untyped-call]
            token = next(iter(tokens), None)
            if token is None:
                line, column = _end_of(text)
                trial.feed_token(Token("$END", "", len(text), line, column), True)
            else:
                trial.feed_token(token)
        except UnexpectedInput:
            continue
        return resumed
    return None
