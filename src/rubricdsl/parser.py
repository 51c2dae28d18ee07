"""Rubric text to Lark parse tree; every grammar error a diagnostic, with what parsed around it."""

from __future__ import annotations

import bisect
import contextlib
import copy
import difflib
import functools
import hashlib
import os
import pkgutil
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import lark
from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.lexer import LexerThread
from lark.load_grammar import FromPackageLoader
from lark.parsers.lalr_interactive_parser import InteractiveParser
from lark.parsers.lalr_parser_state import ParseConf, ParserState

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
def grammar_parser(*, keep_all_tokens: bool = False) -> Lark:
    """The LALR parser for grammars/rubric.lark, built once per process (and once more with
    every token kept in the tree, keywords and punctuation too, for the formatter).

    Built once across processes, too: the parser built is kept in the user's cache directory
    (`cache_directory()`) under a key made of the grammar's text, lark's and Python's versions and
    the options, and a later process loads it from there (a few milliseconds, where building
    takes a few hundred). A changed grammar has another key, so it is built anew; a cache that
    cannot be read or written is passed over, and the parser is built as it would be without."""
    text = _grammar_text()
    key = _cache_key(text, keep_all_tokens)
    directory = cache_directory()
    path = None if directory is None else directory / f"parser-{key}.pickle"
    if path is not None:
        cached = _cached_parser(path, key)
        if cached is not None:
            return cached
    parser = build_parser(keep_all_tokens=keep_all_tokens, grammar=text)
    if path is not None:
        _keep(parser, path, key)
    return parser


_GRAMMAR_PACKAGE = "rubricdsl.grammars"
_GRAMMAR_FILE = "rubric.lark"
# The options every parser of the grammar is built with (`keep_all_tokens` and `strict` aside).
_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "propagate_positions": True,
    "maybe_placeholders": False,
}


def build_parser(
    *, keep_all_tokens: bool = False, strict: bool = False, grammar: str | None = None
) -> Lark:
    """The parser built from the grammar (`grammar`: its text, else the one shipped), not cached.
    `strict` refuses any conflict in the grammar and any two terminals that may match the same
    text (lark's check with interegular, ~0.1 s): the tests build it so (tests/test_startup.py),
    so that no start of the program has to."""
    loader = FromPackageLoader(_GRAMMAR_PACKAGE, ("",))
    return Lark(
        _grammar_text() if grammar is None else grammar,
        source_path=_GRAMMAR_FILE,
        import_paths=[loader],
        strict=strict,
        keep_all_tokens=keep_all_tokens,
        **_OPTIONS,
    )


def _grammar_text() -> str:
    """The text of grammars/rubric.lark, as shipped with the package."""
    data = pkgutil.get_data(_GRAMMAR_PACKAGE, _GRAMMAR_FILE)
    assert data is not None, "the grammar ships with the package"
    return data.decode("utf-8")


def _cache_key(grammar: str, keep_all_tokens: bool) -> str:
    """What a cached parser must have been built from: the grammar's text, the options, and the
    versions of lark and Python (a pickle of lark's objects is read by the same ones)."""
    options = sorted({**_OPTIONS, "keep_all_tokens": keep_all_tokens}.items())
    made_of = "\0".join(
        [grammar, repr(options), lark.__version__, ".".join(map(str, sys.version_info[:2]))]
    )
    return hashlib.sha256(made_of.encode("utf-8")).hexdigest()[:40]


def cache_directory() -> Path | None:
    """Where the built parsers are kept: $XDG_CACHE_HOME/rubricdsl, else ~/.cache/rubricdsl;
    None when there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        try:
            base = os.path.join(Path.home(), ".cache")
        except (RuntimeError, KeyError, OSError):
            return None
    return Path(base) / "rubricdsl"


def _cached_parser(path: Path, key: str) -> Lark | None:
    """The parser kept at `path`, if it is there, ours, and built under `key`; else None."""
    try:
        with open(path, "rb") as file:
            if not _ours(os.fstat(file.fileno())):
                return None
            if file.readline().rstrip(b"\n") != key.encode("ascii"):
                return None
            return Lark.load(file)
    except Exception:  # missing, unreadable, corrupt, or from another lark: build it anew
        return None


def _ours(status: os.stat_result) -> bool:
    """Whether a cached file may be unpickled: written by this user, writable by no one else
    (where the system has owners; a pickle runs code when loaded)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return status.st_uid == getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _keep(parser: Lark, path: Path, key: str) -> None:
    """Write the parser to `path` for later processes: to a new file renamed into place, so that a
    process reading it never sees half of it. Never fails: without a cache, the parser is built."""
    temporary = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".parser-", suffix=".tmp", dir=path.parent)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key.encode("ascii") + b"\n")
            parser.save(file)
        os.replace(temporary, path)
        temporary = None
        _forget_old(path)
    except Exception:  # unwritable, full, or read-only: build it each time instead
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


# A cached parser not written for this long is of a grammar no longer in use (or rebuilt in a
# moment if it is): removed when another is written, so that editing the grammar leaves no heap.
_KEPT_FOR = 7 * 24 * 3600


def _forget_old(written: Path) -> None:
    now = time.time()
    for other in written.parent.glob("parser-*.pickle"):
        with contextlib.suppress(OSError):
            if other != written and now - other.stat().st_mtime > _KEPT_FOR:
                other.unlink()


@attrs.frozen
class Lost:
    """A stretch of text that recovery from a syntax error left out: the statement it broke off
    and what it skipped after the error, up to where reading resumed."""

    span: Span
    top_level: bool  # whether it starts outside every block, where the header lines are
    keywords: frozenset[str] = frozenset()  # the keywords written in it: `grades`, `year`, …


@attrs.frozen
class Parsed:
    """What parsing a rubric text found: its parse tree, or its errors and what parsed.

    With syntax errors, `tree` holds the statements that parsed (the broken ones left out) when
    recovery read on to the end of the file and they are within the limits, else None; `lost`
    says what was left out, and `unparsed_names` the indicators whose declarations were in it
    (None when a declaration was left out whose name cannot be told)."""

    tree: Tree[Token] | None
    errors: tuple[Diagnostic, ...] = ()
    lost: tuple[Lost, ...] = ()
    unparsed_names: frozenset[str] | None = frozenset()


def parse_tree(text: str, source_name: str, limits: Limits = DEFAULT_LIMITS) -> Tree[Token]:
    """Parse rubric text; raise RubricSyntaxError naming what was expected where it went wrong,
    or what in the text is beyond the limits (docs/limits.md)."""
    parsed = parse_rubric(text, source_name, limits)
    if parsed.errors or parsed.tree is None:
        raise RubricSyntaxError(list(parsed.errors))
    return parsed.tree


def parse_rubric(text: str, source_name: str, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse rubric text, reading on past syntax errors (see the notes on recovery below): every
    syntax error up to `limits.max_problems`, with what is beyond the limits, and whatever of
    the file parsed."""
    reading = _Reading(text, source_name, limits.max_problems)
    tree = reading.run()
    errors = reading.errors
    if tree is not None:
        problems = [("limit", message, span) for message, span in beyond_limits(tree, limits)]
        problems += _item_id_problems(tree, limits)
        errors += [
            diagnostic("error", code, message, source_name=source_name, text=text, span=span)
            for code, message, span in problems
        ]
        if problems:
            tree = None  # nothing after this stage may walk a tree past the limits
    if not errors:
        assert tree is not None
        return Parsed(tree)
    errors.sort(key=lambda found: (found.line or 0, found.column or 0))
    if tree is None:
        return Parsed(None, tuple(errors))
    return Parsed(tree, tuple(errors), tuple(reading.lost), reading.unparsed_names())


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
            _without_trees(state.parse_conf),
            state.lexer,
            list(state.state_stack),
            list(state.value_stack),
        )
        try:
            trial.feed_token(Token(terminal, ""), terminal == "$END")
        except (UnexpectedInput, LookupError, AssertionError):
            continue
        fitting.add(terminal)
    return fitting or terminals


def _without_trees(conf: ParseConf[Any]) -> ParseConf[Any]:
    """The parse table without the callbacks that build the tree, for trying tokens: building
    may change trees on the stack in place (lark appends to the children of a tree there), and
    the parse may go on from that stack."""
    quiet = copy.copy(conf)
    quiet.callbacks = {}
    return quiet


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
def keywords() -> frozenset[str]:
    """The words with a meaning in the grammar: and, or, not, when, … (none of them may name an
    indicator or an enum level: where a keyword is allowed, the parser reads it as the keyword)."""
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
    if value == "=":  # a token only where a derived indicator's formula begins
        return _SINGLE_EQUALS
    if token.type == "COMPARATOR" and "COMPARATOR" not in expected:
        hint = _chained_comparison_hint(token, stack, text)
        if hint is not None:
            return hint
    if value == "," and {"NAME", "RBRACE"} <= expected:
        return "declarations are separated by spaces or newlines, not commas: a: bool  b: count"
    if value != value.lower() and value.lower() in keywords():
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
    expected_words = [k for name in expected if (k := _keyword(name)) is not None and k.isalpha()]
    close = difflib.get_close_matches(value, expected_words, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


_SINGLE_EQUALS = (
    "compare with ==, >=, <=, != (a single = is not a comparison; it only starts a derived "
    "indicator's formula: rate: percent = ratio(a, b))"
)

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
        return _SINGLE_EQUALS
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
# When it gets to the end of the file, the tree holds the statements that parsed, and it notes
# what it left out (api.py checks that tree, and keeps quiet about what the gaps may explain).
#
# A keyword declared as an indicator or an enum level (`last: count`) is refused there, by
# model.py; where it is used (`last >= 1`), the parser takes it for the keyword and fails. It
# then reads the word as the name it was declared as, so that the declaration's is the only
# error.

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


class _Reading:
    """One parse of a rubric text that reads on past its syntax errors (see the notes above),
    keeping them and what it left out."""

    def __init__(self, text: str, source_name: str, room: int) -> None:
        self.text = text
        self.source_name = source_name
        self.room = max(room, 1)
        self.errors: list[Diagnostic] = []
        self.lost: list[Lost] = []
        self._stretches: list[tuple[int, int]] = []  # what `lost` spans: start and end offsets
        self._braces: _Braces | None = None
        self._blocks: list[tuple[int, int]] | None = None
        self._declared: frozenset[str] | None = None

    @property
    def braces(self) -> _Braces:
        if self._braces is None:
            self._braces = _Braces(self.text)
        return self._braces

    @property
    def indicator_blocks(self) -> list[tuple[int, int]]:
        if self._blocks is None:
            self._blocks = _indicator_blocks(self.text)
        return self._blocks

    def run(self) -> Tree[Token] | None:
        """The tree of what parsed; None (with an error kept) when reading stopped early."""
        try:
            return grammar_parser().parse(self.text)
        except UnexpectedInput as error:
            first = error
        try:
            return self._read_on(first)
        except (LarkError, LookupError, AssertionError, TypeError, ValueError):
            # recovery is a best effort: the errors found so far are real, and there is one
            if not self.errors:
                self.errors.append(self._diagnostic(first))
            return None

    def _read_on(self, error: UnexpectedInput) -> Tree[Token] | None:
        recovered = False
        while True:
            if recovered and _open_blocks(error) != self.braces.depth_at(self._position(error)):
                return None  # the parser and the text disagree: what follows may be false
            parser, error = self._as_name(error)
            if parser is None:
                self.errors.append(self._diagnostic(error))
                if len(self.errors) >= self.room or not self.braces.balanced:
                    return None
                parser = self._recover(error)
                if parser is None:
                    return None
                recovered = True
            try:
                tree: Tree[Token] = parser.resume_parse()  # type: ignore[no-untyped-call]
                return tree
            except UnexpectedInput as next_error:
                error = next_error

    def _diagnostic(self, error: UnexpectedInput) -> Diagnostic:
        return _syntax_diagnostic(error, self.text, self.source_name)

    def _position(self, error: UnexpectedInput) -> int:
        return _position(error, self.text)

    def _recover(self, error: UnexpectedInput) -> InteractiveParser | None:
        """The parser resumed past `error`, noting what it leaves out."""
        interactive = getattr(error, "interactive_parser", None)
        resumed = _recover(error, self.text, self.braces)
        if resumed is None or not isinstance(interactive, InteractiveParser):
            return None
        parser, at = resumed
        kept = len(parser.parser_state.value_stack)
        dropped = interactive.parser_state.value_stack[kept:]
        starts = [start for value in dropped if (start := _start_of(value)) is not None]
        start = min([*starts, self._position(error), at])
        top_level = self.braces.depth_at(start) == 0
        self.lost.append(Lost(self._span(start, at), top_level, _keywords_in(self.text, start, at)))
        self._stretches.append((start, at))
        return parser

    def _span(self, start: int, end: int) -> Span:
        line_starts = self.braces.line_starts
        line = bisect.bisect_right(line_starts, start)
        end_line = bisect.bisect_right(line_starts, end)
        return Span(
            line, start - line_starts[line - 1] + 1, end_line, end - line_starts[end_line - 1] + 1
        )

    # ---- a reserved word declared as a name, and used as one ----

    def declared_keywords(self) -> frozenset[str]:
        """The keywords the text declares as indicators or enum levels (`last: count`,
        `enum(or, b)`): model.py refuses them there, once."""
        if self._declared is None:
            words: set[str] = set()
            for start, end in self.indicator_blocks:
                found = _declarations(self.text, start, end)
                words |= found.names | found.levels
            self._declared = frozenset(words & keywords())
        return self._declared

    def _as_name(self, error: UnexpectedInput) -> tuple[InteractiveParser | None, UnexpectedInput]:
        """`last >= 1`, `last` declared as an indicator: the parser takes the word for the
        keyword where a keyword may stand, and fails at it or a little after it. Read as the
        name it is declared as, the only error is the one at its declaration. The parser
        reading on so; or none, and the error to report: `error`, or the one met at the same
        token reading the nearest such word as a name (the statement has a mistake of its
        own)."""
        if not isinstance(error, UnexpectedToken) or error.token.type == "$END":
            return None, error
        interactive = getattr(error, "interactive_parser", None)
        words = self.declared_keywords()
        if not isinstance(interactive, InteractiveParser) or not words:
            return None, error
        at = self._position(error)
        failed_at_same_token: tuple[int, Token] | None = None
        for index, (size, word) in enumerate(
            _words_before(interactive.parser_state.value_stack, error.token, words)
        ):
            probe = self._reading_as_name(interactive, size, word, trying=True)
            if probe is None:
                continue
            met = _first_error_past(probe, at)
            if met is None:
                return self._reading_as_name(interactive, size, word), error
            if index == 0 and isinstance(met, UnexpectedToken) and self._position(met) == at:
                failed_at_same_token = (size, word)
        if failed_at_same_token is None:
            return None, error
        # met again, building the trees this time, for the recovery to go on from (last: the
        # trees built change those on the stack that the readings above share)
        building = self._reading_as_name(interactive, *failed_at_same_token)
        again = _first_error_past(building, at) if building is not None else None
        return None, again if isinstance(again, UnexpectedToken) else error

    def _reading_as_name(
        self, interactive: InteractiveParser, size: int, word: Token, trying: bool = False
    ) -> InteractiveParser | None:
        """The parser as it was before it read `word` (the first `size` values of its stack),
        given the word as a NAME, and reading on after it (`trying`: building no trees); None if
        a name cannot stand there."""
        parser = _reading_from(interactive, size, word.end_pos or 0, self.braces.line_starts)
        if trying:
            parser = _trial(parser)
        try:
            parser.feed_token(_as_name(word))
        except UnexpectedInput:
            return None
        return parser

    # ---- the indicators left out ----

    def unparsed_names(self) -> frozenset[str] | None:
        """The indicators whose declarations are in the stretches left out; None when one of
        those stretches, in an indicators block, holds something of a declaration whose name is
        not there to be read (`pct percent`, `: percent`)."""
        names: set[str] = set()
        for start, end in self._stretches:
            # `:` stands only in declarations: a `name :` anywhere left out declared one
            names |= _declarations(self.text, start, end).names
            for block_start, block_end in self.indicator_blocks:
                inside = _declarations(self.text, max(start, block_start), min(end, block_end))
                if inside.unclear:
                    return None
        return frozenset(names)


def _keywords_in(text: str, start: int, end: int) -> frozenset[str]:
    """The keywords written in text[start:end] (not in strings or comments)."""
    pieces = (piece.group() for piece in _PIECE.finditer(text, start, end))
    return frozenset(piece for piece in pieces if piece in keywords())


def _indicator_blocks(text: str) -> list[tuple[int, int]]:
    """Where the insides of the `indicators { … }` blocks are, as the text reads (the block
    after a top-level word `indicators`, so that one with a broken head is found too)."""
    blocks: list[tuple[int, int]] = []
    depth, pending, start = 0, False, 0
    for piece in _PIECE.finditer(text):
        found = piece.group()
        if found == "{":
            depth += 1
            if depth == 1 and pending:
                pending, start = False, piece.end()
        elif found == "}":
            depth -= 1
            if depth == 0 and start:
                blocks.append((start, piece.start()))
                start = 0
        elif depth == 0 and found == "indicators":
            pending = True
    if start:
        blocks.append((start, len(text)))
    return blocks


@attrs.frozen
class _Declared:
    names: frozenset[str]  # words followed by `:`
    levels: frozenset[str]  # words in the parentheses after a type
    unclear: bool  # something of a declaration whose name is not there to be read


# What declarations are read as here: a string, a broken string, a comment, a colon or a
# parenthesis (ascii or full-width, as typed by mistake), a word, or any other character.
_DECLARATION_PIECE = re.compile(
    r'"(?:[^"\\\n]|\\["\\])*"|"[^\n]*|#[^\n]*|[:：()（）]|[^\s"#:：()（）,，{}]+|\S'
)
_COLONS = (":", "：")


def _declarations(text: str, start: int, end: int) -> _Declared:
    """The names and levels declared in text[start:end], read as words, not by the grammar: it
    is text that did not parse. A declaration is `name: type(levels) or na "label"`; it is
    unclear which names were meant where a `:`, a `(` or a word stands where that shape has
    none (`pct percent`, `: percent`), or a string is left open (hiding the rest of its line)."""
    pieces = [
        found
        for piece in _DECLARATION_PIECE.finditer(text, start, max(start, end))
        if not (found := piece.group()).startswith("#")
    ]
    names: set[str] = set()
    levels: set[str] = set()
    unclear = False
    depth = 0
    expected = "name"  # what the shape has next: "name", "type", "levels" (after a type)
    for index, piece in enumerate(pieces):
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        word = any(character.isalnum() for character in piece) and not piece.startswith('"')
        if word and following in _COLONS:  # even in a `(` left open: a level has no `:`
            names.add(piece)
            unclear = unclear or expected == "type"  # `a: b: count`: which lost what?
            depth, expected = 0, "colon"
            continue
        if piece in _COLONS:
            unclear = unclear or expected != "colon"
            expected = "type"
        elif piece in ("(", "（"):
            unclear = unclear or (expected != "levels" and not depth)
            depth += 1
        elif piece in (")", "）"):
            depth = max(depth - 1, 0)
        elif depth and word:
            levels.add(piece)
        elif piece.startswith('"'):
            unclear = unclear or not _STRING.fullmatch(piece)
        elif word and expected == "type":
            expected = "levels"
            continue
        elif word and piece[0].isalpha() and piece not in ("or", "na"):
            unclear = True
        if not depth:
            expected = "type" if expected == "type" else "name"
    return _Declared(frozenset(names), frozenset(levels), unclear)


def _start_of(value: Any) -> int | None:
    """Where a token or a tree on the parser's stack starts in the text."""
    if isinstance(value, Token):
        return value.start_pos
    if isinstance(value, Tree) and not value.meta.empty:
        start: int | None = value.meta.start_pos
        return start
    return None


def _words_before(
    stack: list[Any], token: Token, words: frozenset[str]
) -> Iterator[tuple[int, Token]]:
    """The declared keywords the parser may have misread before it failed at `token`: the token
    itself, then those among the last few values on its stack (with how many values were on
    the stack before each), nearest first."""
    if _declared_keyword(token, words):
        yield len(stack), token
    for back in range(1, min(_LOOK_BACK, len(stack)) + 1):
        word = _only_token(stack[-back])
        if word is None:
            return  # a statement read so far: the word is not in it
        if _declared_keyword(word, words):
            yield len(stack) - back, word


_LOOK_BACK = 3  # `not not and x`, `not` an indicator: the misread word two values back


def _first_error_past(parser: InteractiveParser, at: int) -> UnexpectedInput | None:
    """The error the parser meets reading on, before it has read a token reaching past `at`;
    None if it reads past `at` (or to the end) without one."""
    try:
        for token in parser.lexer_thread.lex(parser.parser_state):  # type: ignore[no-untyped-call]
            parser.feed_token(token)
            if (token.end_pos or 0) > at:
                return None
    except UnexpectedToken as met:
        met.interactive_parser = parser
        return met
    except UnexpectedInput as met:
        return met
    return None


def _trial(parser: InteractiveParser) -> InteractiveParser:
    """A copy to try tokens on: its stacks are its own, and it builds no trees."""
    copied: InteractiveParser = parser.copy(deepcopy_values=False)  # type: ignore[no-untyped-call]
    copied.parser_state.parse_conf = _without_trees(copied.parser_state.parse_conf)
    return copied


def _reading_from(
    interactive: InteractiveParser, size: int, at: int, line_starts: list[int]
) -> InteractiveParser:
    """A copy of the parser with its stack cut back to its first `size` values, reading on from
    `at` in the text. The values are shared: lark builds a tree by appending to the children of
    one on the stack, so only the one copy that goes on may be given tokens; try them on a
    `_trial` of it."""
    old = interactive.parser_state
    lexer_state = copy.copy(interactive.lexer_thread.state)
    assert lexer_state is not None
    counter = lexer_state.line_ctr
    counter.char_pos = at
    counter.line = bisect.bisect_right(line_starts, at)
    counter.line_start_pos = line_starts[counter.line - 1]
    counter.column = at - counter.line_start_pos + 1
    lexer_state.last_token = None
    thread = LexerThread(interactive.lexer_thread.lexer, lexer_state)
    state = ParserState(old.parse_conf, thread, old.state_stack[: size + 1], old.value_stack[:size])
    return InteractiveParser(interactive.parser, state, thread)


def _only_token(value: Any) -> Token | None:
    """The token a value on the parser's stack was read from, if it is one token (`true` read
    as an operand is a tree over the one token)."""
    while isinstance(value, Tree) and len(value.children) == 1:
        value = value.children[0]
    return value if isinstance(value, Token) else None


def _declared_keyword(token: Token, words: frozenset[str]) -> bool:
    return token.type != "NAME" and _keyword(token.type) == str(token) and str(token) in words


def _as_name(token: Token) -> Token:
    return Token.new_borrow_pos("NAME", str(token), token)


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


def _recover(
    error: UnexpectedInput, text: str, braces: _Braces
) -> tuple[InteractiveParser, int] | None:
    """A parser resumed past `error` at a place where a statement starts, and that place; None
    if there is none it can be sure of."""
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
        if resumed is not None:
            return resumed, at
        if kind == "end":
            return None
        last = ""
        if kind == "close":  # nothing in the block can come before its `}`: drop the block
            if not opened:
                return None
            opened.pop()
            resumed = _resume_at(interactive, opened[-1] + 1 if opened else 0, at + 1, text, braces)
            if resumed is not None:
                return resumed, at + 1
            at, last = at + 1, "}"
        position = at


@functools.cache
def _block_words() -> frozenset[str]:
    """The keywords that start a block: `indicators`, `item`, `highest`, … (read from the grammar,
    so that a block added to it is one here too)."""
    words = set()
    for rule in grammar_parser().rules:
        names = [symbol.name for symbol in rule.expansion]
        if "LBRACE" in names:
            first = next((w for name in names if (w := _keyword(name)) and w.isalpha()), None)
            if first is not None:
                words.add(first)
    return frozenset(words)


def _in_block_header(stack: list[Any], opened: list[int]) -> bool:
    """Whether the parser is reading the head of a block (`item 1 "t" 4`), before its `{`."""
    start = opened[-1] + 1 if opened else 0
    words = [_keyword(value.type) for value in stack[start:] if isinstance(value, Token)]
    return bool(_block_words().intersection(words)) and "{" not in words


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
    # ... but not the start of one (`bonus` of `bonus category`, which would make the next
    # category a bonus one): the block could not end after it
    closing = "RBRACE" if base else "$END"
    table = old.parse_conf.states
    ends = [base] + [end for end in ends[1:] if closing in table[old.state_stack[end]]]
    for end in reversed(ends):
        resumed = _reading_from(interactive, end, at, braces.line_starts)
        trial = _trial(resumed)
        try:  # read the one token there, on a copy, and see whether it fits
            tokens = trial.lexer_thread.lex(trial.parser_state)  # type: ignore[no-untyped-call]
            token = next(iter(tokens), None)
            if token is None:
                line, column = _end_of(text)
                trial.feed_token(Token("$END", "", len(text), line, column))
            else:
                trial.feed_token(token)
        except UnexpectedInput:
            continue
        return resumed
    return None
