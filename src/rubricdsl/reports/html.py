"""The HTML report: one self-contained file from the Jinja2 template templates/report.html."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from rubricdsl.reports.view import ReportView

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every text from a rubric or data file is HTML-escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(view: ReportView) -> str:
    """The report as one HTML page: inline CSS and SVG, no script, nothing fetched."""
    return _environment().get_template("report.html").render(view=view)
