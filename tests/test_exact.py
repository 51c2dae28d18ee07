"""Exact arithmetic no caller can change: the private context, exact floors and proration."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rubricdsl
from rubricdsl.exact import divide_half_up
from rubricdsl.render import render_json, render_text
from strategies import Case, rubric_cases

ROOT = Path(__file__).resolve().parent.parent
RUBRIC_2020 = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"

EVERY_TRAP = [
    decimal.Clamped,
    decimal.DivisionByZero,
    decimal.FloatOperation,
    decimal.Inexact,
    decimal.InvalidOperation,
    decimal.Overflow,
    decimal.Rounded,
    decimal.Subnormal,
    decimal.Underflow,
]


@st.composite
def hostile_contexts(draw: st.DrawFn) -> decimal.Context:
    """A caller's decimal context at its worst: tiny precision, odd rounding, traps, tiny range."""
    emax = draw(st.integers(1, 20))
    return decimal.Context(
        prec=draw(st.integers(1, 6)),
        rounding=draw(st.sampled_from(sorted(decimal.__dict__[n] for n in _ROUNDINGS))),
        Emax=emax,
        Emin=-emax,
        capitals=draw(st.integers(0, 1)),
        clamp=draw(st.integers(0, 1)),
        traps=draw(st.lists(st.sampled_from(EVERY_TRAP), unique=True)),
    )


_ROUNDINGS = (
    "ROUND_DOWN",
    "ROUND_UP",
    "ROUND_CEILING",
    "ROUND_FLOOR",
    "ROUND_HALF_UP",
    "ROUND_HALF_DOWN",
    "ROUND_HALF_EVEN",
    "ROUND_05UP",
)


def _everything(rubric: rubricdsl.Rubric, data: dict, meta: dict) -> tuple:
    """All a caller can read of one evaluation: the result, its properties, both reports."""
    result = rubric.evaluate(data)
    properties = [(item.lost, item.reachable, item.full_reach) for item in result.items] + [
        (category.cut, category.reachable, category.full_reach) for category in result.categories
    ]
    return (
        result.to_dict(),
        properties,
        render_text(result, meta),
        render_json(result, meta),
    )


SAMPLE_DATA = rubricdsl.read_data(SAMPLE)
SAMPLE_EXPECTED = _everything(rubricdsl.load(RUBRIC_2020), dict(SAMPLE_DATA.indicators), {})


@settings(max_examples=40, deadline=None)
@given(hostile_contexts())
def test_the_2020_table_scores_the_same_under_any_caller_context(context: decimal.Context):
    with decimal.localcontext(context):
        rubric = rubricdsl.load(RUBRIC_2020)
        seen = _everything(rubric, dict(SAMPLE_DATA.indicators), {})
    assert seen == SAMPLE_EXPECTED
    assert seen[0]["total"] == "77.49"  # worked by hand in tests/test_cli.py


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rubric_cases(), hostile_contexts())
def test_generated_rubrics_score_the_same_under_any_caller_context(
    case: Case, context: decimal.Context
):
    expected = _everything(rubricdsl.loads(case.text), case.data, {"district": "x"})
    with decimal.localcontext(context):
        seen = _everything(rubricdsl.loads(case.text), case.data, {"district": "x"})
    assert seen == expected


def test_the_callers_context_is_left_as_it_was():
    context = decimal.Context(prec=3, traps=[decimal.Inexact])
    with decimal.localcontext(context) as current:
        rubricdsl.load(RUBRIC_2020).evaluate(SAMPLE_DATA.indicators)
        assert decimal.getcontext() is current
        assert current.prec == 3
        assert not current.flags[decimal.Inexact]


PER_UNIT = """\
rubric "每个"
year 2021
base 100
indicators { x: number  r: percent }
category "c" 100 {
  item 1 "per unit" 100 {
    1 per x max 100 "每个得 1 分"
  }
}
"""


def test_a_value_just_below_a_whole_unit_counts_the_units_below_it():
    """9.999…9 with 66 significant digits is 9 whole units, never 10 (it used to be rounded to
    10 by a 60-digit division before the floor)."""
    rubric = rubricdsl.loads(PER_UNIT.replace(" r: percent", ""))
    value = Decimal("9." + "9" * 65)
    result = rubric.evaluate({"x": value})
    assert result.total == 9
    assert rubric.evaluate({"x": Decimal("10")}).total == 10
    assert rubric.evaluate({"x": Decimal("0." + "9" * 999)}).total == 0


def test_a_step_below_one_divides_exactly():
    text = PER_UNIT.replace(" r: percent", "").replace("1 per x", "1 per 0.3 of x")
    rubric = rubricdsl.loads(text)
    assert rubric.evaluate({"x": Decimal("0.9")}).total == 3  # 0.9 / 0.3 is exactly 3
    assert rubric.evaluate({"x": Decimal("0.8999")}).total == 2


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False),
    st.decimals(min_value=Decimal("0.000001"), max_value=10**6, places=6, allow_nan=False),
    st.integers(0, 4),
)
def test_divide_half_up_rounds_once_from_the_exact_quotient(
    numerator: Decimal, denominator: Decimal, places: int
):
    exact = Fraction(numerator) / Fraction(denominator) * 10**places
    magnitude = abs(exact)
    whole = int(magnitude)
    if magnitude - whole >= Fraction(1, 2):
        whole += 1
    expected = Decimal(whole if exact >= 0 else -whole).scaleb(-places)
    assert divide_half_up(numerator, denominator, places) == expected


def test_divide_half_up_is_not_fooled_by_a_tie_hidden_past_the_precision():
    # 1 / 2.00…01 is just below 0.5: a rounded intermediate (0.5000…) would round it up.
    denominator = Decimal("2." + "0" * 100 + "1")
    assert divide_half_up(Decimal(1), denominator, 0) == 0
    assert divide_half_up(Decimal(1), Decimal(2), 0) == 1
    assert divide_half_up(Decimal(-1), Decimal(2), 0) == -1
