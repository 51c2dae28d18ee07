"""Grades: the bands a table ends with, and vetoes that fail or downgrade the district."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import RubricCompileError
from rubricdsl.render import render_json, render_text

GRADED = """\
rubric "评级"
year 2021
base 100
bonus 5
indicators { s: number  b: count  major: bool  minor: bool  callout: bool }
category "c" 100 { item 1 "i" 100 { 1 per s max 100 "每分" } }
bonus category "加分" 5 { item 2 "j" 5 { 1 per b max 5 "每项加 1 分" } }
veto when major  "发生重大质量安全事故"
veto when minor  "发生较大质量安全事故，降一个等次" downgrade 1
veto when callout "被国家级通报，不得评为优秀" at most "良好"
grades on total {
  "优秀"   >= 90
  "良好"   >= 75
  "合格"   >= 60
  "不合格" otherwise
}
"""

CALM = {"s": 0, "b": 0, "major": False, "minor": False, "callout": False}


def grade_of(text: str = GRADED, **values: object) -> rubricdsl.Result:
    return rubricdsl.loads(text).evaluate({**CALM, **values})


@pytest.mark.parametrize(
    ("s", "b", "grade"),
    [
        (90, 0, "优秀"),  # at the bound
        (Decimal("89.99"), 0, "良好"),  # just below
        (89, 1, "优秀"),  # the bonus counts toward the total
        (75, 0, "良好"),
        (Decimal("74.5"), 0, "合格"),
        (60, 0, "合格"),
        (59, 0, "不合格"),
        (0, 0, "不合格"),
    ],
)
def test_the_band_of_the_total(s, b, grade):
    result = grade_of(s=s, b=b)
    assert result.grade is not None
    assert (result.grade.by_score, result.grade.grade) == (grade, grade)


def test_the_trace_says_which_band_and_why():
    result = grade_of(s=82, b=3)
    assert result.grade is not None
    assert result.grade.reasons == ("total 85 >= 75: 良好",)
    report = render_text(result)
    assert "  grade: 良好\n    total 85 >= 75: 良好\n" in report


@pytest.mark.parametrize(
    ("values", "grade", "reasons"),
    [
        (
            {"s": 95, "minor": True},
            "良好",
            (
                "total 95 >= 90: 优秀",
                "veto line 9 (发生较大质量安全事故，降一个等次), downgrade 1: 优秀 → 良好",
            ),
        ),
        (
            {"s": 50, "minor": True},  # the lowest band cannot go lower
            "不合格",
            ("total 50: below every band",),
        ),
        (
            {"s": 95, "callout": True},
            "良好",
            (
                "total 95 >= 90: 优秀",
                'veto line 10 (被国家级通报，不得评为优秀), at most "良好": 优秀 → 良好',
            ),
        ),
        ({"s": 80, "callout": True}, "良好", ("total 80 >= 75: 良好",)),  # already below: no change
        (
            {
                "s": 95,
                "minor": True,
                "callout": True,
            },  # in the order written: 优秀 → 良好, then at most 良好
            "良好",
            (
                "total 95 >= 90: 优秀",
                "veto line 9 (发生较大质量安全事故，降一个等次), downgrade 1: 优秀 → 良好",
            ),
        ),
        (
            {"s": 95, "major": True},
            "不合格",
            (
                "total 95 >= 90: 优秀",
                "veto line 8 (发生重大质量安全事故), fails the district: 优秀 → 不合格",
            ),
        ),
    ],
)
def test_vetoes_fail_or_downgrade_as_the_table_says(values, grade, reasons):
    result = grade_of(**values)
    assert result.grade is not None
    assert (result.grade.grade, result.grade.reasons) == (grade, reasons)


def test_only_a_veto_without_an_effect_fails_the_district():
    downgraded = grade_of(s=95, minor=True)
    assert downgraded.passed_vetoes
    assert [v.text for v in downgraded.downgrades] == ["发生较大质量安全事故，降一个等次"]
    failed = grade_of(s=95, major=True)
    assert not failed.passed_vetoes
    assert "Vetoes (一票否决): FAILED, whatever the score" in render_text(failed)


def test_grades_on_the_base_ignore_the_bonus():
    result = grade_of(GRADED.replace("grades on total", "grades on base"), s=89, b=5)
    assert result.grade is not None
    assert (result.grade.basis, result.grade.score, result.grade.grade) == ("base", 89, "良好")


def test_json_carries_the_grade():
    document = json.loads(render_json(grade_of(s=95, minor=True)))
    assert document["grade"] == {
        "basis": "total",
        "score": "95",
        "by_score": "优秀",
        "grade": "良好",
        "reasons": [
            "total 95 >= 90: 优秀",
            "veto line 9 (发生较大质量安全事故，降一个等次), downgrade 1: 优秀 → 良好",
        ],
    }
    assert document["all_vetoes"][1]["effect"] == "downgrade 1"


def test_a_rubric_without_grades_has_no_grade():
    text = GRADED.split("veto when minor")[0]
    assert grade_of(text, s=95).grade is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"良好"   >= 75', '"良好"   >= 95', "<string>:13:3: error: grades go from the best down"),
        ('"良好"   >= 75', '"良好"   < 75', "<string>:13:3: error: a grade is reached at or past"),
        ('"不合格" otherwise', '"不合格" >= 0', "<string>:15:3: error: the grades end without"),
        ('"合格"   >= 60', '"良好"   >= 60', "<string>:14:3: error: grade '良好' is given twice"),
        ('at most "良好"', 'at most "良"', "<string>:10:35: error: there is no grade '良'"),
        ("downgrade 1", "downgrade 0", "<string>:9:37: error: a veto downgrades by a whole number"),
    ],
)
def test_grades_are_checked(old, new, message):
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(GRADED.replace(old, new))
    assert str(caught.value).startswith(message)


def test_a_veto_effect_needs_grades():
    text = GRADED.split("grades on total")[0]
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    assert str(caught.value).startswith(
        "<string>:9:37: error: this veto lowers the grade, but the rubric declares no grades"
    )


def test_struck_vetoes_act_on_the_grade_in_the_order_written_wherever_they_stand():
    # a rubric-wide veto written before the item's: at most B first (A → B), then down 1 (→ C);
    # the other way round it would be A → B by the downgrade and B kept by `at most`
    text = """\
rubric "order"
year 2021
base 10
indicators { f: bool }
veto when f "written first: at most B" at most "B"
category "c" 10 {
  item 1 "i" 10 {
    10 when f "r"
    veto when f "written second: downgrade 1" downgrade 1
  }
}
grades { "A" >= 9  "B" >= 5  "C" >= 1  "D" otherwise }
"""
    result = rubricdsl.loads(text).evaluate({"f": True})
    assert [veto.line for veto in result.all_vetoes] == [5, 9]
    assert result.grade is not None
    assert result.grade.grade == "C"
    assert result.grade.reasons[1:] == (
        'veto line 5 (written first: at most B), at most "B": A → B',
        "veto line 9 (written second: downgrade 1), downgrade 1: B → C",
    )
