"""`rubricdsl fmt [--check | --diff] PATH...`: rubrics in the canonical layout (docs/formatting.md).

Every file is read and formatted before any is written: a syntax error in one of them refuses
the whole command, and nothing is written."""

from __future__ import annotations

import argparse
import difflib
import os
from collections.abc import Iterator
from pathlib import Path

from rubricdsl.atomic import write_atomically
from rubricdsl.errors import RubricError
from rubricdsl.escape import escape, escape_block
from rubricdsl.files import read_text
from rubricdsl.formatter import format_rubric
from rubricdsl.limits import Limits

NAME = "fmt"
HELP = "lay rubric files out in the canonical layout (--check: only say which would change)"


class WouldReformatError(RubricError):
    """`fmt --check`: files are not in the canonical layout."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a rubric file, or a folder: every *.rubric file below it",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and list the files that would change",
    )
    mode.add_argument(
        "--diff", action="store_true", help="write nothing; show the changes as a unified diff"
    )


def rubric_files(paths: list[str]) -> list[str]:
    """The files named, and the *.rubric files below the folders named (hidden folders and
    files left out), in order, each once."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            below = sorted(
                str(file)
                for file in Path(path).rglob("*.rubric")
                if file.is_file()
                and not any(part.startswith(".") for part in file.relative_to(path).parts)
            )
            if not below:
                raise RubricError(f"{escape(path)}: no .rubric files in this folder")
            found += below
        elif os.path.lexists(path):
            found.append(path)
        else:
            raise RubricError(f"{escape(path)}: no such file or folder")
    unique: dict[str, str] = {}
    for file in found:
        unique.setdefault(os.path.realpath(file), file)
    return list(unique.values())


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    files = rubric_files(arguments.paths)
    changed: list[tuple[str, str, str]] = []  # (file, text, formatted)
    problems: list[str] = []
    for file in files:
        text = read_text(file, "rubric file", RubricError, limits)
        try:
            formatted = format_rubric(text, file, limits)
        except RubricError as error:
            problems.append(str(error))
            continue
        if formatted != text:
            changed.append((file, text, formatted))
    if problems:
        written = "" if arguments.check or arguments.diff else ": nothing was written"
        raise RubricError("\n".join(problems) + f"\n(fmt refused{written})")
    if arguments.check:
        if changed:
            listed = "".join(f"\n  {escape(file)}" for file, _, _ in changed)
            raise WouldReformatError(
                f"{_plural(len(changed), 'file')} would be reformatted "
                f"(run rubricdsl fmt to do so):{listed}"
            )
        return f"{_plural(len(files), 'file')} already formatted\n"
    if arguments.diff:
        return "".join(_diff(file, text, formatted) for file, text, formatted in changed)
    lines = []
    for file, _, formatted in changed:
        write_atomically(os.path.realpath(file), formatted.encode("utf-8"))
        lines.append(f"reformatted {escape(file)}")
    lines.append(
        f"{_plural(len(changed), 'file')} reformatted, {len(files) - len(changed)} left unchanged"
    )
    return "\n".join(lines) + "\n"


def _diff(file: str, text: str, formatted: str) -> str:
    """A unified diff of one file, every control character in it shown as an escape."""
    lines = _unified(_lines(text), _lines(formatted), file, f"{file} (formatted)")
    out = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return escape_block("".join(out))


# difflib takes a line found in more than 1% of a long file (`}`, a blank line) for junk and
# never anchors on it, so that an unchanged `}` shows as removed and added again; a rubric's
# lines are compared without that heuristic up to this many, past it with it (its worst case
# is quadratic without).
EXACT_DIFF_LINES = 20_000


def _unified(old: list[str], new: list[str], old_name: str, new_name: str) -> Iterator[str]:
    """`difflib.unified_diff` with three lines of context, anchoring on every line."""
    matcher = difflib.SequenceMatcher(
        None, old, new, autojunk=len(old) + len(new) > EXACT_DIFF_LINES
    )
    for number, group in enumerate(matcher.get_grouped_opcodes(3)):
        if number == 0:
            yield f"--- {old_name}\n"
            yield f"+++ {new_name}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in old[i1:i2])
                continue
            yield from ("-" + line for line in old[i1:i2])
            yield from ("+" + line for line in new[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's lines as unified diffs write them: `5` for one, `5,3` for three from 5."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _lines(text: str) -> list[str]:
    """The lines of a text as the grammar counts them (split at "\n" only), each with its "\n"
    (the last without one, if the text does not end with one)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]
