"""The evaluation tree: a checked rubric compiled into nodes that score readings into a trace."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, cast

import attrs

from rubricdsl import ast
from rubricdsl.derive import Derived, derive, derived_specs
from rubricdsl.errors import Diagnostic
from rubricdsl.exact import divide_half_up, exactly
from rubricdsl.inputs import NotApplicable, Reading
from rubricdsl.model import (
    CheckedRubric,
    IndicatorSpec,
    fmt,
    items_of,
    na_allowed,
    reportable,
    rule_reach,
    tidy,
)
from rubricdsl.trace import (
    CAPPED,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    CategoryTrace,
    Evidence,
    GradeTrace,
    GroupTrace,
    ItemTrace,
    OverrideTrace,
    Reachable,
    RequirementTrace,
    Result,
    RubricInfo,
    RuleTrace,
    TaskTrace,
    VetoTrace,
)

if TYPE_CHECKING:
    from rubricdsl.overrides import Override

ZERO = Decimal(0)

Readings = Mapping[str, Reading]

# what each comparison operator of the language means (the lint and the cases read it too)
COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}

# ---- conditions and their operands -------------------------------------------------------
#
# Conditions are three-valued (Kleene's logic): a condition reading a not-applicable value is
# unknown (None) unless the rest decides it — `true or unknown` holds, `false and unknown` fails.
# docs/language.md has the truth table.

Truth = bool | None


def series_of(readings: Readings, name: str) -> tuple[Decimal, ...] | None:
    series = readings[name]
    if isinstance(series, NotApplicable):
        return None
    assert isinstance(series, tuple), "the checker lets only series reach a series operand"
    return series


@attrs.frozen
class IndicatorValue:
    name: str

    def value(self, readings: Readings) -> object:
        return readings[self.name]


@attrs.frozen
class Constant:
    constant: object

    def value(self, readings: Readings) -> object:
        return self.constant


@attrs.frozen
class SeriesValue:
    """`last(x)` is position -1 of the series, `previous(x)` position -2."""

    name: str
    position: int

    def value(self, readings: Readings) -> object:
        series = series_of(readings, self.name)
        return NOT_KNOWN if series is None else series[self.position]


# What an operand reads when its indicator is not applicable.
NOT_KNOWN = NotApplicable("")

Operand = IndicatorValue | Constant | SeriesValue


class Condition(Protocol):
    def truth(self, readings: Readings) -> Truth: ...


@attrs.frozen
class Compare:
    left: Operand
    compare: Callable[[Any, Any], Any]
    right: Operand

    def truth(self, readings: Readings) -> Truth:
        left, right = self.left.value(readings), self.right.value(readings)
        if isinstance(left, NotApplicable) or isinstance(right, NotApplicable):
            return None
        return bool(self.compare(left, right))


@attrs.frozen
class IsTrue:
    name: str

    def truth(self, readings: Readings) -> Truth:
        value = readings[self.name]
        return None if isinstance(value, NotApplicable) else value is True


@attrs.frozen
class Monotonic:
    """Each yearly value strictly below (decreasing) or above (increasing) the one before."""

    name: str
    decreasing: bool

    def truth(self, readings: Readings) -> Truth:
        series = series_of(readings, self.name)
        if series is None:
            return None
        pairs = itertools.pairwise(series)
        if self.decreasing:
            return all(later < earlier for earlier, later in pairs)
        return all(later > earlier for earlier, later in pairs)


@attrs.frozen
class Negation:
    operand: Condition

    def truth(self, readings: Readings) -> Truth:
        truth = self.operand.truth(readings)
        return None if truth is None else not truth


def junction(operands: tuple[Condition, ...], readings: Readings, decisive: bool) -> Truth:
    """Kleene's `and` (decisive False) and `or` (decisive True): the decisive value if any
    operand has it, else unknown if any operand is unknown, else the other value."""
    unknown = False
    for operand in operands:
        truth = operand.truth(readings)
        if truth is decisive:
            return decisive
        unknown = unknown or truth is None
    return None if unknown else not decisive


@attrs.frozen
class AllTrue:
    """`and`: false if any operand is false, else unknown if any is unknown, else true."""

    operands: tuple[Condition, ...]

    def truth(self, readings: Readings) -> Truth:
        return junction(self.operands, readings, decisive=False)


@attrs.frozen
class AnyTrue:
    """`or`: true if any operand is true, else unknown if any is unknown, else false."""

    operands: tuple[Condition, ...]

    def truth(self, readings: Readings) -> Truth:
        return junction(self.operands, readings, decisive=True)


# ---- the on-site review ---------------------------------------------------------------------


@attrs.frozen
class OnSite:
    """What the on-site review (现场评审) brings to one evaluation: the references behind the
    indicator values (佐证材料), and the reviewers' overrides, checked already
    (rubricdsl.overrides), each by (item id, the rule's place in its item from 1 — or None for
    the whole item)."""

    evidence: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    overrides: Mapping[tuple[str, int | None], Override] = MappingProxyType({})
    # how each derived value was computed: its own line, then those of the derived values it
    # was computed from directly (RubricTree.evaluate sets them)
    derivations: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    # what each derived indicator is computed from: their evidence backs it
    grounds: Mapping[str, tuple[str, ...]] = MappingProxyType({})

    def evidence_for(self, reads: tuple[str, ...]) -> Evidence:
        """The references behind the values read (and behind the inputs of the derived ones),
        for those that have any, in the order read."""
        if not self.evidence:
            return ()
        if self.grounds:
            reads = tuple(dict.fromkeys(n for r in reads for n in (r, *self.grounds.get(r, ()))))
        return tuple((name, self.evidence[name]) for name in reads if name in self.evidence)

    def derivations_for(self, reads: tuple[str, ...]) -> Evidence:
        """How the derived values read were computed, in the order read."""
        if not self.derivations:
            return ()
        return tuple((n, self.derivations[n]) for n in reads if n in self.derivations)


NO_SITE = OnSite()


def overridden_outcome(override: Override, computed: Outcome) -> Outcome:
    """A rule's outcome replaced by the reviewers' points, before its item's cap and floor;
    the detail keeps how the rule decided without them."""
    verb = "deducted" if override.points < 0 else "given"
    detail = (
        f"overridden on site: {fmt(override.points.copy_abs())} {verb} "
        f"(computed: {computed.detail})"
    )
    return Outcome(override.points, MET if override.points != 0 else NOT_MET, detail)


def override_trace(override: Override, line: int, computed: Decimal) -> OverrideTrace:
    return OverrideTrace(
        item=override.item,
        rule=override.rule,
        line=line,
        points=override.points,
        computed=computed,
        by=override.by,
        on=override.on,
        reason=override.reason,
    )


# ---- rules ----------------------------------------------------------------------------


@attrs.frozen
class Outcome:
    """What a rule yields before its item's cap and floor are applied."""

    raw: Decimal
    status: str
    detail: str


# A rule whose outcome depends on a not-applicable value; RuleNode gives the reasons.
DEPENDS_ON_NA = Outcome(ZERO, NOT_APPLICABLE, "")


@attrs.frozen
class RuleNode:
    """What every compiled rule shares: wording, place, what it reads, how far it reaches."""

    kind: str
    text: str
    line: int
    column: int
    points: Decimal
    reach: Decimal
    reads: tuple[str, ...]
    score: Callable[[Readings], Outcome]
    # the most severe deduction it can make (0 for a rule that gives points); None for a
    # deduction per unit without `max`, which has no bound of its own
    severest: Decimal | None = ZERO

    def outcome(self, readings: Readings) -> Outcome:
        outcome = self.score(readings)
        if outcome.status == NOT_APPLICABLE:
            return Outcome(ZERO, NOT_APPLICABLE, "；".join(na_reasons(readings, self.reads)))
        return outcome

    def values(self, readings: Readings) -> tuple[tuple[str, Reading], ...]:
        return values_read(readings, self.reads)

    def trace(
        self,
        readings: Readings,
        *,
        gave: Decimal,
        status: str,
        detail: str,
        lost: Decimal,
        na_reason: str | None,
        site: OnSite = NO_SITE,
    ) -> RuleTrace:
        """The rule's trace once its item has settled what it gave."""
        return RuleTrace(
            kind=self.kind,
            text=self.text,
            line=self.line,
            column=self.column,
            points=self.points,
            reach=self.reach,
            gave=gave,
            status=status,
            values=self.values(readings),
            detail=detail,
            lost=lost,
            na_reason=na_reason,
            evidence=site.evidence_for(self.reads),
            derived=site.derivations_for(self.reads),
        )


def values_read(readings: Readings, reads: tuple[str, ...]) -> tuple[tuple[str, Reading], ...]:
    """The readings a rule or veto depends on, in the order written, for its trace."""
    return tuple((name, readings[name]) for name in reads)


def na_reasons(readings: Readings, reads: tuple[str, ...]) -> list[str]:
    """The distinct 合理缺项 reasons among the readings; empty when all are applicable."""
    reasons = (r.reason for n in reads if isinstance(r := readings[n], NotApplicable))
    return list(dict.fromkeys(reasons))


@attrs.frozen
class FixedScore:
    points: Decimal
    condition: Condition

    def __call__(self, readings: Readings) -> Outcome:
        truth = self.condition.truth(readings)
        if truth is None:
            return DEPENDS_ON_NA
        if truth:
            verb = "deducted" if self.points < 0 else "given"
            return Outcome(
                self.points, MET, f"condition holds: {fmt(self.points.copy_abs())} {verb}"
            )
        return Outcome(ZERO, NOT_MET, "condition does not hold")


@attrs.frozen
class AlwaysScore:
    points: Decimal

    def __call__(self, readings: Readings) -> Outcome:
        verb = "deducted" if self.points < 0 else "given"
        return Outcome(self.points, MET, f"always: {fmt(self.points.copy_abs())} {verb}")


@attrs.frozen
class PerUnitScore:
    """Points per unit of an indicator's value, or of its excess over (`above`) or shortfall
    under (`below`) a target; a partial unit counts down, up, or exactly (rounded half-up to
    2 decimals), as the rule says."""

    points: Decimal
    step: Decimal
    counted: Operand  # an indicator, or last()/previous() of a series
    maximum: Decimal | None
    direction: str | None = None
    target: Operand | None = None
    rounding: str = "down"

    def _difference(self, readings: Readings) -> tuple[Decimal, str] | None:
        """What is counted, and how it was found; None when it depends on a 合理缺项 value."""
        value = self.counted.value(readings)
        target = self.target.value(readings) if self.target is not None else ZERO
        if isinstance(value, NotApplicable) or isinstance(target, NotApplicable):
            return None
        assert isinstance(value, Decimal) and isinstance(target, Decimal)
        if self.direction == "above":
            excess = value - target
            if excess < 0:
                return excess, f"no excess ({fmt(value)} < {fmt(target)}), counted as 0 units: "
            return excess, f"excess {fmt(value)} − {fmt(target)} = {fmt(excess)}: "
        if self.direction == "below":
            shortfall = target - value
            if shortfall < 0:
                return (
                    shortfall,
                    f"no shortfall ({fmt(value)} > {fmt(target)}), counted as 0 units: ",
                )
            return shortfall, f"shortfall {fmt(target)} − {fmt(value)} = {fmt(shortfall)}: "
        if value < 0:
            return value, f"{fmt(value)} is below 0, counted as 0 units: "
        return value, ""

    def _units(self, counted: Decimal) -> Decimal:
        # Whole units by integer division: exact however many digits the value has (dividing
        # first and rounding down would turn 9.99…9 into 10 once the digits pass the precision).
        units, partial = divmod(counted, self.step)
        if self.rounding == "up" and partial > 0:
            units += 1
        return units

    def __call__(self, readings: Readings) -> Outcome:
        found = self._difference(readings)
        if found is None:
            return DEPENDS_ON_NA
        counted, clamped = found
        counted = max(counted, ZERO)
        if self.rounding == "exact":
            raw = divide_half_up(self.points * counted, self.step, 2)
            step = "" if self.step == 1 else f" / {fmt(self.step)}"
            detail = (
                f"{clamped}{fmt(counted)}{step} × {fmt(self.points)} = {fmt(raw)} "
                "(exact, half-up to 2 places)"
            )
            return self._limited(raw, counted > 0, detail)
        units = self._units(counted)
        raw = self.points * units
        detail = f"{clamped}{fmt(units)} × {fmt(self.points)} = {fmt(raw)}"
        if self.rounding == "up":
            detail += " (a partial unit counts as one)"
        return self._limited(raw, units > 0, detail)

    def _limited(self, raw: Decimal, any_units: bool, detail: str) -> Outcome:
        if self.maximum is not None and raw.copy_abs() > self.maximum:
            raw = self.maximum if raw > 0 else -self.maximum
            detail += f", limited to {fmt(self.maximum)}"
        return Outcome(raw, MET if any_units else NOT_MET, detail)


@attrs.frozen
class ProportionalScore:
    """Points × rate / 100; with a target, points × value / target (the value counted from 0
    up to the target, so at most the points), rounded half-up to 2 decimals. Negative points
    deduct in proportion to what is not done (按未完成比例扣分): points × (target − value) /
    target."""

    points: Decimal
    name: str
    target: Operand | None = None

    def __call__(self, readings: Readings) -> Outcome:
        rate = readings[self.name]
        target = self.target.value(readings) if self.target is not None else None
        if isinstance(rate, NotApplicable) or isinstance(target, NotApplicable):
            return DEPENDS_ON_NA
        assert isinstance(rate, Decimal) and (target is None or isinstance(target, Decimal))
        if target is None and self.points > 0:
            raw = (self.points * rate).scaleb(-2)  # / 100, exactly
            detail = f"{fmt(self.points)} × {fmt(rate)} / 100 = {fmt(raw)}"
            return Outcome(raw, MET if raw > 0 else NOT_MET, detail)
        whole = Decimal(100) if target is None else target  # a rate deducts its share of 100
        if whole <= 0:
            return Outcome(ZERO, NOT_MET, f"the target is {fmt(whole)}: no share of it to count")
        counted = min(max(rate, ZERO), whole)
        if self.points > 0:
            raw = divide_half_up(self.points * counted, whole, 2)
            detail = f"{fmt(self.points)} × {fmt(counted)} / {fmt(whole)} = {fmt(raw)}"
        else:  # 按未完成比例扣分: the share not done
            missing = whole - counted
            raw = self._share(missing, whole, exact=target is None)
            detail = (
                f"not done {fmt(whole)} − {fmt(counted)} = {fmt(missing)}: "
                f"{fmt(self.points.copy_abs())} × {fmt(missing)} / {fmt(whole)} = "
                f"{fmt(raw.copy_abs())} deducted"
            )
        if target is not None:
            detail += " (half-up to 2 places)"
        if counted != rate:
            detail = f"{fmt(rate)} counted as {fmt(counted)}: " + detail
        return Outcome(raw, MET if raw != 0 else NOT_MET, detail)

    def _share(self, part: Decimal, whole: Decimal, *, exact: bool) -> Decimal:
        """The points times part / whole: exactly for a rate (whole 100), as points × rate / 100
        is, half-up to 2 places against a target."""
        if exact:
            return (self.points * part).scaleb(-2)
        return divide_half_up(self.points * part, whole, 2)


@attrs.frozen
class TierScore:
    """The highest tier that holds (with `lowest`, graded deductions: the most severe); not
    applicable only when a tier that might hold (it reads a not-applicable value) would beat
    every tier that surely holds."""

    tiers: tuple[tuple[Decimal, Condition, str], ...]
    lowest: bool = False

    def _beats(self, points: Decimal, other: Decimal) -> bool:
        return points < other if self.lowest else points > other

    def __call__(self, readings: Readings) -> Outcome:
        best: tuple[Decimal, str] | None = None
        matched: list[Decimal] = []
        unknown: list[Decimal] = []
        for points, condition, text in self.tiers:
            truth = condition.truth(readings)
            if truth is None:
                unknown.append(points)
            elif truth:
                matched.append(points)
                if best is None or self._beats(points, best[0]):
                    best = (points, text)
        if any(best is None or self._beats(points, best[0]) for points in unknown):
            return DEPENDS_ON_NA
        if best is None:
            return Outcome(ZERO, NOT_MET, "no tier matches")
        points, text = best
        if self.lowest:
            detail = f"most severe matching tier: {text} ({fmt(points.copy_abs())} deducted)"
        else:
            detail = f"highest matching tier: {text} ({fmt(points)})"
        tied = matched.count(points)
        if tied > 1:  # the first written wins a tie: docs/language.md
            detail += f", the first written of {tied} matching tiers with {fmt(points)}"
        return Outcome(points, MET, detail)


def gate_status(condition: Condition, readings: Readings) -> str:
    """A veto's or requirement's status: met (its condition holds), not met, or not applicable
    when its condition is unknown for a 合理缺项 value."""
    truth = condition.truth(readings)
    return NOT_APPLICABLE if truth is None else MET if truth else NOT_MET


@attrs.frozen
class RequirementNode:
    text: str
    line: int
    column: int
    reads: tuple[str, ...]
    condition: Condition
    scope: str

    def evaluate(self, readings: Readings, site: OnSite = NO_SITE) -> RequirementTrace:
        status = gate_status(self.condition, readings)
        values = values_read(readings, self.reads)
        evidence = site.evidence_for(self.reads)
        derived = site.derivations_for(self.reads)
        return RequirementTrace(
            self.text, self.line, self.column, status, values, self.scope, evidence, derived
        )


@attrs.frozen
class TaskNode:
    id: str
    title: str
    line: int
    section: str
    requirements: tuple[RequirementNode, ...]

    def evaluate(self, readings: Readings, site: OnSite = NO_SITE) -> TaskTrace:
        traces = tuple(requirement.evaluate(readings, site) for requirement in self.requirements)
        return TaskTrace(self.id, self.title, self.line, self.section, traces)


@attrs.frozen
class VetoNode:
    text: str
    line: int
    column: int
    reads: tuple[str, ...]
    condition: Condition
    downgrade: int | None = None
    at_most: str | None = None

    def evaluate(
        self, readings: Readings, item_id: str | None = None, site: OnSite = NO_SITE
    ) -> VetoTrace:
        values = values_read(readings, self.reads)
        status = gate_status(self.condition, readings)
        return VetoTrace(
            self.text,
            self.line,
            self.column,
            status,
            values,
            item_id,
            self.downgrade,
            self.at_most,
            site.evidence_for(self.reads),
            site.derivations_for(self.reads),
        )


@attrs.frozen
class GradeScale:
    """The grades, best first: each band with its threshold, the last one for every other
    score. The band of the score, then each struck veto's effect in the order written."""

    basis: str
    bands: tuple[tuple[str, str, Decimal], ...]  # (name, ">=" or ">", threshold)
    rest: str

    def names(self) -> list[str]:
        return [name for name, _, _ in self.bands] + [self.rest]

    def grade(self, score: Decimal, vetoes: Sequence[VetoTrace]) -> GradeTrace:
        names = self.names()
        index, reason = len(self.bands), f"{self.basis} {fmt(score)}: below every band"
        for position, (name, comparator, threshold) in enumerate(self.bands):
            if COMPARE[comparator](score, threshold):
                index = position
                reason = f"{self.basis} {fmt(score)} {comparator} {fmt(threshold)}: {name}"
                break
        by_score, reasons = names[index], [reason]
        for veto in (v for v in vetoes if v.triggered):
            lowered = self._lowered(index, veto, names)
            if lowered != index:
                reasons.append(
                    f"veto line {veto.line} ({veto.text}), {veto.effect}: "
                    f"{names[index]} → {names[lowered]}"
                )
                index = lowered
        return GradeTrace(self.basis, score, by_score, names[index], tuple(reasons))

    def _lowered(self, index: int, veto: VetoTrace, names: list[str]) -> int:
        lowest = len(names) - 1
        if veto.downgrade is not None:
            return min(index + veto.downgrade, lowest)
        if veto.at_most is not None:
            return max(index, names.index(veto.at_most))
        return lowest  # a veto with no stated effect fails the district: the lowest grade


# ---- items, groups, categories ------------------------------------------------------------

# Items, groups and categories a district's data file reports 合理缺项 (`na allowed`): an item by
# its id, a group or category by its title, each with the reason.
Reported = Mapping[str, str]
NOTHING_REPORTED: Reported = MappingProxyType({})


@attrs.frozen
class Excuses:
    """What makes a whole item, group or category 合理缺项: `na when` conditions with their
    reasons (the first that holds counts), and whether a data file may report it."""

    when: tuple[tuple[Condition, str], ...] = ()
    reportable: bool = False

    def reason(self, readings: Readings, reported: Reported, name: str) -> str | None:
        """Why it is not applicable; None when it is applicable. An unknown condition (it reads
        a 合理缺项 value) leaves it applicable."""
        for condition, reason in self.when:
            if condition.truth(readings) is True:
                return reason
        return reported.get(name) if self.reportable else None


NO_EXCUSES = Excuses()


def settle(
    raws: Sequence[Decimal], limit: Decimal, starts: Sequence[int] = (), start: Decimal = ZERO
) -> list[Decimal]:
    """Cut rule points so that, from `start`, each stage (the rules from one index of `starts`
    to the next; `then` in an item) leaves the running sum within 0 and `limit`: later bonuses
    give way to the cap first, later deductions give way to the floor first (扣完为止)."""
    gave = list(raws)
    running = start
    bounds = [0, *starts, len(gave)]
    for first, end in itertools.pairwise(bounds):
        stage = gave[first:end]
        total = running + sum(stage, ZERO)
        if total > limit:
            _shrink(stage, total - limit, positive=True)
        elif total < 0:
            _shrink(stage, -total, positive=False)
        gave[first:end] = stage
        running += sum(stage, ZERO)
    return gave


def _shrink(gave: list[Decimal], amount: Decimal, *, positive: bool) -> None:
    for index in reversed(range(len(gave))):
        if amount <= 0:
            return
        size = gave[index] if positive else -gave[index]
        if size <= 0:
            continue
        cut = min(size, amount)
        gave[index] += -cut if positive else cut
        amount -= cut


@attrs.frozen
class ItemNode:
    id: str
    title: str
    line: int
    declared: Decimal
    cap: Decimal | None
    rules: tuple[RuleNode, ...]
    vetoes: tuple[VetoNode, ...]
    # `na when …` / `na allowed`: what makes the whole item 合理缺项
    excuses: Excuses = NO_EXCUSES
    # where each `then` starts a new stage among the rules
    stage_starts: tuple[int, ...] = ()
    # What the rules reach together, fixed at compile time: 合理缺项 compares against it.
    reach: Decimal = attrs.field(init=False)

    @reach.default
    def _reach(self) -> Decimal:
        return sum((rule.reach for rule in self.rules), ZERO)

    def limit(self, maximum: Decimal) -> Decimal:
        return maximum if self.cap is None else min(maximum, self.cap)

    def evaluate(
        self, readings: Readings, reported: Reported = NOTHING_REPORTED, site: OnSite = NO_SITE
    ) -> ItemTrace:
        reason = self.excuses.reason(readings, reported, self.id)
        if reason is not None:  # an override of an excused item is refused by its checks
            return self.excused(reason, readings, site)
        outcomes = [rule.outcome(readings) for rule in self.rules]
        dropped = [o.status == NOT_APPLICABLE for o in outcomes]
        applicable_reach = sum(
            (r.reach for r, d in zip(self.rules, dropped, strict=True) if not d), ZERO
        )
        # 合理缺项: the dropped rules' points leave the maximum, as far as the rules still
        # applicable can no longer reach them (a dropped bonus under a cap may cost nothing).
        full_limit = self.limit(self.declared)
        na_points = min(full_limit, self.reach) - min(full_limit, applicable_reach)
        maximum = self.declared - na_points
        limit = self.limit(maximum)
        settlement = Settlement(limit, self.stage_starts, ZERO, self._cut)
        score, traces = settlement.traces(self.rules, outcomes, readings, site)
        unreachable = max(maximum - min(limit, applicable_reach), ZERO)
        score, traces = self._rules_overridden(settlement, outcomes, readings, site, score, traces)
        override = site.overrides.get((self.id, None))
        overridden = None
        if override is not None:
            # the reviewers' score replaces what the rules gave, which the trace keeps; no rule
            # alone can change it any more
            overridden = override_trace(override, self.line, score)
            score = override.points
            traces = tuple(attrs.evolve(trace, lost=ZERO) for trace in traces)
        return self._trace(
            readings, maximum, na_points, score, unreachable, traces, site=site, override=overridden
        )

    def _rules_overridden(
        self,
        settlement: Settlement,
        outcomes: list[Outcome],
        readings: Readings,
        site: OnSite,
        score: Decimal,
        computed: tuple[RuleTrace, ...],
    ) -> tuple[Decimal, tuple[RuleTrace, ...]]:
        """The item settled again with the reviewers' points in place of the outcomes of the
        rules they override (before the cap, floor and stages), each rule's trace keeping what
        it gave without them. A rule that is 合理缺项 is left as it is: its override is refused."""
        changed = list(outcomes)
        overrides: dict[int, Override] = {}
        for index, outcome in enumerate(outcomes):
            override = site.overrides.get((self.id, index + 1))
            if override is not None and outcome.status != NOT_APPLICABLE:
                overrides[index] = override
                changed[index] = overridden_outcome(override, outcome)
        if not overrides:
            return score, computed
        score, traces = settlement.traces(self.rules, changed, readings, site)
        return score, tuple(
            attrs.evolve(
                trace,
                override=override_trace(overrides[index], trace.line, computed[index].gave),
            )
            if index in overrides
            else trace
            for index, trace in enumerate(traces)
        )

    def excused(self, reason: str, readings: Readings, site: OnSite = NO_SITE) -> ItemTrace:
        """The whole item is 合理缺项: its declared points leave the maximum, every rule is
        dropped with the item's reason."""
        rules = excused_rules(self.rules, reason, "item", readings, site)
        return self._trace(readings, ZERO, self.declared, ZERO, ZERO, rules, reason, site)

    def _trace(
        self,
        readings: Readings,
        maximum: Decimal,
        na_points: Decimal,
        score: Decimal,
        unreachable: Decimal,
        rules: tuple[RuleTrace, ...],
        na_reason: str | None = None,
        site: OnSite = NO_SITE,
        override: OverrideTrace | None = None,
    ) -> ItemTrace:
        return ItemTrace(
            id=self.id,
            title=self.title,
            line=self.line,
            declared=self.declared,
            cap=self.cap,
            max=maximum,
            na_points=na_points,
            score=score,
            unreachable=unreachable,
            rules=rules,
            vetoes=tuple(veto.evaluate(readings, self.id, site) for veto in self.vetoes),
            na_reason=na_reason,
            override=override,
        )

    def _cut(self, raw: Decimal, gave: Decimal, limit: Decimal) -> str:
        """What the item's cap or floor left of a rule's points, for its detail."""
        if raw > gave:
            bound = "cap" if self.cap is not None and self.cap == limit else "maximum"
            return f"; {fmt(gave)} of it counted, the item being at its {bound} of {fmt(limit)}"
        return f"; {fmt(gave.copy_abs())} of it counted, the item being at its floor of 0"


@attrs.frozen
class Best:
    """What a place's rules gave before its cap and floor, their sum, and what they added."""

    raws: list[Decimal]
    total: Decimal
    added: Decimal


@attrs.frozen
class Settlement:
    """How the rules of one place (an item; a category's or the total's deductions) settle what
    they gave: from `start`, stage by stage, within 0 and `limit`; `cut` words a cut."""

    limit: Decimal
    starts: tuple[int, ...]
    start: Decimal
    cut: Callable[[Decimal, Decimal, Decimal], str]

    def traces(
        self,
        rules: Sequence[RuleNode],
        outcomes: Sequence[Outcome],
        readings: Readings,
        site: OnSite = NO_SITE,
    ) -> tuple[Decimal, tuple[RuleTrace, ...]]:
        """What the rules add to `start` together, and each rule's trace."""
        raws = [o.raw for o in outcomes]
        gave = settle(raws, self.limit, self.starts, self.start)
        added = sum(gave, ZERO)
        best = Best(raws, sum(raws, ZERO), added)
        traces = tuple(
            self._trace(index, rules[index], outcome, gave[index], best, readings, site)
            for index, outcome in enumerate(outcomes)
        )
        return added, traces

    def _gain(self, best: Best, index: int, reach: Decimal) -> Decimal:
        """What the rules would add with rule `index` at its best, less what they add. In one
        stage the sum settles at the bound it passes (`settle` cuts exactly that much), so it
        is worked from the total, not by settling every rule again (linear in the rules)."""
        if not self.starts:
            total = self.start + best.total - best.raws[index] + reach
            return min(max(total, ZERO), self.limit) - self.start - best.added
        raws = list(best.raws)
        raws[index] = reach
        return sum(settle(raws, self.limit, self.starts, self.start), ZERO) - best.added

    def _trace(
        self,
        index: int,
        rule: RuleNode,
        outcome: Outcome,
        gave: Decimal,
        best: Best,
        readings: Readings,
        site: OnSite,
    ) -> RuleTrace:
        status = outcome.status
        detail = outcome.detail
        if gave != outcome.raw:
            status = CAPPED
            detail += self.cut(outcome.raw, gave, self.limit)
        lost = ZERO
        if status != NOT_APPLICABLE:
            # what the place would gain if this rule gave its best (a deduction: nothing)
            lost = self._gain(best, index, rule.reach)
        return rule.trace(
            readings,
            gave=gave,
            status=status,
            detail=detail,
            lost=max(lost, ZERO),
            na_reason=outcome.detail if status == NOT_APPLICABLE else None,
            site=site,
        )


def shortfall(limit: Decimal | None, members: Sequence[Reachable]) -> tuple[Decimal, Decimal]:
    """(na_points, reachable) of a container: the points its members' dropped rules put out of
    its reach, under its declared limit if it has one, and what it can still reach."""
    full = sum((m.full_reach for m in members), ZERO)
    reachable = sum((m.reachable for m in members), ZERO)
    if limit is not None:
        full, reachable = min(limit, full), min(limit, reachable)
    return full - reachable, reachable


@attrs.frozen
class GroupNode:
    title: str
    line: int
    total: Decimal | None
    items: tuple[ItemNode, ...]
    excuses: Excuses = NO_EXCUSES

    def evaluate(
        self, readings: Readings, reported: Reported = NOTHING_REPORTED, site: OnSite = NO_SITE
    ) -> GroupTrace:
        reason = self.excuses.reason(readings, reported, self.title)
        if reason is not None:
            return self.excused(reason, readings, site)
        items = tuple(item.evaluate(readings, reported, site) for item in self.items)
        na_points, reachable = shortfall(self.total, items)
        earned = sum((i.score for i in items), ZERO)
        if self.total is None:
            maximum = sum((i.max for i in items), ZERO)
        else:
            maximum = self.total - na_points
        return GroupTrace(
            title=self.title,
            line=self.line,
            declared=self.total,
            max=maximum,
            na_points=na_points,
            earned=earned,
            score=min(earned, maximum),
            unreachable=maximum - reachable,
            items=items,
        )

    def excused(self, reason: str, readings: Readings, site: OnSite = NO_SITE) -> GroupTrace:
        """The whole group is 合理缺项: its declared points (its total, or its items') leave
        the maximum, every item is excused with the group's reason."""
        items = tuple(item.excused(reason, readings, site) for item in self.items)
        declared = sum((item.declared for item in self.items), ZERO)
        return GroupTrace(
            title=self.title,
            line=self.line,
            declared=self.total,
            max=ZERO,
            na_points=self.total if self.total is not None else declared,
            earned=ZERO,
            score=ZERO,
            unreachable=ZERO,
            items=items,
            na_reason=reason,
        )


@attrs.frozen
class CategoryNode:
    title: str
    line: int
    is_bonus: bool
    declared: Decimal
    members: tuple[GroupNode | ItemNode, ...]
    excuses: Excuses = NO_EXCUSES
    deductions: tuple[RuleNode, ...] = ()  # from the category's score, floored at 0

    def items(self) -> Iterator[ItemNode]:
        """Its items, in the order written, those of its groups included."""
        for member in self.members:
            if isinstance(member, GroupNode):
                yield from member.items
            else:
                yield member

    def evaluate(
        self, readings: Readings, reported: Reported = NOTHING_REPORTED, site: OnSite = NO_SITE
    ) -> CategoryTrace:
        reason = self.excuses.reason(readings, reported, self.title)
        if reason is not None:
            return self.excused(reason, readings, site)
        members = tuple(member.evaluate(readings, reported, site) for member in self.members)
        na_points, reachable = shortfall(self.declared, members)
        earned = sum((m.score for m in members), ZERO)
        maximum = self.declared - na_points
        capped = min(earned, maximum)
        deducted, deductions = deduct(
            capped, self.deductions, readings, "the category's score", site
        )
        return CategoryTrace(
            title=self.title,
            line=self.line,
            is_bonus=self.is_bonus,
            declared=self.declared,
            max=maximum,
            na_points=na_points,
            earned=earned,
            score=capped + deducted,
            unreachable=maximum - reachable,
            members=members,
            deductions=deductions,
        )

    def excused(self, reason: str, readings: Readings, site: OnSite = NO_SITE) -> CategoryTrace:
        """The whole category is 合理缺项: its declared points leave the maximum; its members
        and its deductions are excused with its reason."""
        members = tuple(member.excused(reason, readings, site) for member in self.members)
        return CategoryTrace(
            title=self.title,
            line=self.line,
            is_bonus=self.is_bonus,
            declared=self.declared,
            max=ZERO,
            na_points=self.declared,
            earned=ZERO,
            score=ZERO,
            unreachable=ZERO,
            members=members,
            deductions=excused_rules(self.deductions, reason, "category", readings, site),
            na_reason=reason,
        )


def excused_rules(
    rules: Sequence[RuleNode], reason: str, what: str, readings: Readings, site: OnSite = NO_SITE
) -> tuple[RuleTrace, ...]:
    """The traces of rules dropped because the whole item, group or category is 合理缺项."""
    detail = f"the {what} is not applicable: {reason}"
    return tuple(
        rule.trace(
            readings,
            gave=ZERO,
            status=NOT_APPLICABLE,
            detail=detail,
            lost=ZERO,
            na_reason=reason,
            site=site,
        )
        for rule in rules
    )


def deduct(
    score: Decimal,
    rules: Sequence[RuleNode],
    readings: Readings,
    place: str,
    site: OnSite = NO_SITE,
) -> tuple[Decimal, tuple[RuleTrace, ...]]:
    """A category's or the total's own deductions from `score`, floored at 0: what they take
    together (0 or less) and each one's trace; `place` names what the floor holds at 0."""

    def cut(raw: Decimal, gave: Decimal, limit: Decimal) -> str:
        return f"; {fmt(gave.copy_abs())} of it counted, {place} being at 0"

    outcomes = [rule.outcome(readings) for rule in rules]
    return Settlement(score, (), score, cut).traces(rules, outcomes, readings, site)


@attrs.frozen
class RubricTree:
    """The whole rubric, ready to score: categories in order, and the rubric-wide vetoes."""

    info: RubricInfo
    categories: tuple[CategoryNode, ...]
    vetoes: tuple[VetoNode, ...]
    warnings: tuple[Diagnostic, ...]
    requirements: tuple[RequirementNode, ...] = ()
    grades: GradeScale | None = None
    deductions: tuple[RuleNode, ...] = ()  # from the total, floored at 0
    # what a data file may report 合理缺项 (`na allowed`): name → where it stands
    reportable: Mapping[str, str] = MappingProxyType({})
    tasks: tuple[TaskNode, ...] = ()
    # the derived indicators, each after those it reads, and what each is computed from
    derived: tuple[IndicatorSpec, ...] = ()
    grounds: Mapping[str, tuple[str, ...]] = MappingProxyType({})

    def item_nodes(self) -> dict[str, ItemNode]:
        """Every item by its id, in the order written (the checker made the ids unique)."""
        return {item.id: item for category in self.categories for item in category.items()}

    @exactly
    def evaluate(
        self, readings: Readings, reported: Reported = NOTHING_REPORTED, site: OnSite = NO_SITE
    ) -> Result:
        """Score the readings; `site` brings the evidence and the reviewers' overrides, checked
        already except against the readings (rubricdsl.overrides checks the result for that).
        The derived indicators are computed here, from the readings of their inputs (any value
        the readings hold for them is replaced); IndicatorError when one cannot be."""
        lines: dict[str, str] = {}
        if self.derived:
            readings, computed = derive(self.derived, readings)
            lines = {d.name: derivation_line(d) for d in computed}
            site = attrs.evolve(site, derivations=self._derivations(lines), grounds=self.grounds)
        categories = tuple(
            category.evaluate(readings, reported, site) for category in self.categories
        )
        base_categories = [c for c in categories if not c.is_bonus]
        na_points, _ = shortfall(self.info.base_max, base_categories)
        base_limit = self.info.base_max - na_points
        base_raw = min(sum((c.score for c in base_categories), ZERO), base_limit)
        base = prorate(base_raw, self.info.base_max, base_limit)
        bonus_earned = sum((c.score for c in categories if c.is_bonus), ZERO)
        bonus = min(bonus_earned, self.info.bonus_max)
        item_vetoes = [veto for c in categories for item in c.items() for veto in item.vetoes]
        found = item_vetoes + [veto.evaluate(readings, None, site) for veto in self.vetoes]
        # in the order written: struck vetoes act on the grade one after the other
        vetoes = tuple(sorted(found, key=lambda veto: (veto.line, veto.column)))
        before = base + bonus
        deducted, deductions = deduct(before, self.deductions, readings, "the total", site)
        total = before + deducted
        tasks = tuple(task.evaluate(readings, site) for task in self.tasks)
        # the categories' and items' requirements, the tasks', then the rubric's own
        own = [requirement.evaluate(readings, site) for requirement in self.requirements]
        among_tasks = [requirement for task in tasks for requirement in task.requirements]
        rubric_wide = sum(1 for requirement in own if requirement.scope == "rubric")
        cut = len(own) - rubric_wide
        requirements = tuple(own[:cut] + among_tasks + own[cut:])
        grade = None
        if self.grades is not None:
            graded = total if self.grades.basis == "total" else base
            grade = self.grades.grade(graded, vetoes)
        return Result(
            rubric=self.info,
            total=tidy(total),
            base=tidy(base),
            base_raw=tidy(base_raw),
            bonus=tidy(bonus),
            na_points=tidy(na_points),
            categories=categories,
            all_vetoes=vetoes,
            warnings=self.warnings,
            requirements=requirements,
            grade=grade,
            deductions=deductions,
            tasks=tasks,
            evidence=MappingProxyType(dict(site.evidence)),
            overrides=_overrides_applied(categories, site),
            derived=MappingProxyType(lines),
        )

    def _derivations(self, lines: Mapping[str, str]) -> Mapping[str, tuple[str, ...]]:
        """For each derived value, how it was computed (`lines`), then how the derived values
        it was computed from were."""
        return MappingProxyType(
            {
                name: (line, *(lines[g] for g in self.grounds.get(name, ()) if g in lines))
                for name, line in lines.items()
            }
        )


def _overrides_applied(
    categories: Sequence[CategoryTrace], site: OnSite
) -> tuple[OverrideTrace, ...]:
    """The overrides the traces carry, in the order the reviewers gave them."""
    if not site.overrides:
        return ()
    found: dict[tuple[str, int | None], OverrideTrace] = {}
    for category in categories:
        for item in category.items():
            if item.override is not None:
                found[(item.id, None)] = item.override
            for number, rule in enumerate(item.rules, start=1):
                if rule.override is not None:
                    found[(item.id, number)] = rule.override
    return tuple(found[key] for key in site.overrides if key in found)


def prorate(base_raw: Decimal, base_max: Decimal, base_limit: Decimal) -> Decimal:
    """合理缺项: base_raw × base_max / (base_max − na_points), rounded half-up to 2 decimals.

    When every base point is not applicable there is nothing to assess and nothing to
    prorate: the base is 0 (docs/language.md), and the report says why."""
    if base_limit <= 0:
        return ZERO
    return divide_half_up(base_raw * base_max, base_limit, 2)


# ---- compiling the checked model ---------------------------------------------------------------


class _Compiler:
    def __init__(self, checked: CheckedRubric) -> None:
        self.indicators = checked.indicators

    def condition(self, condition: ast.Condition) -> Condition:
        if isinstance(condition, ast.Flag):
            return IsTrue(condition.indicator.name)
        if isinstance(condition, ast.Not):
            return Negation(self.condition(condition.operand))
        if isinstance(condition, ast.AllOf):
            return AllTrue(tuple(self.condition(c) for c in condition.operands))
        if isinstance(condition, ast.AnyOf):
            return AnyTrue(tuple(self.condition(c) for c in condition.operands))
        if isinstance(condition, ast.Trend):
            return Monotonic(condition.series.name, condition.direction == "decreasing")
        return Compare(
            self.operand(condition.left),
            COMPARE[condition.operator],
            self.operand(condition.right),
        )

    def operand(self, operand: ast.Operand) -> Operand:
        if isinstance(operand, ast.NumberLiteral | ast.BoolLiteral):
            return Constant(operand.value)
        if isinstance(operand, ast.SeriesPoint):
            return SeriesValue(operand.series.name, -1 if operand.which == "last" else -2)
        if operand.name in self.indicators:
            return IndicatorValue(operand.name)
        return Constant(operand.name)  # an enum level; the checker made sure of it

    def reads(self, node: object) -> tuple[str, ...]:
        """Indicator names a rule reads, in the order written (enum levels are not indicators)."""
        found: dict[str, None] = {}
        _collect(node, self.indicators, found)
        return tuple(found)

    def rule(self, rule: ast.Rule) -> RuleNode:
        kind, points, score = self.scoring(rule)
        return RuleNode(
            kind=kind,
            text=rule.text,
            line=rule.span.line,
            column=rule.span.column,
            points=points,
            reach=rule_reach(rule),
            reads=self.reads(rule),
            score=score,
            severest=severest(rule),
        )

    def scoring(self, rule: ast.Rule) -> tuple[str, Decimal, Callable[[Readings], Outcome]]:
        """The rule's kind, its points as written, and what computes its outcome."""
        if isinstance(rule, ast.Fixed):
            return "fixed", rule.points, FixedScore(rule.points, self.condition(rule.condition))
        if isinstance(rule, ast.Always):
            return "always", rule.points, AlwaysScore(rule.points)
        if isinstance(rule, ast.PerUnit):
            counted = self.operand(rule.indicator)
            target = self.target(rule.target)
            score = PerUnitScore(
                rule.points, rule.step, counted, rule.maximum, rule.direction, target, rule.rounding
            )
            return "per_unit", rule.points, score
        if isinstance(rule, ast.Proportional):
            target = self.target(rule.target)
            scaled = ProportionalScore(rule.points, rule.rate.name, target)
            return "proportional", rule.points, scaled
        tiers = tuple((t.points, self.condition(t.condition), t.text) for t in rule.tiers)
        if rule.lowest:  # graded deductions: the most severe tier, as written
            return "tiers", min(t.points for t in rule.tiers), TierScore(tiers, lowest=True)
        return "tiers", max(t.points for t in rule.tiers), TierScore(tiers)

    def veto(self, veto: ast.Veto) -> VetoNode:
        return VetoNode(
            veto.text,
            veto.span.line,
            veto.span.column,
            self.reads(veto),
            self.condition(veto.condition),
            veto.downgrade,
            veto.at_most,
        )

    def target(self, target: Decimal | ast.Reference | ast.SeriesPoint | None) -> Operand | None:
        """A rule's target (a number, an indicator, a point of a series), as an operand."""
        if isinstance(target, ast.Reference | ast.SeriesPoint):
            return self.operand(target)
        return Constant(target) if target is not None else None

    def excuses(self, excuses: tuple[ast.Excuse, ...]) -> Excuses:
        when = tuple(
            (self.condition(e.condition), e.text)
            for e in excuses
            if isinstance(e, ast.NotApplicableWhen)
        )
        return Excuses(when, na_allowed(excuses))

    def deductions(self, blocks: tuple[ast.Deductions, ...]) -> tuple[RuleNode, ...]:
        return tuple(self.rule(rule) for block in blocks for rule in block.rules)

    def requirement(self, requirement: ast.Requirement, scope: str) -> RequirementNode:
        return RequirementNode(
            requirement.text,
            requirement.span.line,
            requirement.span.column,
            self.reads(requirement),
            self.condition(requirement.condition),
            scope,
        )

    def tasks(self, file: ast.RubricFile) -> tuple[TaskNode, ...]:
        return tuple(
            TaskNode(
                task.id,
                task.title,
                task.span.line,
                checklist.title,
                tuple(self.requirement(r, f"task {task.id}") for r in task.requirements),
            )
            for checklist in file.checklists
            for task in checklist.tasks
        )

    def requirements(self, file: ast.RubricFile) -> tuple[RequirementNode, ...]:
        """Every requirement with where it stands: items' and categories' in the order written,
        then the rubric's own."""
        found: list[RequirementNode] = []
        for category in file.categories:
            scope = f"category '{category.title}'"
            found += [self.requirement(r, scope) for r in category.requirements]
            for item in items_of(category):
                found += [self.requirement(r, f"item {item.id}") for r in item.requirements]
        found += [self.requirement(r, "rubric") for r in file.requirements]
        return tuple(found)

    def item(self, item: ast.Item) -> ItemNode:
        return ItemNode(
            item.id,
            item.title,
            item.span.line,
            item.points,
            item.cap,
            tuple(self.rule(r) for r in item.rules),
            tuple(self.veto(v) for v in item.vetoes),
            self.excuses(item.not_applicable),
            tuple(then.before for then in item.thens),
        )

    def member(self, member: ast.Group | ast.Item) -> GroupNode | ItemNode:
        if isinstance(member, ast.Item):
            return self.item(member)
        return GroupNode(
            member.title,
            member.span.line,
            member.total,
            tuple(self.item(i) for i in member.items),
            self.excuses(member.not_applicable),
        )

    def category(self, category: ast.Category) -> CategoryNode:
        return CategoryNode(
            category.title,
            category.span.line,
            category.is_bonus,
            category.points,
            tuple(self.member(m) for m in category.members),
            self.excuses(category.not_applicable),
            self.deductions(category.deductions),
        )


def severest(rule: ast.Rule) -> Decimal | None:
    """The most severe deduction a rule can make: 0 for a rule that gives points, None for a
    deduction per unit without `max` (it has no bound of its own)."""
    if isinstance(rule, ast.PerUnit):
        if rule.points >= 0:
            return ZERO
        return -rule.maximum if rule.maximum is not None else None
    if isinstance(rule, ast.Tiers):
        return min(min(tier.points for tier in rule.tiers), ZERO)
    return min(rule.points, ZERO)  # fixed, always, proportional: at most the points


def _collect(node: object, indicators: Mapping[str, object], found: dict[str, None]) -> None:
    if isinstance(node, ast.Reference):
        if node.name in indicators:
            found[node.name] = None
        return
    if isinstance(node, tuple):
        for child in node:
            _collect(child, indicators, found)
        return
    if attrs.has(type(node)):  # an ast node: look through its fields in the order written
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(node))):
            _collect(getattr(node, field.name), indicators, found)


def derivation_line(derived: Derived) -> str:
    """`rate = a / b = 18 / 20 = 90.00%, half-up to 2 places`, or `rate: <why not applicable>`."""
    joint = ": " if isinstance(derived.value, NotApplicable) else " = "
    return f"{derived.name}{joint}{derived.explanation}"


def grounds_of(derived: tuple[IndicatorSpec, ...]) -> Mapping[str, tuple[str, ...]]:
    """What each derived indicator is computed from, in the order written: its own inputs only
    (not theirs in turn), so that what a trace holds grows with the rubric's text, not with the
    square of a long chain of derived indicators."""
    return MappingProxyType({s.name: s.formula.names() for s in derived if s.formula is not None})


def compile_tree(checked: CheckedRubric) -> RubricTree:
    """Compile a checked rubric into its evaluation tree."""
    compiler = _Compiler(checked)
    info = RubricInfo(
        checked.title, checked.year, checked.base_max, checked.bonus_max, checked.source_name
    )
    categories = tuple(compiler.category(c) for c in checked.file.categories)
    vetoes = tuple(compiler.veto(v) for v in checked.file.vetoes)
    requirements = compiler.requirements(checked.file)
    grades = None
    if checked.file.grades:
        scale = checked.file.grades[0]
        bands = tuple(
            (band.name, band.operator, band.threshold)
            for band in scale.bands
            if band.operator is not None and band.threshold is not None
        )
        grades = GradeScale(scale.basis, bands, scale.bands[-1].name)
    deductions = compiler.deductions(checked.file.deductions)
    derived = derived_specs(checked.indicators)
    return RubricTree(
        info,
        categories,
        vetoes,
        checked.warnings,
        requirements,
        grades,
        deductions,
        # the checker made the names unique
        MappingProxyType({name: where for name, where, _ in reportable(checked.file)}),
        compiler.tasks(checked.file),
        derived,
        grounds_of(derived),
    )
