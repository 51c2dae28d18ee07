"""The campaign's reports in text and Markdown: golden files of the Yaohai status on 2022-01-15
(read by hand against tests/test_status.py's hand-worked entries), and Markdown's escaping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rubricdsl.cli import main
from rubricdsl.reports.markdown import cell, pipe_table

GOLDEN = Path(__file__).resolve().parent / "golden"
RUBRICS = ["rubrics/2020/anhui-six-ones.rubric", "rubrics/2020/anhui-quality-county.rubric"]
STATUS = [
    "status",
    "--plan",
    "examples/yaohai/plan.yaml",
    "--data",
    "examples/yaohai/data-2021.yaml",
    *RUBRICS,
    "--as-of",
    "2022-01-15",
]


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("markdown", "md")])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_status_reports_match_golden(capsys, fmt, suffix, lang):
    assert main([*STATUS, "--format", fmt, "--lang", lang]) == 0
    check_golden(f"yaohai-status-2022-01-15.{lang}.{suffix}", capsys.readouterr().out)


def test_markdown_cells_cannot_break_the_table():
    assert cell("a|b") == "a\\|b"
    assert cell("line\nbreak") == "line break"
    assert cell("*bold* _it_ `code` [link](x) <b>") == (
        "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x) \\<b\\>"
    )
    assert pipe_table(["a", "n"], [["x|y", 1]], {1}) == [
        "| a | n |",
        "| --- | ---: |",
        "| x\\|y | 1 |",
        "",
    ]


def test_markdown_status_lists_overdue_first(capsys):
    assert main([*STATUS, "--format", "markdown", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| OVERDUE |")]
    # 8 tasks and 15 items are overdue on 2022-01-15 (tests/test_status.py works them out)
    assert len(rows) == 23
    assert rows[0].startswith("| OVERDUE | task 1 |")  # the oldest deadline, 2021-07-10
