"""How fast rubricdsl scores the 2020 table, against hand-written scorers (issue 9, item 8).

    .venv/bin/python benchmarks/bench_eval.py [--quick] [--rounds N] [--sets N] [--runs N]
                                              [--batch-sets N]

In one process, in interleaved rounds, it times the same edge-weighted indicator sets through
`Rubric.evaluate` (at each trace level once `evaluate(..., trace=...)` exists), the plain
scorer (benchmarks/plain_2020.py) and its Decimal form (benchmarks/decimal_2020.py), after
checking that all of them give the same figures; then the memory one `Result` keeps alive,
start-up in fresh processes (import and the first load, with the parser cache cold and warm;
the CLI's whole process against bare Python) and batch throughput with 1 and 2 jobs. It prints
one table, each figure with its target from issue 9. See docs/performance.md."""

from __future__ import annotations

import argparse
import collections
import datetime
import gc
import inspect
import json
import multiprocessing
import os
import pickle
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: benchmarks/ is sys.path[0], not the root
    sys.path.insert(0, str(ROOT))

import rubricdsl  # noqa: E402
from benchmarks import decimal_2020, plain_2020, table_2020  # noqa: E402

TRACE_LEVELS = ("none", "lost", "full")
# issue 9's targets, as ratios to the plain scorer
RATIO_TARGETS = {"none": 1.0, "lost": 1.5, "full": 1.5}
RESULT_TARGET_KB = 10
IMPORT_TARGET_MS = 50
LOAD_TARGET_MS = 15
CLI_TARGET_MS = 150
BATCH_TARGET = 40_000  # indicator sets per second, --jobs 2, trace="none"


def say(message: str) -> None:
    """Progress, on stderr: the table alone goes to stdout."""
    print(message, file=sys.stderr, flush=True)


# ---- the rows of the table -------------------------------------------------------------------


class Table:
    """Sections of rows: a figure, its value, its ratio to the plain scorer, the target, and
    whether the target is met."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def section(self, title: str) -> None:
        self.rows.append((title,))

    def row(
        self, label: str, value: str, ratio: str = "", target: str = "", met: bool | None = None
    ) -> None:
        verdict = "" if met is None else ("met" if met else "NOT met")
        self.rows.append(("  " + label, value, ratio, target, verdict))

    def note(self, text: str) -> None:
        self.rows.append(("    " + text,))

    def render(self) -> str:
        full = [r for r in self.rows if len(r) > 1]
        widths = [max(len(r[i]) for r in full) for i in range(5)]
        lines = []
        for r in self.rows:
            if len(r) == 1:
                lines.append(r[0])
            else:
                cells = [r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].rjust(widths[2])]
                cells += [r[3].ljust(widths[3]), r[4]]
                lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)


def micro(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:,.2f} ms"


def milli(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


# ---- checking that the scorers agree ---------------------------------------------------------


def trace_levels() -> tuple[str, ...]:
    """The trace levels `Rubric.evaluate` takes; () while it has no `trace` parameter."""
    if "trace" in inspect.signature(rubricdsl.Rubric.evaluate).parameters:
        return TRACE_LEVELS
    return ()


def figures_of(result: Any) -> dict[str, Decimal]:
    """What a result of any trace level has of rubricdsl's figures (a result without the trace
    may lack the items and categories)."""
    try:
        return table_2020.result_figures(result)
    except (AttributeError, TypeError):
        return {
            name: getattr(result, name)
            for name in ("base_raw", "na_points", "base", "bonus", "total")
            if hasattr(result, name)
        }


def check_agreement(
    rubric: rubricdsl.Rubric, sets: Sequence[Mapping[str, Any]], levels: Sequence[str]
) -> list[str]:
    """Every set through every scorer: the problems found (none when all agree)."""
    sample = rubricdsl.read_data(ROOT / table_2020.SAMPLE).indicators
    named = [(f"set #{i}", s) for i, s in enumerate(sets)] + [(table_2020.SAMPLE, sample)]
    problems: list[str] = []
    for where, data in named:
        want = table_2020.result_figures(rubric.evaluate(data))
        found = {
            "plain_2020": plain_2020.figures(plain_2020.score(data)),
            "decimal_2020": decimal_2020.figures(decimal_2020.score(data)),
        }
        for level in levels:
            got = figures_of(rubric.evaluate(data, trace=level))  # type: ignore[call-arg]
            if "total" not in got:
                problems.append(f"trace={level}: its result has no total to compare")
            found[f"rubricdsl trace={level}"] = got
        for scorer, figures in found.items():
            # a result without the trace is compared on the figures it has
            expected = {k: v for k, v in want.items() if k in figures or "trace=" not in scorer}
            wrong = table_2020.differences(expected, figures)
            if wrong:
                shown = json.dumps(data, ensure_ascii=False, default=str)
                problems.append(
                    f"{scorer} disagrees with rubricdsl on {where}: " + "; ".join(wrong[:8])
                )
                problems.append(f"  the set: {shown}")
        if len(problems) > 10:
            break
    return problems


# ---- timing evaluation -----------------------------------------------------------------------


def timed_pass(score: Callable[[Any], Any], sets: Sequence[Any]) -> float:
    """Seconds per set, over one pass through the sets."""
    clock = time.perf_counter
    start = clock()
    for data in sets:
        score(data)
    return (clock() - start) / len(sets)


def keeping(score: Callable[[Any], Any], count: int, sets: Sequence[Any]) -> Callable[[Any], Any]:
    """`score`, keeping the last `count` results alive (as a tool holding results does)."""
    alive: collections.deque[Any] = collections.deque(maxlen=count)
    while len(alive) < count:
        alive.extend(score(s) for s in sets[: count - len(alive)])
    return lambda data: alive.append(score(data))


def time_scorers(
    scorers: dict[str, Callable[[Any], Any]], sets: Sequence[Any], rounds: int
) -> dict[str, list[float]]:
    """Interleaved rounds: each round times every scorer once on all the sets, in an order
    shuffled per round (fixed seed), so that drift of a noisy machine falls on all alike."""
    order = list(scorers)
    times: dict[str, list[float]] = {name: [] for name in order}
    for name in order:  # warm up
        timed_pass(scorers[name], sets[:20])
    shuffle = random.Random(9)
    for done in range(rounds):
        shuffle.shuffle(order)
        for name in order:
            gc.collect()
            times[name].append(timed_pass(scorers[name], sets))
        say(f"  round {done + 1}/{rounds}")
    return times


def result_size(score: Callable[[Any], Any], sets: Sequence[Any], count: int) -> float:
    """Bytes that one result keeps alive: `count` results kept, traced by tracemalloc, averaged."""
    for data in sets[:5]:
        score(data)  # warm any cache first
    kept: list[Any] = []
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept.extend(score(sets[i % len(sets)]) for i in range(count))
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before - sys.getsizeof(kept)) / count


# ---- start-up, in fresh processes ------------------------------------------------------------

PROBE = """\
import time
t0 = time.perf_counter()
import rubricdsl
t1 = time.perf_counter()
rubricdsl.load({path!r})
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("rubricdsl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "rubricdsl"]


def isolated_env(cache: Path) -> dict[str, str]:
    """The environment with its own, empty, cache folders: a parser cache kept in the user's
    cache folder (XDG_CACHE_HOME), in the temporary folder (TMPDIR, as Lark's `cache=True`
    does) or where RUBRICDSL_CACHE_DIR says starts cold there, and the user's own caches are
    left alone."""
    (cache / "xdg").mkdir(parents=True, exist_ok=True)
    (cache / "tmp").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(cache / "xdg")
    env["TMPDIR"] = str(cache / "tmp")
    env["RUBRICDSL_CACHE_DIR"] = str(cache / "xdg" / "rubricdsl")  # should one be honoured
    return env


def wall(command: Sequence[str], env: Mapping[str, str] | None = None) -> float:
    """Seconds the whole process takes, from start to exit."""
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def probe(env: Mapping[str, str]) -> tuple[float, float]:
    """(import, first load) seconds, measured inside a fresh process."""
    code = PROBE.format(path=str(ROOT / table_2020.RUBRIC))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def startup(runs: int, table: Table) -> None:
    """Fresh processes, in interleaved runs (bare Python, cold, warm, the CLI, then again), so
    that a busy machine's drift falls on all alike."""
    say("start-up: fresh processes …")
    bare: list[float] = []
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    cli: list[float] = []
    command = [*cli_command(), "score", table_2020.RUBRIC, table_2020.SAMPLE]
    with tempfile.TemporaryDirectory(prefix="rubricdsl-bench-") as scratch:
        base = Path(scratch)
        warm_env = isolated_env(base / "warm")
        probe(warm_env)  # the first ever there: fills the cache, if there is one
        wall(command, warm_env)
        for i in range(runs):
            bare.append(wall([sys.executable, "-c", "pass"]))
            cold.append(probe(isolated_env(base / f"cold{i}")))
            warm.append(probe(warm_env))
            cli.append(wall(command, warm_env))
        written = sorted(
            (p.relative_to(base / "cold0"), p.stat().st_size)
            for p in (base / "cold0").rglob("*")
            if p.is_file()
        )

    def shown(times: Sequence[float]) -> str:
        return f"{milli(statistics.median(times))} ({milli(min(times))})"

    import_warm = statistics.median(w[0] for w in warm)
    load_warm = statistics.median(w[1] for w in warm)
    over = statistics.median(cli) - statistics.median(bare)
    table.section(f"start-up, fresh processes (median of {runs}; fastest in brackets)")
    table.row("python -c pass (whole process)", shown(bare))
    table.row("import rubricdsl, parser cache cold", shown([c[0] for c in cold]))
    table.row(
        "import rubricdsl, parser cache warm",
        shown([w[0] for w in warm]),
        target=f"≤ {IMPORT_TARGET_MS} ms",
        met=import_warm * 1e3 <= IMPORT_TARGET_MS,
    )
    table.row("first load of the 2020 table, cold", shown([c[1] for c in cold]))
    table.row(
        "first load of the 2020 table, warm",
        shown([w[1] for w in warm]),
        target=f"≤ {LOAD_TARGET_MS} ms",
        met=load_warm * 1e3 <= LOAD_TARGET_MS,
    )
    table.row("rubricdsl score <2020 table> <sample>", shown(cli))
    table.row(
        "  … over bare python (medians)",
        milli(over),
        target=f"≤ {CLI_TARGET_MS} ms",
        met=over * 1e3 <= CLI_TARGET_MS,
    )
    if written:
        size = sum(size for _, size in written)
        names = ", ".join(str(name) for name, _ in written[:3])
        table.note(f"cache files the first run wrote: {len(written)}, {size:,} bytes: {names}")
    else:
        table.note("no cache file written (XDG_CACHE_HOME and TMPDIR): cold and warm alike")
    table.note("cold: fresh XDG_CACHE_HOME and TMPDIR; Python's own .pyc files are warm")


# ---- batch throughput ------------------------------------------------------------------------

_worker_rubric: Any = None
_worker_trace: dict[str, str] = {}


def _worker_start(shipped: bytes | str, trace: dict[str, str]) -> None:
    """A pool worker's start: the compiled rubric unpickled, or loaded from its path."""
    global _worker_rubric, _worker_trace
    if isinstance(shipped, bytes):
        _worker_rubric = pickle.loads(shipped)
    else:
        _worker_rubric = rubricdsl.load(shipped)
    _worker_trace = trace


def _worker_score(chunk: list[dict[str, Any]]) -> int:
    for data in chunk:
        _worker_rubric.evaluate(data, **_worker_trace)
    return len(chunk)


def chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stream(sets: Sequence[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield sets[i % len(sets)]


def cli_batch_options() -> set[str]:
    """The options of `rubricdsl score` (its --help), to see if --batch and --jobs exist."""
    done = subprocess.run(
        [*cli_command(), "score", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    return {word.strip(",[]") for word in done.stdout.split() if word.startswith("--")}


def batch_by_cli(
    sets: Sequence[dict[str, Any]], count: int, jobs: int, options: set[str]
) -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix="rubricdsl-batch-") as scratch:
        source = Path(scratch) / "sets.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for data in stream(sets, count):
                out.write(json.dumps(data, ensure_ascii=False) + "\n")
        command = [*cli_command(), "score", table_2020.RUBRIC, "--batch", str(source)]
        command += ["--jobs", str(jobs)] if "--jobs" in options else []
        command += ["--trace", "none"] if "--trace" in options else []
        out = str(Path(scratch) / "out.jsonl")
        command += ["--output", out] if "--output" in options else []
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        took = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[:300]}")
    return count / took, "rubricdsl score --batch (JSON Lines; whole process)"


def batch_in_process(
    rubric: rubricdsl.Rubric, sets: Sequence[dict[str, Any]], count: int, trace: dict[str, str]
) -> tuple[float, str]:
    start = time.perf_counter()
    if hasattr(rubric, "evaluate_many"):
        parameters = inspect.signature(rubric.evaluate_many).parameters
        options = dict(trace) if "trace" in parameters else {}
        if "jobs" in parameters:
            options["jobs"] = 1
        done = sum(1 for _ in rubric.evaluate_many(stream(sets, count), **options))
        how = "Rubric.evaluate_many, in process"
    else:
        done = 0
        for data in stream(sets, count):
            rubric.evaluate(data, **trace)
            done += 1
        how = "a loop of Rubric.evaluate, in process (no evaluate_many yet)"
    return done / (time.perf_counter() - start), how


def batch_by_pool(
    rubric: rubricdsl.Rubric,
    sets: Sequence[dict[str, Any]],
    count: int,
    jobs: int,
    trace: dict[str, str],
) -> tuple[float, str]:
    try:
        shipped: bytes | str = pickle.dumps(rubric)
        pickle.loads(shipped)
        how = "the compiled Rubric pickled to each worker"
    except Exception as error:
        shipped = str(ROOT / table_2020.RUBRIC)
        how = f"each worker loads the rubric: a Rubric does not pickle ({type(error).__name__})"
    method = multiprocessing.get_start_method()
    start = time.perf_counter()
    with multiprocessing.Pool(jobs, _worker_start, (shipped, trace)) as pool:
        done = sum(pool.imap_unordered(_worker_score, chunks(stream(sets, count), 250)))
    took = time.perf_counter() - start
    return done / took, f"multiprocessing.Pool ({method}), {how}"


def batch(
    rubric: rubricdsl.Rubric, sets: Sequence[dict[str, Any]], count: int, table: Table
) -> None:
    trace = {"trace": "none"} if trace_levels() else {}
    level = "none" if trace else "full (the only level today)"
    say(f"batch: {count:,} sets, 1 and 2 jobs …")
    options = cli_batch_options()
    table.section(f"batch throughput ({count:,} sets, trace={level})")
    for jobs in (1, 2):
        rate, how = 0.0, ""
        if "--batch" in options:
            try:
                rate, how = batch_by_cli(sets, count, jobs, options)
            except Exception as error:
                table.note(f"rubricdsl score --batch --jobs {jobs} failed: {error}")
        if not how and jobs == 1:
            rate, how = batch_in_process(rubric, sets, count, trace)
        elif not how:
            rate, how = batch_by_pool(rubric, sets, count, jobs, trace)
        target = f"≥ {BATCH_TARGET:,}/s (trace=none)" if jobs == 2 else ""
        met = rate >= BATCH_TARGET if jobs == 2 else None
        table.row(f"{jobs} job{'s' if jobs > 1 else ''}", f"{rate:,.0f} sets/s", "", target, met)
        table.note(f"by {how}")


# ---- the whole benchmark ---------------------------------------------------------------------


def machine() -> str:
    """The date, the machine and the code measured (the commit, and whether src/ differs)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "grammars"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if rev and changed:
            rev += ", with src/ changed since"
    except OSError:
        rev = ""
    return (
        f"{datetime.date.today()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"rubricdsl {rubricdsl.__version__}" + (f" (git {rev})" if rev else "")
    )


def evaluation(
    rubric: rubricdsl.Rubric, sets: Sequence[Any], rounds: int, levels: Sequence[str], table: Table
) -> None:
    scorers: dict[str, Callable[[Any], Any]] = {
        "plain": plain_2020.score,
        "decimal": decimal_2020.score,
    }
    for level in levels:
        scorers[f"trace={level}"] = lambda data, level=level: rubric.evaluate(data, trace=level)
    if levels:  # what reading the trace costs, where it is made when first read
        scorers["lost read"] = lambda data: rubric.evaluate(data, trace="lost").losses
        scorers["full read"] = lambda data: rubric.evaluate(data).items
    if not levels:
        scorers["evaluate"] = rubric.evaluate
    full = f"trace={levels[-1]}" if levels else "evaluate"
    scorers["kept"] = keeping(scorers[full], 2000, sets)
    say(f"evaluation: {len(sets)} sets, {rounds} interleaved rounds …")
    times = time_scorers(scorers, sets, rounds)
    median = {name: statistics.median(t) for name, t in times.items()}
    plain = median["plain"]

    def ratio(name: str) -> str:
        return f"{median[name] / plain:,.2f}× plain"

    table.section(
        f"evaluation of the 2020 table, per indicator set (median of {rounds} interleaved "
        f"rounds × {len(sets)} sets; fastest round in brackets)"
    )

    def shown(name: str) -> str:
        return f"{micro(median[name])} ({micro(min(times[name]))})"

    table.row("plain scorer (benchmarks/plain_2020.py)", shown("plain"), "1.00× plain")
    table.row("Decimal scorer (benchmarks/decimal_2020.py)", shown("decimal"), ratio("decimal"))
    for level in levels:
        name = f"trace={level}"
        limit = RATIO_TARGETS[level]
        text = f"≤ {limit}×" if level != "lost" else f"≤ {limit}×, ≥ trace=none"
        table.row(
            f"rubricdsl evaluate, {name}",
            shown(name),
            ratio(name),
            text,
            median[name] / plain <= limit,
        )
        if level != "none":
            read = f"{level} read"
            what = "its losses" if level == "lost" else "its trace (Result.items)"
            table.row(f"  {name}, then {what} read", shown(read), ratio(read), "", None)
    if not levels:
        table.row(
            "rubricdsl evaluate (no trace levels yet: full)",
            shown("evaluate"),
            ratio("evaluate"),
            f"≤ {RATIO_TARGETS['full']}× (as trace=full)",
            median["evaluate"] / plain <= RATIO_TARGETS["full"],
        )
        table.note("trace=none (target ≤ 1.0×) and lost: not measurable until evaluate has trace=")
    kept = median["kept"] / median[full]
    table.row(
        f"  {full}, the last 2,000 Results kept alive", shown("kept"), ratio("kept"), "", None
    )
    table.note(f"{kept:.2f}× the time with none kept")


def memory(
    rubric: rubricdsl.Rubric, sets: Sequence[Any], levels: Sequence[str], table: Table
) -> None:
    say("memory of a Result …")
    table.section("memory kept alive by one result (tracemalloc, mean of 200)")
    table.row("plain scorer's PlainScore", f"{result_size(plain_2020.score, sets, 200):,.0f} B")
    for level in levels or ("",):
        if level:
            size = result_size(lambda d, level=level: rubric.evaluate(d, trace=level), sets, 200)
            label = f"rubricdsl Result, trace={level}"
        else:
            size = result_size(rubric.evaluate, sets, 200)
            label = "rubricdsl Result (today's only level: full)"
        kilobytes = size / 1024
        table.row(
            label,
            f"{kilobytes:,.1f} KB",
            "",
            f"≤ {RESULT_TARGET_KB} KB",
            kilobytes <= RESULT_TARGET_KB,
        )
    if levels:

        def read(data: Any) -> Any:
            result = rubric.evaluate(data)
            result.items  # noqa: B018 - made when first read
            return result

        size = result_size(read, sets, 200)
        table.row("  trace=full, its trace read", f"{size / 1024:,.1f} KB")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (fewer of everything)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 15, quick 5)")
    parser.add_argument("--sets", type=int, help="indicator sets (default 200, quick 50)")
    parser.add_argument("--runs", type=int, help="fresh processes per figure (default 7, quick 3)")
    parser.add_argument(
        "--batch-sets", type=int, help="sets in each batch run (default 10,000, quick 2,000)"
    )
    parser.add_argument("--seed", type=int, default=2020, help="of the indicator sets")
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 15)
    count = args.sets or (50 if args.quick else 200)
    runs = args.runs or (3 if args.quick else 7)
    batch_sets = args.batch_sets or (2_000 if args.quick else 10_000)
    began = time.perf_counter()

    rubric = rubricdsl.load(ROOT / table_2020.RUBRIC)
    sets = table_2020.edge_sets(count, args.seed)
    levels = trace_levels()
    say(f"checking that the scorers agree on {count} sets and the sample …")
    problems = check_agreement(rubric, sets, levels)
    if problems:
        print("The scorers do not agree, so there is nothing to time:", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        print(
            "A bug in rubricdsl or in benchmarks/plain_2020.py or decimal_2020.py: the table "
            "and the rubric's stated meanings decide which.",
            file=sys.stderr,
        )
        return 2

    table = Table()
    evaluation(rubric, sets, rounds, levels, table)
    memory(rubric, sets, levels, table)
    startup(runs, table)
    batch(rubric, sets, batch_sets, table)

    print(f"rubricdsl benchmark (issue 9): {machine()}")
    print(
        f"{count} edge-weighted indicator sets of the 2020 table (seed {args.seed}); the plain "
        f"and Decimal scorers{' and every trace level' if levels else ''} agree with rubricdsl "
        f"on all of them and on {table_2020.SAMPLE}"
    )
    print()
    print(table.render())
    print()
    print(f"({time.perf_counter() - began:,.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
