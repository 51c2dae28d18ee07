"""The 六个一 checklist (附件1 of the seed): every task met and not met, tasks 18 and 19 at their
bounds. The task → indicators table below is typed from the seed's 附件1 (主要内容 column), not
read from the rubric."""

from __future__ import annotations

from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl.campaign import evaluate_all, shared_indicators

CHECKLIST = "rubrics/2020/anhui-six-ones.rubric"
TABLE = "rubrics/2020/anhui-quality-county.rubric"

# task → the facts its 主要内容 asks for, each one a requirement (seed 附件1)
TASK_FACTS = {
    "1": ["quality_committee_dual_lead", "quality_in_long_term_plan", "creation_annual_priority"],
    "2": ["mobilization_meeting_held"],
    "3": ["quality_in_party_study"],
    "4": ["work_plan_adequate"],
    "5": ["quality_policy_issued"],
    "6": ["quality_performance_assessment", "tasks_assigned_to_units"],
    "7": ["quality_fund_established", "quality_fund_delivered"],
    "8": ["enterprise_quality_training_done"],
    "9": ["consumer_rights_activities"],
    "10": ["quality_theme_activities"],
    "11": ["one_stop_plan"],
    "12": ["benchmark_units_selected"],
    "13": ["benchmark_exchange_held"],
    "14": ["quality_research_conducted"],
    "15": ["research_reports_formed"],
    "16": ["research_experience_distilled"],
    "17": ["safety_supervision_mechanism"],
}
CQO = ["cqo_appointed_pct", "cqo_filed_pct", "cqo_trained_pct"]
# 一是 … 六是: how many tasks each section holds (附件1: 1–4, 5–7, 8–10, 11–13, 14–16, 17–19)
SECTIONS = [("一是", 4), ("二是", 3), ("三是", 3), ("四是", 3), ("五是", 3), ("六是", 3)]


@pytest.fixture(scope="module")
def checklist() -> rubricdsl.Rubric:
    return rubricdsl.load(CHECKLIST)


def all_done() -> dict[str, object]:
    data: dict[str, object] = {fact: True for facts in TASK_FACTS.values() for fact in facts}
    data.update(dict.fromkeys(CQO, 100))
    data["major_quality_safety_events_3y"] = 0
    return data


def test_nineteen_tasks_in_six_sections(checklist):
    result = checklist.evaluate(all_done())
    assert [task.id for task in result.tasks] == [str(n) for n in range(1, 20)]
    sections: list[tuple[str, int]] = []
    for task in result.tasks:
        if not sections or not task.section.startswith(sections[-1][0]):
            sections.append((task.section[:2], 0))
        sections[-1] = (sections[-1][0], sections[-1][1] + 1)
    assert sections == SECTIONS


def test_every_task_done(checklist):
    result = checklist.evaluate(all_done())
    assert all(task.done for task in result.tasks)
    assert result.eligible
    assert result.categories == ()  # a checklist scores nothing


@pytest.mark.parametrize(
    ("task_id", "fact"), [(task, fact) for task, facts in TASK_FACTS.items() for fact in facts]
)
def test_each_fact_missing_leaves_exactly_its_task_open(checklist, task_id, fact):
    data = all_done()
    data[fact] = False
    result = checklist.evaluate(data)
    assert [task.id for task in result.tasks if not task.done] == [task_id]
    assert len(result.task(task_id).unmet) == 1
    assert not result.eligible


@pytest.mark.parametrize("indicator", CQO)
@pytest.mark.parametrize(("value", "done"), [(100, True), (Decimal("99.9"), False), (0, False)])
def test_task_18_needs_each_rate_at_100(checklist, indicator, value, done):
    data = all_done()
    data[indicator] = value
    result = checklist.evaluate(data)
    assert result.task("18").done is done
    assert [task.id for task in result.tasks if not task.done] == ([] if done else ["18"])


@pytest.mark.parametrize(("events", "done"), [(0, True), (1, False), (3, False)])
def test_task_19_no_major_event_in_three_years(checklist, events, done):
    data = all_done()
    data["major_quality_safety_events_3y"] = events
    assert checklist.evaluate(data).task("19").done is done


def test_one_data_file_serves_the_checklist_and_the_table(checklist):
    table = rubricdsl.load(TABLE)
    shared = set(checklist.indicators) & set(table.indicators)
    # the facts both 附件 ask for (附件1 tasks 1, 4, 5, 6, 7, 11, 18 ↔ 附件2 items 1, 4, 3, 5, 7,
    # 11, 13)
    assert shared == {
        "quality_committee_dual_lead",
        "work_plan_adequate",
        "quality_policy_issued",
        "tasks_assigned_to_units",
        "quality_fund_established",
        "quality_fund_delivered",
        "one_stop_plan",
        *CQO,
    }
    assert shared_indicators([checklist, table]).keys() == {
        *checklist.indicators,
        *table.indicators,
    }


def test_the_yaohai_sample_scores_both_rubrics(checklist):
    table = rubricdsl.load(TABLE)
    data = rubricdsl.read_data("examples/yaohai/data-2021.yaml")
    listed, scored = evaluate_all([checklist, table], data.indicators, data.not_applicable).results
    # the sample leaves open: 1 (long-term plan), 3 (party study), 7 (fund delivered),
    # 12, 13, 15, 16 (set false) and 18 (cqo_trained_pct 96.5)
    assert [t.id for t in listed.tasks if not t.done] == [
        "1",
        "3",
        "7",
        "12",
        "13",
        "15",
        "16",
        "18",
    ]
    assert scored.total == Decimal("77.49")  # as examples/yaohai-2021.yaml, worked in test_cli
