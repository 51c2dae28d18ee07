"""The command line: parse the arguments, run a command (see `commands/`), write its output."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn, TextIO

from rubricdsl.commands import add_all
from rubricdsl.commands.output import silence_stdout
from rubricdsl.errors import RubricError
from rubricdsl.escape import clip, escape, escape_block
from rubricdsl.i18n import Translate, language, speaking, translator
from rubricdsl.limits import DEFAULT_LIMITS, MIB, Limits

EXIT_OK = 0
EXIT_BAD_INPUT = 1  # the rubric or the data file is wrong: the message says what and where
EXIT_USAGE = 2  # the command line is wrong
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in rubricdsl, never the input's fault
EXIT_CANNOT_WRITE = 74  # EX_IOERR: the output could not be written (disk full, stdout closed)
EXIT_BROKEN_PIPE = 141  # what a shell reports for a tool stopped by SIGPIPE (`… | head -1`)
EXIT_INTERRUPTED = 130


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with what the user typed escaped in its messages."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {escape(clip(message, 500))}\n")


def _positive_megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of MB") from None
    if not 0 < value < 1 << 20:
        raise argparse.ArgumentTypeError(f"{text!r} MB is not a positive size")
    return value


def _parser() -> argparse.ArgumentParser:
    common = _ArgumentParser(add_help=False)
    common.add_argument(
        "--max-file-mb",
        type=_positive_megabytes,
        default=DEFAULT_LIMITS.max_file_bytes / MIB,
        metavar="MB",
        help="refuse input files larger than this (default %(default)g)",
    )
    common.add_argument(
        "--debug", action="store_true", help="on an internal error, print the traceback"
    )
    parser = _ArgumentParser(
        prog="rubricdsl",
        description="Compile scoring rubrics and score a district's indicators, with a trace.",
        epilog="exit status: 0 done, 1 bad rubric or data, 2 bad command line, "
        "70 internal error (please report it), 74 output could not be written",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_ArgumentParser
    )
    add_all(commands, common)
    return parser


def _coloured(text: str, stream: TextIO | None) -> str:
    """`text` with the rubric lines of its excerpts coloured where `stream` is a terminal that
    wants colour (highlight.colour_wanted); Pygments is imported only then."""
    isatty = getattr(stream, "isatty", None)
    try:
        terminal = bool(isatty and isatty())
    except (OSError, ValueError):
        terminal = False
    if not terminal:  # no colour anywhere else, and no need to import Pygments
        return text
    from rubricdsl.highlight import colour_wanted, highlight_excerpts

    return highlight_excerpts(text) if colour_wanted(stream) else text


def _say(message: str) -> None:
    """Write a message to stderr, if there is one that can take it: on a terminal, with the
    rubric lines of its excerpts coloured."""
    if sys.stderr is None:
        return
    text = _coloured(escape_block(message), sys.stderr)
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _never_fail_on(stream: TextIO | None) -> None:
    """Let a console that cannot show a character (GBK, ASCII) get its escape instead of a crash."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors="backslashreplace")
        except (OSError, ValueError):
            pass


def _write(output: str, _: Translate) -> int:
    if sys.stdout is None:
        _say("rubricdsl: " + _("cannot write the output: standard output is closed"))
        return EXIT_CANNOT_WRITE
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader has gone (`… | head -1`): stop quietly, as Unix tools do
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except (OSError, ValueError) as problem:
        reason = problem.strerror if isinstance(problem, OSError) else str(problem)
        _say("rubricdsl: " + _("cannot write the output: {reason}").format(reason=reason))
        silence_stdout()
        return EXIT_CANNOT_WRITE
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code: 0 done, 1 bad input, 2 usage, 70 internal error,
    74 output not written, 141 output pipe closed by its reader."""
    _never_fail_on(sys.stdout)
    _never_fail_on(sys.stderr)
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code) if isinstance(stop.code, int) else EXIT_USAGE
    limits = Limits(max_file_bytes=int(arguments.max_file_mb * MIB))
    lang = language(getattr(arguments, "lang", None))
    _ = translator(lang)
    try:
        with speaking(lang):
            output = arguments.run(arguments, limits)
    except RubricError as error:
        _say(f"rubricdsl: {error}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug of ours: say so plainly, apart from bad input
        if arguments.debug:
            message = _("internal error ({kind}), please report it with the files that caused it")
        else:
            message = _(
                "internal error ({kind}), please report it with the files that caused it; run "
                "again with --debug to see the traceback"
            )
        _say("rubricdsl: " + message.format(kind=type(error).__name__))
        if arguments.debug:
            _say(traceback.format_exc())
        return EXIT_INTERNAL
    if arguments.command == "check":
        output = _coloured(output, sys.stdout)
    return _write(output, _)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
