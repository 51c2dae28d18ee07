"""`rubricdsl whatif RUBRIC... DATA --set name=value …`: rescore with changed values, show the
difference item by item and in the total."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from rubricdsl.api import load
from rubricdsl.campaign import evaluate_all, overrides_for, own_data
from rubricdsl.commands.output import add_report_options, deliver, writes_unicode
from rubricdsl.datafile import DataFileError, parse_data, read_data
from rubricdsl.escape import shown
from rubricdsl.i18n import language
from rubricdsl.limits import Limits

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
    parser.add_argument(
        "rubrics", nargs="+", metavar="RUBRIC", help="the rubric file(s) sharing the data file"
    )
    parser.add_argument(
        "data",
        metavar="DATA",
        help="the district's data: YAML, JSON, or a workbook from `rubricdsl template`",
    )
    parser.add_argument(
        "--set",
        dest="changes",
        action=Assignments,
        required=True,
        metavar="NAME=VALUE",
        help="a value to change, as a data file writes it (x=90, flag=true, s=[3.1, 2.7, 2.6]); "
        "repeat for more",
    )
    add_report_options(parser, ("text", "json"))


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    from rubricdsl.gaps import what_if  # imported by this command only
    from rubricdsl.render_gaps import render_whatif_json, render_whatif_text

    rubrics = [load(path, limits) for path in arguments.rubrics]
    data = read_data(arguments.data, limits)
    # the data as they are and as changed must both suit the rubrics: names no rubric
    # declares are refused with a did-you-mean
    evaluate_all(rubrics, {**data.indicators, **arguments.changes}, data.not_applicable)  # type: ignore[arg-type]
    found = []
    for rubric in rubrics:
        indicators, reported = own_data(rubric, data.indicators, data.not_applicable)
        changes = {k: v for k, v in arguments.changes.items() if k in rubric.indicators}
        evidence = {k: v for k, v in data.evidence.items() if k in rubric.indicators}
        on_site = overrides_for(rubric, rubrics, data.overrides)
        found.append(
            what_if(rubric, indicators, changes, reported, evidence=evidence, overrides=on_site)
        )
    if arguments.format == "json":
        ascii_only = arguments.output is None and not writes_unicode(sys.stdout)
        texts = [render_whatif_json(each, data.meta, ascii_only=ascii_only) for each in found]
        text = texts[0] if len(texts) == 1 else "[\n" + ",\n".join(texts) + "\n]"
        return deliver(text + "\n", arguments.output)
    lang = language(arguments.lang)
    text = "\n".join(render_whatif_text(each, data.meta, lang) for each in found)
    return deliver(text, arguments.output)
