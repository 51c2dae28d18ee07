"""The canonical layout of a rubric (`rubricdsl fmt`): worked from the token stream and the
comments between the tokens, so that no token changes (strings are the table's wording) and
every comment stays where it was. docs/formatting.md gives the rules; in short:

- one statement per line, 2 spaces of indentation per block, `{` ending its statement's line
  and `}` on a line of its own;
- one space between tokens, none inside `(…)`, before `,` or `:`, or between `amount`,
  `series`, `enum`, `last`, `previous`, `decreasing`, `increasing` and their `(`;
- in a block, the rows (rules, tiers, `require`, `na when`, `na allowed`, `then`) form a table:
  the points left-aligned in one column, and the wording starting 2 columns past the widest
  row, measured in display columns (a CJK character takes 2). A row whose points and
  condition end past column ALIGN_LIMIT keeps its wording 2 spaces after them; one that ends
  past WRAP_LIMIT has its wording on the next line, 2 columns further in. Grades align their
  comparisons after the widest grade name;
- blank lines kept where the author put them (a run of them becomes one), none at the start
  or the end of a file or of a block;
- a comment on a line of its own stays on its own line before the same token, indented as
  the line it precedes; a comment at the end of a line stays at the end of that line, the
  trailing comments of consecutive lines aligned. A comment inside a statement that is now
  one line goes on its own line just before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import attrs
from lark import Token, Tree
from lark.exceptions import LarkError

from rubricdsl.errors import RubricError, RubricSyntaxError
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.parser import grammar_parser, parse_rubric
from rubricdsl.source import display_width

INDENT = "  "
GAP = 2  # columns between the widest row of a table and its wording
ALIGN_LIMIT = 60  # a row whose condition ends past this column is left out of its table's column
WRAP_LIMIT = 80  # a row whose condition ends past this column has its wording on the next line

# The parse-tree nodes that are rows of a block's table, and those among them with points.
_ROWS = frozenset(
    {"fixed", "always", "per_unit", "proportional", "tier"}
    | {"requirement", "na_when", "na_allowed", "then"}
)
_WITH_POINTS = frozenset({"fixed", "always", "per_unit", "proportional", "tier"})
_WHEN = frozenset({"fixed", "tier"})  # `points when …`: their points padded to one width
_GRADES = frozenset({"grade_band", "grade_rest"})
# Words written right before their "(": amount("万元"), series(3), enum(…), last(x), … (and
# the functions of derived indicators, which are names: ratio(a, b))
_CALLS = frozenset({"amount", "series", "enum", "last", "previous", "decreasing", "increasing"})
_COMMENT = re.compile(r"#[^\n]*")


class FormatError(RubricError):
    """The text parses for rubricdsl but not for the formatter's own reading of it (a keyword
    used as a name, which `check` reports at its declaration): nothing is formatted."""


def format_rubric(text: str, source_name: str = "<rubric>", limits: Limits = DEFAULT_LIMITS) -> str:
    """The rubric text in the canonical layout. Raises RubricSyntaxError (every syntax error of
    the text, as `check` reports them) when the text does not parse: nothing is formatted."""
    parsed = parse_rubric(text, source_name, limits)
    if parsed.errors or parsed.tree is None:
        raise RubricSyntaxError(list(parsed.errors))
    try:
        tree = grammar_parser(keep_all_tokens=True).parse(text)
    except LarkError:
        raise FormatError(
            f"{source_name}: cannot be formatted: a keyword is used as a name "
            "(run `rubricdsl check` for where)"
        ) from None
    return _Layout(text, tree).render()


# ---- the pieces ---------------------------------------------------------------------------------


@attrs.define
class _Comment:
    start: int
    text: str
    blank_before: bool  # a blank line before it in the source
    trailing: bool  # written after a token on the same line


@attrs.define
class _Line:
    """One line of the output: the tokens on it (indices) and its text without indentation."""

    depth: int
    tokens: list[int]
    text: str = ""
    opens: bool = False  # ends with "{"
    closes: bool = False  # is a "}"
    continuation: bool = False  # the wording of a row, under it


@attrs.define
class _Row:
    """A row of a block's table (or a grade), laid out when the whole block is known."""

    depth: int
    points: int | None
    middle: list[int]
    wording: int | None
    when: bool = False  # `points when …`
    lines: list[_Line] = attrs.field(factory=list)


def _leaves(tree: Tree[Token]) -> list[Token]:
    """The tokens of a tree in order (walked without recursion)."""
    found: list[Token] = []
    stack: list[Tree[Token] | Token] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            found.append(node)
        else:
            stack.extend(reversed(node.children))
    return found


def _kind(node: Tree[Token] | Token) -> str:
    return str(node.data) if isinstance(node, Tree) else ""


class _Layout:
    def __init__(self, text: str, tree: Tree[Token]) -> None:
        self.text = text
        self.tokens = _leaves(tree)
        self.index = {id(token): i for i, token in enumerate(self.tokens)}
        self.entries: list[_Line | _Row] = []
        self.before: dict[int, list[_Comment]] = {}  # own-line comments before token i
        self.after: dict[int, _Comment] = {}  # the comment ending token i's line
        self.tail: list[_Comment] = []  # the comments after the last token
        self.blank: list[bool] = []  # a blank line before token i in the source
        self._read_comments()
        for statement in tree.children:
            self._statement(statement, 0)

    # ---- comments and blank lines, from the text between the tokens ----

    def _read_comments(self) -> None:
        end = 0
        for i, token in enumerate([*self.tokens, None]):
            start = len(self.text) if token is None else (token.start_pos or 0)
            for found in _COMMENT.finditer(self.text, end, start):
                gap = self.text[end : found.start()]
                comment = _Comment(
                    found.start(),
                    found.group().rstrip(),
                    gap.count("\n") >= 2,
                    trailing=i > 0 and "\n" not in gap and end == self.tokens[i - 1].end_pos,
                )
                if comment.trailing:
                    self.after[i - 1] = comment
                elif token is None:
                    self.tail.append(comment)
                else:
                    self.before.setdefault(i, []).append(comment)
                end = found.end()
            if token is not None:
                self.blank.append(self.text[end:start].count("\n") >= 2)
                end = token.end_pos or start

    # ---- statements and blocks ----

    def _ids(self, node: Tree[Token] | Token) -> list[int]:
        if isinstance(node, Token):
            return [self.index[id(node)]]
        return [self.index[id(token)] for token in _leaves(node)]

    def _statement(
        self, node: Tree[Token] | Token, depth: int, rows: list[_Row] | None = None
    ) -> None:
        children = node.children if isinstance(node, Tree) else []
        brace = next((n for n, c in enumerate(children) if isinstance(c, Token) and c == "{"), None)
        if brace is not None:
            self._block(children, brace, depth)
            return
        kind = _kind(node)
        ids = self._ids(node)
        if rows is not None and (kind in _ROWS or kind in _GRADES):
            wording = ids[-1] if self.tokens[ids[-1]].type == "STRING" else None
            if kind in _GRADES:
                row = _Row(depth, ids[0], ids[1:], None)
            else:
                points = ids[0] if kind in _WITH_POINTS else None
                middle = ids[1 if points is not None else 0 : -1 if wording is not None else None]
                row = _Row(depth, points, middle, wording, when=kind in _WHEN)
            rows.append(row)
            self.entries.append(row)
            return
        self.entries.append(_Line(depth, ids, self._join(ids)))

    def _block(self, children: Sequence[Tree[Token] | Token], brace: int, depth: int) -> None:
        header = [i for child in children[: brace + 1] for i in self._ids(child)]
        self.entries.append(_Line(depth, header, self._join(header), opens=True))
        rows: list[_Row] = []
        for child in children[brace + 1 : -1]:
            self._statement(child, depth + 1, rows)
        closing = self._ids(children[-1])
        self.entries.append(_Line(depth, closing, self._join(closing), closes=True))
        if any(_kind(c) in _GRADES for c in children):
            self._lay_out_grades(rows)
        else:
            self._lay_out_table(rows, depth + 1)

    def _join(self, ids: Sequence[int]) -> str:
        parts: list[str] = []
        previous = ""
        previous_type = ""
        for i in ids:
            value = str(self.tokens[i])
            if parts and value not in (")", ",", ":") and previous != "(":
                # a name right before "(" is a derived indicator's function: `ratio(a, b)`
                if not (value == "(" and (previous in _CALLS or previous_type == "NAME")):
                    parts.append(" ")
            parts.append(value)
            previous, previous_type = value, self.tokens[i].type
        return "".join(parts)

    def _width(self, i: int | None) -> int:
        return 0 if i is None else display_width(str(self.tokens[i]))

    def _lay_out_table(self, rows: list[_Row], depth: int) -> None:
        indent = len(INDENT) * depth
        points_width = max((self._width(row.points) for row in rows if row.when), default=0)
        lefts: list[tuple[_Row, str, int]] = []
        for row in rows:
            left = self._join(row.middle)
            if row.points is not None:
                points = str(self.tokens[row.points])
                padding = " " * (points_width - self._width(row.points)) if row.when else ""
                left = f"{points}{padding} {left}".rstrip()
            lefts.append((row, left, indent + display_width(left)))
        column = GAP + max(
            (end for row, _, end in lefts if row.wording is not None and end <= ALIGN_LIMIT),
            default=0,
        )
        for row, left, end in lefts:
            first = [*([] if row.points is None else [row.points]), *row.middle]
            if row.wording is None:
                row.lines = [_Line(depth, first, left)]
                continue
            wording = str(self.tokens[row.wording])
            if end > WRAP_LIMIT:
                row.lines = [
                    _Line(depth, first, left),
                    _Line(depth + 1, [row.wording], wording, continuation=True),
                ]
                continue
            spaces = column - end if end <= ALIGN_LIMIT else GAP
            row.lines = [_Line(depth, [*first, row.wording], left + " " * spaces + wording)]

    def _lay_out_grades(self, rows: list[_Row]) -> None:
        name_width = max((self._width(row.points) for row in rows), default=0)
        for row in rows:
            assert row.points is not None
            name = str(self.tokens[row.points])
            padding = " " * (name_width - self._width(row.points) + 1)
            text = name + padding + self._join(row.middle)
            row.lines = [_Line(row.depth, [row.points, *row.middle], text)]

    # ---- the output ----

    def _lines(self) -> Iterator[_Line]:
        for entry in self.entries:
            if isinstance(entry, _Row):
                yield from entry.lines
            else:
                yield entry

    def render(self) -> str:
        out: list[tuple[str, str | None] | None] = []  # (text, trailing comment); None: blank
        after_open = True  # no blank line at the start of the file or of a block

        def put(depth: int, text: str, blank: bool, closes: bool = False) -> None:
            nonlocal after_open
            if blank and not after_open and not closes:
                out.append(None)
            out.append((INDENT * depth + text, None))
            after_open = False

        for line in self._lines():
            comments: list[_Comment] = []
            for n, i in enumerate(line.tokens):
                comments += self.before.get(i, [])
                if i in self.after and n < len(line.tokens) - 1:
                    comments.append(self.after[i])
            depth = line.depth + 1 if line.closes else line.depth
            for comment in comments:
                put(depth, comment.text, comment.blank_before and not comment.trailing)
            blank = self.blank[line.tokens[0]] and not line.continuation
            put(line.depth, line.text, blank, line.closes)
            trailing = self.after.get(line.tokens[-1])
            if trailing is not None:
                last = out[-1]
                assert last is not None
                out[-1] = (last[0], trailing.text)
            after_open = line.opens
        for comment in self.tail:
            put(0, comment.text, comment.blank_before)
        return _with_trailing_comments(out)


def _with_trailing_comments(out: list[tuple[str, str | None] | None]) -> str:
    """The lines, the trailing comments of consecutive lines aligned 2 columns past the widest."""
    texts: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        column = max((display_width(text) for text, _ in run), default=0) + GAP
        for text, comment in run:
            texts.append(text + " " * (column - display_width(text)) + comment)
        run.clear()

    for entry in out:
        if entry is not None and entry[1] is not None:
            run.append((entry[0], entry[1]))
            continue
        flush()
        texts.append("" if entry is None else entry[0])
    flush()
    return "\n".join(texts) + "\n" if texts else ""
