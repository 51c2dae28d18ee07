"""The lint pass: findings about what a rubric that compiles says, each with a stable code.

The checker (model.py) decides whether a rubric makes sense; this pass, run on its checked
model and the source text, looks for what is probably a mistake in the encoding: wording that
says "以上" where the condition says `>`, a number or points in the wording that differ from
the rule's, conditions that are decided by the types alone, tiers that can never count, a
bonus the item's cap always cuts, points more precise than the rest. One function per rule;
`CODES` lists them and docs/lint.md explains them. A finding is a warning (`Diagnostic`, code
"R101"…); `# rubricdsl: ignore[R101] reason` on its line (or alone on the line above) silences
it, and an ignore without a reason, naming an unknown code or silencing nothing is itself a
finding (R100).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal

import attrs

from rubricdsl import ast
from rubricdsl.errors import Diagnostic, diagnostic
from rubricdsl.evaltree import COMPARE
from rubricdsl.exact import exactly
from rubricdsl.model import (
    CheckedRubric,
    IndicatorSpec,
    constant_outcome,
    counted,
    fmt,
    item_limit,
    tidy,
)
from rubricdsl.printer import condition_text, operand_text
from rubricdsl.source import Span, source_lines

CODES: Mapping[str, str] = {
    "R100": "an ignore comment without a reason, naming an unknown code, or silencing nothing",
    "R101": "the wording's comparison word disagrees with the operator (以上 with >, 超过 with >=)",
    "R102": "the number the wording compares with differs from the condition's threshold",
    "R103": "points in the wording (加 2 分, 扣 1 分, 最多 3 分, 满分 4 分) differ from the rule's",
    "R104": "a condition that can never hold, given the indicators' types and ranges",
    "R105": "a condition that always holds, given the indicators' types and ranges",
    "R106": "a tier that never counts: whenever it holds, a tier that gives more holds too",
    "R107": "a bonus the item's cap always cuts: whenever it holds, the rules above fill the cap",
    "R108": "points written with more decimal places than any other points of the rubric",
}

SEVERITY = "warning"


@attrs.frozen
class LintResult:
    """What the lint pass found: the findings shown (R100 included) and those an ignore comment
    silenced, each sorted by place."""

    findings: tuple[Diagnostic, ...]
    silenced: tuple[Diagnostic, ...]


@attrs.frozen
class _Finding:
    diagnostic: Diagnostic
    first_line: int  # the statement's lines: an ignore comment on any of them silences it
    last_line: int


# ---- the wording: numbers, the words that compare them, the points it names ----------------

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％－", "0123456789.%-")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")

# The comparison words of Chinese tables and the operator each means ("以上" includes the bound,
# docs/language.md). Longest first, so that 不低于 is read before 低于.
_PREFIX_WORDS: dict[str, str] = {
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "不超过": "<=",
    "不高于": "<=",
    "不大于": "<=",
    "达到": ">=",
    "至少": ">=",
    "超过": ">",
    "高于": ">",
    "大于": ">",
    "低于": "<",
    "少于": "<",
    "小于": "<",
}
_SUFFIX_WORDS: dict[str, str] = {"以上": ">=", "以下": "<="}
_PREFIX = re.compile("(" + "|".join(sorted(_PREFIX_WORDS, key=len, reverse=True)) + r")\s*$")
# After the number: its unit (%, 分, 万元, 个百分点, …), then 以上 / 以下 ("及以上" included).
_SUFFIX = re.compile(r"^\s*%?\s*([^\s\d%，。；、,.;:：（）()“”\"]{0,5}?)\s*(以上|以下)")
_NEGATION = re.compile(r"(未|没|无|非|不|没有|未能)$")

_MAX_POINTS = re.compile(r"最(?:多|高)\s*(?:加|扣|得|计)?\s*(\d+(?:\.\d+)?)\s*分")
_FULL_POINTS = re.compile(r"满分\s*(?:为\s*)?(\d+(?:\.\d+)?)\s*分")
_GAIN_POINTS = re.compile(r"(?<![增追附])(?:加|得|计)\s*(\d+(?:\.\d+)?)\s*分")
_BASE_POINTS = re.compile(r"基础分\s*(\d+(?:\.\d+)?)\s*分")
_DEDUCT_POINTS = re.compile(r"(?:扣|减)\s*(\d+(?:\.\d+)?)\s*分")


@attrs.frozen
class _Mention:
    """A number in the wording and the comparison the words around it make of it."""

    value: Decimal
    operator: str | None  # >=, >, <=, <; None when no comparison word stands by it
    unsure: bool  # negated (未达到) or two words that disagree
    shown: str  # the words as written: "90%以上"


def _mentions(wording: str) -> list[_Mention]:
    text = wording.translate(_FULL_WIDTH)
    found = []
    for match in _NUMBER.finditer(text):
        operators = []
        unsure = False
        start, end = match.start(), match.end()
        before = _PREFIX.search(text[max(0, start - 8) : start])
        if before:
            operators.append(_PREFIX_WORDS[before.group(1)])
            start -= len(before.group(0))
            if _NEGATION.search(text[max(0, start - 2) : start]):
                unsure = True
        after = _SUFFIX.match(text[end : end + 12])
        if after:
            operators.append(_SUFFIX_WORDS[after.group(2)])
            end += after.end()
        elif text[end : end + 1] == "%":
            end += 1
        if len(set(operators)) > 1:
            unsure = True
        operator = operators[0] if operators else None
        found.append(_Mention(Decimal(match.group()), operator, unsure, wording[start:end]))
    return found


def _direction(operator: str) -> str:
    return "up" if operator in (">=", ">") else "down"


def _points_named(pattern: re.Pattern[str], text: str) -> list[Decimal]:
    return [Decimal(match.group(1)) for match in pattern.finditer(text)]


# ---- conditions as functions of a few values: what can hold, what implies what -------------

_ORDERING = (">=", ">", "<=", "<")
_MAX_ASSIGNMENTS = 4096  # values tried for one question
_BUDGET = 1_000_000  # values tried in all: past it, the pass stops deciding (and reports less)
_MAX_TIERS = 64  # tiers, or rules of an item, compared pairwise
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}
_WHOLE_KINDS = frozenset({"count"})
_LOWEST: dict[str, Decimal] = {
    "count": Decimal(0),
    "percent": Decimal(0),
    "score": Decimal(0),
    "amount": Decimal(0),
}
_HIGHEST: dict[str, Decimal] = {"percent": Decimal(100), "score": Decimal(100)}


@attrs.frozen
class _Threshold:
    """`x <op> N` with the indicator (or series point) on the left."""

    key: str
    kind: str
    operator: str
    value: Decimal
    comparison: ast.Comparison


@attrs.define
class _Atoms:
    numbers: dict[str, tuple[str, set[Decimal]]] = attrs.Factory(dict)
    choices: dict[str, tuple[object, ...]] = attrs.Factory(dict)


class _Space:
    """Conditions over the values an indicator's type allows, decided by trying every value
    that matters: each threshold, a value between and beyond them, the ends of the range (for
    a count, whole numbers only). Atoms it cannot decide (a trend, two indicators compared) are
    free: each may be true or false on its own, so what it finds holds for the real conditions
    too."""

    def __init__(self, indicators: Mapping[str, IndicatorSpec]) -> None:
        self.indicators = indicators
        self.budget = _BUDGET
        # each condition compiled once to a function of the values (by id: the AST outlives it)
        self.compiled: dict[int, tuple[ast.Condition, Callable[[Mapping[str, object]], bool]]]
        self.compiled = {}

    def threshold(self, comparison: ast.Comparison) -> _Threshold | None:
        left, right, operator = comparison.left, comparison.right, comparison.operator
        if isinstance(left, ast.NumberLiteral) and not isinstance(right, ast.NumberLiteral):
            left, right, operator = right, left, _FLIP[operator]
        if not isinstance(right, ast.NumberLiteral):
            return None
        if isinstance(left, ast.SeriesPoint):
            if left.series.name not in self.indicators:
                return None
            return _Threshold(operand_text(left), "number", operator, right.value, comparison)
        if isinstance(left, ast.Reference):
            spec = self.indicators.get(left.name)
            if spec is None or spec.kind not in ("count", "percent", "score", "amount", "number"):
                return None
            return _Threshold(left.name, spec.kind, operator, right.value, comparison)
        return None

    def _atoms(self, condition: ast.Condition, atoms: _Atoms) -> None:
        """Collect the variables: numeric keys with their kind and thresholds, bool and enum
        names with their values, undecided atoms as free bools."""
        if isinstance(condition, ast.Not):
            self._atoms(condition.operand, atoms)
        elif isinstance(condition, (ast.AllOf, ast.AnyOf)):
            for operand in condition.operands:
                self._atoms(operand, atoms)
        elif isinstance(condition, ast.Flag):
            atoms.choices.setdefault(condition.indicator.name, (True, False))
        elif isinstance(condition, ast.Comparison):
            found = self.threshold(condition)
            if found is not None:
                atoms.numbers.setdefault(found.key, (found.kind, set()))[1].add(found.value)
                return
            name = self._named(condition)
            if name is not None:
                spec = self.indicators[name]
                values: tuple[object, ...] = (True, False) if spec.kind == "bool" else spec.levels
                atoms.choices.setdefault(name, values)
                return
            atoms.choices.setdefault(condition_text(condition), (True, False))
        else:
            atoms.choices.setdefault(condition_text(condition), (True, False))

    def _named(self, comparison: ast.Comparison) -> str | None:
        """The bool or enum indicator a comparison with a literal or a level tests, if it is one."""
        for this, other in (
            (comparison.left, comparison.right),
            (comparison.right, comparison.left),
        ):
            if not isinstance(this, ast.Reference) or this.name not in self.indicators:
                continue
            spec = self.indicators[this.name]
            if spec.kind == "bool" and isinstance(other, ast.BoolLiteral):
                return this.name
            if (
                spec.kind == "enum"
                and isinstance(other, ast.Reference)
                and other.name in spec.levels
                and comparison.operator in ("==", "!=")
            ):
                return this.name
        return None

    def assignments(self, *conditions: ast.Condition) -> Iterator[dict[str, object]] | None:
        """Every combination of values that matters for the conditions; None when too many."""
        atoms = _Atoms()
        for condition in conditions:
            self._atoms(condition, atoms)
        table: dict[str, tuple[object, ...]] = {
            key: tuple(_candidates(kind, values)) for key, (kind, values) in atoms.numbers.items()
        }
        for key, values in atoms.choices.items():
            table.setdefault(key, values)
        keys = sorted(table)
        choices = [table[key] for key in keys]
        total = 1
        for choice in choices:
            total *= max(len(choice), 1)
            if total > _MAX_ASSIGNMENTS:
                return None
        self.budget -= total * len(conditions)
        if self.budget < 0:
            return None
        return (dict(zip(keys, values, strict=True)) for values in itertools.product(*choices))

    def truth(self, condition: ast.Condition, values: Mapping[str, object]) -> bool:
        return self.function(condition)(values)

    def function(self, condition: ast.Condition) -> Callable[[Mapping[str, object]], bool]:
        """The condition as a function of the values (compiled once)."""
        known = self.compiled.get(id(condition))
        if known is None or known[0] is not condition:
            known = (condition, self._compile(condition))
            self.compiled[id(condition)] = known
        return known[1]

    def _compile(self, condition: ast.Condition) -> Callable[[Mapping[str, object]], bool]:
        if isinstance(condition, ast.Not):
            inner = self.function(condition.operand)
            return lambda values: not inner(values)
        if isinstance(condition, (ast.AllOf, ast.AnyOf)):
            parts = [self.function(operand) for operand in condition.operands]
            if isinstance(condition, ast.AllOf):
                return lambda values: all(part(values) for part in parts)
            return lambda values: any(part(values) for part in parts)
        if isinstance(condition, ast.Flag):
            name = condition.indicator.name
            return lambda values: values[name] is True
        if isinstance(condition, ast.Comparison):
            found = self.threshold(condition)
            if found is not None:
                key, compare, bound = found.key, COMPARE[found.operator], found.value
                return lambda values: compare(values[key], bound)
            named = self._named(condition)
            if named is not None:
                other = (
                    condition.right
                    if isinstance(condition.left, ast.Reference) and condition.left.name == named
                    else condition.left
                )
                wanted: object = (
                    other.value if isinstance(other, ast.BoolLiteral) else operand_text(other)
                )
                equal = condition.operator == "=="
                return lambda values: (values[named] == wanted) == equal
        free = condition_text(condition)
        return lambda values: values[free] is True

    def outcomes(self, condition: ast.Condition) -> set[bool] | None:
        found = self.assignments(condition)
        if found is None:
            return None
        truth = self.function(condition)
        seen: set[bool] = set()
        for values in found:
            seen.add(truth(values))
            if len(seen) == 2:
                break
        return seen

    def implies(self, first: ast.Condition, second: ast.Condition) -> bool:
        """Whether `second` holds wherever `first` does (False when undecided)."""
        found = self.assignments(first, second)
        if found is None:
            return False
        given, then = self.function(first), self.function(second)
        return all(then(values) for values in found if given(values))

    def reads(self, condition: ast.Condition) -> set[str]:
        """The indicators a condition reads."""
        names: set[str] = set()
        _read(condition, names)
        return names


def _read(condition: ast.Condition, names: set[str]) -> None:
    if isinstance(condition, ast.Not):
        _read(condition.operand, names)
    elif isinstance(condition, (ast.AllOf, ast.AnyOf)):
        for operand in condition.operands:
            _read(operand, names)
    elif isinstance(condition, ast.Flag):
        names.add(condition.indicator.name)
    elif isinstance(condition, ast.Trend):
        names.add(condition.series.name)
    else:
        for side in (condition.left, condition.right):
            if isinstance(side, ast.Reference):
                names.add(side.name)
            elif isinstance(side, ast.SeriesPoint):
                names.add(side.series.name)


def _candidates(kind: str, thresholds: set[Decimal]) -> list[Decimal]:
    """The values of an indicator of `kind` that decide every comparison with the thresholds."""
    ordered = sorted(thresholds)
    low, high = _LOWEST.get(kind), _HIGHEST.get(kind)
    if kind in _WHOLE_KINDS:
        values = {Decimal(0)}
        for value in ordered:
            floor = value.to_integral_value(rounding="ROUND_FLOOR")
            ceiling = value.to_integral_value(rounding="ROUND_CEILING")
            values |= {floor - 1, floor, ceiling, ceiling + 1}
    else:
        values = set(ordered)
        values |= {(a + b) / 2 for a, b in itertools.pairwise(ordered)}
        values |= {ordered[0] - 1, ordered[-1] + 1}
        values |= {bound for bound in (low, high) if bound is not None}
    return sorted(v for v in values if (low is None or v >= low) and (high is None or v <= high))


# ---- where the rubric says something: rules, conditions and their wording ------------------


@attrs.frozen
class _Worded:
    """A condition with the wording beside it, and the statement it stands in."""

    condition: ast.Condition
    wording: str
    span: Span


def _items(file: ast.RubricFile) -> Iterator[ast.Item]:
    for category in file.categories:
        for member in category.members:
            if isinstance(member, ast.Group):
                yield from member.items
            else:
                yield member


def _deduction_rules(file: ast.RubricFile) -> Iterator[ast.Rule]:
    blocks = list(file.deductions)
    for category in file.categories:
        blocks += category.deductions
    for block in blocks:
        yield from block.rules


def _all_rules(file: ast.RubricFile) -> Iterator[tuple[ast.Rule, ast.Item | None]]:
    for item in _items(file):
        for rule in item.rules:
            yield rule, item
    for rule in _deduction_rules(file):
        yield rule, None


def _worded(file: ast.RubricFile) -> Iterator[_Worded]:
    """Every condition with its wording: rules, tiers, vetoes, requirements, tasks, `na when`."""
    for rule, _ in _all_rules(file):
        if isinstance(rule, ast.Fixed):
            yield _Worded(rule.condition, rule.text, rule.span)
        elif isinstance(rule, ast.Tiers):
            for tier in rule.tiers:
                yield _Worded(tier.condition, tier.text, tier.span)
    gates: list[ast.Veto | ast.Requirement | ast.NotApplicableWhen] = [
        *file.vetoes,
        *file.requirements,
    ]
    for task in file.tasks():
        gates += task.requirements
    excuses: list[ast.Excuse] = []
    for category in file.categories:
        gates += category.requirements
        excuses += category.not_applicable
        for member in category.members:
            excuses += member.not_applicable
    for item in _items(file):
        gates += [*item.vetoes, *item.requirements]
        excuses += item.not_applicable
    gates += [excuse for excuse in excuses if isinstance(excuse, ast.NotApplicableWhen)]
    for gate in gates:
        yield _Worded(gate.condition, gate.text, gate.span)


# ---- the pass -------------------------------------------------------------------------------


class _Linter:
    def __init__(self, checked: CheckedRubric, text: str) -> None:
        self.checked = checked
        self.file = checked.file
        self.text = text
        self.space = _Space(checked.indicators)
        self.found: list[_Finding] = []

    def report(
        self, code: str, message: str, span: Span, statement: Span, hint: str | None = None
    ) -> None:
        found = diagnostic(
            SEVERITY,
            code,
            message,
            source_name=self.checked.source_name,
            text=self.text,
            span=span,
            hint=hint,
        )
        self.found.append(_Finding(found, statement.line, statement.end_line))

    def points_span(self, rule_span: Span) -> Span:
        """The points a rule starts with, as written."""
        lines = source_lines(self.text)
        line = lines[rule_span.line - 1] if rule_span.line <= len(lines) else ""
        match = re.match(r"-?[0-9]+(\.[0-9]+)?", line[rule_span.column - 1 :])
        return Span.point(rule_span.line, rule_span.column, len(match.group()) if match else 1)

    # -- R101, R102: the wording's comparison against the condition's --
    def thresholds(self, condition: ast.Condition) -> list[_Threshold | None] | None:
        """The comparisons of a single comparison or an `and` of them (None for a comparison
        of two indicators); None when the condition is anything else."""
        parts: tuple[ast.Condition, ...]
        if isinstance(condition, ast.Comparison):
            parts = (condition,)
        elif isinstance(condition, ast.AllOf):
            parts = condition.operands
        else:
            return None
        found: list[_Threshold | None] = []
        for part in parts:
            if isinstance(part, (ast.Flag, ast.Trend)):
                continue
            if not isinstance(part, ast.Comparison):
                return None
            if part.operator not in _ORDERING:
                continue
            found.append(self.space.threshold(part))
        return found

    def wording_vs_operator(self, place: _Worded) -> None:
        found = self.thresholds(place.condition)
        if not found:
            return
        known = [t for t in found if t is not None]
        mentions = [m for m in _mentions(place.wording) if not m.unsure and m.operator]
        for threshold in known:
            if sum(1 for t in known if t.value == threshold.value) > 1:
                continue  # two comparisons with the same number: which one is meant is unclear
            same = [
                m
                for m in mentions
                if m.value == threshold.value
                and m.operator is not None
                and _direction(m.operator) == _direction(threshold.operator)
            ]
            if not same or any(m.operator == threshold.operator for m in same):
                continue
            mention = same[0]
            written = condition_text(threshold.comparison)
            includes = mention.operator in (">=", "<=")
            self.report(
                "R101",
                f"the wording says '{mention.shown}' ({mention.operator} {fmt(mention.value)}) but "
                f"the condition is '{written}'",
                threshold.comparison.span,
                place.span,
                f"'{mention.shown}' {'includes' if includes else 'excludes'} "
                f"{fmt(mention.value)}: write {mention.operator} {fmt(mention.value)}, or fix "
                "the wording",
            )

    def wording_vs_threshold(self, place: _Worded) -> None:
        found = self.thresholds(place.condition)
        if not found:
            return
        mentions = [m for m in _mentions(place.wording) if not m.unsure and m.operator]
        for direction in ("up", "down"):
            ours = [t for t in found if t is None or _direction(t.operator) == direction]
            if len(ours) != 1 or ours[0] is None:
                continue
            threshold = ours[0]
            theirs = [m for m in mentions if m.operator and _direction(m.operator) == direction]
            values = {m.value for m in theirs}
            if len(values) != 1:
                continue
            mention = theirs[0]
            assert mention.operator is not None
            if mention.value.copy_abs() == threshold.value.copy_abs():
                continue  # the same number (a sign is how a gap is written: 低于 3 个百分点)
            if _same_bound(threshold.kind, mention.operator, mention.value, threshold):
                continue
            written = condition_text(threshold.comparison)
            self.report(
                "R102",
                f"the wording says '{mention.shown}' but the condition is '{written}'",
                threshold.comparison.span,
                place.span,
                f"the table's threshold is {fmt(mention.value)}: check the number in the "
                "condition or in the wording",
            )

    # -- R103: points in the wording --
    def wording_points(self, rule: ast.Rule, item: ast.Item | None) -> None:
        texts: list[tuple[str, Decimal, Span, Span]] = []  # wording, points, at, statement
        maximum: Decimal | None = None
        if isinstance(rule, ast.Tiers):
            texts = [(t.text, t.points, self.points_span(t.span), t.span) for t in rule.tiers]
        else:
            texts = [(rule.text, rule.points, self.points_span(rule.span), rule.span)]
            if isinstance(rule, ast.PerUnit):
                maximum = rule.maximum
        for wording, points, at, statement in texts:
            text = wording.translate(_FULL_WIDTH)
            maxima = _points_named(_MAX_POINTS, text)
            full = _points_named(_FULL_POINTS, text)
            rest = _FULL_POINTS.sub(" ", _MAX_POINTS.sub(" ", text))
            if points > 0:
                named = _points_named(_GAIN_POINTS, rest)
                if isinstance(rule, ast.Always):
                    named += _points_named(_BASE_POINTS, rest)
                verb = "gives"
            else:
                named = _points_named(_DEDUCT_POINTS, rest)
                verb = "deducts"
            if len(set(named)) == 1 and named[0] != points.copy_abs():
                self.report(
                    "R103",
                    f"the wording says {counted(named[0], 'point')} but the rule {verb} "
                    f"{fmt(points.copy_abs())}",
                    at,
                    statement,
                    "check the rule's points against the table",
                )
            if maximum is not None and len(set(maxima)) == 1 and maxima[0] != maximum:
                self.report(
                    "R103",
                    f"the wording says at most {counted(maxima[0], 'point')} but the rule's max is "
                    f"{fmt(maximum)}",
                    at,
                    statement,
                    "check `max` against the table",
                )
            if item is not None and len(set(full)) == 1 and full[0] != item_limit(item):
                limit = item_limit(item)
                self.report(
                    "R103",
                    f"the wording says 满分 {fmt(full[0])} but item {item.id} is worth at most "
                    f"{fmt(limit)}",
                    item.cap_span or item.points_span,
                    statement,
                    "check the item's points and cap against the table",
                )

    # -- R104, R105: conditions decided by the types --
    def decided(self, place: _Worded) -> None:
        condition = place.condition
        if isinstance(condition, (ast.Flag, ast.Comparison, ast.Trend)):
            return  # a single comparison is the checker's (never-holds, always-holds)
        if any(self._constant(c) for c in ast.comparisons(condition)):
            return  # the checker already says so of one comparison in it
        outcomes = self.space.outcomes(condition)
        if outcomes is None or len(outcomes) != 1:
            return
        text = condition_text(condition)
        if outcomes == {False}:
            self.report(
                "R104",
                f"'{text}' never holds, given the indicators' types and ranges",
                condition.span,
                place.span,
                "no district can meet it; check the numbers and the operators",
            )
        else:
            self.report(
                "R105",
                f"'{text}' always holds, given the indicators' types and ranges",
                condition.span,
                place.span,
                "every district meets it; check the numbers and the operators",
            )

    def _constant(self, comparison: ast.Comparison) -> bool:
        found = self.space.threshold(comparison)
        return (
            found is not None
            and constant_outcome(found.kind, found.operator, found.value) is not None
        )

    # -- R106: tiers that never count --
    def tiers(self, rule: ast.Tiers) -> None:
        if len(rule.tiers) > _MAX_TIERS:
            return
        for j, later in enumerate(rule.tiers):
            for i, other in enumerate(rule.tiers):
                if i == j or not _beats(other.points, i, later.points, j, lowest=rule.lowest):
                    continue
                if self.space.implies(later.condition, other.condition):
                    what = "deducts more" if rule.lowest else "gives more"
                    if other.points == later.points:
                        what = "is written first with the same points"
                    self.report(
                        "R106",
                        f"tier '{later.text}' never counts: whenever "
                        f"'{condition_text(later.condition)}' holds, tier '{other.text}' "
                        f"({fmt(other.points)}) holds too and {what}",
                        self.points_span(later.span),
                        later.span,
                        "check the tiers' thresholds and points against the table",
                    )
                    break

    # -- R107: a bonus under the item's cap --
    def bonus_under_cap(self, item: ast.Item) -> None:
        rules = item.rules
        if item.thens or len(rules) > _MAX_TIERS or any(_deducts(rule) for rule in rules):
            return
        limit = item_limit(item)
        for k, rule in enumerate(rules):
            if not isinstance(rule, ast.Fixed) or rule.points <= 0:
                continue
            if self._reads_na(rule.condition):
                continue
            sure = Decimal(0)
            above: list[str] = []
            for earlier in rules[:k]:
                given = self._surely(earlier, rule.condition)
                if given > 0:
                    sure += given
                    above.append(fmt(given))
            if above and sure >= limit:
                self.report(
                    "R107",
                    f"the bonus '{rule.text}' never adds to item {item.id}: whenever "
                    f"'{condition_text(rule.condition)}' holds, the rules above it give "
                    f"{' + '.join(above)} = {fmt(sure)}, the item's maximum {fmt(limit)}",
                    self.points_span(rule.span),
                    rule.span,
                    "check its threshold against those above it, or the item's cap",
                )

    def _surely(self, rule: ast.Rule, condition: ast.Condition) -> Decimal:
        """What a rule surely gives wherever `condition` holds."""
        if isinstance(rule, ast.Always):
            return rule.points
        if isinstance(rule, ast.Fixed):
            if self._reads_na(rule.condition) or not self.space.implies(condition, rule.condition):
                return Decimal(0)
            return rule.points
        if isinstance(rule, ast.Tiers) and not rule.lowest:
            sure = [
                tier.points
                for tier in rule.tiers
                if not self._reads_na(tier.condition)
                and self.space.implies(condition, tier.condition)
            ]
            if sure and all(not self._reads_na(t.condition) for t in rule.tiers):
                return max(sure)
        return Decimal(0)

    def _reads_na(self, condition: ast.Condition) -> bool:
        indicators = self.checked.indicators
        return any(
            name in indicators and indicators[name].allows_na
            for name in self.space.reads(condition)
        )

    # -- R108: precision --
    def precision(self) -> None:
        written: list[tuple[Decimal, Span, Span]] = []  # points, at, statement
        for item in _items(self.file):
            written.append((item.points, item.points_span, item.span))
            if item.cap is not None:
                span = item.cap_span or item.points_span
                written.append((item.cap, span, span))
        for rule, _ in _all_rules(self.file):
            if isinstance(rule, ast.Tiers):
                written += [(t.points, self.points_span(t.span), t.span) for t in rule.tiers]
            elif isinstance(rule, ast.PerUnit):
                if rule.maximum is not None:
                    written.append((rule.maximum, rule.span, rule.span))
            else:
                written.append((rule.points, self.points_span(rule.span), rule.span))
        places = [_places(points) for points, _, _ in written]
        if len(places) < 2:
            return
        ordered = sorted(places, reverse=True)
        for (points, at, statement), count in zip(written, places, strict=True):
            rest = ordered[1] if count == ordered[0] else ordered[0]
            if count <= rest or _is_half(points):
                continue
            self.report(
                "R108",
                f"{fmt(points)} has {count} decimal places; no other points in the rubric "
                f"have more than {rest}",
                at,
                statement,
                "check the points against the table (a typo, or a share worked out by hand?)",
            )

    def run(self) -> list[_Finding]:
        for place in _worded(self.file):
            self.wording_vs_operator(place)
            self.wording_vs_threshold(place)
            self.decided(place)
        for rule, item in _all_rules(self.file):
            if isinstance(rule, (ast.Fixed, ast.Always, ast.PerUnit, ast.Proportional, ast.Tiers)):
                self.wording_points(rule, item)
            if isinstance(rule, ast.Tiers):
                self.tiers(rule)
        for item in _items(self.file):
            self.bonus_under_cap(item)
        self.precision()
        return self.found


def _same_bound(kind: str, operator: str, value: Decimal, threshold: _Threshold) -> bool:
    """Whether `x <operator> value` and the threshold select the same values of `kind`: for a
    count, `> 5` is `>= 6`."""
    if kind not in _WHOLE_KINDS:
        return operator == threshold.operator and value == threshold.value
    return _whole_bound(operator, value) == _whole_bound(threshold.operator, threshold.value)


def _whole_bound(operator: str, value: Decimal) -> tuple[str, Decimal]:
    floor = value.to_integral_value(rounding="ROUND_FLOOR")
    ceiling = value.to_integral_value(rounding="ROUND_CEILING")
    return {
        ">=": (">=", ceiling),
        ">": (">=", floor + 1),
        "<=": ("<=", floor),
        "<": ("<=", ceiling - 1),
    }[operator]


def _beats(points: Decimal, index: int, other: Decimal, other_index: int, *, lowest: bool) -> bool:
    """Whether a tier counts before another when both hold: more points (with `lowest`, a
    bigger deduction), or the same points written first."""
    if points == other:
        return index < other_index
    return points < other if lowest else points > other


def _deducts(rule: ast.Rule) -> bool:
    if isinstance(rule, ast.Tiers):
        return rule.lowest
    return rule.points < 0


def _is_half(points: Decimal) -> bool:
    """Whether points are a whole number and a half (0.5, 2.5): common in tables."""
    _, digits, exponent = tidy(points).as_tuple()
    return exponent == -1 and digits[-1] == 5


def _places(points: Decimal) -> int:
    exponent = tidy(points).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(-exponent, 0)


# ---- ignore comments ------------------------------------------------------------------------

_IGNORE = re.compile(r"rubricdsl\s*:\s*ignore\b\s*(\[([^\]]*)\])?\s*(.*)$")


@attrs.frozen
class _Ignore:
    codes: tuple[str, ...]
    target: int  # the line it silences
    span: Span  # the comment


def _comment_start(line: str) -> int | None:
    """Where a `#` comment starts on a line, outside strings (a string is one line)."""
    in_string = False
    index = 0
    while index < len(line):
        character = line[index]
        if in_string:
            if character == "\\":
                index += 2
                continue
            if character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character == "#":
            return index
        index += 1
    return None


def _ignores(linter: _Linter) -> tuple[list[_Ignore], list[_Finding]]:
    """The ignore comments of the text, and R100 for each that is malformed, names an unknown
    code or has no reason."""
    lines = source_lines(linter.text)
    ignores: list[_Ignore] = []
    problems: list[_Finding] = []

    def problem(message: str, span: Span, hint: str) -> None:
        found = diagnostic(
            SEVERITY,
            "R100",
            message,
            source_name=linter.checked.source_name,
            text=linter.text,
            span=span,
            hint=hint,
        )
        problems.append(_Finding(found, span.line, span.line))

    for number, line in enumerate(lines, start=1):
        start = _comment_start(line)
        if start is None:
            continue
        match = _IGNORE.search(line, start)
        if match is None:
            continue
        span = Span(number, start + 1, number, len(line) + 1)
        if match.group(1) is None:
            problem(
                "an ignore comment must name the codes it silences",
                span,
                "write `# rubricdsl: ignore[R101] the reason`",
            )
            continue
        codes = tuple(c for c in re.split(r"[\s,]+", match.group(2).strip().upper()) if c)
        unknown = [code for code in codes if code not in CODES or code == "R100"]
        if unknown or not codes:
            problem(
                f"an ignore comment names unknown code(s): {', '.join(unknown) or '(none)'}",
                span,
                "the codes are R101 to R108 (docs/lint.md); R100 cannot be silenced",
            )
            continue
        if not match.group(3).strip():
            problem(
                f"ignore[{', '.join(codes)}] gives no reason",
                span,
                "say why the finding is not a mistake: `# rubricdsl: ignore[R101] the reason`",
            )
        target = number
        if not line[:start].strip():  # a comment alone on its line: the next line with code
            target = number + 1
            while target <= len(lines):
                following = lines[target - 1]
                first = _comment_start(following)
                if following[:first].strip() if first is not None else following.strip():
                    break
                target += 1
        ignores.append(_Ignore(codes, target, span))
    return ignores, problems


def _position(found: Diagnostic) -> tuple[int, int]:
    return (found.line or 0, found.column or 0)


@exactly
def lint(checked: CheckedRubric, text: str) -> LintResult:
    """Lint a checked rubric; `text` is its source (where the ignore comments are)."""
    linter = _Linter(checked, text)
    findings = linter.run()
    ignores, problems = _ignores(linter)
    used: set[tuple[int, str]] = set()
    shown: list[Diagnostic] = []
    silenced: list[Diagnostic] = []
    seen: set[tuple[str, int, int, str]] = set()
    targets = sorted((ignore.target, index) for index, ignore in enumerate(ignores))
    for finding in findings:
        found = finding.diagnostic
        key = (found.code, found.line or 0, found.column or 0, found.message)
        if key in seen:
            continue
        seen.add(key)
        # the ignores on the finding's lines, found by bisection (not by trying each)
        low = bisect.bisect_left(targets, (finding.first_line, -1))
        high = bisect.bisect_right(targets, (finding.last_line, len(ignores)))
        by = [(i, found.code) for _, i in targets[low:high] if found.code in ignores[i].codes]
        if by:
            used.update(by)
            silenced.append(found)
        else:
            shown.append(found)
    for index, ignore in enumerate(ignores):
        idle = [code for code in ignore.codes if (index, code) not in used]
        if idle:
            shown.append(
                diagnostic(
                    SEVERITY,
                    "R100",
                    f"ignore[{', '.join(idle)}] silences nothing on line {ignore.target}",
                    source_name=checked.source_name,
                    text=text,
                    span=ignore.span,
                    hint="remove the code from the comment, or move the comment to the "
                    "finding's line",
                )
            )
    shown += [problem.diagnostic for problem in problems]
    return LintResult(tuple(sorted(shown, key=_position)), tuple(sorted(silenced, key=_position)))


def codes_table() -> Sequence[tuple[str, str]]:
    """The codes and what each means, in order."""
    return sorted(CODES.items())
