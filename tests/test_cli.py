"""The command line: exit codes, where messages go, and both output formats."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from rubricdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
SAMPLE = str(ROOT / "examples" / "yaohai-2021.yaml")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_text_report(capsys):
    code, out, err = run(capsys, "score", RUBRIC, SAMPLE)
    assert code == 0
    assert err == ""
    assert "item 13  首席质量官" in out
    # Worked by hand from the sample: base categories 18 + 10 + 33 + 12 = 73 of 98 (item 10's
    # two rules not applicable), 73 × 100 / 98 = 74.489… → 74.49; bonus 3 (item 28).
    assert "base, prorated    74.49" in out
    assert "total             77.49" in out
    lost = out.split("Points lost")[1]
    assert lost.index("item 13") < lost.index("item 3 ") < lost.index("item 14")


def test_score_json(capsys):
    code, out, _ = run(capsys, "score", RUBRIC, SAMPLE, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["meta"]["year"] == 2021
    assert Decimal(document["total"]) == Decimal("77.49")
    assert document["na_points"] == "2"
    assert [item["id"] for item in document["items"]] == [str(n) for n in range(1, 31)]


def test_check_prints_warnings_and_succeeds(capsys):
    code, out, _ = run(capsys, "check", RUBRIC)
    assert code == 0
    assert "item 19 declares 4 points but its rules reach only 2" in out
    assert "5 warnings" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["score", "missing.rubric", SAMPLE], "no such rubric file"),
        (["score", RUBRIC, "missing.yaml"], "no such data file"),
        (["check", "missing.rubric"], "no such rubric file"),
    ],
)
def test_missing_files_exit_1(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert out == ""
    assert needle in err
    assert "Traceback" not in err


def test_bad_indicator_data_exit_1_with_every_problem(capsys, tmp_path):
    data = tmp_path / "bad.yaml"
    data.write_text(
        "indicators:\n  quality_committee_dual_lead: 1\n  cqo_filed_pct: 120\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "score", RUBRIC, str(data))
    assert code == 1
    assert out == ""
    assert "quality_committee_dual_lead: 1 is not a bool" in err
    assert "cqo_filed_pct: 120 is outside 0–100" in err
    assert "gov_report_sets_target: missing" in err


def test_bad_rubric_exit_1_with_position(capsys, tmp_path):
    rubric = tmp_path / "bad.rubric"
    rubric.write_text(
        'rubric "x"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        'category "c" 10 { item 1 "i" 10 { 10 when b "t" } }\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", str(rubric))
    assert code == 1
    assert out == ""
    assert f"{rubric}:5:43: error: undefined indicator 'b'" in err
    assert "^" in err


@pytest.mark.parametrize(
    "argv", [[], ["score"], ["frobnicate"], ["score", RUBRIC, SAMPLE, "--format", "xml"]]
)
def test_usage_errors_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "usage" in err


def test_installed_script_works_from_another_folder(tmp_path):
    """The installed package finds its grammar wherever it is run from."""
    completed = subprocess.run(
        [sys.executable, "-m", "rubricdsl", "score", RUBRIC, SAMPLE, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["total"] == "77.49"
