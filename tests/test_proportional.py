"""Proportional points: `scaled by` a percent (/ 100), or by any number against a target
("达到 4 批次/千人得满分，不足按比例得分")."""

from __future__ import annotations

from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import RubricCompileError

D = Decimal

RUBRIC = """\
rubric "按比例"
year 2021
base 10
indicators {
  batches: number "每千人抽检批次"
  plan: number or na "计划批次"
  done_pct: percent "完成率"
}
category "c" 10 {
  item 1 "抽检" 4 { 4 scaled by batches of 4 "达到 4 批次/千人得满分，不足按比例得分" }
  item 2 "计划" 3 { 3 scaled by batches of plan "按计划完成比例得分" }
  item 3 "完成率" 3 { 3 scaled by done_pct "按完成率折算" }
}
"""


def rules(**values: object) -> list[rubricdsl.RuleTrace]:
    data = {"batches": 4, "plan": 6, "done_pct": 100, **values}
    result = rubricdsl.loads(RUBRIC).evaluate(data)
    return [item.rules[0] for item in result.items]


@pytest.mark.parametrize(
    ("batches", "gave", "detail"),
    [
        (D("4"), D("4"), "4 × 4 / 4 = 4 (half-up to 2 places)"),  # at the target: full points
        (D("5"), D("4"), "5 counted as 4: 4 × 4 / 4 = 4 (half-up to 2 places)"),  # past it
        (D("3"), D("3"), "4 × 3 / 4 = 3 (half-up to 2 places)"),
        (D("1"), D("1"), "4 × 1 / 4 = 1 (half-up to 2 places)"),
        (D("0"), D("0"), "4 × 0 / 4 = 0 (half-up to 2 places)"),
        (D("-1"), D("0"), "-1 counted as 0: 4 × 0 / 4 = 0 (half-up to 2 places)"),
    ],
)
def test_points_scale_against_a_number_up_to_the_full_points(batches, gave, detail):
    rule = rules(batches=batches)[0]
    assert (rule.gave, rule.detail) == (gave, detail)


def test_a_share_that_does_not_terminate_is_rounded_half_up_to_2_places():
    rule = rules(batches=D("4"), plan=D("6"))[1]
    # 3 × 4 / 6 = 2 exactly; 3 × 5 / 6 = 2.5; 3 × 1 / 7 = 0.428… → 0.43
    assert rule.gave == 2
    assert rules(batches=D("5"), plan=D("6"))[1].gave == D("2.5")
    assert rules(batches=D("1"), plan=D("7"))[1].gave == D("0.43")


def test_a_target_indicator_that_is_not_applicable_drops_the_rule():
    rule = rules(plan={"not_applicable": "未下达计划"})[1]
    assert (rule.status, rule.na_reason) == ("not_applicable", "未下达计划")


def test_a_target_of_zero_gives_nothing_and_says_why():
    rule = rules(plan=0)[1]
    assert (rule.gave, rule.detail) == (0, "the target is 0: no share of it to count")


def test_scaled_by_a_percent_still_divides_by_100():
    assert rules(done_pct=D("95.5"))[2].gave == D("2.865")


def test_a_plain_number_without_a_target_is_a_type_error_with_a_hint():
    text = RUBRIC.replace("scaled by batches of 4", "scaled by batches")
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    message = str(caught.value)
    assert message.startswith(
        "<string>:10:31: error: 'scaled by' needs a percent or score, but 'batches' is a number"
    )
    assert "hint: or scale by a target: 4 scaled by batches of <target>" in message


def test_a_target_must_be_positive():
    with pytest.raises(RubricCompileError, match="the target of 'scaled by' must be positive"):
        rubricdsl.loads(RUBRIC.replace("of 4", "of 0"))


DEDUCTING = """\
rubric "按未完成比例扣分"
year 2021
base 10
indicators {
  done_pct: percent "整改完成率"
  inspections: count "完成抽检批次"
  planned: count or na "计划抽检批次"
}
category "c" 10 {
  item 1 "整改" 5 {
    5 always "基础分"
    -2 scaled by done_pct "未完成的按未完成比例扣分（最多扣 2 分）"
  }
  item 2 "抽检" 5 {
    5 always "基础分"
    -3 scaled by inspections of planned "按未完成抽检批次比例扣分"
  }
}
"""


def deducting(**values: object) -> list[rubricdsl.RuleTrace]:
    data = {"done_pct": 100, "inspections": 40, "planned": 40, **values}
    result = rubricdsl.loads(DEDUCTING).evaluate(data)
    return [item.rules[1] for item in result.items]


@pytest.mark.parametrize(
    ("pct", "gave", "status"),
    [
        (D(100), D(0), "not_met"),  # all done: nothing deducted
        (D("99.99"), D("-0.0002"), "met"),  # 2 × 0.01 / 100, exactly
        (D(80), D("-0.4"), "met"),
        (D(0), D(-2), "met"),  # nothing done: all the points
    ],
)
def test_a_percent_deducts_the_share_not_done(pct, gave, status):
    rule = deducting(done_pct=pct)[0]
    assert (rule.gave, rule.status, rule.reach) == (gave, status, 0)


HALF_UP = " deducted (half-up to 2 places)"


@pytest.mark.parametrize(
    ("inspections", "gave", "detail"),
    [
        (40, D(0), "not done 40 − 40 = 0: 3 × 0 / 40 = 0" + HALF_UP),
        (41, D(0), "41 counted as 40: not done 40 − 40 = 0: 3 × 0 / 40 = 0" + HALF_UP),
        (39, D("-0.08"), "not done 40 − 39 = 1: 3 × 1 / 40 = 0.08" + HALF_UP),  # 0.075 → 0.08
        (30, D("-0.75"), "not done 40 − 30 = 10: 3 × 10 / 40 = 0.75" + HALF_UP),
        (0, D(-3), "not done 40 − 0 = 40: 3 × 40 / 40 = 3" + HALF_UP),
    ],
)
def test_a_target_deducts_the_share_not_reached(inspections, gave, detail):
    rule = deducting(inspections=inspections)[1]
    assert (rule.gave, rule.detail) == (gave, detail)


def test_a_proportional_deduction_follows_its_target_into_not_applicable():
    rule = deducting(planned={"not_applicable": "未下达计划"})[1]
    assert (rule.status, rule.gave, rule.na_reason) == ("not_applicable", 0, "未下达计划")
    assert deducting(planned=0)[1].detail == "the target is 0: no share of it to count"


def test_a_proportional_deduction_is_listed_among_points_deducted():
    result = rubricdsl.loads(DEDUCTING).evaluate({"done_pct": 80, "inspections": 30, "planned": 40})
    assert [item.score for item in result.items] == [D("4.6"), D("4.25")]
    from rubricdsl.render import losses

    assert [(loss.points, loss.deduction) for loss in losses(result)] == [
        (D("0.75"), True),
        (D("0.4"), True),
    ]
