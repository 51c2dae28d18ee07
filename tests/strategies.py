"""Hypothesis strategies: random but valid rubric texts, with matching indicator data.

The strategies first build a small model of a rubric (the dataclasses below), then render it
as text in the syntax of ``grammars/rubric.lark``. Keeping the model lets tests know, without
asking rubricdsl, which indicators each rule reads (``reads()``), the most it can give
(``reach()``) and what it yields on its own before its item's cap and floor (``outcome()``:
an independent reading of the rule semantics in ``docs/language.md``).

Entry points:

- ``rubric_cases(...)`` -> ``Case`` (model, text, data);
- ``rubric_and_data(...)`` -> ``(text, indicators)``;
- ``rubric_texts(...)`` -> ``text``.

Options (all three; ``rubric_cases`` also takes ``need_bool``):

- ``deductions``: negative points (``-1 when …``, ``-1 always``, ``-0.5 per n [max 1]``);
- ``vetoes``: vetoes inside items and at the top level;
- ``na``: indicators declared ``or na``, reported not applicable at ``na_rate`` (0 to 1);
- ``positive_bools``: bool indicators only ever appear as bare flags or ``== true``, never
  under ``not``, in ``== false``, in ``!=`` or compared with another bool, so that turning
  a bool from false to true can only make conditions hold more often.

Generated rubrics are kept small: 1-3 categories, 1-4 items each, 1-4 rules per item.
Every generated text compiles (it may earn warnings: unreachable maxima, caps above the
declared points, unused indicators, ...).
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")
D = Decimal
ZERO = D(0)
HUNDRED = D(100)

KINDS = ("bool", "count", "percent", "score", "amount", "number", "series", "enum")
NUMERIC_KINDS = frozenset({"count", "percent", "score", "amount", "number"})
PREFIX = {
    "bool": "flag",
    "count": "cnt",
    "percent": "pct",
    "score": "scr",
    "amount": "amt",
    "number": "num",
    "series": "ser",
    "enum": "lvl",
}
LEVEL_NAMES = ("lv_a", "lv_b", "lv_c", "lv_d")
UNIT = "万元"
COMPARATORS = (">=", ">", "<=", "<", "==", "!=")
NA_KEY = "not_applicable"

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}

MET = "met"
NOT_MET = "not_met"
NOT_APPLICABLE = "not_applicable"


def num(value: Decimal) -> str:
    """A Decimal as the grammar's NUMBER: no exponent, optional minus, optional fraction."""
    text = format(value, "f")
    assert "e" not in text.lower(), text
    return text


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class NA:
    """Canonical form of a value reported as not applicable."""

    reason: str


# ---- indicators -------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    name: str
    kind: str
    allows_na: bool = False
    label: str | None = None
    series_length: int = 3
    levels: tuple[str, ...] = ()
    level_labels: tuple[str | None, ...] = ()

    def render(self) -> str:
        if self.kind == "amount":
            type_text = f"amount({quote(UNIT)})"
        elif self.kind == "series":
            type_text = f"series({self.series_length})"
        elif self.kind == "enum":
            parts = [
                name if label is None else f"{name} {quote(label)}"
                for name, label in zip(self.levels, self.level_labels, strict=True)
            ]
            type_text = "enum(" + ", ".join(parts) + ")"
        else:
            type_text = self.kind
        text = f"{self.name}: {type_text}"
        if self.allows_na:
            text += " or na"
        if self.label is not None:
            text += " " + quote(self.label)
        return text


def compatible(a: Indicator, b: Indicator) -> bool:
    """May `a OP b` be written? Same numeric kind, or either a `number`; enums with same levels."""
    if a.kind == "enum" or b.kind == "enum":
        return a.kind == b.kind and a.levels == b.levels
    if a.kind == "bool" or b.kind == "bool":
        return a.kind == b.kind
    if a.kind not in NUMERIC_KINDS or b.kind not in NUMERIC_KINDS:
        return False
    return a.kind == b.kind or "number" in (a.kind, b.kind)


# ---- conditions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    name: str

    def render(self) -> str:
        return self.name

    def value(self, values: Mapping[str, Any]) -> Any:
        return values[self.name]

    def reads(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class Lit:
    value_: Decimal

    def render(self) -> str:
        return num(self.value_)

    def value(self, values: Mapping[str, Any]) -> Any:
        return self.value_

    def reads(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class BoolLit:
    value_: bool

    def render(self) -> str:
        return "true" if self.value_ else "false"

    def value(self, values: Mapping[str, Any]) -> Any:
        return self.value_

    def reads(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class LevelLit:
    level: str

    def render(self) -> str:
        return self.level

    def value(self, values: Mapping[str, Any]) -> Any:
        return self.level

    def reads(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Point:
    """`last(s)` or `previous(s)`."""

    which: str
    name: str

    def render(self) -> str:
        return f"{self.which}({self.name})"

    def value(self, values: Mapping[str, Any]) -> Any:
        series = values[self.name]
        if isinstance(series, NA):
            return series
        return series[-1] if self.which == "last" else series[-2]

    def reads(self) -> tuple[str, ...]:
        return (self.name,)


Operand = Ref | Lit | BoolLit | LevelLit | Point


@dataclass(frozen=True)
class Flag:
    name: str

    def render(self) -> str:
        return self.name

    def truth(self, values: Mapping[str, Any]) -> bool | None:
        value = values[self.name]
        return None if isinstance(value, NA) else value is True

    def reads(self) -> tuple[str, ...]:
        return (self.name,)

    def bool_uses(self, negated: bool) -> set[tuple[str, bool]]:
        return {(self.name, not negated)}


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: str
    right: Operand
    # True when a bool is compared here in a way that turning it true can make this fail
    bool_negative: bool = False
    bool_names: tuple[str, ...] = ()

    def render(self) -> str:
        return f"{self.left.render()} {self.op} {self.right.render()}"

    def truth(self, values: Mapping[str, Any]) -> bool | None:
        left, right = self.left.value(values), self.right.value(values)
        if isinstance(left, NA) or isinstance(right, NA):
            return None
        return _OPS[self.op](left, right)

    def reads(self) -> tuple[str, ...]:
        return self.left.reads() + self.right.reads()

    def bool_uses(self, negated: bool) -> set[tuple[str, bool]]:
        positive = not self.bool_negative and not negated
        return {(name, positive) for name in self.bool_names}


@dataclass(frozen=True)
class Trend:
    direction: str
    name: str

    def render(self) -> str:
        return f"{self.direction}({self.name})"

    def truth(self, values: Mapping[str, Any]) -> bool | None:
        series = values[self.name]
        if isinstance(series, NA):
            return None
        pairs = list(itertools.pairwise(series))
        if self.direction == "decreasing":
            return all(later < earlier for earlier, later in pairs)
        return all(later > earlier for earlier, later in pairs)

    def reads(self) -> tuple[str, ...]:
        return (self.name,)

    def bool_uses(self, negated: bool) -> set[tuple[str, bool]]:
        return set()


@dataclass(frozen=True)
class Not:
    operand: Condition

    def render(self) -> str:
        inner = self.operand.render()
        if isinstance(self.operand, (AllOf, AnyOf)):
            inner = f"({inner})"
        return f"not {inner}"

    def truth(self, values: Mapping[str, Any]) -> bool | None:
        return _from_rank(2 - _rank(self.operand.truth(values)))

    def reads(self) -> tuple[str, ...]:
        return self.operand.reads()

    def bool_uses(self, negated: bool) -> set[tuple[str, bool]]:
        return self.operand.bool_uses(not negated)


@dataclass(frozen=True)
class _Junction:
    """`and` / `or` of several conditions; `parens` marks the operands written in brackets."""

    operands: tuple[Condition, ...]
    parens: tuple[bool, ...] = ()
    word: ClassVar[str] = ""

    def render(self) -> str:
        return f" {self.word} ".join(_wrap(c, p) for c, p in _with_parens(self))

    def reads(self) -> tuple[str, ...]:
        return tuple(n for c in self.operands for n in c.reads())

    def bool_uses(self, negated: bool) -> set[tuple[str, bool]]:
        return set().union(*(c.bool_uses(negated) for c in self.operands))


@dataclass(frozen=True)
class AllOf(_Junction):
    word: ClassVar[str] = "and"

    def truth(self, values: Mapping[str, Any]) -> bool | None:
        return _from_rank(min(_rank(c.truth(values)) for c in self.operands))


@dataclass(frozen=True)
class AnyOf(_Junction):
    word: ClassVar[str] = "or"

    def truth(self, values: Mapping[str, Any]) -> bool | None:
        return _from_rank(max(_rank(c.truth(values)) for c in self.operands))


Condition = Flag | Compare | Trend | Not | AllOf | AnyOf


def _with_parens(node: _Junction) -> list[tuple[Condition, bool]]:
    parens = node.parens or (False,) * len(node.operands)
    return list(zip(node.operands, parens, strict=True))


def _wrap(condition: Condition, extra: bool) -> str:
    """Parenthesise a compound operand (always, to be safe) or, if `extra`, any operand."""
    text = condition.render()
    if isinstance(condition, (AllOf, AnyOf)) or extra:
        return f"({text})"
    return text


def positive_in_bools(condition: Condition) -> bool:
    """Every bool the condition reads appears only positively (flag / == true, outside not)."""
    return all(positive for _, positive in condition.bool_uses(False))


# ---- rules ----------------------------------------------------------------------------------


def _rank(truth: bool | None) -> int:
    """Kleene's logic as an order, false < unknown < true: `and` is the least, `or` the
    greatest, `not` turns the order around."""
    return {False: 0, None: 1, True: 2}[truth]


def _from_rank(rank: int) -> bool | None:
    return (False, None, True)[rank]


def _na_reason(names: tuple[str, ...], values: Mapping[str, Any]) -> bool:
    return any(isinstance(values[n], NA) for n in names)


@dataclass(frozen=True)
class FixedRule:
    points: Decimal
    condition: Condition
    text: str
    kind: str = "fixed"

    def render(self) -> str:
        return f"{num(self.points)} when {self.condition.render()} {quote(self.text)}"

    def reads(self) -> tuple[str, ...]:
        return self.condition.reads()

    def reach(self) -> Decimal:
        return max(self.points, ZERO)

    def outcome(self, values: Mapping[str, Any]) -> tuple[Decimal, str]:
        truth = self.condition.truth(values)
        if truth is None:
            return ZERO, NOT_APPLICABLE
        if truth:
            return self.points, MET
        return ZERO, NOT_MET

    def conditions(self) -> tuple[Condition, ...]:
        return (self.condition,)


@dataclass(frozen=True)
class AlwaysRule:
    points: Decimal
    text: str
    kind: str = "always"

    def render(self) -> str:
        return f"{num(self.points)} always {quote(self.text)}"

    def reads(self) -> tuple[str, ...]:
        return ()

    def reach(self) -> Decimal:
        return max(self.points, ZERO)

    def outcome(self, values: Mapping[str, Any]) -> tuple[Decimal, str]:
        return self.points, MET

    def conditions(self) -> tuple[Condition, ...]:
        return ()


@dataclass(frozen=True)
class PerUnitRule:
    points: Decimal
    step: Decimal | None
    name: str
    maximum: Decimal | None
    text: str
    kind: str = "per_unit"

    def render(self) -> str:
        step = f"{num(self.step)} of " if self.step is not None else ""
        cap = f" max {num(self.maximum)}" if self.maximum is not None else ""
        return f"{num(self.points)} per {step}{self.name}{cap} {quote(self.text)}"

    def reads(self) -> tuple[str, ...]:
        return (self.name,)

    def reach(self) -> Decimal:
        if self.points > 0 and self.maximum is not None:
            return self.maximum
        return ZERO

    def outcome(self, values: Mapping[str, Any]) -> tuple[Decimal, str]:
        if _na_reason(self.reads(), values):
            return ZERO, NOT_APPLICABLE
        step = self.step if self.step is not None else D(1)
        units = max(math.floor(Fraction(values[self.name]) / Fraction(step)), 0)
        raw = self.points * units
        if self.maximum is not None and abs(raw) > self.maximum:
            raw = self.maximum if raw > 0 else -self.maximum
        return raw, (MET if units > 0 else NOT_MET)

    def conditions(self) -> tuple[Condition, ...]:
        return ()


@dataclass(frozen=True)
class ProportionalRule:
    points: Decimal
    name: str
    text: str
    kind: str = "proportional"

    def render(self) -> str:
        return f"{num(self.points)} scaled by {self.name} {quote(self.text)}"

    def reads(self) -> tuple[str, ...]:
        return (self.name,)

    def reach(self) -> Decimal:
        return self.points

    def outcome(self, values: Mapping[str, Any]) -> tuple[Decimal, str]:
        if _na_reason(self.reads(), values):
            return ZERO, NOT_APPLICABLE
        raw = self.points * values[self.name] / HUNDRED
        return raw, (MET if raw > 0 else NOT_MET)

    def conditions(self) -> tuple[Condition, ...]:
        return ()


@dataclass(frozen=True)
class Tier:
    points: Decimal
    condition: Condition
    text: str


@dataclass(frozen=True)
class TiersRule:
    text: str
    tiers: tuple[Tier, ...]
    kind: str = "tiers"

    @property
    def points(self) -> Decimal:
        return max(t.points for t in self.tiers)

    def render(self) -> str:
        lines = [f"highest {quote(self.text)} {{"]
        for tier in self.tiers:
            lines.append(f"  {num(tier.points)} when {tier.condition.render()} {quote(tier.text)}")
        lines.append("}")
        return "\n".join(lines)

    def reads(self) -> tuple[str, ...]:
        return tuple(n for t in self.tiers for n in t.condition.reads())

    def reach(self) -> Decimal:
        return self.points

    def outcome(self, values: Mapping[str, Any]) -> tuple[Decimal, str]:
        truths = [(t.points, t.condition.truth(values)) for t in self.tiers]
        sure = [points for points, truth in truths if truth is True]
        maybe = [points for points, truth in truths if truth is None]
        # Decided when no tier that might hold could beat the best tier that surely holds.
        if maybe and (not sure or max(maybe) > max(sure)):
            return ZERO, NOT_APPLICABLE
        if not sure:
            return ZERO, NOT_MET
        return max(sure), MET

    def conditions(self) -> tuple[Condition, ...]:
        return tuple(t.condition for t in self.tiers)


Rule = FixedRule | AlwaysRule | PerUnitRule | ProportionalRule | TiersRule


@dataclass(frozen=True)
class Veto:
    condition: Condition
    text: str

    def render(self) -> str:
        return f"veto when {self.condition.render()} {quote(self.text)}"

    def reads(self) -> tuple[str, ...]:
        return self.condition.reads()

    def status(self, values: Mapping[str, Any]) -> str:
        truth = self.condition.truth(values)
        if truth is None:
            return NOT_APPLICABLE
        return MET if truth else NOT_MET


# ---- structure -------------------------------------------------------------------------------


def na_points_of(item: Item, applicable: Sequence[Rule]) -> Decimal:
    """What an item's maximum loses when only `applicable` of its rules still apply."""
    full = item.points if item.cap is None else min(item.points, item.cap)
    reach = sum((r.reach() for r in item.rules), ZERO)
    still = sum((r.reach() for r in applicable), ZERO)
    return min(full, reach) - min(full, still)


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    points: Decimal
    cap: Decimal | None
    members: tuple[Rule | Veto, ...]  # rules and vetoes, in the order written

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(m for m in self.members if not isinstance(m, Veto))

    @property
    def vetoes(self) -> tuple[Veto, ...]:
        return tuple(m for m in self.members if isinstance(m, Veto))

    def render(self, indent: str) -> list[str]:
        cap = f" cap {num(self.cap)}" if self.cap is not None else ""
        lines = [f"{indent}item {self.id} {quote(self.title)} {num(self.points)}{cap} {{"]
        for member in self.members:
            lines += [f"{indent}  {line}" for line in member.render().split("\n")]
        lines.append(f"{indent}}}")
        return lines

    def limit(self, values: Mapping[str, Any]) -> Decimal:
        """The most the item may score with these values: min(declared − na_points, cap)."""
        maximum = self.points - self.na_points(values)
        return maximum if self.cap is None else min(maximum, self.cap)

    def na_points(self, values: Mapping[str, Any]) -> Decimal:
        """合理缺项 (docs/language.md): the points the item can no longer reach because rules
        were dropped, min(L, reach of all rules) − min(L, reach of the rules still applicable),
        L being the declared points or the cap if lower."""
        applicable = [r for r in self.rules if r.outcome(values)[1] != NOT_APPLICABLE]
        return na_points_of(self, applicable)

    def reach_pair(self, values: Mapping[str, Any]) -> tuple[Decimal, Decimal]:
        """(the most it could give with every rule, the most with the dropped rules gone),
        both under its declared points or cap."""
        full = self.points if self.cap is None else min(self.points, self.cap)
        applicable = [r for r in self.rules if r.outcome(values)[1] != NOT_APPLICABLE]
        every = sum((r.reach() for r in self.rules), ZERO)
        still = sum((r.reach() for r in applicable), ZERO)
        return min(full, every), min(full, still)

    def expected_score(self, values: Mapping[str, Any]) -> Decimal:
        total = sum((r.outcome(values)[0] for r in self.rules), ZERO)
        return max(ZERO, min(total, self.limit(values)))


@dataclass(frozen=True)
class Group:
    title: str
    total: Decimal | None
    items: tuple[Item, ...]

    def render(self, indent: str) -> list[str]:
        total = f" {num(self.total)}" if self.total is not None else ""
        lines = [f"{indent}group {quote(self.title)}{total} {{"]
        for item in self.items:
            lines += item.render(indent + "  ")
        lines.append(f"{indent}}}")
        return lines

    def declared(self) -> Decimal:
        if self.total is not None:
            return self.total
        return sum((i.points for i in self.items), ZERO)


@dataclass(frozen=True)
class Category:
    title: str
    points: Decimal
    is_bonus: bool
    members: tuple[Group | Item, ...]

    def items(self) -> tuple[Item, ...]:
        found: list[Item] = []
        for member in self.members:
            if isinstance(member, Group):
                found.extend(member.items)
            else:
                found.append(member)
        return tuple(found)

    def render(self) -> list[str]:
        mark = "bonus " if self.is_bonus else ""
        lines = [f"{mark}category {quote(self.title)} {num(self.points)} {{"]
        for member in self.members:
            lines += member.render("  ")
        lines.append("}")
        return lines


@dataclass(frozen=True)
class Model:
    title: str
    year: int
    base: Decimal
    bonus: Decimal | None  # None: no `bonus` line
    indicators: tuple[Indicator, ...]
    categories: tuple[Category, ...]
    vetoes: tuple[Veto, ...]
    header_last: bool = False  # write the header after the categories (the grammar allows it)
    comments: bool = False

    def items(self) -> tuple[Item, ...]:
        return tuple(i for c in self.categories for i in c.items())

    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for i in self.items() for r in i.rules)

    def all_vetoes(self) -> tuple[Veto, ...]:
        return tuple(v for i in self.items() for v in i.vetoes) + self.vetoes

    def indicator(self, name: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.name == name:
                return indicator
        raise KeyError(name)

    def used(self) -> set[str]:
        names = {n for r in self.rules() for n in r.reads()}
        return names | {n for v in self.all_vetoes() for n in v.reads()}

    def render(self) -> str:
        header = [f"rubric {quote(self.title)}", f"year {self.year}", f"base {num(self.base)}"]
        if self.bonus is not None:
            header.append(f"bonus {num(self.bonus)}")
        declarations = ["indicators {"]
        declarations += [f"  {ind.render()}" for ind in self.indicators]
        declarations.append("}")
        body: list[str] = []
        for category in self.categories:
            if self.comments:
                body.append(f"# category {category.title!r}")
            body += category.render()
        body += [v.render() for v in self.vetoes]
        parts = (
            [*declarations, *body, *header] if self.header_last else [*header, *declarations, *body]
        )
        if self.comments:
            parts.insert(0, "# generated by tests/strategies.py")
        return "\n".join(parts) + "\n"


# ---- values -------------------------------------------------------------------------------------
#
# Strategies are built once and reused: building one per draw (st.sampled_from([...]) inline)
# costs more than drawing from it.


@functools.cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def pick(draw: st.DrawFn, options: Sequence[T]) -> T:
    """One of `options` (a non-empty sequence), shrinking towards the first."""
    return options[draw(_ints(0, len(options) - 1))]


def one_in(draw: st.DrawFn, n: int) -> bool:
    """True about once in n draws (shrinks to False)."""
    return draw(_ints(0, n - 1)) == n - 1


def _hundredths(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: D(n).scaleb(-2))


POINTS = st.one_of(
    st.sampled_from([D(1), D(2), D("0.5"), D("1.5"), D(3), D(4), D(5), D("0.25")]),
    _hundredths(1, 600),
)
OPTIONAL_POINTS = st.none() | POINTS
STEPS = st.none() | st.sampled_from([D(1), D("0.5"), D(2), D(5), D(10), D("2.5")])

NUMBERS: dict[str, st.SearchStrategy[Decimal]] = {
    "count": st.integers(0, 12).map(D),
    "percent": st.one_of(
        st.sampled_from([D(0), D(50), D(80), D(90), D("89.9"), D(95), D("99.5"), D(100)]),
        _hundredths(0, 10000),
    ),
    "amount": st.one_of(
        st.sampled_from([D(0), D(10), D(50), D(100), D(150), D("150.5")]),
        _hundredths(0, 30000),
    ),
    "number": st.one_of(
        st.sampled_from([D(-1), D(0), D(1), D("2.5"), D(10)]), _hundredths(-2000, 2000)
    ),
    "series": st.one_of(st.integers(0, 6).map(D), _hundredths(-300, 900)),
}
NUMBERS["score"] = NUMBERS["percent"]


def points_values() -> st.SearchStrategy[Decimal]:
    """Positive points with at most 2 decimals."""
    return POINTS


TEXT_POOL = (
    "",
    "质量",
    "成立质量发展委员会",
    "达到 90%以上",
    "每张加 0.5 分，最高 2 分",
    'quoted "word"',
    "back\\slash",
    '\\"',
    "“一站式”服务",
    "item 1 { } # not a comment",
    "veto when x",
    "（合理缺项）",
)
text_strings = st.one_of(
    st.sampled_from(TEXT_POOL),
    st.text(
        alphabet=st.sampled_from(list('质量工作成效达到以上分aZ 0%（）“”·-_"\\#{}')), max_size=8
    ),
)
OPTIONAL_TEXT = st.none() | text_strings
na_reasons = st.one_of(
    st.sampled_from(["区域无法定计量检定机构", "合理缺项", " padded reason "]),
    st.text(alphabet=st.sampled_from(list("区域无法定计量检定机构 abc")), min_size=1, max_size=6),
).filter(lambda s: s.strip())


# ---- condition generation ---------------------------------------------------------------------

BOOL_FORMS_POSITIVE = ("flag", "flag", "eq_true", "true_eq")
BOOL_FORMS = (*BOOL_FORMS_POSITIVE, "eq_false", "ne_true", "ne_false", "pair")
EQUALITY = ("==", "!=")
WHICH = ("last", "previous")


def _atom(draw: st.DrawFn, indicators: tuple[Indicator, ...], positive: bool) -> Condition:
    ind = pick(draw, indicators)
    kind = ind.kind
    name = ind.name
    if kind == "bool":
        form = pick(draw, BOOL_FORMS_POSITIVE if positive else BOOL_FORMS)
        if form == "flag":
            return Flag(name)
        if form == "eq_true":
            return Compare(Ref(name), "==", BoolLit(True), False, (name,))
        if form == "true_eq":
            return Compare(BoolLit(True), "==", Ref(name), False, (name,))
        if form == "eq_false":
            return Compare(Ref(name), "==", BoolLit(False), True, (name,))
        if form == "ne_true":
            return Compare(Ref(name), "!=", BoolLit(True), True, (name,))
        if form == "ne_false":
            # positive in effect, but positive rubrics keep `!=` out altogether
            return Compare(Ref(name), "!=", BoolLit(False), True, (name,))
        other = pick(draw, [i for i in indicators if i.kind == "bool"])
        return Compare(Ref(name), pick(draw, EQUALITY), Ref(other.name), True, (name, other.name))
    if kind == "enum":
        op = pick(draw, EQUALITY)
        form = pick(draw, ("level", "level", "level_left", "pair"))
        if form == "pair":
            partners = [i for i in indicators if i.kind == "enum" and i.levels == ind.levels]
            return Compare(Ref(name), op, Ref(pick(draw, partners).name))
        level = LevelLit(pick(draw, ind.levels))
        if form == "level_left":
            return Compare(level, op, Ref(name))
        return Compare(Ref(name), op, level)
    if kind == "series":
        form = pick(draw, ("trend", "trend", "points", "literal", "indicator"))
        if form == "trend":
            return Trend(pick(draw, ("decreasing", "increasing")), name)
        op = pick(draw, COMPARATORS)
        which = pick(draw, WHICH)
        if form == "points":
            return Compare(Point("last", name), op, Point("previous", name))
        if form == "literal":
            return Compare(Point(which, name), op, Lit(draw(NUMBERS["series"])))
        other = pick(draw, [i for i in indicators if i.kind in NUMERIC_KINDS or i.kind == "series"])
        right: Operand = (
            Point(pick(draw, WHICH), other.name) if other.kind == "series" else Ref(other.name)
        )
        return Compare(Point(which, name), op, right)
    # the numeric kinds
    op = pick(draw, COMPARATORS)
    form = pick(draw, ("literal", "literal", "literal_left", "indicator", "series"))
    if form == "indicator":
        other = pick(draw, [i for i in indicators if compatible(ind, i)])
        return Compare(Ref(name), op, Ref(other.name))
    series = [i for i in indicators if i.kind == "series"]
    if form == "series" and series:
        return Compare(Ref(name), op, Point(pick(draw, WHICH), pick(draw, series).name))
    threshold = Lit(draw(NUMBERS[kind]))
    if form == "literal_left":
        return Compare(threshold, op, Ref(name))
    return Compare(Ref(name), op, threshold)


def _condition(
    draw: st.DrawFn, indicators: tuple[Indicator, ...], depth: int, positive: bool
) -> Condition:
    choice = draw(_ints(0, 9)) if depth > 0 else 0
    if choice <= 5:
        return _atom(draw, indicators, positive)
    if choice <= 7:
        size = draw(_ints(2, 3))
        operands = tuple(_condition(draw, indicators, depth - 1, positive) for _ in range(size))
        parens = tuple(one_in(draw, 3) for _ in operands)
        return (AllOf if choice == 6 else AnyOf)(operands, parens)
    operand = _condition(draw, indicators, depth - 1, positive)
    if positive and operand.bool_uses(False):
        return operand  # `not` over a bool would make it negative
    return Not(operand)


@st.composite
def conditions(
    draw: st.DrawFn, indicators: tuple[Indicator, ...], positive: bool = False, depth: int = 2
) -> Condition:
    return _condition(draw, indicators, depth, positive)


# ---- rule generation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    deductions: bool = True
    vetoes: bool = True
    na: bool = True
    positive_bools: bool = False
    na_rate: float = 0.25


def _rule(draw: st.DrawFn, indicators: tuple[Indicator, ...], options: Options) -> Rule:
    numeric = [i for i in indicators if i.kind in NUMERIC_KINDS]
    rates = [i for i in indicators if i.kind in ("percent", "score")]
    kinds = ["fixed", "fixed", "fixed", "always", "tiers"]
    if numeric:
        kinds.append("per_unit")
    if rates:
        kinds.append("proportional")
    if options.deductions:
        kinds += ["deduct_fixed", "deduct_always"] + (["deduct_per_unit"] if numeric else [])
    kind = pick(draw, kinds)
    text = draw(text_strings)
    positive = options.positive_bools
    if kind in ("fixed", "deduct_fixed"):
        points = draw(POINTS)
        condition = _condition(draw, indicators, 2, positive)
        return FixedRule(points if kind == "fixed" else -points, condition, text)
    if kind in ("always", "deduct_always"):
        points = draw(POINTS)
        return AlwaysRule(points if kind == "always" else -points, text)
    if kind in ("per_unit", "deduct_per_unit"):
        ind = pick(draw, numeric)
        points = draw(POINTS)
        step = draw(STEPS)
        if kind == "per_unit":
            return PerUnitRule(points, step, ind.name, draw(POINTS), text)
        return PerUnitRule(-points, step, ind.name, draw(OPTIONAL_POINTS), text)
    if kind == "proportional":
        return ProportionalRule(draw(POINTS), pick(draw, rates).name, text)
    tiers = tuple(
        Tier(draw(POINTS), _condition(draw, indicators, 2, positive), draw(text_strings))
        for _ in range(draw(_ints(1, 3)))
    )
    return TiersRule(text, tiers)


def _declared(draw: st.DrawFn, children: Decimal) -> Decimal:
    """Usually what the children add up to (when positive); sometimes any positive number."""
    if children > 0 and not one_in(draw, 4):
        return children
    return draw(POINTS)


def _item(
    draw: st.DrawFn, item_id: str, indicators: tuple[Indicator, ...], options: Options
) -> Item:
    rules = [_rule(draw, indicators, options) for _ in range(draw(_ints(1, 4)))]
    members: list[Rule | Veto] = list(rules)
    if options.vetoes and one_in(draw, 4):
        veto = Veto(_condition(draw, indicators, 2, False), draw(text_strings))
        members.insert(draw(_ints(0, len(members))), veto)
    reach = sum((r.reach() for r in rules), ZERO)
    points = _declared(draw, reach)
    cap = pick(draw, ("none", "none", "declared", "random"))
    cap_value = None
    if cap == "declared":
        cap_value = points
    elif cap == "random":
        cap_value = draw(POINTS)
    return Item(item_id, draw(text_strings), points, cap_value, tuple(members))


# ---- indicators and data -------------------------------------------------------------------


@st.composite
def indicator_sets(
    draw: st.DrawFn, options: Options | None = None, need_bool: bool = False
) -> tuple[Indicator, ...]:
    options = options or Options()
    kinds = [pick(draw, KINDS) for _ in range(draw(_ints(2, 7)))]
    if need_bool and "bool" not in kinds:
        kinds[0] = "bool"
    indicators = []
    for index, kind in enumerate(kinds):
        allows_na = options.na and one_in(draw, 3)
        label = draw(OPTIONAL_TEXT)
        extra: dict[str, Any] = {}
        if kind == "series":
            extra["series_length"] = pick(draw, (3, 2, 4))
        if kind == "enum":
            size = draw(_ints(2, 4))
            extra["levels"] = LEVEL_NAMES[:size]
            extra["level_labels"] = tuple(draw(OPTIONAL_TEXT) for _ in range(size))
        name = f"{PREFIX[kind]}_{index}"
        indicators.append(Indicator(name, kind, allows_na, label, **extra))
    return tuple(indicators)


def canonical_value(draw: st.DrawFn, indicator: Indicator) -> Any:
    """A value for the indicator in canonical form (Decimal, bool, level, tuple of Decimal)."""
    if indicator.kind == "bool":
        return one_in(draw, 2)
    if indicator.kind == "enum":
        return pick(draw, indicator.levels)
    if indicator.kind == "series":
        return tuple(draw(NUMBERS["series"]) for _ in range(indicator.series_length))
    return draw(NUMBERS[indicator.kind])


def _as_input(draw: st.DrawFn, value: Decimal) -> Any:
    """The same number as Decimal, int, or a float whose repr is exactly that decimal."""
    forms: list[str] = ["decimal"]
    if value == value.to_integral_value():
        forms.append("int")
    as_float = float(value)
    if math.isfinite(as_float) and D(repr(as_float)) == value:
        forms.append("float")
    form = pick(draw, forms)
    if form == "int":
        return int(value)
    if form == "float":
        return as_float
    return value


def to_input(draw: st.DrawFn, value: Any) -> Any:
    """A canonical value written as a caller would pass it to Rubric.evaluate."""
    if isinstance(value, NA):
        return {NA_KEY: value.reason}
    if isinstance(value, tuple):
        items = [_as_input(draw, v) for v in value]
        return items if one_in(draw, 2) else tuple(items)
    if isinstance(value, Decimal):
        return _as_input(draw, value)
    return value


@st.composite
def canonical_data(
    draw: st.DrawFn, indicators: tuple[Indicator, ...], na_rate: float = 0.25
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for indicator in indicators:
        if indicator.allows_na and draw(_ints(0, 99)) < round(na_rate * 100):
            values[indicator.name] = NA(draw(na_reasons).strip())
        else:
            values[indicator.name] = canonical_value(draw, indicator)
    return values


@st.composite
def inputs_for(draw: st.DrawFn, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: to_input(draw, value) for name, value in values.items()}


# ---- whole rubrics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A generated rubric: its model, its text, and one district's data for it.

    ``values`` holds the canonical values (Decimal, bool, level name, tuple of Decimal, NA);
    ``data`` the same values as handed to ``Rubric.evaluate`` (ints, floats, lists, dicts).
    """

    model: Model
    text: str
    values: dict[str, Any]
    data: dict[str, Any]
    options: Options = field(default_factory=Options)


def item_id(style: str, n: int) -> str:
    """Item ids as tables write them: 1, 2.1, 3a, x-4."""
    if style == "dotted":
        return f"{n // 3 + 1}.{n % 3 + 1}"
    if style == "mixed":
        return f"{n}a" if n % 2 else f"X-{n}"
    return str(n)


@st.composite
def models(draw: st.DrawFn, options: Options | None = None, need_bool: bool = False) -> Model:
    """A rubric model: 1-3 categories (some bonus) of 1-4 items, loose or in groups."""
    options = options or Options()
    indicators = draw(indicator_sets(options, need_bool))
    id_style = pick(draw, ("plain", "dotted", "mixed"))
    counter = 0
    categories: list[Category] = []
    for _ in range(draw(_ints(1, 3))):
        remaining = draw(_ints(1, 4))
        members: list[Group | Item] = []
        while remaining:
            size = draw(_ints(1, remaining)) if one_in(draw, 2) else 0  # 0: a loose item
            items = []
            for _ in range(max(size, 1)):
                counter += 1
                items.append(_item(draw, item_id(id_style, counter), indicators, options))
            remaining -= len(items)
            if not size:
                members.append(items[0])
                continue
            total = pick(draw, ("none", "none", "sum", "random"))
            total_value = None
            if total == "sum":
                total_value = sum((i.points for i in items), ZERO)
            elif total == "random":
                total_value = draw(POINTS)
            members.append(Group(draw(text_strings), total_value, tuple(items)))
        declared = sum((m.declared() if isinstance(m, Group) else m.points for m in members), ZERO)
        points = _declared(draw, declared)
        categories.append(Category(draw(text_strings), points, one_in(draw, 4), tuple(members)))
    base_sum = sum((c.points for c in categories if not c.is_bonus), ZERO)
    bonus_sum = sum((c.points for c in categories if c.is_bonus), ZERO)
    base = _declared(draw, base_sum)
    bonus: Decimal | None
    if bonus_sum > 0:
        bonus = _declared(draw, bonus_sum)
    else:
        bonus = pick(draw, (None, D(0), D(10)))
    vetoes: tuple[Veto, ...] = ()
    if options.vetoes and one_in(draw, 2):
        vetoes = tuple(
            Veto(_condition(draw, indicators, 2, False), draw(text_strings))
            for _ in range(draw(_ints(1, 2)))
        )
    return Model(
        title=draw(text_strings),
        year=draw(_ints(2000, 2030)),
        base=base,
        bonus=bonus,
        indicators=indicators,
        categories=tuple(categories),
        vetoes=vetoes,
        header_last=one_in(draw, 5),
        comments=one_in(draw, 2),
    )


@st.composite
def rubric_cases(
    draw: st.DrawFn,
    *,
    deductions: bool = True,
    vetoes: bool = True,
    na: bool = True,
    positive_bools: bool = False,
    na_rate: float = 0.25,
    need_bool: bool = False,
) -> Case:
    options = Options(deductions, vetoes, na, positive_bools, na_rate)
    model = draw(models(options, need_bool))
    values = draw(canonical_data(model.indicators, na_rate if na else 0.0))
    data = draw(inputs_for(values))
    return Case(model, model.render(), values, data, options)


@st.composite
def rubric_and_data(
    draw: st.DrawFn,
    *,
    deductions: bool = True,
    vetoes: bool = True,
    na: bool = True,
    positive_bools: bool = False,
    na_rate: float = 0.25,
) -> tuple[str, dict[str, Any]]:
    """(rubric text, indicator data) — valid text, data matching its declarations."""
    case = draw(
        rubric_cases(
            deductions=deductions,
            vetoes=vetoes,
            na=na,
            positive_bools=positive_bools,
            na_rate=na_rate,
        )
    )
    return case.text, case.data


def rubric_texts(
    *, deductions: bool = True, vetoes: bool = True, na: bool = True, positive_bools: bool = False
) -> st.SearchStrategy[str]:
    return rubric_cases(
        deductions=deductions, vetoes=vetoes, na=na, positive_bools=positive_bools
    ).map(lambda case: case.text)
