"""Properties of deductions above items, `then`, proportional deductions, `last()`/`previous()`
per unit and 合理缺项 of whole items, groups and categories: rubricdsl scores exactly what the
independent model of tests/strategies.py (block_cases) says, within bounds, with traces that add up,
the same every time."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings

import rubricdsl
from rubricdsl.render import render_json
from strategies import BlockCase, block_cases

QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ZERO = Decimal(0)


def scored(case: BlockCase) -> rubricdsl.Result:
    return rubricdsl.loads(case.text).evaluate(case.values.data(), case.reported)


@QUICK
@given(block_cases())
def test_scores_match_the_documented_rules(case):
    result = scored(case)
    expected = case.expected()
    assert {item.id: item.score for item in result.items} == expected.items
    assert [c.score for c in result.categories] == expected.categories
    assert [c.na_points for c in result.categories] == expected.category_na
    assert (result.na_points, result.base_raw, result.base, result.total) == (
        expected.na_points,
        expected.base_raw,
        expected.base,
        expected.total,
    )


@QUICK
@given(block_cases())
def test_every_level_stays_in_bounds_and_its_trace_adds_up(case):
    result = scored(case)
    for category in result.categories:
        assert ZERO <= category.score <= category.max
        assert category.earned - category.cut - category.deducted == category.score
        assert sum((r.gave for r in category.deductions), ZERO) == -category.deducted
        assert all(r.gave <= 0 and r.reach == 0 for r in category.deductions)
        for item in category.items():
            assert ZERO <= item.score <= item.max
            assert sum((r.gave for r in item.rules), ZERO) == item.score
            if item.na_reason is not None:
                assert (item.score, item.max, item.na_points) == (ZERO, ZERO, item.declared)
    assert result.total >= 0
    assert result.base + result.bonus - result.deducted == result.total
    assert sum((r.gave for r in result.deductions), ZERO) == -result.deducted


@QUICK
@given(block_cases())
def test_excused_blocks_carry_their_reason_down_to_every_rule(case):
    result = scored(case)
    for category in result.categories:
        if category.na_reason is not None:
            assert (category.score, category.max, category.na_points) == (
                ZERO,
                ZERO,
                category.declared,
            )
            assert all(item.na_reason == category.na_reason for item in category.items())
            assert all(r.status == "not_applicable" for r in category.deductions)
        for item in category.items():
            if item.na_reason is not None:
                assert all(r.na_reason == item.na_reason for r in item.rules)
    reported = {c.title for c in result.categories if c.na_reason in case.reported.values()}
    assert reported <= set(case.reported)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block_cases())
def test_the_same_case_gives_the_same_result_and_json(case):
    rubric = rubricdsl.loads(case.text)
    first = rubric.evaluate(case.values.data(), case.reported)
    second = rubricdsl.loads(case.text).evaluate(case.values.data(), dict(case.reported))
    assert first == second
    document = json.loads(render_json(first))
    assert (Decimal(document["total"]), Decimal(document["deducted"])) == (
        first.total,
        first.deducted,
    )
