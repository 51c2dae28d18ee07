"""`rubricdsl whatif`: (being built for issue 7)."""

from __future__ import annotations

import argparse

from rubricdsl.errors import RubricError
from rubricdsl.limits import Limits

NAME = "whatif"
HELP = "(not yet built)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(arguments: argparse.Namespace, limits: Limits) -> str:
    raise RubricError("rubricdsl whatif is not built yet")
