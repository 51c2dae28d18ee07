"""`rubricdsl schema RUBRIC...`: the JSON Schema of the data file the rubrics accept."""

from __future__ import annotations

import argparse
import json
import sys

from rubricdsl.api import load
from rubricdsl.atomic import write_atomically
from rubricdsl.commands.output import writes_unicode
from rubricdsl.escape import escape, json_escape
from rubricdsl.i18n import _
from rubricdsl.limits import Limits

NAME = "schema"
HELP = "print the JSON Schema (draft 2020-12) of the data file the rubrics accept"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubrics", nargs="+", metavar="RUBRIC", help="the rubric files (.rubric)")
    parser.add_argument(
        "--output", metavar="FILE", help="write the schema to FILE instead of printing it"
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    from rubricdsl.schema import data_schema  # imported by this command only

    rubrics = [load(path, limits) for path in arguments.rubrics]
    schema = data_schema(rubrics, limits)
    if arguments.output is None:
        ascii_only = not writes_unicode(sys.stdout)
        return _dumps(schema, ascii_only) + "\n"
    write_atomically(
        arguments.output, (_dumps(schema, False) + "\n").encode("utf-8"), replace=arguments.force
    )
    count = len(schema["properties"]["indicators"]["properties"])
    message = _("{file}: wrote the JSON Schema of the data file (indicators: {count})")
    return message.format(file=escape(arguments.output), count=count) + "\n"


def _dumps(schema: object, ascii_only: bool) -> str:
    text = json.dumps(schema, ensure_ascii=ascii_only, sort_keys=True, indent=2)
    return json_escape(text)  # what json.dumps leaves raw (bidi controls, …) as \u escapes
