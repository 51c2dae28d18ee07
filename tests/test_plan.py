"""A district's plan file: the Yaohai plan against the seed, typed by hand; every check on load."""

from __future__ import annotations

import datetime

import pytest

import rubricdsl
from rubricdsl.plan import PlanError, parse_plan, read_plan

CHECKLIST = "rubrics/2020/anhui-six-ones.rubric"
TABLE = "rubrics/2020/anhui-quality-county.rubric"
CHECKLIST_TITLE = "安徽省质量强县（市、区）“六个一”任务"
TABLE_TITLE = "安徽省质量强县（市、区）创建验收现场评审评分表（2020 年版）"
D = datetime.date

# 附件1, typed from the seed's table: 责任单位, 完成时限
MSJ = "区市场监管局"
EIGHT = [
    MSJ,
    "区经信局",
    "区商务局",
    "区住建局",
    "区农林水务局",
    "区文旅局",
    "区卫健委",
    "区财政局",
]
SEED_TASKS = {
    "1": (["区委办", "区政府办", "区发改委", MSJ], D(2021, 7, 10)),
    "2": ([MSJ], D(2021, 8, 30)),
    "3": (["区委组织部", "区委宣传部", "区委党校"], D(2021, 12, 31)),
    "4": ([MSJ], D(2021, 7, 10)),
    "5": (
        [
            "区发改委",
            "区财政局",
            MSJ,
            "区经信局",
            "区教体局",
            "区科技局",
            "区住建局",
            "区商务局",
            "区数据资源局",
            "区文旅局",
            "区卫健委",
        ],
        D(2021, 12, 31),
    ),
    "6": ([MSJ], D(2021, 12, 31)),
    "7": (["区财政局"], D(2021, 12, 31)),
    "8": ([MSJ, "区经信局", "区商务局", "区住建局", "区文旅局"], D(2021, 12, 31)),
    "9": ([MSJ], D(2021, 12, 31)),
    "10": ([MSJ, "区经信局", "区商务局", "区住建局", "区农林水务局", "区文旅局"], D(2021, 12, 31)),
    "11": ([MSJ], D(2021, 12, 31)),
    "12": ([MSJ, "区经信局", "区商务局"], D(2021, 12, 31)),
    "13": (["区农林水务局", MSJ, "区经信局", "区商务局", "区住建局", "区文旅局"], D(2021, 12, 31)),
    "14": (EIGHT, D(2021, 12, 31)),
    "15": (EIGHT, D(2021, 12, 31)),
    "16": (EIGHT, D(2021, 12, 31)),
    "17": ([MSJ], D(2021, 12, 31)),
    "18": ([MSJ, "区经信局"], D(2021, 12, 31)),
    "19": ([MSJ, "区住建局", "区卫健委", "区文旅局", "区农林水务局"], D(2021, 12, 31)),
}
# 附件2, typed from the seed's table; "全过程" → None (ongoing); item 10 names no unit
LEADING_GROUP = "区质量强区领导小组成员单位"
END = D(2021, 12, 31)
SEED_ITEMS: dict[str, tuple[list[str], datetime.date | None]] = {
    "1": (["区委办", "区政府办", MSJ], END),
    "2": ([MSJ], D(2021, 7, 10)),
    "3": (["区发改委", MSJ, "区财政局"], END),
    "4": ([MSJ], D(2021, 7, 10)),
    "5": ([MSJ], END),
    "6": ([LEADING_GROUP], END),
    "7": (["区财政局"], END),
    "8": ([MSJ], END),
    "9": ([MSJ], END),
    "10": ([], None),
    "11": ([MSJ], END),
    "12": ([MSJ], END),
    "13": ([MSJ, "区经信局"], END),
    "14": ([MSJ, "区农林水务局"], END),
    "15": (["区住建局"], END),
    "16": (["区住建局"], END),
    "17": (["区住建局"], END),
    "18": (["区住建局"], END),
    "19": ([LEADING_GROUP], END),
    "20": ([MSJ], END),
    "21": (["区文旅局"], END),
    "22": ([MSJ], END),
    "23": ([MSJ], END),
    "24": ([LEADING_GROUP], END),
    "25": ([MSJ], END),
    "26": (["区卫健委", MSJ, "区住建局"], None),
    "27": ([MSJ], None),
    "28": ([LEADING_GROUP], END),
    "29": ([LEADING_GROUP], END),
    "30": ([LEADING_GROUP], END),
}


@pytest.fixture(scope="module")
def rubrics():
    return [rubricdsl.load(CHECKLIST), rubricdsl.load(TABLE)]


@pytest.fixture(scope="module")
def yaohai(rubrics):
    return read_plan("examples/yaohai/plan.yaml", rubrics)


def test_yaohai_tasks_as_the_seed_writes_them(yaohai):
    tasks = yaohai.rubrics[CHECKLIST_TITLE].tasks
    assert sorted(tasks, key=int) == list(SEED_TASKS)
    for task_id, (units, deadline) in SEED_TASKS.items():
        assert list(tasks[task_id].units) == units, task_id
        assert tasks[task_id].deadline == deadline, task_id
        assert not tasks[task_id].ongoing


def test_yaohai_items_as_the_seed_writes_them(yaohai):
    items = yaohai.rubrics[TABLE_TITLE].items
    assert sorted(items, key=int) == list(SEED_ITEMS)
    for item_id, (units, deadline) in SEED_ITEMS.items():
        assert list(items[item_id].units) == units, item_id
        assert items[item_id].deadline == deadline, item_id
    assert items["26"].ongoing and items["27"].ongoing  # 全过程
    assert items["10"].note == "区域无法定计量检定机构。"
    assert not items["10"].ongoing and items["10"].deadline is None


def test_yaohai_phases(yaohai):
    assert [(p.name, p.start, p.end) for p in yaohai.phases] == [
        ("制定方案", None, D(2021, 7, 10)),
        ("全面创建", D(2021, 7, 10), D(2021, 12, 31)),
        ("巩固提高", D(2022, 1, 1), D(2022, 3, 1)),
        ("迎接验收", D(2022, 3, 1), D(2022, 4, 1)),
    ]
    assert yaohai.warnings == ()
    assert yaohai.district == "瑶海区"


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (D(2021, 6, 1), "制定方案"),
        (D(2021, 7, 9), "制定方案"),
        (D(2021, 7, 10), "全面创建"),  # a shared day belongs to the later phase
        (D(2021, 12, 31), "全面创建"),
        (D(2022, 1, 1), "巩固提高"),
        (D(2022, 3, 1), "迎接验收"),
        (D(2022, 4, 1), "迎接验收"),
        (D(2022, 4, 2), None),
    ],
)
def test_phase_on_a_day(yaohai, day, phase):
    found = yaohai.phase_on(day)
    assert (found.name if found else None) == phase


def test_review_day_is_the_last_phase_start_unless_given(yaohai, rubrics):
    assert yaohai.review_day == D(2022, 3, 1)
    given = parse_plan(PLAN_HEAD + "review: 2022-03-20\n" + TABLE_PLAN, "p.yaml", rubrics[1:])
    assert given.review_day == D(2022, 3, 20)


PLAN_HEAD = """\
district: 某区
phases:
  - {name: 甲, until: 2021-07-10}
  - {name: 乙, from: 2021-07-10, until: 2021-12-31}
"""
TABLE_PLAN = (
    'rubrics:\n  "'
    + TABLE_TITLE
    + '":\n    items:\n'
    + "".join(f'      "{n}": {{units: 区市场监管局, deadline: 2021-12-31}}\n' for n in range(1, 31))
)


def plan_of(text: str, rubrics):
    return parse_plan(text, "plan.yaml", rubrics)


def error_of(text: str, rubrics) -> str:
    with pytest.raises(PlanError) as caught:
        plan_of(text, rubrics)
    return str(caught.value)


def test_a_complete_small_plan_has_no_warnings(rubrics):
    plan = plan_of(PLAN_HEAD + TABLE_PLAN, rubrics[1:])
    assert plan.warnings == ()
    assert len(plan.rubrics[TABLE_TITLE].items) == 30


def test_an_item_the_rubric_lacks_is_an_error_at_its_line(rubrics):
    text = PLAN_HEAD + TABLE_PLAN + '      "31": {units: 区财政局, deadline: 2021-12-31}\n'
    message = error_of(text, rubrics[1:])
    line = text.splitlines().index('      "31": {units: 区财政局, deadline: 2021-12-31}') + 1
    assert f"plan.yaml:{line}:7: error:" in message
    assert "has no item 31" in message


def test_a_task_the_checklist_lacks_is_an_error(rubrics):
    text = (
        PLAN_HEAD
        + 'rubrics:\n  "'
        + CHECKLIST_TITLE
        + '":\n    tasks:\n      "20": {units: 区财政局}\n'
    )
    assert "has no task 20" in error_of(text, rubrics[:1])


def test_a_forgotten_item_is_a_warning(rubrics):
    text = PLAN_HEAD + TABLE_PLAN.replace(
        '      "17": {units: 区市场监管局, deadline: 2021-12-31}\n', ""
    )
    plan = plan_of(text, rubrics[1:])
    assert len(plan.warnings) == 1
    assert "forgets 1 item or task: item 17" in plan.warnings[0].message
    assert plan.warnings[0].severity == "warning"


def test_a_unit_spelled_two_ways_is_a_warning_with_the_pair(rubrics):
    text = PLAN_HEAD + TABLE_PLAN.replace(
        '"5": {units: 区市场监管局,', '"5": {units: 区市场监督管理局,'
    )
    plan = plan_of(text, rubrics[1:])
    messages = [w.message for w in plan.warnings]
    assert len(messages) == 1
    assert (
        "'区市场监督管理局' and '区市场监管局' look like one unit spelled two ways" in messages[0]
    )
    assert (
        plan.warnings[0].line
        == text.splitlines().index('      "5": {units: 区市场监督管理局, deadline: 2021-12-31}') + 1
    )


def test_a_unit_with_a_stray_space_is_the_same_unit_spelled_twice(rubrics):
    text = PLAN_HEAD + TABLE_PLAN.replace(
        '"6": {units: 区市场监管局,', '"6": {units: 区市场 监管局,'
    )
    assert "look like one unit" in plan_of(text, rubrics[1:]).warnings[0].message


@pytest.mark.parametrize("deadline", ["2021-13-01", "next week", "2021年2月30日前", "[2021]"])
def test_a_deadline_that_is_not_a_date_is_an_error_at_its_line(rubrics, deadline):
    text = PLAN_HEAD + TABLE_PLAN.replace(
        '"9": {units: 区市场监管局, deadline: 2021-12-31}',
        f'"9": {{units: 区市场监管局, deadline: {deadline}}}',
    )
    message = error_of(text, rubrics[1:])
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith('      "9"'))
    assert f"plan.yaml:{line}:" in message
    assert "is not a date (write it 2021-07-10)" in message


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [("2021年7月10日前", D(2021, 7, 10)), ("2021年 12月 31日前", D(2021, 12, 31))],
)
def test_deadlines_as_the_seed_writes_them(rubrics, deadline, expected):
    text = PLAN_HEAD + TABLE_PLAN.replace(
        '"9": {units: 区市场监管局, deadline: 2021-12-31}',
        f'"9": {{units: 区市场监管局, deadline: "{deadline}"}}',
    )
    assert plan_of(text, rubrics[1:]).rubrics[TABLE_TITLE].items["9"].deadline == expected


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        (
            "  - {name: 甲, until: 2021-07-10}\n"
            "  - {name: 乙, from: 2021-07-01, until: 2021-12-31}\n",
            "phase '乙' begins 2021-07-01, before '甲' ends (2021-07-10): phases overlap",
        ),
        (
            "  - {name: 甲, until: 2021-07-10}\n"
            "  - {name: 乙, from: 2021-07-12, until: 2021-12-31}\n",
            "between '甲' (until 2021-07-10) and '乙' (from 2021-07-12) no phase holds",
        ),
        (
            "  - {name: 甲, until: 2021-07-10}\n  - {name: 乙, until: 2021-12-31}\n",
            "phase '乙' needs from:",
        ),
        (
            "  - {name: 甲, from: 2021-08-01, until: 2021-07-10}\n",
            "phase '甲' ends (2021-07-10) before it begins (2021-08-01)",
        ),
        ("  - {name: 甲}\n", "a phase needs until:"),
        ("  - {name: 甲, until: 2021-07-10, end: 2021-08-01}\n", "unknown key 'end' in a phase"),
    ],
)
def test_phases_that_overlap_or_leave_gaps_are_errors(rubrics, phases, expected):
    text = "phases:\n" + phases + TABLE_PLAN
    assert expected in error_of(text, rubrics[1:])


def test_a_day_after_the_last_is_no_gap(rubrics):
    text = (
        "phases:\n  - {name: 甲, until: 2021-12-31}\n  - {name: 乙, from: 2022-01-01, until: "
        "2022-03-01}\n" + TABLE_PLAN
    )
    assert [p.name for p in plan_of(text, rubrics[1:]).phases] == ["甲", "乙"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("district: [a\n", "not valid YAML"),
        ("- 1\n", "a plan is a mapping"),
        (PLAN_HEAD, "the plan has no rubrics: section"),
        (PLAN_HEAD + "district: 又一区\n" + TABLE_PLAN, "'district' is given twice"),
        (
            PLAN_HEAD + "phase: []\n" + TABLE_PLAN,
            "unknown key 'phase' in the plan; did you mean 'phases'?",
        ),
        (
            PLAN_HEAD
            + TABLE_PLAN.replace(
                "units: 区市场监管局, deadline: 2021-12-31}", "deadline: 2021-12-31}", 1
            ),
            "item 1 names no responsible unit",
        ),
        (
            PLAN_HEAD + TABLE_PLAN.replace("评分表（2020 年版）", "评分表（2021 年版）"),
            "no rubric given is titled",
        ),
    ],
)
def test_plan_errors(rubrics, text, expected):
    assert expected in error_of(text, rubrics[1:])


def test_an_ongoing_deadline_and_a_note(rubrics):
    text = PLAN_HEAD + TABLE_PLAN.replace(
        '"26": {units: 区市场监管局, deadline: 2021-12-31}',
        '"26": {units: 区卫健委、区住建局, deadline: 全过程}',
    ).replace(
        '"10": {units: 区市场监管局, deadline: 2021-12-31}', '"10": {note: 无法定计量检定机构}'
    )
    items = plan_of(text, rubrics[1:]).rubrics[TABLE_TITLE].items
    assert items["26"].ongoing and items["26"].units == ("区卫健委", "区住建局")
    assert items["10"].units == () and items["10"].note == "无法定计量检定机构"


def test_a_rubric_not_given_is_left_alone(rubrics):
    # the Yaohai plan names both rubrics; with only the table given, the checklist's part waits
    plan = read_plan("examples/yaohai/plan.yaml", rubrics[1:])
    assert list(plan.rubrics) == [TABLE_TITLE]


def test_a_plan_naming_too_many_units_is_refused_quickly(rubrics):
    # 19 tasks × 300 distinct units: every pair would be compared for a unit spelled two ways
    # (16 million pairs, minutes); past Limits.max_plan_units (200) the plan is refused
    tasks = "".join(
        f'      "{t}": {{units: {"、".join(f"区单位{t}_{k}" for k in range(300))}, '
        "deadline: 2021-12-31}\n"
        for t in range(1, 20)
    )
    text = PLAN_HEAD + 'rubrics:\n  "' + CHECKLIST_TITLE + '":\n    tasks:\n' + tasks
    message = error_of(text, rubrics[:1])
    assert "the plan names more than 200 responsible units" in message
    assert message.count("error:") == 1


def test_a_unit_name_longer_than_a_name_is_refused(rubrics):
    text = PLAN_HEAD + TABLE_PLAN.replace(
        '"8": {units: 区市场监管局,', '"8": {units: ' + "区" * 201 + ","
    )
    assert "a unit's name has 201 characters; names have at most 200" in error_of(text, rubrics[1:])
