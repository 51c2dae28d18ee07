"""The limits: declared once, checked on construction, applied to numbers as written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rubricdsl import DEFAULT_LIMITS, Limits
from rubricdsl.limits import MAX_DIGITS_CEILING, decimal_problem, number_text_problem


def test_defaults_are_the_documented_ones():
    # docs/limits.md lists these values; change both together.
    assert DEFAULT_LIMITS == Limits(
        max_file_bytes=1024 * 1024,
        max_data_depth=32,
        max_alias_nodes=10_000,
        max_rubric_depth=100,
        max_digits=1_000,
        max_name_length=200,
        max_text_length=100_000,
        max_problems=50,
    )


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10", None])
def test_every_limit_is_a_positive_int(bad):
    with pytest.raises(ValueError, match="max_problems must be a positive int"):
        Limits(max_problems=bad)


def test_digits_cannot_pass_what_the_exact_context_holds():
    Limits(max_digits=MAX_DIGITS_CEILING)
    with pytest.raises(ValueError, match="at most"):
        Limits(max_digits=MAX_DIGITS_CEILING + 1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("96.5", None),
        ("1" * 1000, None),
        ("1" * 1001, "1,001 digits"),
        ("0." + "0" * 999 + "1", "1,001 digits"),
        ("1.0e+999999999", None),
        ("1.0e+9999999999", "exponent of"),
        ("1.0e-999999999999999999", "exponent of"),
    ],
)
def test_number_text_is_checked_before_it_is_converted(text, problem):
    found = number_text_problem(text)
    assert found is None if problem is None else problem in found


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (Decimal("96.5"), None),
        (Decimal("-3"), None),
        (Decimal("0E-100000000"), None),  # zero, however written
        (Decimal("1E-1000"), None),
        (Decimal("1E-1001"), "1,001 places after the decimal point"),
        (Decimal("1.0e-100000000"), "100,000,001 places"),
        (Decimal(10) ** 15 - 1, None),
        (Decimal(10) ** 15, "too large"),
        (Decimal("-1E+999"), "too large"),
        (Decimal("-1E+1000"), "1,000 places before the decimal point"),
        (Decimal("1E+1000000"), "1,000,000 places before"),
        (Decimal("NaN"), "not a finite number"),
        (Decimal("-Infinity"), "not a finite number"),
    ],
)
def test_decimal_limits(value, problem):
    found = decimal_problem(value)
    assert found is None if problem is None else problem in found
