"""Points by shortfall or excess: units of the difference between an indicator and a target,
with a step, a maximum, and how a partial unit counts (down, up, exact)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import RubricCompileError

D = Decimal

RUBRIC = """\
rubric "差额计分"
year 2021
base 20
indicators {
  inspections: count "检查次数"
  pass_rate: percent "合格率"
  target_rate: percent or na "目标合格率"
  growth: number "增速"
}
category "c" 20 {
  item 1 "少一次扣一分" 5 {
    5 always "基础分"
    -1 per inspections below 5 max 3 "每少一次扣 1 分，最多扣 3 分"
  }
  item 2 "低于目标" 5 {
    5 always "基础分"
    -0.5 per pass_rate below target_rate rounding up "每下降一个百分点扣 0.5 分（不足一个按一个计）"
  }
  item 3 "高于基线" 10 {
    1 per growth above 5 max 10 "每上升一个百分点加 1 分（最多加 10 分）"
  }
}
"""


@pytest.fixture(scope="module")
def rubric() -> rubricdsl.Rubric:
    return rubricdsl.loads(RUBRIC)


def rule(rubric, item: int, **values: object) -> rubricdsl.RuleTrace:
    data = {"inspections": 5, "pass_rate": 95, "target_rate": 95, "growth": 5, **values}
    return rubric.evaluate(data).items[item - 1].rules[-1]


@pytest.mark.parametrize(
    ("inspections", "gave", "detail"),
    [
        (6, D(0), "no shortfall (6 > 5), counted as 0 units: 0 × -1 = 0"),
        (5, D(0), "shortfall 5 − 5 = 0: 0 × -1 = 0"),  # at the target
        (4, D(-1), "shortfall 5 − 4 = 1: 1 × -1 = -1"),
        (2, D(-3), "shortfall 5 − 2 = 3: 3 × -1 = -3"),
        (1, D(-3), "shortfall 5 − 1 = 4: 4 × -1 = -4, limited to 3"),  # past the maximum
    ],
)
def test_each_missing_unit_deducts_up_to_the_maximum(rubric, inspections, gave, detail):
    found = rule(rubric, 1, inspections=inspections)
    assert (found.gave, found.detail) == (gave, detail)


@pytest.mark.parametrize(
    ("pass_rate", "gave"),
    [
        (D("95"), D("0")),
        (D("94.99"), D("-0.5")),  # a partial point counts as a whole one (rounding up)
        (D("94"), D("-0.5")),
        (D("93.5"), D("-1")),
        (D("96"), D("0")),
    ],
)
def test_rounding_up_counts_a_partial_unit_as_one(rubric, pass_rate, gave):
    assert rule(rubric, 2, pass_rate=pass_rate).gave == gave


def test_the_target_may_be_another_indicator_and_follows_its_na(rubric):
    found = rule(rubric, 2, pass_rate=90, target_rate={"not_applicable": "未设目标"})
    assert (found.status, found.na_reason) == ("not_applicable", "未设目标")
    assert [name for name, _ in found.values] == ["pass_rate", "target_rate"]


@pytest.mark.parametrize(
    ("growth", "gave"),
    [
        (D("5"), D("0")),
        (D("5.99"), D("0")),
        (D("6"), D("1")),
        (D("8.5"), D("3")),
        (D("40"), D("10")),
    ],
)
def test_each_unit_above_the_baseline_adds_rounding_down(rubric, growth, gave):
    assert rule(rubric, 3, growth=growth).gave == gave


def test_rounding_exact_gives_a_share_of_a_unit_half_up_to_2_places():
    text = RUBRIC.replace(
        "1 per growth above 5 max 10", "1 per 3 of growth above 5 max 10 rounding exact"
    )
    found = rule(rubricdsl.loads(text), 3, growth=D("6"))
    # (6 − 5) / 3 × 1 = 0.333… → 0.33
    assert (found.gave, found.detail) == (
        D("0.33"),
        "excess 6 − 5 = 1: 1 / 3 × 1 = 0.33 (exact, half-up to 2 places)",
    )
    assert rule(rubricdsl.loads(text), 3, growth=D("5.5")).gave == D("0.17")  # 0.1666… → 0.17


def test_a_target_that_is_not_a_number_is_a_type_error():
    text = RUBRIC.replace("  growth: number", "  growth: number\n  flag: bool").replace(
        "below target_rate", "below flag"
    )
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    assert str(caught.value).startswith(
        "<string>:18:30: error: 'below' needs a number to compare with, but 'flag' is a bool"
    )


def test_a_target_indicator_counts_as_used():
    assert not [w for w in rubricdsl.loads(RUBRIC).warnings if w.code == "unused-indicator"]


SERIES_RUBRIC = """\
rubric "同比"
year 2021
base 5
indicators {
  pass_rates: series(3) "近三年抽检合格率"
  short: series(1) "一年"
}
category "c" 5 {
  item 1 "比上年" 5 {
    5 always "基础分"
    -0.5 per last(pass_rates) below previous(pass_rates) max 2 rounding up
      "比上年每下降一个百分点扣 0.5 分，最多扣 2 分"
  }
}
"""


UP = " (a partial unit counts as one)"


@pytest.mark.parametrize(
    ("rates", "gave", "detail"),
    [
        # previous − last is the shortfall; a partial point counts as one (rounding up)
        ((90, 95, 95), D(0), "shortfall 95 − 95 = 0: 0 × -0.5 = 0" + UP),
        ((90, 95, 96), D(0), "no shortfall (96 > 95), counted as 0 units: 0 × -0.5 = 0" + UP),
        ((90, 95, D("94.9")), D("-0.5"), "shortfall 95 − 94.9 = 0.1: 1 × -0.5 = -0.5" + UP),
        ((90, 95, 94), D("-0.5"), "shortfall 95 − 94 = 1: 1 × -0.5 = -0.5" + UP),
        ((90, 95, D("93.9")), D("-1"), "shortfall 95 − 93.9 = 1.1: 2 × -0.5 = -1" + UP),
        ((90, 95, 91), D("-2"), "shortfall 95 − 91 = 4: 4 × -0.5 = -2" + UP),
        (
            (90, 95, D("90.9")),
            D("-2"),
            "shortfall 95 − 90.9 = 4.1: 5 × -0.5 = -2.5" + UP + ", limited to 2",
        ),
    ],
)
def test_last_and_previous_of_a_series_in_a_shortfall_rule(rates, gave, detail):
    rubric = rubricdsl.loads(SERIES_RUBRIC)
    rule = rubric.evaluate({"pass_rates": list(rates), "short": [1]}).items[0].rules[1]
    assert (rule.gave, rule.detail) == (gave, detail)
    assert rule.values == (("pass_rates", tuple(D(r) for r in rates)),)


@pytest.mark.parametrize(
    ("written", "instead", "column", "message"),
    [
        # line 11: 4 spaces, then "-0.5 per last(pass_rates) below previous(" is 41 characters
        (
            "below previous(pass_rates)",
            "below previous(short)",
            46,
            "previous() needs at least 2 yearly values; 'short' has 1",
        ),
        (
            "per last(pass_rates)",
            "per pass_rates",
            14,
            "'per' counts units of a number, but 'pass_rates' is a series",
        ),
    ],
)
def test_a_series_where_a_number_is_counted_is_refused_where_it_is_written(
    written, instead, column, message
):
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(SERIES_RUBRIC.replace(written, instead))
    (found,) = caught.value.diagnostics
    assert (found.line, found.column) == (11, column)
    assert found.message.startswith(message)
