"""What every command shares about its output: formats, language, files, stdout's encoding."""

from __future__ import annotations

import argparse
import codecs
import os
import sys
from typing import TextIO

from rubricdsl.atomic import write_atomically
from rubricdsl.escape import escape
from rubricdsl.i18n import LANGUAGES, _


def writes_unicode(stream: TextIO | None) -> bool:
    """Whether a stream can take any character: JSON for a GBK or ASCII console is written with
    \\u escapes instead, which keep it valid where a backslash fallback would not."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    return codecs.lookup(encoding).name.startswith("utf")


REPORT_FORMATS = ("text", "json", "markdown", "html")


def add_report_options(
    parser: argparse.ArgumentParser, formats: tuple[str, ...] = REPORT_FORMATS
) -> None:
    """The options every report command shares: its format, language and output file."""
    parser.add_argument(
        "--format",
        choices=formats,
        default="text",
        help="the report's form: " + ", ".join(formats) + " (default: text)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="the report's language: zh or en (default: from the locale, LANG=zh_CN.UTF-8 → zh)",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        default=None,
        help="write the report to FILE (whole or not at all: a temporary file beside it is "
        "renamed into place) instead of standard output",
    )


def deliver(text: str, output: str | None) -> str:
    """The report for standard output, or written to its file (and a line saying so)."""
    if output is None:
        return text
    data = text.encode("utf-8")
    write_atomically(output, data)
    return _("wrote {file} ({size:,} bytes)").format(file=escape(output), size=len(data)) + "\n"


def silence_stdout() -> None:
    """After a failed write, point stdout at /dev/null so Python's exit flush stays quiet."""
    try:
        descriptor = os.open(os.devnull, os.O_WRONLY)
        os.dup2(descriptor, sys.stdout.fileno())
        os.close(descriptor)
    except (OSError, ValueError, AttributeError):
        pass
