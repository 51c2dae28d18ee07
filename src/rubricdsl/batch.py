"""Many districts in one stream: Rubric.evaluate_many and the CSV and JSON Lines batch files of
`rubricdsl score --batch`, scored on all cores in bounded memory (docs/scale.md)."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from decimal import Decimal
from operator import getitem
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import attrs

from rubricdsl.atomic import CannotWriteError, written_atomically
from rubricdsl.compiled import CompiledRubric, NeedsTreeError, Score
from rubricdsl.datafile import given_twice, number_problem
from rubricdsl.errors import IndicatorError, IndicatorProblem, RubricArgumentError, RubricError
from rubricdsl.escape import clip, escape_block, json_escape, shown
from rubricdsl.i18n import _, speaking, spoken
from rubricdsl.inputs import (
    NA_KEY,
    closest,
    computed_by_rubric,
    describe,
    read_reported,
    unknown_indicator,
)
from rubricdsl.limits import DEFAULT_LIMITS, Limits, number_text_problem
from rubricdsl.model import fmt

if TYPE_CHECKING:
    from rubricdsl.api import Rubric
    from rubricdsl.trace import Result

TRACES = ("none", "lost", "full")
FORMATS = ("csv", "jsonl")
# How the work is cut for the worker processes: rows per task, and the input bytes of a task
# (a task of the 2020 table is a few milliseconds of work); tasks in flight per worker.
ROWS_PER_TASK = 256
BYTES_PER_TASK = 1 << 20
# JSON Lines are read in blocks of this many bytes (the workers find the lines in them)
READ_SIZE = 1 << 18
TASKS_IN_FLIGHT = 4

_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl"}


class BatchError(RubricError):
    """A batch cannot be scored at all: its file cannot be read, its format is not known, or its
    CSV header does not match the rubric. (A bad row is no error: it is refused, and reported.)"""


class RowsRefusedError(RubricError):
    """Some rows of a batch were refused (each was reported); every other row was scored and
    written. Raised by the CLI after the output is in place, for its exit status."""


class UnreadRowError(IndicatorError):
    """A row of a batch file that could not be read as indicators at all (not a JSON object,
    cells missing), with its id when it gives one."""

    def __init__(self, problems: Sequence[IndicatorProblem], id: str | None = None) -> None:
        super().__init__(problems)
        self.id = id


# ---- one row in, one row out ------------------------------------------------------------------


@attrs.frozen
class Row:
    """One district of a batch: its indicators, what it reports 合理缺项 as a whole (item id or
    group or category title → reason), and an id of the caller's to tell it by."""

    indicators: Mapping[str, object]
    not_applicable: Mapping[str, str] | None = None
    id: str | None = None


class Scored:
    """One row of a batch: its number (from 1, in the order given), its id, and its result (a
    `Score` for trace "none" and "lost", a `Result` for "full"), or the IndicatorError that
    refused it. Pickles, with its error, to travel back from a worker process."""

    __slots__ = ("error", "id", "number", "result")

    def __init__(
        self,
        number: int,
        id: str | None,
        result: Score | Result | None,
        error: IndicatorError | None = None,
    ) -> None:
        self.number, self.id, self.result, self.error = number, id, result, error

    @property
    def ok(self) -> bool:
        return self.error is None

    def __reduce__(self) -> tuple[Any, ...]:
        # an IndicatorError does not pickle by its message: it travels as its problems
        error = self.error
        problems = None if error is None else (tuple(error.problems), error.omitted)
        return _scored, (self.number, self.id, self.result, problems)

    def __repr__(self) -> str:
        if self.error is not None:
            count = len(self.error.problems) + self.error.omitted
            return f"Scored(number={self.number}, id={self.id!r}, refused: {count} problems)"
        return f"Scored(number={self.number}, id={self.id!r}, result={self.result!r})"


def _scored(
    number: int,
    id: str | None,
    result: Score | Result | None,
    problems: tuple[tuple[IndicatorProblem, ...], int] | None,
) -> Scored:
    error = None if problems is None else IndicatorError(*problems)
    return Scored(number, id, result, error)


def _evaluate(
    rubric: Rubric,
    indicators: Mapping[str, object],
    not_applicable: Mapping[str, str] | None,
    trace: str,
) -> Score | Result:
    if trace == "none":
        return rubric.evaluate(indicators, not_applicable, trace="none")
    if trace == "lost":
        return rubric.evaluate(indicators, not_applicable, trace="lost")
    return rubric.evaluate(indicators, not_applicable)


def _checked_trace(trace: object, allowed: tuple[str, ...] = TRACES) -> str:
    if not isinstance(trace, str) or trace not in allowed:
        raise RubricArgumentError(f"trace must be one of {', '.join(allowed)}, not {trace!r}")
    return trace


def cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        try:
            return max(1, len(affinity(0)))
        except OSError:
            pass
    return os.cpu_count() or 1


def _checked_jobs(jobs: object) -> int:
    if jobs is None:
        return cores()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise RubricArgumentError(f"jobs must be a whole number of processes >= 1, not {jobs!r}")
    return jobs


# ---- Rubric.evaluate_many ---------------------------------------------------------------------


def evaluate_many(
    rubric: Rubric,
    rows: Iterable[Mapping[str, object] | Row],
    *,
    trace: str = "none",
    jobs: int | None = 1,
) -> Iterator[Scored]:
    """Score every row (a mapping of indicators, or a `Row`), yielding a `Scored` for each in
    the order given, as it is done: a bad row is refused (its `error` lists its problems) and
    every other row is still scored. `jobs` worker processes share the work (None: one per
    core), each given the rubric once; the rows are read as they are needed, a few hundred
    ahead per worker, so a stream of any length runs in bounded memory."""
    trace = _checked_trace(trace)
    workers = _checked_jobs(jobs)
    job = _RowsJob(rubric, trace)
    return _flatten(_ordered_map(job, _tasks(rows), workers))


def _tasks(rows: Iterable[Mapping[str, object] | Row]) -> Iterator[list[tuple[int, object]]]:
    task: list[tuple[int, object]] = []
    for number, row in enumerate(rows, start=1):
        task.append((number, row))
        if len(task) == ROWS_PER_TASK:
            yield task
            task = []
    if task:
        yield task


def _flatten(done: Iterator[list[Scored]]) -> Iterator[Scored]:
    for scored in done:
        yield from scored


@attrs.frozen
class _RowsJob:
    """Scores a task of numbered rows, in whichever process runs it."""

    rubric: Rubric
    trace: str

    def run(self, task: list[tuple[int, object]]) -> list[Scored]:
        done: list[Scored] = []
        for number, row in task:
            if isinstance(row, Row):
                indicators, reported, id = row.indicators, row.not_applicable, row.id
            else:
                indicators, reported, id = row, None, None  # type: ignore[assignment]
            try:
                result = _evaluate(self.rubric, indicators, reported, self.trace)
            except IndicatorError as error:
                done.append(Scored(number, id, None, error))
            else:
                done.append(Scored(number, id, result))
        return done


# ---- the worker processes ---------------------------------------------------------------------

_job: Any = None
_language = "en"


def _start_worker(job: Any, language: str, parent: int) -> None:
    """A worker's start: the job (with its rubric, compiled again if it came pickled) kept for
    every task. Ctrl-C and SIGTERM are the parent's to handle: it ends the workers."""
    global _job, _language
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler the parent had when it forked
    _end_with_parent(parent)
    _job, _language = job, language


def _end_with_parent(parent: int) -> None:
    """On Linux, have the kernel end this worker if its parent dies (killed with SIGKILL, say),
    rather than leave it waiting for tasks forever; elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request: end now
        os._exit(1)


def _work(task: Any) -> Any:
    with speaking(_language):
        return _job.run(task)


def _ordered_map(job: Any, tasks: Iterator[Any], jobs: int) -> Iterator[Any]:
    """job.run(task) for every task, in order: here when jobs is 1 (or the tasks are too few to
    share), else in a pool of `jobs` processes with at most TASKS_IN_FLIGHT tasks each taken
    from `tasks` ahead of the results (Pool.imap would read every task at once)."""
    if jobs == 1:
        for task in tasks:
            yield job.run(task)
        return
    first: list[Any] = []
    for task in tasks:
        first.append(task)
        if len(first) > jobs:
            break
    else:  # no more than one task per worker: not worth starting them
        for task in first:
            yield job.run(task)
        return
    language = spoken()
    starting = (job, language, os.getpid())
    # an executor rather than multiprocessing.Pool: when a worker dies (killed, out of memory,
    # failing to start) the Pool starts another and waits for the lost task forever; the
    # executor says it is broken
    pool = ProcessPoolExecutor(
        jobs, multiprocessing.get_context(), initializer=_start_worker, initargs=starting
    )
    finished = False
    try:
        pending: deque[Future[Any]] = deque()
        for task in _chain(first, tasks):
            pending.append(pool.submit(_work, task))
            if len(pending) >= jobs * TASKS_IN_FLIGHT:
                yield _outcome(pending.popleft())
            while pending and pending[0].done():  # what is done goes out at once
                yield _outcome(pending.popleft())
        while pending:
            yield _outcome(pending.popleft())
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=not finished)


def _outcome(future: Future[Any]) -> Any:
    try:
        return future.result()
    except BrokenProcessPool:
        message = _(
            "a worker process ended abruptly (killed, or out of memory?): the batch stopped"
        )
        raise BatchError(message) from None


def _chain(first: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    while first:
        yield first.pop(0)
    yield from rest


# ---- what a row's result is written as --------------------------------------------------------


def _scaled_text(value: int, scale: int) -> str:
    """value / 10**scale as model.fmt writes it, in integers."""
    if scale == 0:
        return str(value)
    whole, fraction = divmod(abs(value), 10**scale)
    sign = "-" if value < 0 else ""
    if not fraction:
        return f"{sign}{whole}" if whole else "0"
    return f"{sign}{whole}.{str(fraction).rjust(scale, '0').rstrip('0')}"


class _ItemTexts:
    """Each item's score as text, in the rubric's order, each wrapped as the output writes it
    (as a JSON member, '"14": "3.5"'). A Score from the generated code holds the scores as
    whole numbers at its scale: each distinct one of each item is written once per process,
    then found by the number, rather than read through an ItemScore and a Decimal per item
    and row (which would take longer than the scoring)."""

    def __init__(self, items: Sequence[str], member: Callable[[str, str], str]) -> None:
        self.items = tuple(items)
        self.member = member
        self.made: dict[int, list[dict[object, str]]] = {}  # by scale: per item, number → text

    def __call__(self, result: Score | Result) -> list[str]:
        if not isinstance(result, Score):
            return self._slowly(result)
        found = self.scaled(*result.scaled_item_scores)
        return self._slowly(result) if found is None else found

    def scaled(self, scale: int, scores: Sequence[int | Decimal]) -> list[str] | None:
        """The texts of scores held as whole numbers at a scale; None for a form not known
        here (then the Score's own items say it)."""
        if len(scores) != len(self.items):
            return None
        made = self.made.get(scale)
        if made is not None:
            try:
                return list(map(getitem, made, scores))
            except KeyError:  # a score not seen yet: made below
                pass
        if made is None or sum(len(texts) for texts in made) > 100_000:
            made = self.made[scale] = [{} for _ in self.items]
        done: list[str] = []
        for item, texts, score in zip(self.items, made, scores, strict=True):
            text = texts.get(score)
            if text is None:
                if type(score) is int:
                    number = _scaled_text(score, scale)
                elif scale == 0 and isinstance(score, Decimal):
                    number = fmt(score)
                else:
                    return None
                text = texts[score] = self.member(item, number)
            done.append(text)
        return done

    def _slowly(self, result: Score | Result) -> list[str]:
        return [self.member(item.id, fmt(item.score)) for item in result.items]


def _number_alone(item: str, number: str) -> str:
    return number


def _json_member(item: str, number: str) -> str:
    return f'{json.dumps(item, ensure_ascii=False)}: "{number}"'


# Per process, for each rubric's items: their scores as CSV cells and as JSON members.
_ITEM_TEXTS: dict[tuple[tuple[str, ...], bool], _ItemTexts] = {}


def _item_texts(items: tuple[str, ...], *, json_members: bool = False) -> _ItemTexts:
    found = _ITEM_TEXTS.get((items, json_members))
    if found is None:
        member = _json_member if json_members else _number_alone
        found = _ITEM_TEXTS[(items, json_members)] = _ItemTexts(items, member)
    return found


def _grade(result: Score | Result) -> str | None:
    grade = result.grade
    if grade is None or isinstance(grade, str):
        return grade
    return grade.grade  # a Result's GradeTrace


def figures(result: Score | Result, item_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """A row's figures as the JSON Lines output writes them: exact numbers as text, each item's
    score by its id (`item_ids`, the rubric's items in order, saves reading them per row)."""
    ids = item_ids if item_ids is not None else [item.id for item in result.items]
    document: dict[str, Any] = {
        "total": fmt(result.total),
        "base": fmt(result.base),
        "bonus": fmt(result.bonus),
        "deducted": fmt(result.deducted),
        "grade": _grade(result),
        "eligible": result.eligible,
        "failed_by_veto": not result.passed_vetoes,
        "items": dict(zip(ids, _item_texts(tuple(ids))(result), strict=True)),
    }
    losses = getattr(result, "losses", ())
    if losses:
        document["losses"] = [{"where": where, **rule.to_dict()} for where, rule in losses]
    return document


def refusal(problems: Sequence[IndicatorProblem], omitted: int) -> dict[str, Any]:
    """A refused row's problems as the JSON Lines output writes them."""
    document: dict[str, Any] = {
        "problems": [{"indicator": p.indicator, "message": p.message} for p in problems]
    }
    if omitted:
        document["omitted"] = omitted
    return document


CSV_FIGURES = ("total", "base", "bonus", "deducted", "grade", "eligible", "failed_by_veto")


def csv_header(item_ids: Sequence[str]) -> list[str]:
    """The columns of the CSV output: the row, its id, the figures, each item, the error."""
    return ["row", "id", *CSV_FIGURES, *(f"item:{item}" for item in item_ids), "error"]


def _csv_cells(
    row: int,
    id: str | None,
    result: Score | Result | None,
    problems: tuple[Sequence[IndicatorProblem], int] | None,
    items: tuple[str, ...],
) -> list[str]:
    if result is not None:
        return _csv_scored(
            row,
            id,
            _figure_texts_of(result),
            _grade(result),
            result.eligible,
            not result.passed_vetoes,
            _item_texts(items)(result),
        )
    cells = [str(row), id or ""]
    assert problems is not None
    found, omitted = problems
    error = "; ".join(str(problem) for problem in found)
    if omitted:
        error += "; " + _("… and {count} more").format(count=f"{omitted:,}")
    return [*cells, *([""] * (len(CSV_FIGURES) + len(items))), error]


# ---- reading a batch file: CSV ----------------------------------------------------------------

_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "是": True, "否": False}
# the texts of _BOOLS as written, found without stripping and casefolding them
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_APPLICABLE = re.compile(r"(?:NA|N/A|合理缺项)(?:\s*[:：]\s*(.*))?", re.IGNORECASE | re.DOTALL)
_SERIES_SEPARATOR = re.compile(r"[;；]")
_SERIES_COLUMN = re.compile(r"(.+)\[([0-9]{1,4})\]")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
EXCUSE_PREFIX = "not_applicable:"
ID_COLUMN = "id"


def _json_number(text: str) -> float | Decimal:
    """A JSON number with a fraction or exponent, exactly: a float when it has at most 15
    digits and no exponent (that float's shortest repr is the same decimal, and the generated
    scorer reads it natively), else a Decimal."""
    if len(text) <= 16 and "e" not in text and "E" not in text:
        return float(text)
    try:
        return Decimal(text)
    except ArithmeticError:  # an exponent past what a Decimal holds: as a data file says it
        problem = number_text_problem(text, DEFAULT_LIMITS, _) or _("is not a finite number")
        raise ValueError(number_problem(shown(text, 40), problem)) from None


def number(text: str) -> int | float | Decimal | str:
    """A cell's number, exactly as written: an int for a whole number, else a float (at most 15
    digits, no exponent) or a Decimal; the text itself when it is no number (the rubric's
    check then says what is wrong with it)."""
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        try:
            return _json_number(text)
        except ValueError:  # beyond what a number may be: the check says so of the text
            return text
    return text


_MISSING = object()


@attrs.frozen
class _Column:
    index: int
    name: str
    kind: str
    levels: tuple[str, ...]


def _cell_value(column: _Column, text: str) -> object:
    """A cell's value for its indicator; _MISSING when it is empty."""
    text = text.strip()
    if not text:
        return _MISSING
    kind = column.kind
    if kind == "enum" and text in column.levels:
        return text
    marked = _NOT_APPLICABLE.fullmatch(text)
    if marked is not None:
        return {NA_KEY: (marked.group(1) or "").strip()}
    if kind == "bool":
        value = _BOOLS.get(text.casefold())
        return text if value is None else value
    if kind == "enum":
        return text
    if kind == "series":
        return [number(part.strip()) for part in _SERIES_SEPARATOR.split(text)]
    return number(text)


@attrs.frozen
class CsvLayout:
    """What each column of a CSV batch file holds, read from its header: the id, an
    indicator's value (a series in one cell, `3.1;2.7;2.2`, or one column a year, `name[1]`…),
    or the reason a whole item (group, category) is not applicable (`not_applicable:<id>`)."""

    width: int
    id_index: int | None
    columns: tuple[_Column, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]
    excuses: tuple[tuple[int, str], ...]

    @classmethod
    def read(cls, rubric: Rubric, header: Sequence[str], file: str) -> CsvLayout:
        """The layout of a header; BatchError lists every problem with it at once."""
        specs = rubric.indicators
        problems: list[str] = []
        seen: dict[str, int] = {}
        id_index: int | None = None
        columns: list[_Column] = []
        parts: dict[str, dict[int, int]] = {}
        excuses: list[tuple[int, str]] = []
        for index, raw in enumerate(header):
            name = raw.strip()
            if index == 0:
                name = name.lstrip("\ufeff")
            if not name:  # a column without a name (a spreadsheet's trailing comma): left out
                continue
            if name in seen:
                problems.append(_("column {column} is given twice").format(column=_quoted(name)))
                continue
            seen[name] = index
            spec = specs.get(name)
            part = _SERIES_COLUMN.fullmatch(name)
            if spec is None and name == ID_COLUMN:
                id_index = index
            elif spec is None and name.startswith(EXCUSE_PREFIX):
                excused = name[len(EXCUSE_PREFIX) :].strip()
                if excused not in rubric.reportable:
                    allowed = ", ".join(sorted(rubric.reportable)[:10]) or "-"
                    problems.append(
                        _(
                            "column {column}: the rubric allows no such 合理缺项 (allowed: "
                            "{allowed})"
                        ).format(column=_quoted(name), allowed=allowed)
                    )
                excuses.append((index, excused))
            elif spec is None and part is not None and part.group(1) in specs:
                series, position = part.group(1), int(part.group(2))
                if specs[series].kind != "series":
                    problems.append(
                        _("column {column}: {name} is not a series").format(
                            column=_quoted(name), name=_quoted(series)
                        )
                    )
                parts.setdefault(series, {})[position] = index
            elif spec is None:
                problems.append(
                    _("column {column}: {problem}").format(
                        column=_quoted(name),
                        problem=unknown_indicator(closest(name, specs, DEFAULT_LIMITS)),
                    )
                )
            elif spec.derived:
                problems.append(
                    _("column {column}: {problem}").format(
                        column=_quoted(name), problem=computed_by_rubric(spec)
                    )
                )
            else:
                columns.append(_Column(index, name, spec.kind, spec.levels))
        yearly: list[tuple[str, tuple[int, ...]]] = []
        for name, positions in parts.items():
            length = specs[name].series_length or 0
            if name in seen:
                problems.append(
                    _("column {column} and the columns {name}[1]… give the same series").format(
                        column=_quoted(name), name=shown(name)
                    )
                )
            elif sorted(positions) != list(range(1, length + 1)):
                problems.append(
                    _(
                        "columns {name}[…]: a series of {count} yearly values needs the columns "
                        "{name}[1] to {name}[{count}], one each"
                    ).format(name=shown(name), count=length)
                )
            yearly.append((name, tuple(positions[p] for p in sorted(positions))))
        given = set(seen) | set(parts)
        for name, spec in specs.items():
            if not spec.derived and name not in given:
                problems.append(
                    _("no column for the indicator {name} ({type})").format(
                        name=_quoted(name), type=describe(spec)
                    )
                )
        if problems:
            raise BatchError(_header_problems(file, problems))
        return cls(len(header), id_index, tuple(columns), tuple(yearly), tuple(excuses))

    def row(
        self, cells: Sequence[str]
    ) -> tuple[str | None, dict[str, object], dict[str, str] | None]:
        """A row's id, indicators and whole 合理缺项; UnreadRowError when the row cannot even be
        read (cells missing or too many, text that is not UTF-8)."""
        id = None
        if self.id_index is not None and self.id_index < len(cells):
            id = cells[self.id_index].strip() or None
        if len(cells) != self.width:
            message = _("has {count} cells; the header has {width}").format(
                count=f"{len(cells):,}", width=f"{self.width:,}"
            )
            raise UnreadRowError([IndicatorProblem("(row)", message)], id)
        joined = "".join(cells)
        if not joined.isascii() and _NOT_UTF8.search(joined) is not None:
            message = _("is not UTF-8 text; save the file as UTF-8")
            raise UnreadRowError([IndicatorProblem("(row)", message)], id)
        indicators: dict[str, object] = {}
        for column in self.columns:
            # the cells most files hold (true, 12, 95.5) read here as _cell_value reads them;
            # every other cell, by _cell_value
            text = cells[column.index]
            kind = column.kind
            value: object
            if kind == "bool":
                value = _BOOLS.get(text)
                if value is None:
                    value = _cell_value(column, text)
            elif kind == "enum" or kind == "series" or not text.isascii():
                value = _cell_value(column, text)
            elif text.isdigit() and len(text) <= 18:
                value = int(text)
            elif text.replace(".", "", 1).isdigit():
                value = _json_number(text)
            else:
                value = _cell_value(column, text)
            if value is not _MISSING:
                indicators[column.name] = value
        for name, indices in self.series:
            texts = [cells[index].strip() for index in indices]
            if not any(texts):
                continue
            marked = _NOT_APPLICABLE.fullmatch(texts[0])
            if marked is not None and not any(texts[1:]):
                indicators[name] = {NA_KEY: (marked.group(1) or "").strip()}
            else:
                indicators[name] = [number(text) for text in texts]
        reported = None
        for index, excused in self.excuses:
            reason = cells[index].strip()
            if reason:
                reported = reported or {}
                reported[excused] = reason
        return id, indicators, reported


def _quoted(name: str) -> str:
    return "'" + shown(name) + "'"


def _header_problems(file: str, problems: list[str]) -> str:
    heading = (
        _("{file}: the header has {count} problem:")
        if len(problems) == 1
        else _("{file}: the header has {count} problems:")
    )
    lines = "\n".join(f"  - {problem}" for problem in problems[:50])
    if len(problems) > 50:
        lines += "\n  " + _("… and {count} more").format(count=f"{len(problems) - 50:,}")
    return heading.format(file=shown(file, 300), count=len(problems)) + "\n" + lines


# ---- reading a batch file: JSON Lines ---------------------------------------------------------

_ENVELOPE = frozenset({"id", "indicators", "not_applicable"})


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(given_twice(key))
            seen.add(key)
    return mapping


_JSON = json.JSONDecoder(parse_float=_json_number, object_pairs_hook=_unique)


def _parse_json(data: bytes | bytearray | str) -> object:
    text = data if isinstance(data, str) else bytes(data).decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return _JSON.decode(text)


def record(
    rubric: Rubric, data: object
) -> tuple[str | None, Mapping[str, object], Mapping[str, str] | None]:
    """One JSON Lines record (a line of text, or its object) read as a row: the object is the
    indicators, or it holds them under "indicators", beside an "id" and "not_applicable" (whole
    items, groups or categories → reasons). Numbers are read exactly as written (see
    `number`). IndicatorError says why a record cannot be read."""
    if isinstance(data, (bytes, bytearray, str)):
        try:
            data = _parse_json(data)
        except UnicodeDecodeError:
            message = _("is not UTF-8 text; save the file as UTF-8")
            raise IndicatorError([IndicatorProblem("(row)", message)]) from None
        except ValueError as problem:  # JSONDecodeError, a key twice, an int of 4,300 digits
            reason = problem.msg if isinstance(problem, json.JSONDecodeError) else str(problem)
            message = _("is not a JSON object ({reason})").format(reason=clip(reason, 200))
            raise IndicatorError([IndicatorProblem("(row)", message)]) from None
        except RecursionError:
            message = _("is not a JSON object ({reason})").format(reason="nested too deeply")
            raise IndicatorError([IndicatorProblem("(row)", message)]) from None
    if not isinstance(data, Mapping):
        message = _("is not a JSON object of indicators (a {type})").format(
            type=type(data).__name__
        )
        raise IndicatorError([IndicatorProblem("(row)", message)])
    inner = data.get("indicators")
    if not isinstance(inner, Mapping) or "indicators" in rubric.indicators:
        return None, data, None
    problems: list[IndicatorProblem] = []
    for key in data:
        if key not in _ENVELOPE:
            message = _("unknown key; a line holds id, indicators and not_applicable")
            problems.append(IndicatorProblem(clip(str(key), 80), message))
    id = data.get("id")
    shown_id = None
    if id is not None and (isinstance(id, bool) or not isinstance(id, (str, int, float, Decimal))):
        problems.append(IndicatorProblem("id", _("is not text or a number")))
    elif id is not None:
        shown_id = id if isinstance(id, str) else str(id)
    if problems:
        raise UnreadRowError(problems, shown_id)
    return shown_id, inner, data.get("not_applicable")


# ---- a batch file, read and scored in tasks ---------------------------------------------------


@attrs.frozen
class _Unread:
    """A row that could not be read from the file (longer than the limit, or not CSV): refused
    with the reason, in the language of the process that read it."""

    reason: str
    size: int = 0


Record = bytes | list[str] | _Unread


@attrs.frozen
class _Done:
    """What a task of a batch file gives back: its rows written, and the refused ones."""

    data: bytes
    scored: int
    refused: tuple[tuple[int, str | None, tuple[IndicatorProblem, ...], int], ...]
    size: int


@attrs.frozen
class _FileJob:
    """Reads, scores and writes a task of a batch file's rows, in whichever process runs it: of
    JSON Lines, (bytes read, lines before it, its pieces: blocks of whole lines and the lines
    too long to keep); of CSV, (bytes read, its rows read by the parent, with their lines)."""

    rubric: Rubric
    trace: str
    layout: CsvLayout | None  # None: JSON Lines
    output: str
    items: tuple[str, ...]
    limits: Limits

    def run(self, task: tuple[Any, ...]) -> _Done:
        out = io.StringIO()
        writer: Any = csv.writer(out, lineterminator="\n") if self.output == "csv" else None
        refused: list[tuple[int, str | None, tuple[IndicatorProblem, ...], int]] = []
        if self.layout is None:
            size, start, pieces = task
            rows = self._lines(start, pieces, out, writer, refused)
        else:
            size, found = task
            quick = self._quick(writer)
            for line, data in found:
                written = None
                if quick is not None and type(data) is list:
                    try:
                        id, indicators, reported = self.layout.row(data)
                    except IndicatorError:
                        pass
                    else:
                        written = quick.scored(line, id, indicators, reported)
                if written is None:
                    self._row(line, data, out, writer, refused)
                elif isinstance(written, str):
                    out.write(written)
                else:
                    writer.writerow(written)
            rows = len(found)
        # controls, bidi marks and text the input could not decode (kept as surrogates) are
        # written as escapes, as in every other output
        text = out.getvalue()
        data = (json_escape(text) if writer is None else escape_block(text)).encode("utf-8")
        return _Done(data, rows - len(refused), tuple(refused), size)

    def _lines(
        self,
        number: int,
        pieces: list[bytes | _Unread],
        out: io.StringIO,
        writer: Any,
        refused: list[tuple[int, str | None, tuple[IndicatorProblem, ...], int]],
    ) -> int:
        """The rows of a JSON Lines task written to `out`; how many there were. Each line of a
        block ends with a newline (the reader gives the file's last line one)."""
        most = self.limits.max_file_bytes
        quick = self._quick(writer)
        rows = 0
        for piece in pieces:
            if isinstance(piece, _Unread):
                number += 1
                rows += 1
                self._row(number, piece, out, writer, refused)
                continue
            lines = piece.split(b"\n")
            lines.pop()  # what follows the last newline: nothing
            for line in lines:
                number += 1
                if len(line) > most:
                    rows += 1
                    self._row(number, _too_long(len(line) + 1, most), out, writer, refused)
                    continue
                if not line or line.isspace():  # a blank line: counted, but no row
                    continue
                rows += 1
                written = None if quick is None else quick.line(number, line)
                if written is None:
                    self._row(number, line, out, writer, refused)
                elif isinstance(written, str):
                    out.write(written)
                else:
                    writer.writerow(written)
        return rows

    def _quick(self, writer: Any) -> _Quick | None:
        if self.trace != "none":
            return None
        return _Quick(self.rubric, self.rubric.scorer, self.items, writer)

    def _row(
        self,
        number: int,
        data: Record,
        out: io.StringIO,
        writer: Any,
        refused: list[tuple[int, str | None, tuple[IndicatorProblem, ...], int]],
    ) -> None:
        """One row read and scored the exact way, with every check, and written."""
        id: str | None = None
        indicators: Mapping[str, object]
        reported: Mapping[str, str] | None
        result: Score | Result | None = None
        problems: tuple[tuple[IndicatorProblem, ...], int] | None = None
        try:
            if isinstance(data, _Unread):
                raise IndicatorError([IndicatorProblem("(row)", data.reason)])
            if self.layout is not None:
                assert isinstance(data, list)
                id, indicators, reported = self.layout.row(data)
            else:
                id, indicators, reported = record(self.rubric, data)
            result = _evaluate(self.rubric, indicators, reported, self.trace)
        except IndicatorError as error:
            if isinstance(error, UnreadRowError):
                id = error.id
            problems = (tuple(error.problems), error.omitted)
            refused.append((number, id, *problems))
        if writer is not None:
            writer.writerow(_csv_cells(number, id, result, problems, self.items))
        else:
            out.write(_json_line(number, id, result, problems, self.items))


def _json_line(
    row: int,
    id: str | None,
    result: Score | Result | None,
    problems: tuple[tuple[IndicatorProblem, ...], int] | None,
    items: tuple[str, ...],
) -> str:
    """A row as its JSON line: what json.dumps writes of `figures` or `refusal` after the row
    and the id, put together from the texts (most of them numbers) in a fraction of the
    time."""
    if result is None:
        assert problems is not None
        start = f'{{"row": {row}'
        if id is not None:
            start += ', "id": ' + json.dumps(id, ensure_ascii=False)
        rest = json.dumps(refusal(*problems), ensure_ascii=False)
        return start + ", " + rest[1:] + "\n"
    line = _json_scored(
        row,
        id,
        _figure_texts_of(result),
        json.dumps(_grade(result), ensure_ascii=False),
        result.eligible,
        not result.passed_vetoes,
        _item_texts(items, json_members=True)(result),
    )
    losses = getattr(result, "losses", ())
    if losses:
        found = [{"where": where, **rule.to_dict()} for where, rule in losses]
        line += ', "losses": ' + json.dumps(found, ensure_ascii=False)
    return line + "}\n"


def _figure_texts_of(result: Score | Result) -> tuple[str, str, str, str]:
    """A result's total, base, bonus and deducted points, as written out."""
    return fmt(result.total), fmt(result.base), fmt(result.bonus), fmt(result.deducted)


def _csv_scored(
    row: int,
    id: str | None,
    figures: Sequence[str],
    grade: str | None,
    eligible: bool,
    failed: bool,
    items: Sequence[str],
) -> list[str]:
    """A scored row's CSV cells, from the texts of its figures and items."""
    flags = ["true" if eligible else "false", "true" if failed else "false"]
    return [str(row), id or "", *figures, grade or "", *flags, *items, ""]


def _json_scored(
    row: int,
    id: str | None,
    figures: Sequence[str],
    grade: str,
    eligible: bool,
    failed: bool,
    members: Sequence[str],
) -> str:
    """A scored row's JSON line without its closing brace (and anything after the items):
    what json.dumps writes of `figures`, from the texts of its figures, grade (as JSON) and
    item members."""
    start = "" if id is None else ', "id": ' + json.dumps(id, ensure_ascii=False)
    total, base, bonus, deducted = figures
    return (
        f'{{"row": {row}{start}, "total": "{total}", "base": "{base}", '
        f'"bonus": "{bonus}", "deducted": "{deducted}", "grade": {grade}, '
        f'"eligible": {"true" if eligible else "false"}, '
        f'"failed_by_veto": {"true" if failed else "false"}, '
        f'"items": {{{", ".join(members)}}}'
    )


def _too_long(size: int, most: int) -> _Unread:
    message = _("is {size} bytes long; a row may have at most {most} bytes (--max-file-mb)")
    return _Unread(message.format(size=f"{size:,}", most=f"{most:,}"), size)


# JSON's own whitespace, which may follow a line's object
_JSON_SPACE = " \t\n\r"
# What of a line's bytes tells the plain decoder's reading from the exact one's: the characters
# of numbers as "0", the letter of an exponent as "e", the colons and braces; the rest left out
# (one pass of translate, then short searches). A number the plain decoder may read otherwise
# than `_json_number` has an exponent ("0e") or more than 16 characters (17 "0"s in a row);
# a string may only look like one, which costs the quick way, never the exact result.
_SHAPE = {**dict.fromkeys(b"0123456789.-", ord("0")), ord("e"): ord("e"), ord("E"): ord("e")}
_SHAPE.update({ord(","): ord(","), ord(":"): ord(":"), ord("{"): ord("{")})
_SHAPE.update({ord("["): ord(","), ord("]"): ord(",")})
_NUMERALS = bytes(_SHAPE.get(byte, byte) for byte in range(256))
_NOT_NUMERALS = bytes(byte for byte in range(256) if byte not in _SHAPE)
_LONG_NUMBER = b"0" * 17
# the C scanner, without decode()'s regular expressions around it
_scan: Callable[[str, int], tuple[object, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class _Quick:
    """The common JSON line scored quickly, with trace="none": read by the plain (C) JSON
    decoder, read by the generated scorer, its figures written from the whole numbers it gives
    (each distinct text made once). A line this cannot vouch for reads as the exact way would
    read it (a key given twice, a number that is not a float's, text that is not UTF-8, a value
    the generated code does not take) is left to that way (`line` gives None), which then
    scores it or says what is wrong with it."""

    def __init__(
        self, rubric: Rubric, scorer: CompiledRubric, items: tuple[str, ...], writer: Any
    ) -> None:
        self.rubric, self.scorer, self.csv = rubric, scorer, writer is not None
        self.reportable = rubric.tree.reportable
        self.containers = scorer.containers
        self.item_texts = _item_texts(items, json_members=not self.csv)
        self.items, self.scale, self.count = items, scorer.scale, len(items)
        self.texts = _figure_texts(scorer.scale)
        self.grades: dict[str | None, str] = {}  # as JSON

    def line(self, number: int, line: bytes) -> str | list[str] | None:
        """The row's output (a JSON line, or CSV cells), or None for the exact way."""
        try:
            text = line.decode("utf-8")
            data, end = _scan(text, 0)
        except (ValueError, StopIteration, RecursionError):
            return None
        if type(data) is not dict or (end != len(text) and text[end:].strip(_JSON_SPACE)):
            return None
        id: str | None = None
        indicators: Mapping[str, object] = data
        reported: object = None
        if "indicators" in data:
            try:
                id, indicators, reported = record(self.rubric, data)
            except IndicatorError:
                return None
        values = self.scorer.read(indicators)
        if values is None or not self._as_written(line, data, indicators, reported):
            return None
        return self._scored(number, id, values, reported)

    def scored(
        self, number: int, id: str | None, indicators: Mapping[str, object], reported: object
    ) -> str | list[str] | None:
        """The output of a row read exactly (a CSV row's), or None for the exact way."""
        values = self.scorer.read(indicators)
        return None if values is None else self._scored(number, id, values, reported)

    def _scored(
        self, number: int, id: str | None, values: tuple[Any, ...], reported: object
    ) -> str | list[str] | None:
        try:
            raw = self.scorer.score(values, read_reported(self.reportable, reported))
        except (IndicatorError, NeedsTreeError):
            return None
        return self._written(number, id, raw)

    def _as_written(
        self,
        line: bytes,
        data: dict[str, object],
        indicators: Mapping[str, object],
        reported: object,
    ) -> bool:
        """Whether the plain decoder read the line as `_parse_json` does. No key is given twice
        when the line's colons are no more than the keys read (every key has its colon), when
        its braces are the objects counted; no number differs when none has an exponent or
        more than 16 characters."""
        objects, keys = 1, len(data)
        if indicators is not data:
            objects, keys = objects + 1, keys + len(indicators)
            if type(reported) is dict:
                objects, keys = objects + 1, keys + len(reported)
        shape = line.translate(_NUMERALS, _NOT_NUMERALS)
        braces = shape.count(b"{")
        if braces != objects:
            for name in self.containers:  # where read() takes a mapping (合理缺项)
                value = indicators[name]
                if type(value) is dict:
                    objects, keys = objects + 1, keys + len(value)
            if braces != objects:
                return False
        return shape.count(b":") == keys and b"0e" not in shape and _LONG_NUMBER not in shape

    def _written(self, number: int, id: str | None, raw: tuple[Any, ...]) -> str | list[str]:
        """The row's output from the scorer's raw figures: (total, base, base before 合理缺项,
        bonus, points not applicable, -deducted, item scores, item maxima, eligible, failed by
        a veto, grade), whole numbers of 10^-scale points."""
        total, base, _raw, bonus, _na, deducted, scores, _most, eligible, failed, grade = raw
        texts = self.texts
        tables = self.item_texts.made.get(self.scale)
        try:
            figures = texts[total], texts[base], texts[bonus], texts[-deducted]
            if tables is None or len(scores) != self.count:
                raise KeyError(scores)
            found = list(map(getitem, tables, scores))
        except KeyError:  # a figure or score not seen yet
            made = [_figure_text(texts, value, self.scale) for value in (total, base, bonus)]
            made.append(_figure_text(texts, -deducted, self.scale))
            known = self.item_texts.scaled(self.scale, scores)
            if None in made or known is None:
                return self._slowly(number, id, raw)
            figures, found = tuple(made), known  # type: ignore[assignment]
        if self.csv:
            return _csv_scored(number, id, figures, grade, eligible, failed, found)
        shown = self.grades.get(grade)
        if shown is None:
            shown = self.grades[grade] = json.dumps(grade, ensure_ascii=False)
        return _json_scored(number, id, figures, shown, eligible, failed, found) + "}\n"

    def _slowly(self, number: int, id: str | None, raw: tuple[Any, ...]) -> str | list[str]:
        """The output as a `Score` of the raw figures gives it, for forms not known here."""
        result = Score(self.rubric.tree.info, raw, self.scale, self.scorer.items)
        if self.csv:
            return _csv_cells(number, id, result, None, self.items)
        return _json_line(number, id, result, None, self.items)


# Per process, for each scale: figures (whole numbers of 10^-scale points) → their texts.
_FIGURES: dict[int, dict[int, str]] = {}


def _figure_texts(scale: int) -> dict[int, str]:
    return _FIGURES.setdefault(scale, {})


def _figure_text(texts: dict[int, str], value: object, scale: int) -> str | None:
    """A figure's text, kept for the next row; None for a figure that is not a whole number."""
    if type(value) is not int:
        return None
    if len(texts) > 100_000:
        texts.clear()
    text = texts[value] = _scaled_text(value, scale)
    return text


def _read(stream: IO[bytes], most: int, file: str) -> bytes:
    try:
        return stream.read(most)
    except OSError as problem:
        raise _cannot_read(file, problem) from None


def _jsonl_tasks(
    stream: IO[bytes], most: int, file: str
) -> Iterator[tuple[int, int, list[bytes | _Unread]]]:
    """A JSON Lines file cut into tasks of about BYTES_PER_TASK bytes read: (the bytes read,
    the lines before the task, its pieces). A piece is a block of whole lines, each ending with
    a newline (the file's last line is given one), or a line over the limit of `most` bytes,
    skipped to its end rather than kept, to be refused. The workers split the blocks: here
    the lines are only counted."""
    pieces: list[bytes | _Unread] = []
    size = lines = start = 0
    buffer = b""  # the start of a line not ended yet
    while True:
        data = _read(stream, READ_SIZE, file)
        if not data:
            break
        size += len(data)
        buffer = buffer + data if buffer else data
        while True:
            cut = buffer.rfind(b"\n") + 1
            if cut:
                block, buffer = buffer[:cut], buffer[cut:]
                pieces.append(block)
                lines += block.count(b"\n")
            if len(buffer) <= most:
                break
            skipped = len(buffer)
            while True:  # the rest of the line, not kept
                data = _read(stream, READ_SIZE, file)
                size += len(data)
                cut = data.find(b"\n") + 1
                skipped += cut or len(data)
                if cut or not data:
                    buffer = data[cut:] if cut else b""
                    break
            pieces.append(_too_long(skipped, most))
            lines += 1
        if size >= BYTES_PER_TASK:
            yield size, start, pieces
            pieces, size, start = [], 0, lines
    if buffer:
        pieces.append(buffer + b"\n")
    if pieces or size:
        yield size, start, pieces


class _Lines:
    """A batch file's lines as bytes, each within the limit (a longer one is skipped to its end
    and refused), counting the lines and the bytes read."""

    def __init__(self, stream: IO[bytes], most: int, file: str) -> None:
        self.stream, self.most, self.file = stream, most, file
        self.read = 0
        self.number = 0

    def __iter__(self) -> Iterator[bytes | _Unread]:
        while True:
            line = self._line(self.most + 1)
            if not line:
                return
            self.number += 1
            self.read += len(line)
            if len(line) > self.most and not line.endswith(b"\n"):
                size = len(line)
                while line and not line.endswith(b"\n"):  # the rest of it, not kept
                    line = self._line(BYTES_PER_TASK)
                    size += len(line)
                    self.read += len(line)
                yield _too_long(size, self.most)
            else:
                yield line

    def _line(self, most: int) -> bytes:
        try:
            return self.stream.readline(most)
        except OSError as problem:
            raise _cannot_read(self.file, problem) from None


def _csv_rows(lines: _Lines, first: int) -> Iterator[tuple[int, Record]]:
    """The CSV rows after the header, each with the line it starts on; a line longer than the
    limit is refused (and read as an empty line)."""
    too_long: list[tuple[int, _Unread]] = []

    def texts() -> Iterator[str]:
        for line in lines:
            if isinstance(line, _Unread):
                too_long.append((lines.number, line))
                yield "\n"
            else:
                yield line.decode("utf-8", "surrogateescape")

    reader = csv.reader(texts())
    start = first + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as problem:  # a field over csv's own limit, a NUL
            yield start, _Unread(_("cannot be read as CSV ({reason})").format(reason=problem))
            start = first + reader.line_num + 1
            continue
        while too_long:
            yield too_long.pop(0)
        if cells and any(cells):
            yield start, cells
        start = first + reader.line_num + 1
    yield from too_long


def _tasks_of(rows: Iterator[tuple[int, Record]], lines: _Lines) -> Iterator[Any]:
    task: list[tuple[int, Record]] = []
    size = 0
    start = lines.read
    for row in rows:
        task.append(row)
        data = row[1]
        size += data.size if isinstance(data, _Unread) else len(data)
        if len(task) == ROWS_PER_TASK or size >= BYTES_PER_TASK:
            yield (lines.read - start, task)
            task, size, start = [], 0, lines.read
    if task or lines.read > start:
        yield (lines.read - start, task)


def written_format(
    asked: str | None, output: str | os.PathLike[str] | IO[bytes] | None, kind: str | None
) -> str | None:
    """The format a batch writes: the one asked for, else as the output's name says, else the
    input's `kind`."""
    if asked is not None:
        return asked
    named = None if output is None or _is_stream(output) else format_of(output)  # type: ignore[arg-type]
    return named or kind


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The batch format a file's name says: csv for .csv, jsonl for .jsonl and .ndjson."""
    return _SUFFIXES.get(Path(path).suffix.lower())


@attrs.frozen
class Summary:
    """How a batch went: rows scored and refused, the first refused rows' numbers, seconds."""

    scored: int
    refused: int
    seconds: float
    first_refused: tuple[int, ...] = ()

    @property
    def rows(self) -> int:
        return self.scored + self.refused


Refused = Callable[[int, str | None, IndicatorError], None]
Progress = Callable[[int, int], None]


def score_file(
    rubric: Rubric,
    source: str | os.PathLike[str],
    output: str | os.PathLike[str] | IO[bytes],
    *,
    input_format: str | None = None,
    output_format: str | None = None,
    jobs: int | None = 1,
    trace: str = "none",
    limits: Limits = DEFAULT_LIMITS,
    refused: Refused | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Score every row of a CSV or JSON Lines batch file and write one row out for each, in
    order, to `output`: a path (written whole or not at all: into a temporary file beside it,
    renamed into place at the end) or a binary stream. A refused row is written with its
    problems and passed to `refused(row, id, error)`; `progress(bytes_read, rows_done)` is
    called as the work goes. Rows are numbered by the line they start on (a CSV header is
    line 1). BatchError when the file cannot be scored at all."""
    trace = _checked_trace(trace, ("none", "lost"))
    workers = _checked_jobs(jobs)
    file = os.fspath(source)
    kind = input_format or format_of(file)
    if kind not in FORMATS:
        raise BatchError(
            _(
                "{file}: cannot tell the batch file's format from its name; name it .csv or "
                ".jsonl, or say which with --input-format"
            ).format(file=shown(file, 300))
        )
    output_format = written_format(output_format, output, kind)
    if output_format not in FORMATS:
        raise RubricArgumentError(f"output_format must be csv or jsonl, not {output_format!r}")
    if trace == "lost" and output_format == "csv":
        raise RubricArgumentError(
            'trace="lost" writes JSON Lines (the lost rules have no CSV column): '
            'output_format="jsonl"'
        )
    items = tuple(rubric.tree.item_nodes())
    start = time.perf_counter()
    with _opened(file) as stream:
        layout: CsvLayout | None = None
        tasks: Iterator[Any]
        if kind == "csv":
            lines = _Lines(stream, limits.max_file_bytes, file)
            header = _csv_header(lines, file)
            layout = CsvLayout.read(rubric, header, file)
            tasks = _tasks_of(_csv_rows(lines, lines.number), lines)
        else:
            tasks = _jsonl_tasks(stream, limits.max_file_bytes, file)
        job = _FileJob(rubric, trace, layout, output_format, items, limits)
        scored = refused_count = done_bytes = 0
        first_refused: list[int] = []
        with _output(output) as out:
            if output_format == "csv":
                text = io.StringIO()
                csv.writer(text, lineterminator="\n").writerow(csv_header(items))
                out.write(text.getvalue().encode("utf-8"))
            for done in _ordered_map(job, tasks, workers):
                out.write(done.data)
                scored += done.scored
                refused_count += len(done.refused)
                for line, id, problems, omitted in done.refused:
                    if len(first_refused) < 10:
                        first_refused.append(line)
                    if refused is not None:
                        refused(line, id, IndicatorError(problems, omitted))
                done_bytes += done.size
                if progress is not None:
                    progress(done_bytes, scored + refused_count)
    seconds = time.perf_counter() - start
    return Summary(scored, refused_count, seconds, tuple(first_refused))


def _csv_header(lines: _Lines, file: str) -> list[str]:
    """The header row of a CSV batch file (its first line that is not empty)."""
    for line in lines:
        if isinstance(line, _Unread):
            break
        text = line.decode("utf-8", "surrogateescape").lstrip("\ufeff")
        if not text.strip():
            continue
        try:
            return next(csv.reader([text]))
        except csv.Error:
            break
    message = _("{file}: no header row naming the indicators")
    raise BatchError(message.format(file=shown(file, 300)))


class _Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


def _is_stream(output: object) -> bool:
    return hasattr(output, "write")


@contextmanager
def _opened(file: str) -> Iterator[IO[bytes]]:
    name = shown(file, 300)
    try:
        stream = open(file, "rb")
    except FileNotFoundError:
        raise BatchError(_("{file}: no such batch file").format(file=name)) from None
    except IsADirectoryError:
        message = _("{file}: not a regular file (a folder); give the batch file as a file")
        raise BatchError(message.format(file=name)) from None
    except OSError as problem:
        raise _cannot_read(file, problem) from None
    with stream:
        yield stream


def _cannot_read(file: str, problem: OSError) -> BatchError:
    message = _("{file}: cannot read ({reason})")
    return BatchError(message.format(file=shown(file, 300), reason=problem.strerror))


def size_of(source: str | os.PathLike[str]) -> int | None:
    """A batch file's size, for the progress bar; None for a pipe."""
    try:
        status = os.stat(source)
    except OSError:
        return None
    return status.st_size if status.st_size > 0 else None


@contextmanager
def _output(output: str | os.PathLike[str] | IO[bytes]) -> Iterator[_Sink]:
    """Where the rows go: a stream, its failures (but a closed pipe) said as CannotWriteError;
    or a path, written whole or not at all (atomic.written_atomically)."""
    if _is_stream(output):
        yield _Streaming(output)  # type: ignore[arg-type]
        return
    with written_atomically(output) as stream:  # type: ignore[arg-type]
        yield stream


class _Streaming:
    """A stream the rows are written to (standard output, say): a reader that has gone is the
    caller's to handle (BrokenPipeError); any other failure cannot write the output."""

    def __init__(self, stream: _Sink) -> None:
        self.stream = stream

    def write(self, data: bytes) -> object:
        try:
            return self.stream.write(data)
        except BrokenPipeError:
            raise
        except OSError as problem:
            message = _("cannot write the output: {reason}")
            raise CannotWriteError(message.format(reason=problem.strerror or problem)) from None


def records(
    records: Iterable[object], rubric: Rubric, *, trace: str = "none"
) -> list[dict[str, Any]]:
    """Score a partition of JSON Lines records (lines of text, or their objects) as `score
    --batch` writes them, one dict per record: "row" (its place in the partition, from 1; a
    blank line is counted but gives none), the "id" it gives, then its figures (exact numbers
    as text) or its "problems". For Dask's `map_partitions` (docs/scale.md) and any other
    framework that hands out partitions."""
    trace = _checked_trace(trace, ("none", "lost"))
    items = tuple(rubric.tree.item_nodes())
    scored: list[dict[str, Any]] = []
    for row, data in enumerate(records, start=1):
        if isinstance(data, (str, bytes, bytearray)) and not data.strip():
            continue  # a blank line: no row, but counted, as in a file
        document: dict[str, Any] = {"row": row}
        try:
            id, indicators, reported = record(rubric, data)
            if id is not None:
                document["id"] = id
            document.update(figures(_evaluate(rubric, indicators, reported, trace), items))
        except IndicatorError as error:
            if isinstance(error, UnreadRowError) and error.id is not None:
                document["id"] = error.id
            document.update(refusal(error.problems, error.omitted))
        scored.append(document)
    return scored
