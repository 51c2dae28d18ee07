"""Reviewers' overrides on site (现场评审): a rule's or an item's points replaced, with who, when
and why; the score counts them, the trace, the text report and the JSON keep both.

The expected scores are worked by hand from the 2020 table and the Yaohai sample: the sample's
base is 18 + 10 + 33 + 12 = 73 of 98 (item 10's last two rules are 合理缺项), prorated
73 × 100 / 98 = 74.489… → 74.49; the bonus is 3 (item 28); the total 77.49.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import rubricdsl
from rubricdsl.cli import main
from rubricdsl.overrides import Override, OverrideError, read_overrides
from rubricdsl.render import render_json, render_text
from strategies import BlockCase, Case, block_cases, rubric_cases

D = Decimal
ROOT = Path(__file__).resolve().parent.parent
RUBRIC = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
SAMPLE = str(ROOT / "examples" / "yaohai-2021.yaml")
DAY = datetime.date(2022, 3, 15)


@pytest.fixture(scope="module")
def rubric() -> rubricdsl.Rubric:
    return rubricdsl.load(RUBRIC)


@pytest.fixture(scope="module")
def data() -> rubricdsl.DataFile:
    return rubricdsl.read_data(SAMPLE)


def override(item: object, points: object, rule: object = None, **fields: object) -> dict:
    found: dict[str, object] = {"item": item, "points": points}
    if rule is not None:
        found["rule"] = rule
    found.update({"by": "张三", "on": DAY, "reason": "现场核查台账"})
    found.update(fields)
    return found


def scored(rubric, data, *overrides: dict, **options: Any) -> rubricdsl.Result:
    return rubric.evaluate(data.indicators, overrides=list(overrides), **options)


def problems(rubric, data, *overrides: object) -> list[str]:
    with pytest.raises(OverrideError) as caught:
        rubric.evaluate(data.indicators, overrides=list(overrides))
    return [str(problem) for problem in caught.value.problems]


# ---- what an override does to the score ---------------------------------------------------------


def test_without_overrides_nothing_changes(rubric, data):
    plain = rubric.evaluate(data.indicators)
    for result in (scored(rubric, data), rubric.evaluate(data.indicators, overrides=None)):
        assert result == plain
        assert render_text(result, data.meta) == render_text(plain, data.meta)
        assert render_json(result, data.meta) == render_json(plain, data.meta)
    assert (plain.total, plain.overrides) == (D("77.49"), ())
    assert "overrides" not in plain.to_dict()
    assert all("override" not in item for item in plain.to_dict()["items"])


def test_an_override_of_a_rule_replaces_its_points_before_the_item_and_the_proration(rubric, data):
    # item 14 rule 4 `1.5 when food_handled_on_time_pct >= 90`: 88.9 gives 0; the reviewers
    # give 1.5. Item 14: 1 + 2 + 0.5 + 1.5 + 2 + 1 = 8 of 8; base 73 + 1.5 = 74.5 of 98,
    # 74.5 × 100 / 98 = 76.020… → 76.02; total 76.02 + 3 = 79.02.
    result = scored(rubric, data, override(14, D("1.5"), rule=4))
    item = result.item("14")
    rule = item.rules[3]
    assert rule.text == "按时处置完成率达到 90%以上"
    assert (rule.gave, rule.status, item.score) == (D("1.5"), "met", 8)
    assert rule.override is not None
    assert (rule.override.points, rule.override.computed) == (D("1.5"), 0)
    assert (rule.override.by, rule.override.on, rule.override.reason) == (
        "张三",
        DAY,
        "现场核查台账",
    )
    assert (rule.override.item, rule.override.rule, rule.override.line) == ("14", 4, 180)
    assert rule.detail == "overridden on site: 1.5 given (computed: condition does not hold)"
    assert rule.values == (("food_handled_on_time_pct", D("88.9")),)  # the value stays as read
    assert (result.base_raw, result.base, result.bonus, result.total) == (
        D("74.5"),
        D("76.02"),
        3,
        D("79.02"),
    )
    assert result.overrides == (rule.override,)
    assert item.override is None


def test_an_override_at_the_items_cap_gains_nothing_past_it(rubric, data):
    # item 8 (cap 4): 2 (platform) + 0 (national centres, none) + 1 (provincial) = 3. The
    # reviewers give the national-centre rule its 2: 2 + 2 + 1 = 5, capped at 4, the later
    # provincial rule giving way. Item 8 gains 1, not 2: base 74 of 98 → 75.510… → 75.51.
    result = scored(rubric, data, override(8, 2, rule=2))
    item = result.item("8")
    assert [rule.gave for rule in item.rules] == [2, 2, 0]
    assert [rule.status for rule in item.rules] == ["met", "met", "capped"]
    assert item.score == 4
    assert item.rules[1].override.computed == 0
    assert (result.base_raw, result.base, result.total) == (74, D("75.51"), D("78.51"))


def test_an_override_of_an_item_replaces_its_score_after_its_rules(rubric, data):
    # item 19: 1 (producer satisfaction 82.4) + 0 (consumer 79.6) = 1 of 4. The reviewers give
    # it 3: base 73 + 2 = 75 of 98 → 76.530… → 76.53; total 79.53.
    result = scored(rubric, data, override("19", 3, by="李四", reason="满意度另有抽样调查"))
    item = result.item("19")
    assert item.score == 3
    assert item.override is not None
    assert (item.override.points, item.override.computed, item.override.rule) == (3, 1, None)
    # the rules keep what they gave, which adds up to what was computed; none can change the
    # reviewers' score, so none has points to win back
    assert [rule.gave for rule in item.rules] == [1, 0]
    assert sum(rule.gave for rule in item.rules) == item.override.computed
    assert [rule.lost for rule in item.rules] == [0, 0]
    assert item.lost == 1
    assert (result.base_raw, result.base, result.total) == (75, D("76.53"), D("79.53"))


def test_an_override_of_a_bonus_item_is_not_prorated(rubric, data):
    # item 29 (bonus): 0 → 3; the bonus 3 + 3 = 6, the base unchanged: 74.49 + 6 = 80.49
    result = scored(rubric, data, override(29, 3))
    assert (result.base, result.bonus, result.total) == (D("74.49"), 6, D("80.49"))


def test_the_categorys_total_caps_an_overridden_item_as_always(rubric, data):
    # 质量工作成效 declares 44 while its items declare 46; the sample earns 33 of it. Overriding
    # items 13 (0 → 3), 17 (2 → 5) and 21 (1.5 → 3) to their maxima and item 14 rule 4 (0 →
    # 1.5) brings the items to 33 + 3 + 3 + 1.5 + 1.5 = 42; with item 19 (1 → 4) 45, cut to 44.
    overrides = [override(13, 3), override(17, 5), override(21, 3), override(14, "1.5", rule=4)]
    result = scored(rubric, data, *overrides, override(19, 4))
    category = result.categories[2]
    assert (category.title, category.earned, category.score, category.cut) == (
        "质量工作成效",
        45,
        44,
        1,
    )
    # base 18 + 10 + 44 + 12 = 84 of 98 → 85.714… → 85.71; total 88.71
    assert (result.base_raw, result.base, result.total) == (84, D("85.71"), D("88.71"))
    assert [o.target for o in result.overrides] == [
        "item 13",
        "item 17",
        "item 21",
        "item 14, rule 4",
        "item 19",
    ]


DEDUCTIONS = """\
rubric "扣分"
year 2022
base 10
indicators { incidents: count  callout: bool  done: bool }
category "c" 10 {
  item 1 "质量安全事故" 5 {
    5 always "基础分 5 分"
    -1 per incidents "每起扣 1 分，扣完为止"
    -2 when callout "被点名扣 2 分"
  }
  item 2 "工作" 5 { 5 when done "完成" }
}
"""
DEDUCTION_DATA = {"incidents": 2, "callout": True, "done": True}


def test_an_override_of_a_deduction_takes_points_of_0_or_less():
    rubric = rubricdsl.loads(DEDUCTIONS)
    # item 1: 5 − 2 − 2 = 1; total 1 + 5 = 6
    assert rubric.evaluate(DEDUCTION_DATA).total == 6
    # the callout deduction cut to 1: 5 − 2 − 1 = 2; total 7
    result = rubric.evaluate(DEDUCTION_DATA, overrides=[override(1, -1, rule=3)])
    rule = result.item("1").rules[2]
    assert (rule.gave, rule.override.computed, result.item("1").score, result.total) == (
        -1,
        -2,
        2,
        7,
    )
    assert rule.detail == "overridden on site: 1 deducted (computed: condition holds: 2 deducted)"
    # the incidents deduction (no `max`) raised to 5: 5 − 5 − 2 = −2, floored at 0, the later
    # callout deduction giving way (it counts 0 of its 2); total 0 + 5 = 5
    result = rubric.evaluate(DEDUCTION_DATA, overrides=[override(1, -5, rule=2)])
    item = result.item("1")
    assert [rule.gave for rule in item.rules] == [5, -5, 0]
    assert [rule.status for rule in item.rules] == ["met", "met", "capped"]
    assert (item.rules[1].override.computed, item.score, result.total) == (-2, 0, 5)


def test_the_bounds_of_a_deduction():
    rubric = rubricdsl.loads(DEDUCTIONS)
    found = problems(
        rubric,
        SimpleNamespace(indicators=DEDUCTION_DATA),
        override(1, -3, rule=3),
        override(1, 1, rule=3, by="李四"),
        override(1, -6, rule=2),
        override(1, 6, rule=1),
    )
    assert found == [
        "overrides[1].points: -3 is outside what rule 3 of item 1 (line 9) can deduct: -2 to 0 "
        "(a deduction is overridden with points of 0 or less)",
        "overrides[2].points: 1 is outside what rule 3 of item 1 (line 9) can deduct: -2 to 0 "
        "(a deduction is overridden with points of 0 or less)",
        # `-1 per incidents` has no `max`: as much as the item can hold, its 5 points
        "overrides[3].points: -6 is outside what rule 2 of item 1 (line 8) can deduct: -5 to 0 "
        "(a deduction is overridden with points of 0 or less)",
        "overrides[4].points: 6 is outside what rule 1 of item 1 (line 7) can give: 0 to 5",
    ]


# ---- what is refused ----------------------------------------------------------------------------


def test_every_problem_is_listed_at_once_with_its_place(rubric, data):
    found = problems(
        rubric,
        data,
        override(140, 1),  # no such item
        override(14, 2, rule=4),  # more than the rule can give
        override(14, -1, rule=1),  # a rule that gives points, overridden below 0
        override(14, 1, rule=7),  # item 14 has 6 rules
        override(8, D("4.5")),  # more than the item's cap
        {"item": 3, "points": 1, "by": " ", "on": "15/03/2022", "reason": "", "rule ": 1},
        override(True, 1),
    )
    assert found == [
        "overrides[1].item: the rubric has no item 140; did you mean '14'?",
        "overrides[2].points: 2 is outside what rule 4 of item 14 (line 180) can give: 0 to 1.5",
        "overrides[3].points: -1 is outside what rule 1 of item 14 (line 177) can give: 0 to 1",
        "overrides[4].rule: item 14 has 6 rules (rule 1 line 177, rule 2 line 178, rule 3 line "
        "179, rule 4 line 180, rule 5 line 181, rule 6 line 182); there is no rule 7",
        "overrides[5].points: 4.5 is outside what item 8 can score: 0 to 4 (its declared points)",
        "overrides[6]: unknown key 'rule ' (did you mean 'rule'? an override has item, rule, "
        "points, by, on, reason)",
        "overrides[6].by: is empty: give who decided it",
        "overrides[6].on: '15/03/2022' is not a day (write it as 2022-03-15)",
        "overrides[6].reason: is empty: give why",
        "overrides[7].item: True is not an item id",
    ]


def test_an_error_message_names_the_count_and_every_problem(rubric, data):
    with pytest.raises(OverrideError) as caught:
        rubric.evaluate(data.indicators, overrides=[override(140, 1), override(14, 9, rule=1)])
    error = caught.value
    assert isinstance(error, rubricdsl.RubricError)
    assert str(error).splitlines() == [
        "the overrides have 2 problems:",
        "  - overrides[1].item: the rubric has no item 140; did you mean '14'?",
        "  - overrides[2].points: 9 is outside what rule 1 of item 14 (line 177) can give: 0 to 1",
    ]


def test_missing_and_unknown_fields(rubric, data):
    assert problems(rubric, data, {"itme": 14, "rule": 4}) == [
        "overrides[1]: unknown key 'itme' (did you mean 'item'? an override has item, rule, "
        "points, by, on, reason)",
        "overrides[1].item: missing: the id of the item overridden",
        "overrides[1].points: missing: the reviewers' points",
        "overrides[1].by: missing: who decided it",
        "overrides[1].on: missing: the day it was decided (2022-03-15)",
        "overrides[1].reason: missing: why",
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"item": 14}, "overrides: expected a list of overrides, not dict"),
        ("item 14", "overrides: expected a list of overrides, not str"),
        (
            ["item 14"],
            "overrides[1]: expected a mapping of item, rule, points, by, on, reason, not str",
        ),
    ],
)
def test_the_shape_of_the_list(rubric, data, overrides, expected):
    with pytest.raises(OverrideError) as caught:
        rubric.evaluate(data.indicators, overrides=overrides)
    assert [str(problem) for problem in caught.value.problems] == [expected]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            "rule",
            0,
            "overrides[1].rule: 0 is not a rule's place in its item (1 for its first rule, "
            "2 for the next, in the order written)",
        ),
        (
            "rule",
            True,
            "overrides[1].rule: True is not a rule's place in its item (1 for its "
            "first rule, 2 for the next, in the order written)",
        ),
        (
            "rule",
            "4",
            "overrides[1].rule: '4' is not a rule's place in its item (1 for its first "
            "rule, 2 for the next, in the order written)",
        ),
        (
            "rule",
            D("1.5"),
            "overrides[1].rule: Decimal('1.5') is not a rule's place in its item "
            "(1 for its first rule, 2 for the next, in the order written)",
        ),
        ("points", True, "overrides[1].points: True is not a number of points"),
        ("points", "1,5", "overrides[1].points: '1,5' is not a number of points"),
        ("points", "1.5%", "overrides[1].points: '1.5%' is not a number of points"),
        (
            "points",
            0.1,
            "overrides[1].points: 0.1 is a float that is not exactly 0.1: give it as a "
            'Decimal or as text ("0.1")',
        ),
        ("points", D("NaN"), "overrides[1].points: NaN is not a finite number"),
        ("points", [1], "overrides[1].points: [1] is not a number of points"),
        ("by", 7, "overrides[1].by: 7 is not text"),
        ("by", "张\n三", "overrides[1].by: must be one line"),
        ("by", "张" * 201, "overrides[1].by: has 201 characters; at most 200 are allowed"),
        ("reason", None, "overrides[1].reason: missing: why"),
        ("on", "2022-02-30", "overrides[1].on: '2022-02-30' is not a day of the calendar"),
        ("on", 20220315, "overrides[1].on: 20220315 is not a day (write it as 2022-03-15)"),
        ("on", "20220315", "overrides[1].on: '20220315' is not a day (write it as 2022-03-15)"),
        (
            "on",
            datetime.datetime(2022, 3, 15, 9, 30),
            "overrides[1].on: 2022-03-15T09:30:00 is a time; give the day alone (2022-03-15)",
        ),
    ],
)
def test_each_field_is_checked(rubric, data, field, value, expected):
    entry = override(14, 1, rule=1)
    entry[field] = value
    assert problems(rubric, data, entry) == [expected]


@pytest.mark.parametrize(
    ("points", "rule"),
    [(1, 1), (D("1.5"), 4), ("1.5", 4), (1.5, 4), ("0", 4), (0, None), ("8", None)],
)
def test_points_as_numbers_or_text_of_digits(rubric, data, points, rule):
    result = scored(rubric, data, override(14, points, rule=rule))
    target = result.item("14") if rule is None else result.item("14").rules[rule - 1]
    assert target.override.points == D(str(points))


def test_a_day_as_iso_text_and_an_id_as_text_or_number(rubric, data):
    result = scored(rubric, data, override("14", "1.5", rule=4, on="2022-03-16"))
    assert result.overrides[0].on == datetime.date(2022, 3, 16)
    assert result.overrides[0].item == "14"


def test_the_same_rule_or_item_twice_is_refused(rubric, data):
    found = problems(
        rubric,
        data,
        override(14, 1, rule=4),
        override(14, D("1.5"), rule=4, by="李四"),
        override(19, 2),
        override(19, 3),
    )
    assert found == [
        "overrides[2]: item 14, rule 4 is overridden already, by overrides[1]",
        "overrides[4]: item 19 is overridden already, by overrides[3]",
    ]


def test_an_item_and_one_of_its_rules_together_are_refused(rubric, data):
    # either would make the other count for nothing
    found = problems(
        rubric,
        data,
        override(14, 7),
        override(14, 1, rule=4),
        override(8, 1, rule=2),
        override(8, 4),
    )
    assert found == [
        "overrides[2].rule: item 14 is overridden as a whole by overrides[1]; an override of its "
        "rule 4 would count for nothing",
        "overrides[4]: a rule of item 8 is overridden already, by overrides[3]; an override of "
        "the whole item would make it count for nothing",
    ]


def test_a_rule_that_is_not_applicable_is_refused(rubric, data):
    # item 10 rule 2 reads registered_metrologists, reported 合理缺项
    assert problems(rubric, data, override(10, 1, rule=2)) == [
        "overrides[1].rule: rule 2 of item 10 (line 155) is 合理缺项 (区域无法定计量检定机构): "
        "its points leave the maximum, so there is nothing to override",
    ]


def test_an_item_past_its_maximum_after_not_applicable_is_refused(rubric, data):
    # item 10 declares 4; its two not-applicable rules leave 2
    assert problems(rubric, data, override(10, 3)) == [
        "overrides[1].points: 3 is more than item 10 can score after 合理缺项: 0 to 2 (its "
        "declared 4 less 2 not applicable)",
    ]
    assert scored(rubric, data, override(10, 2)).item("10").score == 2


EXCUSED = """\
rubric "学校食品安全"
year 2021
base 10
indicators { schools: count  training: bool }
category "c" 10 {
  item 1 "学校食堂" 4 {
    na when schools == 0 "辖区无学校"
    4 when training "开展培训"
  }
  item 2 "培训" 6 { 6 when training "开展培训" }
}
"""


def test_an_item_that_is_not_applicable_is_refused_and_so_are_its_rules():
    rubric = rubricdsl.loads(EXCUSED)
    data = SimpleNamespace(indicators={"schools": 0, "training": True})
    refused = (
        "item 1 is 合理缺项 (辖区无学校): its points leave the maximum, so there is nothing to "
        "override"
    )
    assert problems(rubric, data, override(1, 2), override(2, 5)) == [
        f"overrides[1].item: {refused}"
    ]
    assert problems(rubric, data, override(2, 5), override(1, 2, rule=1)) == [
        f"overrides[2].item: {refused}"
    ]
    # with schools the item applies, and may be overridden
    applicable = {"schools": 2, "training": False}
    assert rubric.evaluate(applicable, overrides=[override(1, 2)]).total == 2


def test_problems_past_the_limit_are_counted(rubric, data):
    with pytest.raises(OverrideError) as caught:
        rubric.evaluate(data.indicators, overrides=[override(140, 1)] * 60)
    assert (len(caught.value.problems), caught.value.omitted) == (50, 10)
    assert "… and 10 more (60 problems in all)" in str(caught.value)


def test_read_overrides_checks_without_the_data(rubric):
    found = read_overrides([override(14, "1.5", rule=4), override("19", 3)], rubric)
    assert found == (
        Override("14", 4, D("1.5"), "张三", DAY, "现场核查台账"),
        Override("19", None, D(3), "张三", DAY, "现场核查台账"),
    )
    assert [o.position for o in found] == [1, 2]
    assert read_overrides(None, rubric.tree) == ()
    # what needs the data (rule 2 of item 10 is 合理缺项 in the sample) is not known here
    assert read_overrides([override(10, 1, rule=2)], rubric)[0].rule == 2
    with pytest.raises(OverrideError):
        read_overrides([override(140, 1)], rubric)
    with pytest.raises(rubricdsl.RubricArgumentError):
        read_overrides([], "rubric")


def test_overrides_read_already_are_taken_again(rubric, data):
    found = read_overrides([override(14, "1.5", rule=4)], rubric)
    assert scored(rubric, data, *found).total == D("79.02")


# ---- the trace, the JSON and the text report keep both ----------------------------------------


@pytest.fixture(scope="module")
def overridden(rubric, data) -> rubricdsl.Result:
    return scored(
        rubric,
        data,
        override(14, "1.5", rule=4, reason="台账显示按时处置率 91%"),
        override(19, 3, by="李四", reason="满意度另有抽样调查\x1b[31m"),
    )


def test_the_json_keeps_the_computed_and_the_overridden_points(overridden, data):
    document = json.loads(render_json(overridden, data.meta))
    rule = document["items"][13]["rules"][3]
    assert (rule["gave"], rule["status"]) == ("1.5", "met")
    assert rule["override"] == {
        "item": "14",
        "rule": 4,
        "line": 180,
        "points": "1.5",
        "computed": "0",
        "by": "张三",
        "on": "2022-03-15",
        "reason": "台账显示按时处置率 91%",
    }
    item = document["items"][18]
    assert (item["id"], item["score"]) == ("19", "3")
    assert (item["override"]["points"], item["override"]["computed"]) == ("3", "1")
    assert item["override"]["reason"] == "满意度另有抽样调查\x1b[31m"  # escaped as \u001b
    assert "\\u001b" in render_json(overridden, data.meta)
    assert [o["item"] for o in document["overrides"]] == ["14", "19"]
    assert (document["total"], document["base"]) == ("81.06", "78.06")  # 76.5 × 100 / 98


def test_the_text_report_marks_what_was_overridden(overridden, data):
    report = render_text(overridden, data.meta)
    block = report.split("item 14  监督抽查")[1].split("item 15")[0]
    assert "8 / 8" in block.splitlines()[0]
    assert (
        "points 1.5 (overridden on site by 张三 on 2022-03-15: 台账显示按时处置率 91%; computed 0)"
        in ("".join(line.strip() for line in block.splitlines()))
    )
    heading = report.split("item 19  顾客满意度")[1].splitlines()
    assert "3 / 4" in heading[0]
    assert heading[1] == (
        r"    score 3 (overridden on site by 李四 on 2022-03-15: 满意度另有抽样调查\x1b[31m; "
        "computed 1)"
    )
    assert "\x1b" not in report
    overrides = report.split("Overrides on site (现场评审)")[1].split("\n\n")[0].splitlines()
    assert overrides[0] == ": 2 overrides; the scores above count the reviewers' points"
    assert overrides[1].startswith("  item 14, rule 4 (line 180): points 1.5 (overridden on site")
    assert overrides[-2].startswith("  item 19 (line 202): score 3 (overridden on site by 李四")
    assert "  total             81.06  110" in report
    lost = report.split("Points not earned")[1]
    assert "item 14 监督抽查, line 180" not in lost  # the reviewers gave it all
    assert r"      1  item 19 顾客满意度: score 3 (overridden on site by 李四" in lost


def test_the_command_line_passes_the_data_files_overrides(capsys, tmp_path):
    def file_with(points: str) -> str:
        path = tmp_path / f"reviewed-{points}.yaml"
        path.write_text(
            Path(SAMPLE).read_text(encoding="utf-8")
            + "overrides:\n"
            + f"  - {{item: '14', rule: 4, points: {points}, by: 张三, on: 2022-03-15, "
            + "reason: 现场核查}\n",
            encoding="utf-8",
        )
        return str(path)

    assert main(["score", RUBRIC, file_with("1.5"), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["total"] == "79.02"
    assert main(["score", RUBRIC, file_with("2"), "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "overrides[1].points: 2 is outside what rule 4 of item 14 (line 180) can give" in err


# ---- a property: an override equal to the computed points changes no score ------------------


def _scores(result: rubricdsl.Result) -> tuple:
    return (
        result.total,
        result.base,
        result.base_raw,
        result.bonus,
        result.na_points,
        result.grade.grade if result.grade is not None else None,
        [(c.earned, c.score, c.na_points) for c in result.categories],
        [(m.score, m.na_points) for c in result.categories for m in c.members],
        [(i.score, i.max, i.na_points) for i in result.items],
        [[rule.gave for rule in i.rules] for i in result.items],
    )


def _overridden_with_what_was_computed(result: rubricdsl.Result, data: st.DataObject) -> list:
    """Overrides of some applicable rules with what they gave, or of some items with what they
    scored (never both in one item)."""
    chosen = []
    for item in result.items:
        if item.na_reason is not None:
            continue
        how = data.draw(st.sampled_from(["none", "item", "rules"]))
        if how == "item":
            chosen.append(override(item.id, item.score))
        elif how == "rules":
            for number, rule in enumerate(item.rules, start=1):
                if rule.status != "not_applicable" and data.draw(st.booleans()):
                    chosen.append(override(item.id, rule.gave, rule=number))
    event("some overrides" if chosen else "no override")
    return chosen


PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(rubric_cases(), st.data())
def test_an_override_equal_to_the_computed_points_changes_no_score(case: Case, data):
    """Overriding rules with what they gave, or items with what they scored, leaves every
    score as it was (caps, floors, deductions, 合理缺项, proration, grades), and each override's
    trace has the points computed equal to the reviewers'."""
    rubric = rubricdsl.loads(case.text)
    before = rubric.evaluate(case.data)
    chosen = _overridden_with_what_was_computed(before, data)
    after = rubric.evaluate(case.data, overrides=chosen)
    assert _scores(after) == _scores(before)
    assert len(after.overrides) == len(chosen)
    for trace in after.overrides:
        assert trace.points == trace.computed


@PROPERTY
@given(block_cases(), st.data())
def test_the_same_with_stages_and_deductions_above_items(case: BlockCase, data):
    """The same for items in stages (`then`), deductions from a category or the total, and
    whole groups and categories reported 合理缺项."""
    rubric = rubricdsl.loads(case.text)
    before = rubric.evaluate(case.values.data(), case.reported)
    chosen = _overridden_with_what_was_computed(before, data)
    after = rubric.evaluate(case.values.data(), case.reported, overrides=chosen)
    assert _scores(after) == _scores(before)
    assert [rule.gave for rule in after.deductions] == [rule.gave for rule in before.deductions]
    assert [[r.gave for r in c.deductions] for c in after.categories] == [
        [r.gave for r in c.deductions] for c in before.categories
    ]
