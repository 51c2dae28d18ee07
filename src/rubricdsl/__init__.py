"""rubricdsl: scoring rubrics as text files, compiled and applied with a reason for every point."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rubricdsl.api import Rubric, load, loads
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
from rubricdsl.inputs import NotApplicable
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.overrides import Override, OverrideError, OverrideProblem, read_overrides
from rubricdsl.readers import readers
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

__version__ = "0.6.0"

# Imported when first used, so that `import rubricdsl` is quick: the tools beyond loading and
# scoring (campaigns, gap analysis, plans with PyYAML, ...).
_LATER = {
    "Evaluations": "rubricdsl.campaign",
    "evaluate_all": "rubricdsl.campaign",
    "GapReport": "rubricdsl.gaps",
    "Suggestion": "rubricdsl.gaps",
    "WhatIf": "rubricdsl.gaps",
    "find_gaps": "rubricdsl.gaps",
    "what_if": "rubricdsl.gaps",
    "UnitPoints": "rubricdsl.owners",
    "points_by_owner": "rubricdsl.owners",
    "Plan": "rubricdsl.plan",
    "PlanError": "rubricdsl.plan",
    "parse_plan": "rubricdsl.plan",
    "read_plan": "rubricdsl.plan",
    "data_schema": "rubricdsl.schema",
    "Status": "rubricdsl.status",
    "StatusEntry": "rubricdsl.status",
    "campaign_status": "rubricdsl.status",
}

if TYPE_CHECKING:
    from rubricdsl.campaign import Evaluations, evaluate_all
    from rubricdsl.gaps import GapReport, Suggestion, WhatIf, find_gaps, what_if
    from rubricdsl.owners import UnitPoints, points_by_owner
    from rubricdsl.plan import Plan, PlanError, parse_plan, read_plan
    from rubricdsl.schema import data_schema
    from rubricdsl.status import Status, StatusEntry, campaign_status


def __getattr__(name: str) -> Any:
    if f"rubricdsl.{name}" in _LATER.values():  # `rubricdsl.gaps`, as when it was imported here
        return importlib.import_module(f"rubricdsl.{name}")
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module 'rubricdsl' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LATER})
