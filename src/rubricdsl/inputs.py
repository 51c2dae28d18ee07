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
from rubricdsl.i18n import Translate, _
from rubricdsl.limits import DEFAULT_LIMITS, Limits, decimal_problem
from rubricdsl.model import IndicatorSpec, fmt

Value = bool | Decimal | str | tuple[Decimal, ...]


@attrs.frozen
class NotApplicable:
    """An indicator a district reported as not applicable (合理缺项), with its reason."""

    reason: str


Reading = Value | NotApplicable

NA_KEY = "not_applicable"


class InvalidValueError(Exception):
    """Internal: one indicator value is wrong; collected into an IndicatorError."""


# ---- an indicator's type in words, in the language being spoken ------------------------------


def kind_words(kind: str) -> str:
    """A kind of indicator with its article, as a message about the data says it: "a count",
    "an amount" (计数, 金额)."""
    words = {
        "bool": _("a bool"),
        "count": _("a count"),
        "percent": _("a percent"),
        "score": _("a score"),
        "amount": _("an amount"),
        "number": _("a number"),
        "enum": _("an enum"),
        "series": _("a series"),
    }
    return words.get(kind, kind)


def describe(spec: IndicatorSpec) -> str:
    """An indicator's type in words, as `IndicatorSpec.describe` says it in English ("an amount
    in 万元", "a series of 3 yearly values"), in the language being spoken; the rubric's own
    compile errors keep `describe`'s English."""
    if spec.kind == "amount":
        return _("an amount in {unit}").format(unit=spec.unit)
    if spec.kind == "series":
        if spec.series_length is None:  # its declaration was refused
            return _("a series")
        return yearly_values(
            spec.series_length,
            _("a series of {count} yearly value"),
            _("a series of {count} yearly values"),
        )
    if spec.kind == "enum":
        return _("an enum of {levels}").format(levels=", ".join(spec.levels))
    return kind_words(spec.kind)


def yearly_values(count: int, one: str, many: str, **more: object) -> str:
    """`one` or `many` (translated messages with a {count}) as the number asks."""
    return (one if count == 1 else many).format(count=count, **more)


def where_text(where: str) -> str:
    """Where something stands in a rubric, as the rubric's trace words it ("item 5",
    "category '质量技术'", "group '…'", "task 3", "rubric"), in the language being spoken."""
    return place_words(where, _)


def place_words(where: str, translate: Translate) -> str:
    """`where_text` with a chosen translation (a report's)."""
    for prefix, message in (
        ("item ", translate("item {id}")),
        ("task ", translate("task {id}")),
    ):
        if where.startswith(prefix):
            return message.format(id=where[len(prefix) :])
    for prefix, message in (
        ("category '", translate("category '{title}'")),
        ("group '", translate("group '{title}'")),
    ):
        if where.startswith(prefix) and where.endswith("'"):
            return message.format(title=where[len(prefix) : -1])
    if where == "rubric":
        return translate("rubric")
    return where


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
        raise InvalidValueError(_("{value} has no exact decimal value").format(value=value))
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
        kind = kind_words(spec.kind)
        if is_bool(raw):
            raise InvalidValueError(
                _("{value} is a bool, not {kind}").format(value=bool(raw), kind=kind)
            )
        if isinstance(raw, str):
            if raw.strip().endswith("%"):
                message = _("{value} is text, not {kind} (write the number alone, without %)")
            else:
                message = _("{value} is text, not {kind}")
            raise InvalidValueError(message.format(value=_shown(raw), kind=kind))
        raise InvalidValueError(_("{value} is not a number").format(value=_shown(raw)))
    problem = decimal_problem(value, DEFAULT_LIMITS, _)
    if problem is not None:
        raise InvalidValueError(_("{value} {problem}").format(value=_shown(value), problem=problem))
    return value


def range_problem(spec: IndicatorSpec, value: Decimal) -> str | None:
    """What is wrong with a number as a value of `spec`'s kind; None when nothing is."""
    shown = clip(fmt(value), 40)
    if spec.kind == "count":
        if value != value.to_integral_value():
            return _("{value} is not a whole number (a count)").format(value=shown)
        if value < 0:
            return _("a count cannot be negative ({value})").format(value=shown)
    if spec.kind in ("percent", "score") and not Decimal(0) <= value <= Decimal(100):
        if spec.kind == "percent":
            return _("{value} is outside 0–100 (a percent)").format(value=shown)
        return _("{value} is outside 0–100 (a score)").format(value=shown)
    if spec.kind == "amount" and value < 0:
        return _("an amount cannot be negative ({value} {unit})").format(
            value=shown, unit=spec.unit
        )
    return None


def read_value(spec: IndicatorSpec, raw: object) -> Reading:
    """One indicator's value checked against its declaration; InvalidValueError says why not."""
    if spec.formula is not None:
        raise InvalidValueError(computed_by_rubric(spec))
    if isinstance(raw, Mapping):
        return _not_applicable(spec, raw)
    if spec.kind == "bool":
        if is_bool(raw):
            return bool(raw)
        raise InvalidValueError(
            _("{value} is not a bool (write true or false)").format(value=_shown(raw))
        )
    if spec.kind == "enum":
        if isinstance(raw, str) and raw in spec.levels:
            return raw
        raise InvalidValueError(
            _("{value} is not one of its levels: {levels}").format(
                value=_shown(raw), levels=", ".join(spec.levels)
            )
        )
    if spec.kind == "series":
        return _series(spec, raw)
    value = _number(spec, raw)
    problem = range_problem(spec, value)
    if problem is not None:
        raise InvalidValueError(problem)
    return value


def _series(spec: IndicatorSpec, raw: object) -> tuple[Decimal, ...]:
    if not isinstance(raw, (list, tuple)):
        raise InvalidValueError(
            yearly_values(
                spec.series_length or 0,
                _("{value} is not a list of {count} yearly value (oldest first)"),
                _("{value} is not a list of {count} yearly values (oldest first)"),
                value=_shown(raw),
            )
        )
    if len(raw) != spec.series_length:
        raise InvalidValueError(
            yearly_values(
                len(raw),
                _("has {count} yearly value; the rubric needs {needed} (oldest first)"),
                _("has {count} yearly values; the rubric needs {needed} (oldest first)"),
                needed=spec.series_length,
            )
        )
    values: list[Decimal] = []
    element_spec = attrs.evolve(spec, kind="number")
    for position, element in enumerate(raw, start=1):
        try:
            values.append(_number(element_spec, element))
        except InvalidValueError as error:
            raise InvalidValueError(
                _("value {position} of the series: {problem}").format(
                    position=position, problem=error
                )
            ) from None
    return tuple(values)


def _not_applicable(spec: IndicatorSpec, given: Mapping[object, object]) -> NotApplicable:
    try:
        raw = dict(given)
    except Exception as problem:  # the caller's own Mapping
        raise InvalidValueError(
            _("could not be read ({reason})").format(reason=type(problem).__name__)
        ) from None
    if set(raw) != {NA_KEY}:
        keys = ", ".join(sorted(str(k) for k in raw))
        raise InvalidValueError(
            _("a mapping ({keys}) is only allowed as {form}").format(keys=keys, form=NA_FORM)
        )
    if not spec.allows_na:
        raise InvalidValueError(
            _("is reported as not applicable, but the rubric does not allow that for it")
        )
    reason = raw[NA_KEY]
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidValueError(_("not applicable needs a reason: {form}").format(form=NA_FORM))
    if len(reason) > DEFAULT_LIMITS.max_text_length:
        raise InvalidValueError(too_long_reason(len(reason), DEFAULT_LIMITS))
    return NotApplicable(reason.strip())


# How a data file reports an indicator 合理缺项, as messages show it (the file's own words).
NA_FORM = '{not_applicable: "<reason>"}'


def too_long_reason(length: int, limits: Limits) -> str:
    return _("the reason has {length} characters; at most {most} are allowed").format(
        length=f"{length:,}", most=f"{limits.max_text_length:,}"
    )


def copy_indicators(indicators: object) -> dict[object, object]:
    """The caller's mapping copied once, so nothing it does later (another thread changing it, a
    key that fails to read) can reach the evaluation; IndicatorError when it cannot be read."""
    if not isinstance(indicators, Mapping):
        raise IndicatorError(
            [
                IndicatorProblem(
                    "(indicators)",
                    _("expected a mapping of names to values, not {type}").format(
                        type=type(indicators).__name__
                    ),
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
        message = _("could not be read ({reason})").format(reason=reason)
        raise IndicatorError([IndicatorProblem(name, message)]) from None
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
        if spec.formula is not None:  # the evaluation computes it
            if name in given:
                problems.add(name, computed_by_rubric(spec))
            continue
        if name not in given:
            problems.add(name, _("missing ({type})").format(type=describe(spec)))
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
        problems.add(clip(text, 80), unknown_indicator(closest(text, specs, limits)))
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
        message = _("expected a mapping of item ids to reasons, not {type}").format(
            type=type(reported).__name__
        )
        raise IndicatorError([IndicatorProblem("not_applicable", message)])
    given = copy_indicators(reported)
    problems = _Problems(limits.max_problems)
    found: dict[str, str] = {}
    for key, reason in given.items():
        name = key if isinstance(key, str) else str(key)  # a bare id in YAML may read as a number
        where = f"not_applicable '{clip(name, 80)}'"
        if name not in reportable:
            close = closest(name, reportable, limits)
            problems.add(where, no_such_excuse(close, sorted(reportable), one_rubric=True))
        elif not isinstance(reason, str) or not reason.strip():
            problems.add(
                where,
                _("{where} is reported not applicable without a reason").format(
                    where=where_text(reportable[name])
                ),
            )
        elif len(reason) > limits.max_text_length:
            problems.add(where, too_long_reason(len(reason), limits))
        else:
            found[name] = reason.strip()
    if problems.found or problems.omitted:
        raise IndicatorError(problems.found, problems.omitted)
    return found


def computed_by_rubric(spec: IndicatorSpec) -> str:
    """What is said of a value given for a derived indicator: report its inputs instead."""
    assert spec.formula is not None
    return _("is computed by the rubric ({formula}): give {inputs} instead").format(
        formula=spec.formula.text(), inputs=", ".join(spec.formula.names())
    )


def unknown_indicator(close: str | None) -> str:
    """What is said of a name the rubric does not declare, with the closest one it does."""
    if close:
        return _("unknown indicator; did you mean '{name}'?").format(name=close)
    return _("unknown indicator")


def no_such_excuse(close: str | None, allowed: list[str], *, one_rubric: bool) -> str:
    """A name the data reports 合理缺项 that no rubric allows: the closest one, and those
    allowed (the first ten)."""
    listed = ", ".join(allowed[:10]) or _("none: no item says `na allowed`")
    if one_rubric:
        if close:
            message = _(
                "the rubric allows no such 合理缺项 (did you mean '{name}'? allowed: {allowed})"
            )
        else:
            message = _("the rubric allows no such 合理缺项 (allowed: {allowed})")
    elif close:
        message = _("no rubric allows such a 合理缺项 (did you mean '{name}'? allowed: {allowed})")
    else:
        message = _("no rubric allows such a 合理缺项 (allowed: {allowed})")
    return message.format(name=close, allowed=listed)


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
