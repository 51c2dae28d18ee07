"""The command line: `rubricdsl score RUBRIC DATA` and `rubricdsl check RUBRIC`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rubricdsl.api import load
from rubricdsl.datafile import read_data
from rubricdsl.errors import RubricError
from rubricdsl.render import render_json, render_text

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rubricdsl",
        description="Compile scoring rubrics and score a district's indicators, with a trace.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    score = commands.add_parser("score", help="score a district's data file with a rubric")
    score.add_argument("rubric", help="the rubric file (.rubric)")
    score.add_argument("data", help="the district's data, YAML or JSON, with indicators:")
    score.add_argument("--format", choices=("text", "json"), default="text")
    check = commands.add_parser("check", help="compile a rubric and print its warnings")
    check.add_argument("rubric", help="the rubric file (.rubric)")
    return parser


def _score(rubric_path: str, data_path: str, output_format: str) -> str:
    rubric = load(rubric_path)
    data = read_data(data_path)
    result = rubric.evaluate(data.indicators)
    if output_format == "json":
        return render_json(result, data.meta) + "\n"
    return render_text(result, data.meta)


def _check(rubric_path: str) -> str:
    rubric = load(rubric_path)
    lines = [warning.render() for warning in rubric.warnings]
    count = len(rubric.warnings)
    lines.append(
        f"{rubric_path}: ok, {len(rubric.indicators)} indicators, "
        f"{count} warning{'s' if count != 1 else ''}"
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 scored/checked, 1 bad input, 2 usage)."""
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code) if isinstance(stop.code, int) else EXIT_USAGE
    try:
        if arguments.command == "score":
            output = _score(arguments.rubric, arguments.data, arguments.format)
        else:
            output = _check(arguments.rubric)
    except RubricError as error:
        print(f"rubricdsl: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    sys.stdout.write(output)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
