"""`rubricdsl gaps RUBRIC DATA`: what change of the data wins each lost point back."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import cast

from rubricdsl.api import load
from rubricdsl.commands.output import writes_unicode
from rubricdsl.datafile import read_data
from rubricdsl.gaps import find_gaps
from rubricdsl.i18n import LANGUAGES, language
from rubricdsl.limits import Limits
from rubricdsl.render_gaps import render_gaps_json, render_gaps_text

NAME = "gaps"
HELP = "what change of the data wins each lost point back, ranked by what it gains"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubric", help="the rubric file (.rubric)")
    parser.add_argument("data", help="the district's data, YAML or JSON, with indicators:")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None, help="the report's language (default: locale)"
    )


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    rubric = load(arguments.rubric, limits)
    data = read_data(arguments.data, limits)
    # find_gaps checks what the file reports (names, reasons) and the reviewers' overrides as
    # evaluate does; a rule or item the reviewers settled on site is no gap
    reported = cast("Mapping[str, str]", data.not_applicable)
    overrides = data.overrides
    report = find_gaps(rubric, data.indicators, reported, overrides=overrides)
    if arguments.format == "json":
        ascii_only = not writes_unicode(sys.stdout)
        return render_gaps_json(report, data.meta, ascii_only=ascii_only) + "\n"
    return render_gaps_text(report, data.meta, language(arguments.lang))
