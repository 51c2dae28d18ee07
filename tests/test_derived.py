"""Derived indicators: `rate: percent = ratio(a, b)`, `sum`, `difference`, `change`, one
`rounding` rule per rubric, the checker's refusals, the values in the trace, the data errors."""

from __future__ import annotations

import json
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rubricdsl
from rubricdsl import IndicatorError, RubricCompileError
from rubricdsl.gaps import find_gaps
from rubricdsl.render import render_text
from rubricdsl.schema import data_schema
from rubricdsl.testing import indicator_sets, invalid_indicator_sets

D = Decimal


def rubric_text(
    declarations: str, rules: str, rounding: str = "rounding half-up to 2 places"
) -> str:
    return (
        f'rubric "派生指标"\nyear 2021\nbase 10\n{rounding}\n'
        f"indicators {{\n{declarations}\n}}\n"
        f'category "c" 10 {{\n  item 1 "i" 10 {{\n{rules}\n  }}\n}}\n'
    )


COVERAGE = rubric_text(
    '  covered: count "抽查企业数"\n'
    '  firms: count "重点产品生产企业数"\n'
    '  coverage: percent = ratio(covered, firms) "监督抽查覆盖率"',
    '    10 when coverage >= 90  "覆盖率达到 90% 以上"',
)


def first_rule(result: rubricdsl.Result) -> rubricdsl.RuleTrace:
    return result.items[0].rules[0]


# ---- each function, worked by hand ---------------------------------------------------------


@pytest.mark.parametrize(
    ("declarations", "data", "name", "value", "explanation"),
    [
        (
            "a: count\n b: count\n r: percent = ratio(a, b)",
            {"a": 18, "b": 20},
            "r",
            D("90.00"),
            "a / b = 18 / 20 = 90.00%, half-up to 2 places",
        ),
        (  # 1 / 3 = 33.333…% rounds down at the third place
            "a: count\n b: count\n r: percent = ratio(a, b)",
            {"a": 1, "b": 3},
            "r",
            D("33.33"),
            "a / b = 1 / 3 = 33.33%, half-up to 2 places",
        ),
        (  # 2 / 3 = 66.666…% rounds up
            "a: count\n b: count\n r: percent = ratio(a, b)",
            {"a": 2, "b": 3},
            "r",
            D("66.67"),
            "a / b = 2 / 3 = 66.67%, half-up to 2 places",
        ),
        (  # a ratio declared number is not a percent: 4 batches per 1.6 thousand people
            "a: number\n b: number\n r: number = ratio(a, b)",
            {"a": 4, "b": D("1.6")},
            "r",
            D("2.50"),
            "a / b = 4 / 1.6 = 2.50, half-up to 2 places",
        ),
        (  # a sum of counts is exact: no rounding said
            "a: count\n b: count\n c: count\n s: count = sum(a, b, c)",
            {"a": 3, "b": 4, "c": 5},
            "s",
            D(12),
            "a + b + c = 3 + 4 + 5 = 12",
        ),
        (
            'a: amount("万元")\n b: amount("万元")\n s: amount("万元") = sum(a, b)',
            {"a": D("12.5"), "b": D("0.25")},
            "s",
            D("12.75"),
            "a + b = 12.5 + 0.25 = 12.75",
        ),
        (  # a sum with more places than the rounding keeps is rounded
            "a: number\n b: number\n s: number = sum(a, b)",
            {"a": D("0.125"), "b": D("0.5")},
            "s",
            D("0.63"),
            "a + b = 0.125 + 0.5 = 0.63, half-up to 2 places",
        ),
        (
            "a: number\n b: number\n d: number = difference(a, b)",
            {"a": D("1.5"), "b": 4},
            "d",
            D("-2.5"),
            "a − b = 1.5 − 4 = -2.5",
        ),
        (  # the change between the last two years of a series
            "s: series(3)\n c: number = change(s)",
            {"s": [D("5.2"), D("6.1"), D("4.9")]},
            "c",
            D("-1.2"),
            "last(s) − previous(s) = 4.9 − 6.1 = -1.2",
        ),
        (  # yearly values of a series as inputs
            "s: series(2)\n r: percent = ratio(last(s), previous(s))",
            {"s": [8, 10]},
            "r",
            D("125.00"),
            None,  # over 100%: see test_a_rate_over_100_percent_is_a_data_error
        ),
    ],
)
def test_each_function_gives_the_value_worked_by_hand(declarations, data, name, value, explanation):
    lines = "\n".join("  " + line.strip() for line in declarations.splitlines())
    rules = f'    10 when {name} > -1000  "x"'
    rubric = rubricdsl.loads(rubric_text(lines, rules))
    if explanation is None:
        with pytest.raises(IndicatorError, match="outside 0–100"):
            rubric.evaluate(data)
        return
    result = rubric.evaluate(data)
    assert result.derived[name] == f"{name} = {explanation}"
    assert dict(first_rule(result).values)[name] == value


@pytest.mark.parametrize(
    ("mode", "places", "expected"),
    [
        # 1 / 8 = 12.5%: a tie at 0 places
        ("half-up", 0, D(13)),
        ("half-even", 0, D(12)),
        ("down", 0, D(12)),
        ("up", 0, D(13)),
        # 1 / 6 = 16.666…%
        ("half-up", 1, D("16.7")),
        ("down", 1, D("16.6")),
        ("up", 1, D("16.7")),
    ],
)
def test_the_rubric_s_one_rounding_rule_decides(mode, places, expected):
    numerator, denominator = (1, 8) if places == 0 else (1, 6)
    text = rubric_text(
        "  a: count\n  b: count\n  r: percent = ratio(a, b)",
        '    10 when r >= 13  "x"',
        f"rounding {mode} to {places} places",
    )
    result = rubricdsl.loads(text).evaluate({"a": numerator, "b": denominator})
    words = {
        "half-up": "half-up",
        "half-even": "half-even",
        "down": "toward zero",
        "up": "away from zero",
    }
    assert result.derived["r"].endswith(f"= {expected}%, {words[mode]} to {places} places")
    assert result.total == (10 if expected >= 13 else 0)


HALF = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "down": ROUND_DOWN, "up": ROUND_UP}


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(1, 10_000),
    st.sampled_from(sorted(HALF)),
    st.integers(0, 4),
)
def test_a_ratio_is_the_exact_fraction_rounded_once(part, whole, mode, places):
    """Independent of rubricdsl: the exact fraction (Python's Fraction), rounded by the
    decimal module at a precision that holds it whole."""
    text = rubric_text(
        "  a: count\n  b: count\n  r: number = ratio(a, b)",
        '    10 when r >= 0  "x"',
        f"rounding {mode} to {places} places",
    )
    result = rubricdsl.loads(text).evaluate({"a": part, "b": whole})
    exact = Fraction(part, whole)
    quotient, remainder = divmod(exact.numerator * 10**places, exact.denominator)
    twice = 2 * remainder
    bump = {
        "half-up": twice >= exact.denominator,
        "half-even": twice > exact.denominator or (twice == exact.denominator and quotient % 2),
        "down": False,
        "up": remainder > 0,
    }[mode]
    expected = D(quotient + int(bump)).scaleb(-places)
    assert dict(first_rule(result).values)["r"] == expected
    # and the decimal module agrees (50 digits hold any tie of these fractions)
    with localcontext(prec=50):
        assert (D(part) / D(whole)).quantize(D(1).scaleb(-places), rounding=HALF[mode]) == expected


# ---- the trace ------------------------------------------------------------------------------


def test_the_trace_shows_how_a_rate_was_computed():
    rubric = rubricdsl.loads(COVERAGE)
    result = rubric.evaluate({"covered": 18, "firms": 20}, evidence={"covered": "抽查台账.xlsx"})
    rule = first_rule(result)
    assert rule.gave == 10
    assert dict(rule.values) == {"coverage": D("90.00")}
    line = "coverage = covered / firms = 18 / 20 = 90.00%, half-up to 2 places"
    assert rule.derived == (("coverage", (line,)),)
    # the evidence of an input backs the rate computed from it
    assert rule.evidence == (("covered", ("抽查台账.xlsx",)),)
    document = result.to_dict()
    assert document["derived"] == {"coverage": line}
    assert document["items"][0]["rules"][0]["derived"] == {"coverage": [line]}
    text = " ".join(render_text(result).split())  # the values column wraps
    assert f"computed: {line}" in text
    assert text.index(f"computed: {line}") < text.index("evidence: covered: 抽查台账.xlsx")
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document


def test_the_trace_in_chinese():
    from rubricdsl.i18n import speaking

    rubric = rubricdsl.loads(COVERAGE)
    with speaking("zh"):
        result = rubric.evaluate({"covered": 17, "firms": 20})
    assert result.derived["coverage"] == (
        "coverage = covered / firms = 17 / 20 = 85.00%，四舍五入保留 2 位小数"
    )
    assert "计算：coverage = covered / firms" in " ".join(render_text(result, lang="zh").split())


def test_a_derived_value_read_through_another_shows_both_computations():
    text = rubric_text(
        "  a: count\n  b: count\n  both: count = sum(a, b)\n  share: percent = ratio(a, both)",
        '    10 when share >= 50  "x"',
    )
    result = rubricdsl.loads(text).evaluate({"a": 3, "b": 1})
    assert first_rule(result).derived == (
        (
            "share",
            (
                "share = a / both = 3 / 4 = 75.00%, half-up to 2 places",
                "both = a + b = 3 + 1 = 4",
            ),
        ),
    )


def test_the_values_in_a_result_without_derived_indicators_are_unchanged():
    text = rubric_text("  a: count", '    10 when a >= 1  "x"', rounding="")
    result = rubricdsl.loads(text).evaluate({"a": 1})
    assert "derived" not in result.to_dict()
    assert "derived" not in result.to_dict()["items"][0]["rules"][0]


# ---- data errors and 合理缺项 ----------------------------------------------------------------


def test_a_zero_denominator_is_a_data_error_naming_both_indicators():
    rubric = rubricdsl.loads(COVERAGE)
    with pytest.raises(IndicatorError) as caught:
        rubric.evaluate({"covered": 0, "firms": 0})
    (problem,) = caught.value.problems
    assert problem.indicator == "coverage"
    assert problem.message == (
        "ratio(covered, firms): firms is 0, so the ratio of covered to it cannot be computed "
        "(declare it `or na` to make it 合理缺项)"
    )


def test_a_zero_denominator_is_not_applicable_where_the_rubric_says_so():
    text = COVERAGE.replace("ratio(covered, firms)", "ratio(covered, firms) or na")
    result = rubricdsl.loads(text).evaluate({"covered": 0, "firms": 0})
    rule = first_rule(result)
    assert rule.status == "not_applicable"
    assert rule.na_reason == (
        "ratio(covered, firms): firms is 0, so the ratio of covered to it cannot be computed"
    )
    assert result.na_points == 10 and result.total == 0


def test_an_input_not_applicable_makes_the_derived_one_not_applicable():
    text = rubric_text(
        '  a: count or na\n  b: count\n  r: percent = ratio(a, b) or na "r"',
        '    10 when r >= 90  "x"',
    )
    result = rubricdsl.loads(text).evaluate({"a": {"not_applicable": "无此业务"}, "b": 5})
    assert first_rule(result).na_reason == "a is not applicable (无此业务)"


def test_a_rate_over_100_percent_is_a_data_error():
    with pytest.raises(IndicatorError) as caught:
        rubricdsl.loads(COVERAGE).evaluate({"covered": 21, "firms": 20})
    assert caught.value.problems[0].message == (
        "covered / firms = 21 / 20 = 105.00%, half-up to 2 places: 105 is outside 0–100 (a percent)"
    )


def test_a_value_given_for_a_derived_indicator_is_refused():
    with pytest.raises(IndicatorError) as caught:
        rubricdsl.loads(COVERAGE).evaluate({"covered": 18, "firms": 20, "coverage": 95})
    (problem,) = caught.value.problems
    assert problem.indicator == "coverage"
    assert (
        problem.message
        == "is computed by the rubric (ratio(covered, firms)): give covered, firms instead"
    )


def test_an_input_missing_is_named_and_not_the_derived_one():
    with pytest.raises(IndicatorError) as caught:
        rubricdsl.loads(COVERAGE).evaluate({"covered": 18})
    assert [p.indicator for p in caught.value.problems] == ["firms"]


# ---- the checker ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declarations", "code", "message", "caret"),
    [
        (
            "a: count\n b: count\n r: percent = ratoi(a, b)",
            "unknown-function",
            "'ratoi' is not a function a derived indicator can use "
            "(ratio, sum, difference, change)",
            "ratoi",
        ),
        (
            "a: count\n r: percent = ratio(a)",
            "bad-arity",
            "ratio() takes 2 inputs, not 1",
            "ratio(a)",
        ),
        (
            "a: count\n r: count = sum(a)",
            "bad-arity",
            "sum() takes 2 or more inputs, not 1",
            "sum(a)",
        ),
        (
            "a: count\n b: count\n r: count = ratio(a, b)",
            "type-mismatch",
            "'r' is declared a count, but ratio() of its inputs cannot be one",
            "count",
        ),
        (
            "a: count\n b: percent\n r: count = sum(a, b)",
            "type-mismatch",
            "'r' is declared a count, but sum() of its inputs cannot be one",
            "count",
        ),
        (
            'a: amount("万元")\n b: amount("元")\n r: amount("万元") = sum(a, b)',
            "type-mismatch",
            "'r' is declared an amount in 万元, but sum() of its inputs cannot be one",
            'amount("万元")',
        ),
        (
            "a: count\n b: bool\n r: percent = ratio(a, b)",
            "type-mismatch",
            "ratio() needs numbers, but 'b' is a bool",
            "b",
        ),
        (
            "a: count\n s: series(3)\n r: percent = ratio(a, s)",
            "type-mismatch",
            "ratio() needs numbers, but 's' is a series of 3 yearly values",
            "s",
        ),
        (
            "a: count\n c: number = change(a)",
            "type-mismatch",
            "change() needs a series, but 'a' is a count",
            "a",
        ),
        (
            "a: count\n r: percent = ratio(a, nothing)",
            "undefined-indicator",
            "undefined indicator 'nothing'",
            "nothing",
        ),
        (
            "a: count or na\n b: count\n r: percent = ratio(a, b)",
            "type-mismatch",
            "'r' is computed from 'a', which may be not applicable, so it may be too",
            "r",
        ),
        (
            "a: count\n r: number = sum(a, q)\n q: number = difference(r, a)",
            "derived-cycle",
            "'r' is computed from itself: r → q → r",
            "r",
        ),
    ],
)
def test_the_checker_refuses(declarations, code, message, caret):
    lines = "\n".join("  " + line.strip() for line in declarations.splitlines())
    target = "r" if " r:" in " " + declarations.replace("\n", " ") else "c"
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(rubric_text(lines, f'    10 when {target} > -1  "x"'))
    found = [d for d in caught.value.diagnostics if d.code == code]
    assert found, [d.code for d in caught.value.diagnostics]
    assert found[0].message == message
    drawn = str(found[0]).splitlines()
    caret_line = next(line for line in drawn if set(line.split("|")[-1].strip()) == {"^"})
    source_line = drawn[drawn.index(caret_line) - 1]
    start = caret_line.index("^")
    assert source_line[start : start + len(caret)] == caret


def test_a_derived_indicator_needs_the_rubric_s_rounding_rule():
    text = COVERAGE.replace("rounding half-up to 2 places\n", "")
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    (error,) = caught.value.diagnostics
    assert error.code == "missing-rounding"
    assert error.hint == "add a line before the indicators: rounding half-up to 2 places"


def test_one_rounding_rule_only_and_whole_places():
    twice = COVERAGE.replace(
        "rounding half-up to 2 places\n",
        "rounding half-up to 2 places\nrounding down to 1 places\n",
    )
    with pytest.raises(RubricCompileError, match="says twice how derived indicators are rounded"):
        rubricdsl.loads(twice)
    for places in ("2.5", "11"):
        text = COVERAGE.replace("to 2 places", f"to {places} places")
        with pytest.raises(RubricCompileError, match="whole number of places from 0 to 10"):
            rubricdsl.loads(text)


def test_a_rounding_rule_without_derived_indicators_is_a_warning():
    text = rubric_text("  a: count", '    10 when a >= 1  "x"')
    (warning,) = rubricdsl.loads(text).warnings
    assert warning.code == "unused-rounding"


def test_inputs_used_only_by_a_derived_indicator_are_used():
    assert not [w for w in rubricdsl.loads(COVERAGE).warnings if w.code == "unused-indicator"]


def test_function_names_are_not_reserved_words():
    text = rubric_text(
        "  change: series(2)\n  ratio: number = change(change)", '    10 when ratio > 0  "x"'
    )
    assert rubricdsl.loads(text).evaluate({"change": [1, 2]}).total == 10


# ---- beyond one evaluation -------------------------------------------------------------------


def test_gap_analysis_works_a_rate_back_to_the_count_that_reaches_it():
    rubric = rubricdsl.loads(COVERAGE)
    report = find_gaps(rubric, {"covered": 17, "firms": 20})
    (suggestion,) = report.suggestions
    (change,) = suggestion.changes
    # 18 / 20 = 90.00% is the least that meets "90% 以上"
    assert (change.indicator, change.before, change.after) == ("covered", D(17), D(18))
    assert suggestion.gain == 10


def test_what_if_refuses_to_set_a_derived_indicator():
    from rubricdsl.gaps import what_if

    with pytest.raises(IndicatorError, match="is computed by the rubric"):
        what_if(rubricdsl.loads(COVERAGE), {"covered": 17, "firms": 20}, {"coverage": 95})


def test_the_data_schema_leaves_derived_indicators_out():
    schema = data_schema([rubricdsl.loads(COVERAGE)])
    names = set(schema["properties"]["indicators"]["properties"])
    assert names == {"covered", "firms"}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_data_can_always_be_scored_and_defects_are_refused(data):
    rubric = rubricdsl.loads(COVERAGE)
    indicators = data.draw(indicator_sets(rubric))
    assert set(indicators) == {"covered", "firms"}
    rubric.evaluate(indicators)
    defect = data.draw(invalid_indicator_sets(rubric))
    with pytest.raises(IndicatorError) as caught:
        rubric.evaluate(defect.data)
    assert any(defect.indicator in p.indicator for p in caught.value.problems)


def test_generated_data_lands_on_the_derived_bound():
    from hypothesis import find

    rubric = rubricdsl.loads(COVERAGE)
    on_bound = find(
        indicator_sets(rubric),
        lambda d: (
            d["firms"] > 0
            and rubric.evaluate(d).derived["coverage"].endswith("= 90.00%, half-up to 2 places")
        ),
    )
    assert D(on_bound["covered"]) * 100 / D(on_bound["firms"]) >= 90


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_every_property_holds_on_generated_rubrics_with_derived_indicators(data):
    """Random rubrics (rubricdsl.testing.rubrics) with derived indicators, random data from
    indicator_sets: the score within bounds, the trace adding up, determinism, monotone flags;
    and every derived value the rules read is explained in their trace."""
    from rubricdsl.testing import check_all, rubrics

    rubric = rubricdsl.loads(data.draw(rubrics(checklists=False)))
    indicators = data.draw(indicator_sets(rubric))
    result = check_all(rubric, indicators)
    derived = {name for name, spec in rubric.indicators.items() if spec.derived}
    for item in result.items:
        for rule in item.rules:
            read = {name for name, _ in rule.values} & derived
            assert read == {name for name, _ in rule.derived}


def test_a_long_chain_and_a_wide_sum_load_and_score():
    """A thousand derived indicators each from the one before, and one sum of them all: every
    stage walks each input once (a stage that walked them again per indicator took minutes at
    eight thousand)."""
    count = 1000
    lines = ["  a: number", "  b: number", "  d0: number = sum(a, b)"]
    lines += [f"  d{i}: number = sum(d{i - 1}, a)" for i in range(1, count)]
    lines.append(f"  w: number = sum({', '.join(f'd{i}' for i in range(count))})")
    text = rubric_text("\n".join(lines), f'    10 when d{count - 1} >= {count + 1} and w > 0  "x"')
    result = rubricdsl.loads(text).evaluate({"a": 1, "b": 1})
    # d_i = i + 2, so d999 = 1001 and w = 2 + 3 + … + 1001
    assert result.total == 10
    assert result.derived[f"d{count - 1}"].endswith(f"= {count} + 1 = {count + 1}")
    assert result.derived["w"].endswith(f"= {sum(range(2, count + 2))}")
    # a rule's trace holds the value it read and those that value was computed from directly
    assert [name for name, _ in first_rule(result).derived] == [f"d{count - 1}", "w"]
    assert len(dict(first_rule(result).derived)["w"]) == count + 1


def test_a_long_cycle_is_named_by_its_start_and_length():
    count = 500
    lines = ["  a: number"] + [f"  d{i}: number = sum(d{(i + 1) % count}, a)" for i in range(count)]
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(rubric_text("\n".join(lines), '    10 when d0 > 0  "x"'))
    (error,) = caught.value.diagnostics
    assert error.code == "derived-cycle"
    assert error.message == (
        f"'d0' is computed from itself: d0 → d1 → d2 → d3 → d4 → d5 → … → d0 ({count} indicators)"
    )
