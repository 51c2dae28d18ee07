"""What the commands on a district's data share: reading the rubrics and the data, scored."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rubricdsl.api import Rubric, load
from rubricdsl.campaign import Evaluations, evaluate_all, overrides_for, own_data
from rubricdsl.datafile import DataFile, read_data
from rubricdsl.limits import Limits

if TYPE_CHECKING:
    from rubricdsl.gaps import GapReport

DATA_HELP = "the district's data: YAML, JSON, or a workbook from `rubricdsl template`"


def add_rubrics_and_data(parser: argparse.ArgumentParser) -> None:
    """RUBRIC... DATA: the rubrics sharing one data file, then the file."""
    parser.add_argument(
        "rubrics", nargs="+", metavar="RUBRIC", help="the rubric file(s) sharing the data file"
    )
    parser.add_argument("data", metavar="DATA", help=DATA_HELP)


def scored(
    arguments: argparse.Namespace, limits: Limits
) -> tuple[tuple[Rubric, ...], DataFile, Evaluations]:
    """The rubrics and the data file read, and the data scored by each rubric: evaluate checks
    what the file reports (names, reasons), the evidence's names and the reviewers' overrides
    as it would a caller's mappings, and refuses a name no rubric declares."""
    rubrics = tuple(load(path, limits) for path in arguments.rubrics)
    data = read_data(arguments.data, limits)
    evaluations = evaluate_all(
        rubrics,
        data.indicators,
        data.not_applicable,  # type: ignore[arg-type]
        evidence=data.evidence,
        overrides=data.overrides,
    )
    return rubrics, data, evaluations


def gap_reports(
    evaluations: Evaluations, data: DataFile, *, checklists: bool = False
) -> list[GapReport | None]:
    """What wins each lost point back, for each rubric; a checklist's (its unmet tasks) only
    when asked for, else None. A rule or item the reviewers settled on site is no gap."""
    from rubricdsl.gaps import find_gaps  # imported by the commands that show gaps

    return [
        find_gaps(
            rubric,
            *own_data(rubric, data.indicators, data.not_applicable),
            overrides=overrides_for(rubric, evaluations.rubrics, data.overrides),
        )
        if checklists or result.categories
        else None
        for rubric, result in evaluations.pairs()
    ]
