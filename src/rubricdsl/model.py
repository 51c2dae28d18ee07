"""The checked model: a parsed rubric with indicators resolved, types and points verified."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs

from rubricdsl import ast
from rubricdsl.errors import Diagnostic, RubricCompileError, diagnostic
from rubricdsl.escape import clip
from rubricdsl.exact import exactly
from rubricdsl.source import Span

NUMERIC_KINDS = frozenset({"count", "percent", "score", "amount", "number"})
BOUNDED_KINDS = {"percent": (Decimal(0), Decimal(100)), "score": (Decimal(0), Decimal(100))}
ORDERING = frozenset({">=", ">", "<=", "<"})
LAST_YEAR = 9999


@attrs.frozen
class IndicatorSpec:
    """A declared indicator: its type and the limits a reported value must respect."""

    name: str
    kind: str  # bool | count | percent | score | amount | number | series | enum
    allows_na: bool
    label: str | None
    span: Span
    unit: str | None = None
    series_length: int | None = None
    levels: tuple[str, ...] = ()

    def describe(self) -> str:
        """Its type in words, with an article: "a percent", "an amount in 万元"."""
        if self.kind == "amount":
            return f"an amount in {self.unit}"
        if self.kind == "series":
            return f"a series of {self.series_length} yearly values"
        if self.kind == "enum":
            return "an enum of " + ", ".join(self.levels)
        return f"a {self.kind}"


@attrs.frozen
class CheckedRubric:
    """An AST that passed every check, with its symbol table and the warnings it earned."""

    source_name: str
    title: str
    year: int
    base_max: Decimal
    bonus_max: Decimal
    indicators: Mapping[str, IndicatorSpec]
    file: ast.RubricFile
    warnings: tuple[Diagnostic, ...]


# ---- reach: the most a rule, item or container can give ---------------------------


def rule_reach(rule: ast.Rule) -> Decimal:
    """The most points a rule can add (deductions add nothing)."""
    if isinstance(rule, (ast.Fixed, ast.Always)):
        return max(rule.points, Decimal(0))
    if isinstance(rule, ast.PerUnit):
        return rule.maximum if rule.points > 0 and rule.maximum is not None else Decimal(0)
    if isinstance(rule, ast.Proportional):
        return rule.points
    return max(tier.points for tier in rule.tiers)


def item_limit(item: ast.Item) -> Decimal:
    """The most an item may score: its declared points, or its cap if lower."""
    return min(item.points, item.cap) if item.cap is not None else item.points


def items_of(category: ast.Category) -> Iterator[ast.Item]:
    for member in category.members:
        if isinstance(member, ast.Group):
            yield from member.items
        else:
            yield member


def declared_points(member: ast.Group | ast.Item) -> Decimal:
    if isinstance(member, ast.Item):
        return member.points
    if member.total is not None:
        return member.total
    return sum((item.points for item in member.items), Decimal(0))


def tidy(value: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent: 73.0 → 73, 1.50 → 1.5, 1E+2 → 100,
    -0 → 0. Exact for any size, whatever the caller's decimal context."""
    if not value.is_finite():
        return value
    if value.is_zero():
        return Decimal(0)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    if exponent < 0 and digits == (0,):  # pragma: no cover - zero was handled above
        exponent = 0
    if exponent > 0:
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))


def fmt(value: Decimal) -> str:
    """A Decimal as people write it: 4, 1.5, 0.25 (no exponent, no trailing zeros)."""
    return format(tidy(value), "f")


# ---- the checker ----------------------------------------------------------------------


class _Checker:
    def __init__(self, file: ast.RubricFile, text: str, source_name: str) -> None:
        self.file = file
        self.text = text
        self.source_name = source_name
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.indicators: dict[str, IndicatorSpec] = {}
        self.used: set[str] = set()

    def error(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.errors.append(self._make("error", code, message, span, hint))

    def warn(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.warnings.append(self._make("warning", code, message, span, hint))

    def _make(
        self, severity: str, code: str, message: str, span: Span | None, hint: str | None
    ) -> Diagnostic:
        return diagnostic(
            severity,
            code,
            message,
            source_name=self.source_name,
            text=self.text,
            span=span,
            hint=hint,
        )

    # ---- header ----
    def header(self) -> tuple[str, int, Decimal, Decimal]:
        seen: dict[str, ast.HeaderField] = {}
        for field in self.file.header_fields:
            if field.field in seen:
                first = seen[field.field].span.line
                self.error(
                    "duplicate-header",
                    f"'{field.field}' is given twice",
                    field.span,
                    f"first given on line {first}",
                )
            else:
                seen[field.field] = field
        title = self._header_text(seen, "rubric")
        year = self._header_year(seen)
        base = self._header_points(seen, "base", required=True)
        bonus = self._header_points(seen, "bonus", required=False)
        return title, year, base, bonus

    def _header_text(self, seen: dict[str, ast.HeaderField], name: str) -> str:
        field = seen.get(name)
        if field is None:
            self.error(
                "missing-header",
                "the rubric has no title",
                Span.point(1, 1),
                'start the file with: rubric "<title>"',
            )
            return ""
        return str(field.value)

    def _header_year(self, seen: dict[str, ast.HeaderField]) -> int:
        field = seen.get("year")
        if field is None:
            self.error(
                "missing-header",
                "the rubric has no year",
                Span.point(1, 1),
                "add a line: year 2020",
            )
            return 0
        value = Decimal(field.value)
        if value != value.to_integral_value() or not 1 <= value <= LAST_YEAR:
            self.error(
                "bad-year", f"year {clip(fmt(value), 20)} is not a year (1–{LAST_YEAR})", field.span
            )
            return 0
        return int(value)

    def _header_points(
        self, seen: dict[str, ast.HeaderField], name: str, *, required: bool
    ) -> Decimal:
        field = seen.get(name)
        if field is None:
            if required:
                self.error(
                    "missing-header",
                    f"the rubric declares no {name} maximum",
                    Span.point(1, 1),
                    f"add a line: {name} 100",
                )
            return Decimal(0)
        value = Decimal(field.value)
        if value < 0 or (required and value == 0):
            self.error(
                "bad-points", f"the {name} maximum must be positive, not {field.value}", field.span
            )
        return value

    # ---- indicators ----
    def declarations(self) -> None:
        for declaration in self.file.declarations:
            first = self.indicators.get(declaration.name)
            if first is not None:
                self.error(
                    "duplicate-indicator",
                    f"indicator '{declaration.name}' is declared twice",
                    declaration.name_span,
                    f"first declared on line {first.span.line}",
                )
                continue
            spec = self._spec(declaration)
            if spec is not None:
                self.indicators[declaration.name] = spec

    def _spec(self, declaration: ast.Declaration) -> IndicatorSpec | None:
        kind = declaration.type
        spec = IndicatorSpec(
            name=declaration.name,
            kind=kind.name,
            allows_na=declaration.allows_na,
            label=declaration.label,
            span=declaration.name_span,
        )
        if isinstance(kind, ast.AmountType):
            return attrs.evolve(spec, unit=kind.unit)
        if isinstance(kind, ast.SeriesType):
            length = kind.length
            if length != length.to_integral_value() or length < 1:
                self.error(
                    "bad-series-length",
                    f"a series needs a whole number of yearly values, not {fmt(length)}",
                    kind.span,
                )
                return None
            return attrs.evolve(spec, series_length=int(length))
        if isinstance(kind, ast.EnumType):
            names: list[str] = []
            for level in kind.levels:
                if level.name in names:
                    self.error(
                        "duplicate-level", f"level '{level.name}' is listed twice", level.span
                    )
                names.append(level.name)
            return attrs.evolve(spec, levels=tuple(dict.fromkeys(names)))
        return spec

    # ---- structure ----
    def structure(self, bonus_max: Decimal) -> None:
        item_ids: dict[str, ast.Item] = {}
        for category in self.file.categories:
            self.positive(category.points, category.points_span, f"category '{category.title}'")
            if category.is_bonus and bonus_max == 0:
                self.error(
                    "bonus-without-maximum",
                    f"bonus category '{category.title}' but the rubric declares no bonus maximum",
                    category.span,
                    "add a line: bonus 10",
                )
            for member in category.members:
                if isinstance(member, ast.Group) and member.total is not None:
                    self.positive(member.total, member.span, f"group '{member.title}'")
            for item in items_of(category):
                first = item_ids.get(item.id)
                if first is not None:
                    self.error(
                        "duplicate-item",
                        f"item id '{item.id}' is used twice",
                        item.id_span,
                        f"first used on line {first.span.line}",
                    )
                else:
                    item_ids[item.id] = item
                self.item(item)
        for veto in self.file.vetoes:
            self.condition(veto.condition)

    def positive(self, value: Decimal, span: Span, what: str) -> None:
        if value <= 0:
            self.error(
                "bad-points", f"{what} declares {fmt(value)} points: points must be positive", span
            )

    def item(self, item: ast.Item) -> None:
        self.positive(item.points, item.points_span, f"item {item.id}")
        if item.cap is not None and item.cap <= 0:
            self.error("bad-points", f"item {item.id} has cap {fmt(item.cap)}", item.span)
        if not item.rules:
            self.error("empty-item", f"item {item.id} has no scoring rules", item.span)
        for rule in item.rules:
            self.rule(rule)
        for veto in item.vetoes:
            self.condition(veto.condition)

    def rule(self, rule: ast.Rule) -> None:
        if isinstance(rule, (ast.Fixed, ast.Always)) and rule.points == 0:
            self.error("bad-points", "a rule giving 0 points does nothing", rule.span)
        if isinstance(rule, ast.Fixed):
            self.condition(rule.condition)
        elif isinstance(rule, ast.PerUnit):
            self.per_unit(rule)
        elif isinstance(rule, ast.Proportional):
            self.positive(rule.points, rule.span, "a proportional rule")
            spec = self.reference(rule.rate)
            if spec is not None and spec.kind not in ("percent", "score"):
                self.error(
                    "type-mismatch",
                    f"'scaled by' needs a percent or score, but '{spec.name}' is {spec.describe()}",
                    rule.rate.span,
                )
        elif isinstance(rule, ast.Tiers):
            for tier in rule.tiers:
                self.positive(tier.points, tier.span, "a tier")
                self.condition(tier.condition)

    def per_unit(self, rule: ast.PerUnit) -> None:
        if rule.points == 0:
            self.error("bad-points", "a rule giving 0 points per unit does nothing", rule.span)
        if rule.step <= 0:
            self.error("bad-points", f"a unit of {fmt(rule.step)} must be positive", rule.span)
        if rule.maximum is not None and rule.maximum <= 0:
            self.error(
                "bad-points",
                f"max {fmt(rule.maximum)} must be positive (it bounds the points given or taken)",
                rule.span,
            )
        if rule.points > 0 and rule.maximum is None:
            self.error(
                "missing-maximum",
                "points per unit need a maximum",
                rule.span,
                f'write: {fmt(rule.points)} per {rule.indicator.name} max <points> "…"',
            )
        spec = self.reference(rule.indicator)
        if spec is not None and spec.kind not in NUMERIC_KINDS:
            self.error(
                "type-mismatch",
                f"'per' counts units of a number, but '{spec.name}' is {spec.describe()}",
                rule.indicator.span,
            )

    # ---- conditions ----
    def reference(self, reference: ast.Reference) -> IndicatorSpec | None:
        spec = self.indicators.get(reference.name)
        if spec is None:
            self.error(
                "undefined-indicator",
                f"undefined indicator '{reference.name}'",
                reference.span,
                self._suggest(reference.name),
            )
            return None
        self.used.add(reference.name)
        return spec

    def _suggest(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self.indicators), n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
        return "declare it in an indicators { } block"

    def condition(self, condition: ast.Condition) -> None:
        if isinstance(condition, (ast.AllOf, ast.AnyOf)):
            for operand in condition.operands:
                self.condition(operand)
        elif isinstance(condition, ast.Not):
            self.condition(condition.operand)
        elif isinstance(condition, ast.Flag):
            spec = self.reference(condition.indicator)
            if spec is not None and spec.kind != "bool":
                self.error(
                    "type-mismatch",
                    f"'{spec.name}' is {spec.describe()}, not a bool: it cannot stand alone as a "
                    "condition",
                    condition.span,
                    _compare_hint(spec),
                )
        elif isinstance(condition, ast.Trend):
            spec = self.reference(condition.series)
            self._need_series(spec, condition.series, condition.direction, minimum=2)
        else:
            self.comparison(condition)

    def _need_series(
        self, spec: IndicatorSpec | None, reference: ast.Reference, use: str, minimum: int
    ) -> None:
        if spec is None:
            return
        if spec.kind != "series":
            self.error(
                "type-mismatch",
                f"{use}() needs a series, but '{spec.name}' is {spec.describe()}",
                reference.span,
            )
        elif (spec.series_length or 0) < minimum:
            self.error(
                "type-mismatch",
                f"{use}() needs at least {minimum} yearly values; '{spec.name}' has "
                f"{spec.series_length}",
                reference.span,
            )

    def comparison(self, comparison: ast.Comparison) -> None:
        left, right = comparison.left, comparison.right
        enum_side = self._enum_side(left) or self._enum_side(right)
        if enum_side is not None:
            self._enum_comparison(comparison, enum_side)
            return
        left_kind = self.operand_kind(left)
        right_kind = self.operand_kind(right)
        if left_kind is None or right_kind is None:
            return
        self._typed_comparison(comparison, left_kind, right_kind)

    def _enum_side(self, operand: ast.Operand) -> IndicatorSpec | None:
        if isinstance(operand, ast.Reference):
            spec = self.indicators.get(operand.name)
            if spec is not None and spec.kind == "enum":
                return spec
        return None

    def _enum_comparison(self, comparison: ast.Comparison, spec: IndicatorSpec) -> None:
        self.used.add(spec.name)
        if comparison.operator in ORDERING:
            self.error(
                "type-mismatch",
                f"'{spec.name}' is an enum: compare it with == or !=, not {comparison.operator}",
                comparison.span,
                "for 'the highest level that applies', use a highest { } block of tiers",
            )
        for side in (comparison.left, comparison.right):
            if not isinstance(side, ast.Reference):
                self.error(
                    "type-mismatch",
                    f"'{spec.name}' is {spec.describe()}: compare it with one of its levels",
                    side.span,
                )
                continue
            other = self.indicators.get(side.name)
            if other is not None and other.kind == "enum":
                if other.levels != spec.levels:
                    self.error(
                        "type-mismatch",
                        f"'{spec.name}' and '{other.name}' are enums with different levels",
                        comparison.span,
                    )
                self.used.add(other.name)
            elif other is not None and side.name in spec.levels:
                self.error(
                    "ambiguous-level",
                    f"'{side.name}' is both a level of '{spec.name}' and an indicator",
                    side.span,
                    "rename the indicator or the level so that the comparison reads one way",
                )
            elif side.name not in spec.levels:
                close = difflib.get_close_matches(side.name, list(spec.levels), n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else ("its levels are: " + ", ".join(spec.levels))
                )
                self.error(
                    "unknown-level",
                    f"'{side.name}' is not a level of '{spec.name}'",
                    side.span,
                    hint,
                )

    def operand_kind(self, operand: ast.Operand) -> str | None:
        """The type an operand has in a comparison; None when an error was already reported."""
        if isinstance(operand, ast.NumberLiteral):
            return "literal"
        if isinstance(operand, ast.BoolLiteral):
            return "bool"
        if isinstance(operand, ast.SeriesPoint):
            spec = self.reference(operand.series)
            self._need_series(
                spec, operand.series, operand.which, minimum=2 if operand.which == "previous" else 1
            )
            return "number" if spec is not None and spec.kind == "series" else None
        spec = self.reference(operand)
        if spec is None:
            return None
        if spec.kind == "series":
            self.error(
                "type-mismatch",
                f"'{spec.name}' is a series, used here as a single number",
                operand.span,
                f"use last({spec.name}), previous({spec.name}), decreasing({spec.name}) or "
                f"increasing({spec.name})",
            )
            return None
        return spec.kind

    def _typed_comparison(self, comparison: ast.Comparison, left: str, right: str) -> None:
        where = comparison.span
        literals = (ast.NumberLiteral, ast.BoolLiteral)
        if isinstance(comparison.left, literals) and isinstance(comparison.right, literals):
            self.error(
                "constant-comparison", "this compares two constants: it never changes", where
            )
            return
        if left == "bool" or right == "bool":
            if left != right:
                other = right if left == "bool" else left
                shown = "a number" if other == "literal" else f"a {other}"
                self.error(
                    "type-mismatch",
                    f"a bool compared with {shown}",
                    where,
                    "a bool stands alone as a condition (x, not x) or is compared with true/false",
                )
            elif comparison.operator in ORDERING:
                self.error(
                    "type-mismatch",
                    f"bools have no order: use == or !=, not {comparison.operator}",
                    where,
                )
            return
        if "literal" in (left, right) or "number" in (left, right) or left == right:
            self._units_agree(comparison)
            self._literal_in_range(comparison)
            return
        self.error(
            "type-mismatch",
            f"{self._described(comparison.left)} compared with {self._described(comparison.right)}",
            where,
            "compare indicators of the same type, or declare one as number",
        )

    def _described(self, operand: ast.Operand) -> str:
        if isinstance(operand, ast.Reference) and operand.name in self.indicators:
            return self.indicators[operand.name].describe()
        return "a number"

    def _units_agree(self, comparison: ast.Comparison) -> None:
        left, right = comparison.left, comparison.right
        if isinstance(left, ast.Reference) and isinstance(right, ast.Reference):
            a, b = self.indicators[left.name], self.indicators[right.name]
            if a.kind == "amount" and b.kind == "amount" and a.unit != b.unit:
                self.error(
                    "type-mismatch",
                    f"amounts in different units: {a.unit} and {b.unit}",
                    comparison.span,
                )

    def _literal_in_range(self, comparison: ast.Comparison) -> None:
        pairs = ((comparison.left, comparison.right), (comparison.right, comparison.left))
        for reference, literal in pairs:
            if not isinstance(reference, ast.Reference):
                continue
            if not isinstance(literal, ast.NumberLiteral):
                continue
            spec = self.indicators[reference.name]
            low, high = BOUNDED_KINDS.get(spec.kind, (None, None))
            if spec.kind in ("count", "amount"):
                low = Decimal(0)
            outside = (low is not None and literal.value < low) or (
                high is not None and literal.value > high
            )
            if outside:
                self.warn(
                    "out-of-range",
                    f"'{spec.name}' is a {spec.kind}; {fmt(literal.value)} is outside the values "
                    "it can take",
                    literal.span,
                )

    # ---- warnings about points ----
    def reach_warnings(self, base_max: Decimal, bonus_max: Decimal) -> None:
        for category in self.file.categories:
            for member in category.members:
                if isinstance(member, ast.Group):
                    for item in member.items:
                        self._item_reach(item)
                    if member.total is not None:
                        self._container(
                            f"group '{member.title}'", member.total, member.items, member.span
                        )
                else:
                    self._item_reach(member)
            self._container(
                f"category '{category.title}'",
                category.points,
                category.members,
                category.points_span,
            )
        for is_bonus, maximum, name in ((False, base_max, "base"), (True, bonus_max, "bonus")):
            members = [c for c in self.file.categories if c.is_bonus == is_bonus]
            declared = sum((c.points for c in members), Decimal(0))
            if members and declared != maximum:
                self._mismatch(f"the {name} maximum", maximum, declared, "its categories", None)

    def _item_reach(self, item: ast.Item) -> None:
        reach = sum((rule_reach(rule) for rule in item.rules), Decimal(0))
        limit = item_limit(item)
        if reach < limit:
            self.warn(
                "unreachable-maximum",
                f"item {item.id} declares {fmt(item.points)} points but its rules reach only "
                f"{fmt(reach)}",
                item.points_span,
                "a district can never score the item in full; check the table's wording",
            )
        elif reach > item.points and item.cap is None:
            self.warn(
                "rules-exceed-maximum",
                f"item {item.id}'s rules reach {fmt(reach)}, past its declared "
                f"{fmt(item.points)}: the declared points cap it",
                item.points_span,
                f"write 'cap {fmt(item.points)}' after the points if the table says so (满分)",
            )
        if item.cap is not None and item.cap > item.points:
            self.warn(
                "cap-above-points",
                f"item {item.id}'s cap {fmt(item.cap)} is above its declared {fmt(item.points)}: "
                "the declared points cap it",
                item.points_span,
            )

    def _container(
        self,
        what: str,
        declared: Decimal,
        members: tuple[ast.Group | ast.Item, ...] | tuple[ast.Item, ...],
        span: Span,
    ) -> None:
        children = sum((declared_points(m) for m in members), Decimal(0))
        if children != declared:
            self._mismatch(what, declared, children, "its items", span)

    def _mismatch(
        self, what: str, declared: Decimal, children: Decimal, whose: str, span: Span | None
    ) -> None:
        if children > declared:
            self.warn(
                "rules-exceed-maximum",
                f"{what} declares {fmt(declared)}, {whose} declare {fmt(children)}: "
                f"it is capped at {fmt(declared)}",
                span,
            )
        else:
            self.warn(
                "unreachable-maximum",
                f"{what} declares {fmt(declared)} but reaches only {fmt(children)} "
                f"({whose} declare {fmt(children)})",
                span,
            )

    def unused(self) -> None:
        for spec in self.indicators.values():
            if spec.name not in self.used:
                self.warn(
                    "unused-indicator",
                    f"indicator '{spec.name}' is declared but never used",
                    spec.span,
                )


def _compare_hint(spec: IndicatorSpec) -> str:
    if spec.kind == "enum":
        return f"compare it with a level: {spec.name} == {spec.levels[0]}"
    if spec.kind == "series":
        return f"use decreasing({spec.name}) or last({spec.name}) < previous({spec.name})"
    return f"compare it, e.g. {spec.name} >= 90"


def _position(found: Diagnostic) -> tuple[int, int]:
    return (found.line or 0, found.column or 0)


@exactly
def check(file: ast.RubricFile, text: str, source_name: str) -> CheckedRubric:
    """Check a parsed rubric; raise RubricCompileError with every error found, sorted by place."""
    checker = _Checker(file, text, source_name)
    title, year, base_max, bonus_max = checker.header()
    checker.declarations()
    checker.structure(bonus_max)
    if checker.errors:
        raise RubricCompileError(sorted(checker.errors, key=_position))
    checker.reach_warnings(base_max, bonus_max)
    checker.unused()
    return CheckedRubric(
        source_name=source_name,
        title=title,
        year=year,
        base_max=base_max,
        bonus_max=bonus_max,
        indicators=MappingProxyType(dict(checker.indicators)),
        file=file,
        warnings=tuple(sorted(checker.warnings, key=_position)),
    )
