"""`then` in an item: the rules above it are settled (capped, floored at 0) before the rules
below add to them, where the table orders deductions and bonuses ("扣完为止，另加 1 分")."""

from __future__ import annotations

from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import RubricCompileError

D = Decimal


def rubric(body: str) -> rubricdsl.Rubric:
    return rubricdsl.loads(
        f"""\
rubric "先扣后加"
year 2021
base 4
indicators {{
  incidents: count "事故起数"
  commended: bool "获得表彰"
  bonus_items: count "创新举措数"
}}
category "c" 4 {{
  item 1 "食品安全事故" 4 {{
{body}
  }}
}}
"""
    )


FLOOR_FIRST = """\
    3 always "基础分 3 分"
    -1 per incidents "每起扣 1 分，扣完为止"
    then "扣完为止后，获得表彰的另加 1 分"
    1 when commended "获得省级以上表彰的加 1 分"
"""
ONE_STAGE = FLOOR_FIRST.replace('    then "扣完为止后，获得表彰的另加 1 分"\n', "")


@pytest.mark.parametrize(
    ("incidents", "commended", "staged", "summed"),
    [
        (0, True, D(4), D(4)),
        (2, True, D(2), D(2)),
        (3, True, D(1), D(1)),  # at the floor: both orders agree
        (4, True, D(1), D(0)),  # just past it: 3 − 4 → 0, + 1; summed: 3 − 4 + 1 = 0
        (5, True, D(1), D(0)),  # 3 − 5 + 1 = −1 → 0
        (5, False, D(0), D(0)),
    ],
)
def test_floor_before_the_bonus_when_then_says_so(incidents, commended, staged, summed):
    data = {"incidents": incidents, "commended": commended, "bonus_items": 0}
    assert rubric(FLOOR_FIRST).evaluate(data).items[0].score == staged
    assert rubric(ONE_STAGE).evaluate(data).items[0].score == summed


def test_the_trace_of_a_staged_item_sums_and_says_which_bound_cut():
    data = {"incidents": 5, "commended": True, "bonus_items": 0}
    item = rubric(FLOOR_FIRST).evaluate(data).items[0]
    base, deduction, bonus = item.rules
    assert [r.gave for r in item.rules] == [D(3), D(-3), D(1)]
    assert sum(r.gave for r in item.rules) == item.score
    assert deduction.status == "capped"
    assert deduction.detail == "5 × -1 = -5; 3 of it counted, the item being at its floor of 0"
    assert bonus.status == "met"
    # without the deduction the item would have 3 + 1 = 4: it recovers 3
    assert (base.lost, deduction.lost, bonus.lost) == (D(0), D(3), D(0))


CAP_FIRST = """\
    2 when commended "获得表彰加 2 分"
    1 per bonus_items max 4 "每项创新加 1 分"
    then "加分后满分 4 分，再扣分"
    -1 per incidents "每起扣 1 分"
"""


@pytest.mark.parametrize(
    ("bonus_items", "incidents", "staged", "summed"),
    [
        (2, 1, D(3), D(3)),  # 4 − 1 either way
        (3, 1, D(3), D(4)),  # capped at 4 first, then − 1; summed: 5 − 1 = 4
        (4, 2, D(2), D(4)),  # 4 − 2; summed 6 − 2 = 4
        (0, 3, D(0), D(0)),  # 2 − 3 → 0
    ],
)
def test_cap_before_the_deductions_when_then_says_so(bonus_items, incidents, staged, summed):
    data = {"incidents": incidents, "commended": True, "bonus_items": bonus_items}
    assert rubric(CAP_FIRST).evaluate(data).items[0].score == staged
    one_stage = CAP_FIRST.replace('    then "加分后满分 4 分，再扣分"\n', "")
    assert rubric(one_stage).evaluate(data).items[0].score == summed


def test_the_cap_cuts_the_later_bonus_of_the_first_stage():
    data = {"incidents": 1, "commended": True, "bonus_items": 3}
    item = rubric(CAP_FIRST).evaluate(data).items[0]
    assert [r.gave for r in item.rules] == [D(2), D(2), D(-1)]
    assert item.rules[1].detail == "3 × 1 = 3; 2 of it counted, the item being at its maximum of 4"


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ('    then\n    3 always "x"', 11, 5),  # nothing above it
        ('    3 always "x"\n    then "y"', 12, 5),  # nothing below it
        ('    3 always "x"\n    then\n    then\n    1 when commended "y"', 13, 5),  # twice
    ],
)
def test_then_needs_rules_above_and_below(body, line, column):
    with pytest.raises(RubricCompileError) as caught:
        rubric(body)
    (found,) = caught.value.diagnostics
    assert (found.code, found.line, found.column) == ("empty-stage", line, column)
    assert found.message == "`then` needs scoring rules both before and after it"
