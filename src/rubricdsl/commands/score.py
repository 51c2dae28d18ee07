"""`rubricdsl score RUBRIC... DATA`: score a district's data file, with the trace."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from rubricdsl.campaign import Evaluations
from rubricdsl.commands.common import add_rubrics_and_data, gap_reports, scored
from rubricdsl.commands.output import add_report_options, deliver, writes_unicode
from rubricdsl.datafile import DataFile
from rubricdsl.escape import json_escape
from rubricdsl.i18n import language, translator
from rubricdsl.limits import Limits
from rubricdsl.render import json_ready, render_text

if TYPE_CHECKING:
    from rubricdsl.owners import UnitPoints

NAME = "score"
HELP = "score a district's data file with a rubric (or several rubrics sharing the file)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_rubrics_and_data(parser)
    parser.add_argument(
        "--plan",
        default=None,
        metavar="FILE",
        help="the district's plan: adds the points each responsible unit owns, earned and lost",
    )
    add_report_options(parser)


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    rubrics, data, evaluations = scored(arguments, limits)
    owners: tuple[UnitPoints, ...] = ()
    if arguments.plan is not None:
        from rubricdsl.owners import points_by_owner
        from rubricdsl.plan import read_plan

        owners = points_by_owner(evaluations, read_plan(arguments.plan, rubrics, limits))
    lang = language(arguments.lang)
    if arguments.format == "json":
        ascii_only = arguments.output is None and not writes_unicode(sys.stdout)
        text = _json(evaluations, data, owners, ascii_only=ascii_only)
    elif arguments.format in ("markdown", "html"):
        from rubricdsl.reports.html import render_html  # Jinja2: only for this report
        from rubricdsl.reports.markdown import render_markdown
        from rubricdsl.reports.view import build_view

        single = len(evaluations.results) == 1
        results = evaluations.results
        view = build_view(
            lang,
            [(result, "" if single else f"results/{i}/") for i, result in enumerate(results)],
            # the score's JSON does not carry the gap analysis: its numbers have no path
            gaps=[(report, None) if report else None for report in gap_reports(evaluations, data)],
            meta=data.meta,
            owners=owners,
        )
        text = render_html(view) if arguments.format == "html" else render_markdown(view)
    else:
        text = "\n".join(render_text(result, data.meta, lang) for result in evaluations.results)
        if owners:
            from rubricdsl.reports.text import owners_lines

            text += "\n" + "\n".join(owners_lines(owners, translator(lang))) + "\n"
    return deliver(text, arguments.output)


def _json(
    evaluations: Evaluations, data: DataFile, owners: tuple[UnitPoints, ...], *, ascii_only: bool
) -> str:
    """One rubric: its result (as ever), with the owners' points when a plan is given; several:
    each result under `results`."""
    document: dict[str, Any] = {"meta": json_ready(data.meta)} if data.meta else {}
    if len(evaluations.results) == 1:
        document.update(evaluations.results[0].to_dict())
    else:
        document["results"] = [result.to_dict() for result in evaluations.results]
    if owners:
        document["owners"] = [unit.to_dict() for unit in owners]
    text = json.dumps(document, ensure_ascii=ascii_only, indent=2, allow_nan=False)
    return json_escape(text) + "\n"
