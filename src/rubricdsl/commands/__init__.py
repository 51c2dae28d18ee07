"""The CLI's commands, one module each: its name, its arguments, and what it prints."""

from __future__ import annotations

import argparse
from types import ModuleType
from typing import Any

from rubricdsl.commands import (
    check,
    compile,
    diff,
    fmt,
    gaps,
    schema,
    score,
    status,
    template,
    test,
    whatif,
)

# Each module has NAME, HELP, add_arguments(parser) and run(arguments, limits) -> str.
COMMANDS: tuple[ModuleType, ...] = (
    score,
    check,
    status,
    gaps,
    whatif,
    template,
    schema,
    fmt,
    diff,
    test,
    compile,
)


def add_all(subparsers: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add every command's sub-parser, each with the options all commands share."""
    for command in COMMANDS:
        parser = subparsers.add_parser(
            command.NAME, parents=[common], help=command.HELP, description=command.HELP
        )
        command.add_arguments(parser)
        parser.set_defaults(run=command.run)
