"""`rubricdsl compile --show RUBRIC`: the Python the rubric's scorer is generated as, for review."""

from __future__ import annotations

import argparse

from rubricdsl.api import load
from rubricdsl.escape import escape
from rubricdsl.limits import Limits

NAME = "compile"
HELP = "compile a rubric and show the Python its scorer is generated as (for review)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubric", metavar="RUBRIC", help="the rubric file (.rubric)")
    parser.add_argument(
        "--show",
        action="store_true",
        help="print the generated code, then the constants it names (the rubric's own values)",
    )


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    rubric = load(arguments.rubric, limits)
    scorer = rubric.scorer
    path = escape(arguments.rubric)
    if not arguments.show:
        lines = scorer.source.count("\n")
        return f"{path}: ok, a scorer of {lines:,} lines generated (--show prints it)\n"
    constants = "\n".join(
        f"# {name} = {escape(repr(value))}" for name, value in scorer.constants.items()
    )
    header = (
        f"# The scorer generated from {path}: every value of the rubric is a constant named\n"
        "# below (K…), never text in the code. Points are whole numbers, the rubric's points\n"
        f"# times 10^{scorer.scale}.\n"
    )
    return header + scorer.source + "\n# constants\n" + constants + "\n"
