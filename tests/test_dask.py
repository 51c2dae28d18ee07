"""docs/scale.md's Dask example runs as written: a partitioned sample of the 2020 table, scored
by map_partitions on a local cluster of worker processes (the compiled rubric shipped to
them), gives what one serial batch gives."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl import batch

pytest.importorskip("dask.bag", reason="Dask is not installed: pip install 'rubricdsl[dask]'")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks import table_2020  # noqa: E402 - the benchmark's edge-weighted sets

MARK = "<!-- dask example: tests/test_dask.py runs it -->"


def example() -> str:
    """The Python block after the mark in docs/scale.md."""
    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    after = text[text.index(MARK) + len(MARK) :]
    found = re.match(r"\s*```python\n(.*?)```", after, re.DOTALL)
    assert found is not None, "docs/scale.md: no python block after the Dask example's mark"
    return found.group(1)


def test_the_dask_example_scores_a_partitioned_sample_as_a_serial_run(tmp_path, monkeypatch):
    (tmp_path / "rubrics").symlink_to(ROOT / "rubrics")
    districts = tmp_path / "districts"
    districts.mkdir()
    sets = table_2020.edge_sets(120)
    lines: list[str] = []
    for part in range(4):
        chunk = [
            json.dumps({"id": f"{part}-{i}", "indicators": data}, ensure_ascii=False)
            for i, data in enumerate(sets[part * 30 : part * 30 + 30])
        ]
        if part == 2:
            chunk[5] = '{"id": "bad", "indicators": {"cqo_filed_pct": 140}}'
            chunk.insert(9, "")
        (districts / f"part-{part}.jsonl").write_text("\n".join(chunk) + "\n", encoding="utf-8")
        lines += chunk

    monkeypatch.chdir(tmp_path)
    exec(compile(example(), "docs/scale.md", "exec"), {"__name__": "dask_example"})

    outputs = sorted((tmp_path / "scores").glob("part-*.jsonl"), key=lambda p: int(p.stem[5:]))
    assert len(outputs) == 4
    scored = [json.loads(line) for path in outputs for line in path.read_text().splitlines()]
    rubric = rubricdsl.load(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
    serial = batch.records(lines, rubric)  # one partition of every line, in this process
    assert [without_row(row) for row in scored] == [without_row(row) for row in serial]
    assert len(scored) == 120
    refused = [row for row in scored if "problems" in row]
    assert [(row["id"], row["row"]) for row in refused] == [("bad", 6)]
    assert sum(1 for row in scored if "total" in row) == 119


def without_row(row: dict[str, object]) -> dict[str, object]:
    """A row's figures without its number (each partition numbers its own rows)."""
    return {key: value for key, value in row.items() if key != "row"}
