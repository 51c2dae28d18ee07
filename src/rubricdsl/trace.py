"""The result of an evaluation and its trace: plain data, rendered elsewhere (text, JSON)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Protocol

import attrs

from rubricdsl.errors import Diagnostic
from rubricdsl.exact import exactly
from rubricdsl.inputs import NotApplicable, Reading
from rubricdsl.model import fmt, tidy

MET = "met"
NOT_MET = "not_met"
NOT_APPLICABLE = "not_applicable"
CAPPED = "capped"


def reading_to_json(value: Reading) -> Any:
    """An indicator value as JSON: decimals as exact strings, not applicable as its reason."""
    if isinstance(value, NotApplicable):
        return {"not_applicable": value.reason}
    if isinstance(value, bool | str):
        return value
    if isinstance(value, Decimal):
        return fmt(value)
    return [fmt(v) for v in value]


def reading_to_text(value: Reading) -> str:
    if isinstance(value, NotApplicable):
        return f"不适用（{value.reason}）"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return fmt(value)
    return "[" + ", ".join(fmt(v) for v in value) + "]"


def values_json(values: tuple[tuple[str, Reading], ...]) -> dict[str, Any]:
    """The values a rule, veto or requirement read, for its JSON."""
    return {name: reading_to_json(value) for name, value in values}


def values_text(values: tuple[tuple[str, Reading], ...]) -> str:
    """Values read, as `name=value, …`."""
    return ", ".join(f"{name}={reading_to_text(value)}" for name, value in values)


# The evidence (佐证材料) behind the values a rule, veto or requirement read: for each indicator
# that has any, in the order read, its references (document numbers, file names, links).
Evidence = tuple[tuple[str, tuple[str, ...]], ...]


def evidence_json(evidence: Evidence) -> dict[str, list[str]]:
    return {name: list(references) for name, references in evidence}


def evidence_lines(evidence: Evidence) -> list[str]:
    """One line per indicator: `evidence: name: reference; reference` (not yet escaped)."""
    return [f"evidence: {name}: {'; '.join(references)}" for name, references in evidence]


def _with_evidence(
    document: dict[str, Any], evidence: Evidence, derived: Evidence = ()
) -> dict[str, Any]:
    """A trace's JSON with `evidence` and `derived` when it has any (a result without them is
    unchanged)."""
    if derived:
        document["derived"] = evidence_json(derived)
    if evidence:
        document["evidence"] = evidence_json(evidence)
    return document


# How the derived values a rule, veto or requirement read were computed: for each, the lines
# `name = a / b = 18 / 20 = 90.00%, half-up to 2 places`, its own first, then those of the
# derived values it was computed from.
def derived_lines(derived: Evidence) -> list[str]:
    """One line per computation: `computed: <how>` (not yet escaped)."""
    return [f"computed: {line}" for _, lines in derived for line in lines]


@attrs.frozen
class OverrideTrace:
    """Reviewers' points for one rule or one whole item, decided on site (现场评审): who, when,
    why, and what the rubric computed without them. The score counts the reviewers' points;
    the computed ones are kept beside them."""

    item: str  # the item's id
    rule: int | None  # the rule's place in its item, from 1 in the order written; None: the item
    line: int  # where the rule (or the item) is written
    # the reviewers' points: a rule's outcome before its item's cap and floor, or an item's score
    points: Decimal = attrs.field(converter=tidy)
    # without any override: what the rule gave to its item, or what the item scored
    computed: Decimal = attrs.field(converter=tidy)
    by: str
    on: datetime.date
    reason: str

    @property
    def target(self) -> str:
        """What was overridden, in words: `item 14, rule 4` or `item 19`."""
        rule = f", rule {self.rule}" if self.rule is not None else ""
        return f"item {self.item}{rule}"

    def describe(self) -> str:
        """`1.5 (overridden on site by 张三 on 2022-03-15: <reason>; computed 0)`, not escaped."""
        return (
            f"{fmt(self.points)} (overridden on site by {self.by} on {self.on.isoformat()}: "
            f"{self.reason}; computed {fmt(self.computed)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "rule": self.rule,
            "line": self.line,
            "points": fmt(self.points),
            "computed": fmt(self.computed),
            "by": self.by,
            "on": self.on.isoformat(),
            "reason": self.reason,
        }


@attrs.frozen
class RuleTrace:
    """What one rule could give, what it gave, why, and where it is written."""

    kind: str  # fixed | always | per_unit | proportional | tiers
    text: str
    line: int
    column: int
    # as written: the fixed points, the points per unit, the highest tier
    points: Decimal = attrs.field(converter=tidy)
    # the most it can add to its item (0 for a deduction)
    reach: Decimal = attrs.field(converter=tidy)
    # what it added (negative for a deduction), after the item's cap and floor
    gave: Decimal = attrs.field(converter=tidy)
    status: str  # met | not_met | not_applicable | capped
    values: tuple[tuple[str, Reading], ...]
    detail: str
    # what the item would gain if this rule gave its best
    lost: Decimal = attrs.field(converter=tidy)
    na_reason: str | None = None
    # the references behind the values it read, for those that have any
    evidence: Evidence = ()
    # the reviewers' points, when overridden on site: `gave` counts them (after the item's cap
    # and floor), `override.computed` is what the rule gave without them
    override: OverrideTrace | None = None
    # how the derived values it read were computed
    derived: Evidence = ()

    def values_text(self) -> str:
        """The values it read, as `name=value, …`."""
        return values_text(self.values)

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "kind": self.kind,
            "text": self.text,
            "line": self.line,
            "column": self.column,
            "points": fmt(self.points),
            "reach": fmt(self.reach),
            "gave": fmt(self.gave),
            "status": self.status,
            "values": values_json(self.values),
            "detail": self.detail,
            "lost": fmt(self.lost),
            "na_reason": self.na_reason,
        }
        if self.override is not None:
            document["override"] = self.override.to_dict()
        return _with_evidence(document, self.evidence, self.derived)


@attrs.frozen
class VetoTrace:
    """A knock-out rule (一票否决) and whether it struck."""

    text: str
    line: int
    column: int
    status: str  # met (struck) | not_met | not_applicable
    values: tuple[tuple[str, Reading], ...]
    item_id: str | None = None
    downgrade: int | None = None  # bands it lowers the grade by, when struck
    at_most: str | None = None  # the best grade it leaves, when struck
    evidence: Evidence = ()  # the references behind the values it read
    derived: Evidence = ()  # how the derived values it read were computed

    @property
    def triggered(self) -> bool:
        return self.status == MET

    @property
    def fails(self) -> bool:
        """Struck, and with no effect on the grade stated: the district fails outright."""
        return self.triggered and self.downgrade is None and self.at_most is None

    @property
    def effect(self) -> str:
        """What it does when struck, in words."""
        if self.downgrade is not None:
            return f"downgrade {self.downgrade}"
        if self.at_most is not None:
            return f'at most "{self.at_most}"'
        return "fails the district"

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "text": self.text,
            "line": self.line,
            "column": self.column,
            "status": self.status,
            "triggered": self.triggered,
            "effect": self.effect,
            "item": self.item_id,
            "values": values_json(self.values),
        }
        return _with_evidence(document, self.evidence, self.derived)


@attrs.frozen
class GradeTrace:
    """The grade: the band the score falls in, and what struck vetoes did to it."""

    basis: str  # "total" or "base"
    score: Decimal = attrs.field(converter=tidy)
    by_score: str  # the band of the score alone
    grade: str  # after the vetoes
    reasons: tuple[str, ...]  # why, in order: the band, then each veto that changed it

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "score": fmt(self.score),
            "by_score": self.by_score,
            "grade": self.grade,
            "reasons": list(self.reasons),
        }


@attrs.frozen
class RequirementTrace:
    """A requirement (门槛) and whether it holds: `met` (holds), `not_met`, `not_applicable`
    (it depends on a 合理缺项 value, and does not count against the district)."""

    text: str
    line: int
    column: int
    status: str
    values: tuple[tuple[str, Reading], ...]
    scope: str  # "rubric", "category '…'" or "item 3"
    evidence: Evidence = ()  # the references behind the values it read
    derived: Evidence = ()  # how the derived values it read were computed

    @property
    def holds(self) -> bool:
        return self.status == MET

    @property
    def unmet(self) -> bool:
        return self.status == NOT_MET

    def values_text(self) -> str:
        return values_text(self.values)

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "text": self.text,
            "line": self.line,
            "column": self.column,
            "status": self.status,
            "holds": self.holds,
            "scope": self.scope,
            "values": values_json(self.values),
        }
        return _with_evidence(document, self.evidence, self.derived)


@attrs.frozen
class TaskTrace:
    """A checklist task (附件1's 六个一): `met` when every requirement of it holds, `not_met` when
    one does not, `not_applicable` when all of them are excused (合理缺项)."""

    id: str
    title: str
    line: int
    section: str  # the checklist section it stands in ("一是 …")
    requirements: tuple[RequirementTrace, ...]

    @property
    def status(self) -> str:
        statuses = {requirement.status for requirement in self.requirements}
        if NOT_MET in statuses:
            return NOT_MET
        if statuses == {NOT_APPLICABLE}:
            return NOT_APPLICABLE
        return MET

    @property
    def done(self) -> bool:
        return self.status == MET

    @property
    def unmet(self) -> tuple[RequirementTrace, ...]:
        return tuple(requirement for requirement in self.requirements if requirement.unmet)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "line": self.line,
            "section": self.section,
            "status": self.status,
            "requirements": [requirement.to_dict() for requirement in self.requirements],
        }


class Reachable:
    """What items, groups and categories tell of their reach, from max, unreachable, na_points."""

    max: Decimal
    unreachable: Decimal
    na_points: Decimal

    @property
    @exactly
    def reachable(self) -> Decimal:
        """The most it can score with the not-applicable rules dropped."""
        return self.max - self.unreachable

    @property
    @exactly
    def full_reach(self) -> Decimal:
        """The most it could score if every rule applied."""
        return self.reachable + self.na_points


@attrs.frozen
class ItemTrace(Reachable):
    """One item of the table: its rules' traces, its maximum after 合理缺项, its score."""

    id: str
    title: str
    line: int
    declared: Decimal = attrs.field(converter=tidy)
    cap: Decimal | None
    max: Decimal = attrs.field(converter=tidy)  # declared points less those of not-applicable rules
    na_points: Decimal = attrs.field(converter=tidy)
    score: Decimal = attrs.field(converter=tidy)
    # points of max that no applicable rule can give
    unreachable: Decimal = attrs.field(converter=tidy)
    rules: tuple[RuleTrace, ...]
    vetoes: tuple[VetoTrace, ...] = ()
    # why the whole item is 合理缺项 (`na when …`), when it is
    na_reason: str | None = None
    # the reviewers' score, when the whole item is overridden on site: `score` counts it,
    # `override.computed` is what its rules gave (their `gave` add up to that)
    override: OverrideTrace | None = None

    @property
    @exactly
    def lost(self) -> Decimal:
        return self.max - self.score

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "line": self.line,
            "declared": fmt(self.declared),
            "cap": fmt(self.cap) if self.cap is not None else None,
            "max": fmt(self.max),
            "na_points": fmt(self.na_points),
            "score": fmt(self.score),
            "unreachable": fmt(self.unreachable),
            "rules": [rule.to_dict() for rule in self.rules],
            "vetoes": [veto.to_dict() for veto in self.vetoes],
            "na_reason": self.na_reason,
        }
        if self.override is not None:
            document["override"] = self.override.to_dict()
        return document


@attrs.frozen
class GroupTrace(Reachable):
    """A group of items; `cut` is what its declared total took off the items' sum."""

    title: str
    line: int
    declared: Decimal | None
    max: Decimal = attrs.field(converter=tidy)
    na_points: Decimal = attrs.field(converter=tidy)
    earned: Decimal = attrs.field(converter=tidy)
    score: Decimal = attrs.field(converter=tidy)
    unreachable: Decimal = attrs.field(converter=tidy)
    items: tuple[ItemTrace, ...]
    # why the whole group is 合理缺项 (`na when …`, or reported so by the data), when it is
    na_reason: str | None = None

    @property
    @exactly
    def cut(self) -> Decimal:
        return self.earned - self.score

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.title,
            "line": self.line,
            "declared": fmt(self.declared) if self.declared is not None else None,
            "max": fmt(self.max),
            "na_points": fmt(self.na_points),
            "earned": fmt(self.earned),
            "score": fmt(self.score),
            "unreachable": fmt(self.unreachable),
            "items": [item.id for item in self.items],
            "na_reason": self.na_reason,
        }


@attrs.frozen
class CategoryTrace(Reachable):
    """A category (类别): its members, what they earned, the score its declared total allows,
    less its own deductions: score = min(earned, max) − deducted, never below 0."""

    title: str
    line: int
    is_bonus: bool
    declared: Decimal = attrs.field(converter=tidy)
    max: Decimal = attrs.field(converter=tidy)
    na_points: Decimal = attrs.field(converter=tidy)
    earned: Decimal = attrs.field(converter=tidy)
    score: Decimal = attrs.field(converter=tidy)
    unreachable: Decimal = attrs.field(converter=tidy)
    members: tuple[GroupTrace | ItemTrace, ...]
    # the category's own deductions (`deductions { … }`), each with what it took
    deductions: tuple[RuleTrace, ...] = ()
    na_reason: str | None = None  # why the whole category is 合理缺项, when it is

    @property
    @exactly
    def deducted(self) -> Decimal:
        """What the category's own deductions took from its score (0 or more)."""
        return Decimal(0) - sum((rule.gave for rule in self.deductions), Decimal(0))

    @property
    @exactly
    def cut(self) -> Decimal:
        """What the category's declared total took off its members' sum."""
        return self.earned - self.score - self.deducted

    def items(self) -> Iterator[ItemTrace]:
        for member in self.members:
            if isinstance(member, GroupTrace):
                yield from member.items
            else:
                yield member

    def to_dict(self) -> dict[str, Any]:
        members: list[Any] = [
            m.to_dict() if isinstance(m, GroupTrace) else {"item": m.id} for m in self.members
        ]
        return {
            "title": self.title,
            "line": self.line,
            "bonus": self.is_bonus,
            "declared": fmt(self.declared),
            "max": fmt(self.max),
            "na_points": fmt(self.na_points),
            "earned": fmt(self.earned),
            "score": fmt(self.score),
            "unreachable": fmt(self.unreachable),
            "members": members,
            "deducted": fmt(self.deducted),
            "deductions": [rule.to_dict() for rule in self.deductions],
            "na_reason": self.na_reason,
        }


class Figures(Protocol):
    """What a Result and a Score (rubricdsl.compiled) both say of a district's score."""

    @property
    def rubric(self) -> RubricInfo: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def base(self) -> Decimal: ...
    @property
    def base_raw(self) -> Decimal: ...
    @property
    def bonus(self) -> Decimal: ...
    @property
    def deducted(self) -> Decimal: ...
    @property
    def na_points(self) -> Decimal: ...


def figures_json(figures: Figures, failed_by_veto: bool) -> dict[str, Any]:
    """The head of a Result's and a Score's JSON: the rubric and the figures, as exact
    decimal strings."""
    return {
        "rubric": figures.rubric.to_dict(),
        "total": fmt(figures.total),
        "base": fmt(figures.base),
        "base_raw": fmt(figures.base_raw),
        "bonus": fmt(figures.bonus),
        "deducted": fmt(figures.deducted),
        "na_points": fmt(figures.na_points),
        "failed_by_veto": failed_by_veto,
    }


@attrs.frozen
class RubricInfo:
    title: str
    year: int
    base_max: Decimal = attrs.field(converter=tidy)
    bonus_max: Decimal = attrs.field(converter=tidy)
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "year": self.year,
            "base_max": fmt(self.base_max),
            "bonus_max": fmt(self.bonus_max),
            "source": self.source,
        }


def _field_names(cls: type) -> tuple[str, ...]:
    """A class's attrs fields by their names in `cls(…)`."""
    return tuple(field.alias or field.name for field in attrs.fields(cls))


def _unpickled_result(values: dict[str, Any]) -> Result:
    values["evidence"] = MappingProxyType(values["evidence"])
    values["derived"] = MappingProxyType(values["derived"])
    return Result(**values)


# The fields of a Result that make up its trace: with `later`, they are built when first read.
TRACE_FIELDS = (
    "categories",
    "all_vetoes",
    "requirements",
    "grade",
    "deductions",
    "tasks",
    "derived",
)


@attrs.frozen(eq=False)
class Result:
    """A rubric applied to one district's indicators: the scores and the trace behind every point.

    base_raw is the sum of the base categories (capped at the base maximum less na_points);
    base is base_raw prorated for 合理缺项 and rounded half-up to 2 decimals;
    total = base + bonus − deducted (the rubric's own deductions), never below 0.

    A result scored by the generated code (`Rubric.evaluate`) holds its figures and the
    indicators it read; its trace (categories, vetoes, requirements, grade, deductions, tasks,
    derived) is made by the evaluation tree from them when one of those is first read. Either
    way it is the same result: equal, with the same `to_dict()`.
    """

    rubric: RubricInfo
    # the figures, tidy (`model.tidy`) as the evaluation makes them: no converter, so that a
    # result costs little to make
    total: Decimal
    base: Decimal
    base_raw: Decimal
    bonus: Decimal
    na_points: Decimal
    _categories: tuple[CategoryTrace, ...] = attrs.field(alias="categories")
    _all_vetoes: tuple[VetoTrace, ...] = attrs.field(alias="all_vetoes")
    warnings: tuple[Diagnostic, ...]
    # every requirement: each category's own, then its items' (each in the order written),
    # then the rubric's own
    _requirements: tuple[RequirementTrace, ...] = attrs.field(default=(), alias="requirements")
    # the grade, when the rubric declares grades
    _grade: GradeTrace | None = attrs.field(default=None, alias="grade")
    # the deductions from the total (`deductions { … }` at the top level)
    _deductions: tuple[RuleTrace, ...] = attrs.field(default=(), alias="deductions")
    # the checklist's tasks, in the order written (their requirements are in `requirements` too)
    _tasks: tuple[TaskTrace, ...] = attrs.field(default=(), alias="tasks")
    # the evidence (佐证材料) the data gives: indicator → references, in the order declared
    evidence: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    # the reviewers' overrides (现场评审), in the order given; each is also on its rule or item
    overrides: tuple[OverrideTrace, ...] = ()
    # each derived indicator's value and how it was computed (`a / b = 18 / 20 = 90.00%, …`),
    # in the order computed
    _derived: Mapping[str, str] = attrs.field(default=MappingProxyType({}), alias="derived")
    # makes the whole result again, trace and all, for a result scored without its trace
    # (the TRACE_FIELDS above stand empty until then); None once it is made
    _later: Callable[[], Result] | None = attrs.field(
        default=None, alias="later", repr=False, kw_only=True
    )

    def _traced(self) -> Result:
        """This result, its trace made if it was left for later."""
        later = self._later
        if later is not None:
            made = later()
            assert (made.total, made.base, made.bonus) == (self.total, self.base, self.bonus), (
                "the trace scores as the generated code did"
            )
            for name in TRACE_FIELDS:
                object.__setattr__(self, f"_{name}", getattr(made, name))
            object.__setattr__(self, "_later", None)
        return self

    @property
    def categories(self) -> tuple[CategoryTrace, ...]:
        return self._traced()._categories

    @property
    def all_vetoes(self) -> tuple[VetoTrace, ...]:
        """Every knock-out rule, struck or not, in the order written."""
        return self._traced()._all_vetoes

    @property
    def requirements(self) -> tuple[RequirementTrace, ...]:
        return self._traced()._requirements

    @property
    def grade(self) -> GradeTrace | None:
        return self._traced()._grade

    @property
    def deductions(self) -> tuple[RuleTrace, ...]:
        return self._traced()._deductions

    @property
    def tasks(self) -> tuple[TaskTrace, ...]:
        return self._traced()._tasks

    @property
    def derived(self) -> Mapping[str, str]:
        return self._traced()._derived

    @property
    def traced(self) -> bool:
        """Whether the trace is made (it is, once any part of it has been read)."""
        return self._later is None

    def _fields(self) -> dict[str, Any]:
        """Its fields by their names in `Result(…)`, the trace made."""
        self._traced()
        return {name: getattr(self, name) for name in _FIELD_NAMES if name != "later"}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return self is other or self._fields() == other._fields()

    def __repr__(self) -> str:
        """Its fields by their public names, the trace made (never shown empty for later)."""
        shown = ", ".join(f"{name}={value!r}" for name, value in self._fields().items())
        return f"Result({shown})"

    __hash__ = None  # type: ignore[assignment]

    @property
    @exactly
    def deducted(self) -> Decimal:
        """What the deductions from the total took (0 or more)."""
        return Decimal(0) - sum((rule.gave for rule in self.deductions), Decimal(0))

    @property
    def unmet_requirements(self) -> tuple[RequirementTrace, ...]:
        """The requirements that do not hold (not applicable ones are excused)."""
        return tuple(r for r in self.requirements if r.unmet)

    @property
    def eligible(self) -> bool:
        """Whether every requirement holds (or is not applicable). The score stands either way;
        vetoes are separate (`passed_vetoes`)."""
        return not self.unmet_requirements

    @functools.cached_property
    def items(self) -> tuple[ItemTrace, ...]:
        return tuple(item for category in self.categories for item in category.items())

    @functools.cached_property
    def _item_index(self) -> dict[str, ItemTrace]:
        return {item.id: item for item in self.items}

    @property
    def vetoes(self) -> tuple[VetoTrace, ...]:
        """The knock-out rules that struck and fail the district whatever its score (a veto
        that only lowers the grade is in `downgrades`)."""
        return tuple(veto for veto in self.all_vetoes if veto.fails)

    @property
    def downgrades(self) -> tuple[VetoTrace, ...]:
        """The vetoes that struck and lower the grade (`downgrade N`, `at most "…"`)."""
        return tuple(v for v in self.all_vetoes if v.triggered and not v.fails)

    @property
    def passed_vetoes(self) -> bool:
        return not self.vetoes

    def item(self, item_id: str) -> ItemTrace:
        """One item by its id, from an index made once (KeyError if there is none)."""
        return self._item_index[item_id]

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickled as its fields, the read-only mappings as dicts (a mappingproxy does not
        pickle): a copy equal to it, in another process too."""
        values = self._fields()
        values["evidence"] = dict(self.evidence)
        values["derived"] = dict(self.derived)
        return _unpickled_result, (values,)

    def task(self, task_id: str) -> TaskTrace:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            **figures_json(self, bool(self.vetoes)),
            # present only when given: a result without evidence or overrides is as it was
            **({"evidence": evidence_json(tuple(self.evidence.items()))} if self.evidence else {}),
            **({"overrides": [o.to_dict() for o in self.overrides]} if self.overrides else {}),
            **({"derived": dict(self.derived)} if self.derived else {}),
            "items": [item.to_dict() for item in self.items],
            "categories": [category.to_dict() for category in self.categories],
            "vetoes": [veto.to_dict() for veto in self.vetoes],
            "all_vetoes": [veto.to_dict() for veto in self.all_vetoes],
            "eligible": self.eligible,
            "grade": self.grade.to_dict() if self.grade is not None else None,
            "requirements": [requirement.to_dict() for requirement in self.requirements],
            "deductions": [rule.to_dict() for rule in self.deductions],
            "tasks": [task.to_dict() for task in self.tasks],
            "warnings": [warning.to_dict() for warning in self.warnings],
        }


_FIELD_NAMES = _field_names(Result)
