"""rubricdsl: scoring rubrics as text files, compiled and applied with a reason for every point."""

from rubricdsl.api import Rubric, load, loads
from rubricdsl.datafile import DataFile, DataFileError, parse_data, read_data
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
    "DataFile",
    "DataFileError",
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
    "parse_data",
    "read_data",
]

__version__ = "0.1.0"
