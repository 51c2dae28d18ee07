"""`rubricdsl gaps RUBRIC... DATA`: what change of the data wins each lost point back."""

from __future__ import annotations

import argparse
import sys

from rubricdsl.commands.common import add_rubrics_and_data, gap_reports, scored
from rubricdsl.commands.output import add_report_options, deliver, writes_unicode
from rubricdsl.i18n import language
from rubricdsl.limits import Limits

NAME = "gaps"
HELP = "what change of the data wins each lost point back, ranked by what it gains"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_rubrics_and_data(parser)
    add_report_options(parser)


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    from rubricdsl.render_gaps import render_gaps_json, render_gaps_text  # this command's only

    _, data, evaluations = scored(arguments, limits)
    # a rule or item the reviewers settled on site is no gap
    reports = [report for report in gap_reports(evaluations, data, checklists=True) if report]
    lang = language(arguments.lang)
    single = len(reports) == 1
    if arguments.format == "json":
        ascii_only = arguments.output is None and not writes_unicode(sys.stdout)
        texts = [render_gaps_json(report, data.meta, ascii_only=ascii_only) for report in reports]
        text = texts[0] if single else "[\n" + ",\n".join(texts) + "\n]"
        return deliver(text + "\n", arguments.output)
    if arguments.format in ("markdown", "html"):
        from rubricdsl.reports.html import render_html  # Jinja2: only for this report
        from rubricdsl.reports.markdown import render_markdown
        from rubricdsl.reports.view import build_view

        view = build_view(
            lang,
            # the gaps' JSON carries the gap analysis, not the trace
            [(result, None) for result in evaluations.results],
            gaps=[(report, "" if single else f"{i}/") for i, report in enumerate(reports)],
            meta=data.meta,
        )
        text = render_html(view) if arguments.format == "html" else render_markdown(view)
        return deliver(text, arguments.output)
    text = "\n".join(render_gaps_text(report, data.meta, lang) for report in reports)
    return deliver(text, arguments.output)
