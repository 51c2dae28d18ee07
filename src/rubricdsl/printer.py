"""The rubric language written back from the AST: operands, conditions, rules and types as an
author writes them (`x >= 90 and (y or not z)`), for messages about a rubric."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import attrs

from rubricdsl import ast
from rubricdsl.model import fmt


def operand_text(operand: ast.Operand) -> str:
    if isinstance(operand, ast.Reference):
        return operand.name
    if isinstance(operand, ast.SeriesPoint):
        return f"{operand.which}({operand.series.name})"
    if isinstance(operand, ast.BoolLiteral):
        return "true" if operand.value else "false"
    return fmt(operand.value)


def condition_text(condition: ast.Condition, within: str = "") -> str:
    """A condition as the rubric language writes it: `x >= 90 and (y or not z)`. `within` is
    the operator of the enclosing condition ("and", "or", "not"), to put parentheses where the
    language needs them (`not` binds tighter than `and`, `and` tighter than `or`)."""
    if isinstance(condition, ast.Flag):
        return condition.indicator.name
    if isinstance(condition, ast.Comparison):
        left, right = operand_text(condition.left), operand_text(condition.right)
        return f"{left} {condition.operator} {right}"
    if isinstance(condition, ast.Trend):
        return f"{condition.direction}({condition.series.name})"
    if isinstance(condition, ast.Not):
        return "not " + condition_text(condition.operand, "not")
    word = "and" if isinstance(condition, ast.AllOf) else "or"
    text = f" {word} ".join(condition_text(operand, word) for operand in condition.operands)
    needs = within == "not" or (within == "and" and word == "or")
    return f"({text})" if needs else text


def target_text(target: Decimal | ast.Reference | ast.SeriesPoint) -> str:
    return fmt(target) if isinstance(target, Decimal) else operand_text(target)


def rule_text(rule: ast.Rule | ast.Tier) -> str:
    """A rule without its wording, as the language writes it: `2 when x >= 90`,
    `-1 per 10 of x below 5 max 3 rounding up`, `4 scaled by x of 10`, `highest { … }`."""
    if isinstance(rule, (ast.Fixed, ast.Tier)):
        return f"{fmt(rule.points)} when {condition_text(rule.condition)}"
    if isinstance(rule, ast.Always):
        return f"{fmt(rule.points)} always"
    if isinstance(rule, ast.PerUnit):
        parts = [fmt(rule.points), "per"]
        if rule.step != 1:
            parts += [fmt(rule.step), "of"]
        parts.append(operand_text(rule.indicator))
        if rule.direction is not None and rule.target is not None:
            parts += [rule.direction, target_text(rule.target)]
        if rule.maximum is not None:
            parts += ["max", fmt(rule.maximum)]
        if rule.rounding != "down":
            parts += ["rounding", rule.rounding]
        return " ".join(parts)
    if isinstance(rule, ast.Proportional):
        text = f"{fmt(rule.points)} scaled by {rule.rate.name}"
        return text if rule.target is None else f"{text} of {target_text(rule.target)}"
    word = "lowest" if rule.lowest else "highest"
    return f"{word} {{ " + "; ".join(rule_text(tier) for tier in rule.tiers) + " }"


def type_text(declaration: ast.Declaration) -> str:
    """An indicator's type as declared: `percent`, `amount("万元") or na`, `series(3)`,
    `enum(a "A", b)`; a type this module does not know is shown by its name."""
    kind = declaration.type
    if isinstance(kind, ast.AmountType):
        text = f'amount("{kind.unit}")'
    elif isinstance(kind, ast.SeriesType):
        text = f"series({fmt(kind.length)})"
    elif isinstance(kind, ast.EnumType):
        levels = (
            level.name if level.label is None else f'{level.name} "{level.label}"'
            for level in kind.levels
        )
        text = "enum(" + ", ".join(levels) + ")"
    else:
        text = str(getattr(kind, "name", type(kind).__name__))
    return text + (" or na" if declaration.allows_na else "")


def derivation_text(declaration: ast.Declaration) -> str | None:
    """A derived indicator's formula as written, `ratio(a, b)`; None for a reported one."""
    derivation = declaration.derivation
    if derivation is None:
        return None
    return f"{derivation.function}(" + ", ".join(map(operand_text, derivation.inputs)) + ")"


def declaration_text(declaration: ast.Declaration) -> str:
    """`name: type [= formula] [or na]`, the label left out."""
    formula = derivation_text(declaration)
    if formula is None:
        return f"{declaration.name}: {type_text(declaration)}"
    plain = attrs.evolve(declaration, allows_na=False)
    na = " or na" if declaration.allows_na else ""
    return f"{declaration.name}: {type_text(plain)} = {formula}{na}"


def rounding_text(rounding: ast.Rounding) -> str:
    """`rounding half-up to 2 places`."""
    return f"rounding {rounding.mode} to {fmt(rounding.places)} places"


def generic_text(value: object) -> str:
    """Any piece of a declaration in a message: a condition or an operand in the rubric's own
    syntax, a number as written, another node of the AST by its class and fields (spans left
    out), for what this module does not know how to print yet."""
    if isinstance(value, (ast.Flag, ast.Comparison, ast.Trend, ast.Not, ast.AllOf, ast.AnyOf)):
        return condition_text(value)
    if isinstance(value, (ast.Reference, ast.SeriesPoint, ast.NumberLiteral, ast.BoolLiteral)):
        return operand_text(value)
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(generic_text(element) for element in value) + ")"
    if attrs.has(type(value)):
        fields = (
            f"{field.name}={generic_text(getattr(value, field.name))}"
            for field in attrs.fields(cast(Any, type(value)))
            if not field.name.endswith("span")
        )
        return f"{type(value).__name__}(" + ", ".join(fields) + ")"
    if value is None:
        return "(none)"
    return str(value)
