"""examples/rubrics/county-food-safety.rubric: a rubric of our own using every construct of the
language, scored on its fictitious sample data against values worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import rubricdsl

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "rubrics"
RUBRIC = EXAMPLES / "county-food-safety.rubric"
DATA = EXAMPLES / "county-food-safety-2021.yaml"
D = Decimal


@pytest.fixture(scope="module")
def rubric() -> rubricdsl.Rubric:
    return rubricdsl.load(RUBRIC)


@pytest.fixture(scope="module")
def sample() -> dict[str, object]:
    return dict(rubricdsl.read_data(DATA).indicators)


def test_it_checks_without_a_warning(rubric):
    assert rubric.warnings == ()


def test_the_sample_scores_as_worked_by_hand(rubric, sample):
    result = rubric.evaluate(sample)
    scores = {item.id: item.score for item in result.items}
    assert scores == {
        "一.1": D(4),  # 2 (committee) + 2 meetings × 1
        "一.2": D(4),  # 5 × 80 / 100
        "（二）1": D("4.8"),  # 6 × 3.2 / 4
        "（二）2": D(4),  # 6 − 1 × 2 (shortfall 98 − 96.5 = 1.5, a partial point counts as one)
        "二.3": D(0),  # 120, 110, 115: not decreasing, and 115 is not below 110
        "二.4": D("3.5"),  # 4 × 87.5 / 100
        # 10 − 2 (78.4 < 80; not < 70: the most severe that applies) − 0.1 × (115 − 110),
        # then + 1 for the window: 8.5
        "三.1": D("8.5"),
        "五.1": D(0),  # no cold-chain firms: the whole category is 合理缺项
        "四.1": D(2),  # provincial
        "四.2": D(3),  # 4 innovations, max 3
        "四.3": D("1.5"),  # 15 reports / 10 × 1, exactly
    }
    # 监管成效: 4.8 + 4 + 0 + 3.5 = 12.3, less 1 upheld complaint and 2 × (100 − 90) / 100
    # = 0.2 for rectification: 11.1
    supervision = result.categories[1]
    assert (supervision.earned, supervision.deducted, supervision.score) == (
        D("12.3"),
        D("1.2"),
        D("11.1"),
    )
    cold_chain = result.categories[3]
    assert (cold_chain.na_points, cold_chain.na_reason) == (
        D(5),
        "辖区无进口冷链食品经营企业的，该类作合理缺项",
    )
    # base 8 + 11.1 + 8.5 = 27.6 of 45 − 5 → 27.6 × 45 / 40 = 31.05; bonus 2 + 3 + 1.5 = 6.5,
    # capped at 5 by the category's own cap
    assert (result.base_raw, result.base, result.bonus, result.deducted, result.total) == (
        D("27.6"),
        D("31.05"),
        D(5),
        D(0),
        D("36.05"),
    )
    assert result.eligible and result.passed_vetoes
    assert result.grade is not None
    # 36.05 >= 32: 良好; the callout veto (at most 良好) struck but changes nothing
    assert (result.grade.grade, result.grade.reasons) == ("良好", ("total 36.05 >= 32: 良好",))


def test_no_schools_makes_the_canteen_item_not_applicable(rubric, sample):
    result = rubric.evaluate({**sample, "schools": 0})
    assert result.items[5].na_reason == "辖区无学校"
    # 合理缺项 4 + 5: raw 8 + (8.8 − 1.2) + 8.5 = 24.1 of 36 → 24.1 × 45 / 36 = 30.125 → 30.13
    assert (result.na_points, result.base_raw, result.base, result.total) == (
        D(9),
        D("24.1"),
        D("30.13"),
        D("35.13"),
    )


@pytest.mark.parametrize(
    ("firms", "stores", "checked", "score", "na_points"),
    [
        (0, 2, 60, D(0), D(5)),  # the category is 合理缺项 whatever its group says
        (3, 0, 60, D(0), D(5)),  # the group is: its items' 5 points
        (3, 2, 60, D(3), D(0)),  # 5 × 60 / 100
    ],
)
def test_the_cold_chain_category_and_its_group_may_each_be_not_applicable(
    rubric, sample, firms, stores, checked, score, na_points
):
    values = {"cold_chain_firms": firms, "cold_stores": stores, "cold_store_checked_pct": checked}
    result = rubric.evaluate({**sample, **values})
    assert (result.item("五.1").score, result.na_points) == (score, na_points)


def test_the_data_may_report_the_sampling_group_not_applicable(rubric, sample):
    result = rubric.evaluate(sample, {"抽检": "本年度未下达抽检任务"})
    # 合理缺项 12 + 5: raw 8 + (0 + 3.5 − 1.2) + 8.5 = 18.8 of 28 → 18.8 × 45 / 28 = 30.214… → 30.21
    assert (result.na_points, result.base_raw, result.base) == (D(17), D("18.8"), D("30.21"))


def test_food_poisoning_is_deducted_from_the_total(rubric, sample):
    result = rubric.evaluate({**sample, "food_poisoning": True})
    assert (result.deducted, result.total) == (D(3), D("33.05"))  # 36.05 − 3
    assert result.grade is not None and result.grade.grade == "良好"  # 33.05 >= 32


def test_a_minor_incident_downgrades_and_a_major_one_fails(rubric, sample):
    minor = rubric.evaluate({**sample, "minor_incident": True})
    assert minor.grade is not None and minor.grade.grade == "合格"  # 良好, one band down
    assert minor.passed_vetoes
    major = rubric.evaluate({**sample, "major_incident": True})
    assert major.grade is not None and major.grade.grade == "不合格"
    assert not major.passed_vetoes


def test_without_the_committee_the_district_is_not_eligible(rubric, sample):
    result = rubric.evaluate({**sample, "leading_group": False})
    assert not result.eligible
    assert [r.text for r in result.unmet_requirements] == ["成立食品安全委员会（申报门槛）"]
    assert result.items[0].score == 2  # the score stands: 0 + 2 meetings


def test_the_item_veto_strikes_on_either_side_of_its_or(rubric, sample):
    rising = rubric.evaluate({**sample, "complaints": [100, 110, 115]})
    assert rising.total == D("36.05")  # the same score: 二.3 and 三.1 read the same last two
    assert rising.grade is not None and rising.grade.grade == "合格"  # 良好, one band down
    low = rubric.evaluate({**sample, "pass_rate": 90, "satisfaction": 59})
    # the item's veto, and the rubric-wide callout veto the sample strikes already
    assert [v.item_id for v in low.downgrades] == ["（二）2", None]


def test_the_category_requirement_reads_either_side_of_its_or(rubric, sample):
    result = rubric.evaluate({**sample, "leading_group": False, "budget_wan": 40})
    assert [r.scope for r in result.unmet_requirements] == ["category '组织领导'", "rubric"]
