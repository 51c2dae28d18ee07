"""Kleene's three-valued logic for 合理缺项: a rule or veto is not applicable only when its
outcome truly depends on a not-applicable value (docs/language.md has the truth table)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import rubricdsl

NA = {"not_applicable": "辖区无学校"}
T, F = True, False

RUBRIC = """\
rubric "三值逻辑"
year 2021
base 10
indicators {
  a: bool or na
  b: bool or na
  n: count or na
  s: series(3) or na
}
category "c" 10 {
  item 1 "i" 10 {
    10 when %s "rule"
  }
}
"""


def status(condition: str, **values: object) -> str:
    rubric = rubricdsl.loads(RUBRIC % condition)
    data = {"a": True, "b": True, "n": 1, "s": [3, 2, 1], **values}
    return rubric.evaluate(data).items[0].rules[0].status


# The truth table of docs/language.md: `and`, `or`, `not` with true, false and n/a.
TRUTH_TABLE = [
    # a, b, a and b, a or b
    (T, T, "met", "met"),
    (T, F, "not_met", "met"),
    (T, NA, "not_applicable", "met"),
    (F, T, "not_met", "met"),
    (F, F, "not_met", "not_met"),
    (F, NA, "not_met", "not_applicable"),
    (NA, T, "not_applicable", "met"),
    (NA, F, "not_met", "not_applicable"),
    (NA, NA, "not_applicable", "not_applicable"),
]


@pytest.mark.parametrize(("a", "b", "conjunction", "disjunction"), TRUTH_TABLE)
def test_and_or_follow_the_truth_table(a, b, conjunction, disjunction):
    assert status("a and b", a=a, b=b) == conjunction
    assert status("a or b", a=a, b=b) == disjunction


@pytest.mark.parametrize(("a", "expected"), [(T, "not_met"), (F, "met"), (NA, "not_applicable")])
def test_not_of_unknown_is_unknown(a, expected):
    assert status("not a", a=a) == expected


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ("n >= 1 or a", {"n": NA, "a": T}, "met"),
        ("n >= 1 and a", {"n": NA, "a": F}, "not_met"),
        ("last(s) < previous(s) or a", {"s": NA, "a": T}, "met"),
        ("decreasing(s) and a", {"s": NA, "a": F}, "not_met"),
        ("decreasing(s) and a", {"s": NA, "a": T}, "not_applicable"),
        ("not (n >= 1 and a)", {"n": NA, "a": F}, "met"),
        ("(a or b) and n >= 1", {"a": NA, "b": T, "n": 2}, "met"),
    ],
)
def test_comparisons_and_series_are_unknown_only_when_they_decide(condition, values, expected):
    assert status(condition, **values) == expected


def test_a_rule_decided_without_the_value_keeps_its_points_and_the_maximum():
    rubric = rubricdsl.loads(RUBRIC % "a or b")
    item = rubric.evaluate({"a": NA, "b": True, "n": 1, "s": [3, 2, 1]}).items[0]
    rule = item.rules[0]
    assert (rule.gave, rule.na_reason, item.max, item.na_points) == (10, None, 10, 0)
    assert rule.values_text() == "a=不适用（辖区无学校）, b=true"


VETO = """\
rubric "否决"
year 2021
base 10
indicators { a: bool or na  b: bool or na }
category "c" 10 { item 1 "i" 10 { 10 always "满分" } }
veto when a or b "发生重大质量安全事故"
"""


@pytest.mark.parametrize(
    ("a", "b", "veto_status", "passed"),
    [
        (NA, T, "met", False),  # used to be not applicable: the veto did not strike
        (NA, F, "not_applicable", True),
        (F, F, "not_met", True),
    ],
)
def test_a_veto_strikes_when_a_known_value_decides_it(a, b, veto_status, passed):
    result = rubricdsl.loads(VETO).evaluate({"a": a, "b": b})
    assert result.all_vetoes[0].status == veto_status
    assert result.passed_vetoes is passed


TIERS = """\
rubric "取最高"
year 2021
base 4
indicators { national: bool or na  provincial: bool }
category "c" 4 {
  item 1 "i" 4 {
    highest "获得质量奖" {
      4 when national     "国家级"
      2 when provincial   "省级"
    }
  }
}
"""


@pytest.mark.parametrize(
    ("national", "provincial", "gave", "status"),
    [
        (NA, T, 0, "not_applicable"),  # national might hold and give more: depends on it
        (NA, F, 0, "not_applicable"),
        (T, T, 4, "met"),
        (F, T, 2, "met"),
    ],
)
def test_tiers_depend_on_an_unknown_tier_only_when_it_could_give_more(
    national, provincial, gave, status
):
    rule = rubricdsl.loads(TIERS).evaluate({"national": national, "provincial": provincial})
    assert (rule.items[0].rules[0].gave, rule.items[0].rules[0].status) == (Decimal(gave), status)


def test_a_lower_unknown_tier_does_not_drop_a_tier_that_holds():
    text = TIERS.replace(
        "national: bool or na  provincial: bool", "national: bool  provincial: bool or na"
    )
    rule = rubricdsl.loads(text).evaluate({"national": True, "provincial": NA}).items[0].rules[0]
    assert (rule.gave, rule.status) == (4, "met")
    assert rule.detail == "highest matching tier: 国家级 (4)"


def test_a_flag_turning_true_can_make_a_dropped_rule_count_again():
    """The documented cost of Kleene's logic: `false or n/a` drops the rule and its points
    leave the maximum; `true or n/a` holds, so the rule counts and the district is held to the
    whole tier block, of which it earns the lower tier (docs/language.md)."""
    text = """\
rubric "回到适用"
year 2021
base 4
indicators { a: bool  s: bool or na  n: count }
category "c" 4 {
  item 1 "i" 4 {
    highest "h" { 3 when n >= 5 "三分"  1 when a or s "一分" }
    1 when n >= 1 "基础"
  }
}
"""
    rubric = rubricdsl.loads(text)
    excused = rubric.evaluate({"a": False, "s": NA, "n": 1})
    held = rubric.evaluate({"a": True, "s": NA, "n": 1})
    # excused: the block (reach 3) leaves the maximum: 1 of 1, prorated 1 × 4 / 1 = 4
    assert (excused.na_points, excused.base_raw, excused.base) == (3, 1, 4)
    # held: 1 (lower tier) + 1 of 4
    assert (held.na_points, held.base_raw, held.base) == (0, 2, 2)
