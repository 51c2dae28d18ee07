"""The fuzzers, briefly, in the test suite; and every regression case, replayed.

Each target runs a fixed number of hypothesis examples from a fixed seed (deterministic for
a given hypothesis version), every input in a forked child under a time and memory limit.
The long run is `python -m tests.fuzz --minutes 10` (see tests/fuzz/README.md).
"""

from __future__ import annotations

import pytest

from .contract import FORBIDDEN, ContractError, check_clean, strict_json
from .generators import describe
from .hostile import GENERATED
from .isolate import run_isolated
from .replay import FOLDER, checks_for_file, checks_for_generated, regression_files
from .runner import Fuzzer
from .targets import cli_target, data_target, rubric_target

# Examples per target: about 25 s in all on two slow cores, when nothing fails.
EXAMPLES = {"data": 250, "rubric": 150, "cli": 60}
SECONDS = 20  # per target at most, so that a run full of hangs still ends
SEED = 20_250_501
CASE_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def fuzzer():
    return Fuzzer(save_dir=None, timeout=5.0)


@pytest.mark.parametrize("target", list(EXAMPLES))
def test_fuzz(fuzzer, target):
    stats = fuzzer.run(target, examples=EXAMPLES[target], seconds=SECONDS, seed_value=SEED)
    assert stats.inputs > 0
    report = [
        f"{f.count} x {f.signature}\n    {f.detail[:400]}\n    input: {describe(f.example)}"
        + (f"\n{f.traceback}" if f.traceback else "")
        for f in stats.failures.values()
    ]
    assert not stats.failures, f"{stats.summary()}\n\n" + "\n\n".join(report)


def _replay(checks):
    problems = []
    for label, check, args in checks:
        report = run_isolated(check, *args, timeout=CASE_TIMEOUT)
        if report["status"] != "ok":
            problems.append(f"{label}: {report['kind']}: {report['detail'][:600]}")
            if report.get("traceback"):
                problems.append(report["traceback"])
    return problems


@pytest.mark.parametrize("path", regression_files(), ids=lambda p: p.name)
def test_regression(fuzzer, path):
    checks = checks_for_file(path)
    assert checks, f"{path.name}: no checks for this kind of file"
    problems = _replay(checks)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_regression(fuzzer, name):
    problems = _replay(checks_for_generated(name))
    assert not problems, f"{name}:\n" + "\n".join(problems)


def test_regression_files_are_small():
    """Big inputs are made in code (hostile.py): the files stay reviewable."""
    assert regression_files(), f"no regression cases in {FOLDER}"
    big = [p.name for p in regression_files() if p.stat().st_size >= 100_000]
    assert not big, big


# ---- the fuzzers' own checks catch what they must ---------------------------------------------


@pytest.mark.parametrize(
    "bad", ["\x1b[2J", "a\tb", "\r", "\x7f", "\x9b", "\u202e", "\u2028", "\ud800"]
)
def test_contract_refuses_raw_controls(bad):
    with pytest.raises(ContractError):
        check_clean(f"ok {bad} ok", "test")


def test_contract_allows_newlines_and_cjk():
    check_clean("瑶海区 › 质量\n  total 74.49 / 110\n", "test")
    assert not FORBIDDEN.search("\n")


@pytest.mark.parametrize("document", ['{"a": NaN}', '{"a": -Infinity}', "[1,", '{"a": 1} x'])
def test_contract_refuses_non_strict_json(document):
    with pytest.raises(ContractError):
        strict_json(document, "test")


def test_targets_accept_the_sample(fuzzer):
    from .generators import RUBRIC_TEXT, SAMPLE_JSON, SAMPLE_TEXT
    from .targets import CliCase

    assert run_isolated(data_target, SAMPLE_TEXT, ".yaml") == {"status": "ok", "outcome": "scored"}
    assert run_isolated(data_target, SAMPLE_JSON, ".json")["outcome"] == "scored"
    assert run_isolated(rubric_target, RUBRIC_TEXT)["outcome"] == "scored"
    case = CliCase(SAMPLE_TEXT.encode(), output_format="json")
    assert run_isolated(cli_target, case) == {"status": "ok", "outcome": "exit-0"}
