"""Deductions on a category or on the total: `deductions { … }` in a category takes points from
its score, at the top level from the total ("发生 … 的，在总分中扣 5 分"), never below 0."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import RubricCompileError
from rubricdsl.render import render_json, render_text

D = Decimal

RUBRIC = """\
rubric "食品安全工作考核"
year 2021
base 20
bonus 2
indicators {
  checks_done: count "完成检查次数"
  complaints: count "被投诉查实次数"
  major_incident: bool "发生重大食品安全事故"
  callouts: count "被国家级通报次数"
  plan_done_pct: percent "整改完成率"
  award: bool
}
category "日常监管" 10 {
  item 1 "检查" 10 { 1 per checks_done max 10 "每完成一次检查得 1 分，满分 10 分" }
  deductions {
    -1 per complaints max 3 "被投诉查实的，每起扣 1 分，最多扣 3 分"
    -2 scaled by plan_done_pct "整改未完成的，按未完成比例扣分"
  }
}
category "安全" 10 {
  item 2 "基础" 10 { 10 always "基础分 10 分" }
}
bonus category "加分" 2 {
  item 3 "表彰" 2 { 2 when award "获得表彰加 2 分" }
}
deductions {
  -5 when major_incident "发生重大食品安全事故的，在总分中扣 5 分"
  lowest "被通报批评扣分" {
    -1 when callouts >= 1 "被国家级通报的扣 1 分"
    -2 when callouts >= 2 "两次以上扣 2 分"
  }
}
"""

CLEAN = {
    "checks_done": 10,
    "complaints": 0,
    "major_incident": False,
    "callouts": 0,
    "plan_done_pct": 100,
    "award": False,
}


def score(**values: object) -> rubricdsl.Result:
    return rubricdsl.loads(RUBRIC).evaluate({**CLEAN, **values})


# category deductions: at, below and above the `max` of 3, and by proportion
@pytest.mark.parametrize(
    ("checks", "complaints", "pct", "category", "deducted"),
    [
        (10, 0, 100, D(10), D(0)),
        (10, 2, 100, D(8), D(2)),  # just below the max of 3
        (10, 3, 100, D(7), D(3)),  # at it
        (10, 4, 100, D(7), D(3)),  # above it: limited to 3
        (10, 0, 80, D("9.6"), D("0.4")),  # 2 × (100 − 80) / 100
        (10, 3, 0, D(5), D(5)),  # 3 + 2 × 100 / 100
        (4, 3, 50, D(0), D(4)),  # 4 − 3 − 1 = 0: at the floor, nothing cut yet
        (3, 3, 50, D(0), D(3)),  # 3 − 3 = 0, the proportional 1 cut to 0 by the floor
        (2, 3, 50, D(0), D(2)),  # the floor cuts the first deduction too
    ],
)
def test_a_category_deduction_acts_on_its_score_floored_at_0(
    checks, complaints, pct, category, deducted
):
    result = score(checks_done=checks, complaints=complaints, plan_done_pct=pct)
    first = result.categories[0]
    assert (first.earned, first.score, first.deducted) == (D(checks), category, deducted)
    assert first.cut == 0
    assert sum((rule.gave for rule in first.deductions), D(0)) == -deducted
    assert result.base_raw == category + 10


def test_the_floor_cuts_the_later_deduction_first_and_says_so():
    result = score(checks_done=3, complaints=3, plan_done_pct=50)
    per_unit, proportional = result.categories[0].deductions
    assert (per_unit.gave, per_unit.status) == (D(-3), "met")
    assert (proportional.gave, proportional.status) == (D(0), "capped")
    assert proportional.detail == (
        "not done 100 − 50 = 50: 2 × 50 / 100 = 1 deducted; "
        "0 of it counted, the category's score being at 0"
    )
    # without the first, the second would take 1 of the 3: 2 recovered; without the second,
    # the first still takes all 3: nothing
    assert (per_unit.lost, proportional.lost) == (D(2), D(0))


@pytest.mark.parametrize(
    ("major", "callouts", "award", "total", "deducted"),
    [
        (False, 0, False, D(20), D(0)),
        (True, 0, False, D(15), D(5)),
        (False, 1, False, D(19), D(1)),
        (False, 2, True, D(20), D(2)),  # the most severe tier only; 20 + 2 − 2
        (False, 3, False, D(18), D(2)),
        (True, 2, True, D(15), D(7)),
    ],
)
def test_a_deduction_from_the_total_comes_after_base_and_bonus(
    major, callouts, award, total, deducted
):
    result = score(major_incident=major, callouts=callouts, award=award)
    assert result.base + result.bonus - result.deducted == result.total == total
    assert result.deducted == deducted


def test_the_total_is_never_below_0():
    result = score(checks_done=0, major_incident=True, callouts=2)
    # base 0 + 10, bonus 0: 10 − 5 − 2 = 3
    assert (result.total, result.deducted) == (D(3), D(7))
    text = RUBRIC.replace('10 always "基础分 10 分"', '1 always "基础分"').replace(
        'item 2 "基础" 10', 'item 2 "基础" 1'
    )
    result = rubricdsl.loads(text).evaluate({**CLEAN, "checks_done": 0, "major_incident": True})
    assert (result.base, result.total, result.deducted) == (D(1), D(0), D(1))
    major = result.deductions[0]
    assert (major.gave, major.status) == (D(-1), "capped")
    assert major.detail.endswith("1 of it counted, the total being at 0")


def test_a_grade_on_the_total_is_the_band_after_the_deductions():
    text = RUBRIC + 'grades { "优秀" >= 19  "合格" otherwise }\n'
    rubric = rubricdsl.loads(text)
    assert rubric.evaluate(CLEAN).grade.grade == "优秀"  # 20
    assert rubric.evaluate({**CLEAN, "callouts": 1}).grade.grade == "优秀"  # 20 − 1 = 19
    graded = rubric.evaluate({**CLEAN, "callouts": 2}).grade  # 20 − 2 = 18
    assert (graded.score, graded.grade) == (D(18), "合格")
    on_base = rubricdsl.loads(text.replace("grades {", "grades on base {"))
    assert on_base.evaluate({**CLEAN, "callouts": 2}).grade.grade == "优秀"  # base 20


def test_report_and_json_show_the_deductions_and_where_they_act():
    result = score(complaints=1, major_incident=True)
    report = render_text(result)
    assert "category 日常监管: deductions from its score" in report
    assert "deductions from the total" in report
    assert "  日常监管          9  10  1 deducted" in report
    assert "  deducted         -5" in report
    assert "      5  the total, line 27: 发生重大食品安全事故的，在总分中扣 5 分" in report
    assert "      1  category 日常监管, line 16: 被投诉查实的，每起扣 1 分，最多扣 3 分" in report
    document = json.loads(render_json(result))
    assert document["deducted"] == "5"
    assert document["categories"][0]["deducted"] == "1"
    assert [d["gave"] for d in document["deductions"]] == ["-5", "0"]


@pytest.mark.parametrize(
    ("block", "column", "message"),
    [
        ('2 when award "x"', 14, "a deductions block deducts, but this rule gives 2 points"),
        ('1 per complaints max 2 "x"', 14, "this rule gives 1 point: write its points negative"),
        ('1 scaled by plan_done_pct "x"', 14, "this rule gives 1 point"),
    ],
)
def test_a_deductions_block_refuses_points_that_give(block, column, message):
    text = RUBRIC.replace('-5 when major_incident "发生重大食品安全事故的，在总分中扣 5 分"', block)
    # joined onto the line of `deductions {` (line 26), after its 13 characters
    text = text.replace("deductions {\n  " + block, "deductions { " + block)
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    (found,) = caught.value.diagnostics
    assert (found.code, found.line, found.column) == ("bad-points", 26, column)
    assert message in found.message


def test_a_deductions_block_takes_only_deduction_rules_by_its_syntax():
    text = RUBRIC.replace('lowest "被通报批评扣分"', 'highest "被通报批评扣分"')
    with pytest.raises(rubricdsl.RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    assert "unexpected 'highest'" in str(caught.value)
    assert caught.value.diagnostics[0].line == 28
