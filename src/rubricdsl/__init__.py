"""rubricdsl: scoring rubrics as text files, compiled and applied with a reason for every point."""

from rubricdsl.api import Rubric, load, loads
from rubricdsl.datafile import DataFile, DataFileError, parse_data, read_data
from rubricdsl.errors import (
    Diagnostic,
    IndicatorError,
    IndicatorProblem,
    RubricArgumentError,
    RubricCompileError,
    RubricError,
    RubricSyntaxError,
)
from rubricdsl.inputs import NotApplicable
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.trace import (
    CategoryTrace,
    ItemTrace,
    RequirementTrace,
    Result,
    RuleTrace,
    VetoTrace,
)

__all__ = [
    "DEFAULT_LIMITS",
    "CategoryTrace",
    "DataFile",
    "DataFileError",
    "Diagnostic",
    "IndicatorError",
    "IndicatorProblem",
    "ItemTrace",
    "Limits",
    "NotApplicable",
    "RequirementTrace",
    "Result",
    "Rubric",
    "RubricArgumentError",
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

__version__ = "0.3.0"
