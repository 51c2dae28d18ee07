"""Hypothesis strategies: random but valid rubric texts, with matching indicator data.

The strategies first build a small model of a rubric (the dataclasses below), then render it
as text in the syntax of ``grammars/rubric.lark``. Keeping the model lets tests know, without
asking rubricdsl, which indicators each rule reads (``reads()``), the most it can give
(``reach()``) and what it yields on its own before its item's cap and floor (``outcome()``:
an independent reading of the rule semantics in ``docs/language.md``).

Entry points:

- ``rubric_cases(...)`` -> ``Case`` (model, text, data);
- ``rubric_and_data(...)`` -> ``(text, indicators)``;
- ``rubric_texts(...)`` -> ``text``;
- ``showcase_case()`` -> one hand-built ``Case`` using every construct, with data hitting the
  branches random data seldom hits together (used as an ``@example``).
- ``block_cases()`` -> ``BlockCase``: deductions on categories and the total, ``then``,
  proportional deductions, ``last()``/``previous()`` per unit, and 合理缺项 of whole items, groups
  and categories (``na when``, ``na allowed`` with the data's report), with its own independent
  model (defined in ``tests/strategies_blocks.py``, re-exported here).

Options (all three; ``rubric_cases`` also takes ``need_bool``, ``requirements``, ``grades``
and ``item_na``):

- ``deductions``: negative points (``-1 when …``, ``-1 always``, ``-0.5 per n [max 1]``,
  ``-1 per n below 5 [rounding up]``, graded deductions ``lowest "…" { -0.5 when … }``);
- ``vetoes``: vetoes inside items and at the top level (with grades, most of them lower the
  grade: ``downgrade N``, ``at most "G"``);
- ``na``: indicators declared ``or na``, reported not applicable at ``na_rate`` (0 to 1);
- ``positive_bools``: bool indicators only ever appear as bare flags or ``== true``, never
  under ``not``, in ``== false``, in ``!=`` or compared with another bool, so that turning
  a bool from false to true can only make conditions hold more often;
- ``requirements``: ``require c "…"`` at the top level, in categories and in items;
- ``grades``: ``grades [on total|on base] { "A" >= 90 … "D" otherwise }``;
- ``item_na``: an item's ``na when c "reason"`` (follows ``na`` unless given).

Besides: points by shortfall or excess (``1 per [S of] x above|below <number|indicator> max M
[rounding down|up|exact]``), proportional points (``P scaled by rate``, ``P scaled by x of
<number|indicator>``), categories with their own cap (``[bonus] category "t" cap N``) and item
ids as tables write them (``1``, ``2.1``, ``3a``, ``X-4``, ``B1``, ``十二``, ``一.1``, and
``"（三）2"`` in quotes; now and then a bare id in quotes too).

Generated rubrics are kept small: 1-3 categories, 1-4 items each, 1-4 rules per item.
Every generated text compiles (it may earn warnings: unreachable maxima, caps above the
declared points, unused indicators, ...).
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, ClassVar, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")
D = Decimal
ZERO = D(0)
HUNDRED = D(100)
CENT = D("0.01")

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


def half_up(value: Decimal) -> Decimal:
    """Rounded half-up (away from zero at the half) to 2 decimals, as docs/language.md says."""
    return value.quantize(CENT, ROUND_HALF_UP)


Target = Ref | Lit


@dataclass(frozen=True)
class PerUnitRule:
    """`P per [S of] x [above|below T] [max M] [rounding down|up|exact] "…"`."""

    points: Decimal
    step: Decimal | None
    name: str
    maximum: Decimal | None
    text: str
    kind: str = "per_unit"
    direction: str | None = None  # "above" / "below": units of the excess / shortfall
    target: Target | None = None
    rounding: str | None = None  # None (written as nothing: down), "down", "up", "exact"

    def render(self) -> str:
        step = f"{num(self.step)} of " if self.step is not None else ""
        difference = ""
        if self.direction is not None:
            assert self.target is not None
            difference = f" {self.direction} {self.target.render()}"
        cap = f" max {num(self.maximum)}" if self.maximum is not None else ""
        rounding = f" rounding {self.rounding}" if self.rounding is not None else ""
        return (
            f"{num(self.points)} per {step}{self.name}{difference}{cap}{rounding} "
            f"{quote(self.text)}"
        )

    def reads(self) -> tuple[str, ...]:
        return (self.name,) + (self.target.reads() if self.target is not None else ())

    def reach(self) -> Decimal:
        if self.points > 0 and self.maximum is not None:
            return self.maximum
        return ZERO

    def difference(self, values: Mapping[str, Any]) -> Decimal:
        """What is counted in units: the value, its excess over T, or its shortfall below T."""
        value = values[self.name]
        if self.target is None:
            return value
        target = self.target.value(values)
        return value - target if self.direction == "above" else target - value

    def outcome(self, values: Mapping[str, Any]) -> tuple[Decimal, str]:
        if _na_reason(self.reads(), values):
            return ZERO, NOT_APPLICABLE
        step = self.step if self.step is not None else D(1)
        # a difference (or value) below 0 counts as 0 units
        difference = max(self.difference(values), ZERO)
        if self.rounding == "exact":
            raw = half_up(self.points * difference / step)
            counted = difference > 0
        else:
            share = Fraction(difference) / Fraction(step)
            units = math.ceil(share) if self.rounding == "up" else math.floor(share)
            raw = self.points * units
            counted = units > 0
        if self.maximum is not None and abs(raw) > self.maximum:
            raw = self.maximum if raw > 0 else -self.maximum
        return raw, (MET if counted else NOT_MET)

    def conditions(self) -> tuple[Condition, ...]:
        return ()


@dataclass(frozen=True)
class ProportionalRule:
    """`P scaled by x "…"` (points × x / 100) or `P scaled by x of T "…"`."""

    points: Decimal
    name: str
    text: str
    kind: str = "proportional"
    target: Target | None = None

    def render(self) -> str:
        target = f" of {self.target.render()}" if self.target is not None else ""
        return f"{num(self.points)} scaled by {self.name}{target} {quote(self.text)}"

    def reads(self) -> tuple[str, ...]:
        return (self.name,) + (self.target.reads() if self.target is not None else ())

    def reach(self) -> Decimal:
        return self.points

    def outcome(self, values: Mapping[str, Any]) -> tuple[Decimal, str]:
        if _na_reason(self.reads(), values):
            return ZERO, NOT_APPLICABLE
        value = values[self.name]
        if self.target is None:
            raw = self.points * value / HUNDRED  # exactly
        else:
            target = self.target.value(values)
            if target <= 0:  # "a target of 0 gives nothing": nothing to count up to
                return ZERO, NOT_MET
            counted = min(max(value, ZERO), target)  # from 0 up to the target
            raw = half_up(self.points * counted / target)
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
    """`highest "…" { … }` (the best tier that holds) or, with `lowest`, graded deductions
    `lowest "…" { -0.25 when … }` (the most severe tier that holds)."""

    text: str
    tiers: tuple[Tier, ...]
    kind: str = "tiers"
    lowest: bool = False

    @property
    def points(self) -> Decimal:
        """As written: the best tier, or for `lowest` the most severe one."""
        if self.lowest:
            return min(t.points for t in self.tiers)
        return max(t.points for t in self.tiers)

    def render(self) -> str:
        word = "lowest" if self.lowest else "highest"
        lines = [f"{word} {quote(self.text)} {{"]
        for tier in self.tiers:
            lines.append(f"  {num(tier.points)} when {tier.condition.render()} {quote(tier.text)}")
        lines.append("}")
        return "\n".join(lines)

    def reads(self) -> tuple[str, ...]:
        return tuple(n for t in self.tiers for n in t.condition.reads())

    def reach(self) -> Decimal:
        return ZERO if self.lowest else self.points

    def outcome(self, values: Mapping[str, Any]) -> tuple[Decimal, str]:
        truths = [(t.points, t.condition.truth(values)) for t in self.tiers]
        sure = [points for points, truth in truths if truth is True]
        maybe = [points for points, truth in truths if truth is None]
        # Decided when no tier that might hold could beat the best tier that surely holds;
        # for `lowest` (the mirror) the best is the most severe, the most negative.
        if self.lowest:
            if maybe and (not sure or min(maybe) < min(sure)):
                return ZERO, NOT_APPLICABLE
            return (min(sure), MET) if sure else (ZERO, NOT_MET)
        if maybe and (not sure or max(maybe) > max(sure)):
            return ZERO, NOT_APPLICABLE
        if not sure:
            return ZERO, NOT_MET
        return max(sure), MET

    def conditions(self) -> tuple[Condition, ...]:
        return tuple(t.condition for t in self.tiers)


Rule = FixedRule | AlwaysRule | PerUnitRule | ProportionalRule | TiersRule


def _status(truth: bool | None) -> str:
    if truth is None:
        return NOT_APPLICABLE
    return MET if truth else NOT_MET


@dataclass(frozen=True)
class Veto:
    """`veto when c "…"`, failing the district, or with `downgrade N` / `at most "G"` lowering
    its grade (only in a rubric with grades)."""

    condition: Condition
    text: str
    downgrade: int | None = None
    at_most: str | None = None

    def render(self) -> str:
        effect = ""
        if self.downgrade is not None:
            effect = f" downgrade {self.downgrade}"
        elif self.at_most is not None:
            effect = f" at most {quote(self.at_most)}"
        return f"veto when {self.condition.render()} {quote(self.text)}{effect}"

    def reads(self) -> tuple[str, ...]:
        return self.condition.reads()

    def status(self, values: Mapping[str, Any]) -> str:
        return _status(self.condition.truth(values))

    @property
    def fails(self) -> bool:
        """Without an effect a struck veto fails the district outright."""
        return self.downgrade is None and self.at_most is None


@dataclass(frozen=True)
class Requirement:
    """`require c "…"` (门槛): no points; met, not met, or not applicable (Kleene's n/a)."""

    condition: Condition
    text: str

    def render(self) -> str:
        return f"require {self.condition.render()} {quote(self.text)}"

    def reads(self) -> tuple[str, ...]:
        return self.condition.reads()

    def status(self, values: Mapping[str, Any]) -> str:
        return _status(self.condition.truth(values))


@dataclass(frozen=True)
class ItemNA:
    """`na when c "reason"`: the whole item is not applicable when c is true (not when n/a)."""

    condition: Condition
    reason: str

    def render(self) -> str:
        return f"na when {self.condition.render()} {quote(self.reason)}"

    def reads(self) -> tuple[str, ...]:
        return self.condition.reads()

    def holds(self, values: Mapping[str, Any]) -> bool:
        return self.condition.truth(values) is True


# ---- grades ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    name: str
    op: str  # ">=" or ">"
    threshold: Decimal


@dataclass(frozen=True)
class Grades:
    """`grades [on total|on base] { "A" >= 90 … "D" otherwise }`, the best band first."""

    basis: str | None  # None: no `on` clause, which means the total
    bands: tuple[Band, ...]
    rest: str

    @property
    def names(self) -> tuple[str, ...]:
        """Every grade, the best first, the `otherwise` one last."""
        return (*(b.name for b in self.bands), self.rest)

    @property
    def on(self) -> str:
        return self.basis or "total"

    def render(self) -> str:
        basis = f" on {self.basis}" if self.basis is not None else ""
        lines = [f"grades{basis} {{"]
        lines += [f"  {quote(b.name)} {b.op} {num(b.threshold)}" for b in self.bands]
        lines.append(f"  {quote(self.rest)} otherwise")
        lines.append("}")
        return "\n".join(lines)

    def by_score(self, score: Decimal) -> str:
        """The first band (from the best down) whose threshold the score reaches."""
        for band in self.bands:
            if _OPS[band.op](score, band.threshold):
                return band.name
        return self.rest

    def after_vetoes(self, score: Decimal, struck: Sequence[Veto]) -> tuple[str, int]:
        """The grade once the struck vetoes apply in the order written, and how many of them
        changed it: a plain veto gives the lowest grade, `downgrade N` lowers it N bands (no
        lower than the lowest), `at most "G"` lowers it to G when it is better."""
        names = self.names
        index = names.index(self.by_score(score))
        changes = 0
        for veto in struck:
            if veto.downgrade is not None:
                new = min(index + veto.downgrade, len(names) - 1)
            elif veto.at_most is not None:
                new = max(index, names.index(veto.at_most))
            else:
                new = len(names) - 1
            changes += new != index
            index = new
        return names[index], changes


# ---- structure -------------------------------------------------------------------------------


def na_points_of(item: Item, applicable: Sequence[Rule]) -> Decimal:
    """What an item's maximum loses when only `applicable` of its rules still apply."""
    full = item.points if item.cap is None else min(item.points, item.cap)
    reach = sum((r.reach() for r in item.rules), ZERO)
    still = sum((r.reach() for r in applicable), ZERO)
    return min(full, reach) - min(full, still)


RULE_TYPES = (FixedRule, AlwaysRule, PerUnitRule, ProportionalRule, TiersRule)
# A bare item id (grammars/rubric.lark, ITEM_ID); any other id is written in quotes.
NUMERALS = "〇一二三四五六七八九十百千零"
BARE_ID = re.compile(f"[0-9A-Za-z{NUMERALS}][0-9A-Za-z{NUMERALS}_.\\-]*\\Z")


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    points: Decimal
    cap: Decimal | None
    # rules, vetoes, requirements and `na when`, in the order written
    members: tuple[Rule | Veto | Requirement | ItemNA, ...]
    quote_id: bool = False  # write a bare id in quotes all the same (`item "B1"`)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(m for m in self.members if isinstance(m, RULE_TYPES))

    @property
    def vetoes(self) -> tuple[Veto, ...]:
        return tuple(m for m in self.members if isinstance(m, Veto))

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return tuple(m for m in self.members if isinstance(m, Requirement))

    @property
    def na_whens(self) -> tuple[ItemNA, ...]:
        return tuple(m for m in self.members if isinstance(m, ItemNA))

    @property
    def scope(self) -> str:
        return f"item {self.id}"

    def render(self, indent: str) -> list[str]:
        cap = f" cap {num(self.cap)}" if self.cap is not None else ""
        bare = BARE_ID.match(self.id) is not None and not self.quote_id
        ident = self.id if bare else quote(self.id)
        lines = [f"{indent}item {ident} {quote(self.title)} {num(self.points)}{cap} {{"]
        for member in self.members:
            lines += [f"{indent}  {line}" for line in member.render().split("\n")]
        lines.append(f"{indent}}}")
        return lines

    def excused(self, values: Mapping[str, Any]) -> str | None:
        """The reason of the first `na when` that holds: the whole item is 合理缺项."""
        for na_when in self.na_whens:
            if na_when.holds(values):
                return na_when.reason
        return None

    def outcomes(self, values: Mapping[str, Any]) -> list[tuple[Decimal, str]]:
        """Each rule's own yield and status; every rule is dropped when the item is excused."""
        if self.excused(values) is not None:
            return [(ZERO, NOT_APPLICABLE) for _ in self.rules]
        return [rule.outcome(values) for rule in self.rules]

    def applicable(self, values: Mapping[str, Any]) -> list[Rule]:
        outcomes = self.outcomes(values)
        return [r for r, (_, s) in zip(self.rules, outcomes, strict=True) if s != NOT_APPLICABLE]

    def limit(self, values: Mapping[str, Any]) -> Decimal:
        """The most the item may score with these values: min(declared − na_points, cap)."""
        maximum = self.points - self.na_points(values)
        return maximum if self.cap is None else min(maximum, self.cap)

    def na_points(self, values: Mapping[str, Any]) -> Decimal:
        """合理缺项 (docs/language.md): the points the item can no longer reach because rules
        were dropped, min(L, reach of all rules) − min(L, reach of the rules still applicable),
        L being the declared points or the cap if lower; all the declared points of an item
        excused by `na when`."""
        if self.excused(values) is not None:
            return self.points
        return na_points_of(self, self.applicable(values))

    def reach_pair(self, values: Mapping[str, Any]) -> tuple[Decimal, Decimal]:
        """(the most it could give with every rule, the most with the dropped rules gone),
        both under its declared points or cap; (declared, 0) for an excused item, whose
        declared points all leave the maximum."""
        if self.excused(values) is not None:
            return self.points, ZERO
        full = self.points if self.cap is None else min(self.points, self.cap)
        every = sum((r.reach() for r in self.rules), ZERO)
        still = sum((r.reach() for r in self.applicable(values)), ZERO)
        return min(full, every), min(full, still)

    def expected_score(self, values: Mapping[str, Any]) -> Decimal:
        total = sum((raw for raw, _ in self.outcomes(values)), ZERO)
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
    points: Decimal  # the declared total, or with `capped` the cap: the score's ceiling
    is_bonus: bool
    # groups, items and requirements in the order written
    layout: tuple[Group | Item | Requirement, ...]
    capped: bool = False  # `category "t" cap N { … }`

    @property
    def members(self) -> tuple[Group | Item, ...]:
        return tuple(m for m in self.layout if not isinstance(m, Requirement))

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return tuple(m for m in self.layout if isinstance(m, Requirement))

    @property
    def scope(self) -> str:
        return f"category '{self.title}'"

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
        points = f"cap {num(self.points)}" if self.capped else num(self.points)
        lines = [f"{mark}category {quote(self.title)} {points} {{"]
        for member in self.layout:
            if isinstance(member, Requirement):
                lines.append(f"  {member.render()}")
            else:
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
    requirements: tuple[Requirement, ...] = ()  # the rubric's own (scope "rubric")
    requirements_first: bool = True  # written before the categories, or after them
    grades: Grades | None = None
    grades_first: bool = False  # written before the categories, or at the end
    vetoes_first: bool = False  # the rubric's vetoes written before the categories, or after

    def items(self) -> tuple[Item, ...]:
        return tuple(i for c in self.categories for i in c.items())

    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for i in self.items() for r in i.rules)

    def all_vetoes(self) -> tuple[Veto, ...]:
        """Every veto in the order written: the rubric's and the items' in the order `render`
        writes them."""
        items = tuple(v for i in self.items() for v in i.vetoes)
        return self.vetoes + items if self.vetoes_first else items + self.vetoes

    def all_requirements(self) -> tuple[tuple[str, Requirement], ...]:
        """(scope, requirement) for every requirement: those of categories and items in the
        order written, then the rubric's own."""
        found: list[tuple[str, Requirement]] = []
        for category in self.categories:
            for member in category.layout:
                if isinstance(member, Requirement):
                    found.append((category.scope, member))
                    continue
                for item in member.items if isinstance(member, Group) else (member,):
                    found.extend((item.scope, r) for r in item.requirements)
        found.extend(("rubric", r) for r in self.requirements)
        return tuple(found)

    def eligible(self, values: Mapping[str, Any]) -> bool:
        """No requirement is unmet (one that is not applicable does not count)."""
        return all(r.status(values) != NOT_MET for _, r in self.all_requirements())

    def indicator(self, name: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.name == name:
                return indicator
        raise KeyError(name)

    def used(self) -> set[str]:
        names = {n for r in self.rules() for n in r.reads()}
        names |= {n for i in self.items() for m in i.na_whens for n in m.reads()}
        names |= {n for _, r in self.all_requirements() for n in r.reads()}
        return names | {n for v in self.all_vetoes() for n in v.reads()}

    def without_requirements(self) -> Model:
        """The same rubric with every requirement left out."""
        categories = []
        for category in self.categories:
            items = {
                id(i): replace(i, members=_no_requirements(i.members)) for i in category.items()
            }
            layout: list[Group | Item] = []
            for member in category.members:
                if isinstance(member, Group):
                    layout.append(replace(member, items=tuple(items[id(i)] for i in member.items)))
                else:
                    layout.append(items[id(member)])
            categories.append(replace(category, layout=tuple(layout)))
        return replace(self, categories=tuple(categories), requirements=())

    def render(self) -> str:
        header = [f"rubric {quote(self.title)}", f"year {self.year}", f"base {num(self.base)}"]
        if self.bonus is not None:
            header.append(f"bonus {num(self.bonus)}")
        declarations = ["indicators {"]
        declarations += [f"  {ind.render()}" for ind in self.indicators]
        declarations.append("}")
        body: list[str] = []
        if self.requirements_first:
            body += [r.render() for r in self.requirements]
        if self.grades is not None and self.grades_first:
            body.append(self.grades.render())
        if self.vetoes_first:
            body += [v.render() for v in self.vetoes]
        for category in self.categories:
            if self.comments:
                body.append(f"# category {category.title!r}")
            body += category.render()
        if not self.vetoes_first:
            body += [v.render() for v in self.vetoes]
        if not self.requirements_first:
            body += [r.render() for r in self.requirements]
        if self.grades is not None and not self.grades_first:
            body.append(self.grades.render())
        parts = (
            [*declarations, *body, *header] if self.header_last else [*header, *declarations, *body]
        )
        if self.comments:
            parts.insert(0, "# generated by tests/strategies.py")
        return "\n".join(parts) + "\n"


def _no_requirements(
    members: tuple[Rule | Veto | Requirement | ItemNA, ...],
) -> tuple[Rule | Veto | Requirement | ItemNA, ...]:
    return tuple(m for m in members if not isinstance(m, Requirement))


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
# cheaper than text_strings (a draw or two), for the wording of the newer constructs
labels = st.sampled_from(TEXT_POOL)
na_reasons = st.one_of(
    st.sampled_from(["区域无法定计量检定机构", "合理缺项", " padded reason "]),
    st.text(alphabet=st.sampled_from(list("区域无法定计量检定机构 abc")), min_size=1, max_size=6),
).filter(lambda s: s.strip())
# the reason of an item's `na when`, kept as written
item_na_reasons = st.sampled_from(
    ["辖区无学校", "合理缺项", " padded reason ", 'a "quoted" reason', "\\"]
)


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
    requirements: bool = True  # `require` at the top level, in categories, in items
    grades: bool = True  # `grades { … }`, and vetoes with `downgrade N` / `at most "G"`
    item_na: bool = True  # `na when c "reason"` in items


ROUNDINGS = (None, "down", "up", "exact")
DIRECTIONS = ("above", "below")
# positive targets for `scaled by x of T`, in the range of the indicator's values
SCALE_TARGETS: dict[str, st.SearchStrategy[Decimal]] = {
    "count": st.integers(1, 12).map(D),
    "percent": st.one_of(st.sampled_from([D(50), D(80), D(100)]), _hundredths(1, 10000)),
    "amount": st.one_of(st.sampled_from([D(10), D(100)]), _hundredths(1, 30000)),
    "number": st.one_of(st.sampled_from([D(1), D("2.5"), D(4), D(10)]), _hundredths(1, 2000)),
}
SCALE_TARGETS["score"] = SCALE_TARGETS["percent"]


def _target(
    draw: st.DrawFn, ind: Indicator, numeric: Sequence[Indicator], literals: st.SearchStrategy
) -> Target:
    """A number drawn from `literals`, or another numeric indicator (any numeric kind)."""
    others = [i for i in numeric if i.name != ind.name]
    if others and one_in(draw, 3):
        return Ref(pick(draw, others).name)
    return Lit(draw(literals))


def _graded_tiers(
    draw: st.DrawFn, indicators: tuple[Indicator, ...], options: Options
) -> tuple[Tier, ...]:
    """Deduction tiers: nested thresholds on one number (`x < 3`, `x < 2`: several tiers hold
    at once, in any order written; now and then a tier on another number, which may be not
    applicable while the others hold), or any conditions."""
    numeric = [i for i in indicators if i.kind in NUMERIC_KINDS]
    if numeric and not one_in(draw, 3):
        size = draw(_ints(2, 3))
        main = pick(draw, numeric)
        op = pick(draw, ("<", "<=", ">", ">="))
        tiers = []
        for _ in range(size):
            ind = pick(draw, numeric) if one_in(draw, 3) else main
            threshold = Lit(draw(NUMBERS[ind.kind]))
            tiers.append(Tier(-draw(POINTS), Compare(Ref(ind.name), op, threshold), draw(labels)))
        return tuple(tiers)
    positive = options.positive_bools
    return tuple(
        Tier(-draw(POINTS), _condition(draw, indicators, 2, positive), draw(labels))
        for _ in range(draw(_ints(1, 3)))
    )


def _rule(draw: st.DrawFn, indicators: tuple[Indicator, ...], options: Options) -> Rule:
    numeric = [i for i in indicators if i.kind in NUMERIC_KINDS]
    rates = [i for i in indicators if i.kind in ("percent", "score")]
    kinds = ["fixed", "fixed", "fixed", "always", "tiers"]
    if numeric:
        kinds += ["per_unit", "per_difference", "scaled_of"]
    if rates:
        kinds.append("proportional")
    if options.deductions:
        kinds += ["deduct_fixed", "deduct_always", "lowest"]
        kinds += ["deduct_per_unit", "deduct_per_difference"] if numeric else []
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
    if kind in ("per_unit", "deduct_per_unit", "per_difference", "deduct_per_difference"):
        ind = pick(draw, numeric)
        points = draw(POINTS)
        step = draw(STEPS)
        rounding = pick(draw, ROUNDINGS)
        direction = target = None
        maximum = draw(OPTIONAL_POINTS)
        if kind.endswith("difference"):
            direction = pick(draw, DIRECTIONS)
            target = _target(draw, ind, numeric, NUMBERS[ind.kind])
            # a maximum in units, mostly more than a few, so that how a partial unit counts shows
            maximum = None if maximum is None else points * draw(_ints(1, 40))
        if not kind.startswith("deduct"):  # positive points per unit need a maximum
            maximum = maximum or draw(POINTS)
            return PerUnitRule(
                points, step, ind.name, maximum, text, "per_unit", direction, target, rounding
            )
        return PerUnitRule(
            -points, step, ind.name, maximum, text, "per_unit", direction, target, rounding
        )
    if kind == "proportional":
        return ProportionalRule(draw(POINTS), pick(draw, rates).name, text)
    if kind == "scaled_of":
        ind = pick(draw, numeric)
        target = _target(draw, ind, numeric, SCALE_TARGETS[ind.kind])
        return ProportionalRule(draw(POINTS), ind.name, text, "proportional", target)
    if kind == "lowest":
        return TiersRule(text, _graded_tiers(draw, indicators, options), "tiers", lowest=True)
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


def _veto(draw: st.DrawFn, indicators: tuple[Indicator, ...], grade_names: tuple[str, ...]) -> Veto:
    """A veto; with grades, usually one that lowers the grade instead of failing outright."""
    veto = Veto(_condition(draw, indicators, 2, False), draw(text_strings))
    if not grade_names:
        return veto
    effect = pick(draw, ("fails", "downgrade", "downgrade", "at_most", "at_most"))
    if effect == "downgrade":
        return replace(veto, downgrade=draw(_ints(1, 3)))
    if effect == "at_most":
        return replace(veto, at_most=pick(draw, grade_names))
    return veto


def _requirement(draw: st.DrawFn, indicators: tuple[Indicator, ...]) -> Requirement:
    return Requirement(_condition(draw, indicators, 1, False), draw(labels))


def _insert(draw: st.DrawFn, members: list[T], member: T) -> None:
    members.insert(draw(_ints(0, len(members))), member)


def members_of(layout: Sequence[Group | Item | Requirement]) -> list[Group | Item]:
    return [m for m in layout if not isinstance(m, Requirement)]


def _item(
    draw: st.DrawFn,
    item_id: str,
    indicators: tuple[Indicator, ...],
    options: Options,
    grade_names: tuple[str, ...] = (),
    quote_id: bool = False,
) -> Item:
    rules = [_rule(draw, indicators, options) for _ in range(draw(_ints(1, 4)))]
    graded = [r for r in rules if isinstance(r, TiersRule) and r.lowest]
    if graded and not one_in(draw, 3):
        # points to deduct from, as tables start graded deductions (the floor cuts less)
        start = -sum((r.points for r in graded), ZERO)
        rules.insert(0, AlwaysRule(start, draw(labels)))
    members: list[Rule | Veto | Requirement | ItemNA] = list(rules)
    if options.vetoes and one_in(draw, 4):
        _insert(draw, members, _veto(draw, indicators, grade_names))
    # one draw for both, each about once in 5 items (0, where shrinking goes: neither)
    extras = draw(_ints(0, 24))
    if options.requirements and extras % 5 == 4:
        _insert(draw, members, _requirement(draw, indicators))
    if options.item_na and extras // 5 == 4:
        for _ in range(2 if one_in(draw, 4) else 1):  # with two, the first that holds counts
            na_when = ItemNA(_condition(draw, indicators, 1, False), draw(item_na_reasons))
            # usually first, as tables write it
            members.insert(draw(_ints(0, len(members))) if one_in(draw, 3) else 0, na_when)
    reach = sum((r.reach() for r in rules), ZERO)
    points = _declared(draw, reach)
    cap = pick(draw, ("none", "none", "declared", "random"))
    cap_value = None
    if cap == "declared":
        cap_value = points
    elif cap == "random":
        cap_value = draw(POINTS)
    return Item(item_id, draw(text_strings), points, cap_value, tuple(members), quote_id)


GRADE_NAMES = ("优秀", "良好", "合格", "不合格", "A", "B", "C", "D", "“甲”", 'A "+"', "back\\slash")


def _grade_names(draw: st.DrawFn) -> tuple[str, ...]:
    """2-5 distinct grade names, the best first."""
    pool = list(GRADE_NAMES)
    return tuple(pool.pop(draw(_ints(0, len(pool) - 1))) for _ in range(draw(_ints(2, 5))))


def _grades(draw: st.DrawFn, names: tuple[str, ...], base: Decimal, bonus: Decimal) -> Grades:
    """Bands from the best down, with thresholds spread over what the basis can reach."""
    basis = pick(draw, (None, "total", "base"))
    top = base + (bonus if basis != "base" else ZERO)
    bound = int(top * 100)
    thresholds: set[Decimal] = set()  # distinct: the bands go strictly down
    for _ in names[:-1]:
        if one_in(draw, 2):  # a round number, as tables write them
            thresholds.add(D(draw(_ints(0, max(int(top), 0)))))
        else:
            thresholds.add(D(draw(_ints(0, bound))).scaleb(-2))
    ordered = sorted(thresholds, reverse=True)
    while len(ordered) < len(names) - 1:  # drawn twice: one more, just below the last
        ordered.append(ordered[-1] - CENT)
    bands = tuple(
        Band(name, pick(draw, (">=", ">=", ">")), threshold)
        for name, threshold in zip(names[:-1], ordered, strict=True)
    )
    return Grades(basis, bands, names[-1])


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


ID_STYLES = ("plain", "dotted", "mixed", "letter", "chinese", "chinese_dotted", "quoted")


def chinese_numeral(n: int) -> str:
    """1-99 as a table numbers them in Chinese: 一, 十, 十二, 二十一."""
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else NUMERALS[tens]) + "十"
    if ones:
        text += NUMERALS[ones]
    return text


def item_id(style: str, n: int) -> str:
    """Item ids as tables write them: 1, 2.1, 3a, X-4, B1, 十二, 一.1, （三）2 (the last is
    written in quotes). Each style gives each n its own id, and no two styles meet."""
    if style == "dotted":
        return f"{n // 3 + 1}.{n % 3 + 1}"
    if style == "mixed":
        return f"{n}a" if n % 2 else f"X-{n}"
    if style == "letter":
        return f"B{n}"
    if style == "chinese":
        return chinese_numeral(n)
    if style == "chinese_dotted":
        return f"{chinese_numeral(n // 3 + 1)}.{n % 3 + 1}"
    if style == "quoted":
        return f"（{chinese_numeral(n // 3 + 1)}）{n % 3 + 1}"
    return str(n)


@st.composite
def models(draw: st.DrawFn, options: Options | None = None, need_bool: bool = False) -> Model:
    """A rubric model: 1-3 categories (some bonus, some capped) of 1-4 items, loose or in
    groups; requirements, grades and vetoes that lower the grade as the options allow."""
    options = options or Options()
    indicators = draw(indicator_sets(options, need_bool))
    id_style = pick(draw, (*ID_STYLES, "any"))
    quote_ids = one_in(draw, 4)  # write some bare ids in quotes all the same (`item "B1"`)
    grade_names: tuple[str, ...] = ()
    if options.grades and not one_in(draw, 3):
        grade_names = _grade_names(draw)
    counter = 0
    categories: list[Category] = []
    for _ in range(draw(_ints(1, 3))):
        remaining = draw(_ints(1, 4))
        members: list[Group | Item | Requirement] = []
        while remaining:
            size = draw(_ints(1, remaining)) if one_in(draw, 2) else 0  # 0: a loose item
            items = []
            for _ in range(max(size, 1)):
                counter += 1
                style = pick(draw, ID_STYLES) if id_style == "any" else id_style
                ident = item_id(style, counter)
                quote_id = quote_ids and counter % 2 == 1
                items.append(_item(draw, ident, indicators, options, grade_names, quote_id))
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
        declared = sum(
            (m.declared() if isinstance(m, Group) else m.points for m in members_of(members)),
            ZERO,
        )
        capped = one_in(draw, 4)
        if capped and not one_in(draw, 3):
            # a cap the items usually add up past: a share of what they declare
            points = max(half_up(declared * D(draw(_ints(20, 100))) / HUNDRED), CENT)
        else:
            points = _declared(draw, declared)
        if options.requirements and one_in(draw, 3):
            _insert(draw, members, _requirement(draw, indicators))
        title = draw(text_strings)
        categories.append(Category(title, points, one_in(draw, 4), tuple(members), capped))
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
        vetoes = tuple(_veto(draw, indicators, grade_names) for _ in range(draw(_ints(1, 2))))
    requirements: tuple[Requirement, ...] = ()
    if options.requirements and one_in(draw, 2):
        requirements = tuple(_requirement(draw, indicators) for _ in range(draw(_ints(1, 2))))
    grades = _grades(draw, grade_names, base, bonus or ZERO) if grade_names else None
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
        requirements=requirements,
        requirements_first=not one_in(draw, 3),
        vetoes_first=one_in(draw, 3),
        grades=grades,
        grades_first=one_in(draw, 4),
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
    requirements: bool = True,
    grades: bool = True,
    item_na: bool | None = None,
) -> Case:
    """A Case; ``item_na`` (items' `na when`) follows ``na`` unless given."""
    item_na = na if item_na is None else item_na
    options = Options(
        deductions, vetoes, na, positive_bools, na_rate, requirements, grades, item_na
    )
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


# ---- a hand-built case --------------------------------------------------------------------------


def showcase_case() -> Case:
    """One rubric using every construct, with data that hits the branches random data seldom
    does together: a tie rounded half-up (0.5 × 0.25 = 0.125 → 0.13), a partial unit rounded
    up, a share rounded (3 × 1 / 7 → 0.43), a `lowest` block whose most severe holding tier is
    neither the first written nor their sum, another dropped because a more severe tier is
    n/a, a share of a value past its target (the full points) and of a negative target
    (nothing), an item excused by `na when` whose rules cannot reach its declared points (all
    of them leave the base, which is prorated), one whose `na when` is unknown (it applies), a
    capped category that cuts, a requirement that is not applicable while the others hold
    (still eligible), and two struck vetoes whose order matters (at most "B" then downgrade
    1: A → B → C; the other way round A → B → B)."""
    indicators = (
        Indicator("num_x", "number"),
        Indicator("cnt_y", "count"),
        Indicator("num_z", "number"),
        Indicator("num_gap", "number", allows_na=True),
        Indicator("num_other", "number", allows_na=True),
        Indicator("cnt_schools", "count"),
        Indicator("flag_f", "bool"),
        Indicator("flag_m", "bool", allows_na=True, label="可合理缺项"),
    )
    values: dict[str, Any] = {
        "num_x": D("0.25"),
        "cnt_y": D(4),
        "num_z": D(1),
        "num_gap": D(-4),
        "num_other": NA("未设目标"),
        "cnt_schools": D(0),
        "flag_f": True,
        "flag_m": NA("不适用"),
    }
    f = Flag("flag_f")

    def below(name: str, threshold: str) -> Compare:
        return Compare(Ref(name), "<", Lit(D(threshold)))

    shares = Item(
        "（一）1",
        "差额",
        D(5),
        None,
        (
            PerUnitRule(
                D("0.5"),
                None,
                "num_x",
                D(5),
                "超出部分按比例",
                "per_unit",
                "above",
                Lit(D(0)),
                "exact",
            ),
            PerUnitRule(
                D(1),
                D(2),
                "cnt_y",
                D(3),
                "每少 2 次加 1 分（不足按一次）",
                "per_unit",
                "below",
                Lit(D(5)),
                "up",
            ),
            Requirement(f, "项目门槛"),
        ),
    )
    scaled = Item(
        "B1",
        "按比例",
        D(6),
        None,
        (
            ProportionalRule(D(3), "num_z", "完成比例", "proportional", Lit(D(7))),
            ProportionalRule(D(2), "num_x", "超过目标按满分", "proportional", Lit(D("0.1"))),
            ProportionalRule(D(1), "num_z", "目标为负：不得分", "proportional", Ref("num_gap")),
        ),
    )
    graded = Item(
        "十二",
        "分级扣分",
        D(4),
        None,
        (
            AlwaysRule(D(4), "基础分"),
            TiersRule(
                "低于目标扣分",
                (
                    Tier(D("-0.5"), below("num_gap", "-1"), "低于 1"),
                    Tier(D(-2), below("num_gap", "-3"), "低于 3（最重）"),
                    Tier(D(-1), below("num_gap", "-2"), "低于 2"),
                ),
                lowest=True,
            ),
        ),
        quote_id=True,
    )
    unknown = Item(
        "一.1",
        "更重的一档不适用",
        D(2),
        None,
        (
            AlwaysRule(D(2), "基础分"),
            TiersRule(
                "扣分",
                (
                    Tier(D("-0.5"), below("num_gap", "-1"), "确定扣 0.5"),
                    Tier(D(-1), below("num_other", "0"), "可能扣 1"),
                ),
                lowest=True,
            ),
        ),
    )
    excused = Item(
        "二",
        "学校食堂",
        D(4),
        None,
        (
            ItemNA(Compare(Ref("cnt_schools"), "==", Lit(D(0))), "辖区无学校"),
            FixedRule(D(3), f, "检查"),
        ),
    )
    applies = Item(
        "四",
        "缺项条件不确定：照常评分",
        D(1),
        None,
        (ItemNA(Flag("flag_m"), "可能缺项"), FixedRule(D(1), f, "满足")),
    )
    plain = Item("三", "x", D(4), None, (FixedRule(D(4), f, "满足"),))
    more = Item("五", "y", D(2), None, (FixedRule(D(2), f, "满足"),))
    bonus = Item(
        "X-9", "加分", D(3), None, (FixedRule(D(3), f, "加分"), FixedRule(D(3), f, "再加"))
    )
    categories = (
        Category(
            "类一",
            D(22),
            False,
            (Requirement(f, "类别门槛"), shares, scaled, graded, unknown, excused, applies),
        ),
        Category("封顶", D(3), False, (Group("组", None, (plain,)), more), capped=True),
        Category("加分项", D(2), True, (bonus,), capped=True),
    )
    vetoes = (
        Veto(f, "不得评为 A", at_most="B"),
        Veto(f, "降一个等次", downgrade=1),
        Veto(Compare(Ref("flag_m"), "==", BoolLit(True)), "不适用，不否决"),
        Veto(Not(f), "未发生"),
    )
    grades = Grades(
        None,
        (Band("A", ">=", D(15)), Band("B", ">=", D(10)), Band("C", ">", D(5))),
        "D",
    )
    model = Model(
        title="展示",
        year=2021,
        base=D(25),
        bonus=D(2),
        indicators=indicators,
        categories=categories,
        vetoes=vetoes,
        requirements=(Requirement(Flag("flag_m"), "不适用的门槛"), Requirement(f, "门槛")),
        grades=grades,
    )
    data = {
        name: {NA_KEY: value.reason} if isinstance(value, NA) else value
        for name, value in values.items()
    }
    return Case(model, model.render(), values, data)


# Deductions above items, `then` and whole-block 合理缺项 have a model of their own (its shapes
# keep the expected scores simple to state); re-exported so tests find every strategy here.
from strategies_blocks import BlockCase, block_cases  # noqa: E402, F401
