"""Tiers: `highest` gives the best tier that holds; `lowest` (graded deductions) takes the most
severe deduction that applies ("低于 3% 扣 0.25 分，低于 2% 扣 0.5 分")."""

from __future__ import annotations

from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import RubricCompileError
from rubricdsl.render import render_text

GRADED = """\
rubric "分级扣分"
year 2021
base 2
indicators { pass_rate_gap: number or na  spot: bool }
category "c" 2 {
  item 1 "抽检合格率" 2 {
    2 always "基础分 2 分"
    lowest "低于目标 3 个百分点扣 0.25 分，低于 2 个百分点扣 0.5 分" {
      -0.25 when pass_rate_gap < -3   "低于 3 个百分点"
      -0.5  when pass_rate_gap < -2   "低于 2 个百分点（更严重）"
    }
  }
}
"""


def graded(gap: object) -> rubricdsl.ItemTrace:
    return rubricdsl.loads(GRADED).evaluate({"pass_rate_gap": gap, "spot": True}).items[0]


@pytest.mark.parametrize(
    ("gap", "score", "detail"),
    [
        (Decimal("-1.99"), Decimal("2"), "no tier matches"),
        (Decimal("-2"), Decimal("2"), "no tier matches"),  # at the bound: not below it
        (
            Decimal("-2.01"),
            Decimal("1.5"),
            "most severe matching tier: 低于 2 个百分点（更严重） (0.5 deducted)",
        ),
        (
            Decimal("-3"),
            Decimal("1.5"),
            "most severe matching tier: 低于 2 个百分点（更严重） (0.5 deducted)",
        ),
        # both hold below -3: the most severe (0.5) counts, not the sum and not the first written
        (
            Decimal("-3.01"),
            Decimal("1.5"),
            "most severe matching tier: 低于 2 个百分点（更严重） (0.5 deducted)",
        ),
    ],
)
def test_the_most_severe_deduction_that_applies_counts(gap, score, detail):
    item = graded(gap)
    rule = item.rules[1]
    assert item.score == score
    assert rule.detail == detail
    assert rule.reach == 0  # a deduction adds nothing
    assert rule.points == Decimal("-0.5")  # as written: the most severe tier


def test_only_the_lesser_deduction_when_only_it_applies():
    text = GRADED.replace("-0.5  when pass_rate_gap < -2", "-0.5  when pass_rate_gap < -5")
    item = rubricdsl.loads(text).evaluate({"pass_rate_gap": Decimal("-4"), "spot": True}).items[0]
    assert (item.score, item.rules[1].gave) == (Decimal("1.75"), Decimal("-0.25"))


def test_a_more_severe_tier_that_might_hold_makes_the_block_not_applicable():
    text = GRADED.replace(
        "indicators { pass_rate_gap: number or na  spot: bool }",
        "indicators { pass_rate_gap: number  other_gap: number or na  spot: bool }",
    ).replace("-0.5  when pass_rate_gap < -2", "-0.5  when other_gap < -2")
    rubric = rubricdsl.loads(text)
    na = {"not_applicable": "无"}
    # -0.25 surely applies, -0.5 might: the outcome depends on the unknown value
    rule = rubric.evaluate({"pass_rate_gap": -4, "other_gap": na, "spot": True}).items[0].rules[1]
    assert rule.status == "not_applicable"
    # nothing surely applies and -0.5 might: also not applicable
    rule = rubric.evaluate({"pass_rate_gap": 0, "other_gap": na, "spot": True}).items[0].rules[1]
    assert rule.status == "not_applicable"


def test_graded_deductions_are_listed_as_deductions_in_the_report():
    report = render_text(rubricdsl.loads(GRADED).evaluate({"pass_rate_gap": -4, "spot": True}))
    deducted = report.split("Points deducted")[1]
    assert "    0.5  item 1 抽检合格率, line 8: 低于目标 3 个百分点扣 0.25 分" in deducted


@pytest.mark.parametrize(("points", "column"), [("0.25", 7), ("0", 7)])
def test_a_tier_of_a_lowest_block_must_deduct(points, column):
    text = GRADED.replace("-0.25 when", f"{points} when")
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    message = str(caught.value)
    assert message.startswith(f"<string>:9:{column}: error: a tier of a lowest {{ }} block deducts")


def test_lowest_is_a_reserved_word():
    with pytest.raises(rubricdsl.RubricError, match="lowest"):
        rubricdsl.loads(GRADED.replace("spot: bool", "lowest: bool"))
