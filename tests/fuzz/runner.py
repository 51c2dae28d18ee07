"""Drive the fuzz targets with hypothesis for a time (or a number of inputs), isolate every
input, keep count of what happened, and save each new kind of failure as a regression case."""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.errors import HypothesisWarning

from . import replay
from .generators import STRATEGIES, Example, describe
from .isolate import run_isolated
from .targets import cli_target, data_target, rubric_target, warm_up

TARGETS: dict[str, Callable[..., str]] = {
    "data": data_target,
    "rubric": rubric_target,
    "cli": cli_target,
}
CHUNK = 200  # examples per hypothesis run; each run gets its own seed


class _TimeUpError(Exception):
    pass


@dataclass
class Failure:
    signature: str
    detail: str
    example: Example
    traceback: str = ""
    count: int = 0
    saved: Path | None = None


@dataclass
class Stats:
    target: str
    inputs: int = 0
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: dict[str, Failure] = field(default_factory=dict)

    @property
    def failing_inputs(self) -> int:
        return sum(f.count for f in self.failures.values())

    def summary(self) -> str:
        done = ", ".join(f"{k} {v}" for k, v in self.outcomes.most_common())
        head = f"{self.target}: {self.inputs} inputs in {self.seconds:.0f} s ({done or 'none'})"
        if not self.failures:
            return head + "; no failures"
        lines = [head + f"; {self.failing_inputs} failing inputs, {len(self.failures)} kinds:"]
        for failure in sorted(self.failures.values(), key=lambda f: -f.count):
            where = f" -> {failure.saved}" if failure.saved else ""
            lines.append(f"  {failure.count:6d} x {failure.signature}{where}")
            lines.append(f"           {failure.detail[:300]}")
            lines.append(f"           input: {describe(failure.example)}")
        return "\n".join(lines)


class Fuzzer:
    def __init__(
        self,
        *,
        save_dir: Path | None = None,
        timeout: float = 10.0,
        memory_mb: int = 1024,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.save_dir = save_dir
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.log = log or (lambda message: None)
        self.stats: dict[str, Stats] = {name: Stats(name) for name in TARGETS}
        warm_up()

    def check(self, example: Example) -> dict[str, Any]:
        return run_isolated(
            TARGETS[example.target],
            *example.args,
            timeout=self.timeout,
            memory_mb=self.memory_mb,
        )

    def record(self, example: Example, report: dict[str, Any]) -> None:
        stats = self.stats[example.target]
        stats.inputs += 1
        if report["status"] == "ok":
            stats.outcomes[report["outcome"]] += 1
            return
        stats.outcomes["FAILED"] += 1
        signature = f"{example.target}:{report['kind']}"
        failure = stats.failures.get(signature)
        if failure is None:
            failure = Failure(signature, report["detail"], example, report.get("traceback", ""))
            stats.failures[signature] = failure
            if self.save_dir is not None:
                failure.saved = replay.save(example, self.save_dir)
            self.log(f"NEW {signature}: {report['detail'][:200]}  [{describe(example)}]")
        failure.count += 1

    def run(
        self,
        target: str,
        *,
        seconds: float | None = None,
        examples: int | None = None,
        seed_value: int = 0,
    ) -> Stats:
        """Fuzz one target until `seconds` have passed or `examples` inputs were tried."""
        stats = self.stats[target]
        start = time.monotonic()
        deadline = start + seconds if seconds is not None else float("inf")
        wanted = examples if examples is not None else float("inf")
        first = stats.inputs
        strategy = STRATEGIES[target]()
        chunk_number = 0
        try:
            while time.monotonic() < deadline and stats.inputs - first < wanted:
                size = int(min(CHUNK, wanted - (stats.inputs - first)))
                self._chunk(strategy, size, seed_value * 1_000_003 + chunk_number, deadline)
                chunk_number += 1
        finally:
            stats.seconds += time.monotonic() - start
        return stats

    def _chunk(self, strategy: Any, size: int, seed_value: int, deadline: float) -> None:
        @settings(
            max_examples=size,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            report_multiple_bugs=False,
        )
        @seed(seed_value)
        @given(strategy)
        def one(example: Example) -> None:
            if time.monotonic() >= deadline:
                raise _TimeUpError
            self.record(example, self.check(example))

        with warnings.catch_warnings():
            # stopping a run (_TimeUpError) makes hypothesis describe the example it stopped on
            warnings.simplefilter("ignore", HypothesisWarning)
            try:
                one()
            except _TimeUpError:
                pass

    # ---- making a saved failure small ----------------------------------------------------------

    def shrink(self, failure: Failure, budget: float) -> None:
        """Cut lines (then characters) from a failing text while it fails the same way."""
        example = failure.example
        if example.target == "cli" or not isinstance(example.args[0], str):
            return
        if failure.signature.split(":", 1)[1] in (
            "timeout",
            "child-died",
        ) or failure.signature.split(":", 1)[1].startswith("killed"):
            return
        end = time.monotonic() + budget
        signature = failure.signature

        def still_fails(text: str) -> bool:
            candidate = Example(example.target, (text, *example.args[1:]), example.origin)
            report = self.check(candidate)
            return report["status"] == "fail" and f"{example.target}:{report['kind']}" == signature

        text = example.args[0]
        for separator in ("\n", None):
            parts = text.split("\n") if separator else list(text)
            if separator is None and len(parts) > 2000:
                break
            joiner = "\n" if separator else ""
            size = max(len(parts) // 2, 1)
            while size >= 1 and time.monotonic() < end:
                index = 0
                while index < len(parts) and time.monotonic() < end:
                    candidate = parts[:index] + parts[index + size :]
                    if candidate and still_fails(joiner.join(candidate)):
                        parts = candidate
                    else:
                        index += size
                size //= 2
            text = joiner.join(parts)
        if text != example.args[0]:
            smaller = Example(example.target, (text, *example.args[1:]), example.origin)
            if self.save_dir is not None:
                if failure.saved is not None and failure.saved.exists():
                    failure.saved.unlink()
                failure.saved = replay.save(smaller, self.save_dir)
            failure.example = smaller


def final_line(stats: dict[str, Stats], targets: list[str]) -> str:
    counts = ", ".join(f"{t} {stats[t].inputs} inputs" for t in targets)
    failing = sum(stats[t].failing_inputs for t in targets)
    kinds = sum(len(stats[t].failures) for t in targets)
    tail = f"{failing} failures" if not failing else f"{failing} failures ({kinds} kinds)"
    return f"fuzz: {counts}; {tail}"
