"""Status as of a day and points by owner, on the Yaohai plan and sample, worked by hand.

The sample (examples/yaohai/data-2021.yaml) leaves open: tasks 1, 3, 7, 12, 13, 15, 16, 18 (see
test_six_ones), and these items (each worked from the data against the 2020 table):
3 (policy not implemented: 2 of 4), 7 (fund not delivered: 2 of 4), 8 (no national centre: 3 of
4), 9 (no agri demo zone: 3 of 4), 10 (4 standards < 6: 0 of 2, its other rules 合理缺项),
11 (no demo zone title: 4 of 6), 12 (no provincial award: 3 of 4), 13 (trained 96.5: 0 of 3),
14 (on time 88.9 < 90: 6.5 of 8), 17 (complaints rose: 2 of 5), 19 (consumer 79.6 < 80: 1 of
the 2 its rules reach), 21 (no tourism benchmark: 1.5 of 3), 23 (91.2 below 92.0: 2 of 3),
24 (no safety title: 2 of 4), 27 (key equipment 99.2: 2 of 3), 29 and 30 (0 of 3, 0 of 2).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl.campaign import evaluate_all
from rubricdsl.cli import main
from rubricdsl.owners import points_by_owner
from rubricdsl.plan import read_plan
from rubricdsl.status import DONE, EXCUSED, OPEN, OVERDUE, campaign_status

RUBRICS = ["rubrics/2020/anhui-six-ones.rubric", "rubrics/2020/anhui-quality-county.rubric"]
PLAN = "examples/yaohai/plan.yaml"
DATA = "examples/yaohai/data-2021.yaml"
D = datetime.date
OPEN_TASKS = ["1", "3", "7", "12", "13", "15", "16", "18"]
OPEN_ITEMS = [
    "3",
    "7",
    "8",
    "9",
    "10",
    "11",
    "12",
    "13",
    "14",
    "17",
    "19",
    "21",
    "23",
    "24",
    "27",
    "29",
    "30",
]


@pytest.fixture(scope="module")
def campaign():
    rubrics = [rubricdsl.load(path) for path in RUBRICS]
    data = rubricdsl.read_data(DATA)
    evaluations = evaluate_all(rubrics, data.indicators, data.not_applicable)
    return evaluations, read_plan(PLAN, rubrics)


def names(entries):
    return [f"{entry.kind} {entry.id}" for entry in entries]


def test_status_on_1_august_2021(campaign):
    status = campaign_status(*campaign, D(2021, 8, 1))
    assert status.phase.name == "全面创建"
    assert status.next_phase.name == "巩固提高"
    # only task 1 (due 7月10日, its long-term plan missing) is late; task 4 and items 2 and 4,
    # also due 7月10日, are done; task 2 (8月30日) is done
    assert names(status.overdue()) == ["task 1"]
    # the nearest deadline still open: 12月31日, 152 days on (30 + 30 + 31 + 30 + 31)
    assert status.next_deadline == D(2021, 12, 31)
    assert status.days_to_next_deadline == 152
    assert status.days_to_review == 212  # to 2022-03-01: 152 + 31 + 28 + 1
    assert not status.eligible
    assert status.count(OVERDUE) == 1
    assert status.count(OPEN) == len(OPEN_TASKS) + len(OPEN_ITEMS) - 1
    assert status.count(DONE) == 19 + 30 - len(OPEN_TASKS) - len(OPEN_ITEMS)
    assert status.count(EXCUSED) == 0


def test_status_on_15_january_2022(campaign):
    status = campaign_status(*campaign, D(2022, 1, 15))
    assert status.phase.name == "巩固提高"
    # every open task and item due by 12月31日 is overdue; item 10 has no deadline and item 27
    # is 全过程, so they stay open
    expected = [f"task {t}" for t in OPEN_TASKS] + [
        f"item {i}" for i in OPEN_ITEMS if i not in ("10", "27")
    ]
    assert names(status.overdue()) == expected
    assert names(e for e in status.entries if e.state == OPEN) == ["item 10", "item 27"]
    assert status.next_deadline is None
    assert status.days_to_review == 45  # 16 days of January left + 28 + 1


def test_each_unit_owes_its_own_most_urgent_first(campaign):
    status = campaign_status(*campaign, D(2021, 8, 1))
    units = {unit.unit: unit for unit in status.units}
    # 区委办 owns task 1 (overdue) and items 1 (done) in the plan
    assert names(units["区委办"].entries) == ["task 1"]
    # 区经信局 owns tasks 12, 13, 15, 16, 18 and item 13, all due 12月31日
    assert names(units["区经信局"].entries) == [
        "task 12",
        "task 13",
        "task 15",
        "task 16",
        "task 18",
        "item 13",
    ]
    # 区市场监管局: the overdue task first, the ongoing item 27 last
    first, *_, last = units["区市场监管局"].entries
    assert (first.state, first.id, last.id, last.ongoing) == (OVERDUE, "1", "27", True)
    # item 10 names no unit (the seed: 区域无法定计量检定机构) and is listed apart
    assert names(units[""].entries) == ["item 10"]
    # the units with the most overdue first
    assert [unit.overdue for unit in status.units] == sorted(
        (unit.overdue for unit in status.units), reverse=True
    )


def test_an_item_is_done_only_with_every_point_it_can_reach(campaign):
    status = campaign_status(*campaign, D(2021, 8, 1))
    by_name = {f"{e.kind} {e.id}": e for e in status.entries if e.rubric.endswith("（2020 年版）")}
    assert by_name["item 19"].missing == Decimal(1)  # 1 of the 2 its rules reach
    assert by_name["item 14"].missing == Decimal("1.5")
    assert by_name["item 25"].state == DONE  # 4 earned, capped at its 3
    assert by_name["item 28"].state == DONE  # bonus: 5 earned, capped at 3
    assert by_name["item 10"].reachable == Decimal(2)  # 4 less the 2 合理缺项 points


def test_points_by_owner(campaign):
    evaluations, plan = campaign
    units = {unit.unit: unit for unit in points_by_owner(evaluations, plan)}
    # 区住建局: items 15 (4/4), 16 (2/2), 17 (2/5), 18 (5/5), 26 (3/3, shared)
    works = units["区住建局"]
    assert (works.max, works.earned, works.lost, works.shared) == (19, 16, 3, 1)
    # 区财政局: items 3 (2/4, shared with 区发改委 and 区市场监管局) and 7 (2/4)
    finance = units["区财政局"]
    assert (finance.max, finance.earned, finance.lost, finance.shared) == (8, 4, 4, 1)
    # 区经信局 shares item 13 (0 of 3) with 区市场监管局: both carry its 3 lost points
    assert (units["区经信局"].lost, units["区经信局"].items[0].shared) == (3, True)
    assert any(item.id == "13" for item in units["区市场监管局"].items)
    # the leading group's items 6 (2/2), 19 (1/4 declared, 2 reachable), 24 (2/4), 28 (3/3),
    # 29 (0/3), 30 (0/2)
    group = units["区质量强区领导小组成员单位"]
    assert [item.id for item in group.items] == ["6", "19", "24", "28", "29", "30"]
    assert (group.max, group.earned) == (2 + 4 + 4 + 3 + 3 + 2, 2 + 1 + 2 + 3 + 0 + 0)
    # most lost first
    lost = [unit.lost for unit in points_by_owner(evaluations, plan)]
    assert lost == sorted(lost, reverse=True)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_status_command_text(capsys):
    code, out, _ = run(
        capsys,
        "status",
        "--plan",
        PLAN,
        "--data",
        DATA,
        *RUBRICS,
        "--as-of",
        "2021-08-01",
        "--lang",
        "en",
    )
    assert code == 0
    assert "瑶海区: status as of 2021-08-01" in out
    assert "Phase: 全面创建 (2021-07-10 – 2021-12-31)" in out
    assert "Next deadline: 2021-12-31, in 152 days" in out
    assert "May apply: not yet, 8 of 19 checklist tasks are not done" in out
    assert "1 overdue, 24 open, 24 done, 0 not applicable" in out


def test_status_command_json(capsys):
    code, out, _ = run(
        capsys,
        "status",
        "--plan",
        PLAN,
        "--data",
        DATA,
        *RUBRICS,
        "--as-of",
        "2022-01-15",
        "--format",
        "json",
    )
    assert code == 0
    document = json.loads(out)
    assert document["phase"]["name"] == "巩固提高"
    overdue = [f"{e['kind']} {e['id']}" for e in document["entries"] if e["state"] == OVERDUE]
    assert len(overdue) == len(OPEN_TASKS) + len(OPEN_ITEMS) - 2
    assert document["owners"][0]["unit"] == "区市场监管局"


def test_status_command_errors(capsys, tmp_path):
    bad_plan = tmp_path / "plan.yaml"
    bad_plan.write_text("- 1\n", encoding="utf-8")
    common = ["--data", DATA, *RUBRICS]
    code, _, err = run(capsys, "status", "--plan", PLAN, *common, "--as-of", "2021-13-01")
    assert (code, "'2021-13-01' is not a date" in err) == (2, True)
    code, _, err = run(capsys, "status", "--plan", str(bad_plan), *common)
    assert code == 1
    assert f"{bad_plan}:1:1: error: a plan is a mapping" in err
    # the table's own sample lacks the checklist's indicators: each is named
    code, _, err = run(
        capsys, "status", "--plan", PLAN, "--data", "examples/yaohai-2021.yaml", *RUBRICS
    )
    assert code == 1
    assert "quality_in_party_study: missing (a bool)" in err
