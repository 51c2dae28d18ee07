"""The command line: exit codes, where messages go, and both output formats."""

import io
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
    lost = out.split("Points not earned")[1]
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


# ---- a crash is not bad input; output that cannot be written ------------------------------------


def test_an_internal_error_exits_70_with_one_line_and_no_traceback(capsys, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("rubricdsl.commands.score.render_text", broken)
    code, out, err = run(capsys, "score", RUBRIC, SAMPLE)
    assert code == 70
    assert out == ""
    assert err.count("\n") == 1
    assert "internal error (ZeroDivisionError), please report it" in err
    assert "--debug" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback_of_an_internal_error(capsys, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("rubricdsl.commands.score.render_text", broken)
    code, _, err = run(capsys, "score", "--debug", RUBRIC, SAMPLE)
    assert code == 70
    assert "Traceback (most recent call last)" in err
    assert "ZeroDivisionError: a bug" in err


def test_bad_input_is_still_exit_1_with_debug(capsys, tmp_path):
    data = tmp_path / "d.yaml"
    data.write_text("indicators: [1]\n", encoding="utf-8")
    code, _, err = run(capsys, "score", "--debug", RUBRIC, str(data))
    assert code == 1
    assert "'indicators:' must be a mapping" in err
    assert "Traceback" not in err


def test_max_file_mb_raises_and_lowers_the_size_limit(capsys):
    code, _, err = run(capsys, "score", "--max-file-mb", "0.001", RUBRIC, SAMPLE)
    assert code == 1
    assert "larger than the limit of 0.000999451 MB" in err
    code, _, _ = run(capsys, "score", "--max-file-mb", "100", RUBRIC, SAMPLE)
    assert code == 0
    code, _, err = run(capsys, "check", "--max-file-mb", "-3", RUBRIC)
    assert code == 2
    assert "not a positive size" in err


def test_usage_errors_escape_what_was_typed(capsys):
    code, _, err = run(capsys, "score", RUBRIC, SAMPLE, "--format", "\x1b]0;x\x07")
    assert code == 2
    assert "\x1b" not in err
    assert "\\x1b]0;x\\x07" in err


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "rubricdsl", *args],
        capture_output=True,
        env={**os.environ, **env},
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("encoding", ["gbk", "cp936", "ascii", "latin-1"])
def test_the_report_prints_on_a_console_that_cannot_show_every_character(encoding):
    completed = _cli("score", RUBRIC, SAMPLE, PYTHONIOENCODING=encoding)
    assert completed.returncode == 0, completed.stderr
    text = completed.stdout.decode(encoding)
    assert "total             77.49" in text
    if encoding in ("gbk", "cp936"):
        assert "质量工作成效" in text  # Chinese shows as Chinese, not as escapes
    json_run = _cli("score", RUBRIC, SAMPLE, "--format", "json", PYTHONIOENCODING=encoding)
    assert json.loads(json_run.stdout.decode(encoding))["total"] == "77.49"


def test_a_reader_that_goes_away_ends_the_run_quietly():
    completed = subprocess.run(
        f"'{sys.executable}' -m rubricdsl score '{RUBRIC}' '{SAMPLE}' | head -c 10 >/dev/null;"
        ' echo "${PIPESTATUS[0]}" >&2',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        check=False,
        timeout=60,
    )
    # The report may fit in the pipe before head leaves (0), or not (141): quiet either way.
    assert completed.stderr.decode().strip() in ("0", "141")


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")


def test_a_broken_pipe_stops_with_141_and_says_nothing(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = main(["score", RUBRIC, SAMPLE])
    assert code == 141
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_disk_is_reported_with_exit_74():
    completed = subprocess.run(
        [sys.executable, "-m", "rubricdsl", "score", RUBRIC, SAMPLE],
        stdout=open("/dev/full", "w"),
        stderr=subprocess.PIPE,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 74
    assert completed.stderr.decode() == (
        "rubricdsl: cannot write the output: No space left on device\n"
    )


def test_a_closed_stdout_is_reported_with_exit_74():
    completed = subprocess.run(
        f"'{sys.executable}' -m rubricdsl score '{RUBRIC}' '{SAMPLE}' >&-",
        shell=True,
        capture_output=False,
        stderr=subprocess.PIPE,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 74
    assert b"Traceback" not in completed.stderr
    assert b"cannot write the output" in completed.stderr
