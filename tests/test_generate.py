"""rubricdsl.generate, public as `rubricdsl.testing.rubrics`: every drawn text compiles and is in
the canonical layout, `rubricdsl fmt` keeps its meaning and is idempotent on it, the options
leave out what they say, and over 120 draws every construct of the language appears
(read back from the compiled AST, so that a construct the generator stops drawing fails)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rubricdsl
from rubricdsl import ast
from rubricdsl.formatter import format_rubric
from rubricdsl.testing import meaning, rubrics

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every construct of the language, as `features` names what it finds in a rubric.
CONSTRUCTS = frozenset(
    {
        # header
        "header rubric", "header year", "header base", "header bonus", "no base",
        # indicators
        *(f"type {kind}" for kind in (
            "bool", "count", "percent", "score", "amount", "number", "series", "enum"
        )),
        "or na", "label", "level label", "two indicators blocks",
        # derived indicators and the rubric's rounding rule
        "derived ratio", "derived sum", "derived difference", "derived change",
        "derived from a derived one", "derived from a series point", "derived or na",
        *(f"derived rounding {mode}" for mode in ("half-up", "half-even", "down", "up")),
        # structure
        "category", "category cap", "bonus category", "group", "group total", "item",
        "bare id", "quoted id", "item cap",
        # rules
        "fixed", "fixed negative", "always", "per", "per negative", "per step", "per last",
        "per previous", "per above", "per below", "per target number", "per target indicator",
        "per target series point", "per max", "per without max", "rounding down", "rounding up",
        "rounding exact", "scaled by", "scaled by of number", "scaled by of indicator",
        "highest", "lowest", "then", "then with wording",
        # vetoes, requirements, 合理缺项, deductions, grades, checklists
        "veto top", "veto item", "veto downgrade", "veto at most", "require top",
        "require category", "require item", "require task", "na when item", "na when group",
        "na when category", "na allowed item", "na allowed group", "na allowed category",
        "deductions category", "deductions top", "deductions lowest", "deductions scaled by",
        "grades", "grades on total", "grades on base", "grade >=", "grade >", "checklist",
        "task",
        # conditions
        "and", "or", "not", "parentheses", "flag", "compare literal", "literal on the left",
        "compare indicators", "compare bool literal", "compare bools", "compare enum level",
        "compare enums", "last", "previous", "increasing", "decreasing",
        *(f"operator {op}" for op in (">=", ">", "<=", "<", "==", "!=")),
        # the text itself
        "escaped quote", "escaped backslash", "comment",
    }
)  # fmt: skip


# `rounding down` (the default, so the AST cannot tell); an item's or task's id as written
ROUNDING = re.compile(r"\brounding (down|up|exact)\b(?! to)")
ITEM_ID = re.compile(r"^\s*(?:item|task) (\"(?:[^\"\\]|\\.)*\"|\S+)", re.MULTILINE)


def nodes(node: object) -> list[object]:
    """Every AST node below `node`."""
    found: list[object] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        if isinstance(current, tuple):
            stack.extend(current)
        elif attrs.has(type(current)):
            stack.extend(getattr(current, f.name) for f in attrs.fields(type(current)))
    return found


def _condition_features(node: object) -> set[str]:
    seen: set[str] = set()
    if isinstance(node, ast.AllOf):
        seen.add("and")
        if any(isinstance(o, ast.AnyOf | ast.AllOf) for o in node.operands):
            seen.add("parentheses")
    elif isinstance(node, ast.AnyOf):
        seen.add("or")
        if any(isinstance(o, ast.AnyOf) for o in node.operands):
            seen.add("parentheses")
    elif isinstance(node, ast.Not):
        seen.add("not")
        if isinstance(node.operand, ast.AnyOf | ast.AllOf):
            seen.add("parentheses")
    elif isinstance(node, ast.Flag):
        seen.add("flag")
    elif isinstance(node, ast.Trend):
        seen.add(node.direction)
    elif isinstance(node, ast.SeriesPoint):
        seen.add(node.which)
    elif isinstance(node, ast.Comparison):
        seen.add(f"operator {node.operator}")
        sides = (node.left, node.right)
        if isinstance(node.left, ast.NumberLiteral):
            seen.add("literal on the left")
        if any(isinstance(side, ast.NumberLiteral) for side in sides):
            seen.add("compare literal")
        if any(isinstance(side, ast.BoolLiteral) for side in sides):
            seen.add("compare bool literal")
    return seen


def _comparison_kinds(rubric: rubricdsl.Rubric, comparison: ast.Comparison) -> set[str]:
    """What a comparison compares, by the declared types of its sides (an enum's level is a
    Reference too, but names no indicator)."""
    sides = (comparison.left, comparison.right)
    references = [side for side in sides if isinstance(side, ast.Reference)]
    kinds = [rubric.indicators[r.name].kind for r in references if r.name in rubric.indicators]
    points = [side for side in sides if isinstance(side, ast.SeriesPoint)]
    if "enum" in kinds:
        return {"compare enums"} if len(kinds) == 2 else {"compare enum level"}
    if kinds == ["bool", "bool"]:
        return {"compare bools"}
    if len(references) + len(points) == 2:
        return {"compare indicators"}
    return set()


def _rule_features(rule: object) -> set[str]:
    seen: set[str] = set()
    if isinstance(rule, ast.Fixed):
        seen.add("fixed negative" if rule.points < 0 else "fixed")
    elif isinstance(rule, ast.Always):
        seen.add("always")
    elif isinstance(rule, ast.PerUnit):
        seen.add("per negative" if rule.points < 0 else "per")
        if rule.step != 1:
            seen.add("per step")
        if isinstance(rule.indicator, ast.SeriesPoint):
            seen.add(f"per {rule.indicator.which}")
        if rule.direction is not None:
            seen.add(f"per {rule.direction}")
            target = rule.target
            if isinstance(target, Decimal):
                seen.add("per target number")
            elif isinstance(target, ast.SeriesPoint):
                seen.add("per target series point")
            else:
                seen.add("per target indicator")
        seen.add("per max" if rule.maximum is not None else "per without max")
    elif isinstance(rule, ast.Proportional):
        if rule.target is None:
            seen.add("scaled by")
        elif isinstance(rule.target, Decimal):
            seen.add("scaled by of number")
        else:
            seen.add("scaled by of indicator")
    elif isinstance(rule, ast.Tiers):
        seen.add("lowest" if rule.lowest else "highest")
    return seen


def features(text: str) -> set[str]:
    """The constructs a rubric text uses (names of CONSTRUCTS)."""
    rubric = rubricdsl.loads(text)
    file = rubric.checked.file
    seen = {f"header {field.field}" for field in file.header_fields}
    if "header base" not in seen:
        seen.add("no base")
    seen |= {f"rounding {word}" for word in ROUNDING.findall(text)}
    if '\\"' in text:
        seen.add("escaped quote")
    if "\\\\" in text:
        seen.add("escaped backslash")
    if comments(text):
        seen.add("comment")
    if len(re.findall(r"^indicators \{", text, re.MULTILINE)) > 1:
        seen.add("two indicators blocks")
    for item_id in ITEM_ID.findall(text):
        seen.add("quoted id" if item_id.startswith('"') else "bare id")
    seen |= {f"derived rounding {rounding.mode}" for rounding in file.roundings}
    derived = {d.name for d in file.declarations if d.derivation is not None}
    for declaration in file.declarations:
        if declaration.derivation is not None:
            seen |= _derivation_features(declaration, derived)
        seen.add(f"type {declaration.type.name}")
        if declaration.allows_na:
            seen.add("or na")
        if declaration.label is not None:
            seen.add("label")
        if isinstance(declaration.type, ast.EnumType):
            if any(level.label is not None for level in declaration.type.levels):
                seen.add("level label")
    seen |= {"veto top" for _ in file.vetoes} | {"require top" for _ in file.requirements}
    seen |= {"deductions top" for _ in file.deductions}
    for category in file.categories:
        seen.add("category")
        seen |= {"category cap"} if category.capped else set()
        seen |= {"bonus category"} if category.is_bonus else set()
        seen |= {"require category" for _ in category.requirements}
        seen |= {"deductions category" for _ in category.deductions}
        seen |= _excuse_features(category.not_applicable, "category")
        for member in category.members:
            items = (member,) if isinstance(member, ast.Item) else member.items
            if isinstance(member, ast.Group):
                seen.add("group")
                seen |= {"group total"} if member.total is not None else set()
                seen |= _excuse_features(member.not_applicable, "group")
            for item in items:
                seen |= _item_features(item)
    for block in file.deductions + tuple(d for c in file.categories for d in c.deductions):
        for rule in block.rules:
            if isinstance(rule, ast.Tiers):
                seen.add("deductions lowest")
            if isinstance(rule, ast.Proportional):
                seen.add("deductions scaled by")
    for grades in file.grades:
        seen.add("grades")
        if re.search(r"^grades on", text, re.MULTILINE):
            seen.add(f"grades on {grades.basis}")
        seen |= {f"grade {band.operator}" for band in grades.bands if band.operator}
    for checklist in file.checklists:
        seen |= {"checklist"} | {"task" for _ in checklist.tasks}
        seen |= {"require task" for task in checklist.tasks for _ in task.requirements}
    for node in nodes(file):
        seen |= _rule_features(node) | _condition_features(node)
        if isinstance(node, ast.Veto):
            if node.downgrade is not None:
                seen.add("veto downgrade")
            if node.at_most is not None:
                seen.add("veto at most")
        if isinstance(node, ast.Comparison):
            seen |= _comparison_kinds(rubric, node)
    return seen


def _derivation_features(declaration: ast.Declaration, derived: set[str]) -> set[str]:
    assert declaration.derivation is not None
    seen = {f"derived {declaration.derivation.function}"}
    for operand in declaration.derivation.inputs:
        if isinstance(operand, ast.SeriesPoint):
            seen.add("derived from a series point")
        elif operand.name in derived:
            seen.add("derived from a derived one")
    if declaration.allows_na:
        seen.add("derived or na")
    return seen


def _item_features(item: ast.Item) -> set[str]:
    seen = {"item"} | _excuse_features(item.not_applicable, "item")
    seen |= {"item cap"} if item.cap is not None else set()
    seen |= {"veto item" for _ in item.vetoes} | {"require item" for _ in item.requirements}
    seen |= {"then with wording" if then.text else "then" for then in item.thens}
    return seen


def _excuse_features(excuses: tuple[ast.Excuse, ...], where: str) -> set[str]:
    return {
        f"na when {where}" if isinstance(e, ast.NotApplicableWhen) else f"na allowed {where}"
        for e in excuses
    }


def ast_of(text: str) -> Any:
    return meaning(text)


def comments(text: str) -> int:
    return len(re.findall(r'^(?:[^"#]|"(?:[^"\\]|\\.)*")*#', text, re.MULTILINE))


# ---- the properties ---------------------------------------------------------------------------


@SETTINGS
@given(rubrics())
def test_every_drawn_text_compiles_and_is_in_the_canonical_layout(text: str) -> None:
    rubricdsl.loads(text)
    assert format_rubric(text) == text


@SETTINGS
@given(rubrics(canonical=False, comments=True))
def test_fmt_is_idempotent_keeps_the_ast_and_the_comments(text: str) -> None:
    formatted = format_rubric(text)
    assert format_rubric(formatted) == formatted
    assert ast_of(formatted) == ast_of(text)
    assert comments(formatted) == comments(text)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rubrics(wording=st.text(max_size=12), canonical=False))
def test_any_wording_is_written_as_a_string_of_the_language(text: str) -> None:
    """Quotes, backslashes, line breaks, control characters: escaped or made spaces."""
    rubricdsl.loads(text)


@SETTINGS
@given(
    rubrics(
        grades=False,
        checklists=False,
        na=False,
        vetoes=False,
        requirements=False,
        deductions=False,
        derived=False,
    )
)
def test_the_options_leave_out_what_they_say(text: str) -> None:
    seen = features(text)
    left_out = {
        name
        for name in CONSTRUCTS
        if name.startswith(
            ("grade", "checklist", "task", "veto", "require", "na ", "deductions", "derived")
        )
        or name in {"or na", "no base", "lowest", "fixed negative", "per negative"}
    }
    assert not seen & left_out, seen & left_out
    assert {"category", "item", "header base"} <= seen  # still a scoring rubric
    assert not comments(text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rubrics(checklists=False, max_categories=1, max_items=1, max_rules=1))
def test_the_sizes_bound_the_rubric(text: str) -> None:
    file = rubricdsl.loads(text).checked.file
    (category,) = file.categories
    items = [m for m in category.members if isinstance(m, ast.Item)] + [
        item for m in category.members if isinstance(m, ast.Group) for item in m.items
    ]
    assert len(items) == 1
    assert len(items[0].rules) == 1


def test_over_200_draws_every_construct_appears() -> None:
    seen: set[str] = set()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(rubrics(comments=True, canonical=False))
    def collect(text: str) -> None:
        seen.update(features(text))

    collect()
    assert seen <= CONSTRUCTS, seen - CONSTRUCTS  # features() names only constructs listed
    assert not CONSTRUCTS - seen, f"never drawn: {sorted(CONSTRUCTS - seen)}"


def test_features_tell_constructs_apart() -> None:
    """The coverage test can fail: a small rubric shows only what it uses."""
    text = (
        'rubric "t"\nyear 2021\nbase 2\nindicators {\n  a: bool\n}\n'
        'category "c" 2 {\n  item 1 "i" 2 {\n    2 when a "有"\n  }\n}\n'
    )
    assert features(text) == {
        "header rubric",
        "header year",
        "header base",
        "type bool",
        "category",
        "item",
        "bare id",
        "fixed",
        "flag",
    }


@pytest.mark.parametrize("name", ["max_categories", "max_items", "max_rules"])
@pytest.mark.parametrize("value", [0, -1, True, 1.5])
def test_sizes_must_be_whole_numbers_of_one_or_more(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        rubrics(**{name: value})  # type: ignore[arg-type]
