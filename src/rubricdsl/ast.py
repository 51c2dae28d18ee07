"""The abstract syntax tree: frozen classes for what a rubric file says, each with its span."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from rubricdsl.source import Span

# ---- indicator types ------------------------------------------------------------


@attrs.frozen
class BoolType:
    span: Span
    name = "bool"


@attrs.frozen
class CountType:
    span: Span
    name = "count"


@attrs.frozen
class PercentType:
    span: Span
    name = "percent"


@attrs.frozen
class ScoreType:
    span: Span
    name = "score"


@attrs.frozen
class AmountType:
    unit: str
    span: Span
    name = "amount"


@attrs.frozen
class NumberType:
    span: Span
    name = "number"


@attrs.frozen
class SeriesType:
    length: Decimal
    span: Span
    name = "series"


@attrs.frozen
class Level:
    name: str
    label: str | None
    span: Span


@attrs.frozen
class EnumType:
    levels: tuple[Level, ...]
    span: Span
    name = "enum"


IndicatorType = (
    BoolType | CountType | PercentType | ScoreType | AmountType | NumberType | SeriesType | EnumType
)


@attrs.frozen
class Derivation:
    """`= ratio(a, b)`: how a derived indicator is computed from others (the function's name
    as written; the checker knows which exist)."""

    function: str
    inputs: tuple[Reference | SeriesPoint, ...]
    span: Span
    function_span: Span


@attrs.frozen
class Declaration:
    """`name: type [= function(inputs)] [or na] ["label"]` inside an `indicators { }` block."""

    name: str
    type: IndicatorType
    allows_na: bool
    label: str | None
    span: Span
    name_span: Span
    derivation: Derivation | None = None  # None: the district reports it


@attrs.frozen
class Rounding:
    """`rounding half-up to 2 places`: how every derived value is rounded, before any condition
    reads it."""

    mode: str  # half-up | half-even | down | up
    places: Decimal
    span: Span


# ---- conditions -------------------------------------------------------------------


@attrs.frozen
class Reference:
    """An indicator named in a condition."""

    name: str
    span: Span


@attrs.frozen
class NumberLiteral:
    value: Decimal
    span: Span


@attrs.frozen
class BoolLiteral:
    value: bool
    span: Span


@attrs.frozen
class SeriesPoint:
    """`last(x)` or `previous(x)`: the newest or second-newest value of a series."""

    which: str  # "last" | "previous"
    series: Reference
    span: Span


Operand = Reference | NumberLiteral | BoolLiteral | SeriesPoint


@attrs.frozen
class Flag:
    """A bool indicator standing alone as a condition."""

    indicator: Reference
    span: Span


@attrs.frozen
class Comparison:
    left: Operand
    operator: str
    right: Operand
    span: Span


@attrs.frozen
class Trend:
    """`decreasing(x)` / `increasing(x)`: each yearly value strictly below / above the last."""

    direction: str  # "decreasing" | "increasing"
    series: Reference
    span: Span


@attrs.frozen
class Not:
    operand: Condition
    span: Span


@attrs.frozen
class AllOf:
    operands: tuple[Condition, ...]
    span: Span


@attrs.frozen
class AnyOf:
    operands: tuple[Condition, ...]
    span: Span


Condition = Flag | Comparison | Trend | Not | AllOf | AnyOf


def comparisons(condition: Condition) -> Iterator[Comparison]:
    """Every comparison of a condition, in the order written (through not, and, or)."""
    if isinstance(condition, Comparison):
        yield condition
    elif isinstance(condition, Not):
        yield from comparisons(condition.operand)
    elif isinstance(condition, AllOf | AnyOf):
        for operand in condition.operands:
            yield from comparisons(operand)


# ---- rules ---------------------------------------------------------------------------


@attrs.frozen
class Fixed:
    """`points when condition "wording"`; negative points make it a deduction."""

    points: Decimal
    condition: Condition
    text: str
    span: Span


@attrs.frozen
class Always:
    """`points always "wording"`: unconditional points, a starting score for deductions."""

    points: Decimal
    text: str
    span: Span


@attrs.frozen
class PerUnit:
    """`points per [step of] indicator [max m] "wording"`; negative points deduct per unit."""

    points: Decimal
    step: Decimal
    indicator: Reference | SeriesPoint  # what is counted: an indicator, last(x), previous(x)
    maximum: Decimal | None
    text: str
    span: Span
    # `above` / `below` a target: units of the excess or the shortfall, not of the value
    direction: str | None = None
    target: Decimal | Reference | SeriesPoint | None = None
    rounding: str = "down"  # down | up | exact


@attrs.frozen
class Proportional:
    """`points scaled by rate "wording"`: points × rate / 100; with `of target`, points ×
    value / target, at most the points ("达到 4 批次/千人得满分，不足按比例得分")."""

    points: Decimal
    rate: Reference
    text: str
    span: Span
    target: Decimal | Reference | SeriesPoint | None = None


@attrs.frozen
class Tier:
    points: Decimal
    condition: Condition
    text: str
    span: Span


@attrs.frozen
class Tiers:
    """`highest "wording" { tier... }`: only the highest matching tier counts; with `lowest`
    (graded deductions, every tier negative) only the most severe matching tier counts."""

    text: str
    tiers: tuple[Tier, ...]
    span: Span
    lowest: bool = False


@attrs.frozen
class Veto:
    """`veto when condition "wording" [downgrade N | at most "grade"]`: without an effect the
    district fails outright, whatever the score; with one, its grade is lowered."""

    condition: Condition
    text: str
    span: Span
    downgrade: int | None = None  # bands down ("降一个等次" is 1)
    at_most: str | None = None  # the best grade it may keep ("不得评为优秀": at most "良好")
    effect_span: Span | None = None


@attrs.frozen
class GradeBand:
    """`"良好" >= 75`: the grade for a score at or past a threshold; `"不合格" otherwise`."""

    name: str
    operator: str | None  # ">=" or ">"; None for `otherwise`
    threshold: Decimal | None
    span: Span


@attrs.frozen
class Grades:
    """`grades [on total|on base] { band... }`: the bands, best first."""

    basis: str  # "total" or "base"
    bands: tuple[GradeBand, ...]
    span: Span


@attrs.frozen
class Requirement:
    """`require condition "wording"`: gives no points and must hold (a gate, 门槛)."""

    condition: Condition
    text: str
    span: Span


@attrs.frozen
class Task:
    """`task 1 "title" { require … }`: a checklist task, done when all its requirements hold."""

    id: str
    title: str
    requirements: tuple[Requirement, ...]
    span: Span
    id_span: Span


@attrs.frozen
class Checklist:
    """`checklist "一是 …" { task … }`: a section of a checklist and its tasks."""

    title: str
    tasks: tuple[Task, ...]
    span: Span


@attrs.frozen
class NotApplicableWhen:
    """`na when condition "reason"`: the whole item, group or category is 合理缺项 when it
    holds."""

    condition: Condition
    text: str
    span: Span


@attrs.frozen
class NotApplicableAllowed:
    """`na allowed "wording"`: the district's data file may report the whole item, group or
    category 合理缺项 (with its reason)."""

    text: str
    span: Span


Excuse = NotApplicableWhen | NotApplicableAllowed


@attrs.frozen
class Then:
    """`then` in an item: the rules before it (from index `before`) are settled, capped and
    floored, before the rules after it add to them."""

    before: int
    text: str | None
    span: Span


Rule = Fixed | Always | PerUnit | Proportional | Tiers


@attrs.frozen
class Deductions:
    """`deductions { … }`: rules that take points from a category's score, or from the total."""

    rules: tuple[Rule, ...]
    span: Span


# ---- structure ------------------------------------------------------------------------


@attrs.frozen
class Item:
    id: str
    title: str
    points: Decimal
    cap: Decimal | None
    rules: tuple[Rule, ...]
    vetoes: tuple[Veto, ...]
    span: Span
    points_span: Span
    id_span: Span
    requirements: tuple[Requirement, ...] = ()
    not_applicable: tuple[Excuse, ...] = ()
    cap_span: Span | None = None  # where `cap N` is written
    thens: tuple[Then, ...] = ()  # where the rules are settled before the next ones add


@attrs.frozen
class Group:
    title: str
    total: Decimal | None
    items: tuple[Item, ...]
    span: Span
    not_applicable: tuple[Excuse, ...] = ()


@attrs.frozen
class Category:
    title: str
    points: Decimal
    is_bonus: bool
    members: tuple[Group | Item, ...]
    span: Span
    points_span: Span
    requirements: tuple[Requirement, ...] = ()
    # `cap N` instead of points: N is a ceiling its members may add up past, by design
    capped: bool = False
    not_applicable: tuple[Excuse, ...] = ()
    deductions: tuple[Deductions, ...] = ()


@attrs.frozen
class HeaderField:
    """One header statement (`rubric`, `year`, `base`, `bonus`) with where it was written."""

    field: str
    value: str | Decimal
    span: Span


@attrs.frozen
class RubricFile:
    """Everything one rubric file says, in the order it says it."""

    header_fields: tuple[HeaderField, ...]
    declarations: tuple[Declaration, ...]
    categories: tuple[Category, ...]
    vetoes: tuple[Veto, ...]
    span: Span
    requirements: tuple[Requirement, ...] = ()
    grades: tuple[Grades, ...] = ()  # at most one; the checker says so
    deductions: tuple[Deductions, ...] = ()  # from the total
    checklists: tuple[Checklist, ...] = ()
    roundings: tuple[Rounding, ...] = ()  # at most one; the checker says so

    def tasks(self) -> Iterator[Task]:
        for checklist in self.checklists:
            yield from checklist.tasks
