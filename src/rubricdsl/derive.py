"""Derived indicators computed from the readings: exact, rounded once as the rubric declares."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from rubricdsl.errors import IndicatorError, IndicatorProblem
from rubricdsl.exact import divide_rounded, exactly
from rubricdsl.i18n import _
from rubricdsl.inputs import (
    InvalidValueError,
    NotApplicable,
    Reading,
    range_problem,
    read_indicators,
)
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.model import Formula, IndicatorSpec, Input

ONE = Decimal(1)
HUNDRED = Decimal(100)


@attrs.frozen
class Derived:
    """One derived indicator's value, and how it was reached, in words: `covered_firms /
    key_firms = 18 / 20 = 90.00%, half-up to 2 places`."""

    name: str
    value: Decimal | NotApplicable
    explanation: str


def derived_specs(specs: Mapping[str, IndicatorSpec]) -> tuple[IndicatorSpec, ...]:
    """The derived indicators, each after every derived one it reads (the checker refused
    cycles), so that one pass computes them all."""
    ordered: dict[str, IndicatorSpec] = {}
    for spec in specs.values():
        if spec.formula is None or spec.name in ordered:
            continue
        # depth first, each input looked at once: a stack of (indicator, its inputs to visit)
        stack = [(spec, iter(spec.formula.names()))]
        while stack:
            top, inputs = stack[-1]
            following = next(
                (n for n in inputs if specs[n].formula is not None and n not in ordered), None
            )
            if following is None:
                ordered[top.name] = top
                stack.pop()
            else:
                waiting = specs[following]
                assert waiting.formula is not None
                stack.append((waiting, iter(waiting.formula.names())))
    return tuple(ordered.values())


@exactly
def derive(
    derived: tuple[IndicatorSpec, ...], readings: Mapping[str, Reading]
) -> tuple[dict[str, Reading], tuple[Derived, ...]]:
    """The readings with every derived indicator's value added (replacing any there), and how
    each was reached; IndicatorError lists every value that cannot be computed."""
    values, found, problems = _computed(derived, readings)
    if problems:
        raise IndicatorError(problems)
    return values, found


def _computed(
    derived: tuple[IndicatorSpec, ...], readings: Mapping[str, Reading]
) -> tuple[dict[str, Reading], tuple[Derived, ...], list[IndicatorProblem]]:
    """The readings with every derived value added, how each was reached, and the problems of
    those that cannot be computed (each then reads as not applicable, with the reason, so that
    no condition holds on it)."""
    values = dict(readings)
    found: list[Derived] = []
    problems: list[IndicatorProblem] = []
    for spec in derived:
        try:
            one = compute(spec, values)
        except InvalidValueError as problem:
            problems.append(IndicatorProblem(spec.name, str(problem)))
            values[spec.name] = NotApplicable(str(problem))
            continue
        values[spec.name] = one.value
        found.append(one)
    return values, tuple(found), problems


def compute(spec: IndicatorSpec, readings: Mapping[str, Reading]) -> Derived:
    """One derived indicator from its inputs' readings; InvalidValueError says why it cannot be
    computed (a zero denominator where the rubric allows no 合理缺项, a value out of range)."""
    formula = spec.formula
    assert formula is not None, "only a derived indicator is computed"
    inputs = formula_inputs(formula)
    values: list[Decimal] = []
    for one in inputs:
        value = _read(one, readings)
        if isinstance(value, NotApplicable):
            reason = _("{input} is not applicable").format(input=one.text())
            if value.reason:
                reason += f" ({value.reason})"
            return Derived(spec.name, NotApplicable(reason), reason)
        values.append(value)
    percent = spec.kind == "percent"
    if formula.function == "ratio" and values[1] == 0:
        message = _("{formula}: {whole} is 0, so the ratio of {part} to it cannot be computed")
        reason = message.format(
            formula=formula.text(), whole=inputs[1].text(), part=inputs[0].text()
        )
        if spec.allows_na:
            return Derived(spec.name, NotApplicable(reason), reason)
        raise InvalidValueError(reason + _(" (declare it `or na` to make it 合理缺项)"))
    exact, value = apply_formula(formula, values, percent=percent)
    rounded = exact is None or exact != value  # a ratio is always rounded
    explanation = _explain(formula, inputs, values, value, percent=percent, rounded=rounded)
    problem = range_problem(spec, value)
    if problem is not None:
        raise InvalidValueError(f"{explanation}: {problem}")
    return Derived(spec.name, value, explanation)


def formula_inputs(formula: Formula) -> tuple[Input, ...]:
    """What the formula reads, one value each: `change(s)` reads `last(s)` and `previous(s)`."""
    if formula.function == "change":
        name = formula.inputs[0].name
        return (Input(name, -1), Input(name, -2))
    return formula.inputs


def _read(one: Input, readings: Mapping[str, Reading]) -> Decimal | NotApplicable:
    reading = readings[one.name]
    if isinstance(reading, NotApplicable):
        return reading
    if one.position is not None:
        assert isinstance(reading, tuple), "the checker lets only series give a yearly value"
        return reading[one.position]
    assert isinstance(reading, Decimal), "the checker lets only numbers be an input"
    return reading


def apply_formula(
    formula: Formula, values: list[Decimal], *, percent: bool
) -> tuple[Decimal | None, Decimal]:
    """The exact value (a ratio's is not a Decimal: it may not end), and the value rounded
    once as the rubric says."""
    if formula.function == "ratio":
        numerator = values[0] * (HUNDRED if percent else ONE)
        return None, divide_rounded(numerator, values[1], formula.places, formula.mode)
    if formula.function == "sum":
        exact = sum(values, Decimal(0))
    else:  # difference, change
        exact = values[0] - values[1]
    rounded = divide_rounded(exact, ONE, formula.places, formula.mode)
    return exact, exact if rounded == exact else rounded


def _explain(
    formula: Formula,
    inputs: tuple[Input, ...],
    values: list[Decimal],
    value: Decimal,
    *,
    percent: bool,
    rounded: bool,
) -> str:
    """`a / b = 18 / 20 = 90.00%, half-up to 2 places`: the rounding said where it acted (a
    ratio is always rounded)."""
    sign = {"ratio": " / ", "sum": " + "}.get(formula.function, " − ")
    names = sign.join(i.text() for i in inputs)
    numbers = sign.join(_plain(v) for v in values)
    shown = f"{value:f}%" if percent else f"{value:f}"
    steps = f"{names} = {numbers} = {shown}"
    if not rounded:
        return steps
    return _("{steps}, {rounding}").format(steps=steps, rounding=rounding_words(formula))


def rounding_words(formula: Formula) -> str:
    """`half-up to 2 places`, in the language being spoken."""
    words = {
        "half-up": _("half-up to {places} places"),
        "half-even": _("half-even to {places} places"),
        "down": _("toward zero to {places} places"),
        "up": _("away from zero to {places} places"),
    }
    return words[formula.mode].format(places=formula.places)


def _plain(value: Decimal) -> str:
    """A value as written, without an exponent: `18`, `0.5`, `-3.25`."""
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def read_with_derived(
    specs: Mapping[str, IndicatorSpec],
    derived: tuple[IndicatorSpec, ...],
    indicators: Mapping[str, object],
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Reading]:
    """`read_indicators`, then every derived value (`derived`: in the order the evaluation
    tree computes them, `RubricTree.derived`): what the rubric's conditions read."""
    readings, _computed = derive(derived, read_indicators(specs, indicators, limits))
    return readings


def recompute(
    derived: tuple[IndicatorSpec, ...], readings: Mapping[str, Reading]
) -> dict[str, Reading]:
    """The derived values computed anew from changed readings (a what-if): one that cannot be
    computed reads as not applicable, with the reason, so no condition holds on it."""
    values, _found, _problems = _computed(derived, readings)
    return values


@exactly
def inverse(
    formula: Formula, bound: Decimal, readings: Mapping[str, Reading], *, percent: bool
) -> Decimal | None:
    """The value of the formula's first input (the last year, for `change`) at which it gives
    exactly `bound`, its other inputs as they read (the formula grows with its first input);
    None where it cannot be worked back: a ratio to 0 or less, an input not applicable."""
    others: list[Decimal] = []
    for one in formula_inputs(formula)[1:]:
        value = _read(one, readings)
        if isinstance(value, NotApplicable):
            return None
        others.append(value)
    if formula.function == "ratio":
        whole = others[0]
        if whole <= 0:
            return None
        return bound * whole / HUNDRED if percent else bound * whole
    if formula.function == "sum":
        return bound - sum(others, Decimal(0))
    return bound + others[0]  # difference, change
