"""score, gaps and whatif on a district's campaign: several rubrics sharing one data file, a
plan, and the Markdown and HTML reports; worked by hand from the Yaohai sample."""

from __future__ import annotations

import json

import pytest

from browser import render
from rubricdsl.cli import main
from test_html_report import Numbers, resolve

CHECKLIST = "rubrics/2020/anhui-six-ones.rubric"
TABLE = "rubrics/2020/anhui-quality-county.rubric"
DATA = "examples/yaohai/data-2021.yaml"
TABLE_DATA = "examples/yaohai-2021.yaml"
PLAN = "examples/yaohai/plan.yaml"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_one_rubric_scores_as_ever(capsys):
    code, out, _ = run(capsys, "score", TABLE, TABLE_DATA, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["total"] == "77.49"
    assert "results" not in document and "owners" not in document


def test_a_data_file_shared_by_two_rubrics(capsys):
    code, out, _ = run(capsys, "score", CHECKLIST, TABLE, DATA, "--format", "json")
    assert code == 0
    listed, scored = json.loads(out)["results"]
    assert [task["status"] for task in listed["tasks"]].count("not_met") == 8
    assert scored["total"] == "77.49"
    # the table alone cannot read the shared file: the checklist's facts are unknown to it
    code, _, err = run(capsys, "score", TABLE, DATA)
    assert code == 1
    assert "quality_in_party_study: unknown indicator" in err


def test_score_with_a_plan_gives_points_by_owner(capsys):
    code, out, _ = run(capsys, "score", TABLE, TABLE_DATA, "--plan", PLAN, "--format", "json")
    assert code == 0
    owners = {unit["unit"]: unit for unit in json.loads(out)["owners"]}
    # 区住建局 owns items 15–18 and shares 26: 4 + 2 + 5 + 5 + 3 = 19, of which 17 lost 3
    assert (owners["区住建局"]["max"], owners["区住建局"]["lost"]) == ("19", "3")
    code, out, _ = run(capsys, "score", TABLE, TABLE_DATA, "--plan", PLAN, "--lang", "en")
    assert "Points by responsible unit" in out


def test_score_html_numbers_equal_the_json(capsys, tmp_path):
    page, data = tmp_path / "score.html", tmp_path / "score.json"
    base = ["score", TABLE, TABLE_DATA, "--plan", PLAN, "--lang", "en"]
    assert main([*base, "--format", "html", "--output", str(page)]) == 0
    assert main([*base, "--format", "json", "--output", str(data)]) == 0
    capsys.readouterr()
    document = json.loads(data.read_text(encoding="utf-8"))
    dom, console = render(page)
    assert console == []
    parser = Numbers()
    parser.feed(dom)
    assert {"total", "items/13/score", "owners/0/lost"} <= {path for path, _ in parser.found}
    for path, shown in parser.found:
        assert shown == str(resolve(document, path)), path
    # the gap analysis is on the page: cqo_trained_pct 96.5 → 100 wins item 13's 3 points,
    # 3 × 100 / 98 = 3.06 in the prorated total
    assert "cqo_trained_pct: 96.5 → 100" in dom and "+<span" in dom


def test_gaps_for_the_campaign(capsys):
    code, out, _ = run(capsys, "gaps", CHECKLIST, TABLE, DATA, "--format", "json")
    assert code == 0
    listed, scored = json.loads(out)
    assert listed["checklist"] and listed["suggestions"] == []
    # the checklist's gaps are its unmet requirements: 8 tasks, task 18 by cqo_trained_pct
    assert len(listed["requirements"]) == 8
    assert scored["total"] == "77.49" and scored["highest"] == "108"
    code, out, _ = run(capsys, "gaps", CHECKLIST, TABLE, DATA, "--lang", "en")
    assert "Score now: 77.49" in out and out.count("Score now") == 1


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_gaps_reports(capsys, fmt):
    code, out, _ = run(capsys, "gaps", TABLE, TABLE_DATA, "--format", fmt, "--lang", "en")
    assert code == 0
    assert "What wins each lost point back" in out
    assert "cqo\\_trained\\_pct: 96.5 → 100" in out or "cqo_trained_pct: 96.5 → 100" in out


def test_whatif_across_the_campaign(capsys):
    code, out, _ = run(
        capsys, "whatif", CHECKLIST, TABLE, DATA, "--set", "cqo_trained_pct=100", "--lang", "en"
    )
    assert code == 0
    # the same fact completes task 18 of the checklist and wins item 13's 3 points
    assert "task 18: not done → done" in out
    assert "77.49" in out and "80.55" in out  # 73 + 3 = 76 of 98, × 100/98 = 77.55 + 3
    code, _, err = run(capsys, "whatif", CHECKLIST, TABLE, DATA, "--set", "cqo_traned_pct=100")
    assert code == 1 and "did you mean 'cqo_trained_pct'" in err


def test_reports_are_written_whole_to_their_file(capsys, tmp_path):
    target = tmp_path / "r.md"
    target.write_text("last week's report", encoding="utf-8")
    code, out, _ = run(capsys, "gaps", TABLE, TABLE_DATA, "--format", "markdown", "-o", str(target))
    assert code == 0 and out.startswith(f"wrote {target}")
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"]  # no temporary file left behind


OVERRIDDEN = """\
overrides:
  - {item: "14", rule: 4, points: 1.5, by: 省评审组 张三, on: 2022-03-15,
     reason: 现场核查按时处置台账，实际完成率 90.2%}
evidence:
  food_handled_on_time_pct: [瑶市监〔2021〕12号, 处置台账.xlsx]
"""


@pytest.fixture
def reviewed(tmp_path):
    """The Yaohai sample with the reviewers' override of item 14's rule 4 (1.5 points for
    food_handled_on_time_pct, which the data put at 88.9 < 90) and evidence for that value."""
    data = tmp_path / "reviewed.yaml"
    text = open(TABLE_DATA, encoding="utf-8").read()
    data.write_text(text + OVERRIDDEN, encoding="utf-8")
    return data


def test_overrides_and_evidence_in_the_html_report(capsys, tmp_path, reviewed):
    page, data = tmp_path / "r.html", tmp_path / "r.json"
    base = ["score", TABLE, str(reviewed), "--lang", "en"]
    assert main([*base, "--format", "html", "--output", str(page)]) == 0
    assert main([*base, "--format", "json", "--output", str(data)]) == 0
    document = json.loads(data.read_text(encoding="utf-8"))
    # 73 + 1.5 = 74.5 of 98, × 100/98 = 76.02, + 3 bonus
    assert document["total"] == "79.02"
    dom, console = render(page)
    assert console == []
    parser = Numbers()
    parser.feed(dom)
    found = dict(parser.found)
    assert found["items/13/rules/3/override/points"] == "1.5"
    assert found["items/13/rules/3/override/computed"] == "0"
    for path, shown in parser.found:
        assert shown == str(resolve(document, path)), path
    assert "overridden on site by 省评审组 张三 on 2022-03-15" in dom
    assert "food_handled_on_time_pct: 瑶市监〔2021〕12号; 处置台账.xlsx" in dom


def test_overrides_and_evidence_in_the_markdown_report(capsys, reviewed):
    code, out, _ = run(
        capsys, "score", TABLE, str(reviewed), "--format", "markdown", "--lang", "en"
    )
    assert code == 0
    assert "### Reviewers' overrides (现场评审)" in out
    assert "| item 14, rule 4 | 1.5 | 0 |" in out


FOOD = "examples/rubrics/county-food-safety.rubric"
FOOD_DATA = "examples/rubrics/county-food-safety-2021.yaml"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_reports_show_the_grade_and_the_eligibility_beside_the_score(capsys, fmt):
    # the county food-safety example: 36.05, 良好 (worked by hand in test_example_rubric), every
    # requirement holds
    code, out, _ = run(capsys, "score", FOOD, FOOD_DATA, "--format", fmt, "--lang", "zh")
    assert code == 0
    assert "36.05" in out and "良好" in out
    if fmt != "text":  # the eligibility card or line, translated
        assert "具备申报资格：各项门槛均已满足" in out
