"""`rubricdsl status --plan FILE --data FILE RUBRIC...`: the campaign as of a day."""

from __future__ import annotations

import argparse
import datetime
import json
import sys

from rubricdsl.commands.common import gap_reports, scored
from rubricdsl.commands.output import add_report_options, deliver, writes_unicode
from rubricdsl.escape import json_escape
from rubricdsl.i18n import language
from rubricdsl.limits import Limits

NAME = "status"
HELP = (
    "the campaign as of a day: the phase, each item and task done, open, overdue or not "
    "applicable, what each responsible unit owes, and the points by owner"
)


def day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (write 2021-08-01)") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubrics", nargs="+", metavar="RUBRIC", help="the rubric files")
    parser.add_argument("--plan", required=True, help="the district's plan (owners, deadlines)")
    parser.add_argument("--data", required=True, help="the district's data: YAML, JSON or xlsx")
    parser.add_argument(
        "--as-of", type=day, default=None, metavar="DATE", help="the day (default: today)"
    )
    add_report_options(parser)


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    # imported by this command only (PyYAML for the plan)
    from rubricdsl.owners import points_by_owner
    from rubricdsl.plan import read_plan
    from rubricdsl.reports.text import status_text
    from rubricdsl.status import campaign_status

    rubrics, data, evaluations = scored(arguments, limits)
    plan = read_plan(arguments.plan, rubrics, limits)
    as_of = arguments.as_of or datetime.date.today()
    status = campaign_status(evaluations, plan, as_of)
    owners = points_by_owner(evaluations, plan)
    lang = language(arguments.lang)
    if arguments.format == "json":
        gaps = gap_reports(evaluations, data)
        document = {
            **status.to_dict(),
            "owners": [unit.to_dict() for unit in owners],
            "results": [result.to_dict() for result in evaluations.results],
            "gaps": [report.to_dict() if report else None for report in gaps],
        }
        ascii_only = arguments.output is None and not writes_unicode(sys.stdout)
        text = json_escape(json.dumps(document, ensure_ascii=ascii_only, indent=2)) + "\n"
    elif arguments.format in ("markdown", "html"):
        from rubricdsl.reports.html import render_html  # Jinja2: only for this report
        from rubricdsl.reports.markdown import render_markdown
        from rubricdsl.reports.view import build_view

        gaps = gap_reports(evaluations, data)
        view = build_view(
            lang,
            [(result, f"results/{index}/") for index, result in enumerate(evaluations.results)],
            gaps=[(report, f"gaps/{i}/") if report else None for i, report in enumerate(gaps)],
            meta=data.meta,
            status=status,
            owners=owners,
        )
        text = render_html(view) if arguments.format == "html" else render_markdown(view)
    else:
        text = status_text(status, owners, lang)
    return deliver(text, arguments.output)
