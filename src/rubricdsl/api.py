"""The public entry points: load a rubric file or text, evaluate it on a district's indicators."""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from rubricdsl.errors import (
    Diagnostic,
    RubricArgumentError,
    RubricError,
    RubricSyntaxError,
    diagnostic,
)
from rubricdsl.evaltree import RubricTree, compile_tree
from rubricdsl.exact import exactly
from rubricdsl.files import read_text
from rubricdsl.inputs import read_indicators
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.model import CheckedRubric, IndicatorSpec, check
from rubricdsl.parser import parse_tree
from rubricdsl.source import Span
from rubricdsl.trace import Result
from rubricdsl.transform import to_ast


@attrs.frozen
class Rubric:
    """A compiled rubric: immutable, so one object serves many evaluations and threads."""

    checked: CheckedRubric
    tree: RubricTree

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

    @exactly
    def evaluate(self, indicators: Mapping[str, object]) -> Result:
        """Score the indicators; raises IndicatorError listing every problem with them at once.

        The mapping is copied once at the start, so the caller may reuse or change it; the
        arithmetic runs in rubricdsl's own decimal context, whatever the caller's is."""
        readings = read_indicators(self.checked.indicators, indicators)
        return self.tree.evaluate(readings)


@exactly
def loads(text: str, source_name: str = "<string>", limits: Limits = DEFAULT_LIMITS) -> Rubric:
    """Compile rubric text; raises RubricSyntaxError or RubricCompileError, with line and column.

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
    checked = check(to_ast(parse_tree(text, source_name, limits)), text, source_name)
    return Rubric(checked, compile_tree(checked))


def load(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> Rubric:
    """Read and compile a rubric file (UTF-8, a regular file within the size limit)."""
    return loads(read_text(path, "rubric file", RubricError, limits), os.fspath(path), limits)
