"""Rubric test cases (docs/rubric-tests.md): case files beside a rubric, each case a district's
indicators and the scores the table's wording gives them; run like a test runner, with a diff
for a case that fails, and coverage measured on the evaluations the cases ran."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

import attrs

from rubricdsl import ast
from rubricdsl.api import Rubric, load
from rubricdsl.campaign import own_data
from rubricdsl.datafile import DataFile, read_data, read_yaml
from rubricdsl.derive import read_with_derived
from rubricdsl.errors import RubricError
from rubricdsl.escape import clip, escape
from rubricdsl.evaltree import COMPARE, severest
from rubricdsl.files import read_text
from rubricdsl.i18n import speaking
from rubricdsl.inputs import NotApplicable, Reading
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.model import IndicatorSpec, fmt, items_of, rule_reach
from rubricdsl.trace import (
    CAPPED,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    CategoryTrace,
    GroupTrace,
    Result,
    RuleTrace,
)

ZERO = Decimal(0)


class CaseFileError(RubricError):
    """A case file that cannot be read: its place and what is wrong with it."""


# ---- the case file ----------------------------------------------------------------------------

FILE_KEYS = ("rubric", "note", "warnings", "cases")
CASE_KEYS = ("name", "note", "indicators", "base", "set", "unset", "not_applicable", "expect")
NUMBER_KEYS = ("total", "base", "base_raw", "bonus", "na_points")
EXPECT_KEYS = (*NUMBER_KEYS, "items", "tasks", "eligible", "unmet", "vetoes", "grade", "error")
TASK_STATUSES = {"done": MET, "not_done": NOT_MET, "not_applicable": NOT_APPLICABLE}
TASK_WORDS = {status: word for word, status in TASK_STATUSES.items()}


@attrs.frozen
class Expect:
    """What a case expects; None (or empty) where it expects nothing."""

    numbers: Mapping[str, Decimal]  # total, base, base_raw, bonus, na_points
    items: Mapping[str, Decimal]
    tasks: Mapping[str, str]  # task id → met | not_met | not_applicable
    eligible: bool | None = None
    unmet: tuple[str, ...] | None = None  # the wording of each requirement not met
    vetoes: tuple[str, ...] | None = None  # the wording of each veto that struck
    grade: str | None = None
    error: str | None = None  # a substring of the expected IndicatorError or DataFileError


@attrs.frozen
class Case:
    name: str
    note: str
    place: str  # "file, case 3"
    indicators: Mapping[str, object] | None  # given in full
    base: str | None  # or a data file (its path as resolved), changed by `set` and `unset`
    changes: Mapping[str, object]
    removed: tuple[str, ...]
    not_applicable: Mapping[str, object]
    expect: Expect


@attrs.frozen
class CaseFile:
    path: str
    rubric_path: str  # resolved against the case file's folder
    note: str
    warnings: tuple[str, ...] | None  # the checker's warnings the rubric is expected to have
    cases: tuple[Case, ...]


def find_case_files(paths: Sequence[str]) -> list[str]:
    """The case files to run: a file as given; a folder, every `tests/*.yaml` (or .yml) below it,
    sorted. A path that does not exist is a CaseFileError."""
    found: list[str] = []
    for path in paths:
        if os.path.isfile(path):
            found.append(path)
        elif os.path.isdir(path):
            below: list[str] = []
            for folder, folders, files in os.walk(path):
                folders.sort()
                if os.path.basename(folder) == "tests":
                    below += [
                        os.path.join(folder, f) for f in files if f.endswith((".yaml", ".yml"))
                    ]
            found += sorted(below)
        else:
            raise CaseFileError(f"{escape(path)}: no such file or folder")
    return list(dict.fromkeys(found))


def read_case_file(path: str, limits: Limits = DEFAULT_LIMITS) -> CaseFile:
    """Read and check a case file (YAML, numbers read exactly as written)."""
    name = escape(clip(path, 300))
    text = read_text(path, "case file", CaseFileError, limits)
    document = read_yaml(text, path, CaseFileError, limits)
    document = _mapping(document, name, FILE_KEYS)
    rubric = document.get("rubric")
    if not isinstance(rubric, str) or not rubric:
        raise CaseFileError(f"{name}: 'rubric:' must name the rubric, relative to the case file")
    folder = os.path.dirname(path)
    cases = document.get("cases")
    if not isinstance(cases, list) or not cases:
        raise CaseFileError(f"{name}: 'cases:' must be a list of cases")
    read = tuple(_case(case, f"{name}, case {n}", folder) for n, case in enumerate(cases, 1))
    names = [case.name for case in read]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise CaseFileError(f"{name}: case names must be unique: {escape(', '.join(twice))}")
    warnings = document.get("warnings")
    if warnings is not None:
        warnings = _texts(warnings, f"{name}: 'warnings:'")
    return CaseFile(
        path=path,
        rubric_path=os.path.normpath(os.path.join(folder, rubric)),
        note=_text(document.get("note", ""), f"{name}: 'note:'"),
        warnings=warnings,
        cases=read,
    )


def _mapping(value: object, place: str, keys: Sequence[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CaseFileError(f"{place}: expected a mapping with {', '.join(keys)}")
    unknown = [str(key) for key in value if key not in keys]
    if unknown:
        raise CaseFileError(
            f"{place}: unknown key(s) {escape(', '.join(unknown))}; expected {', '.join(keys)}"
        )
    return value


def _text(value: object, place: str) -> str:
    if not isinstance(value, str):
        raise CaseFileError(f"{place} must be a text")
    return value


def _texts(value: object, place: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CaseFileError(f"{place} must be a list of texts")
    return tuple(value)


def _number(value: object, place: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise CaseFileError(f"{place} must be a number written unquoted, not {value!r}")
    return Decimal(value)


def _case(value: object, place: str, folder: str) -> Case:
    case = _mapping(value, place, CASE_KEYS)
    name = case.get("name")
    if not isinstance(name, str) or not name:
        raise CaseFileError(f"{place}: every case needs a 'name:'")
    place = f"{place} ({escape(clip(name, 80))})"
    given = case.get("indicators")
    base = case.get("base")
    if (given is None) == (base is None):
        raise CaseFileError(f"{place}: give either 'indicators:' or 'base:' (with 'set:')")
    if given is not None and not isinstance(given, dict):
        raise CaseFileError(f"{place}: 'indicators:' must be a mapping of names to values")
    if base is not None and not isinstance(base, str):
        raise CaseFileError(f"{place}: 'base:' must be a data file's path")
    changes = case.get("set") or {}
    if not isinstance(changes, dict):
        raise CaseFileError(f"{place}: 'set:' must be a mapping of names to values")
    removed = case.get("unset") or []
    if given is not None and (changes or removed):
        raise CaseFileError(f"{place}: 'set:' and 'unset:' change a 'base:' data file")
    reported = case.get("not_applicable") or {}
    if not isinstance(reported, dict):
        raise CaseFileError(f"{place}: 'not_applicable:' must be a mapping of names to reasons")
    return Case(
        name=name,
        note=_text(case.get("note", ""), f"{place}: 'note:'"),
        place=place,
        indicators=given,
        base=os.path.normpath(os.path.join(folder, base)) if base is not None else None,
        changes={str(key): value for key, value in changes.items()},
        removed=_texts(removed, f"{place}: 'unset:'"),
        not_applicable={str(key): value for key, value in reported.items()},
        expect=_expect(case.get("expect"), f"{place}: 'expect:'"),
    )


def _expect(value: object, place: str) -> Expect:
    expect = _mapping(value, place, EXPECT_KEYS)
    if not expect:
        raise CaseFileError(f"{place} expects nothing: name a score, an item, a task or an error")
    numbers = {key: _number(expect[key], f"{place} {key}") for key in NUMBER_KEYS if key in expect}
    items = expect.get("items") or {}
    tasks = expect.get("tasks") or {}
    if not isinstance(items, dict) or not isinstance(tasks, dict):
        raise CaseFileError(f"{place} 'items:' and 'tasks:' must be mappings by id")
    statuses: dict[str, str] = {}
    for task, status in tasks.items():
        if status not in TASK_STATUSES:
            raise CaseFileError(
                f"{place} task {escape(str(task))}: {escape(str(status))} is not one of "
                + ", ".join(TASK_STATUSES)
            )
        statuses[_id(task)] = TASK_STATUSES[status]
    eligible = expect.get("eligible")
    if eligible is not None and not isinstance(eligible, bool):
        raise CaseFileError(f"{place} 'eligible:' must be true or false")
    unmet, vetoes = expect.get("unmet"), expect.get("vetoes")
    grade, error = expect.get("grade"), expect.get("error")
    if error is not None and len(expect) > 1:
        raise CaseFileError(f"{place} 'error:' stands alone: a case that fails has no scores")
    return Expect(
        numbers=numbers,
        items={_id(key): _number(points, f"{place} item {key}") for key, points in items.items()},
        tasks=statuses,
        eligible=eligible,
        unmet=_texts(unmet, f"{place} 'unmet:'") if unmet is not None else None,
        vetoes=_texts(vetoes, f"{place} 'vetoes:'") if vetoes is not None else None,
        grade=_text(grade, f"{place} 'grade:'") if grade is not None else None,
        error=_text(error, f"{place} 'error:'") if error is not None else None,
    )


def _id(key: object) -> str:
    """An item or task id as the rubric writes it (YAML reads `12` as a number)."""
    return fmt(key) if isinstance(key, Decimal) else str(key)


# ---- running a case ---------------------------------------------------------------------------


class DataFiles:
    """The base data files a run reads, each once."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._read: dict[str, DataFile | RubricError] = {}

    def get(self, path: str) -> DataFile:
        if path not in self._read:
            try:
                self._read[path] = read_data(path, self.limits)
            except RubricError as error:
                self._read[path] = error
        found = self._read[path]
        if isinstance(found, RubricError):
            raise found
        return found


@attrs.frozen
class Difference:
    what: str  # "total", "item 8", "task 3", "error"
    expected: str
    actual: str
    detail: tuple[str, ...] = ()  # a differing item's rules


@attrs.frozen
class Evaluation:
    """What a case ran: the result (None when the evaluation raised) and what it read."""

    result: Result | None
    readings: Mapping[str, Reading]
    reported: Mapping[str, str]
    error: str | None = None


@attrs.frozen
class CaseOutcome:
    case: Case
    differences: tuple[Difference, ...]
    evaluation: Evaluation | None

    @property
    def passed(self) -> bool:
        return not self.differences


def case_data(
    rubric: Rubric, case: Case, files: DataFiles
) -> tuple[dict[str, object], dict[str, object]]:
    """The indicators and 合理缺项 reports a case gives the rubric (DataFileError for a bad base
    file)."""
    if case.indicators is not None:
        return dict(case.indicators), dict(case.not_applicable)
    assert case.base is not None
    data = files.get(case.base)
    own, allowed = own_data(rubric, data.indicators, data.not_applicable)
    indicators: dict[str, object] = {**own, **case.changes}
    for name in case.removed:
        indicators.pop(name, None)
    return indicators, {**allowed, **case.not_applicable}


def evaluate_case(rubric: Rubric, case: Case, files: DataFiles) -> Evaluation:
    """Run a case's evaluation, its messages in English (they are for the rubric's authors)."""
    with speaking("en"):
        try:
            indicators, reported = case_data(rubric, case, files)
            result = rubric.evaluate(indicators, reported)  # type: ignore[arg-type]
        except RubricError as error:
            return Evaluation(None, {}, {}, str(error))
        readings = read_with_derived(rubric.checked.indicators, rubric.tree.derived, indicators)
    return Evaluation(result, readings, {str(k): str(v) for k, v in reported.items()})


def run_case(rubric: Rubric, case: Case, files: DataFiles) -> CaseOutcome:
    evaluation = evaluate_case(rubric, case, files)
    return CaseOutcome(case, tuple(differences(case.expect, evaluation)), evaluation)


def differences(expect: Expect, evaluation: Evaluation) -> Iterator[Difference]:
    """Each expected value the evaluation does not give, item by item."""
    result = evaluation.result
    if expect.error is not None:
        if evaluation.error is None:
            yield Difference("error", _quoted(expect.error), "no error")
        elif expect.error not in evaluation.error:
            yield Difference("error", _quoted(expect.error), _quoted(evaluation.error))
        return
    if result is None:
        yield Difference("error", "no error", _quoted(evaluation.error or ""))
        return
    for key, number in expect.numbers.items():
        actual = result.deducted if key == "deducted" else getattr(result, key)
        if actual != number:
            yield Difference(key, fmt(number), fmt(actual))
    items = {item.id: item for item in result.items}
    for item_id, points in expect.items.items():
        item = items.get(item_id)
        if item is None:
            yield Difference(f"item {item_id}", fmt(points), "no such item")
        elif item.score != points:
            yield Difference(f"item {item_id}", fmt(points), fmt(item.score), _rules(item.rules))
    tasks = {task.id: task for task in result.tasks}
    for task_id, status in expect.tasks.items():
        task = tasks.get(task_id)
        if task is None:
            yield Difference(f"task {task_id}", TASK_WORDS[status], "no such task")
        elif task.status != status:
            unmet = tuple(f"not met: {r.text} ({r.values_text()})" for r in task.unmet)
            yield Difference(f"task {task_id}", TASK_WORDS[status], TASK_WORDS[task.status], unmet)
    if expect.eligible is not None and result.eligible != expect.eligible:
        yield Difference("eligible", _yes(expect.eligible), _yes(result.eligible))
    if expect.unmet is not None:
        unmet = tuple(r.text for r in result.unmet_requirements)
        if sorted(unmet) != sorted(expect.unmet):
            yield Difference("unmet", _listed(expect.unmet), _listed(unmet))
    if expect.vetoes is not None:
        struck = tuple(veto.text for veto in result.all_vetoes if veto.triggered)
        if sorted(struck) != sorted(expect.vetoes):
            yield Difference("vetoes", _listed(expect.vetoes), _listed(struck))
    if expect.grade is not None:
        grade = result.grade.grade if result.grade is not None else "no grade"
        if grade != expect.grade:
            yield Difference("grade", expect.grade, grade)


def _rules(rules: Sequence[RuleTrace]) -> tuple[str, ...]:
    return tuple(
        f"line {rule.line}: {rule.status} {fmt(rule.gave)} of {fmt(rule.reach)}"
        f" ({rule.values_text()}) {clip(rule.text, 60)}"
        for rule in rules
    )


def _quoted(text: str) -> str:
    return '"' + clip(text, 300) + '"'


def _yes(value: bool) -> str:
    return "true" if value else "false"


def _listed(texts: Sequence[str]) -> str:
    return "[" + ", ".join(_quoted(text) for text in texts) + "]" if texts else "none"


def warning_differences(rubric: Rubric, case_file: CaseFile) -> tuple[Difference, ...]:
    """The checker's warnings the case file pins (`warnings:`) against the rubric's."""
    if case_file.warnings is None:
        return ()
    actual = [warning.message for warning in rubric.warnings]
    missing = [w for w in case_file.warnings if w not in actual]
    extra = [w for w in actual if w not in case_file.warnings]
    found = [Difference("warning", _quoted(w), "not given") for w in missing]
    found += [Difference("warning", "none", _quoted(w)) for w in extra]
    return tuple(found)


# ---- coverage ---------------------------------------------------------------------------------

RULES = "rules"
THRESHOLDS = "thresholds"
LIMITS = "limits"
NOT_APPLICABLE_MEASURE = "na"
MEASURES = (
    (RULES, "rules met and not met"),
    (THRESHOLDS, "thresholds below, at, above"),
    (LIMITS, "caps and floors binding"),
    (NOT_APPLICABLE_MEASURE, "not applicable (na) seen"),
)

Truth = bool | None

_NUMERIC = ("count", "percent", "score", "amount", "number")
_RANGES: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "count": (ZERO, None),
    "percent": (ZERO, Decimal(100)),
    "score": (ZERO, Decimal(100)),
    "amount": (ZERO, None),
}


@attrs.frozen
class Goal:
    """One thing coverage asks to see, with the observations it needs."""

    measure: str
    line: int
    where: str  # "item 8", "task 3", "rubric"
    what: str  # the rule, comparison or limit, in words
    needs: tuple[str, ...]


def _conditions(node: object) -> Iterator[ast.Condition]:
    if isinstance(node, ast.Fixed | ast.Veto | ast.Requirement | ast.NotApplicableWhen):
        yield node.condition
    elif isinstance(node, ast.Tiers):
        for tier in node.tiers:
            yield tier.condition


def truth(
    condition: ast.Condition,
    readings: Mapping[str, Reading],
    indicators: Mapping[str, IndicatorSpec],
    forced: tuple[ast.Comparison, bool] | None = None,
) -> Truth:
    """A condition's truth on the readings, in Kleene's logic as the evaluation has it; `forced`
    gives one comparison a truth of its own (to see whether it decides the condition)."""
    if forced is not None and condition is forced[0]:
        return forced[1]
    if isinstance(condition, ast.Flag):
        value = readings[condition.indicator.name]
        return None if isinstance(value, NotApplicable) else value is True
    if isinstance(condition, ast.Not):
        inner = truth(condition.operand, readings, indicators, forced)
        return None if inner is None else not inner
    if isinstance(condition, ast.AllOf | ast.AnyOf):
        decisive = isinstance(condition, ast.AnyOf)
        unknown = False
        for operand in condition.operands:
            found = truth(operand, readings, indicators, forced)
            if found is decisive:
                return decisive
            unknown = unknown or found is None
        return None if unknown else not decisive
    if isinstance(condition, ast.Trend):
        series = readings[condition.series.name]
        if isinstance(series, NotApplicable):
            return None
        assert isinstance(series, tuple)
        pairs = list(itertools.pairwise(series))
        if condition.direction == "decreasing":
            return all(later < earlier for earlier, later in pairs)
        return all(later > earlier for earlier, later in pairs)
    left = _operand(condition.left, readings, indicators)
    right = _operand(condition.right, readings, indicators)
    if isinstance(left, NotApplicable) or isinstance(right, NotApplicable):
        return None
    return bool(COMPARE[condition.operator](left, right))


def _operand(
    operand: ast.Operand, readings: Mapping[str, Reading], indicators: Mapping[str, IndicatorSpec]
) -> object:
    if isinstance(operand, ast.NumberLiteral | ast.BoolLiteral):
        return operand.value
    if isinstance(operand, ast.SeriesPoint):
        series = readings[operand.series.name]
        if isinstance(series, NotApplicable):
            return series
        assert isinstance(series, tuple)
        return series[-1 if operand.which == "last" else -2]
    if operand.name in indicators:
        return readings[operand.name]
    return operand.name  # an enum level


def _numeric(operand: ast.Operand, indicators: Mapping[str, IndicatorSpec]) -> str | None:
    """The kind of a numeric operand (`literal`, an indicator's type, `series`), else None."""
    if isinstance(operand, ast.NumberLiteral):
        return "literal"
    if isinstance(operand, ast.SeriesPoint):
        return "series"
    if isinstance(operand, ast.Reference) and operand.name in indicators:
        kind = indicators[operand.name].kind
        return kind if kind in _NUMERIC else None
    return None


def _words(condition: ast.Comparison) -> str:
    def side(operand: ast.Operand) -> str:
        if isinstance(operand, ast.NumberLiteral):
            return fmt(operand.value)
        if isinstance(operand, ast.SeriesPoint):
            return f"{operand.which}({operand.series.name})"
        if isinstance(operand, ast.BoolLiteral):
            return "true" if operand.value else "false"
        return operand.name

    return f"{side(condition.left)} {condition.operator} {side(condition.right)}"


def _threshold_needs(
    condition: ast.Comparison, indicators: Mapping[str, IndicatorSpec]
) -> tuple[str, ...]:
    if condition.operator in ("==", "!="):
        return ("at", "not at")
    needs = ["below", "at", "above"]
    literal, other = condition.right, condition.left
    if isinstance(condition.left, ast.NumberLiteral):
        literal, other = condition.left, condition.right
    if isinstance(literal, ast.NumberLiteral) and isinstance(other, ast.Reference):
        spec = indicators[other.name]
        low, high = _RANGES.get(spec.kind, (None, None))
        bound = literal.value
        if low is not None and bound <= low:
            needs.remove("below")
        if high is not None and bound >= high:
            needs.remove("above")
        if spec.kind == "count" and bound != bound.to_integral_value():
            needs.remove("at")
    return tuple(needs)


@attrs.frozen
class _Watched:
    """A comparison coverage watches, and the place whose condition holds it."""

    goal: Goal
    comparison: ast.Comparison
    condition: ast.Condition
    rule_place: tuple[int, int] | None  # the rule's (line, column): skipped when it is n/a


class Coverage:
    """What the cases of one rubric have shown of it, measured on their evaluations."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.indicators = rubric.checked.indicators
        self.goals: list[Goal] = []
        self.seen: dict[Goal, set[str]] = {}
        self.evaluations = 0
        self._rules: dict[tuple[int, int], Goal] = {}
        self._tiers: dict[tuple[int, int], list[tuple[ast.Tier, Goal]]] = {}
        self._gates: dict[tuple[int, int], Goal] = {}
        self._watched: list[_Watched] = []
        self._item_caps: dict[str, Goal] = {}
        self._item_floors: dict[str, Goal] = {}
        self._groups: dict[tuple[str, int], Goal] = {}
        self._categories: dict[str, Goal] = {}
        self._category_floors: dict[str, Goal] = {}
        self._totals: dict[str, Goal] = {}
        self._na_indicators: dict[str, Goal] = {}
        self._excuses: dict[tuple[str, ...], Goal] = {}  # (what, name[, na when's text]) → goal
        self._build(rubric.checked.file)

    def _add(self, goal: Goal) -> Goal:
        self.goals.append(goal)
        self.seen[goal] = set()
        return goal

    # -- the goals, from the rubric

    def _build(self, file: ast.RubricFile) -> None:
        for category in file.categories:
            self._category(category)
        self._deductions(file.deductions, "the total")
        for veto in file.vetoes:
            self._gate(veto, "rubric", ("strikes", "does not strike"), "veto")
        for requirement in file.requirements:
            self._gate(requirement, "rubric", ("holds", "fails"), "require")
        for task in file.tasks():
            for requirement in task.requirements:
                self._gate(requirement, f"task {task.id}", ("holds", "fails"), "require")
        self._limits(file)
        for name, spec in self.indicators.items():
            if spec.allows_na:
                goal = Goal(
                    NOT_APPLICABLE_MEASURE,
                    spec.span.line,
                    "indicator",
                    f"{name} or na",
                    ("not applicable",),
                )
                self._na_indicators[name] = self._add(goal)

    def _category(self, category: ast.Category) -> None:
        where = f"category '{category.title}'"
        for requirement in category.requirements:
            self._gate(requirement, where, ("holds", "fails"), "require")
        self._excuse(category.not_applicable, "category", category.title, category.span.line)
        for member in category.members:
            if isinstance(member, ast.Group):
                self._excuse(member.not_applicable, "group", member.title, member.span.line)
        for item in items_of(category):
            self._item(item)
        self._deductions(category.deductions, where)

    def _item(self, item: ast.Item) -> None:
        where = f"item {item.id}"
        self._excuse(item.not_applicable, "item", item.id, item.span.line)
        for requirement in item.requirements:
            self._gate(requirement, where, ("holds", "fails"), "require")
        for veto in item.vetoes:
            self._gate(veto, where, ("strikes", "does not strike"), "veto")
        for rule in item.rules:
            self._rule(rule, where)

    def _deductions(self, blocks: tuple[ast.Deductions, ...], where: str) -> None:
        for block in blocks:
            for rule in block.rules:
                self._rule(rule, where)

    def _rule(self, rule: ast.Rule, where: str) -> None:
        place = (rule.span.line, rule.span.column)
        if isinstance(rule, ast.Tiers):
            tiers = []
            for tier in rule.tiers:
                goal = Goal(
                    RULES,
                    tier.span.line,
                    where,
                    f"tier {fmt(tier.points)}: {tier.text}",
                    ("chosen", "not chosen"),
                )
                tiers.append((tier, self._add(goal)))
            self._tiers[place] = tiers
        else:
            needs = ("met",) if isinstance(rule, ast.Always) else ("met", "not met")
            self._rules[place] = self._add(
                Goal(RULES, rule.span.line, where, _rule_words(rule), needs)
            )
        self._watch(rule, where, place)

    def _gate(
        self, gate: ast.Veto | ast.Requirement, where: str, needs: tuple[str, str], word: str
    ) -> None:
        goal = Goal(RULES, gate.span.line, where, f"{word}: {gate.text}", needs)
        self._gates[(gate.span.line, gate.span.column)] = self._add(goal)
        self._watch(gate, where, None)

    def _excuse(self, excuses: tuple[ast.Excuse, ...], what: str, name: str, line: int) -> None:
        for excuse in excuses:
            self._watch(excuse, f"{what} {name}", None)
            if isinstance(excuse, ast.NotApplicableWhen):
                goal = Goal(
                    NOT_APPLICABLE_MEASURE,
                    excuse.span.line,
                    f"{what} {name}",
                    f"na when: {excuse.text}",
                    ("excused",),
                )
                self._excuses[(what, name, excuse.text)] = self._add(goal)
            else:
                goal = Goal(
                    NOT_APPLICABLE_MEASURE,
                    excuse.span.line,
                    f"{what} {name}",
                    f"na allowed: {excuse.text}",
                    ("reported",),
                )
                self._excuses[(what, name)] = self._add(goal)

    def _watch(self, node: object, where: str, place: tuple[int, int] | None) -> None:
        for condition in _conditions(node):
            for comparison in ast.comparisons(condition):
                left = _numeric(comparison.left, self.indicators)
                right = _numeric(comparison.right, self.indicators)
                if left is None or right is None or left == right == "literal":
                    continue
                needs = _threshold_needs(comparison, self.indicators)
                goal = self._add(
                    Goal(THRESHOLDS, comparison.span.line, where, _words(comparison), needs)
                )
                self._watched.append(_Watched(goal, comparison, condition, place))

    def _limits(self, file: ast.RubricFile) -> None:
        base_reach = bonus_reach = ZERO
        for category in file.categories:
            members = ZERO
            for member in category.members:
                if isinstance(member, ast.Group):
                    items = sum((self._item_limits(i) for i in member.items), ZERO)
                    if member.total is not None and items > member.total:
                        goal = Goal(
                            LIMITS,
                            member.span.line,
                            f"group '{member.title}'",
                            f"total {fmt(member.total)}",
                            ("binding",),
                        )
                        self._groups[(member.title, member.span.line)] = self._add(goal)
                    members += items if member.total is None else min(items, member.total)
                else:
                    members += self._item_limits(member)
            if members > category.points:
                goal = Goal(
                    LIMITS,
                    category.span.line,
                    f"category '{category.title}'",
                    f"total {fmt(category.points)}",
                    ("binding",),
                )
                self._categories[category.title] = self._add(goal)
            if category.deductions:
                goal = Goal(
                    LIMITS,
                    category.span.line,
                    f"category '{category.title}'",
                    "floor 0 under its deductions",
                    ("binding",),
                )
                self._category_floors[category.title] = self._add(goal)
            reach = min(members, category.points)
            if category.is_bonus:
                bonus_reach += reach
            else:
                base_reach += reach
        checked = self.rubric.checked
        if base_reach > checked.base_max:
            self._totals["base"] = self._add(
                Goal(LIMITS, 1, "rubric", f"base {fmt(checked.base_max)}", ("binding",))
            )
        if bonus_reach > checked.bonus_max:
            self._totals["bonus"] = self._add(
                Goal(LIMITS, 1, "rubric", f"bonus {fmt(checked.bonus_max)}", ("binding",))
            )
        if file.deductions:
            self._totals["floor"] = self._add(
                Goal(
                    LIMITS,
                    file.deductions[0].span.line,
                    "rubric",
                    "the total's floor 0 under its deductions",
                    ("binding",),
                )
            )

    def _item_limits(self, item: ast.Item) -> Decimal:
        """Add the goals of an item's cap and floor; what the item can reach."""
        limit = item.points if item.cap is None else min(item.points, item.cap)
        reach = sum((rule_reach(rule) for rule in item.rules), ZERO)
        where = f"item {item.id}"
        if reach > limit:
            what = f"cap {fmt(limit)}" if item.cap is not None else f"declared {fmt(limit)}"
            self._item_caps[item.id] = self._add(
                Goal(LIMITS, item.span.line, where, what, ("binding",))
            )
        if any(severest(rule) != 0 for rule in item.rules):
            self._item_floors[item.id] = self._add(
                Goal(LIMITS, item.span.line, where, "floor 0", ("binding",))
            )
        return min(reach, limit)

    # -- observing an evaluation

    def observe(self, evaluation: Evaluation) -> None:
        result = evaluation.result
        if result is None:
            return
        self.evaluations += 1
        readings = evaluation.readings
        statuses: dict[tuple[int, int], str] = {}
        for category in result.categories:
            self._observe_category(category, readings, evaluation.reported, statuses)
        self._observe_rules(result.deductions, readings, statuses)
        if any(rule.status == CAPPED for rule in result.deductions) and "floor" in self._totals:
            self.seen[self._totals["floor"]].add("binding")
        base_sum = sum((c.score for c in result.categories if not c.is_bonus), ZERO)
        if "base" in self._totals and base_sum > result.base_raw:
            self.seen[self._totals["base"]].add("binding")
        bonus_sum = sum((c.score for c in result.categories if c.is_bonus), ZERO)
        if "bonus" in self._totals and bonus_sum > result.bonus:
            self.seen[self._totals["bonus"]].add("binding")
        for veto in result.all_vetoes:
            self._gate_seen((veto.line, veto.column), veto.status, "strikes", "does not strike")
        for requirement in result.requirements:
            self._gate_seen(
                (requirement.line, requirement.column), requirement.status, "holds", "fails"
            )
        for name, goal in self._na_indicators.items():
            if isinstance(readings.get(name), NotApplicable):
                self.seen[goal].add("not applicable")
        for watched in self._watched:
            self._observe_comparison(watched, readings, statuses)

    def _gate_seen(self, place: tuple[int, int], status: str, yes: str, no: str) -> None:
        goal = self._gates.get(place)
        if goal is not None and status in (MET, NOT_MET):
            self.seen[goal].add(yes if status == MET else no)

    def _observe_category(
        self,
        category: CategoryTrace,
        readings: Mapping[str, Reading],
        reported: Mapping[str, str],
        statuses: dict[tuple[int, int], str],
    ) -> None:
        self._excused("category", category.title, category.na_reason, reported)
        if category.cut > 0 and category.title in self._categories:
            self.seen[self._categories[category.title]].add("binding")
        self._observe_rules(category.deductions, readings, statuses)
        if category.title in self._category_floors and any(
            r.status == CAPPED for r in category.deductions
        ):
            self.seen[self._category_floors[category.title]].add("binding")
        for member in category.members:
            if isinstance(member, GroupTrace):
                self._excused("group", member.title, member.na_reason, reported)
                goal = self._groups.get((member.title, member.line))
                if goal is not None and member.cut > 0:
                    self.seen[goal].add("binding")
        for item in category.items():
            self._excused("item", item.id, item.na_reason, reported)
            self._observe_rules(item.rules, readings, statuses)
            for rule in item.rules:
                if rule.status == CAPPED:
                    limits = self._item_caps if rule.reach > 0 else self._item_floors
                    if item.id in limits:
                        self.seen[limits[item.id]].add("binding")

    def _excused(
        self, what: str, name: str, reason: str | None, reported: Mapping[str, str]
    ) -> None:
        if reason is None:
            return
        if name in reported and reported[name] == reason and (what, name) in self._excuses:
            self.seen[self._excuses[(what, name)]].add("reported")
            return
        goal = self._excuses.get((what, name, reason))
        if goal is not None:
            self.seen[goal].add("excused")

    def _observe_rules(
        self,
        rules: Sequence[RuleTrace],
        readings: Mapping[str, Reading],
        statuses: dict[tuple[int, int], str],
    ) -> None:
        for rule in rules:
            place = (rule.line, rule.column)
            statuses[place] = rule.status
            goal = self._rules.get(place)
            if goal is not None:
                if rule.status == MET:
                    self.seen[goal].add("met")
                elif rule.status == NOT_MET:
                    self.seen[goal].add("not met")
            tiers = self._tiers.get(place)
            if tiers is not None and rule.status != NOT_APPLICABLE:
                chosen = self._chosen(tiers, readings) if rule.status != NOT_MET else None
                for tier, tier_goal in tiers:
                    self.seen[tier_goal].add("chosen" if tier is chosen else "not chosen")

    def _chosen(
        self, tiers: list[tuple[ast.Tier, Goal]], readings: Mapping[str, Reading]
    ) -> ast.Tier | None:
        lowest = all(tier.points < 0 for tier, _ in tiers)
        best: ast.Tier | None = None
        for tier, _ in tiers:
            if truth(tier.condition, readings, self.indicators) is True:
                if best is None or (
                    tier.points < best.points if lowest else tier.points > best.points
                ):
                    best = tier
        return best

    def _observe_comparison(
        self,
        watched: _Watched,
        readings: Mapping[str, Reading],
        statuses: Mapping[tuple[int, int], str],
    ) -> None:
        if (
            watched.rule_place is not None
            and statuses.get(watched.rule_place, NOT_APPLICABLE) == NOT_APPLICABLE
        ):
            return
        comparison = watched.comparison
        if_true = truth(watched.condition, readings, self.indicators, (comparison, True))
        if_false = truth(watched.condition, readings, self.indicators, (comparison, False))
        if if_true is None or if_false is None or if_true == if_false:
            return  # the rest of the condition decides it: the comparison does not show
        left = _operand(comparison.left, readings, self.indicators)
        right = _operand(comparison.right, readings, self.indicators)
        if not isinstance(left, Decimal) or not isinstance(right, Decimal):
            return
        if isinstance(comparison.left, ast.NumberLiteral):
            left, right = right, left  # the indicator against the bound
        seen = self.seen[watched.goal]
        if left == right:
            seen.add("at")
        else:
            seen.add("not at")
            seen.add("below" if left < right else "above")

    # -- the report

    def measure(self, name: str) -> tuple[int, int]:
        """(observations seen, observations needed) of one measure."""
        goals = [goal for goal in self.goals if goal.measure == name]
        needed = sum(len(goal.needs) for goal in goals)
        seen = sum(len(self.seen[goal] & set(goal.needs)) for goal in goals)
        return seen, needed

    def percent(self, name: str) -> Decimal:
        seen, needed = self.measure(name)
        if needed == 0:
            return Decimal("100.0")
        return (Decimal(100) * seen / needed).quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    def missing(self) -> list[tuple[Goal, tuple[str, ...]]]:
        found = []
        for goal in self.goals:
            lacking = tuple(need for need in goal.needs if need not in self.seen[goal])
            if lacking:
                found.append((goal, lacking))
        return found


def _rule_words(rule: ast.Rule) -> str:
    if isinstance(rule, ast.Fixed | ast.Always | ast.PerUnit | ast.Proportional):
        return f"{fmt(rule.points)} ({rule.text})"
    return rule.text


# ---- a run ------------------------------------------------------------------------------------


@attrs.frozen
class FileRun:
    case_file: CaseFile
    rubric: Rubric
    warnings: tuple[Difference, ...]
    outcomes: tuple[CaseOutcome, ...]


@attrs.frozen
class TestRun:
    files: tuple[FileRun, ...]
    coverage: Mapping[str, Coverage]  # by the rubric's path, for rubrics that have cases
    empty: tuple[str, ...] = ()  # the folders given that hold no case file

    @property
    def cases(self) -> int:
        return sum(len(run.outcomes) for run in self.files)

    @property
    def failed(self) -> int:
        failed = sum(1 for run in self.files for outcome in run.outcomes if not outcome.passed)
        return failed + sum(1 for run in self.files if run.warnings)

    def below(self, minimum: Decimal) -> list[tuple[str, str, Decimal]]:
        """Each (rubric, measure, percent) under the minimum."""
        return [
            (path, name, coverage.percent(name))
            for path, coverage in self.coverage.items()
            for name, _ in MEASURES
            if coverage.percent(name) < minimum
        ]


def run_paths(paths: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> TestRun:
    """Run the cases of every case file the paths name (see find_case_files)."""
    rubrics: dict[str, Rubric] = {}
    coverage: dict[str, Coverage] = {}
    files = DataFiles(limits)
    runs = []
    empty = tuple(path for path in paths if os.path.isdir(path) and not find_case_files([path]))
    for path in find_case_files(paths):
        case_file = read_case_file(path, limits)
        key = os.path.abspath(case_file.rubric_path)
        if key not in rubrics:
            rubrics[key] = load(case_file.rubric_path, limits)
            coverage[case_file.rubric_path] = Coverage(rubrics[key])
        rubric = rubrics[key]
        watcher = next(c for c in coverage.values() if c.rubric is rubric)
        outcomes = []
        for case in case_file.cases:
            outcome = run_case(rubric, case, files)
            if outcome.evaluation is not None:
                watcher.observe(outcome.evaluation)
            outcomes.append(outcome)
        runs.append(
            FileRun(case_file, rubric, warning_differences(rubric, case_file), tuple(outcomes))
        )
    return TestRun(tuple(runs), coverage, empty)


def render_run(run: TestRun, minimum: Decimal | None = None) -> str:
    """The run as a test runner shows it: a line per case, a diff per failure, the summary,
    then each rubric's coverage with what is missing."""
    lines: list[str] = []
    for file_run in run.files:
        lines.append(
            f"{escape(file_run.case_file.path)} ({escape(file_run.case_file.rubric_path)})"
        )
        for difference in file_run.warnings:
            lines.append("  FAIL  the checker's warnings")
            lines += _difference_lines(difference)
        for outcome in file_run.outcomes:
            mark = "ok  " if outcome.passed else "FAIL"
            lines.append(f"  {mark}  {escape(outcome.case.name)}")
            if not outcome.passed:
                if outcome.case.note:
                    lines.append(f"        note: {escape(clip(outcome.case.note, 300))}")
                for difference in outcome.differences:
                    lines += _difference_lines(difference)
    lines += [f"{escape(path)}: no case files (tests/*.yaml)" for path in run.empty]
    passed = run.cases - sum(1 for f in run.files for o in f.outcomes if not o.passed)
    summary = f"{run.cases} case{'s' if run.cases != 1 else ''}: {passed} passed"
    if run.failed:
        summary += f", {run.failed} failed"
    lines += ["", summary]
    for path, coverage in run.coverage.items():
        lines += ["", f"coverage of {escape(path)} ({coverage.evaluations} evaluations)"]
        for name, words in MEASURES:
            seen, needed = coverage.measure(name)
            lines.append(f"  {words:<30} {seen:>4}/{needed:<4} {coverage.percent(name)}%")
        missing = coverage.missing()
        if missing:
            lines.append("  not seen:")
            for goal, lacking in missing[:200]:
                lines.append(
                    f"    line {goal.line} ({escape(goal.where)}): {escape(clip(goal.what, 80))}"
                    f": {', '.join(lacking)}"
                )
            if len(missing) > 200:
                lines.append(f"    … and {len(missing) - 200} more")
    if minimum is not None:
        for path, name, percent in run.below(minimum):
            lines.append(f"coverage below {fmt(minimum)}%: {escape(path)} {name} {percent}%")
    return "\n".join(lines) + "\n"


def _difference_lines(difference: Difference) -> list[str]:
    lines = [
        f"        {escape(difference.what)}: expected {escape(difference.expected)}, "
        f"got {escape(difference.actual)}"
    ]
    lines += [f"          {escape(detail)}" for detail in difference.detail]
    return lines
