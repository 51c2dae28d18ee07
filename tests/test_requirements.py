"""Requirements (门槛): `require <condition> "<wording>"` gives no points and must hold."""

from __future__ import annotations

import json
import re

import pytest

import rubricdsl
from rubricdsl import RubricCompileError
from rubricdsl.render import render_json, render_text

NA = {"not_applicable": "辖区无学校"}

CHECKLIST = """\
rubric "六个一 创建工作清单"
year 2021
indicators {
  leading_group: bool "成立创建工作领导小组"
  plan_issued: bool "印发创建工作实施方案"
  meetings: count "召开推进会次数"
  school_campaign: bool or na "校园质量宣传"
}
require leading_group                  "一是 成立一个领导小组"
require plan_issued and meetings >= 2  "二是 制定一个方案，召开推进会 2 次以上"
require school_campaign                "三是 开展一次校园质量宣传"
"""

ALL_DONE = {"leading_group": True, "plan_issued": True, "meetings": 2, "school_campaign": True}


def evaluate(text: str, **changes: object) -> rubricdsl.Result:
    return rubricdsl.loads(text).evaluate({**ALL_DONE, **changes})


def test_a_checklist_needs_no_base_and_scores_nothing():
    result = evaluate(CHECKLIST)
    assert (result.total, result.base, result.categories) == (0, 0, ())
    assert result.eligible
    assert [r.status for r in result.requirements] == ["met", "met", "met"]


@pytest.mark.parametrize(
    ("changes", "statuses", "eligible"),
    [
        ({"meetings": 1}, ["met", "not_met", "met"], False),  # just below 2
        ({"meetings": 3}, ["met", "met", "met"], True),
        ({"plan_issued": False, "meetings": 5}, ["met", "not_met", "met"], False),
        ({"leading_group": False, "meetings": 0}, ["not_met", "not_met", "met"], False),
        ({"school_campaign": NA}, ["met", "met", "not_applicable"], True),  # 合理缺项 excused
    ],
)
def test_each_requirement_holds_or_not_at_its_bound(changes, statuses, eligible):
    result = evaluate(CHECKLIST, **changes)
    assert [r.status for r in result.requirements] == statuses
    assert result.eligible is eligible
    assert [r.text for r in result.unmet_requirements] == [
        r.text for r in result.requirements if r.status == "not_met"
    ]


def test_the_checklist_report_lists_each_requirement_with_the_values_read():
    lines = render_text(evaluate(CHECKLIST, meetings=1)).splitlines()
    assert lines[:3] == [
        "六个一 创建工作清单  (2021)",
        "",
        "Requirements (门槛): 1 requirement not met: NOT ELIGIBLE",
    ]
    assert [re.split(r"\s{2,}", line.strip()) for line in lines[3:]] == [
        ["holds", "line 9", "rubric", "一是 成立一个领导小组", "leading_group=true"],
        [
            "NOT MET",
            "line 10",
            "rubric",
            "二是 制定一个方案，召开推进会 2 次以上",
            "plan_issued=true, meetings=1",
        ],
        ["holds", "line 11", "rubric", "三是 开展一次校园质量宣传", "school_campaign=true"],
    ]


def test_json_says_eligible_and_lists_every_requirement():
    document = json.loads(render_json(evaluate(CHECKLIST, meetings=1)))
    assert document["eligible"] is False
    assert [r["status"] for r in document["requirements"]] == ["met", "not_met", "met"]
    assert document["requirements"][1] == {
        "text": "二是 制定一个方案，召开推进会 2 次以上",
        "line": 10,
        "column": 1,
        "status": "not_met",
        "holds": False,
        "scope": "rubric",
        "values": {"plan_issued": True, "meetings": "1"},
    }


SCORING = """\
rubric "带门槛的评分表"
year 2021
base 10
indicators { a: bool  n: count  inc: count }
require inc == 0 "近三年未发生重大质量安全事件"
category "c" 10 {
  require n >= 1 "类别门槛"
  item 1 "i" 6 {
    require a "项目门槛"
    6 when a "满足得 6 分"
  }
  item 2 "j" 4 { 4 when n >= 3 "三次以上" }
}
"""


def test_in_a_scoring_rubric_the_score_stands_and_the_district_is_not_eligible():
    rubric = rubricdsl.loads(SCORING)
    result = rubric.evaluate({"a": True, "n": 3, "inc": 1})
    assert result.total == 10  # 6 + 4: the requirement takes no points
    assert not result.eligible
    assert [(r.scope, r.status) for r in result.requirements] == [
        ("category 'c'", "met"),
        ("item 1", "met"),
        ("rubric", "not_met"),
    ]
    report = render_text(result)
    assert "Requirements (门槛): 1 requirement not met: NOT ELIGIBLE" in report
    assert "  NOT MET  line 5  rubric        近三年未发生重大质量安全事件  inc=1" in report


def test_requirements_are_checked_like_any_condition():
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(SCORING.replace('require inc == 0 "', 'require missing == 0 "'))
    assert str(caught.value).startswith("<string>:5:9: error: undefined indicator 'missing'")
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(SCORING.replace('require a "项目门槛"', 'require n "项目门槛"'))
    assert "<string>:9:13: error:" in str(caught.value)


def test_require_is_a_reserved_word():
    with pytest.raises(rubricdsl.RubricError, match="require"):
        rubricdsl.loads(CHECKLIST.replace("leading_group: bool", "require: bool"))


def test_a_scoring_rubric_still_needs_a_base():
    with pytest.raises(RubricCompileError, match="declares no base maximum"):
        rubricdsl.loads(SCORING.replace("base 10\n", ""))
