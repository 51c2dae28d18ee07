"""Item-level 合理缺项: `na when <condition> "<reason>"` makes the whole item not applicable
("辖区无学校的，该项作合理缺项"): its declared points leave the maximum, the base is prorated."""

from __future__ import annotations

import json

import pytest

import rubricdsl
from rubricdsl.render import render_json, render_text

RUBRIC = """\
rubric "学校食品安全"
year 2021
base 10
indicators { schools: count  canteen_checked_pct: percent  training: bool }
category "c" 10 {
  item 1 "学校食堂" 4 {
    na when schools == 0 "辖区无学校"
    2 when canteen_checked_pct >= 90 "学校食堂检查覆盖率 90% 以上"
    1 when training "开展培训"
  }
  item 2 "培训" 6 { 6 when training "开展培训" }
}
"""


def evaluate(**values: object) -> rubricdsl.Result:
    data = {"schools": 3, "canteen_checked_pct": 95, "training": True, **values}
    return rubricdsl.loads(RUBRIC).evaluate(data)


def test_an_applicable_item_scores_as_usual():
    result = evaluate()
    item = result.items[0]
    # 2 + 1 of 4 (no rule reaches the other 1); base 3 + 6 = 9 of 10
    assert (item.score, item.max, item.na_points, item.na_reason) == (3, 4, 0, None)
    assert result.base == 9


def test_a_not_applicable_item_leaves_the_maximum_whole():
    result = evaluate(schools=0)
    item = result.items[0]
    assert (item.score, item.max, item.na_points, item.na_reason) == (0, 0, 4, "辖区无学校")
    assert [r.status for r in item.rules] == ["not_applicable", "not_applicable"]
    assert item.rules[0].detail == "the item is not applicable: 辖区无学校"
    # its 4 declared points leave the base (even the 1 no rule reaches): 6 of 6 → 6 × 10 / 6
    assert (result.na_points, result.base_raw, result.base) == (4, 6, 10)


def test_the_report_and_json_say_why():
    result = evaluate(schools=0)
    assert "    the whole item is not applicable (合理缺项): 辖区无学校" in render_text(result)
    assert json.loads(render_json(result))["items"][0]["na_reason"] == "辖区无学校"


def test_the_condition_is_checked():
    with pytest.raises(rubricdsl.RubricCompileError) as caught:
        rubricdsl.loads(RUBRIC.replace("na when schools == 0", "na when school == 0"))
    assert str(caught.value).startswith("<string>:7:13: error: undefined indicator 'school'")


def test_an_empty_reason_is_refused_where_it_is_written():
    text = """\
rubric "t"
year 2021
base 4
indicators { schools: count }
category "c" 4 {
  item 1 "x" 4 {
    na when schools == 0 "  "
    4 when schools >= 1 "y"
  }
}
"""
    with pytest.raises(rubricdsl.RubricCompileError) as caught:
        rubricdsl.loads(text)
    (found,) = caught.value.diagnostics
    assert (found.code, found.line, found.column) == ("empty-reason", 7, 5)


def test_an_excused_item_still_has_its_veto_and_requirement():
    text = """\
rubric "t"
year 2021
base 4
indicators { schools: count  incident: bool }
category "c" 4 {
  item 1 "x" 4 {
    na when schools == 0 "辖区无学校"
    require not incident "未发生校园食品安全事件"
    veto when incident "发生校园食品安全事件，一票否决"
    4 when schools >= 1 "y"
  }
}
"""
    result = rubricdsl.loads(text).evaluate({"schools": 0, "incident": True})
    assert result.items[0].na_reason == "辖区无学校"
    assert [v.text for v in result.vetoes] == ["发生校园食品安全事件，一票否决"]
    assert not result.eligible
