"""Where a rubric reads each indicator: "item 14", "category '质量安全水平'", "veto", … — for the
workbook's "read by" column and the schema's descriptions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any, cast

import attrs

from rubricdsl import ast
from rubricdsl.api import Rubric
from rubricdsl.source import Span

# A node of one of these classes is a place of its own: what it holds is read "in" it. Any other
# node belongs to the place of the node around it. Task is the campaign's `task` block.
_OWN_PLACES: dict[str, Callable[[Any], str]] = {
    "Item": lambda node: f"item {node.id}",
    "Task": lambda node: f"task {node.id}",
    "Group": lambda node: f"group '{node.title}'",
    "Category": lambda node: f"category '{node.title}'",
}
# What stands at the top level of a rubric, outside any category, item or task: named by kind.
_TOP_LEVEL = {"Veto": "veto", "Requirement": "requirement", "Deductions": "deduction"}

_Position = tuple[int, int]


def places(file: object) -> dict[str, tuple[str, ...]]:
    """For a rubric's AST (or any tree of attrs nodes): each indicator it reads, mapped to the
    places that read it, in the order written, each once. Walks every attrs field, so a node
    kind added to ast.py is searched too; a class named Item or Task names its place by its
    `id`, Group and Category by their `title`."""
    # name → place → where the place first reads it
    found: dict[str, dict[str, _Position]] = {}
    stack: list[tuple[object, str | None]] = [(file, None)]
    while stack:
        node, place = stack.pop()
        if isinstance(node, (tuple, list)):
            stack.extend((element, place) for element in reversed(node))
            continue
        if not attrs.has(type(node)) or isinstance(node, (Span, ast.Declaration)):
            continue
        kind = type(node).__name__
        own = _OWN_PLACES.get(kind)
        if own is not None:
            place = own(node)
        elif place is None and node is not file:
            place = _TOP_LEVEL.get(kind, kind.lower())
        if isinstance(node, ast.Reference):
            if place is not None:
                first = found.setdefault(node.name, {})
                position = (node.span.line, node.span.column)
                if place not in first or position < first[place]:
                    first[place] = position
            continue
        fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(node)))
        children = [getattr(node, field.name) for field in fields]
        stack.extend((child, place) for child in reversed(children))
    return {
        name: tuple(sorted(where, key=lambda place: where[place])) for name, where in found.items()
    }


def readers(rubric: Rubric) -> dict[str, tuple[str, ...]]:
    """Each indicator the rubric declares, mapped to the places that read it in written order
    ("item 14", "category '质量安全水平'", "veto", "requirement", "deduction", "task 3"); an
    indicator nothing reads maps to ()."""
    read = places(rubric.checked.file)
    return {name: read.get(name, ()) for name in rubric.indicators}


def merged_readers(rubrics: Sequence[Rubric]) -> dict[str, tuple[str, ...]]:
    """`readers` over several rubrics, every indicator any of them declares. With more than one
    rubric each place names its rubric by file name ("anhui-quality-county: item 14")."""
    rubrics = tuple(rubrics)
    if len(rubrics) == 1:
        return readers(rubrics[0])
    stems = [PurePath(rubric.source_name).stem for rubric in rubrics]
    names = [
        stem if stems.count(stem) == 1 else rubric.source_name
        for stem, rubric in zip(stems, rubrics, strict=True)
    ]
    merged: dict[str, list[str]] = {}
    for short, rubric in zip(names, rubrics, strict=True):
        for indicator, where in readers(rubric).items():
            into = merged.setdefault(indicator, [])
            into += [f"{short}: {place}" for place in where if f"{short}: {place}" not in into]
    return {indicator: tuple(where) for indicator, where in merged.items()}
