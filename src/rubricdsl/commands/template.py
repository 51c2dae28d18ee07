"""`rubricdsl template RUBRIC... --xlsx OUT`: write a fill-in workbook for a district's data."""

from __future__ import annotations

import argparse

from rubricdsl.api import load
from rubricdsl.atomic import write_atomically
from rubricdsl.errors import RubricError
from rubricdsl.escape import escape
from rubricdsl.i18n import LANGUAGES, _, language
from rubricdsl.limits import Limits

NAME = "template"
HELP = "write a fill-in workbook (.xlsx) for the rubrics' indicators"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubrics", nargs="+", metavar="RUBRIC", help="the rubric files (.rubric)")
    parser.add_argument(
        "--xlsx", required=True, metavar="OUT", help="the workbook to write (.xlsx)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace OUT if it exists (it may hold a department's work: refused without this)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="the language of the headers and instructions (default: the locale's)",
    )


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    out: str = arguments.xlsx
    if not out.lower().endswith(".xlsx"):
        raise RubricError(
            _(
                "{file}: the workbook's name must end in .xlsx (that is how `rubricdsl score` "
                "knows to read it as a workbook)"
            ).format(file=escape(out))
        )
    rubrics = [load(path, limits) for path in arguments.rubrics]
    from rubricdsl.workbook import build_template  # openpyxl is loaded only when needed

    template = build_template(rubrics, language(arguments.lang))
    write_atomically(out, template.data, replace=arguments.force)
    sheets = ", ".join(escape(sheet) for sheet in template.sheets)
    message = _(
        "{file}: wrote a fill-in workbook (indicators: {indicators}; rubrics: {rubrics}; "
        "sheets: {sheets})"
    )
    return (
        message.format(
            file=escape(out), indicators=template.indicators, rubrics=len(rubrics), sheets=sheets
        )
        + "\n"
    )
