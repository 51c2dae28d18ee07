"""rubricdsl.testing: its strategies give what they promise, and its properties can fail."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings

import rubricdsl
from rubricdsl.testing import (
    Defect,
    assert_monotone_in_flags,
    assert_refused,
    assert_trace_adds_up,
    assert_within_bounds,
    check_all,
    indicator_sets,
    invalid_indicator_sets,
    thresholds,
)

SMALL = rubricdsl.loads(
    'rubric "小"\nyear 2021\nbase 10\nindicators {\n'
    "  rate: percent\n  n: count or na\n  f: bool\n  s: series(3)\n}\n"
    'category "c" 10 {\n  item 1 "i" 10 {\n'
    '    4 when rate >= 90.5 "90.5%以上"\n    3 when n > 2 "3 个以上"\n'
    '    2 when f "有"\n    1 when decreasing(s) "下降"\n  }\n}\n'
)


def test_thresholds_are_the_numbers_each_indicator_is_compared_with():
    assert thresholds(SMALL) == {"rate": (Decimal("90.5"),), "n": (Decimal(2),)}


@settings(max_examples=200, deadline=None)
@given(indicator_sets(SMALL))
def test_valid_data_score_and_keep_every_property(data):
    result = check_all(SMALL, data)
    assert result.total <= 10


def test_the_values_next_to_each_bound_are_drawn():
    seen: set[object] = set()

    @settings(max_examples=300, deadline=None, database=None)
    @given(indicator_sets(SMALL))
    def collect(data):
        seen.add(data["rate"])
        seen.add(data["n"] if isinstance(data["n"], Decimal) else "na")

    collect()
    # 90.5 and its neighbours one unit of its last place (at least 0.01) away; 2 and 1, 3
    assert {Decimal("90.49"), Decimal("90.5"), Decimal("90.51")} <= seen
    assert {Decimal(1), Decimal(2), Decimal(3), "na"} <= seen


@settings(max_examples=200, deadline=None)
@given(invalid_indicator_sets(SMALL))
def test_each_defect_is_refused_naming_its_indicator(defect):
    assert_refused(SMALL, defect)


def test_the_properties_can_fail():
    data = {"rate": 95, "n": 3, "f": True, "s": [3, 2, 1]}
    with pytest.raises(AssertionError, match="accepted data"):
        assert_refused(SMALL, Defect(data, "rate", "range"))  # nothing wrong with it
    negated = rubricdsl.loads(
        'rubric "否"\nyear 2021\nbase 2\nindicators {\n  f: bool\n}\n'
        'category "c" 2 {\n  item 1 "i" 2 {\n    2 when not f "无"\n  }\n}\n'
    )
    # `not f`: true lowers the score, as the rubric says — so the property leaves f alone
    assert_monotone_in_flags(negated, {"f": False})
    result = SMALL.evaluate(data)
    assert_within_bounds(result)
    assert_trace_adds_up(result)
    with pytest.raises(AssertionError):
        assert_within_bounds(attrs.evolve(result, total=Decimal(11)))  # past base + bonus
    with pytest.raises(AssertionError):
        assert_trace_adds_up(attrs.evolve(result, total=result.total - 1))


def test_meaning_ignores_layout_and_comments_but_not_a_threshold():
    from rubricdsl.errors import RubricSyntaxError
    from rubricdsl.testing import meaning

    text = (
        'rubric "r"\nyear 2021\nbase 1\nindicators { x: count }\n'
        'category "c" 1 { item 1 "i" 1 { 1 when x >= 2 "两次以上" } }\n'
    )
    relaid = text.replace(" { ", " {\n  # 注释\n  ").replace("x >= 2", "x>=2")
    assert meaning(relaid) == meaning(text)
    assert meaning(text.replace(">= 2", ">= 3")) != meaning(text)
    with pytest.raises(RubricSyntaxError):
        meaning(text.replace("when", "wehn"))
