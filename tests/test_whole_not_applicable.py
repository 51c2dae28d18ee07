"""合理缺项 of a whole group or category (`na when`), and of an item, group or category the
district's data reports (`na allowed`, `not_applicable:` in the data file)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import IndicatorError, RubricCompileError
from rubricdsl.datafile import DataFileError, parse_data
from rubricdsl.render import render_json, render_text

D = Decimal

RUBRIC = """\
rubric "学校食品安全"
year 2021
base 30
indicators {
  schools: count "辖区学校数"
  canteens: count or na "学校食堂数"
  covered_pct: percent "检查覆盖率"
  complaints: count
  cold_chain_checked: bool
}
category "学校食品安全" 10 {
  na when schools == 0 "辖区无学校的，该类作合理缺项"
  group "校园食堂" 6 {
    na when canteens == 0 "辖区学校均无食堂"
    item 1 "食堂检查" 6 { 6 when covered_pct >= 90 "覆盖率 90% 以上" }
  }
  item 2 "校园周边" 4 { 4 when covered_pct >= 80 "覆盖率 80% 以上" }
  deductions { -1 per complaints max 2 "每起投诉扣 1 分" }
}
category "进口冷链" 10 {
  na allowed "辖区无进口冷链食品经营的，该类作合理缺项"
  item 3 "冷链检查" 10 { 10 when cold_chain_checked "开展冷链检查" }
}
category "日常" 10 {
  group "抽检" {
    na allowed "经核实无此项工作的，作合理缺项"
    item 4 "抽检" 5 { 5 when covered_pct >= 90 "x" }
  }
  item 5 "巡查" 5 {
    na allowed "经核实无此项工作的，作合理缺项"
    5 when covered_pct >= 95 "x"
  }
}
"""

DATA = {
    "schools": 3,
    "canteens": 2,
    "covered_pct": 95,
    "complaints": 1,
    "cold_chain_checked": True,
}


def evaluate(reported: dict[str, str] | None = None, **values: object) -> rubricdsl.Result:
    return rubricdsl.loads(RUBRIC).evaluate({**DATA, **values}, reported)


def test_everything_applicable_scores_as_written():
    result = evaluate()
    assert [c.score for c in result.categories] == [D(9), D(10), D(10)]
    assert (result.na_points, result.base) == (D(0), D(29))


@pytest.mark.parametrize(("schools", "excused"), [(0, True), (1, False)])
def test_a_category_na_when_drops_its_declared_points_and_prorates(schools, excused):
    result = evaluate(schools=schools)
    category = result.categories[0]
    assert (category.na_reason is not None) == excused
    if not excused:
        return
    assert (category.max, category.na_points, category.score) == (D(0), D(10), D(0))
    assert category.na_reason == "辖区无学校的，该类作合理缺项"
    assert all(item.na_reason == category.na_reason for item in category.items())
    assert all(item.score == 0 and item.max == 0 for item in category.items())
    (deduction,) = category.deductions
    assert (deduction.status, deduction.gave) == ("not_applicable", D(0))
    # base: 20 of the 20 still applicable → 20 × 30 / 20
    assert (result.na_points, result.base_raw, result.base) == (D(10), D(20), D(30))


def test_a_group_na_when_drops_its_total():
    result = evaluate(canteens=0)
    group = result.categories[0].members[0]
    assert (group.max, group.na_points, group.score, group.na_reason) == (
        D(0),
        D(6),
        D(0),
        "辖区学校均无食堂",
    )
    category = result.categories[0]
    assert (category.max, category.na_points, category.score) == (D(4), D(6), D(3))
    # base: 3 + 10 + 10 of 24 → 23 × 30 / 24 = 28.75
    assert (result.base_raw, result.base) == (D(23), D("28.75"))


def test_an_unknown_condition_leaves_the_group_applicable():
    result = evaluate(canteens={"not_applicable": "未统计"})
    group = result.categories[0].members[0]
    assert (group.na_reason, group.score) == (None, D(6))


@pytest.mark.parametrize(
    ("reported", "where", "na_points", "base"),
    [
        ({"进口冷链": "辖区无进口冷链食品经营企业"}, "category", D(10), D("28.5")),  # 19 × 30 / 20
        ({"抽检": "本年度未安排"}, "group", D(5), D("28.8")),  # 24 × 30 / 25
        ({"5": "经市局核实无此项工作"}, "item", D(5), D("28.8")),
    ],
)
def test_the_data_may_report_what_the_rubric_allows(reported, where, na_points, base):
    result = evaluate(reported)
    assert (result.na_points, result.base) == (na_points, base)
    (reason,) = reported.values()
    if where == "category":
        assert result.categories[1].na_reason == reason
    elif where == "group":
        assert result.categories[2].members[0].na_reason == reason
    else:
        assert result.item("5").na_reason == reason


def test_rubric_lists_what_may_be_reported():
    assert dict(rubricdsl.loads(RUBRIC).reportable) == {
        "进口冷链": "category '进口冷链'",
        "抽检": "group '抽检'",
        "5": "item 5",
    }


@pytest.mark.parametrize(
    ("reported", "message"),
    [
        (
            {"1": "x"},
            "not_applicable '1': the rubric allows no such 合理缺项 (allowed: 5, 抽检, 进口冷链)",
        ),
        (
            {"进口冷": "x"},
            "not_applicable '进口冷': the rubric allows no such 合理缺项 (did you mean '进口冷链'? "
            "allowed: 5, 抽检, 进口冷链)",
        ),
        ({"5": "  "}, "not_applicable '5': item 5 is reported not applicable without a reason"),
        ({"5": 3}, "not_applicable '5': item 5 is reported not applicable without a reason"),
    ],
)
def test_what_the_rubric_does_not_allow_is_an_indicator_error(reported, message):
    with pytest.raises(IndicatorError) as caught:
        evaluate(reported)
    assert [str(p) for p in caught.value.problems] == [message]


def test_a_report_that_is_not_a_mapping_is_an_indicator_error():
    with pytest.raises(IndicatorError, match="expected a mapping of item ids to reasons, not list"):
        evaluate(["5"])  # type: ignore[arg-type]


def test_a_data_file_reports_under_not_applicable_and_a_bare_id_may_read_as_a_number():
    data = parse_data(
        "indicators:\n"
        "  schools: 3\n  canteens: 2\n  covered_pct: 95\n  complaints: 0\n"
        "  cold_chain_checked: true\n"
        "not_applicable:\n  5: 经市局核实无此项工作\n  抽检: 本年度未安排\n",
        "d.yaml",
    )
    result = rubricdsl.loads(RUBRIC).evaluate(data.indicators, data.not_applicable)  # type: ignore[arg-type]
    assert result.item("5").na_reason == "经市局核实无此项工作"
    assert result.item("4").na_reason == "本年度未安排"
    with pytest.raises(DataFileError, match="'not_applicable:' must be a mapping"):
        parse_data("indicators: {}\nnot_applicable: [5]\n", "d.yaml")


def test_report_and_json_say_which_block_is_excused_and_why():
    result = evaluate({"抽检": "本年度未安排"}, schools=0)
    report = render_text(result)
    category = "category '学校食品安全' is not applicable (合理缺项): 辖区无学校的，该类作合理缺项"
    assert category in report
    assert "group '抽检' is not applicable (合理缺项): 本年度未安排" in report
    document = json.loads(render_json(result))
    assert document["categories"][0]["na_reason"] == "辖区无学校的，该类作合理缺项"
    assert document["categories"][2]["members"][0]["na_reason"] == "本年度未安排"


def test_a_reportable_title_must_name_one_thing():
    text = RUBRIC.replace('group "抽检" {', 'group "5" {')
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    (found,) = caught.value.diagnostics
    assert (found.code, found.line, found.column) == ("ambiguous-na", 25, 3)
    assert found.message == (
        "group '5' may be reported 合理缺项 in a data file, but item 5 (line 29) has the same name"
    )


def test_a_reported_reason_is_escaped_in_every_report():
    reason = "evil\x1b[31m\u202e reason\nnext line"
    result = evaluate({"5": reason})
    report = render_text(result)
    assert "\x1b" not in report and "\u202e" not in report
    assert "(合理缺项): evil\\x1b[31m\\u202e reason\\nnext line" in report
    document = render_json(result)
    assert "\x1b" not in document and "\u202e" not in document
    assert json.loads(document)["items"][4]["na_reason"] == reason
