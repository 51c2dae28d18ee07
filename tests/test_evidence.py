"""Evidence (佐证材料): references per indicator (document numbers, file names, links) that the
trace, the text report and the JSON show beside the values they back, escaped like all file
text."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl.cli import main
from rubricdsl.render import render_json, render_text
from rubricdsl.source import display_width

D = Decimal
ROOT = Path(__file__).resolve().parent.parent
RUBRIC = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"

EVIDENCE = {
    "spot_check_coverage_pct": ["瑶市监〔2021〕12号", "抽查台账.xlsx"],
    "food_handled_on_time_pct": "https://example.org/处置台账",
    # declared before spot_check_coverage_pct: the result lists evidence in declared order
    "quality_fund_delivered": ("瑶财〔2021〕3号",),
}


@pytest.fixture(scope="module")
def rubric() -> rubricdsl.Rubric:
    return rubricdsl.load(RUBRIC)


@pytest.fixture(scope="module")
def data() -> rubricdsl.DataFile:
    return rubricdsl.read_data(SAMPLE)


@pytest.fixture(scope="module")
def result(rubric, data) -> rubricdsl.Result:
    return rubric.evaluate(data.indicators, evidence=EVIDENCE)


def test_the_result_and_each_rule_carry_the_evidence_of_what_they_read(result):
    assert dict(result.evidence) == {
        "quality_fund_delivered": ("瑶财〔2021〕3号",),
        "spot_check_coverage_pct": ("瑶市监〔2021〕12号", "抽查台账.xlsx"),
        "food_handled_on_time_pct": ("https://example.org/处置台账",),
    }
    assert list(result.evidence) == [
        "quality_fund_delivered",
        "spot_check_coverage_pct",
        "food_handled_on_time_pct",
    ]
    item = result.item("14")
    assert item.rules[0].evidence == (
        ("spot_check_coverage_pct", ("瑶市监〔2021〕12号", "抽查台账.xlsx")),
    )
    assert item.rules[3].evidence == (
        ("food_handled_on_time_pct", ("https://example.org/处置台账",)),
    )
    assert item.rules[1].evidence == ()  # nothing backs provincial_spot_check_pass_pct
    # evidence changes no score
    assert (result.total, item.score) == (D("77.49"), D("6.5"))


def test_the_text_report_shows_the_references_under_the_values(result, data):
    report = render_text(result, data.meta).splitlines()
    row = next(i for i, line in enumerate(report) if "spot_check_coverage_pct=92.3" in line)
    column = report[row].index("spot_check_coverage_pct=92.3")
    below = report[row + 1]
    assert below.strip() == "evidence: spot_check_coverage_pct: 瑶市监〔2021〕12号; 抽查"
    assert report[row + 2].strip() == "台账.xlsx"  # the values column wraps at 60 columns
    # under the values column (the wording before it is CJK: compare display columns)
    assert display_width(below[: below.index("evidence")]) == display_width(report[row][:column])
    # and under the values of a lost rule, in the list of points not earned
    lost = "\n".join(report).split("Points not earned")[1]
    assert (
        "         food_handled_on_time_pct=88.9  (condition does not hold)\n"
        "         evidence: food_handled_on_time_pct: https://example.org/处置台账"
    ) in lost
    assert (
        "         quality_fund_delivered=false  (condition does not hold)\n"
        "         evidence: quality_fund_delivered: 瑶财〔2021〕3号"
    ) in lost


def test_the_json_has_the_evidence_at_the_top_and_per_rule(result, data):
    document = json.loads(render_json(result, data.meta))
    assert document["evidence"] == {
        "quality_fund_delivered": ["瑶财〔2021〕3号"],
        "spot_check_coverage_pct": ["瑶市监〔2021〕12号", "抽查台账.xlsx"],
        "food_handled_on_time_pct": ["https://example.org/处置台账"],
    }
    rules = document["items"][13]["rules"]
    assert rules[0]["evidence"] == {
        "spot_check_coverage_pct": ["瑶市监〔2021〕12号", "抽查台账.xlsx"]
    }
    assert "evidence" not in rules[1]


def test_without_evidence_nothing_changes(rubric, data):
    plain = rubric.evaluate(data.indicators)
    for result in (
        rubric.evaluate(data.indicators, evidence={}),
        rubric.evaluate(data.indicators, evidence=None),
    ):
        assert result == plain
        assert render_text(result, data.meta) == render_text(plain, data.meta)
    document = plain.to_dict()
    assert "evidence" not in document
    assert all("evidence" not in rule for item in document["items"] for rule in item["rules"])


def test_a_reference_is_escaped_in_the_report_and_the_json(rubric, data):
    hostile = {"spot_check_coverage_pct": ["\x1b[2J.xls", "\u202e"]}
    result = rubric.evaluate(data.indicators, evidence=hostile)
    report = render_text(result, data.meta)
    assert "\x1b" not in report and "\u202e" not in report
    assert r"evidence: spot_check_coverage_pct: \x1b[2J.xls; \u202e" in report
    text = render_json(result, data.meta)
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\u001b[2J" in text and "\\u202e" in text
    assert json.loads(text)["evidence"]["spot_check_coverage_pct"] == ["\x1b[2J.xls", "\u202e"]


GATES = """\
rubric "门槛与否决"
year 2021
base 2
indicators { incidents: count  plan: bool  done: bool }
veto when incidents >= 1 "发生重大质量安全事件，一票否决"
require plan "印发创建方案"
category "c" 2 {
  item 1 "i" 2 { 2 when done "完成" }
}
"""


def test_vetoes_and_requirements_show_their_evidence_too():
    rubric = rubricdsl.loads(GATES)
    evidence = {"incidents": "安监通报 2021-7", "plan": ["瑶办发〔2021〕25号"]}
    result = rubric.evaluate({"incidents": 0, "plan": True, "done": True}, evidence=evidence)
    assert result.all_vetoes[0].evidence == (("incidents", ("安监通报 2021-7",)),)
    assert result.requirements[0].evidence == (("plan", ("瑶办发〔2021〕25号",)),)
    report = render_text(result).splitlines()
    veto = next(i for i, line in enumerate(report) if "incidents=0" in line)
    assert report[veto + 1].strip() == "evidence: incidents: 安监通报 2021-7"
    requirement = next(i for i, line in enumerate(report) if "plan=true" in line)
    assert report[requirement + 1].strip() == "evidence: plan: 瑶办发〔2021〕25号"
    document = result.to_dict()
    assert document["all_vetoes"][0]["evidence"] == {"incidents": ["安监通报 2021-7"]}
    assert document["requirements"][0]["evidence"] == {"plan": ["瑶办发〔2021〕25号"]}


def test_a_task_not_done_shows_the_evidence_of_what_it_read():
    rubric = rubricdsl.loads(
        'rubric "清单"\nyear 2021\nindicators {\n  a: bool\n}\n'
        'checklist "一是" {\n  task 1 "甲" { require a "A" }\n}\n'
    )
    result = rubric.evaluate({"a": False}, evidence={"a": "会议纪要"})
    lines = render_text(result).splitlines()
    row = next(i for i, line in enumerate(lines) if "not met, line" in line)
    assert lines[row + 1] == "                evidence: a: 会议纪要"


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (
            {"spot_check_coverage": "台账"},
            [
                "evidence 'spot_check_coverage': evidence for an indicator no rubric declares; "
                "did you mean 'spot_check_coverage_pct'?"
            ],
        ),
        ({7: "台账"}, ["evidence 7: is not an indicator name (text)"]),
        (
            {"spot_check_coverage_pct": 12},
            [
                "evidence 'spot_check_coverage_pct': 12 is not a reference: give a document "
                "number, a file name or a link as text, or a list of them"
            ],
        ),
        (
            {"spot_check_coverage_pct": ["台账", 12, " "]},
            [
                "evidence 'spot_check_coverage_pct' reference 2: 12 is not a reference: give a "
                "document number, a file name or a link as text",
                "evidence 'spot_check_coverage_pct' reference 3: an empty reference; give a "
                "document number, a file name or a link",
            ],
        ),
        (
            {"spot_check_coverage_pct": []},
            [
                "evidence 'spot_check_coverage_pct': an empty list; give a reference or leave the "
                "name out"
            ],
        ),
        (
            {"spot_check_coverage_pct": "一\n二"},
            ["evidence 'spot_check_coverage_pct': a reference is one line; give several as a list"],
        ),
        (
            ["spot_check_coverage_pct"],
            ["evidence: expected a mapping of indicator names to references, not list"],
        ),
    ],
)
def test_evidence_is_checked(rubric, data, evidence, expected):
    with pytest.raises(rubricdsl.IndicatorError) as caught:
        rubric.evaluate(data.indicators, evidence=evidence)
    assert [str(problem) for problem in caught.value.problems] == expected


def test_every_evidence_problem_is_listed_at_once(rubric, data):
    evidence = {"spot_check": "台账", "food_handled_on_time_pct": 3}
    with pytest.raises(rubricdsl.IndicatorError) as caught:
        rubric.evaluate(data.indicators, evidence=evidence)
    assert [problem.indicator for problem in caught.value.problems] == [
        "evidence 'spot_check'",
        "evidence 'food_handled_on_time_pct'",
    ]


def test_the_command_line_shows_the_data_files_evidence(capsys, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    text += "\nevidence:\n  spot_check_coverage_pct: [瑶市监〔2021〕12号, 抽查台账.xlsx]\n"
    path = tmp_path / "yaohai.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["score", RUBRIC, str(path)]) == 0
    out = capsys.readouterr().out
    assert "evidence: spot_check_coverage_pct: 瑶市监〔2021〕12号; 抽查" in out
    assert main(["score", RUBRIC, str(path), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["evidence"] == {
        "spot_check_coverage_pct": ["瑶市监〔2021〕12号", "抽查台账.xlsx"]
    }
