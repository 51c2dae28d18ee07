"""`rubricdsl score RUBRIC DATA`: score a district's data file, with the trace."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import cast

from rubricdsl.api import load
from rubricdsl.commands.output import writes_unicode
from rubricdsl.datafile import read_data
from rubricdsl.limits import Limits
from rubricdsl.render import render_json, render_text

NAME = "score"
HELP = "score a district's data file with a rubric"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubric", help="the rubric file (.rubric)")
    parser.add_argument("data", help="the district's data, YAML or JSON, with indicators:")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    rubric = load(arguments.rubric, limits)
    data = read_data(arguments.data, limits)
    # evaluate checks what the file reports (names, reasons) as it would a caller's mapping
    reported = cast("Mapping[str, str]", data.not_applicable)
    result = rubric.evaluate(data.indicators, reported)
    if arguments.format == "json":
        return render_json(result, data.meta, ascii_only=not writes_unicode(sys.stdout)) + "\n"
    return render_text(result, data.meta)
