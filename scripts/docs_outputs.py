"""Keep the commands' output in docs/districts.md real: run every ```console block's
`$ rubricdsl …` command (from a folder holding copies of rubrics/ and examples/, in a fixed
environment) and write what it printed under it.

    .venv/bin/python scripts/docs_outputs.py          # rewrite the outputs
    .venv/bin/python scripts/docs_outputs.py --check  # exit 1 if one differs (tests run this)
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "docs" / "districts.md"]
BLOCK = re.compile(r"```console\n(?P<body>.*?)```", re.DOTALL)


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
    def one(match: re.Match[str]) -> str:
        body = match.group("body")
        if not body.startswith("$ rubricdsl"):
            return match.group(0)
        parts = []
        lines = command_lines(body)
        for command, shown in zip(commands_of(body), _grouped(lines), strict=True):
            parts.append("\n".join(shown) + "\n" + run(command, folder))
        return "```console\n" + "".join(parts) + "```"

    return BLOCK.sub(one, text)


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
