"""Every script in examples/ runs and says what it promises."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    completed = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip()


def test_score_sample_prints_total_and_lost_points(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "score_sample.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = completed.stdout.splitlines()
    # By hand: 73 raw of 98 → 74.49 prorated, + bonus 3 = 77.49.
    assert lines[0].endswith("total 77.49")
    assert "合理缺项 2" in lines[1]
    assert "item 13 首席质量官" in completed.stdout
    assert "item 19 顾客满意度: no rule of the table can award these points" in completed.stdout
