"""The checked model: a parsed rubric with indicators resolved, types and points verified."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs

from rubricdsl import ast
from rubricdsl.errors import Diagnostic, RubricCompileError, diagnostic
from rubricdsl.escape import clip
from rubricdsl.exact import exactly
from rubricdsl.limits import DEFAULT_LIMITS
from rubricdsl.parser import keywords
from rubricdsl.source import Span

NUMERIC_KINDS = frozenset({"count", "percent", "score", "amount", "number"})
BOUNDED_KINDS = {"percent": (Decimal(0), Decimal(100)), "score": (Decimal(0), Decimal(100))}
ORDERING = frozenset({">=", ">", "<=", "<"})
LAST_YEAR = 9999


# What a derived indicator may be computed with: name → (fewest, most) inputs (None: any).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "ratio": (2, 2),
    "sum": (2, None),
    "difference": (2, 2),
    "change": (1, 1),
}
ROUNDING_MODES = ("half-up", "half-even", "down", "up")
MOST_PLACES = 10


@attrs.frozen
class Input:
    """One input of a derived indicator: an indicator, or one yearly value of a series."""

    name: str
    position: int | None = None  # -1: last(series), -2: previous(series)

    def text(self) -> str:
        """As the rubric writes it: `x`, `last(x)`."""
        if self.position is None:
            return self.name
        return f"{'last' if self.position == -1 else 'previous'}({self.name})"


@attrs.frozen
class Formula:
    """How a derived indicator is computed: a function of its inputs, rounded as the rubric's
    one `rounding` statement says."""

    function: str  # ratio | sum | difference | change
    inputs: tuple[Input, ...]
    mode: str  # one of ROUNDING_MODES
    places: int

    def text(self) -> str:
        """As the rubric writes it: `ratio(a, b)`."""
        return f"{self.function}({', '.join(i.text() for i in self.inputs)})"

    def names(self) -> tuple[str, ...]:
        """The indicators it reads, each once, in the order written."""
        return tuple(dict.fromkeys(i.name for i in self.inputs))


@attrs.frozen
class IndicatorSpec:
    """A declared indicator: its type and the limits a reported value must respect, or (derived)
    the formula that computes it."""

    name: str
    kind: str  # bool | count | percent | score | amount | number | series | enum
    allows_na: bool
    label: str | None
    span: Span
    unit: str | None = None
    series_length: int | None = None
    levels: tuple[str, ...] = ()
    formula: Formula | None = None  # a derived indicator's; None: the district reports it

    @property
    def derived(self) -> bool:
        return self.formula is not None

    def describe(self) -> str:
        """Its type in words, with an article: "a percent", "an amount in 万元"."""
        if self.kind == "amount":
            return f"an amount in {self.unit}"
        if self.kind == "series":
            if self.series_length is None:  # its declaration was refused
                return "a series"
            return "a series of " + counted(self.series_length, "yearly value")
        if self.kind == "enum":
            return "an enum of " + ", ".join(self.levels)
        return with_article(self.kind)


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
        return max(rule.points, Decimal(0))
    if rule.lowest:  # graded deductions add nothing
        return Decimal(0)
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


def reportable(file: ast.RubricFile) -> Iterator[tuple[str, str, Span]]:
    """What a data file may report 合理缺项 (`na allowed`): the name it uses (an item's id, a
    group's or category's title), where it stands ("item 5", "group '…'"), and its span."""
    for category in file.categories:
        if na_allowed(category.not_applicable):
            yield category.title, f"category '{category.title}'", category.span
        for member in category.members:
            if isinstance(member, ast.Group) and na_allowed(member.not_applicable):
                yield member.title, f"group '{member.title}'", member.span
        for item in items_of(category):
            if na_allowed(item.not_applicable):
                yield item.id, f"item {item.id}", item.id_span


def na_allowed(excuses: tuple[ast.Excuse, ...]) -> bool:
    return any(isinstance(excuse, ast.NotApplicableAllowed) for excuse in excuses)


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
    # A trace tidies the same few points thousands of times: equal numbers tidy alike, so
    # the answer is kept by value.
    return _tidied(value)


@functools.lru_cache(maxsize=4096)
def _tidied(value: Decimal) -> Decimal:
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


# ---- words -----------------------------------------------------------------------------


def counted(number: int | Decimal, noun: str, plural: str | None = None) -> str:
    """A number with its noun in the right number: "1 yearly value", "3 yearly values",
    "0 points", "-1 point", "1.5 points"."""
    shown = fmt(number) if isinstance(number, Decimal) else str(number)
    one = Decimal(number).copy_abs() == 1
    return f"{shown} {noun if one else (plural or noun + 's')}"


def with_article(words: str) -> str:
    """Words with "a" or "an" before them: "a count", "an amount", "an enum"."""
    return ("an " if words[:1] in ("a", "e", "i", "o", "u") else "a ") + words


def reserved_words() -> frozenset[str]:
    """The grammar's keywords (`last`, `true`, `and`, `when`, `max`, …), read from the parser so
    that a keyword added to the grammar is reserved too."""
    return keywords()


# The values a numeric kind can take: (lowest, highest or None, whole numbers only, in words).
DOMAINS: dict[str, tuple[Decimal, Decimal | None, bool, str]] = {
    "count": (Decimal(0), None, True, "a whole number, never negative"),
    "percent": (Decimal(0), Decimal(100), False, "from 0 to 100"),
    "score": (Decimal(0), Decimal(100), False, "from 0 to 100"),
    "amount": (Decimal(0), None, False, "never negative"),
}
FLIPPED = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}


def constant_outcome(kind: str, operator: str, value: Decimal) -> bool | None:
    """Whether `x <operator> value` holds for every value (True) or for none (False) that an
    indicator of `kind` can take; None when it depends on the value, or for a kind with no
    limits (number)."""
    if kind not in DOMAINS:
        return None
    low, high, whole, _ = DOMAINS[kind]
    takes = value >= low and (high is None or value <= high)
    if whole:
        takes = takes and value == value.to_integral_value()
    some, every = {
        "==": (takes, False),
        "!=": (True, not takes),
        "<": (low < value, high is not None and high < value),
        "<=": (low <= value, high is not None and high <= value),
        ">": (high is None or high > value, value < low),
        ">=": (high is None or high >= value, value <= low),
    }[operator]
    if not some:
        return False
    if every:
        return True
    return None


# ---- the checker ----------------------------------------------------------------------


class _Checker:
    def __init__(
        self,
        file: ast.RubricFile,
        text: str,
        source_name: str,
        unparsed_names: Collection[str] = (),
    ) -> None:
        self.file = file
        self.text = text
        self.source_name = source_name
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.indicators: dict[str, IndicatorSpec] = {}
        self.used: set[str] = set()
        # Names whose declaration earned an error (declared twice, a bad series length) or did
        # not parse: using them is not a further error, and nothing is checked where they are
        # used, so that the declaration's error is the only one.
        self.quiet: set[str] = set(unparsed_names)
        # Reserved words declared as names or levels (refused at the declaration): where they
        # are used, the parser may read them as the keyword (`true`), which is no further error.
        self.refused_words: set[str] = set()

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
        # A checklist (requirements, no categories) scores nothing and needs no base.
        checklist = not self.file.categories and (
            bool(self.file.checklists) or any(True for _ in self.requirements())
        )
        base = self._header_points(seen, "base", required=not checklist)
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
                # which of the two the rules mean is anyone's guess: check none of their uses
                self.quiet.add(declaration.name)
                continue
            self._reserved(declaration.name, declaration.name_span, "an indicator", kind_hint=True)
            self.indicators[declaration.name] = self._spec(declaration)

    def _reserved(self, name: str, span: Span, what: str, *, kind_hint: bool = False) -> None:
        if name not in reserved_words():
            return
        self.refused_words.add(name)
        self.error(
            "reserved-word",
            f"'{name}' is a reserved word of the rubric language: it cannot name {what}",
            span,
            f"choose another name, such as '{name}_{'value' if kind_hint else 'level'}'",
        )

    def _spec(self, declaration: ast.Declaration) -> IndicatorSpec:
        kind = declaration.type
        spec = IndicatorSpec(
            name=declaration.name,
            kind=kind.name,
            allows_na=declaration.allows_na,
            label=declaration.label,
            span=declaration.name_span,
        )
        if isinstance(kind, ast.AmountType):
            if not kind.unit.strip():
                self.error(
                    "missing-unit",
                    f"the amount '{declaration.name}' names no unit",
                    kind.span,
                    'name the unit the table counts in: amount("万元")',
                )
                self.quiet.add(declaration.name)
            return attrs.evolve(spec, unit=kind.unit)
        if isinstance(kind, ast.SeriesType):
            length = kind.length
            if length != length.to_integral_value() or length < 1:
                self.error(
                    "bad-series-length",
                    "a series needs a whole number of yearly values (1 or more), "
                    f"not {fmt(length)}",
                    kind.span,
                )
                # registered all the same, so that its uses are not "undefined"
                self.quiet.add(declaration.name)
                return spec
            return attrs.evolve(spec, series_length=int(length))
        if isinstance(kind, ast.EnumType):
            names: list[str] = []
            for level in kind.levels:
                self._reserved(level.name, level.span, "an enum level")
                if level.name in names:
                    self.error(
                        "duplicate-level",
                        f"level '{level.name}' of '{declaration.name}' is listed twice",
                        level.span,
                    )
                names.append(level.name)
            return attrs.evolve(spec, levels=tuple(dict.fromkeys(names)))
        return spec

    # ---- derived indicators ----
    def derived_indicators(self) -> None:
        """Each derived indicator's function, inputs and type; no cycles; one rounding rule."""
        rounding = self._rounding()
        derived = [d for d in self.file.declarations if d.derivation is not None]
        for declaration in derived:
            if declaration.name in self.quiet or self.indicators.get(declaration.name) is None:
                continue
            formula = self._formula(declaration, rounding)
            if formula is not None:
                spec = self.indicators[declaration.name]
                self.indicators[declaration.name] = attrs.evolve(spec, formula=formula)
        first = derived[0].derivation if derived else None
        if first is not None and not self.file.roundings:
            self.error(
                "missing-rounding",
                "the rubric has derived indicators but does not say how they are rounded",
                first.span,
                "add a line before the indicators: rounding half-up to 2 places",
            )
        if not derived and self.file.roundings:
            self.warn(
                "unused-rounding",
                "the rubric says how derived indicators are rounded, but has none",
                self.file.roundings[0].span,
                "remove the line, or derive an indicator: rate: percent = ratio(a, b)",
            )
        self._derivation_cycles()

    def _rounding(self) -> tuple[str, int] | None:
        found = self.file.roundings
        for extra in found[1:]:
            self.error(
                "duplicate-rounding",
                "the rubric says twice how derived indicators are rounded",
                extra.span,
                f"first said on line {found[0].span.line}; one rule serves every derived value",
            )
        if not found:
            return None
        places = found[0].places
        if places != places.to_integral_value() or not 0 <= places <= MOST_PLACES:
            self.error(
                "bad-rounding",
                f"derived values are rounded to a whole number of places from 0 to "
                f"{MOST_PLACES}, not {clip(fmt(places), 20)}",
                found[0].span,
            )
            return ("half-up", 2)  # checked on, so that one mistake earns one error
        return found[0].mode, int(places)

    def _formula(
        self, declaration: ast.Declaration, rounding: tuple[str, int] | None
    ) -> Formula | None:
        derivation = declaration.derivation
        assert derivation is not None
        spec = self.indicators[declaration.name]
        arity = FUNCTIONS.get(derivation.function)
        if arity is None:
            close = difflib.get_close_matches(derivation.function, FUNCTIONS, n=1, cutoff=0.6)
            self.error(
                "unknown-function",
                f"'{clip(derivation.function, 40)}' is not a function a derived indicator can "
                f"use ({', '.join(FUNCTIONS)})",
                derivation.function_span,
                f"did you mean '{close[0]}'?" if close else None,
            )
            return None
        fewest, most = arity
        count = len(derivation.inputs)
        if count < fewest or (most is not None and count > most):
            wanted = str(fewest) if fewest == most else f"{fewest} or more"
            self.error(
                "bad-arity",
                f"{derivation.function}() takes {wanted} inputs, not {count}",
                derivation.span,
                _FUNCTION_HINTS[derivation.function],
            )
            return None
        inputs = self._inputs(derivation)
        if inputs is None:
            return None
        self._derived_type(spec, derivation, inputs, declaration.type.span)
        self._derived_na(declaration, inputs)
        mode, places = rounding or ("half-up", 2)
        return Formula(
            derivation.function,
            tuple(_input(operand) for operand in derivation.inputs),
            mode,
            places,
        )

    def _inputs(self, derivation: ast.Derivation) -> list[tuple[str, IndicatorSpec]] | None:
        """Each input's kind ("number" for a yearly value of a series) and its indicator; None
        when one is wrong (the error is reported)."""
        found: list[tuple[str, IndicatorSpec]] = []
        sound = True
        for operand in derivation.inputs:
            if isinstance(operand, ast.SeriesPoint):
                spec = self.reference(operand.series)
                minimum = 2 if operand.which == "previous" else 1
                errors = len(self.errors)
                self._need_series(spec, operand.series, operand.which, minimum=minimum)
                if spec is None or len(self.errors) > errors:
                    sound = False
                else:
                    found.append(("number", spec))
                continue
            spec = self.reference(operand)
            if spec is None:
                sound = False
            elif derivation.function == "change":
                errors = len(self.errors)
                self._need_series(spec, operand, "change", minimum=2)
                sound = sound and len(self.errors) == errors
                found.append(("number", spec))
            elif spec.kind not in NUMERIC_KINDS:
                hint = "use last(x) or previous(x) for a yearly value of a series"
                self.error(
                    "type-mismatch",
                    f"{derivation.function}() needs numbers, but '{spec.name}' is "
                    f"{spec.describe()}",
                    operand.span,
                    hint if spec.kind == "series" else None,
                )
                sound = False
            else:
                found.append((spec.kind, spec))
        return found if sound else None

    def _derived_type(
        self,
        spec: IndicatorSpec,
        derivation: ast.Derivation,
        inputs: list[tuple[str, IndicatorSpec]],
        type_span: Span,
    ) -> None:
        """The declared type must be what the function gives its inputs."""
        kinds = {kind for kind, _ in inputs}
        units = {i.unit for kind, i in inputs if kind == "amount"}
        same = kinds == {spec.kind} and (spec.kind != "amount" or units == {spec.unit})
        allowed = {
            "ratio": spec.kind in ("percent", "number"),
            "change": spec.kind == "number",
        }.get(derivation.function, spec.kind == "number" or same)
        if allowed:
            return
        hints = {
            "ratio": "a ratio is a percent (a / b × 100) or a number (a / b)",
            "change": "a change between two years is a number (it may be negative)",
        }
        what = ", ".join(sorted(kinds)) if kinds else "no numbers"
        default = (
            f"{derivation.function}() of {what} is declared number, or the inputs' own type "
            "when they all have it"
        )
        self.error(
            "type-mismatch",
            f"'{spec.name}' is declared {spec.describe()}, but {derivation.function}() of "
            f"its inputs cannot be one",
            type_span,
            hints.get(derivation.function, default),
        )

    def _derived_na(
        self, declaration: ast.Declaration, inputs: list[tuple[str, IndicatorSpec]]
    ) -> None:
        """A derived indicator whose inputs may be not applicable must say it may be too."""
        if declaration.allows_na:
            return
        for _, spec in inputs:
            if spec.allows_na:
                self.error(
                    "type-mismatch",
                    f"'{declaration.name}' is computed from '{spec.name}', which may be not "
                    "applicable, so it may be too",
                    declaration.name_span,
                    "declare it `or na` after the formula",
                )
                return

    def _derivation_cycles(self) -> None:
        """A derived indicator computed, through others, from itself."""
        inputs: dict[str, list[str]] = {}
        for declaration in self.file.declarations:
            derivation = declaration.derivation
            if derivation is not None and declaration.name not in self.quiet:
                inputs[declaration.name] = [_input(i).name for i in derivation.inputs]
        done: set[str] = set()
        for start in inputs:
            if start in done:
                continue
            # depth first, each input looked at once: the path walked, and an iterator over the
            # inputs still to visit of each indicator on it
            path, on_path = [start], {start}
            stack = [iter(inputs[start])]
            while stack:
                following = next((n for n in stack[-1] if n in inputs and n not in done), None)
                if following is None:
                    finished = path.pop()
                    on_path.discard(finished)
                    done.add(finished)
                    stack.pop()
                elif following in on_path:
                    self._cycle([*path[path.index(following) :], following])
                    return
                else:
                    path.append(following)
                    on_path.add(following)
                    stack.append(iter(inputs[following]))

    def _cycle(self, names: list[str]) -> None:
        spec = self.indicators.get(names[0])
        shown = " → ".join(names)
        if len(names) > 8:  # a long cycle: its start, and how long it is
            shown = " → ".join(names[:6]) + f" → … → {names[-1]} ({len(names) - 1} indicators)"
        self.error(
            "derived-cycle",
            f"'{names[0]}' is computed from itself: {shown}",
            spec.span if spec is not None else None,
            "a derived indicator is computed from reported ones, or from derived ones that are",
        )

    # ---- structure ----
    def structure(self, bonus_max: Decimal) -> None:
        item_ids: dict[str, ast.Item] = {}
        self._bonus_without_maximum(bonus_max)
        for category in self.file.categories:
            self.positive(category.points, category.points_span, f"category '{category.title}'")
            self.excuses(category.not_applicable)
            self.deductions(category.deductions)
            for member in category.members:
                if isinstance(member, ast.Group):
                    self.excuses(member.not_applicable)
                    if member.total is not None:
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
        self.deductions(self.file.deductions)
        self.checklists()
        self._reported_names(item_ids)
        for veto in self.file.vetoes:
            self.condition(veto.condition)
        for requirement in self.requirements():
            self.condition(requirement.condition)

    def excuses(self, excuses: tuple[ast.Excuse, ...]) -> None:
        for excuse in excuses:
            if isinstance(excuse, ast.NotApplicableWhen):
                self.condition(excuse.condition)
                if not excuse.text.strip():
                    self.error(
                        "empty-reason",
                        "`na when` needs its reason: the trace and report show it",
                        excuse.span,
                        'write the table\'s wording: na when schools == 0 "辖区无学校"',
                    )

    def deductions(self, blocks: tuple[ast.Deductions, ...]) -> None:
        """A deductions block only deducts: negative points, or a `lowest` block."""
        for block in blocks:
            for rule in block.rules:
                self.rule(rule)  # a `lowest` block (the only tiers allowed) checks its tiers
                if not isinstance(rule, ast.Tiers) and rule.points > 0:
                    self.error(
                        "bad-points",
                        f"a deductions block deducts, but this rule gives "
                        f"{counted(rule.points, 'point')}: write its points negative "
                        f"(-{fmt(rule.points)})",
                        rule.span,
                        "rules that give points belong in an item",
                    )

    def _reported_names(self, item_ids: dict[str, ast.Item]) -> None:
        """A data file reports a `na allowed` item by its id, a group or category by its title:
        each name must pick out one of them."""
        seen: dict[str, tuple[str, Span]] = {
            item_id: (f"item {item_id}", item.id_span) for item_id, item in item_ids.items()
        }
        for name, where, span in reportable(self.file):
            if name in item_ids and where == f"item {name}":
                continue  # an item's own id, in `seen` already
            first = seen.get(name)
            if first is not None:
                self.error(
                    "ambiguous-na",
                    f"{where} may be reported 合理缺项 in a data file, but "
                    f"{first[0]} (line {first[1].line}) has the same name",
                    span,
                    "a data file names a group or category by its title: make it unique",
                )
            else:
                seen[name] = (where, span)

    def requirements(self) -> Iterator[ast.Requirement]:
        """Every requirement of the rubric: the file's, the categories', the items', the
        checklist tasks'."""
        yield from self.file.requirements
        for category in self.file.categories:
            yield from category.requirements
            for item in items_of(category):
                yield from item.requirements
        for task in self.file.tasks():
            yield from task.requirements

    def checklists(self) -> None:
        """Every checklist section has tasks, every task requirements, each task its own id (a
        district's plan names a task by it)."""
        task_ids: dict[str, ast.Task] = {}
        for checklist in self.file.checklists:
            if not checklist.tasks:
                self.error(
                    "empty-checklist",
                    f"checklist '{checklist.title}' has no tasks",
                    checklist.span,
                    'write its tasks: task 1 "…" { require <condition> "…" }',
                )
            for task in checklist.tasks:
                first = task_ids.get(task.id)
                if first is not None:
                    self.error(
                        "duplicate-task",
                        f"task id '{task.id}' is used twice",
                        task.id_span,
                        f"first used on line {first.span.line}",
                    )
                else:
                    task_ids[task.id] = task
                if not task.requirements:
                    self.error(
                        "empty-task",
                        f"task {task.id} has no requirements, so nothing could show it done",
                        task.span,
                        'write what makes it done: require <condition> "…"',
                    )

    def _bonus_without_maximum(self, bonus_max: Decimal) -> None:
        """One error, at the first bonus category, when the rubric has no bonus maximum (no
        `bonus` line, or `bonus 0`); a negative one is already an error of its own."""
        bonus = [c for c in self.file.categories if c.is_bonus]
        if not bonus or bonus_max != 0:
            return
        first = bonus[0]
        points = sum((c.points for c in bonus if c.points > 0), Decimal(0))
        wanted = fmt(points) if points > 0 else "10"
        field = next((f for f in self.file.header_fields if f.field == "bonus"), None)
        if field is None:
            message = f"bonus category '{first.title}' but the rubric declares no bonus maximum"
            hint = f"add a line: bonus {wanted}"
        else:
            message = (
                f"the bonus maximum is 0 (line {field.span.line}) but bonus category "
                f"'{first.title}' is declared: nothing it gives could count"
            )
            hint = f"declare the bonus maximum the table gives: bonus {wanted}"
        self.error("bonus-without-maximum", message, first.span, hint)

    def positive(self, value: Decimal, span: Span, what: str) -> None:
        if value <= 0:
            self.error(
                "bad-points",
                f"{what} declares {counted(value, 'point')}: points must be positive",
                span,
            )

    def negative(self, value: Decimal, span: Span) -> None:
        if value >= 0:
            self.error(
                "bad-points",
                f"a tier of a lowest {{ }} block deducts, but this one gives "
                f"{counted(value, 'point')}: write its points negative (-{fmt(value)})",
                span,
                "for tiers that give points, use a highest { } block",
            )

    def cap_span(self, item: ast.Item) -> Span:
        """Where the item's `cap N` is written (its points, for an AST built without it)."""
        return item.cap_span or item.points_span

    def item(self, item: ast.Item) -> None:
        self.positive(item.points, item.points_span, f"item {item.id}")
        if item.cap is not None and item.cap <= 0:
            self.error(
                "bad-points",
                f"item {item.id} has cap {fmt(item.cap)}: a cap must be positive",
                self.cap_span(item),
            )
        if not item.rules:
            self.error("empty-item", f"item {item.id} has no scoring rules", item.span)
        for rule in item.rules:
            self.rule(rule)
        for veto in item.vetoes:
            self.condition(veto.condition)
        self.excuses(item.not_applicable)
        self.thens(item)

    def thens(self, item: ast.Item) -> None:
        """A `then` stands between rules: some before it, some after it."""
        previous = 0
        for then in item.thens:
            if then.before == previous or then.before == len(item.rules):
                self.error(
                    "empty-stage",
                    "`then` needs scoring rules both before and after it",
                    then.span,
                    "the rules above `then` are settled before those below add to them",
                )
            previous = then.before

    def rule(self, rule: ast.Rule) -> None:
        if isinstance(rule, (ast.Fixed, ast.Always)) and rule.points == 0:
            self.error("bad-points", "a rule giving 0 points does nothing", rule.span)
        if isinstance(rule, ast.Fixed):
            self.condition(rule.condition)
        elif isinstance(rule, ast.PerUnit):
            self.per_unit(rule)
        elif isinstance(rule, ast.Proportional):
            if rule.points == 0:
                self.error("bad-points", "a proportional rule of 0 points does nothing", rule.span)
            self.proportional(rule)
        elif isinstance(rule, ast.Tiers):
            for tier in rule.tiers:
                if rule.lowest:
                    self.negative(tier.points, tier.span)
                else:
                    self.positive(tier.points, tier.span, "a tier")
                self.condition(tier.condition)

    def proportional(self, rule: ast.Proportional) -> None:
        spec = self.reference(rule.rate)
        if rule.target is None:
            if spec is not None and spec.kind not in ("percent", "score"):
                self.error(
                    "type-mismatch",
                    f"'scaled by' needs a percent or score, but '{spec.name}' is {spec.describe()}",
                    rule.rate.span,
                    f"or scale by a target: {fmt(rule.points)} scaled by {rule.rate.name} "
                    "of <target>",
                )
            return
        self.numeric(spec, rule.rate, "'scaled by' needs a number")
        if isinstance(rule.target, ast.Reference | ast.SeriesPoint):
            self.number_operand(rule.target, "the target of 'scaled by' must be a number")
        elif rule.target <= 0:
            self.error(
                "bad-points",
                f"the target of 'scaled by' must be positive, not {fmt(rule.target)}",
                rule.span,
            )

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
                f'write: {fmt(rule.points)} per {operand_text(rule.indicator)} max <points> "…"',
            )
        self.number_operand(rule.indicator, "'per' counts units of a number")
        if isinstance(rule.target, ast.Reference | ast.SeriesPoint):
            self.number_operand(rule.target, f"'{rule.direction}' needs a number to compare with")

    def number_operand(self, operand: ast.Reference | ast.SeriesPoint, requirement: str) -> None:
        """An indicator, or last()/previous() of a series, where a number is needed."""
        if isinstance(operand, ast.SeriesPoint):
            spec = self.reference(operand.series)
            minimum = 2 if operand.which == "previous" else 1
            self._need_series(spec, operand.series, operand.which, minimum=minimum)
            return
        self.numeric(self.reference(operand), operand, requirement)

    def numeric(
        self, spec: IndicatorSpec | None, reference: ast.Reference, requirement: str
    ) -> None:
        """A type-mismatch error where a number is needed and the indicator is not one."""
        if spec is not None and spec.kind not in NUMERIC_KINDS:
            self.error(
                "type-mismatch",
                f"{requirement}, but '{spec.name}' is {spec.describe()}",
                reference.span,
            )

    # ---- conditions ----
    def reference(self, reference: ast.Reference) -> IndicatorSpec | None:
        """The indicator a name refers to; None when there is nothing to check its use against
        (an error was reported here, or at its declaration)."""
        if reference.name in self.quiet:
            self.used.add(reference.name)
            return None
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
        # each name is compared with every indicator: only for as many errors as a message lists,
        # else thousands of misspelt names took minutes (1,000: 16 s), as names times names
        if len(self.errors) < DEFAULT_LIMITS.max_problems:
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
        elif spec.series_length is not None and spec.series_length < minimum:
            self.error(
                "type-mismatch",
                f"{use}() needs at least {counted(minimum, 'yearly value')}; '{spec.name}' has "
                f"{spec.series_length}",
                reference.span,
            )

    def comparison(self, comparison: ast.Comparison) -> None:
        left, right = comparison.left, comparison.right
        if any(
            isinstance(side, ast.BoolLiteral) and _word(side) in self.refused_words
            for side in (left, right)
        ):
            # an indicator named `true` or `false`, refused where it is declared: what the
            # other side should be (a number, an enum's level) is unknown
            return
        quiet = [name for name in map(_name_read, (left, right)) if name in self.quiet]
        if quiet:
            # a side whose declaration was refused: what the other side should be is unknown
            self.used.update(quiet)
            return
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
        if isinstance(operand, ast.Reference) and operand.name not in self.quiet:
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
            if isinstance(side, ast.BoolLiteral) and _word(side) in spec.levels:
                continue  # a level named `true` or `false`, refused where it is declared
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
                shown = "a number" if other == "literal" else with_article(other)
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
        """Warn about a comparison of an indicator with a number that holds for every value the
        indicator's type allows, or for none: `n == 2.5` for a count, `p > 100` for a percent."""
        left, right = comparison.left, comparison.right
        if isinstance(left, ast.Reference) and isinstance(right, ast.NumberLiteral):
            reference, literal, operator = left, right, comparison.operator
        elif isinstance(right, ast.Reference) and isinstance(left, ast.NumberLiteral):
            reference, literal, operator = right, left, FLIPPED[comparison.operator]
        else:
            return
        spec = self.indicators[reference.name]
        outcome = constant_outcome(spec.kind, operator, literal.value)
        if outcome is None:
            return
        low, high, whole, allowed = DOMAINS[spec.kind]
        written = (
            f"{reference.name} {operator} {fmt(literal.value)}"
            if reference is left
            else f"{fmt(literal.value)} {comparison.operator} {reference.name}"
        )
        outside = literal.value < low or (high is not None and literal.value > high)
        because = ""
        if outside:
            because = f"; {fmt(literal.value)} is outside the values it can take"
        elif whole and literal.value != literal.value.to_integral_value():
            because = f"; {fmt(literal.value)} is not a whole number"
        if outcome:
            self.warn(
                "always-holds",
                f"'{written}' always holds: '{spec.name}' is {spec.describe()}, {allowed}{because}",
                comparison.span,
                "the condition is met by every district; check the number and the comparison",
            )
        else:
            self.warn(
                "never-holds",
                f"'{written}' never holds: '{spec.name}' is {spec.describe()}, {allowed}{because}",
                comparison.span,
                "no district can meet the condition; check the number and the comparison",
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
                capped=category.capped,
            )
        for is_bonus, maximum, name in ((False, base_max, "base"), (True, bonus_max, "bonus")):
            members = [c for c in self.file.categories if c.is_bonus == is_bonus]
            declared = sum((c.points for c in members), Decimal(0))
            if members and declared != maximum:
                self._mismatch(f"the {name} maximum", maximum, declared, "its categories", None)

    def _item_reach(self, item: ast.Item) -> None:
        reach = sum((rule_reach(rule) for rule in item.rules), Decimal(0))
        limit = item_limit(item)
        if item.cap is not None and item.cap < item.points:
            # the cap is why the item cannot score its declared points: say so, once
            self.warn(
                "cap-below-points",
                f"item {item.id} declares {counted(item.points, 'point')} but its cap "
                f"{fmt(item.cap)} keeps it at {fmt(item.cap)}",
                self.cap_span(item),
                f"if the table's 满分 is {fmt(item.cap)}, declare {fmt(item.cap)} points; "
                "otherwise remove the cap",
            )
        if reach < limit:
            self.warn(
                "unreachable-maximum",
                (
                    f"item {item.id} declares {counted(item.points, 'point')} but its rules "
                    f"reach only {fmt(reach)}"
                    if limit == item.points
                    else f"item {item.id} is capped at {fmt(limit)} but its rules reach only "
                    f"{fmt(reach)}"
                ),
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
        *,
        capped: bool = False,
    ) -> None:
        children = sum((declared_points(m) for m in members), Decimal(0))
        if capped and children >= declared:
            return  # `cap N`: members adding up past N is what the table says
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

    # ---- grades and what vetoes do to them ----
    def grades(self) -> None:
        """One grades block, its bands best first down to an `otherwise`; veto effects that
        name grades it has."""
        scales = self.file.grades
        for extra in scales[1:]:
            first = scales[0].span.line
            self.error(
                "duplicate-grades",
                "the rubric has a second grades block",
                extra.span,
                f"the first is on line {first}; a table has one set of grades",
            )
        names = self._bands(scales[0]) if scales else []
        for veto in self._all_vetoes():
            self._veto_effect(veto, names)

    def _bands(self, scale: ast.Grades) -> list[str]:
        names: list[str] = []
        previous: ast.GradeBand | None = None
        for band in scale.bands:
            if band.name in names:
                self.error("duplicate-grade", f"grade '{band.name}' is given twice", band.span)
            names.append(band.name)
            if band.operator is None:
                if band is not scale.bands[-1]:
                    self.error(
                        "bad-grades",
                        f"'{band.name}' otherwise must be the last band: it takes every score "
                        "the bands above it do not",
                        band.span,
                    )
                continue
            if band.operator not in (">=", ">"):
                self.error(
                    "bad-grades",
                    f"a grade is reached at or past a threshold: write '{band.name}' >= "
                    f"{fmt(band.threshold or Decimal(0))}, not {band.operator}",
                    band.span,
                )
            elif previous is not None and previous.threshold is not None:
                assert band.threshold is not None
                if band.threshold >= previous.threshold:
                    self.error(
                        "bad-grades",
                        f"grades go from the best down: {fmt(band.threshold)} is not below "
                        f"{fmt(previous.threshold)} ('{previous.name}')",
                        band.span,
                    )
            previous = band
        if scale.bands[-1].operator is not None:
            self.error(
                "bad-grades",
                "the grades end without a band for every other score",
                scale.bands[-1].span,
                'end with the lowest band: "不合格" otherwise',
            )
        return names

    def _all_vetoes(self) -> Iterator[ast.Veto]:
        yield from self.file.vetoes
        for category in self.file.categories:
            for item in items_of(category):
                yield from item.vetoes

    def _veto_effect(self, veto: ast.Veto, names: list[str]) -> None:
        span = veto.effect_span or veto.span
        if veto.downgrade is None and veto.at_most is None:
            return
        if not names:
            self.error(
                "veto-without-grades",
                "this veto lowers the grade, but the rubric declares no grades",
                span,
                'declare them: grades { "优秀" >= 90  "合格" >= 60  "不合格" otherwise }',
            )
            return
        if veto.downgrade is not None and veto.downgrade < 1:
            self.error(
                "bad-downgrade",
                "a veto downgrades by a whole number of bands, at least 1",
                span,
            )
        if veto.at_most is not None and veto.at_most not in names:
            close = difflib.get_close_matches(veto.at_most, names, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "grades: " + ", ".join(names)
            self.error("unknown-grade", f"there is no grade '{veto.at_most}'", span, hint)

    def unused(self) -> None:
        for spec in self.indicators.values():
            if spec.name not in self.used:
                self.warn(
                    "unused-indicator",
                    f"indicator '{spec.name}' is declared but never used",
                    spec.span,
                )


_FUNCTION_HINTS = {
    "ratio": "write: ratio(part, whole)",
    "sum": "write: sum(a, b, …)",
    "difference": "write: difference(a, b), that is a − b",
    "change": "write: change(series), that is last(series) − previous(series)",
}


def _input(operand: ast.Reference | ast.SeriesPoint) -> Input:
    if isinstance(operand, ast.SeriesPoint):
        return Input(operand.series.name, -1 if operand.which == "last" else -2)
    return Input(operand.name)


def operand_text(operand: ast.Reference | ast.SeriesPoint) -> str:
    """An indicator or a point of a series as the rubric writes it: `x`, `last(x)`."""
    if isinstance(operand, ast.SeriesPoint):
        return f"{operand.which}({operand.series.name})"
    return operand.name


def _name_read(operand: ast.Operand) -> str | None:
    if isinstance(operand, ast.Reference):
        return operand.name
    if isinstance(operand, ast.SeriesPoint):
        return operand.series.name
    return None


def _word(literal: ast.BoolLiteral) -> str:
    return "true" if literal.value else "false"


def _compare_hint(spec: IndicatorSpec) -> str:
    if spec.kind == "enum":
        return f"compare it with a level: {spec.name} == {spec.levels[0]}"
    if spec.kind == "series":
        return f"use decreasing({spec.name}) or last({spec.name}) < previous({spec.name})"
    return f"compare it, e.g. {spec.name} >= 90"


def _position(found: Diagnostic) -> tuple[int, int]:
    return (found.line or 0, found.column or 0)


@exactly
def check(
    file: ast.RubricFile, text: str, source_name: str, *, unparsed_names: Collection[str] = ()
) -> CheckedRubric:
    """Check a parsed rubric; raise RubricCompileError with every error found, sorted by place.

    `unparsed_names` are indicators whose declarations did not parse (when the parser recovers
    from a syntax error and goes on): using them is not reported as an undefined indicator."""
    checker, errors = _run(file, text, source_name, unparsed_names)
    if errors:
        raise RubricCompileError(errors)
    return checker


@exactly
def compile_errors(
    file: ast.RubricFile, text: str, source_name: str, *, unparsed_names: Collection[str] = ()
) -> list[Diagnostic]:
    """The errors `check` would raise, sorted by place, without raising: for merging with the
    syntax errors of a file whose other parts parsed."""
    _, errors = _run(file, text, source_name, unparsed_names)
    return errors


def _run(
    file: ast.RubricFile, text: str, source_name: str, unparsed_names: Collection[str]
) -> tuple[CheckedRubric, list[Diagnostic]]:
    checker = _Checker(file, text, source_name, unparsed_names)
    title, year, base_max, bonus_max = checker.header()
    checker.declarations()
    checker.derived_indicators()
    checker.structure(bonus_max)
    checker.grades()
    if not checker.errors:
        checker.reach_warnings(base_max, bonus_max)
        checker.unused()
    checked = CheckedRubric(
        source_name=source_name,
        title=title,
        year=year,
        base_max=base_max,
        bonus_max=bonus_max,
        indicators=MappingProxyType(dict(checker.indicators)),
        file=file,
        warnings=tuple(sorted(checker.warnings, key=_position)),
    )
    return checked, sorted(checker.errors, key=_position)
