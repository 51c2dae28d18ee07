"""Mutation testing of the 2020 table's cases (rubrics/2020/tests/anhui-quality-county.yaml):
every single change of a comparison's operator, of a threshold (one step either way) or of a
rule's points (one step either way) in rubrics/2020/anhui-quality-county.rubric must make the
cases fail — a case's expected value, or the checker's warnings the case file pins — or make
`check` refuse the rubric. Run in-process: the mutated text is compiled with loads() and the
cases are evaluated in memory, stopping at the first that fails.

A mutant that no district's data could tell apart from the table is "equivalent" and skipped,
and listed: `percent == 100` → `percent >= 100` (a percent is never above 100), `count == 0` →
`count <= 0` (a count is never below 0). Whether two comparisons are equivalent is decided by
trying one value in each region the bound splits the indicator's range into."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest

from rubricdsl import ast
from rubricdsl.api import Rubric, loads
from rubricdsl.cases import DataFiles, read_case_file, run_case, warning_differences
from rubricdsl.errors import RubricError
from rubricdsl.model import fmt, items_of

RUBRIC = "rubrics/2020/anhui-quality-county.rubric"
CASES = "rubrics/2020/tests/anhui-quality-county.yaml"
OPERATORS = (">=", ">", "<=", "<", "==", "!=")
BOUNDARY = {">=": ">", ">": ">=", "<=": "<", "<": "<=", "==": "!=", "!=": "=="}
COMPARE: dict[str, Any] = {
    ">=": Decimal.__ge__,
    ">": Decimal.__gt__,
    "<=": Decimal.__le__,
    "<": Decimal.__lt__,
    "==": Decimal.__eq__,
    "!=": Decimal.__ne__,
}


@attrs.frozen
class Mutant:
    kind: str  # operator | threshold | points
    line: int  # the rule's line
    description: str
    text: str
    site: int = 0  # which rule (points) or comparison (operator, threshold), in order written
    boundary: bool = False  # >= ↔ >, <= ↔ <, == ↔ !=: the mutant a bound's own value catches
    down: bool = False  # a threshold or points one step lower


def step_of(number: Decimal) -> Decimal:
    """One step of a number as written: 1 for 90, 0.1 for 0.5 or 89.5."""
    exponent = number.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(1).scaleb(min(exponent, 0))


def domain(kind: str) -> tuple[Decimal | None, Decimal | None, bool]:
    """(lowest, highest, whole numbers only) of an indicator type."""
    return {
        "count": (Decimal(0), None, True),
        "percent": (Decimal(0), Decimal(100), False),
        "score": (Decimal(0), Decimal(100), False),
        "amount": (Decimal(0), None, False),
    }.get(kind, (None, None, False))


def equivalent(kind: str, first: tuple[str, Decimal], second: tuple[str, Decimal]) -> bool:
    """Whether `x OP n` and `x OP' n'` agree on every value x of the type may take: one value
    in each region the two bounds split the range into is enough."""
    low, high, whole = domain(kind)
    bounds = sorted({first[1], second[1]})
    probes = set(bounds)
    for bound in bounds:
        probes |= {bound - 1, bound - Decimal("0.5"), bound + Decimal("0.5"), bound + 1}
    probes |= {b for b in (low, high) if b is not None}
    within = [
        p
        for p in probes
        if (low is None or p >= low)
        and (high is None or p <= high)
        and (not whole or p == p.to_integral_value())
    ]
    return all(COMPARE[first[0]](p, first[1]) == COMPARE[second[0]](p, second[1]) for p in within)


def source(lines: list[str], span: Any) -> tuple[int, int, int]:
    """(line index, start, end) of a one-line span."""
    assert span.line == span.end_line, "comparisons and points sit on one line"
    return span.line - 1, span.column - 1, span.end_column - 1


def replaced(lines: list[str], index: int, start: int, end: int, new: str) -> str:
    changed = list(lines)
    changed[index] = changed[index][:start] + new + changed[index][end:]
    return "".join(changed)


def mutants(text: str, rubric: Rubric) -> tuple[list[Mutant], list[str], set[tuple[str, int]]]:
    """Every mutant of the rubric's rules, the equivalent ones skipped (and named), and the
    (kind, rule line) pairs that got at least one mutant."""
    lines = text.splitlines(keepends=True)
    found: list[Mutant] = []
    skipped: list[str] = []
    indicators = rubric.checked.indicators
    for category in rubric.checked.file.categories:
        for item in items_of(category):
            for rule in item.rules:
                assert isinstance(rule, ast.Fixed), "the 2020 table has fixed points only"
                found += [attrs.evolve(m, site=len(found)) for m in points_mutants(lines, rule)]
                for comparison in ast.comparisons(rule.condition):
                    made, equal = comparison_mutants(lines, rule, comparison, indicators)
                    found += [attrs.evolve(m, site=len(found)) for m in made]
                    skipped += equal
    covered = {(m.kind, m.line) for m in found}
    return found, skipped, covered


def points_mutants(lines: list[str], rule: ast.Fixed) -> Iterator[Mutant]:
    index = rule.span.line - 1
    start = rule.span.column - 1
    written = re.match(r"-?[0-9.]+", lines[index][start:])
    assert written is not None and Decimal(written.group()) == rule.points
    step = step_of(rule.points)
    for new in (rule.points - step, rule.points + step):
        text = replaced(lines, index, start, start + len(written.group()), fmt(new))
        description = f"points {fmt(rule.points)} → {fmt(new)}"
        yield Mutant("points", rule.span.line, description, text, down=new < rule.points)


def comparison_mutants(
    lines: list[str], rule: ast.Fixed, comparison: ast.Comparison, indicators: Any
) -> tuple[list[Mutant], list[str]]:
    index, start, end = source(lines, comparison.span)
    written = lines[index][start:end]
    match = re.fullmatch(r"(\S+)\s+(>=|<=|==|!=|>|<)\s+(\S+)", written)
    assert match is not None, written
    left, op, right = match.groups()
    made: list[Mutant] = []
    skipped: list[str] = []
    literal = isinstance(comparison.right, ast.NumberLiteral)
    kind = indicators[left].kind if left in indicators else ""
    bound = comparison.right.value if isinstance(comparison.right, ast.NumberLiteral) else None

    def add(kind_of: str, new_op: str, new_right: str, new_bound: Decimal | None) -> None:
        boundary = BOUNDARY.get(op) == new_op
        down = new_bound is not None and bound is not None and new_bound < bound
        description = f"{written} → {left} {new_op} {new_right}"
        if bound is not None and new_bound is not None:
            if equivalent(kind, (op, bound), (new_op, new_bound)):
                skipped.append(f"line {rule.span.line}: {description} (equivalent for a {kind})")
                return
        text = replaced(lines, index, start, end, f"{left} {new_op} {new_right}")
        made.append(Mutant(kind_of, rule.span.line, description, text, 0, boundary, down))

    for new_op in OPERATORS:
        if new_op != op:
            add("operator", new_op, right, bound)
    if literal and bound is not None:
        step = step_of(bound)
        for new_bound in (bound - step, bound + step):
            add("threshold", op, fmt(new_bound), new_bound)
    return made, skipped


def sample(found: list[Mutant]) -> list[Mutant]:
    """Every rule and comparison at least once per kind, to stay fast: for each comparison its
    boundary operator mutant (>= ↔ >, == ↔ !=) and one other operator (rotating), one
    threshold step, one points step per rule (lower and higher by turns; never points 0, which
    only `check` would catch)."""
    groups: dict[tuple[str, int], list[Mutant]] = {}
    for mutant in found:
        groups.setdefault((mutant.kind, mutant.site), []).append(mutant)
    chosen: list[Mutant] = []
    for turn, ((kind, _), group) in enumerate(groups.items()):
        if kind == "operator":
            chosen += [m for m in group if m.boundary]
            others = [m for m in group if not m.boundary]
            chosen += [others[turn % len(others)]] if others else []
            continue
        usable = [m for m in group if not m.description.endswith("→ 0")] or group
        pick = [m for m in usable if m.down == (turn % 2 == 0)] or usable
        chosen.append(pick[0])
    return chosen


def killed(text: str, case_file: Any, files: DataFiles) -> str | None:
    """How the cases (or the checker) catch a mutant; None when it survives."""
    try:
        rubric = loads(text, RUBRIC)
    except RubricError as error:
        return f"check refuses it: {str(error).splitlines()[0]}"
    if warning_differences(rubric, case_file):
        return "the checker's warnings differ"
    for case in case_file.cases:
        outcome = run_case(rubric, case, files)
        if not outcome.passed:
            return f"case '{case.name}' fails"
    return None


@pytest.fixture(scope="module")
def table() -> tuple[str, Rubric]:
    with open(RUBRIC, encoding="utf-8") as file:
        text = file.read()
    return text, loads(text, RUBRIC)


def test_the_unmutated_table_passes_its_cases(table: tuple[str, Rubric]) -> None:
    text, _ = table
    case_file = read_case_file(CASES)
    assert killed(text, case_file, DataFiles()) is None


def test_every_rule_gets_every_kind_of_mutant(table: tuple[str, Rubric]) -> None:
    text, rubric = table
    _, _, covered = mutants(text, rubric)
    for category in rubric.checked.file.categories:
        for item in items_of(category):
            for rule in item.rules:
                assert ("points", rule.span.line) in covered
                assert isinstance(rule, ast.Fixed)
                if any(True for _ in ast.comparisons(rule.condition)):
                    assert ("operator", rule.span.line) in covered
                    if any(
                        isinstance(c.right, ast.NumberLiteral)
                        for c in ast.comparisons(rule.condition)
                    ):
                        assert ("threshold", rule.span.line) in covered


def test_only_domain_equivalent_mutants_are_skipped(table: tuple[str, Rubric]) -> None:
    text, rubric = table
    _, skipped, _ = mutants(text, rubric)
    # == 100 → >= 100 on a percent, == 0 → <= 0 on a count: nothing else
    assert skipped
    assert all(
        ("== 100 → " in s and ">= 100" in s) or ("== 0 → " in s and "<= 0" in s) for s in skipped
    )


def test_every_mutant_of_the_2020_table_is_killed(table: tuple[str, Rubric]) -> None:
    text, rubric = table
    found, _, _ = mutants(text, rubric)
    assert len(found) > 300
    run = found if os.environ.get("RUBRICDSL_ALL_MUTANTS") else sample(found)
    # the sample still mutates every rule's points and every comparison's operator and bound
    assert {(m.kind, m.site) for m in run} == {(m.kind, m.site) for m in found}
    case_file = read_case_file(CASES)
    files = DataFiles()
    survivors = [
        f"line {m.line}: {m.description}" for m in run if killed(m.text, case_file, files) is None
    ]
    assert not survivors, "mutants the cases do not catch:\n" + "\n".join(survivors)
