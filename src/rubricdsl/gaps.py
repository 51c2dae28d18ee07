"""Gap analysis and what-if: the change of the data that wins each lost point back, measured."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, cast

import attrs

from rubricdsl.api import Rubric
from rubricdsl.derive import formula_inputs, inverse, read_with_derived, recompute
from rubricdsl.errors import IndicatorError, IndicatorProblem, RubricArgumentError
from rubricdsl.escape import clip
from rubricdsl.evaltree import (
    COMPARE,
    AllTrue,
    AlwaysScore,
    AnyTrue,
    Compare,
    Condition,
    Constant,
    FixedScore,
    GroupNode,
    IndicatorValue,
    IsTrue,
    ItemNode,
    Monotonic,
    Negation,
    Operand,
    PerUnitScore,
    ProportionalScore,
    RuleNode,
    SeriesValue,
    TierScore,
    prorate,
)
from rubricdsl.exact import exactly
from rubricdsl.inputs import (
    InvalidValueError,
    NotApplicable,
    Reading,
    Value,
    closest,
    copy_indicators,
    read_indicators,
    read_value,
    unknown_indicator,
)
from rubricdsl.limits import DEFAULT_LIMITS
from rubricdsl.model import IndicatorSpec, fmt, tidy
from rubricdsl.overrides import Override, OverrideError
from rubricdsl.trace import (
    NOT_APPLICABLE,
    NOT_MET,
    GroupTrace,
    ItemTrace,
    Result,
    RubricInfo,
    reading_to_json,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)

Readings = Mapping[str, Reading]

# How many ways to meet one condition are kept (an `or` of `or`s multiplies them).
MAX_ALTERNATIVES = 16

# The comparison each operator function stands for, as the rubric writes it.
_SYMBOLS: dict[Callable[[Any, Any], Any], str] = {
    operator.ge: ">=",
    operator.gt: ">",
    operator.le: "<=",
    operator.lt: "<",
    operator.eq: "==",
    operator.ne: "!=",
}
# `not (a OP b)` is `a NEGATED[OP] b`; `a OP b` is `b FLIPPED[OP] a`.
NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}
INCLUSIVE = frozenset({">=", "<=", "=="})

# ---- what a report holds ---------------------------------------------------------------------


def _json(value: Reading | None) -> Any:
    return None if value is None else reading_to_json(value)


def _number(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


@attrs.frozen
class Change:
    """One indicator set to a new value (for a series, the whole series, past years kept)."""

    indicator: str
    before: Reading
    after: Reading  # a what-if may report an indicator 合理缺项 too

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "before": reading_to_json(self.before),
            "after": reading_to_json(self.after),
        }


@attrs.frozen
class Need:
    """What one part of a rule asks of the indicator a suggestion changes, and the value that
    meets it.

    kind: `compare` (`operand OP bound`, `other` naming the indicator compared with, if any),
    `flag` (the bool must be `value`), `trend` (the last year's value must be OP `bound`, the
    year before), `per_unit` and `proportional` (at `value` the rule gives `points`; `full`
    when that is its best, `deduction` when what it avoids is a deduction)."""

    kind: str
    indicator: str
    operand: str  # as written: "x", "last(x)"
    now: Reading  # the operand's value now (a trend: the whole series)
    value: Value  # the operand's value suggested (a trend: the last year's)
    op: str | None = None  # what the operand must be against `bound`: >=, >, <=, <, ==, !=
    bound: Value | None = None
    other: str | None = None  # the other side of a comparison, when it is an indicator
    points: Decimal | None = None  # per_unit, proportional: what the rule gives at `value`
    full: bool = True  # per_unit, proportional: `value` gives the rule's best
    deduction: bool = False

    @property
    def inclusive(self) -> bool:
        """Whether the condition includes its bound (>=, <=, ==): the value is the bound."""
        return self.op in INCLUSIVE

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "indicator": self.indicator,
            "operand": self.operand,
            "now": reading_to_json(self.now),
            "value": reading_to_json(self.value),
            "op": self.op,
            "bound": _json(self.bound),
            "other": self.other,
            "points": _number(self.points),
            "full": self.full,
            "deduction": self.deduction,
        }


@attrs.frozen
class RuleRef:
    """A rule a suggestion meets (or that no change can win): where it stands and what it says.

    where: `item`, `category` (a category's own deductions) or `total` (the deductions from the
    total). logic, for a condition of several parts: `all_hold` (an `and` to meet), `any_holds`
    (an `or`), `any_fails` (an `and` a deduction needs false), `all_fail` (an `or` likewise)."""

    where: str
    item_id: str | None
    item_title: str | None
    category: str
    bonus: bool
    line: int
    column: int
    text: str
    kind: str
    points: Decimal
    condition: str | None  # as the rubric writes it; for a tier, the tier's
    deduction: bool
    tier: str | None = None  # the tier aimed at (`highest`), or the lightest kept (`lowest`)
    tier_points: Decimal | None = None
    logic: str | None = None
    parts: int = 0
    needs: tuple[Need, ...] = ()
    # why the rule's item (or group) gains nothing by it, in a suggestion that gains elsewhere
    held: Reason | None = None

    @property
    def key(self) -> tuple[int, int, Decimal | None]:
        return (self.line, self.column, self.tier_points)

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "item": self.item_id,
            "item_title": self.item_title,
            "category": self.category,
            "bonus": self.bonus,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "kind": self.kind,
            "points": fmt(self.points),
            "condition": self.condition,
            "deduction": self.deduction,
            "tier": self.tier,
            "tier_points": _number(self.tier_points),
            "logic": self.logic,
            "parts": self.parts,
            "needs": [need.to_dict() for need in self.needs],
            "held": self.held.to_dict() if self.held is not None else None,
        }


@attrs.frozen
class ItemDelta:
    """An item whose score a change moves."""

    id: str
    title: str
    before: Decimal
    after: Decimal

    @property
    @exactly
    def difference(self) -> Decimal:
        return self.after - self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "before": fmt(self.before),
            "after": fmt(self.after),
            "difference": fmt(self.difference),
        }


@attrs.frozen
class Reason:
    """Why a change gains nothing (or loses), read from the traces of the rescored result.

    code: `item_cap`, `item_maximum` (subject: the item id, limit: what it is held to),
    `item_floor` (the item stays at 0: its other deductions take everything), `item_offset`
    (the change costs the item as much as it gains it), `group_full` (subject: the group's
    title), `category_full`, `category_floor` (the category's title), `base_full`, `bonus_full`,
    `total_floor`, `offset` (items: those that lose), `unchanged`."""

    code: str
    subject: str | None = None
    limit: Decimal | None = None
    items: tuple[ItemDelta, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "subject": self.subject,
            "limit": _number(self.limit),
            "items": [item.to_dict() for item in self.items],
        }


@attrs.frozen
class Blocked:
    """Why no change of the data wins a rule.

    code: `history` (it needs a past year's value changed), `broken_trend` (the years before the
    last already break the trend), `out_of_range` (no value of the indicator's type meets
    `operand op bound`), `not_applicable` (it depends on a 合理缺项 value), `contradiction` (no
    values meet every part at once), `always` (a deduction that always applies), `no_target`
    (a proportional rule whose target is 0 or less)."""

    code: str
    operand: str | None = None
    op: str | None = None
    bound: Value | None = None
    values: Reading | None = None
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "operand": self.operand,
            "op": self.op,
            "bound": _json(self.bound),
            "values": _json(self.values),
            "kind": self.kind,
        }


@attrs.frozen
class Alternative:
    """Another way to meet a condition with an `or`: its changes and what they gain alone."""

    changes: tuple[Change, ...]
    gain: Decimal
    needs: tuple[Need, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [change.to_dict() for change in self.changes],
            "gain": fmt(self.gain),
            "needs": [need.to_dict() for need in self.needs],
        }


@attrs.frozen
class Suggestion:
    """A change of the data, the rules it is derived from (`meets`), the other rules it happens
    to win in full (`also_meets`), and what it gains in the total, measured by rescoring."""

    changes: tuple[Change, ...]
    gain: Decimal
    meets: tuple[RuleRef, ...]
    also_meets: tuple[RuleRef, ...] = ()
    items: tuple[ItemDelta, ...] = ()  # every item whose score the change moves
    reason: Reason | None = None  # why it gains nothing, when it does not
    alternatives: tuple[Alternative, ...] = ()

    @property
    def line(self) -> int:
        return min(ref.line for ref in self.meets)

    def to_dict(self) -> dict[str, Any]:
        return {
            "gain": fmt(self.gain),
            "changes": [change.to_dict() for change in self.changes],
            "meets": [ref.to_dict() for ref in self.meets],
            "also_meets": [ref.to_dict() for ref in self.also_meets],
            "items": [item.to_dict() for item in self.items],
            "reason": self.reason.to_dict() if self.reason is not None else None,
            "alternatives": [alternative.to_dict() for alternative in self.alternatives],
        }


@attrs.frozen
class OutOfReach:
    """A rule not at its best that no change of the data wins, and why."""

    rule: RuleRef
    blocked: Blocked

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.to_dict(), "blocked": self.blocked.to_dict()}


@attrs.frozen
class GateGap:
    """An unmet requirement (门槛) or a struck veto (一票否决): it carries no points, but
    eligibility or failing. `changes` would make the requirement hold or the veto not strike
    (`blocked` says why none can); `gain` is what those changes do to the total."""

    kind: str  # "requirement" or "veto"
    text: str
    line: int
    column: int
    scope: str  # "rubric", "category '…'", "item 3"
    values: tuple[tuple[str, Reading], ...]
    condition: str
    changes: tuple[Change, ...] = ()
    needs: tuple[Need, ...] = ()
    gain: Decimal | None = None
    alternatives: tuple[Alternative, ...] = ()
    blocked: Blocked | None = None
    downgrade: int | None = None  # a veto: bands it lowers the grade by
    at_most: str | None = None  # a veto: the best grade it leaves

    @property
    def effect(self) -> str | None:
        """A veto's effect in words, as its trace says it; None for a requirement."""
        if self.kind != "veto":
            return None
        if self.downgrade is not None:
            return f"downgrade {self.downgrade}"
        if self.at_most is not None:
            return f'at most "{self.at_most}"'
        return "fails the district"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "line": self.line,
            "column": self.column,
            "scope": self.scope,
            "effect": self.effect,
            "downgrade": self.downgrade,
            "at_most": self.at_most,
            "values": {name: reading_to_json(value) for name, value in self.values},
            "condition": self.condition,
            "changes": [change.to_dict() for change in self.changes],
            "needs": [need.to_dict() for need in self.needs],
            "gain": _number(self.gain),
            "alternatives": [alternative.to_dict() for alternative in self.alternatives],
            "blocked": self.blocked.to_dict() if self.blocked is not None else None,
        }


@attrs.frozen
class GapReport:
    """What wins each lost point back: the suggestions, ranked by what each gains in the total
    alone (then by rubric line); the highest score the rubric can give these data (every
    applicable rule at its best, as the trace's reachable figures say, prorated); the score with
    every suggested change at once (`all_changes`); the rules no change wins; and the unmet
    requirements and struck vetoes with what would change them."""

    rubric: RubricInfo
    total: Decimal = attrs.field(converter=tidy)
    base: Decimal = attrs.field(converter=tidy)
    bonus: Decimal = attrs.field(converter=tidy)
    highest: Decimal = attrs.field(converter=tidy)
    after_all: Decimal = attrs.field(converter=tidy)
    all_changes: tuple[Change, ...]
    suggestions: tuple[Suggestion, ...]
    out_of_reach: tuple[OutOfReach, ...]
    requirements: tuple[GateGap, ...]
    vetoes: tuple[GateGap, ...]
    grade: str | None = None
    grade_after_all: str | None = None
    # a checklist scores nothing: only its requirements (tasks) have gaps
    checklist: bool = False
    # rules the changes at once leave below their best at a cost: those they break, and those
    # whose own suggestion would lower the total with them (`p < 20` against `p >= 95`)
    unmet_after_all: tuple[RuleRef, ...] = ()

    @property
    @exactly
    def gained_by_all(self) -> Decimal:
        return self.after_all - self.total

    def to_dict(self) -> dict[str, Any]:
        return {
            "rubric": self.rubric.to_dict(),
            "total": fmt(self.total),
            "base": fmt(self.base),
            "bonus": fmt(self.bonus),
            "highest": fmt(self.highest),
            "after_all": fmt(self.after_all),
            "gained_by_all": fmt(self.gained_by_all),
            "grade": self.grade,
            "grade_after_all": self.grade_after_all,
            "checklist": self.checklist,
            "all_changes": [change.to_dict() for change in self.all_changes],
            "suggestions": [suggestion.to_dict() for suggestion in self.suggestions],
            "out_of_reach": [entry.to_dict() for entry in self.out_of_reach],
            "unmet_after_all": [ref.to_dict() for ref in self.unmet_after_all],
            "requirements": [gate.to_dict() for gate in self.requirements],
            "vetoes": [gate.to_dict() for gate in self.vetoes],
        }


@attrs.frozen
class Standing:
    """The figures of one result a what-if compares."""

    total: Decimal
    base: Decimal
    bonus: Decimal
    deducted: Decimal
    grade: str | None
    eligible: bool
    passed_vetoes: bool

    @classmethod
    def of(cls, result: Result) -> Standing:
        grade = result.grade.grade if result.grade is not None else None
        return cls(
            result.total,
            result.base,
            result.bonus,
            result.deducted,
            grade,
            result.eligible,
            result.passed_vetoes,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": fmt(self.total),
            "base": fmt(self.base),
            "bonus": fmt(self.bonus),
            "deducted": fmt(self.deducted),
            "grade": self.grade,
            "eligible": self.eligible,
            "failed_by_veto": not self.passed_vetoes,
        }


@attrs.frozen
class WhatIf:
    """The data rescored with some values changed: both results, and what moved."""

    changes: tuple[Change, ...]
    before: Result
    after: Result

    @property
    def items(self) -> tuple[ItemDelta, ...]:
        """Every item whose score changed, in rubric order."""
        return item_deltas(self.before, self.after)

    @property
    def derived(self) -> dict[str, tuple[str, str]]:
        """Each derived value the changes moved: how it was computed before, and after."""
        before = self.before.derived
        return {
            name: (before.get(name, ""), line)
            for name, line in self.after.derived.items()
            if before.get(name) != line
        }

    @property
    @exactly
    def difference(self) -> Decimal:
        return self.after.total - self.before.total

    def to_dict(self) -> dict[str, Any]:
        before, after = Standing.of(self.before), Standing.of(self.after)
        with_exact = exactly(lambda: (after.base - before.base, after.bonus - before.bonus))
        base, bonus = with_exact()
        derived = self.derived  # made from both results' lines: once
        return {
            "rubric": self.before.rubric.to_dict(),
            "changes": [change.to_dict() for change in self.changes],
            "before": before.to_dict(),
            "after": after.to_dict(),
            "difference": {
                "total": fmt(self.difference),
                "base": fmt(base),
                "bonus": fmt(bonus),
            },
            "items": [item.to_dict() for item in self.items],
            **(
                {"derived": {n: {"before": b, "after": a} for n, (b, a) in derived.items()}}
                if derived
                else {}
            ),
        }


def item_deltas(before: Result, after: Result) -> tuple[ItemDelta, ...]:
    """The items whose score differs between two results of one rubric, in rubric order."""
    return tuple(
        ItemDelta(old.id, old.title, old.score, new.score)
        for old, new in zip(before.items, after.items, strict=True)
        if old.score != new.score
    )


# ---- conditions as the rubric writes them --------------------------------------------------------


def operand_text(operand: Operand) -> str:
    if isinstance(operand, IndicatorValue):
        return operand.name
    if isinstance(operand, SeriesValue):
        which = "last" if operand.position == -1 else "previous"
        return f"{which}({operand.name})"
    return value_text(operand.constant)


def value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


def condition_text(condition: Condition, nested: bool = False) -> str:
    """A condition as the rubric language writes it (`a >= 90 and (b or c)`)."""
    if isinstance(condition, IsTrue):
        return condition.name
    if isinstance(condition, Monotonic):
        word = "decreasing" if condition.decreasing else "increasing"
        return f"{word}({condition.name})"
    if isinstance(condition, Negation):
        return "not " + condition_text(condition.operand, nested=True)
    if isinstance(condition, AllTrue | AnyTrue):
        word = " and " if isinstance(condition, AllTrue) else " or "
        text = word.join(condition_text(c, nested=True) for c in condition.operands)
        return f"({text})" if nested else text
    assert isinstance(condition, Compare)
    symbol = _SYMBOLS[condition.compare]
    return f"{operand_text(condition.left)} {symbol} {operand_text(condition.right)}"


# ---- finding the change that meets a condition ------------------------------------------------

# One way to meet a condition: indicator → (its new value, what the condition asked of it).
Alt = dict[str, tuple[Value, tuple[Need, ...]]]


def alt_key(alt: Mapping[str, tuple[Value, tuple[Need, ...]]]) -> tuple[tuple[str, Value], ...]:
    return tuple(sorted((name, value) for name, (value, _) in alt.items()))


def applied(
    readings: Readings,
    alt: Mapping[str, tuple[Value, tuple[Need, ...]]],
    derived: tuple[IndicatorSpec, ...],
) -> Readings:
    """The readings with the changes of `alt`, and the `derived` values computed anew."""
    if not alt:
        return readings
    changed = dict(readings)
    changed.update({name: value for name, (value, _) in alt.items()})
    return recompute(derived, changed) if derived else changed


def _unique(alts: list[Alt]) -> list[Alt]:
    seen: dict[tuple[tuple[str, Value], ...], Alt] = {}
    for alt in alts:
        seen.setdefault(alt_key(alt), alt)
    return list(seen.values())[:MAX_ALTERNATIVES]


def as_value(value: object) -> Value:
    """An operand's value, known to be a value (not 合理缺项) where it is read."""
    assert isinstance(value, bool | Decimal | str | tuple), value
    return value


def places(value: Decimal) -> int:
    """Decimal places of a number as people write it (90.50 has 1)."""
    exponent = tidy(value).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def step_of(*values: Decimal) -> Decimal:
    """One unit in the last decimal place of the most precise of the values."""
    return Decimal(1).scaleb(-max(places(v) for v in values))


def nearest(kind: str, op: str, bound: Decimal, now: Decimal) -> list[Decimal]:
    """The values, nearest first, an operand of this kind may take to meet `operand OP bound`:
    the bound itself when the condition includes it; for < and > one step beyond it (1 for a
    count, else one unit in the last decimal place of the more precise of `now` and the
    bound); for != a step either way."""
    if kind == "count":
        ceiling = bound.to_integral_value(ROUND_CEILING)
        floor = bound.to_integral_value(ROUND_FLOOR)
        whole = ceiling == floor
        choices = {
            ">=": [ceiling],
            "<=": [floor],
            "==": [bound] if whole else [],
            ">": [floor + 1],
            "<": [ceiling - 1],
            "!=": [bound + 1, bound - 1] if whole else [ceiling],
        }
        return choices[op]
    step = step_of(now, bound)
    return {
        ">=": [bound],
        "<=": [bound],
        "==": [bound],
        ">": [bound + step],
        "<": [bound - step],
        "!=": [bound + step, bound - step],
    }[op]


class Solver:
    """Finds, for a condition, the smallest changes of the data that give it a wanted truth,
    from the condition's own parts; `blocked` keeps the first reason one cannot."""

    def __init__(
        self, specs: Mapping[str, IndicatorSpec], derived: tuple[IndicatorSpec, ...]
    ) -> None:
        self.specs = specs
        self.derived = derived  # in the order computed (RubricTree.derived)
        self.blocked: Blocked | None = None

    def block(self, blocked: Blocked) -> list[Alt]:
        if self.blocked is None:
            self.blocked = blocked
        return []

    # -- values -------------------------------------------------------------------------

    def checked(self, name: str, value: object) -> Value | None:
        """The value as the data would read it, None if the indicator cannot take it."""
        try:
            reading = read_value(self.specs[name], value)
        except InvalidValueError:
            return None
        assert not isinstance(reading, NotApplicable)
        return reading

    def set_operand(
        self, operand: Operand, value: Value, readings: Readings
    ) -> tuple[str, Value] | None:
        """(indicator, its new value) with the operand set to `value`: the series with its last
        year replaced for `last(x)`; None if the indicator cannot take it."""
        if isinstance(operand, SeriesValue):
            series = readings[operand.name]
            assert isinstance(series, tuple) and isinstance(value, Decimal)
            whole = self.checked(operand.name, (*series[:-1], value))
            return None if whole is None else (operand.name, whole)
        assert isinstance(operand, IndicatorValue)
        checked = self.checked(operand.name, value)
        return None if checked is None else (operand.name, checked)

    def meet(
        self, operand: Operand, op: str, bound: Value, readings: Readings
    ) -> tuple[str, Value, Value] | None:
        """(indicator, its new value, the operand's new value) meeting `operand OP bound`; for
        a derived indicator, the indicator is its first input (`a` of `ratio(a, b)`, the last
        year of `change(s)`)."""
        if isinstance(operand, IndicatorValue) and self.specs[operand.name].derived:
            return self.meet_derived(self.specs[operand.name], op, bound, readings)
        now = operand.value(readings)
        kind = self.operand_kind(operand)
        candidates: list[Value]
        if isinstance(bound, bool):
            candidates = [bound] if op == "==" else [not bound]
        elif isinstance(bound, str):
            if op == "==":
                candidates = [bound]
            else:  # the first other level
                levels = self.specs[self.name_of(operand)].levels
                candidates = [level for level in levels if level != bound]
                del candidates[1:]
        else:
            assert isinstance(now, Decimal) and isinstance(bound, Decimal)
            candidates = list(nearest(kind, op, bound, now))
        for candidate in candidates:
            found = self.set_operand(operand, candidate, readings)
            if found is not None:
                return found[0], found[1], candidate
        return None

    def meet_derived(
        self, spec: IndicatorSpec, op: str, bound: Value, readings: Readings
    ) -> tuple[str, Value, Value] | None:
        """`derived OP bound` met by changing the derived indicator's first input, which it
        grows with: the input set to meet its own bound, worked back exactly through the
        formula, then the derived value computed anew (rounded, as the rubric says) and kept
        only if it meets the bound."""
        formula = spec.formula
        assert formula is not None
        first = formula_inputs(formula)[0]
        if first.position == -2 or not isinstance(bound, Decimal) or op in ("==", "!="):
            return None
        inner_bound = inverse(formula, bound, readings, percent=spec.kind == "percent")
        if inner_bound is None:
            return None
        inner: Operand = (
            IndicatorValue(first.name) if first.position is None else SeriesValue(first.name, -1)
        )
        found = self.meet(inner, op, inner_bound, readings)
        if found is None:
            return None
        name, whole, _ = found
        value = recompute(self.derived, {**readings, name: whole})[spec.name]
        if isinstance(value, NotApplicable) or not COMPARE[op](value, bound):
            return None
        return name, whole, value

    @staticmethod
    def name_of(operand: Operand) -> str:
        assert isinstance(operand, IndicatorValue | SeriesValue)
        return operand.name

    def operand_kind(self, operand: Operand) -> str:
        if isinstance(operand, SeriesValue):
            return "number"
        return self.specs[self.name_of(operand)].kind

    # -- conditions ---------------------------------------------------------------------

    def solve(self, condition: Condition, want: bool, readings: Readings) -> list[Alt]:
        """Ways (at most MAX_ALTERNATIVES, in the order written) to give the condition the
        truth `want`; [{}] when it has it already, [] when no change can (see `blocked`)."""
        truth = condition.truth(readings)
        if truth is want:
            return [{}]
        if isinstance(condition, Negation):
            return self.solve(condition.operand, not want, readings)
        if isinstance(condition, AllTrue | AnyTrue):
            every = isinstance(condition, AllTrue) == want  # `and` to hold, `or` to fail
            if every:
                return self.every(condition.operands, want, readings)
            return self.any(condition.operands, want, readings)
        if isinstance(condition, IsTrue):
            return self.flag(condition, want, readings)
        if isinstance(condition, Monotonic):
            return self.trend(condition, want, readings)
        assert isinstance(condition, Compare)
        return self.compare(condition, want, readings)

    def every(self, parts: Sequence[Condition], want: bool, readings: Readings) -> list[Alt]:
        """Every part to `want`: each failing part in turn, on the data the parts before it
        changed; a later change of the same indicator replaces an earlier one."""
        alts: list[Alt] = [{}]
        for part in parts:
            found: list[Alt] = []
            for alt in alts:
                for more in self.solve(part, want, applied(readings, alt, self.derived)):
                    found.append({**alt, **more})
            alts = _unique(found)
            if not alts:
                return []
        kept = [
            alt
            for alt in alts
            if all(part.truth(applied(readings, alt, self.derived)) is want for part in parts)
        ]
        if not kept:
            return self.block(Blocked("contradiction"))
        return kept

    def any(self, parts: Sequence[Condition], want: bool, readings: Readings) -> list[Alt]:
        """One part to `want`: each part's ways, in the order written."""
        found: list[Alt] = []
        for part in parts:
            found += self.solve(part, want, readings)
        return _unique(found)

    def flag(self, condition: IsTrue, want: bool, readings: Readings) -> list[Alt]:
        now = readings[condition.name]
        if isinstance(now, NotApplicable):
            return self.block(Blocked("not_applicable", operand=condition.name))
        need = Need("flag", condition.name, condition.name, now, want)
        return [{condition.name: (want, (need,))}]

    def trend(self, condition: Monotonic, want: bool, readings: Readings) -> list[Alt]:
        """Only the last year may change (the years before are history): below (above) the
        year before for a decreasing (increasing) series; at least (at most) it for one that
        must not decrease (increase)."""
        name = condition.name
        series = readings[name]
        if isinstance(series, NotApplicable):
            return self.block(Blocked("not_applicable", operand=name))
        assert isinstance(series, tuple)
        earlier = Monotonic(name, condition.decreasing).truth({name: series[:-1]})
        if len(series) < 2 or (want and earlier is not True):
            return self.block(Blocked("broken_trend", operand=name, values=series))
        op = "<" if condition.decreasing else ">"
        if not want:
            op = NEGATED[op]
        last = SeriesValue(name, -1)
        met = self.meet(last, op, series[-2], readings)
        if met is None:
            return self.block(Blocked("out_of_range", operand=name, op=op, bound=series[-2]))
        _, whole, value = met
        need = Need("trend", name, name, series, value, op=op, bound=series[-2])
        return [{name: (whole, (need,))}]

    def compare(self, condition: Compare, want: bool, readings: Readings) -> list[Alt]:
        """Change the left side, or the right one when the left cannot change (a number, a past
        year): to the bound when the comparison includes it, else one step beyond."""
        op = _SYMBOLS[condition.compare]
        if not want:
            op = NEGATED[op]
        left, right = condition.left, condition.right
        for side in (left, right):
            if isinstance(side.value(readings), NotApplicable):
                return self.block(Blocked("not_applicable", operand=operand_text(side)))
        if self.changeable(left):
            changed, fixed = left, right
        elif self.changeable(right):
            changed, fixed, op = right, left, FLIPPED[op]
        else:
            history = any(isinstance(s, SeriesValue) for s in (left, right))
            return self.block(
                Blocked("history" if history else "contradiction", operand=operand_text(left))
            )
        bound = as_value(fixed.value(readings))
        met = self.meet(changed, op, bound, readings)
        if met is None:
            kind = self.operand_kind(changed)
            operand = operand_text(changed)
            return self.block(Blocked("out_of_range", operand, op, bound, kind=kind))
        name, whole, value = met
        now = as_value(changed.value(readings))
        other = None if isinstance(fixed, Constant) else operand_text(fixed)
        need = Need("compare", name, operand_text(changed), now, value, op, bound, other)
        return [{name: (whole, (need,))}]

    @staticmethod
    def changeable(operand: Operand) -> bool:
        """An indicator, or the last year of a series; not a number, nor a past year."""
        if isinstance(operand, SeriesValue):
            return operand.position == -1
        return isinstance(operand, IndicatorValue)


# ---- rules: what is a gap, and its targets -------------------------------------------------------


@attrs.frozen
class Site:
    """A scoring rule with where it stands, and what it yields now."""

    node: RuleNode
    ref: RuleRef
    raw: Decimal
    best: Decimal  # what it yields at its best: its reach, or 0 for a deduction

    @property
    def gap(self) -> bool:
        return self.raw < self.best


@attrs.frozen
class Target:
    """One level a rule can be raised to (for tiers, each better tier is one), the ways to
    reach it, and how to tell it was reached."""

    alts: list[Alt]
    level: Decimal
    ref: RuleRef
    best: bool  # the rule's best level
    # points per unit, proportional: a way may win part of the best (a percent ends at 100)
    partial: bool = False


class Finder:
    """Everything find_gaps works out for one rubric and one district's data."""

    def __init__(
        self,
        rubric: Rubric,
        indicators: Mapping[str, object],
        not_applicable: Mapping[str, str] | None,
        overrides: Sequence[Mapping[str, object] | Override] | None = None,
    ) -> None:
        self.rubric = rubric
        # the keys are names: evaluate below refuses anything else
        self.given = cast("dict[str, object]", copy_indicators(indicators))
        self.reported = not_applicable
        self.overrides = overrides
        self.result = rubric.evaluate(indicators, not_applicable, overrides=overrides)
        self.readings: dict[str, Reading] = read_with_derived(
            rubric.indicators, rubric.tree.derived, indicators
        )
        self.derived = rubric.tree.derived
        self.cache: dict[tuple[tuple[str, Value], ...], Result | None] = {}

    # -- measuring ----------------------------------------------------------------------

    def rescore(self, changes: Mapping[str, Value]) -> Result | None:
        """The data rescored with the changes (each measured once); None when the changed data
        cannot be scored with the reviewers' overrides (an item an override names would become
        合理缺项): such a change is not suggested."""
        key = tuple(sorted(changes.items()))
        if not key:
            return self.result
        if key not in self.cache:
            data: dict[str, object] = dict(self.given)
            data.update(changes)
            try:
                found = self.rubric.evaluate(data, self.reported, overrides=self.overrides)
            except OverrideError:
                found = None
            self.cache[key] = found
        return self.cache[key]

    def total(self, changes: Mapping[str, Value]) -> Decimal | None:
        result = self.rescore(changes)
        return None if result is None else result.total

    def result_total(self, changes: Mapping[str, Value]) -> Decimal:
        """The total with changes already known to score."""
        total = self.total(changes)
        assert total is not None
        return total

    def gain(self, changes: Mapping[str, Value]) -> Decimal | None:
        total = self.total(changes)
        return None if total is None else tidy(total - self.result.total)

    # -- walking the rubric ----------------------------------------------------------------

    def sites(self) -> Iterator[Site]:
        """Every scoring rule that is not 合理缺项, with its trace's place."""
        tree = self.rubric.tree
        for category_node, category in zip(tree.categories, self.result.categories, strict=True):
            for member_node, member in zip(category_node.members, category.members, strict=True):
                if isinstance(member_node, GroupNode):
                    assert isinstance(member, GroupTrace)
                    pairs = list(zip(member_node.items, member.items, strict=True))
                else:
                    assert isinstance(member, ItemTrace)
                    pairs = [(member_node, member)]
                for item_node, item in pairs:
                    yield from self.item_sites(item_node, item, category.title, category.is_bonus)
            if category.na_reason is None:
                for node in category_node.deductions:
                    yield from self.site(node, "category", None, None, category.title, False)
        for node in tree.deductions:
            yield from self.site(node, "total", None, None, "", False)

    def item_sites(
        self, node: ItemNode, item: ItemTrace, category: str, bonus: bool
    ) -> Iterator[Site]:
        if item.na_reason is not None or item.override is not None:
            return  # 合理缺项, or scored by the reviewers on site: no change of the data moves it
        for rule, trace in zip(node.rules, item.rules, strict=True):
            if trace.override is None:
                yield from self.site(rule, "item", item.id, item.title, category, bonus)

    def site(
        self,
        node: RuleNode,
        where: str,
        item_id: str | None,
        item_title: str | None,
        category: str,
        bonus: bool,
    ) -> Iterator[Site]:
        outcome = node.outcome(self.readings)
        if outcome.status == NOT_APPLICABLE:
            return
        condition = None
        if isinstance(node.score, FixedScore):
            condition = condition_text(node.score.condition)
        ref = RuleRef(
            where=where,
            item_id=item_id,
            item_title=item_title,
            category=category,
            bonus=bonus,
            line=node.line,
            column=node.column,
            text=node.text,
            kind=node.kind,
            points=node.points,
            condition=condition,
            deduction=node.points < 0,
        )
        yield Site(node, ref, outcome.raw, node.reach)  # its best: its reach, 0 for a deduction

    # -- targets ---------------------------------------------------------------------------

    def targets(self, site: Site, solver: Solver) -> list[Target]:
        """The levels the rule can be raised to, best first, each with the ways to reach it."""
        score = site.node.score
        readings = self.readings
        ref = site.ref
        if isinstance(score, FixedScore):
            want = score.points > 0
            logic, parts = logic_of(score.condition, want)
            alts = solver.solve(score.condition, want, readings)
            ref = attrs.evolve(ref, logic=logic, parts=parts)
            return [Target(alts, site.best, ref, True)]
        if isinstance(score, AlwaysScore):
            solver.block(Blocked("always"))
            return [Target([], site.best, ref, True)]
        if isinstance(score, PerUnitScore):
            return [Target(self.per_unit(score, site, solver), site.best, ref, True, True)]
        if isinstance(score, ProportionalScore):
            alts = self.proportional(score, site, solver)
            return [Target(alts, site.best, ref, True, True)]
        assert isinstance(score, TierScore)
        return self.tiers(score, site, solver)

    def tiers(self, score: TierScore, site: Site, solver: Solver) -> list[Target]:
        """`highest`: each tier better than the one that counts now, its own target (the best
        first); `lowest`: each lighter level, every more severe tier to stop holding."""
        readings = self.readings
        targets: list[Target] = []
        if not score.lowest:
            levels = sorted({p for p, _, _ in score.tiers if p > site.raw}, reverse=True)
            for level in levels:
                tiers = [(c, t) for p, c, t in score.tiers if p == level]
                alts = solver.any([c for c, _ in tiers], True, readings)
                condition = " or ".join(condition_text(c, nested=True) for c, _ in tiers)
                ref = attrs.evolve(
                    site.ref, tier=tiers[0][1], tier_points=level, condition=condition
                )
                targets.append(Target(alts, level, ref, level == levels[0]))
            return targets
        lighter = sorted({p for p, _, _ in score.tiers if p > site.raw} | {ZERO}, reverse=True)
        for level in lighter:
            severe = [c for p, c, _ in score.tiers if p < level]
            alts = solver.every(severe, False, readings)
            kept = [t for p, _, t in score.tiers if p == level]
            condition = " and ".join(f"not {condition_text(c, nested=True)}" for c in severe)
            ref = attrs.evolve(
                site.ref,
                tier=kept[0] if kept else None,
                tier_points=level,
                condition=condition,
                logic="all_fail" if len(severe) > 1 else None,
                parts=len(severe),
            )
            targets.append(Target(alts, level, ref, level == ZERO))
        return targets

    def per_unit(self, score: PerUnitScore, site: Site, solver: Solver) -> list[Alt]:
        """The value of the counted operand at which the rule reaches its maximum (a deduction:
        takes nothing), from what must be counted: the bound itself where it is included, else
        one step beyond; as far as the indicator can go when no value of it is enough."""
        counted = score.counted
        if not Solver.changeable(counted):
            return solver.block(Blocked("history", operand=operand_text(counted)))
        now = counted.value(self.readings)
        target = score.target.value(self.readings) if score.target is not None else ZERO
        assert isinstance(now, Decimal) and isinstance(target, Decimal)
        op, amount = self.units_for(score, now, target)
        # what is counted: the value, its excess over the target, or its shortfall under it
        if score.direction == "above":
            bound = target + amount
        elif score.direction == "below":
            op, bound = FLIPPED[op], target - amount
        else:
            bound = amount
        return self.counted_value(site, solver, counted, op, bound, now, "per_unit")

    @staticmethod
    def units_for(score: PerUnitScore, now: Decimal, target: Decimal) -> tuple[str, Decimal]:
        """What must be counted, as `counted OP amount`: for points, enough units for the
        maximum (rounding up: past the units before the last, any part of it counting); for a
        deduction, less than one unit (rounding down), else nothing at all."""
        if score.points < 0:
            return ("<", score.step) if score.rounding == "down" else ("<=", ZERO)
        assert score.maximum is not None  # the checker requires it of points per unit
        if score.rounding == "exact":  # points × counted / step reaches the maximum
            digits = max(places(v) for v in (now, target, score.step, score.points, score.maximum))
            scaled = (score.maximum * score.step).scaleb(digits)
            whole, rest = divmod(scaled, score.points)
            return ">=", (whole + (1 if rest else 0)).scaleb(-digits)
        units, rest = divmod(score.maximum, score.points)
        units += 1 if rest else 0
        if score.rounding == "up":
            return ">", (units - 1) * score.step
        return ">=", units * score.step

    def proportional(self, score: ProportionalScore, site: Site, solver: Solver) -> list[Alt]:
        """The rate at which the rule gives its full points (a deduction: takes nothing): 100,
        or the target."""
        whole = HUNDRED
        if score.target is not None:
            target = score.target.value(self.readings)
            assert isinstance(target, Decimal)
            if target <= 0:
                return solver.block(Blocked("no_target", operand=score.name, bound=target))
            whole = target
        now = self.readings[score.name]
        assert isinstance(now, Decimal)
        counted = IndicatorValue(score.name)
        return self.counted_value(site, solver, counted, ">=", whole, now, "proportional")

    def counted_value(
        self,
        site: Site,
        solver: Solver,
        counted: Operand,
        op: str,
        bound: Decimal,
        now: Decimal,
        kind: str,
    ) -> list[Alt]:
        """The value meeting `counted OP bound`; failing that (a percent past 100), the end of
        the indicator's range, when it gives more than now."""
        node = site.node
        operand = operand_text(counted)
        met = solver.meet(counted, op, bound, self.readings)
        # why the rule's best is out of reach, kept when only part of it is won
        out_of_range = Blocked(
            "out_of_range", operand, op, bound, kind=solver.operand_kind(counted)
        )
        if met is None:
            solver.block(out_of_range)
            met = self.range_end(solver, counted, op)
        if met is None:
            return []
        name, whole, value = met
        gives = node.score({**self.readings, name: whole}).raw
        if gives <= site.raw:
            return solver.block(out_of_range)
        full = gives >= site.best
        need = Need(
            kind,
            name,
            operand,
            now,
            value,
            op,
            bound,
            points=gives,
            full=full,
            deduction=node.points < 0,
        )
        return [{name: (whole, (need,))}]

    def range_end(
        self, solver: Solver, counted: Operand, op: str
    ) -> tuple[str, Value, Value] | None:
        """The farthest value the operand's type allows in the direction of `op`: 100 for a
        percent or score, 0 going down; None for a number (it has no end)."""
        kind = solver.operand_kind(counted)
        if kind == "number":
            return None
        if op in (">", ">="):
            if kind not in ("percent", "score"):
                return None
            end = HUNDRED
        else:
            end = ZERO
        found = solver.set_operand(counted, end, self.readings)
        return None if found is None else (found[0], found[1], end)

    # -- the report -----------------------------------------------------------------------

    def report(self) -> GapReport:
        sites = list(self.sites())
        gaps = [site for site in sites if site.gap]
        groups: dict[tuple[tuple[str, Value], ...], _Group] = {}
        out_of_reach: list[OutOfReach] = []
        for site in gaps:
            solver = Solver(self.rubric.indicators, self.derived)
            targets = self.targets(site, solver)
            for target in targets:
                found = [self.verified(site, target, alt) for alt in target.alts]
                alts = [alt for alt in found if alt is not None]
                partial = all(not n.full for alt in alts for _, ns in alt.values() for n in ns)
                if target.best and (not alts or partial):  # its best: out of reach
                    blocked = solver.blocked or Blocked("contradiction")
                    out_of_reach.append(OutOfReach(target.ref, blocked))
                if not alts:
                    continue
                measured = [(alt, self.gain(self.values(alt))) for alt in alts]
                alts = [alt for alt, gain in measured if gain is not None]
                gains = [gain for _, gain in measured if gain is not None]
                if not alts:
                    continue
                chosen = max(range(len(alts)), key=lambda i: (gains[i], -i))
                key = alt_key(alts[chosen])
                group = groups.setdefault(key, _Group(alts[chosen]))
                needs = tuple(n for _, ns in alts[chosen].values() for n in ns)
                group.refs.append(attrs.evolve(target.ref, needs=needs))
                for index, alt in enumerate(alts):
                    if index != chosen:
                        group.alternatives.setdefault(alt_key(alt), (alt, gains[index]))
        suggestions = [self.suggestion(group, gaps) for group in groups.values()]
        suggestions.sort(key=lambda s: (-s.gain, s.line))
        chosen_all, after = self.apply_all(suggestions)
        unmet = self.traded_off(sites, suggestions, out_of_reach, chosen_all, after)
        return GapReport(
            rubric=self.result.rubric,
            total=self.result.total,
            base=self.result.base,
            bonus=self.result.bonus,
            highest=highest(self.result),
            after_all=after.total,
            all_changes=self.changes(chosen_all),
            suggestions=tuple(suggestions),
            out_of_reach=tuple(sorted(out_of_reach, key=lambda o: o.rule.key[:2])),
            requirements=tuple(self.requirement_gaps()),
            vetoes=tuple(self.veto_gaps()),
            grade=self.result.grade.grade if self.result.grade is not None else None,
            grade_after_all=after.grade.grade if after.grade is not None else None,
            unmet_after_all=unmet,
            checklist=not self.result.categories,
        )

    def traded_off(
        self,
        sites: Sequence[Site],
        suggestions: Sequence[Suggestion],
        out_of_reach: Sequence[OutOfReach],
        chosen: Mapping[str, Value],
        after: Result,
    ) -> tuple[RuleRef, ...]:
        """The rules every change at once leaves below their best, that a change could win but
        at a cost: those the changes broke (at their best before), and those whose own
        suggestion, added to the changes, would lower the total. (Rules no change wins are
        `out_of_reach`; one whose suggestion gains nothing is no loss.)"""
        unwinnable = {entry.rule.key[:2] for entry in out_of_reach}
        everything = {name: (value, ()) for name, value in chosen.items()}
        final = applied(self.readings, everything, self.derived)
        own = {ref.key[:2]: s for s in suggestions for ref in s.meets}
        found: list[RuleRef] = []
        for site in sites:
            key = site.ref.key[:2]
            if key in unwinnable or self.excused_after(after, site):
                continue
            if self.reaches_best(site, final):
                continue
            if not site.gap:  # met before: the changes broke it
                found.append(site.ref)
                continue
            suggestion = own.get(key)
            if suggestion is not None:
                trial = dict(chosen)
                trial.update({c.indicator: as_value(c.after) for c in suggestion.changes})
                total = self.total(trial)
                if total is not None and total < after.total:
                    found.append(site.ref)
        return tuple(found)

    @staticmethod
    def values(alt: Mapping[str, tuple[Value, tuple[Need, ...]]]) -> dict[str, Value]:
        return {name: value for name, (value, _) in alt.items()}

    def changes(self, values: Mapping[str, Value]) -> tuple[Change, ...]:
        return tuple(Change(name, self.readings[name], value) for name, value in values.items())

    def verified(self, site: Site, target: Target, alt: Alt) -> Alt | None:
        """The way, if it changes something and the rule then reaches the target's level."""
        if not alt:
            return None
        outcome = site.node.outcome(applied(self.readings, alt, self.derived))
        if outcome.status == NOT_APPLICABLE:
            return None
        if outcome.raw < target.level and not (target.partial and outcome.raw > site.raw):
            return None
        return alt

    def reaches_best(self, site: Site, readings: Readings) -> bool:
        outcome = site.node.outcome(readings)
        return outcome.status != NOT_APPLICABLE and outcome.raw >= site.best

    def suggestion(self, group: _Group, gaps: Sequence[Site]) -> Suggestion:
        values = self.values(group.alt)
        after = self.rescore(values)
        assert after is not None  # measured already
        gain = tidy(after.total - self.result.total)
        deltas = item_deltas(self.result, after)
        refs = tuple(sorted(group.refs, key=lambda ref: ref.key[:2]))
        if gain > 0:  # say of each rule whose own item gains nothing by it, why
            refs = tuple(
                attrs.evolve(ref, held=held_reason(self.result, after, ref)) for ref in refs
            )
        derived = {ref.key[:2] for ref in refs}
        changed = applied(self.readings, group.alt, self.derived)
        also = tuple(
            site.ref
            for site in gaps
            if site.ref.key[:2] not in derived
            and self.excused_after(after, site) is False
            and self.reaches_best(site, changed)
        )
        alternatives = tuple(
            Alternative(
                self.changes(self.values(alt)),
                alt_gain,
                tuple(n for _, ns in alt.values() for n in ns),
            )
            for alt, alt_gain in group.alternatives.values()
        )
        reason = None
        if gain < 0:  # it meets its rules, so whatever it loses, it loses elsewhere
            reason = Reason("offset", items=tuple(d for d in deltas if d.difference < 0))
        elif gain == 0:
            reason = zero_reason(self.result, after, refs[0])
        return Suggestion(
            changes=self.changes(values),
            gain=gain,
            meets=refs,
            also_meets=also,
            items=deltas,
            reason=reason,
            alternatives=alternatives,
        )

    @staticmethod
    def excused_after(after: Result, site: Site) -> bool:
        """Whether the rule's item, after the change, is 合理缺项 as a whole."""
        if site.ref.item_id is None:
            return False
        return after.item(site.ref.item_id).na_reason is not None

    def apply_all(self, suggestions: Sequence[Suggestion]) -> tuple[dict[str, Value], Result]:
        """Every suggested change at once: for each indicator the value of the best-ranked
        suggestion that gains (or, if that gives less, the best suggestion alone); then,
        indicator by indicator, whichever of its suggested values (or its own) gives the most
        in the total with the others, until nothing gains."""
        candidates: dict[str, list[Value]] = {}
        chosen: dict[str, Value] = {}
        for suggestion in suggestions:
            ways = [suggestion.changes] + [a.changes for a in suggestion.alternatives]
            for changes in ways:
                for change in changes:
                    values = candidates.setdefault(change.indicator, [])
                    if change.after not in values:
                        values.append(as_value(change.after))
            if suggestion.gain > 0:
                for change in suggestion.changes:
                    chosen.setdefault(change.indicator, as_value(change.after))
        # start from the best of: them all, the best one alone, none
        starts: list[dict[str, Value]] = [chosen, {}]
        if suggestions:
            starts.append({c.indicator: as_value(c.after) for c in suggestions[0].changes})
        scored = [start for start in starts if self.total(start) is not None]  # `{}` always is
        chosen = max(scored, key=lambda start: self.result_total(start))
        best = self.rescore(chosen)
        assert best is not None  # `{}` always scores
        for _ in range(3):
            improved = False
            for name, values in candidates.items():
                for value in [None, *values]:
                    trial = dict(chosen)
                    if value is None:
                        trial.pop(name, None)
                    else:
                        trial[name] = value
                    if trial == chosen:
                        continue
                    result = self.rescore(trial)
                    if result is not None and result.total > best.total:
                        chosen, best, improved = trial, result, True
            if not improved:
                break
        return chosen, best

    # -- requirements and vetoes -------------------------------------------------------------

    def requirement_gaps(self) -> Iterator[GateGap]:
        tree = self.rubric.tree
        # the result lists the checklist tasks' requirements too: find each by where it stands
        found = [*tree.requirements, *(r for task in tree.tasks for r in task.requirements)]
        nodes = {(node.line, node.column): node for node in found}
        for trace in self.result.requirements:
            node = nodes[(trace.line, trace.column)]
            if trace.status == NOT_MET:
                yield self.gate(
                    "requirement", node.condition, True, trace.text, trace.line, trace.column,
                    trace.scope, trace.values,
                )  # fmt: skip

    def veto_gaps(self) -> Iterator[GateGap]:
        tree = self.rubric.tree
        nodes = {(v.line, v.column): v for v in tree.vetoes}
        for item in tree.item_nodes().values():
            nodes.update({(v.line, v.column): v for v in item.vetoes})
        for trace in self.result.all_vetoes:
            if not trace.triggered:
                continue
            node = nodes[(trace.line, trace.column)]
            scope = f"item {trace.item_id}" if trace.item_id is not None else "rubric"
            gate = self.gate(
                "veto", node.condition, False, trace.text, trace.line, trace.column, scope,
                trace.values,
            )  # fmt: skip
            yield attrs.evolve(gate, downgrade=trace.downgrade, at_most=trace.at_most)

    def gate(
        self,
        kind: str,
        condition: Condition,
        want: bool,
        text: str,
        line: int,
        column: int,
        scope: str,
        values: tuple[tuple[str, Reading], ...],
    ) -> GateGap:
        """What would make a requirement hold (a veto not strike): of the ways found, the one
        that leaves the most in the total (the first written on a tie)."""
        solver = Solver(self.rubric.indicators, self.derived)
        alts = [
            alt
            for alt in solver.solve(condition, want, self.readings)
            if alt and condition.truth(applied(self.readings, alt, self.derived)) is want
        ]
        gate = GateGap(kind, text, line, column, scope, values, condition_text(condition))
        if not alts:
            return attrs.evolve(gate, blocked=solver.blocked or Blocked("contradiction"))
        measured = [(alt, self.gain(self.values(alt))) for alt in alts]
        alts = [alt for alt, gain in measured if gain is not None]
        gains = [gain for _, gain in measured if gain is not None]
        if not alts:
            return attrs.evolve(gate, blocked=Blocked("contradiction"))
        chosen = max(range(len(alts)), key=lambda i: (gains[i], -i))
        alternatives = tuple(
            Alternative(
                self.changes(self.values(alt)),
                gains[index],
                tuple(n for _, ns in alt.values() for n in ns),
            )
            for index, alt in enumerate(alts)
            if index != chosen
        )
        return attrs.evolve(
            gate,
            changes=self.changes(self.values(alts[chosen])),
            needs=tuple(n for _, ns in alts[chosen].values() for n in ns),
            gain=gains[chosen],
            alternatives=alternatives,
        )


@attrs.define
class _Group:
    """The rules whose best way is one and the same change, and their other ways."""

    alt: Alt
    refs: list[RuleRef] = attrs.Factory(list)
    alternatives: dict[tuple[tuple[str, Value], ...], tuple[Alt, Decimal]] = attrs.Factory(dict)


def logic_of(condition: Condition, want: bool) -> tuple[str | None, int]:
    """How the parts of a condition of several parts combine to the truth wanted."""
    while isinstance(condition, Negation):
        condition, want = condition.operand, not want
    if isinstance(condition, AllTrue):
        return ("all_hold" if want else "any_fails"), len(condition.operands)
    if isinstance(condition, AnyTrue):
        return ("any_holds" if want else "all_fail"), len(condition.operands)
    return None, 0


def highest(result: Result) -> Decimal:
    """The highest score the rubric can give these data: every applicable rule at its best and
    no deduction taken — each category's reachable points (its maximum less the points no rule
    can reach), the base within its maximum and prorated for 合理缺项, the bonus within its."""
    info = result.rubric
    base_limit = info.base_max - result.na_points
    base_reach = sum((c.reachable for c in result.categories if not c.is_bonus), ZERO)
    bonus_reach = sum((c.reachable for c in result.categories if c.is_bonus), ZERO)
    base = prorate(min(base_reach, base_limit), info.base_max, base_limit)
    return base + min(bonus_reach, info.bonus_max)


def zero_reason(before: Result, after: Result, ref: RuleRef) -> Reason:
    """Why a change gains nothing in the total, read from the rescored traces: the first level
    up from the rule that did not rise — its item (at its cap or maximum, at its floor, or
    what it gains there lost there), its group's or category's total or floor, the base or
    bonus maximum, the total's floor — else the items it costs elsewhere."""
    lost = tuple(d for d in item_deltas(before, after) if d.difference < 0)
    index = _category_of(after, ref)
    if index is not None:
        old, new = before.categories[index], after.categories[index]
        if ref.item_id is not None:
            reason = _item_reason(before, after, index, ref)
            if reason is not None:
                return reason
        if new.score <= old.score:
            if new.na_reason is None and new.score >= new.max and not ref.deduction:
                return Reason("category_full", new.title, new.max)
            if new.score == 0 and new.deducted > 0:
                return Reason("category_floor", new.title)
            return Reason("offset", items=lost)
        if new.is_bonus and after.bonus <= before.bonus:
            return Reason("bonus_full", limit=after.rubric.bonus_max)
        if not new.is_bonus and after.base_raw <= before.base_raw:
            return Reason("base_full", limit=after.rubric.base_max - after.na_points)
    if after.total == 0 and after.deducted > 0:
        return Reason("total_floor")
    return Reason("offset", items=lost) if lost else Reason("unchanged")


def held_reason(before: Result, after: Result, ref: RuleRef) -> Reason | None:
    """Why the rule's own item, or its group, gains nothing by a change; None when both rise
    (or the rule is not in an item)."""
    index = _category_of(after, ref)
    if ref.item_id is None or index is None:
        return None
    return _item_reason(before, after, index, ref)


def _category_of(result: Result, ref: RuleRef) -> int | None:
    """Where the rule stands: the index of its category (None for the total's deductions)."""
    for index, category in enumerate(result.categories):
        if ref.item_id is not None:
            if any(item.id == ref.item_id for item in category.items()):
                return index
        elif ref.where == "category":
            if any((r.line, r.column) == (ref.line, ref.column) for r in category.deductions):
                return index
    return None


def _item_reason(before: Result, after: Result, index: int, ref: RuleRef) -> Reason | None:
    """Why the rule's item, or its group, did not rise; None when both did."""
    assert ref.item_id is not None
    old_item, new_item = before.item(ref.item_id), after.item(ref.item_id)
    if new_item.score <= old_item.score:
        limit = new_item.max if new_item.cap is None else min(new_item.max, new_item.cap)
        if new_item.score >= limit and not ref.deduction:
            capped = new_item.cap is not None and new_item.cap <= new_item.max
            return Reason("item_cap" if capped else "item_maximum", ref.item_id, limit)
        if new_item.score == 0:
            return Reason("item_floor", ref.item_id)
        return Reason("item_offset", ref.item_id)
    members = zip(before.categories[index].members, after.categories[index].members, strict=True)
    for old, new in members:
        if isinstance(new, GroupTrace) and any(i.id == ref.item_id for i in new.items):
            assert isinstance(old, GroupTrace)
            if new.score <= old.score:
                if new.score >= new.max:
                    return Reason("group_full", new.title, new.max)
                return Reason("offset", items=tuple(d for d in item_deltas(before, after)
                                                    if d.difference < 0))  # fmt: skip
    return None


# ---- the public entry points ------------------------------------------------------------------


def _rubric(rubric: object) -> Rubric:
    if not isinstance(rubric, Rubric):
        raise RubricArgumentError(
            f"rubric must be a rubricdsl.Rubric (from load or loads), not {type(rubric).__name__}"
        )
    return rubric


@exactly
def find_gaps(
    rubric: Rubric,
    indicators: Mapping[str, object],
    not_applicable: Mapping[str, str] | None = None,
    *,
    overrides: Sequence[Mapping[str, object] | Override] | None = None,
) -> GapReport:
    """For every rule not met, the smallest change of the data that meets it, derived from its
    condition, and what it gains in the total, measured by rescoring; ranked by that gain.

    `overrides` are the reviewers' points decided on site, as `Rubric.evaluate` takes them:
    the score counts them, and a rule or item they settle is no gap. Raises IndicatorError
    (OverrideError) for bad data (overrides) exactly as `Rubric.evaluate` does."""
    return Finder(_rubric(rubric), indicators, not_applicable, overrides).report()


@exactly
def what_if(
    rubric: Rubric,
    indicators: Mapping[str, object],
    changes: Mapping[str, object],
    not_applicable: Mapping[str, str] | None = None,
    *,
    evidence: Mapping[str, object] | None = None,
    overrides: Sequence[Mapping[str, object] | Override] | None = None,
) -> WhatIf:
    """The data rescored with `changes` (indicator name → value, read as a data file's values
    are): both results and what moved. A name the rubric does not declare or a value it cannot
    take is an IndicatorError naming it (with the closest declared name). `evidence` and
    `overrides` are passed to `Rubric.evaluate` for both scores."""
    checked = _rubric(rubric)
    if not isinstance(changes, Mapping):
        raise RubricArgumentError(
            f"changes must be a mapping of indicator names to values, not {type(changes).__name__}"
        )
    before = checked.evaluate(indicators, not_applicable, evidence=evidence, overrides=overrides)
    readings = read_indicators(checked.indicators, indicators)
    wanted = copy_indicators(changes)
    problems: list[IndicatorProblem] = []
    found: list[Change] = []
    for name, value in wanted.items():
        if not isinstance(name, str) or name not in checked.indicators:
            text = name if isinstance(name, str) else repr(name)
            close = closest(text, checked.indicators, DEFAULT_LIMITS)
            problems.append(IndicatorProblem(clip(text, 80), unknown_indicator(close)))
            continue
        try:
            reading = read_value(checked.indicators[name], value)
        except InvalidValueError as error:
            problems.append(IndicatorProblem(name, str(error)))
            continue
        found.append(Change(name, readings[name], reading))
    if problems:
        raise IndicatorError(problems[: DEFAULT_LIMITS.max_problems])
    data = cast("dict[str, object]", copy_indicators(indicators))
    data.update(cast("dict[str, object]", wanted))
    after = checked.evaluate(data, not_applicable, evidence=evidence, overrides=overrides)
    return WhatIf(tuple(found), before, after)


__all__ = [
    "Alternative",
    "Blocked",
    "Change",
    "GapReport",
    "GateGap",
    "ItemDelta",
    "Need",
    "OutOfReach",
    "Reason",
    "RuleRef",
    "Standing",
    "Suggestion",
    "WhatIf",
    "find_gaps",
    "what_if",
]
