"""A category's own cap ("加分项最多加 10 分"): its maximum whatever its items add up to, and
the checker stays quiet about the items adding up past it."""

from __future__ import annotations

import pytest

import rubricdsl

RUBRIC = """\
rubric "加分项封顶"
year 2021
base 10
bonus 10
indicators { a: bool  b: bool  c: bool }
category "c" 10 { item 1 "i" 10 { 10 when a "x" } }
bonus category "加分项" cap 10 {
  item 2 "j" 6 { 6 when b "国家级荣誉加 6 分" }
  item 3 "k" 6 { 6 when c "省级荣誉加 6 分" }
}
"""


@pytest.mark.parametrize(
    ("b", "c", "bonus", "cut"),
    [(True, True, 10, 2), (True, False, 6, 0), (False, False, 0, 0)],
)
def test_the_cap_bounds_the_category_whatever_its_items_add_up_to(b, c, bonus, cut):
    result = rubricdsl.loads(RUBRIC).evaluate({"a": True, "b": b, "c": c})
    category = result.categories[1]
    assert (result.bonus, category.earned - category.score, category.max) == (bonus, cut, 10)
    assert result.total == 10 + bonus


def test_the_checker_stays_quiet_about_a_capped_category():
    assert [w.code for w in rubricdsl.loads(RUBRIC).warnings] == []


def test_a_category_with_points_still_warns_when_items_add_up_past_them():
    text = RUBRIC.replace('bonus category "加分项" cap 10', 'bonus category "加分项" 10')
    warnings = [w.render().splitlines()[0] for w in rubricdsl.loads(text).warnings]
    assert warnings == [
        "<string>:7:22: warning: category '加分项' declares 10, its items declare 12: "
        "it is capped at 10"
    ]


def test_a_capped_category_whose_items_fall_short_still_warns():
    text = RUBRIC.replace('item 3 "k" 6 { 6 when c', 'item 3 "k" 2 { 2 when c')
    codes = [w.code for w in rubricdsl.loads(text).warnings]
    assert codes == ["unreachable-maximum"]
