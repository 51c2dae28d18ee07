"""`rubricdsl check RUBRIC`: compile a rubric and print its warnings."""

from __future__ import annotations

import argparse

from rubricdsl.api import load
from rubricdsl.escape import escape
from rubricdsl.limits import Limits
from rubricdsl.model import counted

NAME = "check"
HELP = "compile a rubric and print its warnings"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubric", help="the rubric file (.rubric)")


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    rubric = load(arguments.rubric, limits)
    lines = [warning.render() for warning in rubric.warnings]
    count = len(rubric.warnings)
    lines.append(
        f"{escape(arguments.rubric)}: ok, {counted(len(rubric.indicators), 'indicator')}, "
        f"{counted(count, 'warning')}"
    )
    return "\n".join(lines) + "\n"
