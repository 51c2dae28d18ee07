"""rubricdsl: scoring rubrics as text files, compiled and applied with an explanation behind every point."""

from rubricdsl.api import Rubric, load, loads
from rubricdsl.errors import (
    Diagnostic,
    IndicatorError,
    IndicatorProblem,
    RubricCompileError,
    RubricError,
    RubricSyntaxError,
)
from rubricdsl.inputs import NotApplicable
from rubricdsl.trace import CategoryTrace, ItemTrace, Result, RuleTrace, VetoTrace

__all__ = [
    "CategoryTrace",
    "Diagnostic",
    "IndicatorError",
    "IndicatorProblem",
    "ItemTrace",
    "NotApplicable",
    "Result",
    "Rubric",
    "RubricCompileError",
    "RubricError",
    "RubricSyntaxError",
    "RuleTrace",
    "VetoTrace",
    "load",
    "loads",
]

__version__ = "0.1.0"
