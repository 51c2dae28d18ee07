"""Indicator data checked against a rubric's declarations: exact decimals, 合理缺项 markers."""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from rubricdsl.errors import IndicatorError, IndicatorProblem
from rubricdsl.escape import clip
from rubricdsl.exact import exactly
from rubricdsl.limits import DEFAULT_LIMITS, Limits, decimal_problem
from rubricdsl.model import IndicatorSpec, counted, fmt, with_article

Value = bool | Decimal | str | tuple[Decimal, ...]


@attrs.frozen
class NotApplicable:
    """An indicator a district reported as not applicable (合理缺项), with its reason."""

    reason: str


Reading = Value | NotApplicable

NA_KEY = "not_applicable"


class InvalidValueError(Exception):
    """Internal: one indicator value is wrong; collected into an IndicatorError."""


def is_bool(value: object) -> bool:
    """True for a bool, and for numpy's bool (which registers with no abstract number type)."""
    if isinstance(value, bool):
        return True
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    return kind == "b" and getattr(value, "ndim", None) == 0


def to_decimal(value: object) -> Decimal | None:
    """The exact decimal a number was written as (a float via its shortest repr); None if it is
    not a number. Accepts any type registered as a `numbers` ABC (numpy's ints and floats, say)
    without importing it; a Fraction only when it is an exact decimal."""
    if is_bool(value):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    if isinstance(value, numbers.Rational):
        return _fraction(Fraction(int(value.numerator), int(value.denominator)))
    if isinstance(value, numbers.Real):
        return Decimal(float.__repr__(float(value)))
    return None


def _fraction(value: Fraction) -> Decimal:
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    if denominator != 1:
        raise InvalidValueError(f"{value} has no exact decimal value")
    places = max(twos, fives)
    return Decimal(value.numerator * 10**places // value.denominator).scaleb(-places)


def _shown(value: object) -> str:
    """A value as it may appear in a message: its repr, clipped (escaping happens on output)."""
    if isinstance(value, Decimal):
        return clip(fmt(value) if value.is_finite() and value.adjusted() < 100 else str(value), 40)
    if isinstance(value, str):
        return clip(repr(value[:41]), 40)
    try:
        return clip(repr(value), 40)
    except Exception:  # the caller's object may fail even to describe itself
        return f"a {type(value).__name__}"


def _number(spec: IndicatorSpec, raw: object) -> Decimal:
    """The value as an exact Decimal; InvalidValueError says why it is not one."""
    value = to_decimal(raw)
    if value is None:
        if is_bool(raw):
            raise InvalidValueError(f"{bool(raw)} is a bool, not {with_article(spec.kind)}")
        if isinstance(raw, str):
            hint = " (write the number alone, without %)" if raw.strip().endswith("%") else ""
            raise InvalidValueError(f"{_shown(raw)} is text, not {with_article(spec.kind)}{hint}")
        raise InvalidValueError(f"{_shown(raw)} is not a number")
    problem = decimal_problem(value)
    if problem is not None:
        raise InvalidValueError(f"{_shown(value)} {problem}")
    return value


def _range_problem(spec: IndicatorSpec, value: Decimal) -> str | None:
    shown = clip(fmt(value), 40)
    if spec.kind == "count":
        if value != value.to_integral_value():
            return f"{shown} is not a whole number (a count)"
        if value < 0:
            return f"a count cannot be negative ({shown})"
    if spec.kind in ("percent", "score") and not Decimal(0) <= value <= Decimal(100):
        return f"{shown} is outside 0–100 (a {spec.kind})"
    if spec.kind == "amount" and value < 0:
        return f"an amount cannot be negative ({shown} {spec.unit})"
    return None


def read_value(spec: IndicatorSpec, raw: object) -> Reading:
    """One indicator's value checked against its declaration; InvalidValueError says why not."""
    if isinstance(raw, Mapping):
        return _not_applicable(spec, raw)
    if spec.kind == "bool":
        if is_bool(raw):
            return bool(raw)
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
            f"{_shown(raw)} is not a list of "
            f"{counted(spec.series_length or 0, 'yearly value')} (oldest first)"
        )
    if len(raw) != spec.series_length:
        raise InvalidValueError(
            f"has {counted(len(raw), 'yearly value')}; "
            f"the rubric needs {spec.series_length} (oldest first)"
        )
    values: list[Decimal] = []
    element_spec = attrs.evolve(spec, kind="number")
    for position, element in enumerate(raw, start=1):
        try:
            values.append(_number(element_spec, element))
        except InvalidValueError as error:
            raise InvalidValueError(f"value {position} of the series: {error}") from None
    return tuple(values)


def _not_applicable(spec: IndicatorSpec, given: Mapping[object, object]) -> NotApplicable:
    try:
        raw = dict(given)
    except Exception as problem:  # the caller's own Mapping
        raise InvalidValueError(f"could not be read ({type(problem).__name__})") from None
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
    if len(reason) > DEFAULT_LIMITS.max_text_length:
        raise InvalidValueError(
            f"the reason has {len(reason):,} characters; "
            f"at most {DEFAULT_LIMITS.max_text_length:,} are allowed"
        )
    return NotApplicable(reason.strip())


def copy_indicators(indicators: object) -> dict[object, object]:
    """The caller's mapping copied once, so nothing it does later (another thread changing it, a
    key that fails to read) can reach the evaluation; IndicatorError when it cannot be read."""
    if not isinstance(indicators, Mapping):
        raise IndicatorError(
            [
                IndicatorProblem(
                    "(indicators)",
                    f"expected a mapping of names to values, not {type(indicators).__name__}",
                )
            ]
        )
    if type(indicators) is dict:
        return indicators.copy()  # one step under the GIL: no thread can change it midway
    copied: dict[object, object] = {}
    key: object = "(indicators)"
    try:
        for key in list(indicators):
            copied[key] = indicators[key]
    except Exception as problem:  # the caller's own Mapping: any exception is theirs to fix
        name = clip(str(key), 80)
        reason = clip(f"{type(problem).__name__}: {problem}", 200)
        raise IndicatorError([IndicatorProblem(name, f"could not be read ({reason})")]) from None
    return copied


def closest(name: str, names: Iterable[str], limits: Limits) -> str | None:
    """The known name a mistyped one most likely means; None for none, or for a name too long to
    be a typo of one (comparing it would cost time for nothing)."""
    if len(name) > limits.max_name_length:
        return None
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return close[0] if close else None


@exactly
def read_indicators(
    specs: Mapping[str, IndicatorSpec],
    indicators: Mapping[str, object],
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Reading]:
    """Every declared indicator's value, checked; IndicatorError lists all problems at once (the
    first `limits.max_problems` in full, the others counted)."""
    given = copy_indicators(indicators)
    problems = _Problems(limits.max_problems)
    readings: dict[str, Reading] = {}
    for name, spec in specs.items():
        if name not in given:
            problems.add(name, f"missing ({spec.describe()})")
            continue
        try:
            readings[name] = read_value(spec, given[name])
        except InvalidValueError as error:
            problems.add(name, str(error))
    for key in given:
        if isinstance(key, str) and key in specs:
            continue
        if problems.full:
            problems.omitted += 1
            continue
        text = key if isinstance(key, str) else repr(key)
        close = closest(text, specs, limits)
        hint = f"; did you mean '{close}'?" if close else ""
        problems.add(clip(text, 80), f"unknown indicator{hint}")
    if problems.found or problems.omitted:
        raise IndicatorError(problems.found, problems.omitted)
    return readings


def read_reported(
    reportable: Mapping[str, str], reported: object, limits: Limits = DEFAULT_LIMITS
) -> dict[str, str]:
    """What the data reports 合理缺项 as a whole, checked: each name an item id (or a group or
    category title) whose rubric says `na allowed`, each with a reason. `reportable` maps those
    names to where they stand. IndicatorError lists every problem at once."""
    if reported is None:
        return {}
    if not isinstance(reported, Mapping):
        message = f"expected a mapping of item ids to reasons, not {type(reported).__name__}"
        raise IndicatorError([IndicatorProblem("not_applicable", message)])
    given = copy_indicators(reported)
    problems = _Problems(limits.max_problems)
    found: dict[str, str] = {}
    for key, reason in given.items():
        name = key if isinstance(key, str) else str(key)  # a bare id in YAML may read as a number
        where = f"not_applicable '{clip(name, 80)}'"
        if name not in reportable:
            close = closest(name, reportable, limits)
            allowed = ", ".join(sorted(reportable)[:10]) or "none: no item says `na allowed`"
            hint = f"did you mean '{close}'? " if close else ""
            problems.add(where, f"the rubric allows no such 合理缺项 ({hint}allowed: {allowed})")
        elif not isinstance(reason, str) or not reason.strip():
            problems.add(where, f"{reportable[name]} is reported not applicable without a reason")
        elif len(reason) > limits.max_text_length:
            problems.add(
                where,
                f"the reason has {len(reason):,} characters; at most "
                f"{limits.max_text_length:,} are allowed",
            )
        else:
            found[name] = reason.strip()
    if problems.found or problems.omitted:
        raise IndicatorError(problems.found, problems.omitted)
    return found


@attrs.define
class _Problems:
    """Problems found so far: the first `limit` kept, the rest only counted."""

    limit: int
    found: list[IndicatorProblem] = attrs.Factory(list)
    omitted: int = 0

    @property
    def full(self) -> bool:
        return len(self.found) >= self.limit

    def add(self, indicator: str, message: str) -> None:
        if self.full:
            self.omitted += 1
        else:
            self.found.append(IndicatorProblem(indicator, message))
