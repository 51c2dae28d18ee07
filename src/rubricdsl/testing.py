"""Property-based testing of a rubric, for its authors and for tools built on rubricdsl:
hypothesis strategies drawn from a compiled rubric, the properties every rubric keeps, and
`rubrics()`, random valid rubric texts of every construct for tools that read or write the
language (formatters, exporters, editors; defined in rubricdsl.generate).

Needs hypothesis (`pip install 'rubricdsl[testing]'`). See docs/testing.md."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any, cast

import attrs
from hypothesis import strategies as st

from rubricdsl import ast
from rubricdsl.api import Rubric
from rubricdsl.derive import inverse, read_with_derived
from rubricdsl.errors import IndicatorError, RubricSyntaxError
from rubricdsl.generate import rubrics
from rubricdsl.model import IndicatorSpec
from rubricdsl.parser import parse_rubric
from rubricdsl.source import Span
from rubricdsl.trace import GroupTrace, Result
from rubricdsl.transform import to_ast

NA_REASON = "合理缺项（生成的测试数据）"
UPPER = {"percent": Decimal(100), "score": Decimal(100)}


# ---- the thresholds a rubric compares its indicators with ----------------------------------


def _nodes(node: object) -> Iterator[object]:
    """Every AST node below `node`, in the order written."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, tuple):
            stack.extend(reversed(current))
        elif attrs.has(type(current)):
            fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(current)))
            stack.extend(reversed([getattr(current, field.name) for field in fields]))


def _name(operand: object) -> str | None:
    if isinstance(operand, ast.Reference):
        return operand.name
    if isinstance(operand, ast.SeriesPoint):
        return operand.series.name
    return None


def thresholds(rubric: Rubric) -> dict[str, tuple[Decimal, ...]]:
    """For each indicator, the numbers the rubric compares it with (`x >= 90`: 90), sorted."""
    found: dict[str, set[Decimal]] = {}
    for node in _nodes(rubric.checked.file):
        if not isinstance(node, ast.Comparison):
            continue
        for side, other in ((node.left, node.right), (node.right, node.left)):
            name = _name(side)
            if name is not None and isinstance(other, ast.NumberLiteral):
                found.setdefault(name, set()).add(other.value)
    return {name: tuple(sorted(values)) for name, values in found.items()}


# ---- valid data -----------------------------------------------------------------------------


def _step(spec: IndicatorSpec, bound: Decimal) -> Decimal:
    """The smallest step that matters next to a bound: 1 for a count, else a unit of the
    bound's last decimal place, at most 0.01."""
    if spec.kind == "count":
        return Decimal(1)
    exponent = bound.as_tuple().exponent
    places = max(-exponent, 2) if isinstance(exponent, int) else 2
    return Decimal(1).scaleb(-places)


def _in_range(spec: IndicatorSpec, value: Decimal) -> bool:
    if spec.kind in ("count", "amount", "percent", "score") and value < 0:
        return False
    upper = UPPER.get(spec.kind)
    return upper is None or value <= upper


def _numbers(spec: IndicatorSpec, bounds: tuple[Decimal, ...]) -> st.SearchStrategy[Decimal]:
    """Values weighted onto each bound and its neighbours, and any value in range."""
    near = sorted(
        {
            value
            for bound in bounds
            for value in (bound - _step(spec, bound), bound, bound + _step(spec, bound))
            if _in_range(spec, value) and (spec.kind != "count" or value == value.to_integral())
        }
    )
    if spec.kind == "count":
        anywhere: st.SearchStrategy[Decimal] = st.integers(0, 1000).map(Decimal)
    else:
        low = Decimal(0) if spec.kind in ("amount", "percent", "score") else Decimal(-1000)
        high = UPPER.get(spec.kind, Decimal(1000))
        anywhere = st.decimals(low, high, places=2, allow_nan=False, allow_infinity=False)
    if not near:
        return anywhere
    return st.one_of(st.sampled_from(near), st.sampled_from(near), anywhere)


def _series(spec: IndicatorSpec, bounds: tuple[Decimal, ...]) -> st.SearchStrategy[list[Decimal]]:
    length = spec.series_length or 1
    element = _numbers(attrs.evolve(spec, kind="number"), bounds)
    values = st.lists(element, min_size=length, max_size=length)
    # strictly monotonic series too, so that `decreasing`/`increasing` are seen to hold
    ordered = st.lists(element, min_size=length, max_size=length, unique=True).map(sorted)
    return st.one_of(values, ordered, ordered.map(lambda v: list(reversed(v))))


def value_of(spec: IndicatorSpec, bounds: tuple[Decimal, ...] = ()) -> st.SearchStrategy[Any]:
    """Valid values of one declared indicator (not-applicable ones included where allowed)."""
    if spec.kind == "bool":
        strategy: st.SearchStrategy[Any] = st.booleans()
    elif spec.kind == "enum":
        strategy = st.sampled_from(spec.levels)
    elif spec.kind == "series":
        strategy = _series(spec, bounds)
    else:
        strategy = _numbers(spec, bounds)
    if spec.allows_na:
        return st.one_of(strategy, st.just({"not_applicable": NA_REASON}))
    return strategy


def reported(rubric: Rubric) -> dict[str, IndicatorSpec]:
    """The indicators the data gives: every declared one but the derived ones."""
    return {name: spec for name, spec in rubric.indicators.items() if not spec.derived}


def indicator_sets(rubric: Rubric) -> st.SearchStrategy[dict[str, Any]]:
    """Valid data for the rubric: every indicator it reads from the data, numbers weighted onto
    each threshold's bound and its neighbours, 合理缺项 where the rubric allows it, series that
    are and are not monotonic; a derived indicator's first input is aimed, now and then, at the
    value that puts the derived one on its bound, and data from which a derived value cannot be
    computed (a ratio to 0, a rate over 100%) is left out."""
    bounds = thresholds(rubric)
    plain = st.fixed_dictionaries(
        {name: value_of(spec, bounds.get(name, ())) for name, spec in reported(rubric).items()}
    )
    if not rubric.tree.derived:
        return plain

    @st.composite
    def aimed(draw: st.DrawFn) -> dict[str, Any]:
        data = dict(draw(plain))
        for spec in rubric.tree.derived:
            wanted: tuple[Decimal, ...] = bounds.get(spec.name, ())
            aim: bool = draw(st.booleans())
            if wanted and aim:
                _aim(rubric, spec, draw(st.sampled_from(wanted)), data)
        return data

    return aimed().filter(lambda data: _derivable(rubric, data))


def _aim(rubric: Rubric, spec: IndicatorSpec, bound: Decimal, data: dict[str, Any]) -> None:
    """Set the derived indicator's first input (a reported number) so that it lands on `bound`,
    or next to it; nothing when the formula cannot be worked back on this data."""
    assert spec.formula is not None
    first = spec.formula.inputs[0]
    target = reported(rubric).get(first.name)
    if spec.formula.function == "change" or first.position is not None or target is None:
        return
    try:
        readings = read_with_derived(rubric.indicators, rubric.tree.derived, data)
    except IndicatorError:
        return
    value = inverse(spec.formula, bound, readings, percent=spec.kind == "percent")
    if value is None:
        return
    if target.kind == "count":
        value = value.to_integral_value(rounding=ROUND_CEILING)
    if _in_range(target, value):
        data[first.name] = value


def _derivable(rubric: Rubric, data: Mapping[str, Any]) -> bool:
    try:
        read_with_derived(rubric.indicators, rubric.tree.derived, data)
    except IndicatorError:
        return False
    return True


# ---- invalid data: one defect each ----------------------------------------------------------


@attrs.frozen
class Defect:
    """Data with one thing wrong, and the indicator the IndicatorError must name."""

    data: Mapping[str, Any]
    indicator: str
    kind: str  # missing | unknown | type | range | series | level | not_applicable | derived


def _defects(name: str, spec: IndicatorSpec) -> list[tuple[object, str]]:
    """Wrong values for one indicator, each with the kind of defect."""
    found: list[tuple[object, str]] = [("文本", "type")]
    # past the limits' 10^15 (docs/limits.md), as an int and as a float
    implausible: list[tuple[object, str]] = [(10**15, "range"), (1e15, "range")]
    if spec.kind == "bool":
        found = [(1, "type"), ("是", "type")]
    elif spec.kind == "count":
        found += [(-1, "range"), (Decimal("2.5"), "range"), (2.5, "range"), *implausible]
    elif spec.kind in ("percent", "score"):
        found += [(Decimal("100.01"), "range"), (-1, "range"), (100.000001, "range")]
    elif spec.kind == "amount":
        found += [(-1, "range"), (-0.5, "range"), *implausible]
    elif spec.kind == "number":
        found += [*implausible, (-(10**15), "range"), (float("nan"), "type")]
    elif spec.kind == "series":
        found.append(([Decimal(1)] * ((spec.series_length or 1) + 1), "series"))
    elif spec.kind == "enum":
        found = [("no-such-level", "level")]
    if not spec.allows_na:
        found.append(({"not_applicable": "原因"}, "not_applicable"))
    else:
        found.append(({"not_applicable": ""}, "not_applicable"))
    return found


def invalid_indicator_sets(rubric: Rubric) -> st.SearchStrategy[Defect]:
    """Data with exactly one defect — an indicator missing, an unknown one, a value of the
    wrong type or out of range, a series of the wrong length, a level the enum lacks, 合理缺项
    where not allowed or without a reason, a value given for a derived indicator — and the
    indicator its IndicatorError names."""

    @st.composite
    def defects(draw: st.DrawFn) -> Defect:
        data = dict(draw(indicator_sets(rubric)))
        names = sorted(reported(rubric))
        name = draw(st.sampled_from(names))
        derived = sorted(set(rubric.indicators) - set(names))
        kinds = ["missing", "unknown", "value"] + ["derived"] * bool(derived)
        choice = draw(st.sampled_from(kinds))
        if choice == "derived":  # a value for an indicator the rubric computes
            name = draw(st.sampled_from(derived))
            data[name] = Decimal(1)
            return Defect(data, name, "derived")
        if choice == "missing":
            del data[name]
            return Defect(data, name, "missing")
        if choice == "unknown":
            unknown = name + "_typo"
            while unknown in rubric.indicators:
                unknown += "_"
            data[unknown] = data[name]
            return Defect(data, unknown, "unknown")
        value, kind = draw(st.sampled_from(_defects(name, rubric.indicators[name])))
        data[name] = value
        return Defect(data, name, kind)

    return defects()


# ---- the properties every rubric keeps ---------------------------------------------------------


def assert_within_bounds(result: Result) -> None:
    """The total lies between 0 and the base maximum plus the bonus maximum; so does every
    item, group and category between 0 (or its deductions) and its maximum."""
    info = result.rubric
    assert Decimal(0) <= result.total <= info.base_max + info.bonus_max, result.total
    for item in result.items:
        assert item.score <= item.max, (item.id, item.score, item.max)
    for category in result.categories:
        assert Decimal(0) <= category.score <= category.max, (category.title, category.score)


def assert_trace_adds_up(result: Result) -> None:
    """The trace sums to the score at every level: rules to items (unless the reviewers
    overrode the item), members to categories less what their totals cut and deductions took,
    categories to the base and bonus, and those to the total."""
    for item in result.items:
        if item.override is None:
            assert sum((rule.gave for rule in item.rules), Decimal(0)) == item.score, item.id
    for category in result.categories:
        members = sum((_score(member) for member in category.members), Decimal(0))
        assert members == category.earned, category.title
        assert category.earned - category.cut - category.deducted == category.score
    bonus = sum((c.score for c in result.categories if c.is_bonus), Decimal(0))
    assert result.bonus == min(bonus, result.rubric.bonus_max)
    assert result.total == max(result.base + result.bonus - result.deducted, Decimal(0))


def _score(member: GroupTrace | object) -> Decimal:
    score = getattr(member, "score", Decimal(0))
    return score if isinstance(score, Decimal) else Decimal(0)


def assert_deterministic(rubric: Rubric, data: Mapping[str, Any]) -> None:
    """Scoring the same data twice gives the same result, to the last key of its JSON."""
    assert rubric.evaluate(data).to_dict() == rubric.evaluate(data).to_dict()


def reads_in_deductions_or_vetoes(rubric: Rubric) -> set[str]:
    """Indicators read by a deduction (negative points), a `lowest` block or a veto: turning
    them true may lower a score, as the rubric says."""
    found: set[str] = set()
    for node in _nodes(rubric.checked.file):
        negative = isinstance(node, ast.Fixed | ast.PerUnit | ast.Proportional) and node.points < 0
        graded = isinstance(node, ast.Tiers) and node.lowest
        if negative or graded or isinstance(node, ast.Veto | ast.Deductions):
            found |= {n.name for n in _nodes(node) if isinstance(n, ast.Reference)}
    return found


def negated(rubric: Rubric) -> set[str]:
    """Bool indicators that stand under a `not` somewhere: true may lower a score there."""
    found: set[str] = set()
    for node in _nodes(rubric.checked.file):
        if isinstance(node, ast.Not):
            found |= {n.name for n in _nodes(node) if isinstance(n, ast.Reference)}
    return found


def compared(rubric: Rubric) -> set[str]:
    """Indicators compared with something other than `true` (`x == false`, `x != true`,
    `x == y`): true may lower a score there."""
    found: set[str] = set()
    for node in _nodes(rubric.checked.file):
        if not isinstance(node, ast.Comparison):
            continue
        sides = (node.left, node.right)
        with_true = any(isinstance(s, ast.BoolLiteral) and s.value is True for s in sides)
        if not (with_true and node.operator == "=="):
            found |= {s.name for s in sides if isinstance(s, ast.Reference)}
    return found


def excusing(rubric: Rubric) -> set[str]:
    """Indicators a `na when` reads: true may make an item, group or category 合理缺项, and
    its points, earned or not, leave the total."""
    found: set[str] = set()
    for node in _nodes(rubric.checked.file):
        if isinstance(node, ast.NotApplicableWhen):
            found |= {n.name for n in _nodes(node) if isinstance(n, ast.Reference)}
    return found


def assert_monotone_in_flags(rubric: Rubric, data: Mapping[str, Any]) -> None:
    """Turning a bool indicator from false to true never lowers the total, unless a deduction,
    a veto, a `not`, a comparison with anything but `true` or a `na when` reads it (then the
    rubric says it may)."""
    skip = reads_in_deductions_or_vetoes(rubric) | negated(rubric)
    skip |= compared(rubric) | excusing(rubric)
    before = rubric.evaluate(data).total
    for name, spec in rubric.indicators.items():
        if spec.kind != "bool" or name in skip or data.get(name) is not False:
            continue
        after = rubric.evaluate({**data, name: True}).total
        assert after >= before, (name, before, after)


def assert_refused(rubric: Rubric, defect: Defect) -> None:
    """Data with one defect is refused with an IndicatorError naming the indicator."""
    try:
        rubric.evaluate(defect.data)
    except IndicatorError as error:
        named = [problem.indicator for problem in error.problems]
        assert any(defect.indicator in name for name in named), (defect, named)
    else:
        raise AssertionError(f"accepted data with a defect: {defect.kind} {defect.indicator}")


def check_all(rubric: Rubric, data: Mapping[str, Any]) -> Result:
    """Every property at once, on one data set; returns the result for further checks."""
    result = rubric.evaluate(data)
    assert_within_bounds(result)
    assert_trace_adds_up(result)
    assert_deterministic(rubric, data)
    assert_monotone_in_flags(rubric, data)
    return result


__all__ = [
    "Defect",
    "assert_deterministic",
    "assert_monotone_in_flags",
    "assert_refused",
    "assert_trace_adds_up",
    "assert_within_bounds",
    "check_all",
    "indicator_sets",
    "invalid_indicator_sets",
    "meaning",
    "reported",
    "rubrics",
    "thresholds",
    "value_of",
]


# ---- what a text means, for tools that rewrite rubrics ---------------------------------------


def meaning(text: str) -> Any:
    """What a rubric text says, as nested tuples of its AST with every source position left
    out: two texts that differ only in layout and comments have equal meanings (what
    `rubricdsl fmt`, and any tool that rewrites a rubric, must keep). RubricSyntaxError for a
    text that does not parse."""
    parsed = parse_rubric(text, "<meaning>")
    if parsed.errors or parsed.tree is None:
        raise RubricSyntaxError(list(parsed.errors))
    return _without_spans(to_ast(parsed.tree))


def _without_spans(value: object) -> Any:
    if attrs.has(type(value)):
        fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(value)))
        return (
            type(value).__name__,
            tuple(
                (field.name, _without_spans(getattr(value, field.name)))
                for field in fields
                if not field.name.endswith("span")
                and not isinstance(getattr(value, field.name), Span)
            ),
        )
    if isinstance(value, tuple):
        return tuple(_without_spans(v) for v in value)
    return value
