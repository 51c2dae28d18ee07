"""`rubricdsl check RUBRIC... [--format text|json|github]`: compile rubrics, print their warnings
and lint findings (docs/lint.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from rubricdsl.api import Rubric, loads
from rubricdsl.commands.output import writes_unicode
from rubricdsl.errors import Diagnostic, RubricError
from rubricdsl.escape import escape, json_escape
from rubricdsl.files import read_text
from rubricdsl.limits import Limits
from rubricdsl.model import counted

if TYPE_CHECKING:
    from rubricdsl.lint import LintResult

NAME = "check"
HELP = "compile rubrics and print their warnings and lint findings"
FORMATS = ("text", "json", "github")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rubric", nargs="+", help="the rubric files (.rubric)")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json (a list of findings) or github (workflow annotations)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a lint finding is left unexplained (not silenced by an ignore "
        "comment with its reason): for CI",
    )


class UnexplainedFindingsError(RubricError):
    """`check --strict`: lint findings no ignore comment explains."""


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    checked = [_checked(path, limits) for path in arguments.rubric]
    output = _report(arguments, checked)
    unexplained = sum(len(result.findings) for _, result in checked)
    if arguments.strict and unexplained:
        raise UnexplainedFindingsError(
            output.rstrip("\n")
            + f"\n{counted(unexplained, 'lint finding')} left unexplained (--strict): fix each, "
            "or silence it on its line with `# rubricdsl: ignore[CODE] reason`"
        )
    return output


def _report(arguments: argparse.Namespace, checked: list[tuple[Rubric, LintResult]]) -> str:
    if arguments.format == "json":
        found = [d.to_dict() for rubric, result in checked for d in _shown(rubric, result)]
        text = json.dumps(found, ensure_ascii=not writes_unicode(sys.stdout), indent=2)
        return json_escape(text) + "\n"
    if arguments.format == "github":
        return "".join(
            _annotation(d) + "\n" for rubric, result in checked for d in _shown(rubric, result)
        )
    return "".join(
        _text(path, rubric, result)
        for path, (rubric, result) in zip(arguments.rubric, checked, strict=True)
    )


def _checked(path: str, limits: Limits) -> tuple[Rubric, LintResult]:
    from rubricdsl.lint import lint  # imported by this command only

    text = read_text(path, "rubric file", RubricError, limits)
    rubric = loads(text, path, limits)
    return rubric, lint(rubric.checked, text)


def _shown(rubric: Rubric, result: LintResult) -> list[Diagnostic]:
    """The checker's warnings and the lint findings, by place."""
    merged = [*rubric.warnings, *result.findings]
    return sorted(merged, key=lambda d: (d.line or 0, d.column or 0))


def _text(path: str, rubric: Rubric, result: LintResult) -> str:
    lines = [found.render() for found in _shown(rubric, result)]
    summary = (
        f"{escape(path)}: ok, {counted(len(rubric.indicators), 'indicator')}, "
        f"{counted(len(rubric.warnings), 'warning')}"
    )
    if result.findings:
        summary += f", {counted(len(result.findings), 'lint finding')}"
    if result.silenced:
        summary += f" ({len(result.silenced)} silenced)"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _annotation(found: Diagnostic) -> str:
    """A GitHub workflow command: `::warning file=…,line=…,col=…,title=R101::message`."""
    properties = [f"file={_property(found.source_name)}"]
    if found.line is not None:
        properties.append(f"line={found.line}")
    if found.column is not None:
        properties.append(f"col={found.column}")
    properties.append(f"title={_property(found.code)}")
    message = found.message + (f"\nhint: {found.hint}" if found.hint else "")
    kind = "error" if found.severity == "error" else "warning"
    return f"::{kind} {','.join(properties)}::{_data(message)}"


def _data(text: str) -> str:
    """Text as a workflow command's data: every control shown as its escape (as in the text
    format), then the command's own escapes, a line break as %0A."""
    lines = [escape(line).replace("%", "%25") for line in text.split("\n")]
    return "%0A".join(lines)


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
