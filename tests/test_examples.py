"""Every script in examples/ runs and says what it promises."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def run_example(script: Path, cwd: Path) -> str:
    """Run an example from a folder of its own; its standard output."""
    completed = subprocess.run(
        [sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    assert run_example(script, tmp_path).strip()


def test_score_sample_prints_total_and_lost_points(tmp_path):
    stdout = run_example(ROOT / "examples" / "score_sample.py", tmp_path)
    lines = stdout.splitlines()
    # By hand: 73 raw of 98 → 74.49 prorated, + bonus 3 = 77.49.
    assert lines[0].endswith("total 77.49")
    assert "合理缺项 2" in lines[1]
    assert "item 13 首席质量官" in stdout
    assert "item 19 顾客满意度: no rule of the table can award these points" in stdout


def test_custom_rubric_example_scores_as_worked_by_hand(tmp_path):
    lines = run_example(ROOT / "examples" / "custom_rubric.py", tmp_path).splitlines()
    # 省级 tier 2 + 3 certificates × 0.5 = 1.5 + 5 × 93.5 / 100 = 4.675 + (10 − 2 × 2) = 6
    # → 14.175 raw, 14.18 rounded half-up; bonus 1 case × 1 = 1; total 15.18.
    assert lines[0] == "total 15.18: base 14.18 (raw 14.175), bonus 1"
    assert "一票否决" in lines[-1]
