"""`python -m tests.fuzz --minutes N [--target data|rubric|cli|all] [--seed S]`."""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

from . import replay
from .isolate import run_isolated
from .runner import TARGETS, Fuzzer, final_line


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz",
        description="Fuzz rubricdsl's data files, rubric texts and CLI against the contract.",
    )
    parser.add_argument("--minutes", type=float, default=1.0, help="total time (default 1)")
    parser.add_argument("--target", choices=(*TARGETS, "all"), default="all")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument(
        "--save-dir",
        type=Path,
        default=replay.FOLDER,
        help="where failing inputs are saved (default tests/fuzz/regressions)",
    )
    parser.add_argument("--no-save", action="store_true", help="save nothing")
    parser.add_argument("--no-shrink", action="store_true", help="save failing inputs as found")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input")
    parser.add_argument("--memory-mb", type=int, default=1024, help="memory per input")
    parser.add_argument(
        "--replay", action="store_true", help="only replay the regression cases, then exit"
    )
    return parser.parse_args(argv)


def _replay(timeout: float, memory_mb: int) -> int:
    from .hostile import GENERATED
    from .targets import warm_up

    warm_up()
    cases = [(p.name, replay.checks_for_file(p)) for p in replay.regression_files()]
    cases += [(f"generated:{n}", replay.checks_for_generated(n)) for n in GENERATED]
    failed = 0
    for name, checks in cases:
        problems = []
        for label, check, args in checks:
            report = run_isolated(check, *args, timeout=timeout, memory_mb=memory_mb)
            if report["status"] != "ok":
                problems.append(f"{label}: {report['kind']}: {report['detail'][:160]}")
        failed += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} {name}")
        for problem in problems:
            print(f"       {problem}")
    print(f"replay: {len(cases)} cases, {failed} failing")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    if arguments.replay:
        return _replay(arguments.timeout, arguments.memory_mb)
    seed = arguments.seed if arguments.seed is not None else random.randrange(1_000_000)
    targets = list(TARGETS) if arguments.target == "all" else [arguments.target]
    total = arguments.minutes * 60
    shrink_budget = 0.0 if arguments.no_shrink else min(120.0, total * 0.1)
    fuzz_seconds = total - shrink_budget
    save_dir = None if arguments.no_save else arguments.save_dir
    print(
        f"fuzz: {', '.join(targets)} for {arguments.minutes:g} min, seed {seed}, "
        f"saving failures to {save_dir or 'nowhere'}",
        flush=True,
    )
    fuzzer = Fuzzer(
        save_dir=save_dir,
        timeout=arguments.timeout,
        memory_mb=arguments.memory_mb,
        log=lambda message: print(f"  {message}", flush=True),
    )
    # Round robin in slices of at most a minute, so that every target gets its share even if
    # the run is cut short.
    end = time.monotonic() + fuzz_seconds
    rounds = max(1, math.ceil(fuzz_seconds / (60.0 * len(targets))))
    slice_seconds = fuzz_seconds / (rounds * len(targets))
    round_number = 0
    while time.monotonic() < end - 1:
        for target in targets:
            left = end - time.monotonic()
            if left <= 1:
                break
            fuzzer.run(target, seconds=min(slice_seconds, left), seed_value=seed + round_number)
        round_number += 1
        done = ", ".join(f"{t} {fuzzer.stats[t].inputs}" for t in targets)
        print(f"  ... {done} inputs so far", flush=True)
    failures = [f for t in targets for f in fuzzer.stats[t].failures.values()]
    if failures and shrink_budget:
        print(f"shrinking {len(failures)} failing inputs ({shrink_budget:.0f} s)...", flush=True)
        for failure in failures:
            fuzzer.shrink(failure, shrink_budget / len(failures))
    for target in targets:
        print(fuzzer.stats[target].summary())
    print(final_line(fuzzer.stats, targets))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
