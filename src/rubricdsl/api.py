"""The public entry points: load a rubric file or text, evaluate it on a district's indicators."""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from rubricdsl.errors import Diagnostic, RubricError, RubricSyntaxError, diagnostic
from rubricdsl.evaltree import RubricTree, compile_tree
from rubricdsl.inputs import read_indicators
from rubricdsl.model import CheckedRubric, IndicatorSpec, check
from rubricdsl.parser import parse_tree
from rubricdsl.source import Span, read_text
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

    def evaluate(self, indicators: Mapping[str, object]) -> Result:
        """Score the indicators; raises IndicatorError listing every problem with them at once."""
        readings = read_indicators(self.checked.indicators, indicators)
        return self.tree.evaluate(readings)


def too_deep(text: str, source_name: str) -> Diagnostic:
    """The error for conditions nested past what the parser can follow (hundreds of levels)."""
    lines = text.splitlines() or [""]
    deepest = max(range(len(lines)), key=lambda i: lines[i].count("not") + lines[i].count("("))
    return diagnostic(
        "error",
        "nested-too-deeply",
        "conditions are nested too deeply to read",
        source_name=source_name,
        text=text,
        span=Span.point(deepest + 1, 1),
        hint="split the condition; no table needs more than a few levels",
    )


def loads(text: str, source_name: str = "<string>") -> Rubric:
    """Compile rubric text; raises RubricSyntaxError or RubricCompileError, with line and column."""
    if not isinstance(text, str):
        raise RubricError(f"rubric text must be str, not {type(text).__name__}: decode it first")
    try:
        checked = check(to_ast(parse_tree(text, source_name)), text, source_name)
        return Rubric(checked, compile_tree(checked))
    except RecursionError:
        raise RubricSyntaxError([too_deep(text, source_name)]) from None


def load(path: str | os.PathLike[str]) -> Rubric:
    """Read and compile a rubric file (UTF-8)."""
    return loads(read_text(path, "rubric file", RubricError), os.fspath(path))
