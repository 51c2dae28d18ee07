"""`rubricdsl score RUBRIC... DATA`: score a district's data file, with the trace; `rubricdsl
score RUBRIC --batch FILE`: score every row of a CSV or JSON Lines file (rubricdsl.batch)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, Protocol

from rubricdsl.campaign import Evaluations
from rubricdsl.commands.common import DATA_HELP, gap_reports, scored
from rubricdsl.commands.output import (
    REPORT_FORMATS,
    add_report_options,
    deliver,
    silence_stdout,
    writes_unicode,
)
from rubricdsl.datafile import DataFile
from rubricdsl.errors import IndicatorError
from rubricdsl.escape import clip, escape, escape_block, json_escape
from rubricdsl.i18n import _, language, translator
from rubricdsl.limits import Limits
from rubricdsl.render import json_ready, render_text

if TYPE_CHECKING:
    from rubricdsl.owners import UnitPoints

NAME = "score"
HELP = "score a district's data file with a rubric (or several rubrics sharing the file)"


BATCH_FORMATS = ("csv", "jsonl")
BATCH_TRACES = ("none", "lost")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # RUBRIC... DATA, or RUBRIC --batch FILE: argparse gives every path to `rubrics`, and the
    # last one is the data file unless --batch gives the rows (see _checked)
    parser.add_argument(
        "rubrics", nargs="+", metavar="RUBRIC", help="the rubric file(s) sharing the data file"
    )
    parser.add_argument("data", nargs="?", metavar="DATA", help=DATA_HELP + " (not with --batch)")
    parser.add_argument(
        "--plan",
        default=None,
        metavar="FILE",
        help="the district's plan: adds the points each responsible unit owns, earned and lost",
    )
    add_report_options(parser, REPORT_FORMATS + BATCH_FORMATS)
    parser.set_defaults(format=None)  # text, or for a batch the output's name or the input's
    batch = parser.add_argument_group(
        "batch",
        "score many districts, one a row (docs/scale.md); --output (--out) FILE is "
        "written whole or not at all",
    )
    batch.add_argument(
        "--batch",
        metavar="FILE",
        default=None,
        help="score every row of FILE, a CSV file (a column per indicator) or JSON Lines (an "
        "object per line), to --output or standard output, as --format csv or jsonl (by "
        "default as --output's name or FILE's says)",
    )
    batch.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="worker processes for --batch (default: one per core)",
    )
    batch.add_argument(
        "--trace",
        choices=BATCH_TRACES,
        default=None,
        help="what --batch writes of each row: none, its figures (the default), or lost: its "
        'figures and, under "losses", the rules that did not give their points, each with '
        'where it stands ("item 14", "the total") and its trace (text, points, reach, gave, '
        "lost, values); lost writes JSON Lines only, and traces each row that lost points, "
        "so it is slower",
    )
    batch.add_argument(
        "--input-format",
        choices=BATCH_FORMATS,
        default=None,
        help="the batch file's format when its name does not end in .csv or .jsonl",
    )
    _check_after_parsing(parser)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 to 1024)")
    return value


def _check_after_parsing(parser: argparse.ArgumentParser) -> None:
    """The options that go together, checked once the command line is parsed, so that a wrong
    combination is a usage error (exit status 2) as argparse's own are."""
    parse = parser.parse_known_args

    def parse_and_check(
        args: Any = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        found, extras = parse(args, namespace)
        problem = _usage_problem(found)
        if problem is not None:
            parser.error(problem)
        return found, extras

    setattr(parser, "parse_known_args", parse_and_check)  # noqa: B010 - on this parser alone


def _usage_problem(arguments: argparse.Namespace) -> str | None:
    paths: list[str] = list(arguments.rubrics)
    if arguments.data is not None:
        paths.append(arguments.data)
    if arguments.batch is None:
        for option in ("jobs", "input_format", "trace"):
            if getattr(arguments, option) is not None:
                return f"--{option.replace('_', '-')} goes with --batch"
        if arguments.format in BATCH_FORMATS:
            return f"--format {arguments.format} goes with --batch (for a district: --format json)"
        if len(paths) < 2:
            return "the following arguments are required: DATA"
        arguments.rubrics, arguments.data = paths[:-1], paths[-1]
        return None
    if len(paths) != 1:
        return "--batch scores with one rubric: give RUBRIC and no data file"
    if arguments.plan is not None:
        return "--plan goes with one district's data, not with --batch"
    if arguments.format is not None and arguments.format not in BATCH_FORMATS:
        return f"--batch writes csv or jsonl, not --format {arguments.format}"
    if arguments.trace == "lost" and _batch_output_format(arguments) == "csv":
        return "--trace lost writes JSON Lines (the lost rules have no CSV column): --format jsonl"
    arguments.rubrics, arguments.data = paths, None
    return None


def _batch_output_format(arguments: argparse.Namespace) -> str | None:
    """The format --batch writes: --format, else as --output's name says, else as the input's
    (--input-format, or the batch file's name)."""
    from rubricdsl.batch import format_of, written_format

    kind = arguments.input_format or format_of(arguments.batch)
    return written_format(arguments.format, arguments.output, kind)


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    if arguments.batch is not None:
        return _run_batch(arguments, limits)
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


# ---- --batch ----------------------------------------------------------------------------------

# refused rows shown in full on standard error; the others are counted (each is in the output)
SHOWN_REFUSED = 20


def _run_batch(arguments: argparse.Namespace, limits: Limits) -> str:
    """Score the batch file's rows to --output (whole or not at all) or standard output, with a
    progress bar on a terminal and a summary on standard error; RowsRefusedError (exit 1) once
    the output is written, when any row was refused."""
    from rubricdsl import batch  # only for a batch: csv, multiprocessing, tempfile
    from rubricdsl.api import load

    rubric = load(arguments.rubrics[0], limits)
    output = arguments.output
    shown = 0  # refused rows listed so far: the first SHOWN_REFUSED

    bar = _progress_bar(arguments.batch, output)

    def refused(row: int, id: str | None, error: IndicatorError) -> None:
        nonlocal shown
        if shown < SHOWN_REFUSED:
            shown += 1
            lines = _refused_lines(row, id, error)
            if bar is not None:
                bar.write(escape_block(lines))
            else:
                _tell(lines)

    try:
        with _terminated_as_interrupt():
            summary = batch.score_file(
                rubric,
                arguments.batch,
                output if output is not None else _stdout(),
                input_format=arguments.input_format,
                output_format=arguments.format,
                jobs=arguments.jobs,
                trace=arguments.trace or "none",
                limits=limits,
                refused=refused,
                progress=bar.update if bar is not None else None,
            )
    except BrokenPipeError:  # the reader has gone (`… | head`): stop quietly, as Unix tools do
        silence_stdout()
        raise SystemExit(141) from None
    finally:
        if bar is not None:
            bar.close()
    lines = []
    if summary.refused > SHOWN_REFUSED:
        lines.append(
            _("… and {count} more refused rows (each with its problems in the output)").format(
                count=f"{summary.refused - SHOWN_REFUSED:,}"
            )
        )
    rate = summary.rows / summary.seconds if summary.seconds > 0 else 0.0
    done = _("rows scored: {scored}, refused: {refused}, in {seconds} s ({rate} rows/s)").format(
        scored=f"{summary.scored:,}",
        refused=f"{summary.refused:,}",
        seconds=f"{summary.seconds:.1f}",
        rate=f"{rate:,.0f}",
    )
    if output is not None:
        done += "; " + _("wrote {file}").format(file=escape(output))
    lines.append(done)
    if summary.refused:
        raise batch.RowsRefusedError("\n".join(lines))
    _tell("\n".join(lines))
    return ""


# problems shown for each refused row on standard error (the output has them all)
SHOWN_PROBLEMS = 5


def _refused_lines(row: int, id: str | None, error: IndicatorError) -> str:
    """A refused row for standard error: where, then its first problems, one a line."""
    where = _("row {row}").format(row=row)
    if id is not None:
        where = _("row {row} ({id})").format(row=row, id=escape(clip(id, 80)))
    problems = error.problems
    lines = [f"{where}:"] + [f"  - {problem}" for problem in problems[:SHOWN_PROBLEMS]]
    more = len(problems) + error.omitted - SHOWN_PROBLEMS
    if more > 0:
        lines.append("  " + _("… and {count} more").format(count=f"{more:,}"))
    return "\n".join(lines)


def _tell(message: str) -> None:
    """A line for the person running the batch, on standard error."""
    if sys.stderr is None:
        return
    try:
        sys.stderr.write(escape_block(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _stdout() -> IO[bytes]:
    sys.stdout.flush()
    return sys.stdout.buffer


class _Bar(Protocol):
    def update(self, done: int, rows: int) -> None: ...

    def write(self, text: str) -> None: ...

    def close(self) -> None: ...


def _progress_bar(source: str, output: str | None) -> _Bar | None:
    """A progress bar on standard error when it is a terminal (and the rows are not going to
    the same terminal); tqdm is imported only then."""
    if not _terminal(sys.stderr) or (output is None and _terminal(sys.stdout)):
        return None
    from tqdm import tqdm

    from rubricdsl.batch import size_of

    bar = tqdm(
        total=size_of(source),
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
    )

    class Bar:
        def update(self, done: int, rows: int) -> None:
            bar.update(done - bar.n)
            bar.set_postfix_str(_("{rows} rows").format(rows=f"{rows:,}"), refresh=False)

        def write(self, text: str) -> None:
            """Lines above the bar, which is drawn again below them."""
            bar.write(text, file=sys.stderr)

        def close(self) -> None:
            bar.close()

    return Bar()


def _terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


@contextmanager
def _terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM (a `kill`, a job scheduler's time limit) ends the batch as Ctrl-C does: the
    workers stop and the half-written temporary file is removed, the old output left whole."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
