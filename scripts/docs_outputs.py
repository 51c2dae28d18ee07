"""Keep the commands' output in docs/districts.md and docs/authoring.md real: run every
```console block's `$ rubricdsl …` command (from a folder holding copies of rubrics/ and
examples/, in a fixed environment) and write what it printed under it.

A walkthrough may show a command on a file as it stood before a step: a comment
`<!-- docs-outputs: in PATH replace "OLD" with "NEW" -->` changes the folder's copy of PATH
for the blocks after it (the strings are JSON strings; OLD must occur exactly once), and
`<!-- docs-outputs: restore PATH -->` puts the repository's file back.

    .venv/bin/python scripts/docs_outputs.py          # rewrite the outputs
    .venv/bin/python scripts/docs_outputs.py --check  # exit 1 if one differs (tests run this)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "docs" / "districts.md", ROOT / "docs" / "authoring.md"]
BLOCK = re.compile(r"```console\n(?P<body>.*?)```", re.DOTALL)
_STRING = r'"(?:[^"\\]|\\.)*"'
STEP = re.compile(
    rf"<!-- docs-outputs: (?:in (?P<path>\S+) replace (?P<old>{_STRING}) with (?P<new>{_STRING})"
    r"|restore (?P<restored>\S+)) -->"
)


def commands_of(body: str) -> list[str]:
    """The block's commands: lines starting `$ `, with `\\` continuations joined."""
    found: list[str] = []
    lines = body.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and index + 1 < len(lines):
                index += 1
                command = command[:-1] + " " + lines[index].strip()
            found.append(command)
        index += 1
    return found


def command_lines(body: str) -> list[str]:
    """The block's lines that are commands (with their continuations), as written."""
    kept: list[str] = []
    continuing = False
    for line in body.splitlines():
        if line.startswith("$ ") or continuing:
            kept.append(line)
            continuing = line.endswith("\\")
    return kept


def run(command: str, folder: Path) -> str:
    words = shlex.split(command)
    assert words[0] == "rubricdsl", command
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "COLUMNS": "100",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "rubricdsl", *words[1:]],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    output = completed.stdout + completed.stderr
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command}: exit {completed.returncode}\n{output}")
    return output


def rendered(text: str, folder: Path) -> str:
    """The text with each console block's output run anew, the steps before it applied to the
    folder's files in the order written."""
    pieces = []
    end = 0
    for match in re.finditer(f"{STEP.pattern}|{BLOCK.pattern}", text, re.DOTALL):
        pieces.append(text[end : match.start()])
        end = match.end()
        if match.group("body") is None:
            _step(match, folder)
            pieces.append(match.group(0))
        else:
            pieces.append(_block(match.group("body"), match.group(0), folder))
    return "".join(pieces) + text[end:]


def _block(body: str, whole: str, folder: Path) -> str:
    if not body.startswith("$ rubricdsl"):
        return whole
    parts = []
    lines = command_lines(body)
    for command, shown in zip(commands_of(body), _grouped(lines), strict=True):
        parts.append("\n".join(shown) + "\n" + run(command, folder))
    return "```console\n" + "".join(parts) + "```"


def _step(match: re.Match[str], folder: Path) -> None:
    """A walkthrough's change to a file of the folder, or the file put back."""
    if match.group("restored") is not None:
        name = match.group("restored")
        shutil.copyfile(ROOT / name, folder / name)
        return
    path = folder / match.group("path")
    old, new = json.loads(match.group("old")), json.loads(match.group("new"))
    content = path.read_text(encoding="utf-8")
    if content.count(old) != 1:
        raise SystemExit(f"{match.group(0)}: the text occurs {content.count(old)} times, not once")
    path.write_text(content.replace(old, new), encoding="utf-8")


def _grouped(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = []
    for line in lines:
        if line.startswith("$ "):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def outputs(document: Path) -> str:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        shutil.copytree(ROOT / "rubrics", folder / "rubrics")
        shutil.copytree(ROOT / "examples", folder / "examples")
        return rendered(document.read_text(encoding="utf-8"), folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    check = parser.parse_args().check
    stale = []
    for document in DOCUMENTS:
        current = outputs(document)
        if current != document.read_text(encoding="utf-8"):
            stale.append(document)
            if not check:
                document.write_text(current, encoding="utf-8")
    for document in stale:
        print(f"{document.relative_to(ROOT)}: {'out of date' if check else 'updated'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
