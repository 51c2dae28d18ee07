"""`rubricdsl test PATH...`: run a rubric's test cases (docs/rubric-tests.md), then coverage."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation

from rubricdsl.errors import RubricError
from rubricdsl.limits import Limits

NAME = "test"
HELP = "run the test cases beside rubrics (tests/*.yaml) and report their coverage"


class TestsFailedError(RubricError):
    """Cases failed, or coverage fell below --min-coverage: the report is on standard output."""


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage from 0 to 100")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a case file, or a folder: every tests/*.yaml below it",
    )
    parser.add_argument(
        "--min-coverage",
        type=_percent,
        default=None,
        metavar="N",
        help="fail when any coverage measure of a rubric with cases is below N%%",
    )


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    from rubricdsl.cases import render_run, run_paths  # imported by this command only

    minimum: Decimal | None = arguments.min_coverage
    tested = run_paths(arguments.paths, limits)
    report = render_run(tested, minimum)
    below = tested.below(minimum) if minimum is not None else []
    if not tested.failed and not below:
        return report
    try:  # the report goes out whole before the failure is said
        sys.stdout.write(report)
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        pass
    problems = []
    if tested.failed:
        problems.append(f"{tested.failed} of {tested.cases} cases failed")
    if below:
        problems.append(f"coverage below {minimum}% for {len(below)} measure(s)")
    raise TestsFailedError("; ".join(problems))
