"""rubricdsl: scoring rubrics as text files, compiled and applied with a reason for every point."""

from rubricdsl.api import Rubric, load, loads
from rubricdsl.campaign import Evaluations, evaluate_all
from rubricdsl.datafile import DataFile, DataFileError, check_evidence, parse_data, read_data
from rubricdsl.errors import (
    Diagnostic,
    IndicatorError,
    IndicatorProblem,
    RubricArgumentError,
    RubricCompileError,
    RubricError,
    RubricSyntaxError,
)
from rubricdsl.gaps import GapReport, Suggestion, WhatIf, find_gaps, what_if
from rubricdsl.inputs import NotApplicable
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.overrides import Override, OverrideError, OverrideProblem, read_overrides
from rubricdsl.owners import UnitPoints, points_by_owner
from rubricdsl.plan import Plan, PlanError, parse_plan, read_plan
from rubricdsl.readers import readers
from rubricdsl.schema import data_schema
from rubricdsl.status import Status, StatusEntry, campaign_status
from rubricdsl.trace import (
    CategoryTrace,
    ItemTrace,
    OverrideTrace,
    RequirementTrace,
    Result,
    RuleTrace,
    TaskTrace,
    VetoTrace,
)

__all__ = [
    "DEFAULT_LIMITS",
    "CategoryTrace",
    "DataFile",
    "DataFileError",
    "Diagnostic",
    "Evaluations",
    "GapReport",
    "IndicatorError",
    "IndicatorProblem",
    "ItemTrace",
    "Limits",
    "NotApplicable",
    "Override",
    "OverrideError",
    "OverrideProblem",
    "OverrideTrace",
    "Plan",
    "PlanError",
    "RequirementTrace",
    "Result",
    "Rubric",
    "RubricArgumentError",
    "RubricCompileError",
    "RubricError",
    "RubricSyntaxError",
    "RuleTrace",
    "Status",
    "StatusEntry",
    "Suggestion",
    "TaskTrace",
    "UnitPoints",
    "VetoTrace",
    "WhatIf",
    "campaign_status",
    "check_evidence",
    "data_schema",
    "evaluate_all",
    "find_gaps",
    "load",
    "loads",
    "parse_data",
    "parse_plan",
    "points_by_owner",
    "read_data",
    "read_overrides",
    "read_plan",
    "readers",
    "what_if",
]

__version__ = "0.4.0"
