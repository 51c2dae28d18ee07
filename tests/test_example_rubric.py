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
        "三.1": D(8),  # 10 − 2 (78.4 < 80; not < 70: the most severe that applies)
        "四.1": D(2),  # provincial
        "四.2": D(3),  # 4 innovations, max 3
    }
    # base 4 + 4 + (4.8 + 4 + 0 + 3.5) + 8 = 28.3 of 40; bonus 2 + 3 = 5 (cap 5); total 33.3
    assert (result.base_raw, result.base, result.bonus, result.total) == (
        D("28.3"),
        D("28.3"),
        D(5),
        D("33.3"),
    )
    assert result.eligible and result.passed_vetoes
    assert result.grade is not None
    # 33.3 >= 32: 良好; the callout veto (at most 良好) struck but changes nothing
    assert (result.grade.grade, result.grade.reasons) == ("良好", ("total 33.3 >= 32: 良好",))


def test_no_schools_makes_the_canteen_item_not_applicable(rubric, sample):
    result = rubric.evaluate({**sample, "schools": 0})
    assert result.items[5].na_reason == "辖区无学校"
    # 合理缺项 4: raw 4 + 4 + 8.8 + 0 + 8 = 24.8 of 36 → 24.8 × 40 / 36 = 27.555… → 27.56
    assert (result.na_points, result.base_raw, result.base, result.total) == (
        D(4),
        D("24.8"),
        D("27.56"),
        D("32.56"),
    )


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
