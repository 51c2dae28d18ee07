"""Batches (rubricdsl.batch): Rubric.evaluate_many and `rubricdsl score --batch` over CSV and
JSON Lines score every good row as one-by-one evaluation does, refuse each bad row by its
number while the others are scored, give the same output with 2 jobs as with 1, read a stream
only a bounded way ahead, and leave the previous output whole when they are interrupted."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import rubricdsl
from rubricdsl import batch
from rubricdsl.batch import Row
from rubricdsl.cli import main
from rubricdsl.model import fmt

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"
FOOD = ROOT / "examples" / "rubrics" / "county-food-safety.rubric"
FOOD_DATA = ROOT / "examples" / "rubrics" / "county-food-safety-2021.yaml"
DRAFT = ROOT / "examples" / "rubrics" / "2021-draft.rubric"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks import table_2020  # noqa: E402 - the benchmark's edge-weighted sets

SETS = table_2020.edge_sets(200)


@pytest.fixture(scope="module")
def rubric() -> rubricdsl.Rubric:
    return rubricdsl.load(RUBRIC)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def bad(data: dict[str, Any], **changes: object) -> dict[str, Any]:
    return {**data, **changes}


# ---- Rubric.evaluate_many ---------------------------------------------------------------------


@pytest.mark.parametrize("trace", ["none", "lost", "full"])
def test_evaluate_many_scores_every_row_as_evaluate_does(rubric, trace):
    rows = SETS[:60]
    scored = list(rubric.evaluate_many(rows, trace=trace))
    assert [s.number for s in scored] == list(range(1, 61))
    for data, one in zip(rows, scored, strict=True):
        assert one.ok and one.error is None
        assert one.result.to_dict() == rubric.evaluate(data, trace=trace).to_dict()


def test_a_bad_row_is_refused_by_its_number_and_every_good_row_is_scored(rubric):
    rows: list[Any] = list(SETS[:10])
    rows[2] = bad(rows[2], cqo_filed_pct=140)
    rows[6] = {"no_such_indicator": 1}
    rows[7] = Row(SETS[7], id="瑶海区")
    scored = list(rubric.evaluate_many(rows))
    refused = [s for s in scored if not s.ok]
    assert [s.number for s in refused] == [3, 7]
    assert refused[0].error.problems[0].indicator == "cqo_filed_pct"
    assert "outside 0–100" in refused[0].error.problems[0].message
    assert scored[7].id == "瑶海区" and scored[7].ok
    for number in (1, 2, 4, 5, 6, 8, 9, 10):
        one = scored[number - 1]
        expected = rubric.evaluate(SETS[number - 1], trace="none")
        assert one.result.to_dict() == expected.to_dict()


def test_two_jobs_score_as_one(rubric):
    rows: list[Any] = [SETS[i % 200] for i in range(900)]  # over 3 tasks: the pool starts
    rows[500] = bad(rows[500], committee_meetings_per_year=-1)
    one = [(s.number, s.ok, s.result and s.result.to_dict()) for s in rubric.evaluate_many(rows)]
    two = [
        (s.number, s.ok, s.result and s.result.to_dict())
        for s in rubric.evaluate_many(rows, jobs=2)
    ]
    assert one == two
    assert [number for number, ok, _ in two if not ok] == [501]


def test_a_stream_is_read_a_bounded_way_ahead_of_the_results(rubric):
    """An endless stream: the first results come out after a few tasks' rows are read, and
    stopping early leaves the rest unread (nothing is materialised)."""
    consumed = itertools.count()

    def endless() -> Iterator[dict[str, Any]]:
        for i in itertools.count():
            next(consumed)
            yield SETS[i % 200]

    for jobs in (1, 2):
        consumed = itertools.count()
        results = rubric.evaluate_many(endless(), jobs=jobs)
        first = list(itertools.islice(results, 10))
        assert [s.number for s in first] == list(range(1, 11))
        read = next(consumed)
        ahead = (jobs * batch.TASKS_IN_FLIGHT + jobs + 2) * batch.ROWS_PER_TASK
        assert 10 <= read <= ahead, (jobs, read)
        results.close()  # ends the workers


def test_evaluate_many_refuses_a_wrong_trace_or_jobs_at_once(rubric):
    with pytest.raises(rubricdsl.RubricArgumentError, match="trace"):
        rubric.evaluate_many([], trace="some")
    with pytest.raises(rubricdsl.RubricArgumentError, match="jobs"):
        rubric.evaluate_many([], jobs=0)


def test_a_scored_row_pickles_with_its_error(rubric):
    import pickle

    scored = list(rubric.evaluate_many([{"x": 1}, SETS[0]]))
    copied = pickle.loads(pickle.dumps(scored))
    assert copied[0].error.problems == scored[0].error.problems
    assert str(copied[0].error) == str(scored[0].error)
    assert copied[1].result.to_dict() == scored[1].result.to_dict()


# ---- JSON Lines -------------------------------------------------------------------------------


def write_jsonl(path: Path, lines: list[object]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
            out.write("\n")
    return path


def test_a_jsonl_batch_with_bad_rows_scores_every_good_row(capsys, tmp_path, rubric):
    lines: list[object] = [SETS[i] for i in range(8)]
    lines[1] = {"id": "甲", "indicators": SETS[1]}
    lines[2] = {"id": 7, "indicators": bad(SETS[2], cqo_filed_pct=140)}
    lines[4] = "not json"
    lines.insert(5, "")  # a blank line: not a row, but a line
    lines[7] = {"indicators": SETS[6], "extra": 1}
    source = write_jsonl(tmp_path / "rows.jsonl", lines)
    out = tmp_path / "scores.jsonl"
    code, stdout, err = run(capsys, "score", RUBRIC, "--batch", source, "--out", out)
    assert code == 1
    assert stdout == ""
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["row"] for row in rows] == [1, 2, 3, 4, 5, 7, 8, 9]
    refused = {row["row"]: row for row in rows if "problems" in row}
    assert sorted(refused) == [3, 5, 8]
    assert refused[3]["id"] == "7"
    assert refused[3]["problems"] == [
        {"indicator": "cqo_filed_pct", "message": "140 is outside 0–100 (a percent)"}
    ]
    assert refused[5]["problems"][0]["indicator"] == "(row)"
    assert refused[8]["problems"][0]["indicator"] == "extra"
    assert "row 3 (7):" in err and "row 5:" in err and "row 8:" in err
    assert "rows scored: 5, refused: 3," in err and "wrote" in err
    scored = [row for row in rows if "problems" not in row]
    assert scored[1]["id"] == "甲"
    for row, data in zip(scored, [SETS[0], SETS[1], SETS[3], SETS[5], SETS[7]], strict=True):
        expected = rubric.evaluate(data, trace="none")
        assert Decimal(row["total"]) == expected.total
        assert row["items"] == {item.id: fmt(item.score) for item in expected.items}
        assert row["grade"] == expected.grade
        assert row["eligible"] is expected.eligible


def test_jsonl_numbers_are_read_exactly(tmp_path, rubric):
    """A number past 15 digits, or with an exponent, is read as the decimal it is written as:
    99.9999999999999999 is below 100, not the float 100.0; 1e2 is 100."""
    text = json.dumps(SETS[0]).replace(
        '"cqo_filed_pct": 100', '"cqo_filed_pct": 99.9999999999999999'
    )
    assert "99.9999999999999999" in text
    _, indicators, _ = batch.record(rubric, text)
    assert indicators["cqo_filed_pct"] == Decimal("99.9999999999999999")
    _, indicators, _ = batch.record(rubric, text.replace("99.9999999999999999", "1e2"))
    assert indicators["cqo_filed_pct"] == 100
    _, indicators, _ = batch.record(rubric, '{"a": 96.5, "b": 0.1}')
    assert exact(indicators) == {"a": Decimal("96.5"), "b": Decimal("0.1")}
    with pytest.raises(rubricdsl.IndicatorError, match="given twice"):
        batch.record(rubric, '{"a": 1, "a": 2}')
    with pytest.raises(rubricdsl.IndicatorError, match="not UTF-8"):
        batch.record(rubric, b'{"a": "\xff"}')


def tricky_lines() -> list[str]:
    """JSON lines the quick way must leave to the exact way, each beside a plain one."""
    plain = [json.dumps(data, ensure_ascii=False) for data in SETS[:12]]
    first = plain[0]
    assert '"cqo_filed_pct": 100' in first and '"registered_metrologists": {' in first
    return [
        plain[1],
        first.replace('"cqo_filed_pct": 100', '"cqo_filed_pct": 99.9999999999999999'),
        first.replace('"cqo_filed_pct": 100', '"cqo_filed_pct": 1e2'),
        first.replace('"cqo_filed_pct": 100', '"cqo_filed_pct": 100, "cqo_filed_pct": 50'),
        first.replace(
            '{"not_applicable": "', '{"not_applicable": "a", "not_applicable": "'
        ),  # a key twice inside an object
        first.replace('"区域无法定计量检定机构"', '"区域: 无法定计量检定机构"'),  # a colon in text
        plain[2] + "\r",
        "\ufeff" + plain[3],
        "  " + plain[4] + " \t",
        plain[5] + " x",
        "",
        "   ",
        json.dumps({"id": "甲", "indicators": SETS[6]}, ensure_ascii=False),
        json.dumps({"id": 8, "indicators": SETS[7], "not_applicable": {}}),
        json.dumps({"indicators": SETS[7], "not_applicable": {"30": "x"}}),
        json.dumps({"indicators": SETS[8], "not_applicable": None}),
        json.dumps([SETS[9]]),
        json.dumps({**SETS[10], "extra": 1}),
        plain[11],
    ]


def test_the_quick_way_writes_what_the_exact_way_writes(tmp_path, rubric, monkeypatch):
    """Lines read by the C JSON decoder and the generated scorer (the quick way) come out as
    the exact reading and evaluate write them; each line it cannot vouch for (a key twice, a
    number past 16 characters or with an exponent) is left to the exact way."""
    lines = tricky_lines()
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")  # the last line without a newline
    expected = "".join(
        json.dumps(row, ensure_ascii=False) + "\n" for row in batch.records(lines, rubric)
    )
    exact_rows: list[int] = []
    row = batch._FileJob._row

    def counted(self, number, *args):
        exact_rows.append(number)
        return row(self, number, *args)

    monkeypatch.setattr(batch._FileJob, "_row", counted)
    for format in ("jsonl", "csv"):
        out = io.BytesIO()
        summary = batch.score_file(rubric, source, out, output_format=format)
        if format == "jsonl":
            assert out.getvalue().decode("utf-8") == expected
        else:
            exact_rows.clear()  # CSV: as the exact way writes it
            monkeypatch.setattr(batch, "_Quick", lambda *args: None)
            slow = io.BytesIO()
            batch.score_file(rubric, source, slow, output_format=format)
            assert out.getvalue() == slow.getvalue()
            assert len(exact_rows) == 17
        assert (summary.scored, summary.refused) == (11, 6)
        if format == "jsonl":  # the rest went the quick way
            assert exact_rows == [2, 3, 4, 5, 6, 8, 9, 10, 15, 17, 18]
            exact_rows.clear()


def test_json_lines_are_read_alike_in_blocks_of_any_size(tmp_path, rubric, monkeypatch):
    """Lines across the blocks the file is read in, and lines over the limit, skipped to their
    end however many blocks they span, are read as in one block."""
    lines = tricky_lines()
    lines[4] = json.dumps({"id": "x" * 3_000, "indicators": SETS[1]})
    lines.append("y" * 3_100)  # the last line, over the limit, without a newline
    assert max(len(line.encode()) for line in lines[:4] + lines[5:-1]) < 2_900
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")
    limits = batch.Limits(max_file_bytes=2_900)
    whole = io.BytesIO()
    summary = batch.score_file(rubric, source, whole, limits=limits)
    rows = [json.loads(line) for line in whole.getvalue().splitlines()]
    assert [row["row"] for row in rows] == [*range(1, 11), *range(13, 21)]
    for row, size in ((rows[4], len(lines[4].encode()) + 1), (rows[-1], 3_100)):
        assert row["problems"][0]["message"] == (
            f"is {size:,} bytes long; a row may have at most 2,900 bytes (--max-file-mb)"
        )
    monkeypatch.setattr(batch, "READ_SIZE", 97)
    monkeypatch.setattr(batch, "BYTES_PER_TASK", 1_000)
    progress: list[int] = []
    piecemeal = io.BytesIO()
    again = batch.score_file(
        rubric, source, piecemeal, limits=limits, progress=lambda done, rows: progress.append(done)
    )
    assert piecemeal.getvalue() == whole.getvalue()
    assert (again.scored, again.refused) == (summary.scored, summary.refused)
    assert len(progress) > 20 and progress[-1] == source.stat().st_size


def test_trace_lost_adds_each_rows_lost_rules(capsys, tmp_path, rubric):
    source = write_jsonl(tmp_path / "rows.jsonl", [{"id": "a", "indicators": SETS[0]}, SETS[1]])
    code, stdout, _ = run(capsys, "score", RUBRIC, "--batch", source, "--trace", "lost", "-j", 2)
    assert code == 0
    rows = [json.loads(line) for line in stdout.splitlines()]
    for row, data in zip(rows, SETS[:2], strict=True):
        expected = batch.figures(rubric.evaluate(data, trace="lost"))
        assert expected["losses"]  # the edge sets lose points
        assert row["losses"] == expected["losses"]
        assert {"where", "text", "points", "gave", "lost"} <= set(row["losses"][0])
    code, plain, _ = run(capsys, "score", RUBRIC, "--batch", source, "--trace", "none")
    assert code == 0 and "losses" not in plain
    assert [json.loads(line) for line in plain.splitlines()] == [
        {key: value for key, value in row.items() if key != "losses"} for row in rows
    ]
    code, _, err = run(capsys, "score", RUBRIC, "--batch", source, "--trace", "lost", "-o", "x.csv")
    assert code == 2 and "--trace lost writes JSON Lines" in err
    code, _, err = run(capsys, "score", RUBRIC, SAMPLE, "--trace", "lost")
    assert code == 2 and "--trace goes with --batch" in err
    help = subprocess.run(
        [sys.executable, "-m", "rubricdsl", "score", "--help"], capture_output=True, text=True
    ).stdout
    assert "--trace {none,lost}" in help and '"losses"' in " ".join(help.split())


def test_the_output_is_csv_or_jsonl_as_asked(capsys, tmp_path, rubric):
    source = write_jsonl(tmp_path / "rows.jsonl", [{"id": "a", "indicators": SETS[0]}, SETS[1]])
    code, stdout, _ = run(capsys, "score", RUBRIC, "--batch", source, "--format", "csv")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(stdout)))
    assert [row["id"] for row in table] == ["a", ""]
    expected = rubric.evaluate(SETS[0], trace="none")
    assert table[0]["total"] == fmt(expected.total)
    assert table[0]["item:13"] == fmt(expected.item("13").score)
    assert table[0]["error"] == ""
    code, stdout, _ = run(capsys, "score", RUBRIC, "--batch", source)  # as the input: jsonl
    assert json.loads(stdout.splitlines()[0])["id"] == "a"


# ---- CSV --------------------------------------------------------------------------------------


def cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "NA: " + value["not_applicable"]
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_csv_batch_with_bad_rows_scores_every_good_row(capsys, tmp_path, rubric):
    names = list(SETS[0])
    rows = [[f"d{i}", *(cell(SETS[i][n]) for n in names)] for i in range(6)]
    rows[1][names.index("quality_committee_dual_lead") + 1] = "maybe"
    rows[3] = rows[3][:10]
    rows[4][names.index("cqo_trained_pct") + 1] = ""
    source = write_csv(tmp_path / "rows.csv", ["id", *names], rows)
    out = tmp_path / "scores.csv"
    code, _, err = run(capsys, "score", RUBRIC, "--batch", source, "--out", out, "--lang", "en")
    assert code == 1
    table = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["row"] for row in table] == ["2", "3", "4", "5", "6", "7"]  # the header is 1
    errors = {row["row"]: row["error"] for row in table if row["error"]}
    assert errors == {
        "3": "quality_committee_dual_lead: 'maybe' is not a bool (write true or false)",
        "5": f"(row): has 10 cells; the header has {len(names) + 1}",
        "6": "cqo_trained_pct: missing (a percent)",
    }
    assert all(row["total"] == "" for row in table if row["error"])
    for row in table:
        if not row["error"]:
            expected = rubric.evaluate(SETS[int(row["row"]) - 2], trace="none")
            assert row["total"] == fmt(expected.total)
            assert row["failed_by_veto"] == ("false" if expected.passed_vetoes else "true")
            scores = [row[f"item:{item.id}"] for item in expected.items]
            assert scores == [fmt(item.score) for item in expected.items]
    assert "row 3 (d1):" in err and "row 5 (d3):" in err and "row 6 (d4):" in err
    assert "rows scored: 3, refused: 3," in err


def test_csv_conventions_score_the_sample_as_its_data_file(tmp_path):
    """Every convention of a CSV row, on the food-safety example (an enum, a series, bools,
    a group reported 合理缺项): the row scores as the YAML data file does."""
    food = rubricdsl.load(FOOD)
    data = rubricdsl.read_data(FOOD_DATA)
    expected = food.evaluate(data.indicators, {"抽检": "本年度未下达抽检任务"}, trace="none")
    names = [n for n in data.indicators if n != "complaints"]
    header = ["id", *names, "complaints[1]", "complaints[2]", "complaints[3]"]
    header.append("not_applicable:抽检")
    values = [cell(data.indicators[n]) for n in names]
    values = ["是" if v == "true" else "否" if v == "false" else v for v in values]
    row = ["示例县", *values, "120", "110", "115.0", "本年度未下达抽检任务"]
    source = write_csv(tmp_path / "food.csv", header, [row])
    out = tmp_path / "food.jsonl"
    summary = batch.score_file(food, source, out)
    assert (summary.scored, summary.refused) == (1, 0)
    (line,) = out.read_text(encoding="utf-8").splitlines()
    got = json.loads(line)
    assert got["id"] == "示例县"
    assert got["total"] == fmt(expected.total)
    assert got["items"] == {item.id: fmt(item.score) for item in expected.items}


def exact(value: object) -> object:
    """Values as the decimals they stand for (a float as its shortest repr), to compare."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: exact(v) for key, v in value.items()}
    if isinstance(value, list):
        return [exact(v) for v in value]
    return value


def test_csv_cells_read_as_their_indicators_kind():
    food = rubricdsl.load(FOOD)
    header = [*food.indicators, "id", ""]  # a column without a name is left out
    layout = batch.CsvLayout.read(food, header, "x.csv")
    cells = {n: "" for n in header}
    cells.update(
        leading_group="TRUE",
        major_incident="否",
        meetings="2",
        pass_rate="96.50",
        budget_wan="12345678901234.5678",
        complaints="3.1；2.7; 2.2",
        award="provincial",
        satisfaction="合理缺项：未开展调查",
        canteen_pct="NA",
        schools="1,234",
        id=" 甲县 ",
    )
    id, indicators, reported = layout.row([cells[n] for n in header])
    assert id == "甲县" and reported is None
    assert exact(indicators) == {
        "leading_group": True,
        "major_incident": False,
        "meetings": 2,
        "pass_rate": Decimal("96.5"),
        "budget_wan": Decimal("12345678901234.5678"),
        "complaints": [Decimal("3.1"), Decimal("2.7"), Decimal("2.2")],
        "award": "provincial",
        "satisfaction": {"not_applicable": "未开展调查"},
        "canteen_pct": {"not_applicable": ""},
        "schools": "1,234",
    }
    assert isinstance(indicators["budget_wan"], Decimal)  # 18 digits: never a float
    assert isinstance(indicators["meetings"], int)


CELL_TEXTS = [
    *("true", "false", "yes", "no", "是", "否", "TRUE", " true", "no ", "NA", "na: x", ""),
    *("12", "012", "+12", "-3", "123456789012345678", "1234567890123456789", "٣", "²"),
    *("95.5", "5.", ".5", ".", "1.2.3", "96.50", "99.9999999999999999", "1e5", "1_0", " 7"),
    *("1,234", "12 ", "合理缺项：未报", "\t3"),
]


@pytest.mark.parametrize("text", CELL_TEXTS)
def test_a_csv_row_reads_each_cell_as_the_cell_alone_reads(text):
    """CsvLayout.row reads the common cells its own quick way: the same values, of the same
    types, as _cell_value gives for every kind."""
    food = rubricdsl.load(FOOD)
    header = list(food.indicators)
    layout = batch.CsvLayout.read(food, header, "x.csv")
    _, indicators, _ = layout.row([text] * len(header))
    for column in layout.columns:
        alone = batch._cell_value(column, text)
        found = indicators.get(column.name, batch._MISSING)
        assert (type(found), found) == (type(alone), alone), (column.kind, text)
    kinds = {column.kind for column in layout.columns}
    assert {"bool", "count", "percent", "amount"} <= kinds


def test_a_csv_batch_writes_alike_the_quick_way_and_the_exact_way(tmp_path, rubric, monkeypatch):
    names = list(SETS[0])
    rows = [[cell(data[name]) for name in names] for data in SETS[:40]]
    rows[3][names.index("cqo_filed_pct")] = "140"
    rows[5][names.index("cqo_filed_pct")] = "99.9999999999999999"
    rows[7] = rows[7][:-1]
    source = write_csv(tmp_path / "rows.csv", names, rows)
    written = {}
    for way in ("quick", "exact"):
        if way == "exact":
            monkeypatch.setattr(batch, "_Quick", lambda *args: None)
        for format in ("csv", "jsonl"):
            out = io.BytesIO()
            summary = batch.score_file(rubric, source, out, output_format=format, jobs=2)
            assert (summary.scored, summary.refused) == (38, 2)
            written[way, format] = out.getvalue()
    assert written["quick", "csv"] == written["exact", "csv"]
    assert written["quick", "jsonl"] == written["exact", "jsonl"]


def test_a_csv_header_that_does_not_match_the_rubric_is_refused_whole(capsys, tmp_path):
    draft = rubricdsl.load(DRAFT)
    (derived,) = [name for name, spec in draft.indicators.items() if spec.derived]
    given = [name for name, spec in draft.indicators.items() if not spec.derived]
    header = [*given[1:], "comittee_meetings", derived, given[2], "not_applicable:99"]
    source = write_csv(tmp_path / "rows.csv", header, [[""] * len(header)])
    out = tmp_path / "out.csv"
    out.write_text("old\n", encoding="utf-8")
    code, _, err = run(capsys, "score", DRAFT, "--batch", source, "--out", out)
    assert code == 1
    assert "the header has 5 problems" in err
    assert f"no column for the indicator '{given[0]}'" in err
    assert "column 'comittee_meetings': unknown indicator" in err
    assert f"column '{derived}': is computed by the rubric" in err
    assert f"column '{given[2]}' is given twice" in err
    assert "column 'not_applicable:99': the rubric allows no such 合理缺项" in err
    assert out.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_a_row_over_the_limit_is_refused_and_skipped(capsys, tmp_path):
    """--max-file-mb bounds each row (and the rubric), not the batch file."""
    lines: list[object] = [SETS[0], {"id": "x" * 60_000, "indicators": SETS[1]}, SETS[2]]
    source = write_jsonl(tmp_path / "rows.jsonl", lines)
    code, out, err = run(capsys, "score", RUBRIC, "--batch", source, "--max-file-mb", "0.05")
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["row"] for row in rows] == [1, 2, 3]
    assert "a row may have at most 52,428 bytes" in rows[1]["problems"][0]["message"]
    assert "total" in rows[0] and "total" in rows[2]
    assert "rows scored: 2, refused: 1," in err


def test_two_jobs_write_what_one_writes(capsys, tmp_path):
    lines: list[object] = [SETS[i % 200] for i in range(1_000)]
    lines[600] = "[]"
    source = write_jsonl(tmp_path / "rows.jsonl", lines)
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"out-{jobs}.csv"
        code, _, err = run(capsys, "score", RUBRIC, "--batch", source, "-o", out, "-j", jobs)
        assert code == 1 and "rows scored: 999, refused: 1," in err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == 1_001


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--batch", "x.jsonl", "--plan", "p.yaml"], "--plan goes with one district's data"),
        (["--batch", "x.jsonl", "--format", "html"], "--batch writes csv or jsonl"),
        (["--jobs", "2", str(SAMPLE)], "--jobs goes with --batch"),
        (["--format", "csv", str(SAMPLE)], "--format csv goes with --batch"),
        ([str(SAMPLE), "--batch", "x.jsonl"], "--batch scores with one rubric"),
        ([], "the following arguments are required: DATA"),
        (["--batch", "x.jsonl", "--jobs", "0"], "not a number of processes"),
    ],
)
def test_options_that_do_not_go_together_are_usage_errors(capsys, argv, needle):
    code, _, err = run(capsys, "score", RUBRIC, *argv)
    assert code == 2
    assert needle in err


def test_a_batch_file_of_an_unknown_format_or_missing_is_refused(capsys, tmp_path):
    code, _, err = run(capsys, "score", RUBRIC, "--batch", tmp_path / "rows.txt")
    assert code == 1 and "name it .csv or .jsonl" in err
    code, _, err = run(capsys, "score", RUBRIC, "--batch", tmp_path / "rows.csv")
    assert code == 1 and "no such batch file" in err


def test_messages_about_rows_are_in_chinese_when_asked(capsys, tmp_path):
    source = write_jsonl(tmp_path / "rows.jsonl", [SETS[0], "not json"])
    code, _, err = run(capsys, "score", RUBRIC, "--batch", source, "--lang", "zh")
    assert code == 1
    assert "第 2 行" in err and "rows scored" not in err


# ---- an interrupted batch ---------------------------------------------------------------------


@pytest.mark.parametrize(("kill", "jobs"), [(signal.SIGTERM, 2), (signal.SIGKILL, 1)])
def test_an_interrupted_batch_leaves_the_previous_output_whole(tmp_path, kill, jobs):
    """The rows come through a pipe that a thread keeps writing, so the batch is surely midway
    (rows in its temporary file, more coming) when it is killed."""
    out = tmp_path / "scores.jsonl"
    out.write_bytes(b'{"row": 1, "total": "old"}\n')
    source = tmp_path / "rows.jsonl"
    os.mkfifo(source)
    command = [sys.executable, "-m", "rubricdsl", "score", str(RUBRIC), "--batch", str(source)]
    command += ["--out", str(out), "--jobs", str(jobs)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    stop = threading.Event()
    feeder = threading.Thread(target=feed, args=(source, stop, process), daemon=True)
    feeder.start()
    try:
        partial = wait_for_partial_output(tmp_path, process)
        assert partial.stat().st_size > 0
        process.send_signal(kill)
        process.wait(timeout=60)
    finally:
        stop.set()
        if process.poll() is None:
            process.kill()
            process.wait()
        if feeder.is_alive():  # still waiting for a reader to open the pipe: be one
            reader = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
            feeder.join(timeout=60)
            os.close(reader)
    assert out.read_bytes() == b'{"row": 1, "total": "old"}\n'
    if kill == signal.SIGTERM:  # ended as Ctrl-C ends it: the temporary file removed
        assert process.returncode == 130
        assert list(tmp_path.glob(".scores.jsonl.*")) == []
    else:  # nothing can clean up after SIGKILL: the temporary file stays, beside the output
        assert process.returncode == -signal.SIGKILL


def feed(source: Path, stop: threading.Event, process: subprocess.Popen[bytes]) -> None:
    """Rows into the pipe until told to stop or the reader is gone."""
    lines = [json.dumps(data) + "\n" for data in SETS]
    try:
        with source.open("w", encoding="utf-8") as rows:  # waits for the batch to open it
            for line in itertools.cycle(lines):
                if stop.is_set():
                    return
                rows.write(line)
    except (BrokenPipeError, OSError):
        return


def wait_for_partial_output(folder: Path, process: subprocess.Popen[bytes]) -> Path:
    """The batch's temporary output once rows are in it (polled; no time is asserted)."""
    while process.poll() is None:
        for partial in folder.glob(".scores.jsonl.*.part"):
            if partial.stat().st_size > 0:
                return partial
        time.sleep(0.05)
    raise AssertionError(f"the batch ended early: {process.stderr.read().decode()}")


# ---- docs/scale.md ----------------------------------------------------------------------------


def doc_block(mark: str) -> str:
    """The code block after `<!-- {mark} -->` in docs/scale.md."""
    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    after = text[text.index(f"<!-- {mark} -->") :]
    found = re.search(r"```[a-z]*\n(.*?)```", after, re.DOTALL)
    assert found is not None, mark
    return found.group(1)


def test_the_guide_shows_what_the_batch_command_writes(capsys, tmp_path, monkeypatch):
    (tmp_path / "districts.csv").write_text(doc_block("batch example: districts.csv"), "utf-8")
    monkeypatch.chdir(tmp_path)
    shown = doc_block("batch example: the command").splitlines()
    command = shown[0].removeprefix("$ rubricdsl ").split()
    command[1] = str(ROOT / command[1])  # the rubric, from the repository
    code, out, err = run(capsys, *command)
    assert code == 1 and out == ""
    rate = re.compile(r"in \S+ s \(\S+ rows/s\)")  # the time varies
    assert [rate.sub("", line) for line in err.splitlines()] == [
        rate.sub("", line) for line in shown[1:]
    ]
    written = (tmp_path / "scores.csv").read_text(encoding="utf-8")
    assert written == doc_block("batch example: scores.csv")


def test_the_guides_python_example_prints_what_it_shows(capsys, monkeypatch):
    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    after = text[text.index("<!-- python example: tests/test_batch.py runs it -->") :]
    program, shown = re.findall(r"```[a-z]*\n(.*?)```", after, re.DOTALL)[:2]
    monkeypatch.chdir(ROOT)
    exec(compile(program, "docs/scale.md", "exec"), {"__name__": "scale_example"})
    assert capsys.readouterr().out == shown


class _DiesOnThree:
    """A batch job whose worker process dies abruptly on task 3 (as one killed or out of
    memory does)."""

    def run(self, task: int) -> int:
        if task == 3:
            os._exit(9)
        return task


def test_a_worker_that_dies_stops_the_batch_with_an_error_rather_than_a_hang():
    from rubricdsl.batch import BatchError, _ordered_map

    # multiprocessing.Pool started another worker and waited for the lost task forever
    with pytest.raises(BatchError, match="a worker process ended abruptly"):
        list(_ordered_map(_DiesOnThree(), iter(range(10)), 2))
    assert list(_ordered_map(_DiesOnThree(), iter([1, 2, 4, 5, 6]), 2)) == [1, 2, 4, 5, 6]


def test_score_file_refuses_lost_rules_in_csv_rather_than_dropping_them(tmp_path):
    from rubricdsl.batch import score_file

    rubric = rubricdsl.load(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n", encoding="utf-8")
    with pytest.raises(rubricdsl.RubricArgumentError, match='output_format="jsonl"'):
        score_file(rubric, source, tmp_path / "out.csv", trace="lost")
    assert not (tmp_path / "out.csv").exists()


def test_a_batch_that_cannot_write_its_output_says_so_without_a_traceback(tmp_path, capsys):
    from rubricdsl.cli import main

    source = tmp_path / "rows.jsonl"
    source.write_text("{}\n", encoding="utf-8")
    rubric = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
    (tmp_path / "folder").mkdir()
    assert main(["score", rubric, "--batch", str(source), "-o", str(tmp_path / "folder")]) == 1
    said = capsys.readouterr().err
    assert "cannot write" in said and "folder" in said and "internal error" not in said
    assert sorted(path.name for path in tmp_path.iterdir()) == ["folder", "rows.jsonl"]  # no .part


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_a_number_past_what_a_decimal_holds_refuses_its_row(tmp_path, kind):
    from rubricdsl.batch import score_file

    rubric = rubricdsl.load(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
    names = list(rubric.indicators)
    if kind == "jsonl":
        text = '{"' + names[0] + '": 1e9999999999999999999}\n'
    else:
        text = ",".join(names) + "\n" + ",".join(["1e9999999999999999999"] * len(names)) + "\n"
    source = tmp_path / f"rows.{kind}"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / f"out.{kind}"
    summary = score_file(rubric, source, output)  # was an InvalidOperation from Decimal()
    assert (summary.scored, summary.refused) == (0, 1)
    assert "1e9999999999999999999" in output.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_a_bidi_control_in_an_id_is_written_as_an_escape(tmp_path, kind):
    from rubricdsl.batch import score_file

    rubric = rubricdsl.load(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
    source = tmp_path / "rows.jsonl"
    source.write_text('{"id": "甲\\u202e县", "indicators": {}}\n', encoding="utf-8")
    output = tmp_path / f"out.{kind}"
    score_file(rubric, source, output)
    written = output.read_text(encoding="utf-8")
    assert "\u202e" not in written and "甲\\u202e县" in written
