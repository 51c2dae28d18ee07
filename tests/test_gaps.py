"""Gap analysis: what change of the data wins each lost point back (docs/gaps.md).

Every expected value is worked out by hand from the rubric and the data, in the comments."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl.cli import main
from rubricdsl.gaps import GapReport, Suggestion, find_gaps

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
SAMPLE = str(ROOT / "examples" / "yaohai-2021.yaml")
D = Decimal


@pytest.fixture(scope="module")
def table() -> rubricdsl.Rubric:
    return rubricdsl.load(RUBRIC)


@pytest.fixture(scope="module")
def sample() -> rubricdsl.DataFile:
    return rubricdsl.read_data(SAMPLE)


@pytest.fixture(scope="module")
def yaohai(table, sample) -> GapReport:
    return find_gaps(table, sample.indicators, sample.not_applicable)


def by_indicator(report: GapReport, name: str) -> list[Suggestion]:
    return [s for s in report.suggestions if any(c.indicator == name for c in s.changes)]


def only(report: GapReport, name: str) -> Suggestion:
    (found,) = by_indicator(report, name)
    return found


def gaps_of(body: str, data: dict, header: str = 'rubric "t"\nyear 2021\nbase 100\n') -> GapReport:
    return find_gaps(rubricdsl.loads(header + body), data)


# ---- the 2020 table and the Yaohai sample -------------------------------------------------------


def test_every_change_at_once_reaches_the_highest_score_the_data_allow(yaohai):
    # Highest by hand: 质量发展促进机制 22; 质量技术 16 (item 10's last two rules are 合理缺项, so
    # its maximum is 2: 4 + 4 + 2 + 6); 质量工作成效 44 (its items reach 4+3+8+4+2+5+5+2+6+3+2 = 44,
    # item 19 reaching 2 of its 4); 质量安全水平 16. Raw base 98 of the 98 left after 合理缺项,
    # prorated 98 × 100 / 98 = 100. Bonus: items 28, 29, 30 reach 3 + 3 + 2 = 8 of 10. 108.
    assert yaohai.total == D("77.49")
    assert yaohai.highest == D(108)
    assert yaohai.after_all == D(108)
    assert yaohai.gained_by_all == D("30.51")
    assert yaohai.out_of_reach == ()
    assert yaohai.unmet_after_all == ()
    assert len(yaohai.all_changes) == len(yaohai.suggestions) == 17


def test_ranked_by_what_the_total_gains_after_proration(yaohai):
    # Now: raw base 73 of 98, prorated 74.49. A base rule of p points makes it
    # (73 + p) × 100 / 98, half-up: 3 → 77.55 (+3.06), 2 → 76.53 (+2.04), 1.5 → 76.02 (+1.53),
    # 1 → 75.51 (+1.02). Bonus points are not prorated: +3 (item 29), +2 (item 30). Item 8
    # gains 1 of the national centre's 2 (2 + 2 + 1 is capped at 4), item 12 likewise (the
    # provincial award's 2 on 2 + 1, capped at 4). Ties in the order of the rubric's lines.
    expected = [
        ("cqo_trained_pct", D(100), "3.06"),  # item 13, line 173
        ("construction_complaint_rate", (D("3.1"), D("2.7"), D("2.6")), "3.06"),  # item 17
        ("central_media_coverage", True, "3"),  # item 29 (bonus)
        ("quality_policy_implemented", True, "2.04"),  # item 3, line 121
        ("quality_fund_delivered", True, "2.04"),  # item 7, line 137
        ("compulsory_measurement_standards", D(6), "2.04"),  # item 10, line 154
        ("certification_demo_zone", True, "2.04"),  # item 11, line 161
        ("provincial_safety_demo_title", True, "2.04"),  # item 24, line 231
        ("hosted_quality_event", True, "2"),  # item 30 (bonus)
        ("food_handled_on_time_pct", D(90), "1.53"),  # item 14, line 180
        ("tourism_benchmark_enterprises", D(1), "1.53"),  # item 21, line 213
        ("national_qc_centers", D(1), "1.02"),  # item 8, line 145
        ("agri_standard_demo_zone", True, "1.02"),  # item 9, line 151
        ("provincial_quality_award", True, "1.02"),  # item 12, line 169
        ("consumer_service_satisfaction", D(80), "1.02"),  # item 19, line 204
        ("annual_report_rate_pct", D(92), "1.02"),  # item 23, line 227
        ("key_equipment_inspection_pct", D(100), "1.02"),  # item 27, line 245
    ]
    found = [(s.changes[0].indicator, s.changes[0].after, str(s.gain)) for s in yaohai.suggestions]
    assert found == expected
    assert all(len(s.changes) == 1 and len(s.meets) == 1 for s in yaohai.suggestions)


def test_all_three_of_an_and_needs_only_the_failing_part(yaohai):
    suggestion = only(yaohai, "cqo_trained_pct")
    (ref,) = suggestion.meets
    assert (ref.item_id, ref.line) == ("13", 173)
    assert (ref.logic, ref.parts) == ("all_hold", 3)
    (need,) = ref.needs  # cqo_appointed_pct and cqo_filed_pct are 100 already
    assert (need.operand, need.now, need.op, need.bound, need.value) == (
        "cqo_trained_pct",
        D("96.5"),
        "==",
        D(100),
        D(100),
    )
    assert suggestion.changes[0].before == D("96.5")
    assert [(d.id, d.before, d.after) for d in suggestion.items] == [("13", 0, 3)]


def test_a_decreasing_series_changes_the_last_year_only(yaohai):
    # 3.1, 2.7, 2.9 must strictly decrease: the last year must fall below 2.7; one unit in
    # the last decimal place of 2.9 and 2.7 is 0.1, so 2.6.
    (need,) = only(yaohai, "construction_complaint_rate").meets[0].needs
    assert need.kind == "trend"
    assert (need.op, need.bound, need.value) == ("<", D("2.7"), D("2.6"))
    assert need.now == (D("3.1"), D("2.7"), D("2.9"))


def test_between_two_indicators_the_left_one_changes(yaohai):
    # annual_report_rate_pct >= province_annual_report_rate_pct: 91.2 → 92.0, the right's value
    (need,) = only(yaohai, "annual_report_rate_pct").meets[0].needs
    assert need.other == "province_annual_report_rate_pct"
    assert (need.op, need.bound, need.value) == (">=", D(92), D(92))


def test_either_of_an_or_gains_most_then_the_first_written(table, sample):
    # Item 28 "3 when leadership_endorsement or national_meeting_exchange", "2 when
    # supervision_innovation", declared 3: with both alternatives false it scores 2; either
    # makes 3 + 2 = 5, cut to 3: +1 on the bonus (2 → 3), not prorated. Tie: the first written.
    data = dict(sample.indicators, national_meeting_exchange=False)
    report = find_gaps(table, data, sample.not_applicable)
    assert report.total == D("76.49")
    suggestion = only(report, "leadership_endorsement")
    assert suggestion.gain == 1
    assert suggestion.meets[0].logic == "any_holds"
    (other,) = suggestion.alternatives
    assert [(c.indicator, c.after) for c in other.changes] == [("national_meeting_exchange", True)]
    assert other.gain == 1


def test_a_rule_whose_item_is_at_its_cap_gains_nothing_and_says_so(table, sample):
    # Item 12 "政府质量奖" cap 4: 2 (held) + 2 (provincial award) = 4 already; the municipal
    # award's 1 point would be cut by the cap.
    data = dict(sample.indicators, provincial_quality_award=True, municipal_quality_award=False)
    report = find_gaps(table, data, sample.not_applicable)
    suggestion = only(report, "municipal_quality_award")
    assert suggestion.gain == 0
    assert suggestion.reason is not None
    assert (suggestion.reason.code, suggestion.reason.subject, suggestion.reason.limit) == (
        "item_cap",
        "12",
        D(4),
    )
    assert report.suggestions[-1] is suggestion  # ranked last, with what gains nothing


def test_rules_the_reviewers_settled_on_site_are_no_gaps(table, sample):
    # Item 14's rule 4 (1.5 when food_handled_on_time_pct >= 90) given its 1.5 on site: raw
    # base 74.5, 74.5 × 100 / 98 = 76.020… → 76.02, total 79.02; the rule is no gap, and the
    # other sixteen stay. Every change at once still reaches 108.
    overrides = [
        {
            "item": "14",
            "rule": 4,
            "points": D("1.5"),
            "by": "张三",
            "on": date(2022, 3, 15),
            "reason": "现场核查处置台账",
        }
    ]
    report = find_gaps(table, sample.indicators, sample.not_applicable, overrides=overrides)
    assert report.total == D("79.02")
    assert by_indicator(report, "food_handled_on_time_pct") == []
    assert len(report.suggestions) == 16
    assert (report.highest, report.after_all) == (108, 108)
    # the gains are measured with the override: 3 base points now make 77.5 × 100 / 98 =
    # 79.081… → 79.08, +3.06
    assert only(report, "cqo_trained_pct").gain == D("3.06")


# ---- each kind of condition --------------------------------------------------------------------

COMPARISONS = """
indicators {
  a: count
  p: percent
  q: percent
  r: percent
  n: number
  f: bool
  g: bool
  lvl: enum(national, provincial, municipal, none)
}
category "c" 100 {
  item 1 "a > 3" 10 { 10 when a > 3 "more than 3" }
  item 2 "p < 20" 10 { 10 when p < 20 "under 20" }
  item 3 "n <= 2.5" 10 { 10 when n <= 2.5 "at most 2.5" }
  item 4 "n == 4" 10 { 10 when n == 4 "exactly 4" }
  item 5 "q != 100" 10 { 10 when q != 100 "not 100" }
  item 6 "f" 10 { 10 when f "flag" }
  item 7 "not g" 10 { 10 when not g "not the flag" }
  item 8 "90.5 <= r" 10 { 10 when 90.5 <= r "written the other way round" }
  item 9 "lvl" 10 { 10 when lvl != none "any level" }
  item 10 "p > 50.25" 10 { 10 when p > 50.25 "more than 50.25" }
}
"""


@pytest.mark.parametrize(
    ("item", "operand", "op", "bound", "value"),
    [
        ("1", "a", ">", D(3), D(4)),  # a count: the next whole number
        ("2", "p", "<", D(20), D("19.9")),  # 25.5 and 20: one unit of 0.1 below 20
        ("3", "n", "<=", D("2.5"), D("2.5")),  # the bound itself
        ("4", "n", "==", D(4), D(4)),
        ("5", "q", "!=", D(100), D(99)),  # 101 is no percent: a step the other way
        ("8", "r", ">=", D("90.5"), D("90.5")),  # `90.5 <= r` is `r >= 90.5`
        ("9", "lvl", "!=", "none", "national"),  # the first other level
        ("10", "p", ">", D("50.25"), D("50.26")),  # one unit in the last place of 50.25
    ],
)
def test_each_comparison_suggests_its_bound_or_the_nearest_step_beyond(
    item, operand, op, bound, value
):
    data = dict(a=3, p=D("25.5"), q=100, r=80, n=7, f=False, g=True, lvl="none")
    report = gaps_of(COMPARISONS, data)
    (suggestion,) = [s for s in report.suggestions if s.meets[0].item_id == item]
    (need,) = suggestion.meets[0].needs
    assert (need.operand, need.op, need.bound, need.value) == (operand, op, bound, value)
    assert suggestion.gain == 10


def test_a_flag_becomes_true_and_under_not_false():
    data = dict(a=3, p=D("25.5"), q=100, r=80, n=7, f=False, g=True, lvl="none")
    report = gaps_of(COMPARISONS, data)
    assert [(c.indicator, c.after) for c in only(report, "f").changes] == [("f", True)]
    assert [(c.indicator, c.after) for c in only(report, "g").changes] == [("g", False)]
    # p = 25.5 also fails `p > 50.25`: each is its own suggestion, with its own value
    assert sorted(c.after for s in by_indicator(report, "p") for c in s.changes) == [
        D("19.9"),
        D("50.26"),
    ]


SERIES = """
indicators {
  rising: series(3)
  broken: series(3)
  s: series(3)
}
category "c" 40 {
  item 1 "rising" 10 { 10 when increasing(rising) "rising" }
  item 2 "last" 10 { 10 when last(s) < previous(s) "lower than the year before" }
  item 3 "past" 10 { 10 when previous(s) > 5 "a past year" }
  item 4 "broken" 10 { 10 when decreasing(broken) "falling" }
}
"""


def test_series_change_only_this_years_value():
    data = dict(rising=[1, 2, D("1.5")], broken=[3, 4, 1], s=[3, 2, 4])
    report = gaps_of(SERIES, data)
    # increasing(1, 2, 1.5): the last year must rise above 2, one unit of 0.1 beyond: 2.1
    assert only(report, "rising").changes[0].after == (D(1), D(2), D("2.1"))
    # last(s) < previous(s): 4 must fall below 2, one unit of 1 below: 1
    (need,) = only(report, "s").meets[0].needs
    assert (need.operand, need.op, need.bound, need.value) == ("last(s)", "<", D(2), D(1))
    assert only(report, "s").changes[0].after == (D(3), D(2), D(1))
    # previous(s) > 5 needs last year's value changed; 3 → 4 already rises before the last year
    blocked = {entry.rule.item_id: entry.blocked.code for entry in report.out_of_reach}
    assert blocked == {"3": "history", "4": "broken_trend"}
    assert report.highest == 40 and report.after_all == 20


PER_UNIT = """
indicators {
  amt: amount("万元")
  certs: count
  incidents: count
  r: number
  q: percent
  x: count
}
category "c" 100 {
  item 1 "per 10" 3 { 1 per 10 of amt max 3 "每 10 万元加 1 分，最高 3 分" }
  item 2 "per" 2 { 0.5 per certs max 2 "每张加 0.5 分，最高 2 分" }
  item 3 "up" 3 { 1 per 10 of amt max 3 rounding up "不足 10 万元按 10 万元计" }
  item 4 "deduct" 5 {
    5 always "基础分"
    -1 per incidents "每起扣 1 分"
    -1 per r below 5 max 3 "每少 1 扣 1 分"
  }
  item 5 "scaled" 2 { 2 scaled by q "按比例" }
  item 6 "of" 3 { 3 scaled by x of 8 "完成 8 个得满分" }
}
"""


def test_points_per_unit_and_proportional_suggest_the_value_reaching_their_maximum():
    data = dict(amt=5, certs=1, incidents=2, r=D("2.3"), q=40, x=2)
    report = gaps_of(PER_UNIT, data)
    amt = {s.meets[0].item_id: s for s in by_indicator(report, "amt")}
    # 3 points at 1 per 10: 30 (rounding down: 3 whole units); rounding up: past 20, 21.
    # Now 5 gives item 1 nothing and item 3 one unit (a partial unit counts). At 30 both give
    # 3: +3 +2; at 21, item 1 counts 2 units and item 3 three: +2 +2.
    assert amt["1"].changes[0].after == D(30) and amt["1"].gain == 5
    assert [ref.item_id for ref in amt["1"].also_meets] == ["3"]
    assert amt["3"].changes[0].after == D(21) and amt["3"].gain == 4
    assert amt["1"].meets[0].needs[0].points == 3
    # 2 points at 0.5 per certificate: 4 certificates; 1 now gives 0.5
    assert only(report, "certs").changes[0].after == D(4)
    assert only(report, "certs").gain == D("1.5")
    # deductions per unit take nothing: no incident; a shortfall under one unit: 5 − r < 1,
    # r past 4 by one unit of 0.1 (r is 2.3): 4.1. Item 4: 5 − 2 − 2 = 1 now.
    assert only(report, "incidents").changes[0].after == 0
    assert only(report, "incidents").gain == 2
    assert only(report, "r").changes[0].after == D("4.1")
    assert only(report, "r").gain == 2
    # 2 scaled by q: full at 100 (0.8 now, +1.2); 3 scaled by x of 8: full at 8 (0.75 now)
    assert only(report, "q").changes[0].after == 100 and only(report, "q").gain == D("1.2")
    assert only(report, "x").changes[0].after == 8 and only(report, "x").gain == D("2.25")


TIERS = """
indicators {
  lvl: enum(national, provincial, municipal, none)
  p: percent
  x: count
}
category "c" 100 {
  item 1 "tiers" 3 {
    highest "国家级 3 分、省级 2 分、市级 1 分，取最高" {
      3 when lvl == national "国家级"
      2 when lvl == provincial "省级"
      1 when lvl == municipal "市级"
    }
  }
  item 2 "graded" 4 {
    4 always "基础分"
    lowest "低于目标扣分" {
      -1 when p < 30 "低于 30"
      -2 when p < 20 "低于 20"
    }
  }
  item 3 "deduction" 3 {
    3 always "基础分"
    -2 when x >= 1 "发生即扣 2 分"
  }
}
"""


def test_each_better_tier_and_each_lighter_graded_deduction_is_its_own_suggestion():
    report = gaps_of(TIERS, dict(lvl="municipal", p=15, x=3))
    tiers = {s.changes[0].after: s for s in by_indicator(report, "lvl")}
    # municipal gives 1: national +2, provincial +1
    assert {level: s.gain for level, s in tiers.items()} == {"national": 2, "provincial": 1}
    assert tiers["national"].meets[0].tier == "国家级"
    # p = 15: the most severe tier (-2) counts, item 2 scores 2. p ≥ 30 clears it (+2);
    # p ≥ 20 leaves the lighter tier (-1): +1.
    graded = {s.changes[0].after: s for s in by_indicator(report, "p")}
    assert {value: s.gain for value, s in graded.items()} == {D(30): 2, D(20): 1}
    assert graded[D(30)].meets[0].logic == "all_fail"
    assert graded[D(20)].meets[0].tier_points == -1
    # a deduction's condition must stop holding: x >= 1 fails at x = 0
    (need,) = only(report, "x").meets[0].needs
    assert (need.op, need.bound, need.value) == ("<", D(1), D(0))
    assert only(report, "x").meets[0].deduction
    # every change at once: lvl national, p 30, x 0: the highest, 3 + 4 + 3
    assert report.after_all == report.highest == 10


def test_one_change_meeting_rules_in_two_items_is_one_suggestion():
    body = """
indicators { a: count  p: percent }
category "c" 100 {
  item 1 "one" 4 { 1 when a >= 10 "ten" 3 when p >= 90 "ninety" }
  item 2 "two" 2 { 2 when a >= 10 "ten again" }
  item 3 "three" 2 { 2 when p >= 96 "ninety-six" }
}
"""
    report = gaps_of(body, dict(a=3, p=85))
    (ten,) = by_indicator(report, "a")
    # lines: the header's 3, a blank line, indicators, category, then item 1 on line 7
    assert [(ref.item_id, ref.line) for ref in ten.meets] == [("1", 7), ("2", 8)]
    assert ten.gain == 3
    # two values of p asked by two rules: two suggestions, each measured alone; 96 meets
    # item 1's rule as well (3 + 2), and is the one every change at once takes
    ninety, ninety_six = sorted(by_indicator(report, "p"), key=lambda s: s.changes[0].after)
    assert (ninety.gain, ninety_six.gain) == (3, 5)
    assert [ref.item_id for ref in ninety_six.also_meets] == ["1"]
    assert dict((c.indicator, c.after) for c in report.all_changes) == {"a": 10, "p": 96}
    assert report.after_all == report.highest == 8


def test_rules_that_cost_more_than_they_gain_are_left_unmet_and_listed():
    # p = 15 meets "p < 20" (1 point); "p >= 95" (3 points) gains 3 − 1 = 2 and is taken.
    # Highest: 1 + 3 = 4; with every change at once 3, "p < 20" being traded off.
    body = """
indicators { p: percent }
category "c" 4 {
  item 1 "low" 1 { 1 when p < 20 "low" }
  item 2 "high" 3 { 3 when p >= 95 "high" }
}
"""
    report = gaps_of(body, dict(p=15), 'rubric "t"\nyear 2021\nbase 4\n')
    assert [(c.indicator, c.after) for c in report.all_changes] == [("p", 95)]
    assert only(report, "p").gain == 2
    assert [d.difference for d in only(report, "p").items] == [-1, 3]
    assert (report.highest, report.after_all) == (4, 3)
    assert [ref.text for ref in report.unmet_after_all] == ["low"]


def test_proration_makes_a_base_point_worth_more_than_one():
    # base 10, one item of 4 reported 合理缺项 as a whole: the maximum is 6, and a base point
    # is worth 10 / 6. Item 2 scores 3 + 2 = 5 of 6: 5 × 10 / 6 = 8.333… → 8.33; with g,
    # 6 × 10 / 6 = 10: +1.67 for a rule of 1 point.
    body = """
indicators { f: bool  g: bool }
category "c" 10 {
  item 1 "excused" 4 { na allowed "合理缺项" 4 when f "f" }
  item 2 "kept" 6 { 3 always "基础分" 1 when g "g" 2 when f "f" }
}
"""
    rubric = rubricdsl.loads('rubric "t"\nyear 2021\nbase 10\n' + body)
    report = find_gaps(rubric, dict(f=True, g=False), {"1": "辖区无此项"})
    assert report.total == D("8.33")
    assert only(report, "g").gain == D("1.67")
    assert report.highest == 10
    # the excused item's rule is no gap
    assert all(ref.item_id != "1" for s in report.suggestions for ref in s.meets)


def test_a_change_that_stops_at_a_declared_total_says_which():
    body = """
indicators { f: bool  g: bool  h: bool }
category "c" 3 {
  group "g" 2 {
    item 1 "one" 2 { 2 when f "f" }
    item 2 "two" 2 { 2 when g "g" }
  }
  item 3 "three" 1 { 1 when h "h" }
}
"""
    report = gaps_of(body, dict(f=True, g=False, h=False), 'rubric "t"\nyear 2021\nbase 3\n')
    reason = only(report, "g").reason
    assert reason is not None and (reason.code, reason.subject, reason.limit) == (
        "group_full",
        "g",
        2,
    )
    assert only(report, "h").gain == 1


def test_values_no_type_can_take_are_out_of_reach():
    body = """
indicators { p: percent  a: count }
category "c" 10 {
  item 1 "x" 5 { 5 when p > 100 "never" }
  item 2 "y" 5 { 5 when a < 0 "never either" }
}
"""
    report = gaps_of(body, dict(p=50, a=1), 'rubric "t"\nyear 2021\nbase 10\n')
    assert report.suggestions == ()
    assert [(o.rule.item_id, o.blocked.code) for o in report.out_of_reach] == [
        ("1", "out_of_range"),
        ("2", "out_of_range"),
    ]
    assert report.after_all == report.total == 0


def test_unmet_requirements_and_struck_vetoes_are_listed_apart():
    body = """
indicators { p: percent  x: count }
require p >= 60 "p at least 60"
veto when x > 3 "too many"
category "c" 10 { item 1 "i" 10 { 10 always "all" } }
"""
    report = gaps_of(body, dict(p=50, x=4), 'rubric "t"\nyear 2021\nbase 10\n')
    assert report.suggestions == ()
    (requirement,) = report.requirements
    assert [(c.indicator, c.after) for c in requirement.changes] == [("p", 60)]
    assert requirement.gain == 0
    (veto,) = report.vetoes
    assert [(c.indicator, c.after) for c in veto.changes] == [("x", 3)]
    assert veto.effect == "fails the district"


def test_wrong_arguments_are_refused_with_the_library_errors(table, sample):
    with pytest.raises(rubricdsl.RubricArgumentError):
        find_gaps("not a rubric", sample.indicators)  # type: ignore[arg-type]
    with pytest.raises(rubricdsl.IndicatorError, match="cqo_filed_pct"):
        find_gaps(table, dict(sample.indicators, cqo_filed_pct=120), sample.not_applicable)


# ---- the command line --------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_gaps_text_report(capsys):
    code, out, err = run(capsys, "gaps", RUBRIC, SAMPLE, "--lang", "en")
    assert (code, err) == (0, "")
    assert "Score now: 77.49 (base 74.49, bonus 3)." in out
    assert "Highest score these data allow: 108 " in out
    assert "With every suggested change at once: 108 (+30.51)." in out
    assert "  1.   +3.06  cqo_trained_pct: 96.5 → 100\n" in out
    assert "Its 3 conditions must all hold." in out
    assert "cqo_trained_pct is 96.5; the condition needs cqo_trained_pct = 100." in out
    assert (
        "construction_complaint_rate is [3.1, 2.7, 2.9]: the yearly values must strictly\n"
    ) in out
    assert "annual_report_rate_pct is 91.2; the condition needs annual_report_rate_pct ≥" in out
    assert out.index("cqo_trained_pct: 96.5") < out.index("central_media_coverage: false → true")


def test_gaps_json(capsys):
    code, out, _ = run(capsys, "gaps", RUBRIC, SAMPLE, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["meta"]["year"] == 2021
    assert (document["total"], document["highest"], document["after_all"]) == (
        "77.49",
        "108",
        "108",
    )
    first = document["suggestions"][0]
    assert first["gain"] == "3.06"
    assert first["changes"] == [{"indicator": "cqo_trained_pct", "before": "96.5", "after": "100"}]
    assert first["meets"][0]["needs"][0]["op"] == "=="
    assert len(document["all_changes"]) == 17


def test_gaps_bad_data_and_usage(capsys, tmp_path):
    data = tmp_path / "bad.yaml"
    data.write_text("indicators:\n  cqo_filed_pct: 120\n", encoding="utf-8")
    code, out, err = run(capsys, "gaps", RUBRIC, str(data))
    assert (code, out) == (1, "")
    assert "cqo_filed_pct: 120 is outside 0–100" in err
    code, out, err = run(capsys, "gaps", RUBRIC)
    assert (code, out) == (2, "")
    assert "usage" in err
    code, _, err = run(capsys, "gaps", RUBRIC, SAMPLE, "--lang", "fr")
    assert code == 2 and "invalid choice" in err


def test_gaps_text_escapes_what_the_files_hold(capsys, tmp_path):
    rubric = tmp_path / "t.rubric"
    rubric.write_text(
        'rubric "t"\nyear 2021\nbase 1\nindicators { f: bool }\n'
        'category "c" 1 { item "\x1b[31m" "\x1b]0;x\x07" 1 { 1 when f "\x1b[2J" } }\n',
        encoding="utf-8",
    )
    data = tmp_path / "d.yaml"
    data.write_text("indicators:\n  f: false\n", encoding="utf-8")
    code, out, _ = run(capsys, "gaps", str(rubric), str(data), "--lang", "en")
    assert code == 0
    assert "\x1b" not in out
    assert "\\x1b[2J" in out
