"""Indicator data checked against a rubric's declarations: exact decimals, 合理缺项 markers."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from decimal import Decimal

import attrs

from rubricdsl.errors import IndicatorError, IndicatorProblem
from rubricdsl.model import IndicatorSpec, fmt

Value = bool | Decimal | str | tuple[Decimal, ...]


@attrs.frozen
class NotApplicable:
    """An indicator a district reported as not applicable (合理缺项), with its reason."""

    reason: str


Reading = Value | NotApplicable

NA_KEY = "not_applicable"

# No real indicator (a count, a rate, an amount in 万元) comes near this: such a value is a typo.
LARGEST = Decimal(10) ** 15


class InvalidValueError(Exception):
    """Internal: one indicator value is wrong; collected into an IndicatorError."""


def to_decimal(value: object) -> Decimal | None:
    """The exact decimal a number was written as (a float via its repr); None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    return None


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(spec: IndicatorSpec, raw: object) -> Decimal:
    """The value as an exact Decimal; InvalidValueError says why it is not one."""
    value = to_decimal(raw)
    if value is None:
        if isinstance(raw, bool):
            raise InvalidValueError(f"{raw} is a bool, not a {spec.kind}")
        if isinstance(raw, str):
            hint = " (write the number alone, without %)" if raw.strip().endswith("%") else ""
            raise InvalidValueError(f"{_shown(raw)} is text, not a {spec.kind}{hint}")
        raise InvalidValueError(f"{_shown(raw)} is not a number")
    if not value.is_finite() or (isinstance(raw, float) and not math.isfinite(raw)):
        raise InvalidValueError(f"{raw} is not a finite number")
    if abs(value) >= LARGEST:
        raise InvalidValueError(f"{raw} is too large to be an indicator value (a typo?)")
    return value


def _range_problem(spec: IndicatorSpec, value: Decimal) -> str | None:
    if spec.kind == "count":
        if value != value.to_integral_value():
            return f"{fmt(value)} is not a whole number (a count)"
        if value < 0:
            return f"a count cannot be negative ({fmt(value)})"
    if spec.kind in ("percent", "score") and not Decimal(0) <= value <= Decimal(100):
        return f"{fmt(value)} is outside 0–100 (a {spec.kind})"
    if spec.kind == "amount" and value < 0:
        return f"an amount cannot be negative ({fmt(value)} {spec.unit})"
    return None


def read_value(spec: IndicatorSpec, raw: object) -> Reading:
    """One indicator's value checked against its declaration; InvalidValueError says why not."""
    if isinstance(raw, Mapping):
        return _not_applicable(spec, raw)
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        raise InvalidValueError(f"{_shown(raw)} is not a bool (write true or false)")
    if spec.kind == "enum":
        if isinstance(raw, str) and raw in spec.levels:
            return raw
        raise InvalidValueError(f"{_shown(raw)} is not one of its levels: {', '.join(spec.levels)}")
    if spec.kind == "series":
        return _series(spec, raw)
    value = _number(spec, raw)
    problem = _range_problem(spec, value)
    if problem is not None:
        raise InvalidValueError(problem)
    return value


def _series(spec: IndicatorSpec, raw: object) -> tuple[Decimal, ...]:
    if not isinstance(raw, (list, tuple)):
        raise InvalidValueError(
            f"{_shown(raw)} is not a list of {spec.series_length} yearly values (oldest first)"
        )
    if len(raw) != spec.series_length:
        raise InvalidValueError(
            f"has {len(raw)} yearly values; the rubric needs {spec.series_length} (oldest first)"
        )
    values: list[Decimal] = []
    element_spec = attrs.evolve(spec, kind="number")
    for position, element in enumerate(raw, start=1):
        try:
            values.append(_number(element_spec, element))
        except InvalidValueError as error:
            raise InvalidValueError(f"value {position} of the series: {error}") from None
    return tuple(values)


def _not_applicable(spec: IndicatorSpec, raw: Mapping[object, object]) -> NotApplicable:
    if set(raw) != {NA_KEY}:
        keys = ", ".join(sorted(str(k) for k in raw))
        raise InvalidValueError(f'a mapping ({keys}) is only allowed as {{{NA_KEY}: "<reason>"}}')
    if not spec.allows_na:
        raise InvalidValueError(
            "is reported as not applicable, but the rubric does not allow that for it"
        )
    reason = raw[NA_KEY]
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidValueError('not applicable needs a reason: {not_applicable: "<reason>"}')
    return NotApplicable(reason.strip())


def read_indicators(
    specs: Mapping[str, IndicatorSpec], indicators: Mapping[str, object]
) -> dict[str, Reading]:
    """Every declared indicator's value, checked; IndicatorError lists all problems at once."""
    if not isinstance(indicators, Mapping):
        raise IndicatorError(
            [
                IndicatorProblem(
                    "(indicators)",
                    f"expected a mapping of names to values, not {type(indicators).__name__}",
                )
            ]
        )
    problems: list[IndicatorProblem] = []
    readings: dict[str, Reading] = {}
    for name, spec in specs.items():
        if name not in indicators:
            problems.append(IndicatorProblem(name, f"missing ({spec.describe()})"))
            continue
        try:
            readings[name] = read_value(spec, indicators[name])
        except InvalidValueError as error:
            problems.append(IndicatorProblem(name, str(error)))
    for key in indicators:
        if key in specs:
            continue
        close = difflib.get_close_matches(str(key), list(specs), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(IndicatorProblem(str(key), f"unknown indicator{hint}"))
    if problems:
        raise IndicatorError(problems)
    return readings
