"""The public entry points: load a rubric file or text, evaluate it on a district's indicators."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, overload

import attrs

from rubricdsl import ast
from rubricdsl.compiled import (
    CompiledRubric,
    Losses,
    NeedsTreeError,
    Score,
    compile_scorer,
    figures_of,
    losses_of,
    short_items,
)
from rubricdsl.errors import (
    Diagnostic,
    RubricArgumentError,
    RubricError,
    RubricSyntaxError,
    diagnostic,
)
from rubricdsl.evaltree import OnSite, RubricTree, compile_tree
from rubricdsl.exact import exactly
from rubricdsl.files import read_text
from rubricdsl.inputs import read_indicators, read_reported
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.model import CheckedRubric, IndicatorSpec, check, compile_errors, reserved_words
from rubricdsl.overrides import Override, check_applied, check_overrides, read_evidence
from rubricdsl.parser import Parsed, parse_rubric
from rubricdsl.source import Span
from rubricdsl.trace import Result
from rubricdsl.transform import to_ast

if TYPE_CHECKING:
    from rubricdsl.batch import Row, Scored


@attrs.frozen
class Rubric:
    """A compiled rubric: immutable, so one object serves many evaluations and threads.

    It pickles (to send it to worker processes or a cluster) as the text it was compiled from,
    its source name and its limits, and is compiled again from them when unpickled: the copy
    equals the original (`==` compares the checked model, its warnings and the evaluation tree)
    and scores every district the same. `text` is None for a Rubric made by hand from a model,
    which does not pickle."""

    checked: CheckedRubric
    tree: RubricTree
    text: str | None = attrs.field(default=None, eq=False, repr=False)
    limits: Limits = attrs.field(default=DEFAULT_LIMITS, eq=False, repr=False)
    # the generated scorer, made on the first evaluation without a trace or the second with
    # one (a load needs none)
    _scorers: list[CompiledRubric] = attrs.field(factory=list, init=False, eq=False, repr=False)
    # whether a traced evaluation has been done: generating the scorer costs about five of
    # the tree's (2020 table: ~10 ms), so one that reads its trace (the CLI's `score`, one
    # report) is done by the tree alone, and the scorer made for the next
    _traced_once: list[bool] = attrs.field(factory=list, init=False, eq=False, repr=False)

    def __reduce__(self) -> tuple[Callable[[str, str, Limits], Rubric], tuple[str, str, Limits]]:
        if self.text is None:
            raise TypeError(
                "a Rubric made without its source text cannot be pickled: make it with "
                "rubricdsl.load or rubricdsl.loads"
            )
        return loads, (self.text, self.source_name, self.limits)

    @property
    def title(self) -> str:
        return self.checked.title

    @property
    def year(self) -> int:
        return self.checked.year

    @property
    def source_name(self) -> str:
        return self.checked.source_name

    @property
    def indicators(self) -> Mapping[str, IndicatorSpec]:
        return self.checked.indicators

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return self.checked.warnings

    @property
    def reportable(self) -> Mapping[str, str]:
        """What a data file may report 合理缺项 as a whole (`na allowed`): an item by its id, a
        group or category by its title, mapped to where it stands ("item 5")."""
        return self.tree.reportable

    @property
    def scorer(self) -> CompiledRubric:
        """The generated scorer every evaluation scores with where it can (rubricdsl.compiled),
        made on first use."""
        if not self._scorers:
            self._scorers.append(compile_scorer(self.tree, self.checked.indicators))
        return self._scorers[0]

    @overload
    def evaluate(
        self,
        indicators: Mapping[str, object],
        not_applicable: Mapping[str, str] | None = None,
        *,
        evidence: Mapping[str, object] | None = None,
        overrides: Sequence[Mapping[str, object] | Override] | None = None,
        trace: Literal["full"] = "full",
    ) -> Result: ...

    @overload
    def evaluate(
        self,
        indicators: Mapping[str, object],
        not_applicable: Mapping[str, str] | None = None,
        *,
        evidence: Mapping[str, object] | None = None,
        overrides: Sequence[Mapping[str, object] | Override] | None = None,
        trace: Literal["lost", "none"],
    ) -> Score: ...

    def evaluate(
        self,
        indicators: Mapping[str, object],
        not_applicable: Mapping[str, str] | None = None,
        *,
        evidence: Mapping[str, object] | None = None,
        overrides: Sequence[Mapping[str, object] | Override] | None = None,
        trace: str = "full",
    ) -> Result | Score:
        """Score the indicators; raises IndicatorError listing every problem with them at once.

        `not_applicable` reports whole items (groups, categories) 合理缺项, by id (title), each
        with its reason; the rubric must allow it (`na allowed`). `evidence` gives, per
        indicator, the references behind its value (a text or a list of texts), shown beside
        the value in the trace and every report. `overrides` are the reviewers' points for a
        rule or an item decided on site (docs/overrides.md): the score counts them, the trace
        keeps what was computed without them; OverrideError lists every problem with them.
        The mappings are copied once at the start, so the caller may reuse or change them; the
        arithmetic runs in rubricdsl's own decimal context, whatever the caller's is.

        `trace` says how much to keep: "full" (a `Result`, the trace behind every point),
        "lost" (a `Score` with the traces of the rules that did not give their points: what
        the office reads) or "none" (a `Score`: the figures only). Every level scores the
        same, with the generated scorer where it can (docs/api.md); the trace is then made by
        the evaluation tree when it is first read, from a copy of the data."""
        if trace not in ("full", "lost", "none"):
            raise RubricArgumentError(f'trace must be "full", "lost" or "none", not {trace!r}')
        scored = None
        first = trace == "full" and not self._scorers and not self._traced_once
        if first:
            self._traced_once.append(True)
        elif overrides is None and evidence is None:
            # whole numbers, and Decimal helpers that enter rubricdsl's own context: no
            # caller's decimal context reaches the score
            scored = self._compiled(indicators, not_applicable, kept=trace != "none")
        if scored is None:
            result = self._traced(indicators, not_applicable, evidence, overrides)
            return result if trace == "full" else Score.of(result, losses=trace == "lost")
        raw, kept, reported = scored
        scorer = self._scorers[0]
        if trace != "full":
            later = functools.partial(self._losses, raw, kept, reported)
            return Score(
                self.tree.info, raw, scorer.scale, scorer.items, later if trace == "lost" else ()
            )
        return self._traced_later(raw, kept, reported)

    def _traced_later(
        self, raw: tuple[Any, ...], kept: dict[str, object], reported: dict[str, str]
    ) -> Result:
        """A Result of the generated scorer's figures, its trace made when first read."""
        total, base, base_raw, bonus, na_points = figures_of(raw, self._scorers[0].scale)
        return Result(
            rubric=self.tree.info,
            total=total,
            base=base,
            base_raw=base_raw,
            bonus=bonus,
            na_points=na_points,
            categories=(),
            all_vetoes=(),
            warnings=self.tree.warnings,
            later=functools.partial(self._traced, kept, reported, None, None),
        )

    def evaluate_many(
        self,
        rows: Iterable[Mapping[str, object] | Row],
        *,
        trace: Literal["full", "lost", "none"] = "none",
        jobs: int | None = 1,
    ) -> Iterator[Scored]:
        """Score many districts as a stream: each row is a mapping of indicators, or a
        `rubricdsl.batch.Row` (indicators, whole 合理缺项, an id). Yields a `Scored` for each
        row in the order given, as soon as it is done: its `result` (a `Score`, or a `Result`
        with trace="full"), or the IndicatorError that refused it, while every other row is
        still scored. `jobs` worker processes share the rows (None: one per core), each given
        this rubric once; rows are read only a few hundred ahead of the results, so a stream of
        any length runs in bounded memory (docs/scale.md)."""
        from rubricdsl.batch import evaluate_many  # multiprocessing: only for a batch

        return evaluate_many(self, rows, trace=trace, jobs=jobs)

    def _compiled(
        self,
        indicators: Mapping[str, object],
        not_applicable: Mapping[str, str] | None,
        *,
        kept: bool,
    ) -> tuple[tuple[Any, ...], dict[str, object], dict[str, str]] | None:
        """The generated scorer's raw figures, with (when `kept`) a copy of the indicators and
        the 合理缺项 it read, for a trace made later; None where the tree must score (data it
        cannot read exactly, a partial point past the scale, a derived value to refuse)."""
        scorer = self.scorer
        values = scorer.read(indicators)
        if values is None:
            return None
        reported = read_reported(self.tree.reportable, not_applicable)
        try:
            raw = scorer.score(values, reported)
        except NeedsTreeError:
            return None
        # read() took a dict of exactly the indicators, so the copy is of one too
        copied = scorer.snapshot(indicators) if kept else {}  # type: ignore[arg-type]
        return raw, copied, reported

    def _losses(
        self, raw: tuple[Any, ...], indicators: dict[str, object], reported: dict[str, str]
    ) -> Losses:
        """The rules that lost points, traced by the tree: those of the items below their
        maximum; the whole evaluation's where the rubric deducts above its items or derives
        indicators (their traces show how the derived values were computed)."""
        tree = self.tree
        if tree.derived or tree.deductions or any(c.deductions for c in tree.categories):
            return losses_of(self._traced(indicators, reported, None, None))
        return self._item_losses(raw, indicators, reported)

    @exactly
    def _item_losses(
        self, raw: tuple[Any, ...], indicators: dict[str, object], reported: dict[str, str]
    ) -> Losses:
        readings = read_indicators(self.checked.indicators, indicators)
        nodes = self.tree.item_nodes()
        return tuple(
            (f"item {item_id}", rule)
            for item_id in short_items(raw, self._scorers[0].items)
            for rule in nodes[item_id].evaluate(readings, reported).rules
            if rule.lost > 0
        )

    @exactly
    def _traced(
        self,
        indicators: Mapping[str, object],
        not_applicable: Mapping[str, str] | None,
        evidence: Mapping[str, object] | None,
        overrides: Sequence[Mapping[str, object] | Override] | None,
    ) -> Result:
        """The evaluation tree's scoring, with the trace behind every point."""
        readings = read_indicators(self.checked.indicators, indicators)
        reported = read_reported(self.tree.reportable, not_applicable)
        references = read_evidence(self.checked.indicators, evidence)
        if overrides is None:
            return self.tree.evaluate(readings, reported, OnSite(MappingProxyType(references)))
        sound, found = check_overrides(overrides, self.tree)
        site = OnSite(
            MappingProxyType(references),
            MappingProxyType({override.key: override for override in sound}),
        )
        result = self.tree.evaluate(readings, reported, site)
        found.problems += check_applied(sound, result).problems
        if found.problems:
            raise found.error(DEFAULT_LIMITS)
        return result


@exactly
def loads(text: str, source_name: str = "<string>", limits: Limits = DEFAULT_LIMITS) -> Rubric:
    """Compile rubric text; raises RubricSyntaxError or RubricCompileError, with line and column
    (a RubricSyntaxError lists the compile errors of the statements that parsed, too).

    TypeError when `text` or `source_name` is not a str."""
    if not isinstance(text, str):
        raise RubricArgumentError(
            f"rubric text must be str, not {type(text).__name__}: decode it first"
        )
    if not isinstance(source_name, str):
        raise RubricArgumentError(f"source_name must be str, not {type(source_name).__name__}")
    if not isinstance(limits, Limits):
        raise RubricArgumentError(f"limits must be rubricdsl.Limits, not {type(limits).__name__}")
    if len(text) > limits.max_file_bytes:
        message = (
            f"the rubric has {len(text):,} characters, over the limit of "
            f"{limits.max_file_bytes:,} (Limits.max_file_bytes; see docs/limits.md)"
        )
        found = diagnostic(
            "error",
            "limit",
            message,
            source_name=source_name,
            text=text[:1000],
            span=Span.point(1, 1),
        )
        raise RubricSyntaxError([found])
    with _collector_paused():
        parsed = parse_rubric(text, source_name, limits)
        if parsed.errors or parsed.tree is None:
            raise RubricSyntaxError(_with_compile_errors(parsed, text, source_name))
        file = to_ast(parsed.tree)
        del parsed  # the parse tree, the largest of the stages, is not needed past here
        checked = check(file, text, source_name)
        return Rubric(checked, compile_tree(checked), text, limits)


# Python's cyclic garbage collector is paused while a rubric is compiled: every object a load
# makes lives until the load ends (parse tree, AST, model, evaluation tree), so the collector
# would find nothing, and it traverses every object made so far each time the objects grow by a
# quarter: over a third of a large load (30,000 items: 36 s of CPU with it, 22 s
# without). Paused once for loads in several threads at a time; enabled again after the last,
# unless it was disabled before the first.
_pause_lock = threading.Lock()
_pauses = 0
_enable_after = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    global _pauses, _enable_after
    with _pause_lock:
        if _pauses == 0:
            _enable_after = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _enable_after:
                gc.enable()


def _with_compile_errors(parsed: Parsed, text: str, source_name: str) -> list[Diagnostic]:
    """The syntax errors, and the compile errors of the statements that parsed, by place:
    every error of the file at once, but none that a statement left out may explain."""
    found = list(parsed.errors)
    if parsed.tree is not None:
        try:
            file = to_ast(parsed.tree)
            names = parsed.unparsed_names or ()
            errors = compile_errors(file, text, source_name, unparsed_names=names)
            found += [e for e in errors if not _may_follow_from_gaps(e, parsed, file)]
        except Exception:  # a best effort: the syntax errors alone are true
            found = list(parsed.errors)
    return sorted(found, key=lambda error: (error.line or 0, error.column or 0))


# Errors about one statement, or about two that both parsed (a duplicate, a type against the
# declaration): a statement left out cannot have caused them (the uses of an indicator whose
# declaration was left out are not checked). Any other error (an absence, or one new to
# model.py) waits until the syntax errors are fixed, unless `_may_follow_from_gaps` knows
# where what is missing would have been.
_ABOUT_WHAT_PARSED = frozenset(
    {
        "ambiguous-level",
        "bad-downgrade",
        "bad-points",
        "bad-series-length",
        "bad-year",
        "duplicate-grade",
        "duplicate-grades",
        "duplicate-header",
        "duplicate-indicator",
        "duplicate-item",
        "duplicate-level",
        "empty-reason",
        "missing-maximum",
        "missing-unit",
        "reserved-word",
    }
)
# Errors about a use of indicators, true unless the declaration of a name the checker cannot
# keep quiet about was left out: one whose name cannot be told (`k == x`, `x` an enum whose
# declaration lost its `:`), or a reserved word (`true: count`, `true > 1` then reads as a bool).
_ABOUT_A_USE = frozenset({"constant-comparison", "type-mismatch", "unknown-level"})


def _may_follow_from_gaps(error: Diagnostic, parsed: Parsed, file: ast.RubricFile) -> bool:
    """Whether a compile error of the statements that parsed may be there only because of what
    recovery left out (`parsed.lost`), so that reporting it could be false."""
    code = error.code
    if code in _ABOUT_WHAT_PARSED:
        return False
    names = parsed.unparsed_names
    if code == "undefined-indicator":  # the names of declarations left out are quiet already
        return names is None
    if code in _ABOUT_A_USE:
        return names is None or not names.isdisjoint(reserved_words())
    if code == "empty-item":  # its rules may be the gap
        return error.span is None or any(_overlap(lost.span, error.span) for lost in parsed.lost)
    return _missing_may_be_in_gaps(code, parsed, file)


def _missing_may_be_in_gaps(code: str, parsed: Parsed, file: ast.RubricFile) -> bool:
    """Whether what an error says is missing (a header line, a grade) may be in a gap: one at
    the top level, or one where its keyword is written. True for an error not known here."""
    written = set().union(*(lost.keywords for lost in parsed.lost))
    top_level = any(lost.top_level for lost in parsed.lost)
    if code == "missing-header":
        return top_level or not written.isdisjoint(_HEADER_WORDS)
    if code == "bonus-without-maximum":
        return top_level or "bonus" in written
    if code in ("veto-without-grades", "unknown-grade", "bad-grades"):  # a grade may be the gap
        in_grades = any(
            _overlap(lost.span, grades.span) for lost in parsed.lost for grades in file.grades
        )
        return top_level or in_grades or "grades" in written
    return True


_HEADER_WORDS = frozenset({"rubric", "year", "base", "bonus"})


def _overlap(lost: Span, block: Span) -> bool:
    """Whether a stretch left out and a block share some text."""
    lost_start, lost_end = (lost.line, lost.column), (lost.end_line, lost.end_column)
    block_start, block_end = (block.line, block.column), (block.end_line, block.end_column)
    return lost_start < block_end and block_start < lost_end


def load(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> Rubric:
    """Read and compile a rubric file (UTF-8, a regular file within the size limit)."""
    return loads(read_text(path, "rubric file", RubricError, limits), os.fspath(path), limits)
