"""`rubricdsl diff OLD NEW [--data FILE]`: what changed between two versions of a rubric, item by
item, and with a district's data what the change does to each item's score and the total."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rubricdsl.api import load
from rubricdsl.commands.common import DATA_HELP
from rubricdsl.commands.output import deliver, writes_unicode
from rubricdsl.datafile import read_data
from rubricdsl.escape import escape_block, json_escape
from rubricdsl.limits import Limits

NAME = "diff"
HELP = "compare two versions of a rubric: what changed, item by item (with --data: the effect)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the old version of the rubric")
    parser.add_argument("new", metavar="NEW", help="the new version of the rubric")
    parser.add_argument(
        "--data",
        default=None,
        metavar="FILE",
        help="score this district's data with both versions and show the effect on each item "
        "and on the total (" + DATA_HELP + ")",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="the report's form: text or json (default: text)",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        default=None,
        help="write the report to FILE (whole or not at all) instead of standard output",
    )


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    """The changes (exit 0 whether or not there are any: differences are not errors)."""
    from rubricdsl.versions import diff_versions, render_diff_text, score_effect

    old = load(arguments.old, limits)
    new = load(arguments.new, limits)
    diff = diff_versions(old.checked, new.checked)
    effect = None
    if arguments.data is not None:
        data = read_data(arguments.data, limits)
        effect = score_effect(old, new, data, diff, arguments.data)
    if arguments.format == "json":
        document: dict[str, Any] = diff.to_dict()
        if effect is not None:
            document["effect"] = effect.to_dict()
        ascii_only = arguments.output is None and not writes_unicode(sys.stdout)
        text = json.dumps(document, ensure_ascii=ascii_only, indent=2, allow_nan=False)
        return deliver(json_escape(text) + "\n", arguments.output)
    return deliver(escape_block(render_diff_text(diff, effect)), arguments.output)
