"""How rubricdsl's time and memory grow with the rubric and the batch (issue 9, item 8).

    .venv/bin/python benchmarks/bench_scale.py [--quick] [--max-items N | --full]
                                               [--max-rules N] [--max-sets N]

Three series, each size measured in a fresh process (its peak memory is that process's):

- the rubric: 30, 300, 3,000 (and with --full 30,000) items, as copies of the 2020 table
  renumbered (item 2.8 is copy 2's item 8, its indicators suffixed `_2`), timing `loads` and
  its stages (parse, to_ast, check, compile_tree) and `evaluate` on a district of that size;
- one item of 10, 100, 1,000 and 3,000 rules, timing `loads` and `evaluate`;
- the batch: 10³ to 10⁶ indicator sets of the 2020 table streamed through one process (--quick
  stops at 10⁴), timing the whole batch.

Each line gives the time, the time per unit, and the growth against linear (the time's growth
over the previous size divided by the size's growth: 1.0 is linear, 10 is quadratic for a step
of 10×). See docs/performance.md."""

from __future__ import annotations

import argparse
import inspect
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: benchmarks/ is sys.path[0], not the root
    sys.path.insert(0, str(ROOT))

import rubricdsl  # noqa: E402
from benchmarks import table_2020  # noqa: E402

ITEM_SIZES = (30, 300, 3_000, 30_000)
RULE_SIZES = (10, 100, 1_000, 3_000)
SET_SIZES = (1_000, 10_000, 100_000, 1_000_000)
LINEAR_TARGET = 1.3  # issue 9: within 1.3× of linear from 30 to 30,000 items
BIG = rubricdsl.Limits(max_file_bytes=1 << 31, max_problems=1_000_000)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- rubrics of any size ---------------------------------------------------------------------

_STRING = re.compile(r'("(?:[^"\\\n]|\\.)*")')


def table_text() -> str:
    return (ROOT / table_2020.RUBRIC).read_text(encoding="utf-8")


def copies_of_2020(copies: int) -> str:
    """The 2020 table `copies` times over: copy c's items renumbered `c.N`, its indicators
    suffixed `_c`, its categories and groups titled `…（c）`; base and bonus grow alike. One copy
    is the table itself."""
    text = table_text()
    if copies == 1:
        return text
    start = text.index("indicators {\n")
    end = text.index("\n}\n", start) + 3
    header, declarations, body = (
        text[:start],
        text[start + len("indicators {\n") : end - 2],
        text[end:],
    )
    names = re.findall(r"^\s+([a-z_][a-z0-9_]*):", declarations, re.MULTILINE)
    name = re.compile(r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b")

    def renamed(chunk: str, copy: int) -> str:
        parts = _STRING.split(chunk)  # code at even places, "strings" at odd ones
        for i in range(0, len(parts), 2):
            code = name.sub(lambda m: f"{m.group(1)}_{copy}", parts[i])
            parts[i] = re.sub(r"\bitem (\d+)\b", rf"item {copy}.\1", code)
            if i + 1 < len(parts) and re.search(r"\b(category|group)\s*$", parts[i]):
                parts[i + 1] = parts[i + 1][:-1] + f"（{copy}）" + '"'
        return "".join(parts)

    header = re.sub(r"^base 100$", f"base {100 * copies}", header, flags=re.MULTILINE)
    header = re.sub(r"^bonus 10$", f"bonus {10 * copies}", header, flags=re.MULTILINE)
    indicators = "".join(renamed(declarations, c) for c in range(1, copies + 1))
    return (
        header
        + "indicators {\n"
        + indicators
        + "}\n"
        + "".join(renamed(body, c) for c in range(1, copies + 1))
    )


def data_of_copies(copies: int) -> dict[str, Any]:
    """A district for `copies_of_2020(copies)`: an edge-weighted set per copy."""
    sets = table_2020.edge_sets(copies, seed=copies)
    if copies == 1:
        return sets[0]
    return {f"{k}_{c}": v for c, data in enumerate(sets, start=1) for k, v in data.items()}


def one_item(rules: int) -> str:
    """A rubric of one item of `rules` rules of a point each, over 10 count indicators."""
    lines = [
        f'rubric "one item of {rules} rules"',
        "year 2020",
        f"base {rules}",
        "",
        "indicators {",
        *(f'  x{j}: count "indicator {j}"' for j in range(10)),
        "}",
        "",
        f'category "all" {rules} {{',
        f'  item 1 "one item" {rules} {{',
        *(f'    1 when x{i % 10} >= {i // 10 + 1}  "rule {i + 1}"' for i in range(rules)),
        "  }",
        "}",
        "",
    ]
    return "\n".join(lines)


def data_of_one_item(rules: int) -> dict[str, int]:
    """Half the rules met."""
    return {f"x{j}": rules // 20 for j in range(10)}


# ---- measuring, in a worker process ----------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def timed(work: Callable[[], Any], budget: float = 1.0, most: int = 51) -> tuple[float, Any]:
    """The median seconds of `work` over as many runs as fit in `budget` seconds (at least 1,
    at most `most`), and what its last run returned."""
    times: list[float] = []
    value: Any = None
    while not times or (sum(times) < budget and len(times) < most):
        start = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def stages(text: str) -> dict[str, float]:
    """Seconds of each stage of `loads`, where the stages are the ones known today."""
    try:
        from rubricdsl.evaltree import compile_tree
        from rubricdsl.model import check
        from rubricdsl.parser import parse_rubric
        from rubricdsl.transform import to_ast

        found: dict[str, float] = {}
        start = time.perf_counter()
        parsed = parse_rubric(text, "<scale>", BIG)
        found["parse"] = time.perf_counter() - start
        if parsed.tree is None:
            return {}
        start = time.perf_counter()
        file = to_ast(parsed.tree)
        found["to_ast"] = time.perf_counter() - start
        start = time.perf_counter()
        checked = check(file, text, "<scale>")
        found["check"] = time.perf_counter() - start
        start = time.perf_counter()
        compile_tree(checked)
        found["compile"] = time.perf_counter() - start
        return found
    except Exception as error:  # the stages were renamed or changed: the total still stands
        say(f"  (stages not timed: {type(error).__name__}: {error})")
        return {}


def evaluate_options(rubric: rubricdsl.Rubric) -> dict[str, str]:
    if "trace" in inspect.signature(rubric.evaluate).parameters:
        return {"trace": "full"}
    return {}


def traced(result: Any) -> Any:
    """The result with its trace made (a Result makes it when first read)."""
    result.items  # noqa: B018 - read to be made
    return result


def measure_items(copies: int, with_stages: bool) -> dict[str, Any]:
    rubricdsl.load(ROOT / table_2020.RUBRIC)  # the parser built: it is start-up, not size
    text = copies_of_2020(copies)
    loads, rubric = timed(lambda: rubricdsl.loads(text, "<scale>", BIG), budget=2, most=9)
    found: dict[str, Any] = {"loads": loads, "bytes": len(text.encode())}
    found["stages"] = {}
    if with_stages:  # each stage's median over as many runs as fit in 2 s (at least one)
        runs = [stages(text)]
        while sum(sum(run.values()) for run in runs) < 2 and len(runs) < 9 and runs[0]:
            runs.append(stages(text))
        found["stages"] = {k: statistics.median(run[k] for run in runs) for k in runs[0]}
    data = data_of_copies(copies)
    options = evaluate_options(rubric)
    if "trace" in options:
        # the scorer is generated once (on the second traced evaluation): timed apart, once
        start = time.perf_counter()
        rubric.scorer  # noqa: B018 - made when first read
        found["scorer_compile"] = time.perf_counter() - start
    # a traced evaluation, its trace read (since 0.6.0 it is made when first read)
    found["evaluate"], result = timed(lambda: traced(rubric.evaluate(data, **options)))
    ids = [item.id for item in result.items]
    found["items"] = len(ids)
    found["rules"] = sum(len(item.rules) for item in result.items)
    sample = ids[:: max(1, len(ids) // 100)]
    found["item_lookup"] = timed(lambda: [result.item(i) for i in sample])[0] / len(sample)
    if "trace" in options:
        found["evaluate_none"] = timed(lambda: rubric.evaluate(data, trace="none"))[0]
    found["peak_mb"] = peak_rss_mb()
    return found


def measure_rules(rules: int) -> dict[str, Any]:
    rubricdsl.load(ROOT / table_2020.RUBRIC)
    text = one_item(rules)
    loads, rubric = timed(lambda: rubricdsl.loads(text, "<rules>", BIG), budget=2, most=9)
    found: dict[str, Any] = {"loads": loads}
    data = data_of_one_item(rules)
    options = evaluate_options(rubric)
    found["evaluate"], result = timed(lambda: traced(rubric.evaluate(data, **options)))
    found["given"] = str(result.total)
    found["peak_mb"] = peak_rss_mb()
    return found


def stream(count: int) -> Iterator[dict[str, Any]]:
    sets = table_2020.edge_sets(200)
    for i in range(count):
        yield sets[i % 200]


def measure_batch(count: int) -> dict[str, Any]:
    rubric = rubricdsl.load(ROOT / table_2020.RUBRIC)
    trace = {"trace": "none"} if evaluate_options(rubric) else {}
    start_mb = peak_rss_mb()
    start = time.perf_counter()
    if hasattr(rubric, "evaluate_many"):
        parameters = inspect.signature(rubric.evaluate_many).parameters
        options = trace if "trace" in parameters else {}
        done = sum(1 for _ in rubric.evaluate_many(stream(count), **options))
        how = "Rubric.evaluate_many"
    else:
        done = 0
        for data in stream(count):
            rubric.evaluate(data, **trace)
            done += 1
        how = "a loop of Rubric.evaluate (no evaluate_many yet)"
    took = time.perf_counter() - start
    level = trace.get("trace", "full, the only level today")
    return {
        "time": took,
        "done": done,
        "how": f"{how}, trace={level}",
        "peak_mb": peak_rss_mb(),
        "start_mb": start_mb,
    }


def worker(kind: str, size: int, with_stages: bool) -> None:
    if kind == "items":
        found = measure_items(size // 30, with_stages)
    elif kind == "rules":
        found = measure_rules(size)
    else:
        found = measure_batch(size)
    print(json.dumps(found))


def run_worker(kind: str, size: int, with_stages: bool = True) -> dict[str, Any]:
    """One size measured in a fresh process."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(size)]
    if not with_stages:
        command.append("--no-stages")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} {size}: exit {done.returncode}\n{done.stderr[-2000:]}")
    sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- printing --------------------------------------------------------------------------------


def seconds(value: float) -> str:
    if value >= 1:
        return f"{value:,.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:,.1f} ms"
    return f"{value * 1e6:,.1f} µs"


def growth(times: Sequence[float], sizes: Sequence[int], i: int) -> str:
    """The time's growth over the previous size against the size's: 1.00 is linear."""
    if i == 0:
        return "—"
    return f"{(times[i] / times[i - 1]) / (sizes[i] / sizes[i - 1]):.2f}×"


def overall(
    what: str, times: Sequence[float], sizes: Sequence[int], unit: str, target: str = ""
) -> None:
    """The growth from the smallest size to the largest, against linear."""
    if len(sizes) < 2:
        return
    factor = (times[-1] / times[0]) / (sizes[-1] / sizes[0])
    print(
        f"  {what}, {sizes[0]:,} → {sizes[-1]:,} {unit}: {times[-1] / times[0]:,.1f}× the time "
        f"for {sizes[-1] / sizes[0]:,.0f}× the {unit}: {factor:.2f}× linear{target}"
    )


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  " + "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def items_series(sizes: Sequence[int], with_stages: bool) -> None:
    found = []
    for size in sizes:
        say(f"rubric of {size:,} items …")
        found.append(run_worker("items", size, with_stages))
    loads = [f["loads"] for f in found]
    evals = [f["evaluate"] for f in found]
    lookups = [f["item_lookup"] for f in found]
    print("load, by rubric size (copies of the 2020 table: 30 items, 68 rules each)")
    stage_names = list(found[0]["stages"])
    rows = []
    for i, f in enumerate(found):
        row = [f"{f['items']:,}", f"{f['rules']:,}", f"{f['bytes'] / 1024:,.0f} KB"]
        row += [seconds(loads[i]), seconds(loads[i] / f["items"]), growth(loads, sizes, i)]
        row += [seconds(f["stages"].get(s, 0.0)) for s in stage_names]
        row.append(f"{f['peak_mb']:,.0f} MB")
        rows.append(row)
    header = ["items", "rules", "text", "loads", "per item", "growth/linear"]
    print_table([*header, *stage_names, "peak RSS"], rows)
    for s in stage_names:
        times = [f["stages"][s] for f in found]
        overall(f"stage {s}", times, sizes, "items")
    overall("loads", loads, sizes, "items", f" (target ≤ {LINEAR_TARGET}× over 30 → 30,000)")
    print()
    print("evaluate, by rubric size (one district of that size)")
    rows = []
    levels = "evaluate_none" in found[0]
    nones = [f.get("evaluate_none", 0.0) for f in found]
    for i, f in enumerate(found):
        row = [f"{f['items']:,}", seconds(evals[i]), seconds(evals[i] / f["items"])]
        row.append(growth(evals, sizes, i))
        if levels:
            row += [seconds(nones[i]), growth(nones, sizes, i)]
        row += [seconds(lookups[i]), growth(lookups, [1] * len(sizes), i)]
        rows.append(row)
    header = ["items", "traced", "per item", "growth/linear"]
    if levels:
        header += ["trace=none", "growth/linear"]
    print_table([*header, "Result.item(id)", "growth/call"], rows)
    overall("evaluate", evals, sizes, "items", f" (target ≤ {LINEAR_TARGET}×)")
    if levels:
        overall("trace=none", nones, sizes, "items", f" (target ≤ {LINEAR_TARGET}×)")
        compiles = [f.get("scorer_compile", 0.0) for f in found]
        made = ", ".join(
            f"{f['items']:,} items {seconds(c)}" for f, c in zip(found, compiles, strict=True)
        )
        print(f"  the scorer generated and compiled once, timed apart: {made}")
    print("  Result.item(id): time per call; growth/call 1.00× is O(1) per call")
    print()


def rules_series(sizes: Sequence[int]) -> None:
    found = []
    for size in sizes:
        say(f"one item of {size:,} rules …")
        found.append(run_worker("rules", size))
    loads = [f["loads"] for f in found]
    evals = [f["evaluate"] for f in found]
    print("one item of many rules")
    rows = []
    for i, f in enumerate(found):
        row = [f"{sizes[i]:,}", seconds(loads[i]), seconds(loads[i] / sizes[i])]
        row += [growth(loads, sizes, i), seconds(evals[i]), seconds(evals[i] / sizes[i])]
        row += [growth(evals, sizes, i), f"{f['peak_mb']:,.0f} MB"]
        rows.append(row)
    header = ["rules", "loads", "per rule", "growth/linear", "evaluate", "per rule"]
    print_table([*header, "growth/linear", "peak RSS"], rows)
    overall("evaluate", evals, sizes, "rules", " (target: linear)")
    print()


def batch_series(sizes: Sequence[int]) -> None:
    found = []
    for i, size in enumerate(sizes):
        if i:
            rate = found[-1]["time"] / sizes[i - 1]
            say(f"batch of {size:,} sets (about {seconds(rate * size)}) …")
        else:
            say(f"batch of {size:,} sets …")
        found.append(run_worker("batch", size))
    times = [f["time"] for f in found]
    print(f"streaming batch of the 2020 table, one process ({found[0]['how']})")
    rows = []
    for i, f in enumerate(found):
        row = [f"{sizes[i]:,}", seconds(times[i]), seconds(times[i] / sizes[i])]
        row += [growth(times, sizes, i), f"{sizes[i] / times[i]:,.0f}/s"]
        row += [f"{f['start_mb']:,.0f} MB", f"{f['peak_mb']:,.0f} MB"]
        rows.append(row)
    header = ["sets", "time", "per set", "growth/linear", "throughput"]
    print_table([*header, "RSS before", "peak RSS"], rows)
    first, last = found[0]["peak_mb"], found[-1]["peak_mb"]
    print(
        f"  peak RSS {sizes[0]:,} → {sizes[-1]:,} sets: {first:,.0f} → {last:,.0f} MB "
        "(target: flat from 10⁴ to 10⁶)"
    )
    print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the batch stops at 10⁴ sets")
    parser.add_argument("--max-items", type=int, default=3_000, help="largest rubric (3,000)")
    parser.add_argument("--full", action="store_true", help="up to 30,000 items (minutes today)")
    parser.add_argument("--max-rules", type=int, default=3_000, help="most rules in one item")
    parser.add_argument("--max-sets", type=int, help="largest batch (10⁶; --quick 10⁴)")
    parser.add_argument("--no-stages", action="store_true", help="time loads only, not stages")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), not args.no_stages)
        return 0
    most_items = 30_000 if args.full else args.max_items
    most_sets = args.max_sets or (10_000 if args.quick else 1_000_000)
    began = time.perf_counter()
    from benchmarks.bench_eval import machine

    print(f"rubricdsl scale benchmark (issue 9): {machine()}")
    print()
    items_series([s for s in ITEM_SIZES if s <= most_items], not args.no_stages)
    rules_series([s for s in RULE_SIZES if s <= args.max_rules])
    batch_series([s for s in SET_SIZES if s <= most_sets])
    print(f"({time.perf_counter() - began:,.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
