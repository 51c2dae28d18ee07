"""The benchmark's yardsticks (benchmarks/, issue 9) give rubricdsl's figures: the plain and
Decimal scorers of the 2020 table agree with it on generated indicator sets and on the sample
district, and the rubrics bench_scale.py grows are the table they say. No time is asserted."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import rubricdsl
from rubricdsl.testing import indicator_sets

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_eval, bench_scale, decimal_2020, plain_2020, table_2020  # noqa: E402

RUBRIC = rubricdsl.load(ROOT / table_2020.RUBRIC)
D = Decimal


def assert_agree(data: dict[str, object]) -> None:
    want = table_2020.result_figures(RUBRIC.evaluate(data))
    assert table_2020.differences(want, plain_2020.figures(plain_2020.score(data))) == []
    assert table_2020.differences(want, decimal_2020.figures(decimal_2020.score(data))) == []


def test_scorers_agree_on_200_edge_sets():
    sets = table_2020.edge_sets(200)
    for data in sets:
        assert_agree(data)
    # the sets reach the table's edges: 合理缺项 of one and of both, ties of item 23
    na = [sum(isinstance(data[n], dict) for n in table_2020.NA_ALLOWED) for data in sets]
    assert {0, 1, 2} <= set(na)
    tied = [d["annual_report_rate_pct"] == d["province_annual_report_rate_pct"] for d in sets]
    assert any(tied) and not all(tied)


def test_scorers_agree_on_the_sample_district():
    sample = rubricdsl.read_data(ROOT / table_2020.SAMPLE).indicators
    assert_agree(sample)
    found = plain_2020.score(sample)
    assert (found.base_raw, found.na_points, found.base, found.bonus) == (7300, 200, 7449, 300)
    assert decimal_2020.score(sample).total == D("77.49")  # 73 × 100 / 98 = 74.49, + 3


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(indicator_sets(RUBRIC))
def test_scorers_agree_on_hypothesis_sets(data):
    assert_agree(data)  # Decimals, as rubricdsl.testing draws them
    assert_agree(table_2020.native_set(data))  # ints and floats, as YAML gives them


def test_a_float_meeting_a_decimal_is_compared_as_written():
    data = table_2020.edge_sets(1)[0]
    data.update(annual_report_rate_pct=92.1, province_annual_report_rate_pct=D("92.1"))
    data["construction_complaint_rate"] = [D("0.3"), 0.2, D("0.1")]
    assert_agree(data)
    assert plain_2020.score(data).items[22] >= 100  # item 23's third rule: 92.1 >= 92.1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("quality_committee_dual_lead", 1),
        ("committee_meetings_per_year", -1),
        ("committee_meetings_per_year", 1.5),
        ("cqo_filed_pct", 100.5),
        ("cqo_filed_pct", float("nan")),
        ("cqo_filed_pct", "100"),
        ("metrology_budget_wan", {"not_applicable": ""}),
        ("counterfeit_incidents", {"not_applicable": "无"}),
        ("construction_complaint_rate", [1, 2]),
    ],
)
def test_scorers_refuse_what_rubricdsl_refuses(name, value):
    data = table_2020.edge_sets(1)[0]
    data[name] = value
    with pytest.raises(rubricdsl.IndicatorError):
        RUBRIC.evaluate(data)
    with pytest.raises(ValueError):
        plain_2020.score(data)
    with pytest.raises(ValueError):
        decimal_2020.score(data)


def test_missing_and_unknown_indicators_are_refused():
    data = table_2020.edge_sets(1)[0]
    del data["hosted_quality_event"]
    data["hosted_quality_events"] = True
    for scorer in (plain_2020.score, decimal_2020.score):
        with pytest.raises(ValueError, match="hosted_quality_event"):
            scorer(data)


def test_the_benchmark_checks_agreement_before_timing():
    sets = table_2020.edge_sets(5)
    assert bench_eval.check_agreement(RUBRIC, sets, bench_eval.trace_levels()) == []


def test_copies_of_the_table_score_as_the_table_does():
    rubric = rubricdsl.loads(bench_scale.copies_of_2020(2), "<2 copies>", bench_scale.BIG)
    data = bench_scale.data_of_copies(2)
    result = rubric.evaluate(data)
    assert len(result.items) == 60
    for copy in (1, 2):
        alone = {k[: -len(f"_{copy}")]: v for k, v in data.items() if k.endswith(f"_{copy}")}
        plain = plain_2020.score(alone)
        scores = [result.item(f"{copy}.{i}").score for i in table_2020.ITEM_IDS]
        assert scores == [D(s) / 100 for s in plain.items]
    assert bench_scale.copies_of_2020(1) == (ROOT / table_2020.RUBRIC).read_text(encoding="utf-8")


def test_one_item_of_many_rules():
    rubric = rubricdsl.loads(bench_scale.one_item(100), "<rules>")
    result = rubric.evaluate(bench_scale.data_of_one_item(100))
    assert len(result.items[0].rules) == 100
    assert result.total == 50  # x = 5 meets the rules with thresholds 1 … 5 of each indicator
