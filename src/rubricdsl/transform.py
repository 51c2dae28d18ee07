"""Lark parse tree to AST: one method per grammar rule, each keeping its source span."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from lark import Token, Transformer, Tree, v_args
from lark.tree import Meta

from rubricdsl import ast
from rubricdsl.source import Span


def span_of(meta: Meta) -> Span:
    return Span(meta.line, meta.column, meta.end_line, meta.end_column)


def token_span(token: Token) -> Span:
    return Span(token.line or 1, token.column or 1, token.end_line or 1, token.end_column or 1)


def unquote(token: Token) -> str:
    return str(token)[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def item_id(token: Token) -> str:
    """An item id as the table writes it: a bare ITEM_ID as is, a quoted one unquoted."""
    return unquote(token) if token.type == "STRING" else str(token)


def number(token: Token) -> Decimal:
    return Decimal(str(token))


@v_args(meta=True)
class ToAst(Transformer[Token, Any]):
    """Build ast classes bottom-up; the grammar's aliases name the method that builds each."""

    # ---- file and header ----
    def start(self, meta: Meta, children: list[Any]) -> ast.RubricFile:
        header = tuple(c for c in children if isinstance(c, ast.HeaderField))
        declarations = tuple(d for c in children if isinstance(c, list) for d in c)
        categories = tuple(c for c in children if isinstance(c, ast.Category))
        vetoes = tuple(c for c in children if isinstance(c, ast.Veto))
        requirements = tuple(c for c in children if isinstance(c, ast.Requirement))
        grades = tuple(c for c in children if isinstance(c, ast.Grades))
        deductions = tuple(c for c in children if isinstance(c, ast.Deductions))
        checklists = tuple(c for c in children if isinstance(c, ast.Checklist))
        roundings = tuple(c for c in children if isinstance(c, ast.Rounding))
        span = Span(1, 1, 1, 1) if meta.empty else span_of(meta)
        return ast.RubricFile(
            header,
            declarations,
            categories,
            vetoes,
            span,
            requirements,
            grades,
            deductions,
            checklists,
            roundings,
        )

    def title(self, meta: Meta, children: list[Token]) -> ast.HeaderField:
        return ast.HeaderField("rubric", unquote(children[0]), span_of(meta))

    def year(self, meta: Meta, children: list[Token]) -> ast.HeaderField:
        return ast.HeaderField("year", number(children[0]), token_span(children[0]))

    def base_max(self, meta: Meta, children: list[Token]) -> ast.HeaderField:
        return ast.HeaderField("base", number(children[0]), token_span(children[0]))

    def bonus_max(self, meta: Meta, children: list[Token]) -> ast.HeaderField:
        return ast.HeaderField("bonus", number(children[0]), token_span(children[0]))

    # ---- indicators ----
    def indicators(self, meta: Meta, children: list[ast.Declaration]) -> list[ast.Declaration]:
        return list(children)

    def declaration(self, meta: Meta, children: list[Any]) -> ast.Declaration:
        name, indicator_type, *rest = children
        allows_na = any(r == "na" for r in rest)
        labels = [r for r in rest if isinstance(r, tuple)]
        label = labels[0][0] if labels else None
        derivations = [r for r in rest if isinstance(r, ast.Derivation)]
        return ast.Declaration(
            str(name),
            indicator_type,
            allows_na,
            label,
            span_of(meta),
            token_span(name),
            derivations[0] if derivations else None,
        )

    def derivation(self, meta: Meta, children: list[Any]) -> ast.Derivation:
        function, *inputs = children
        name = token_span(function)
        # from the function's name to the closing parenthesis (the `=` left out)
        span = Span(name.line, name.column, meta.end_line, meta.end_column)
        return ast.Derivation(str(function), tuple(inputs), span, name)

    def input_name(self, meta: Meta, children: list[Token]) -> ast.Reference:
        return ast.Reference(str(children[0]), token_span(children[0]))

    def derived_rounding(self, meta: Meta, children: list[Any]) -> ast.Rounding:
        mode, places = children
        return ast.Rounding(mode, number(places), span_of(meta))

    def rounding_mode(self, meta: Meta, children: list[Token]) -> str:
        return str(children[0])

    def not_applicable(self, meta: Meta, children: list[Any]) -> str:
        return "na"

    def label(self, meta: Meta, children: list[Token]) -> tuple[str]:
        return (unquote(children[0]),)

    def bool_type(self, meta: Meta, children: list[Any]) -> ast.BoolType:
        return ast.BoolType(span_of(meta))

    def count_type(self, meta: Meta, children: list[Any]) -> ast.CountType:
        return ast.CountType(span_of(meta))

    def percent_type(self, meta: Meta, children: list[Any]) -> ast.PercentType:
        return ast.PercentType(span_of(meta))

    def score_type(self, meta: Meta, children: list[Any]) -> ast.ScoreType:
        return ast.ScoreType(span_of(meta))

    def number_type(self, meta: Meta, children: list[Any]) -> ast.NumberType:
        return ast.NumberType(span_of(meta))

    def amount_type(self, meta: Meta, children: list[Token]) -> ast.AmountType:
        return ast.AmountType(unquote(children[0]), span_of(meta))

    def series_type(self, meta: Meta, children: list[Token]) -> ast.SeriesType:
        return ast.SeriesType(number(children[0]), span_of(meta))

    def enum_type(self, meta: Meta, children: list[ast.Level]) -> ast.EnumType:
        return ast.EnumType(tuple(children), span_of(meta))

    def level(self, meta: Meta, children: list[Any]) -> ast.Level:
        name = children[0]
        label = children[1][0] if len(children) > 1 else None
        return ast.Level(str(name), label, token_span(name))

    # ---- structure ----
    def category(self, meta: Meta, children: list[Any]) -> ast.Category:
        is_bonus = isinstance(children[0], str) and children[0] == "bonus"
        rest = children[1:] if is_bonus else children
        title, points, *members = rest
        capped = isinstance(points, tuple)
        points_token = points[1] if capped else points
        return ast.Category(
            unquote(title),
            number(points_token),
            is_bonus,
            tuple(m for m in members if isinstance(m, (ast.Group, ast.Item))),
            span_of(meta),
            token_span(points_token),
            tuple(m for m in members if isinstance(m, ast.Requirement)),
            capped,
            _excuses(members),
            tuple(m for m in members if isinstance(m, ast.Deductions)),
        )

    def category_cap(self, meta: Meta, children: list[Token]) -> tuple[str, Token]:
        return ("cap", children[0])

    def bonus_mark(self, meta: Meta, children: list[Any]) -> str:
        return "bonus"

    def group(self, meta: Meta, children: list[Any]) -> ast.Group:
        title, *rest = children
        total = rest[0] if rest and isinstance(rest[0], Decimal) else None
        items = tuple(r for r in rest if isinstance(r, ast.Item))
        return ast.Group(unquote(title), total, items, span_of(meta), _excuses(rest))

    def total(self, meta: Meta, children: list[Token]) -> Decimal:
        return number(children[0])

    def checklist(self, meta: Meta, children: list[Any]) -> ast.Checklist:
        title, *tasks = children
        return ast.Checklist(unquote(title), tuple(tasks), span_of(meta))

    def task(self, meta: Meta, children: list[Any]) -> ast.Task:
        id_token, title, *requirements = children
        return ast.Task(
            item_id(id_token),
            unquote(title),
            tuple(requirements),
            span_of(meta),
            token_span(id_token),
        )

    def item(self, meta: Meta, children: list[Any]) -> ast.Item:
        id_token, title, points, *members = children
        cap, cap_span = (
            (members[0][1], members[0][2])
            if members and isinstance(members[0], tuple)
            else (None, None)
        )
        rules: list[ast.Rule] = []
        thens: list[ast.Then] = []
        for member in members:
            if isinstance(member, ast.Then):
                thens.append(attrs.evolve(member, before=len(rules)))
            elif isinstance(member, _RULES):
                rules.append(member)
        vetoes = tuple(m for m in members if isinstance(m, ast.Veto))
        requirements = tuple(m for m in members if isinstance(m, ast.Requirement))
        return ast.Item(
            item_id(id_token),
            unquote(title),
            number(points),
            cap,
            tuple(rules),
            vetoes,
            span_of(meta),
            token_span(points),
            token_span(id_token),
            requirements,
            _excuses(members),
            cap_span,
            tuple(thens),
        )

    def cap(self, meta: Meta, children: list[Token]) -> tuple[str, Decimal, Span]:
        return ("cap", number(children[0]), span_of(meta))

    # ---- rules ----
    def fixed(self, meta: Meta, children: list[Any]) -> ast.Fixed:
        points, condition, text = children
        return ast.Fixed(number(points), condition, unquote(text), span_of(meta))

    def always(self, meta: Meta, children: list[Token]) -> ast.Always:
        points, text = children
        return ast.Always(number(points), unquote(text), span_of(meta))

    def per_unit(self, meta: Meta, children: list[Any]) -> ast.PerUnit:
        points, *rest = children
        options = {part[0]: part[1] for part in rest if isinstance(part, tuple)}
        counted, text = (part for part in rest if not isinstance(part, tuple))
        if isinstance(counted, Token):
            counted = ast.Reference(str(counted), token_span(counted))
        direction, target = options.get("difference", (None, None))
        return ast.PerUnit(
            number(points),
            options.get("step", Decimal(1)),
            counted,
            options.get("max"),
            unquote(text),
            span_of(meta),
            direction,
            target,
            options.get("rounding", "down"),
        )

    def above(self, meta: Meta, children: list[Any]) -> tuple[str, tuple[str, object]]:
        return ("difference", ("above", self._target(children[0])))

    def below(self, meta: Meta, children: list[Any]) -> tuple[str, tuple[str, object]]:
        return ("difference", ("below", self._target(children[0])))

    def _target(self, target: Token | ast.SeriesPoint) -> Decimal | ast.Reference | ast.SeriesPoint:
        if isinstance(target, ast.SeriesPoint):
            return target
        if target.type == "NUMBER":
            return number(target)
        return ast.Reference(str(target), token_span(target))

    def rounding_down(self, meta: Meta, children: list[Any]) -> tuple[str, str]:
        return ("rounding", "down")

    def rounding_up(self, meta: Meta, children: list[Any]) -> tuple[str, str]:
        return ("rounding", "up")

    def rounding_exact(self, meta: Meta, children: list[Any]) -> tuple[str, str]:
        return ("rounding", "exact")

    def step(self, meta: Meta, children: list[Token]) -> tuple[str, Decimal]:
        return ("step", number(children[0]))

    def unit_max(self, meta: Meta, children: list[Token]) -> tuple[str, Decimal]:
        return ("max", number(children[0]))

    def proportional(self, meta: Meta, children: list[Any]) -> ast.Proportional:
        points, name, *rest = children
        target = rest.pop(0)[1] if isinstance(rest[0], tuple) else None
        reference = ast.Reference(str(name), token_span(name))
        return ast.Proportional(number(points), reference, unquote(rest[0]), span_of(meta), target)

    def scale_target(self, meta: Meta, children: list[Any]) -> tuple[str, object]:
        return ("of", self._target(children[0]))

    def tiers(self, meta: Meta, children: list[Any]) -> ast.Tiers:
        text, *tiers = children
        return ast.Tiers(unquote(text), tuple(tiers), span_of(meta))

    def deduction_tiers(self, meta: Meta, children: list[Any]) -> ast.Tiers:
        text, *tiers = children
        return ast.Tiers(unquote(text), tuple(tiers), span_of(meta), lowest=True)

    def tier(self, meta: Meta, children: list[Any]) -> ast.Tier:
        points, condition, text = children
        return ast.Tier(number(points), condition, unquote(text), span_of(meta))

    def veto(self, meta: Meta, children: list[Any]) -> ast.Veto:
        condition, text, *effect = children
        if not effect:
            return ast.Veto(condition, unquote(text), span_of(meta))
        kind, value, span = effect[0]
        if kind == "downgrade":
            return ast.Veto(
                condition, unquote(text), span_of(meta), downgrade=value, effect_span=span
            )
        return ast.Veto(condition, unquote(text), span_of(meta), at_most=value, effect_span=span)

    def downgrade(self, meta: Meta, children: list[Token]) -> tuple[str, object, Span]:
        value = number(children[0])
        whole = int(value) if value == value.to_integral_value() else -1
        return ("downgrade", whole, span_of(meta))

    def at_most(self, meta: Meta, children: list[Token]) -> tuple[str, object, Span]:
        return ("at_most", unquote(children[0]), span_of(meta))

    # ---- grades ----
    def grades(self, meta: Meta, children: list[Any]) -> ast.Grades:
        basis = children[0] if isinstance(children[0], str) else "total"
        bands = tuple(c for c in children if isinstance(c, ast.GradeBand))
        return ast.Grades(basis, bands, span_of(meta))

    def on_total(self, meta: Meta, children: list[Any]) -> str:
        return "total"

    def on_base(self, meta: Meta, children: list[Any]) -> str:
        return "base"

    def grade_band(self, meta: Meta, children: list[Token]) -> ast.GradeBand:
        name, operator, threshold = children
        return ast.GradeBand(unquote(name), str(operator), number(threshold), span_of(meta))

    def grade_rest(self, meta: Meta, children: list[Token]) -> ast.GradeBand:
        return ast.GradeBand(unquote(children[0]), None, None, span_of(meta))

    def na_when(self, meta: Meta, children: list[Any]) -> ast.NotApplicableWhen:
        condition, text = children
        return ast.NotApplicableWhen(condition, unquote(text), span_of(meta))

    def na_allowed(self, meta: Meta, children: list[Token]) -> ast.NotApplicableAllowed:
        return ast.NotApplicableAllowed(unquote(children[0]), span_of(meta))

    def then(self, meta: Meta, children: list[Token]) -> ast.Then:
        text = unquote(children[0]) if children else None
        return ast.Then(0, text, span_of(meta))  # `item` sets where it stands among the rules

    def deductions(self, meta: Meta, children: list[ast.Rule]) -> ast.Deductions:
        return ast.Deductions(tuple(children), span_of(meta))

    def requirement(self, meta: Meta, children: list[Any]) -> ast.Requirement:
        condition, text = children
        return ast.Requirement(condition, unquote(text), span_of(meta))

    # ---- conditions ----
    def any_of(self, meta: Meta, children: list[ast.Condition]) -> ast.AnyOf:
        return ast.AnyOf(tuple(children), span_of(meta))

    def all_of(self, meta: Meta, children: list[ast.Condition]) -> ast.AllOf:
        return ast.AllOf(tuple(children), span_of(meta))

    def not_(self, meta: Meta, children: list[ast.Condition]) -> ast.Not:
        return ast.Not(children[0], span_of(meta))

    def flag(self, meta: Meta, children: list[Token]) -> ast.Flag:
        name = children[0]
        return ast.Flag(ast.Reference(str(name), token_span(name)), span_of(meta))

    def comparison(self, meta: Meta, children: list[Any]) -> ast.Comparison:
        left, operator, right = children
        return ast.Comparison(left, str(operator), right, span_of(meta))

    def trend(self, meta: Meta, children: list[Token]) -> ast.Trend:
        direction, name = children
        return ast.Trend(str(direction), ast.Reference(str(name), token_span(name)), span_of(meta))

    def reference(self, meta: Meta, children: list[Token]) -> ast.Reference:
        return ast.Reference(str(children[0]), token_span(children[0]))

    def number(self, meta: Meta, children: list[Token]) -> ast.NumberLiteral:
        return ast.NumberLiteral(number(children[0]), token_span(children[0]))

    def boolean(self, meta: Meta, children: list[Token]) -> ast.BoolLiteral:
        return ast.BoolLiteral(str(children[0]) == "true", token_span(children[0]))

    def series_point(self, meta: Meta, children: list[Token]) -> ast.SeriesPoint:
        which, name = children
        reference = ast.Reference(str(name), token_span(name))
        return ast.SeriesPoint(str(which), reference, span_of(meta))


_RULES = (ast.Fixed, ast.Always, ast.PerUnit, ast.Proportional, ast.Tiers)


def _excuses(members: list[Any]) -> tuple[ast.Excuse, ...]:
    """The `na when` / `na allowed` statements among a block's members, in order."""
    return tuple(
        m for m in members if isinstance(m, (ast.NotApplicableWhen, ast.NotApplicableAllowed))
    )


def to_ast(tree: Tree[Token]) -> ast.RubricFile:
    """Transform a parse tree from parser.parse_tree into the AST."""
    result: ast.RubricFile = ToAst().transform(tree)
    return result
