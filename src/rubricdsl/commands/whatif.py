"""`rubricdsl whatif RUBRIC DATA --set name=value …`: rescore with changed values, show the
difference item by item and in the total."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import Any, cast

from rubricdsl.api import load
from rubricdsl.commands.output import writes_unicode
from rubricdsl.datafile import DataFileError, parse_data, read_data
from rubricdsl.escape import shown
from rubricdsl.gaps import what_if
from rubricdsl.i18n import LANGUAGES, language
from rubricdsl.limits import Limits
from rubricdsl.render_gaps import render_whatif_json, render_whatif_text

NAME = "whatif"
HELP = "rescore a district's data with some values changed and show what moves"

# A --set value is short: a number, a flag, a level, a series.
MAX_VALUE_LENGTH = 10_000


def parse_assignment(text: str) -> tuple[str, object]:
    """`name=value`, the value read as a data file's value is (YAML: `90`, `92.5`, `true`,
    `provincial`, `[3.1, 2.7, 2.6]`, `{not_applicable: "reason"}`); ValueError says what is
    wrong with it."""
    name, equals, value = text.partition("=")
    name = name.strip()
    if not equals or not name:
        raise ValueError(f"{shown(text, 80)!s}: expected name=value, for example x=90")
    if not value.strip():
        raise ValueError(f"{shown(name, 80)}= has no value: write {shown(name, 80)}=<value>")
    if len(value) > MAX_VALUE_LENGTH:
        raise ValueError(f"the value of {shown(name, 80)} is longer than {MAX_VALUE_LENGTH:,}")
    if not value.isprintable():  # a line break would let the value add keys of its own
        raise ValueError(f"the value of {shown(name, 80)} holds a control character or line break")
    try:
        data = parse_data(f"indicators:\n  value: {value}\n", "--set")
    except DataFileError as error:
        raise ValueError(f"the value of {shown(name, 80)} is not a value: {error}") from None
    if set(data.indicators) != {"value"}:
        raise ValueError(f"the value of {shown(name, 80)} is not one value")
    return name, data.indicators["value"]


class Assignments(argparse.Action):
    """--set name=value, given once per name: the names and values in the order given."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        assert isinstance(values, str)
        found: dict[str, object] = dict(getattr(namespace, self.dest, None) or {})
        try:
            name, value = parse_assignment(values)
        except ValueError as error:
            parser.error(f"argument --set: {error}")
        if name in found:
            parser.error(f"argument --set: {shown(name, 80)} is set twice")
        found[name] = value
        setattr(namespace, self.dest, found)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubric", help="the rubric file (.rubric)")
    parser.add_argument("data", help="the district's data, YAML or JSON, with indicators:")
    parser.add_argument(
        "--set",
        dest="changes",
        action=Assignments,
        required=True,
        metavar="NAME=VALUE",
        help="a value to change, as a data file writes it (x=90, flag=true, s=[3.1, 2.7, 2.6]); "
        "repeat for more",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None, help="the report's language (default: locale)"
    )


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    rubric = load(arguments.rubric, limits)
    data = read_data(arguments.data, limits)
    reported = cast("Mapping[str, str]", data.not_applicable)
    evidence = getattr(data, "evidence", None)
    overrides = data.overrides
    result = what_if(
        rubric, data.indicators, arguments.changes, reported, evidence=evidence, overrides=overrides
    )
    if arguments.format == "json":
        ascii_only = not writes_unicode(sys.stdout)
        return render_whatif_json(result, data.meta, ascii_only=ascii_only) + "\n"
    return render_whatif_text(result, data.meta, language(arguments.lang))
