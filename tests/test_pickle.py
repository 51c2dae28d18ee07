"""A compiled Rubric pickles, to be sent to worker processes: it travels as its source text, source
name and limits and is compiled again on unpickling, so the copy equals the original (`==` compares
the checked model, its warnings and the evaluation tree) and scores every district the same, in
this process and in another."""

from __future__ import annotations

import copy
import json
import multiprocessing
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import rubricdsl
from rubricdsl import Limits, Rubric

ROOT = Path(__file__).resolve().parent.parent
RUBRIC_2020 = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
SIX_ONES = ROOT / "rubrics" / "2020" / "anhui-six-ones.rubric"
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"


def _sample() -> rubricdsl.DataFile:
    return rubricdsl.read_data(SAMPLE)


def _score(rubric: Rubric, data: rubricdsl.DataFile) -> dict[str, Any]:
    """What a worker sends back: the result as data (a module-level function, so that it can be
    sent to a worker process)."""
    return rubric.evaluate(data.indicators, data.not_applicable).to_dict()


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_the_2020_rubric_round_trips_to_an_equal_rubric(protocol: int) -> None:
    rubric = rubricdsl.load(RUBRIC_2020)
    copied = pickle.loads(pickle.dumps(rubric, protocol=protocol))
    assert copied == rubric
    assert copied is not rubric and copied.tree is not rubric.tree  # compiled again
    assert (copied.title, copied.year, copied.source_name) == (
        rubric.title,
        rubric.year,
        rubric.source_name,
    )
    assert copied.indicators == rubric.indicators
    assert copied.reportable == rubric.reportable
    assert copied.warnings == rubric.warnings and copied.warnings  # the table has warnings
    assert copied.text == rubric.text == RUBRIC_2020.read_text(encoding="utf-8")


def test_the_copy_scores_the_sample_as_the_original() -> None:
    rubric = rubricdsl.load(RUBRIC_2020)
    copied = pickle.loads(pickle.dumps(rubric))
    data = _sample()
    original = rubric.evaluate(data.indicators, data.not_applicable)
    again = copied.evaluate(data.indicators, data.not_applicable)
    assert again == original
    assert again.to_dict() == original.to_dict()
    assert again.total == original.total


def test_every_rubric_of_the_repository_round_trips() -> None:
    for path in [RUBRIC_2020, SIX_ONES, *sorted((ROOT / "examples").rglob("*.rubric"))]:
        rubric = rubricdsl.load(path)
        assert pickle.loads(pickle.dumps(rubric)) == rubric, path


def test_copy_and_deepcopy_give_equal_rubrics() -> None:
    rubric = rubricdsl.load(SIX_ONES)
    assert copy.copy(rubric) == rubric
    assert copy.deepcopy(rubric) == rubric


def test_the_limits_travel_with_the_rubric() -> None:
    limits = Limits(max_file_bytes=2 * 1024 * 1024, max_problems=7)
    rubric = rubricdsl.loads(SIX_ONES.read_text(encoding="utf-8"), "six-ones", limits)
    copied = pickle.loads(pickle.dumps(rubric))
    assert copied.limits == limits
    assert copied.source_name == "six-ones"
    assert copied == rubric


def test_a_rubric_made_by_hand_says_why_it_does_not_pickle() -> None:
    rubric = rubricdsl.load(SIX_ONES)
    by_hand = Rubric(rubric.checked, rubric.tree)
    assert by_hand == rubric  # the source text is no part of equality
    with pytest.raises(TypeError, match="without its source text"):
        pickle.dumps(by_hand)


def test_unpickled_in_another_process_it_scores_the_sample_the_same(tmp_path: Path) -> None:
    rubric = rubricdsl.load(RUBRIC_2020)
    data = _sample()
    pickled = tmp_path / "rubric.pickle"
    pickled.write_bytes(pickle.dumps(rubric))
    program = (
        "import json, pickle, sys\n"
        "import rubricdsl\n"
        "rubric = pickle.loads(open(sys.argv[1], 'rb').read())\n"
        "data = rubricdsl.read_data(sys.argv[2])\n"
        "result = rubric.evaluate(data.indicators, data.not_applicable)\n"
        "print(json.dumps(result.to_dict(), ensure_ascii=False))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", program, str(pickled), str(SAMPLE)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == json.loads(json.dumps(_score(rubric, data)))


def test_a_worker_process_scores_the_sample_the_same() -> None:
    rubric = rubricdsl.load(RUBRIC_2020)
    data = _sample()
    # spawn: a new interpreter, which gets the rubric only by unpickling it
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        in_worker = pool.submit(_score, rubric, data).result(timeout=120)
    assert in_worker == _score(rubric, data)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_result_round_trips_to_an_equal_result(protocol: int) -> None:
    from rubricdsl.datafile import read_data

    rubric = rubricdsl.load(ROOT / "examples" / "rubrics" / "2021-draft.rubric")
    data = read_data(ROOT / "examples" / "rubrics" / "yaohai-2021-draft.yaml").indicators
    result = rubric.evaluate(data, evidence={"spot_checked_firms": ["抽查台账.xlsx"]})
    copy_ = pickle.loads(pickle.dumps(result, protocol=protocol))
    assert copy_ == result
    assert copy_.to_dict() == result.to_dict()
    assert copy_.derived == result.derived and copy_.evidence == result.evidence
    assert copy_.item("14").score == result.item("14").score


def test_a_result_finds_an_item_by_its_id() -> None:
    from rubricdsl.datafile import read_data

    rubric = rubricdsl.load(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
    result = rubric.evaluate(read_data(ROOT / "examples" / "yaohai-2021.yaml").indicators)
    assert [result.item(item.id) for item in result.items] == list(result.items)
    assert result.items is result.items  # made once
    with pytest.raises(KeyError):
        result.item("31")
