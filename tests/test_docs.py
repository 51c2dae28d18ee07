"""The docs show the commands' real output: docs/districts.md's outputs are what the commands
print today (scripts/docs_outputs.py rewrites them after a deliberate change)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_districts_guide_shows_what_the_commands_print():
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "docs_outputs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_guide_runs_every_command_of_the_office_week():
    text = (ROOT / "docs" / "districts.md").read_text(encoding="utf-8")
    for command in (
        "$ rubricdsl template",
        "$ rubricdsl status",
        "$ rubricdsl score",
        "$ rubricdsl gaps",
        "$ rubricdsl whatif",
    ):
        assert command in text
    # the status of 1 August 2021, in Chinese: only task 1 is overdue (tests/test_status.py)
    assert "阶段：全面创建" in text or "全面创建" in text
