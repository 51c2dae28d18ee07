"""Compiled evaluation: the evaluation tree generated as Python source that scores (a trace,
when read, is the tree's), built from the tree's nodes only (no rubric text pasted into it)."""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from rubricdsl.derive import apply_formula, formula_inputs
from rubricdsl.evaltree import (
    COMPARE,
    AllTrue,
    AlwaysScore,
    AnyTrue,
    CategoryNode,
    Compare,
    Condition,
    Constant,
    FixedScore,
    GroupNode,
    IndicatorValue,
    IsTrue,
    ItemNode,
    Monotonic,
    Negation,
    Operand,
    PerUnitScore,
    ProportionalScore,
    RubricTree,
    RuleNode,
    SeriesValue,
    TierScore,
    VetoNode,
)
from rubricdsl.exact import EXACT, exactly
from rubricdsl.inputs import to_decimal
from rubricdsl.limits import DEFAULT_LIMITS
from rubricdsl.model import IndicatorSpec, fmt, tidy
from rubricdsl.trace import Result, RubricInfo, RuleTrace, figures_json

# Numbers the fast path takes as they are: below the limits' 10^15 (docs/limits.md), where an
# int, and a float's shortest decimal, compare with a literal of at most 15 significant digits
# exactly as the decimals do (two such decimals never round to the same float).
FAST_BOUND = 10**15
SAFE_DIGITS = 15
_SYMBOL = {function: symbol for symbol, function in COMPARE.items()}


class NeedsTreeError(Exception):
    """Internal: the generated code met what only the tree-walker scores (a partial point past
    the rubric's precision, a derived value the tree refuses in words or of more than 15
    digits); the evaluation is done again by the tree."""


# ---- the score without a trace -------------------------------------------------------------

# The rules that did not give their points: (where: "item 14", "category '…'", "the total";
# the rule's trace), in rubric order.
Losses = tuple[tuple[str, RuleTrace], ...]


class ItemScore:
    """One item's score and maximum (after 合理缺项), without its rules."""

    __slots__ = ("id", "max", "score", "title")

    def __init__(self, id: str, title: str, score: Decimal, max: Decimal) -> None:
        self.id, self.title, self.score, self.max = id, title, score, max

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "score": fmt(self.score), "max": fmt(self.max)}


class Score:
    """A rubric applied to one district with no trace (`evaluate(…, trace="none")`): the
    figures of a `Result`, the items' scores, the grade; `losses` holds the traces of the rules
    that did not give their points with `trace="lost"` (empty otherwise), traced by the
    evaluation tree when first read. Decimals are made when read too, so that scoring many
    districts builds almost nothing."""

    __slots__ = ("_items", "_losses", "_raw", "_scale", "rubric")

    def __init__(
        self,
        rubric: RubricInfo,
        raw: tuple[Any, ...],
        scale: int,
        items: tuple[tuple[str, str], ...],
        losses: Losses | Callable[[], Losses] = (),
    ) -> None:
        self.rubric = rubric
        self._raw = raw
        self._scale = scale
        self._items = items
        self._losses = losses

    @property
    def losses(self) -> Losses:
        """(where: "item 14", "category '…'", "the total"; the rule's trace) for each rule that
        did not give its points, in rubric order; made on first read where it was left for
        later."""
        losses = self._losses
        if callable(losses):
            losses = losses()
            self._losses = losses
        return losses

    @classmethod
    def of(cls, result: Result, *, losses: bool = False) -> Score:
        """The figures of a traced result (and, with `losses`, its rules that lost points)."""
        items = result.items
        raw = (
            result.total,
            result.base,
            result.base_raw,
            result.bonus,
            result.na_points,
            -result.deducted,
            tuple(item.score for item in items),
            tuple(item.max for item in items),
            result.eligible,
            bool(result.vetoes),
            result.grade.grade if result.grade is not None else None,
        )
        pairs = tuple((item.id, item.title) for item in items)
        return cls(result.rubric, raw, 0, pairs, losses_of(result) if losses else ())

    def with_losses(self, losses: Losses | Callable[[], Losses]) -> Score:
        """The same figures with these losses (or a function that makes them when read)."""
        return Score(self.rubric, self._raw, self._scale, self._items, losses)

    def __reduce__(self) -> tuple[type[Score], tuple[Any, ...]]:
        return Score, (self.rubric, self._raw, self._scale, self._items, self.losses)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Score):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def _points(self, index: int) -> Decimal:
        return _points(self._raw[index], self._scale)

    @property
    def total(self) -> Decimal:
        return self._points(0)

    @property
    def base(self) -> Decimal:
        return self._points(1)

    @property
    def base_raw(self) -> Decimal:
        return self._points(2)

    @property
    def bonus(self) -> Decimal:
        return self._points(3)

    @property
    def na_points(self) -> Decimal:
        return self._points(4)

    @property
    def deducted(self) -> Decimal:
        """What the deductions from the total took (0 or more)."""
        return -self._points(5)

    @property
    def eligible(self) -> bool:
        return bool(self._raw[8])

    @property
    def failed_by_veto(self) -> bool:
        return bool(self._raw[9])

    @property
    def passed_vetoes(self) -> bool:
        return not self._raw[9]

    @property
    def grade(self) -> str | None:
        grade: str | None = self._raw[10]
        return grade

    @property
    def items(self) -> tuple[ItemScore, ...]:
        return tuple(self._item_at(index) for index in range(len(self._items)))

    def _item_at(self, index: int) -> ItemScore:
        item_id, title = self._items[index]
        score, most = self._raw[6][index], self._raw[7][index]
        return ItemScore(item_id, title, _points(score, self._scale), _points(most, self._scale))

    @property
    def scaled_item_scores(self) -> tuple[int, tuple[int | Decimal, ...]]:
        """(scale, each item's score in the rubric's order as the scorer holds it: a whole
        number of 10^-scale points), for writers of many scores that would rather not make a
        Decimal per item and row. A Score made from a Result (`Score.of`) has scale 0 and
        holds Decimals."""
        return self._scale, self._raw[6]

    def item(self, item_id: str) -> ItemScore:
        """One item by its id (KeyError if there is none), made alone: not every item's."""
        for index, (found, _) in enumerate(self._items):
            if found == item_id:
                return self._item_at(index)
        raise KeyError(item_id)

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            **figures_json(self, self.failed_by_veto),
            "eligible": self.eligible,
            "grade": self.grade,
            "items": [item.to_dict() for item in self.items],
        }
        if self.losses:
            document["losses"] = [{"where": where, **rule.to_dict()} for where, rule in self.losses]
        return document


def losses_of(result: Result) -> Losses:
    """The rules of a traced result that did not give their points, in rubric order."""
    found: list[tuple[str, RuleTrace]] = []
    for category in result.categories:
        for item in category.items():
            found += [(f"item {item.id}", rule) for rule in item.rules if rule.lost > 0]
        place = f"category '{category.title}'"
        found += [(place, rule) for rule in category.deductions if rule.lost > 0]
    found += [("the total", rule) for rule in result.deductions if rule.lost > 0]
    return tuple(found)


def short_items(raw: tuple[Any, ...], items: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The ids of the items the generated scorer's raw figures have below their maximum."""
    return tuple(
        item_id
        for (item_id, _), score, most in zip(items, raw[6], raw[7], strict=True)
        if score < most
    )


def figures_of(
    raw: tuple[Any, ...], scale: int
) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """(total, base, base_raw, bonus, na_points) of the generated scorer's raw figures."""
    return (
        _points(raw[0], scale),
        _points(raw[1], scale),
        _points(raw[2], scale),
        _points(raw[3], scale),
        _points(raw[4], scale),
    )


@functools.lru_cache(maxsize=4096)
def _points(scaled: int, scale: int) -> Decimal:
    # kept by value: the same few scores recur across districts, and a Decimal is immutable
    return tidy(Decimal(scaled).scaleb(-scale, EXACT))


# ---- the code generator ---------------------------------------------------------------------


@attrs.frozen
class CompiledRubric:
    """The generated scorer of one rubric: `read` turns a mapping of plain values (bool, int,
    float, str, lists) into the tuple `score` takes, or None when a value needs the exact
    reading (a Decimal, 合理缺项, a mistake to report); `score` returns the raw figures that
    `Score` reads. `source` is the generated code, for review (`rubricdsl compile --show`)."""

    source: str
    read: Callable[[Mapping[str, object]], tuple[Any, ...] | None]
    score: Callable[[tuple[Any, ...], Mapping[str, str]], tuple[Any, ...]]
    scale: int
    items: tuple[tuple[str, str], ...]
    names: tuple[str, ...]
    constants: Mapping[str, object] = attrs.field(factory=dict, repr=False)
    # the indicators whose values `read` takes as lists (a series) or dicts (合理缺项): what a
    # copy of the data must copy too, for a trace made later from it
    containers: tuple[str, ...] = ()

    def snapshot(self, data: dict[str, object]) -> dict[str, object]:
        """A copy of data `read` took that no later change of the caller's reaches: the
        mapping, and each list or dict in it."""
        kept = data.copy()
        for name in self.containers:
            value = kept[name]
            if type(value) is list:
                kept[name] = list(value)
            elif type(value) is dict:
                kept[name] = dict(value)
        return kept


@exactly
def compile_scorer(tree: RubricTree, specs: Mapping[str, IndicatorSpec]) -> CompiledRubric:
    """The generated scorer of a rubric."""
    generator = _Generator(tree, specs)
    source = generator.source()
    namespace: dict[str, Any] = dict(generator.constants)
    namespace.update(_HELPERS)
    code = compile(source, "<rubricdsl compiled rubric>", "exec")
    exec(code, namespace)  # the code generated above from the tree: no text of the rubric in it
    return CompiledRubric(
        source,
        namespace["read"],
        namespace["score"],
        generator.scale,
        generator.items,
        generator.names,
        dict(generator.constants),
        tuple(n for n in generator.names if specs[n].kind == "series" or specs[n].allows_na),
    )


class _Generator:
    """Python source from an evaluation tree: every value, name and text of the rubric goes
    into `constants` under a generated identifier; the code holds only identifiers it makes,
    numbers it formats and Python's own keywords."""

    def __init__(self, tree: RubricTree, specs: Mapping[str, IndicatorSpec]) -> None:
        self.tree = tree
        self.specs = specs
        self.names = tuple(name for name, spec in specs.items() if not spec.derived)
        # the data's values, then the derived ones, which `score` computes first
        every = self.names + tuple(spec.name for spec in tree.derived)
        self.slot = {name: f"v{index}" for index, name in enumerate(every)}
        self.constants: dict[str, object] = {}
        self.counter = itertools.count()
        self.scale = _scale_of(tree)
        self.items: tuple[tuple[str, str], ...] = ()
        self.lines: list[str] = []
        self.vetoes: list[tuple[tuple[int, int], str, VetoNode]] = []
        self.item_slots: dict[str, tuple[str, str]] = {}  # an item's score and max locals

    # ---- small pieces ----
    def constant(self, value: object) -> str:
        name = f"K{next(self.counter)}"
        self.constants[name] = value
        return name

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def points(self, value: Decimal) -> str:
        scaled = value.scaleb(self.scale, EXACT)
        assert scaled == scaled.to_integral_value(), "the scale holds every point of the rubric"
        return str(int(scaled))

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    # ---- the whole ----
    def source(self) -> str:
        self.reader()
        self.emit(0, "")
        self.emit(0, "def score(v, reported):")
        if self.names:
            self.emit(1, "(" + "".join(f"{self.slot[n]}, " for n in self.names) + ") = v")
        self.derived()
        self.rubric()
        return "\n".join(self.lines) + "\n"

    def derived(self) -> None:
        """Each derived indicator, in an order that computes its inputs first, worked out
        exactly by rubricdsl.derive's arithmetic (`_derived`): None for 合理缺项,
        NeedsTreeError for a value the tree must refuse in words."""
        for spec in self.tree.derived:
            assert spec.formula is not None
            inputs = []
            for one in formula_inputs(spec.formula):
                slot = self.slot[one.name]
                if one.position is None:
                    inputs.append(slot)
                elif self.may_be_na(one.name):
                    inputs.append(f"(None if {slot} is None else {slot}[{one.position}])")
                else:
                    inputs.append(f"{slot}[{one.position}]")
            listed = "(" + "".join(f"{i}, " for i in inputs) + ")"
            self.emit(1, f"{self.slot[spec.name]} = _derived({self.constant(spec)}, {listed})")

    def reader(self) -> None:
        """`read(data)`: the values in the order of `names`, each of a kind compared exactly
        (an int, a float, a Decimal of at most 15 digits made a float, a bool, a level, a
        series as a tuple; None for 合理缺项); None to leave the data to the exact reading
        (which reports any mistake). One test passes plain values; any other is converted
        value by value."""
        slots = [self.slot[n] for n in self.names]
        self.emit(0, "def read(data):")
        self.emit(1, f"if type(data) is not dict or len(data) != {len(self.names)}:")
        self.emit(2, "return None")
        if slots:  # one C call takes every value: operator.itemgetter of the names
            getter = self.constant(operator.itemgetter(*self.names))
            unpacked = "(" + "".join(f"{slot}, " for slot in slots) + ")"
            self.emit(1, "try:")
            self.emit(
                2,
                f"{unpacked} = {getter}(data)"
                if len(slots) > 1
                else f"{slots[0]} = {getter}(data)",
            )
            self.emit(1, "except KeyError:")
            self.emit(2, "return None")
        # one test of every value that cannot be 合理缺项 (a series is always converted, below);
        # those that can are tested one by one, so that one of them given as 合理缺项 does not
        # send every other value through the test again
        scalars = [n for n in self.names if self.specs[n].kind != "series"]
        tests = {n: self.plain_test(self.specs[n], self.slot[n]) for n in scalars}
        sure = [n for n in scalars if not self.specs[n].allows_na]
        if sure:
            self.emit(1, "if not (" + " and ".join(tests[n] for n in sure) + "):")
            self.emit(2, "try:")
            for name in sure:
                self.convert(3, name, tests[name])
            self.emit(2, "except ValueError:")
            self.emit(3, "return None")
        unsure = [n for n in scalars if self.specs[n].allows_na]
        if unsure:
            self.emit(1, "try:")
            for name in unsure:
                self.convert(2, name, tests[name])
            self.emit(1, "except ValueError:")
            self.emit(2, "return None")
        for name, slot in zip(self.names, slots, strict=True):
            spec = self.specs[name]
            if spec.kind == "series":
                self.emit(1, "try:")
                self.emit(2, f"{slot} = _convert({slot}, {self.kind_of(spec)})")
                self.emit(1, "except ValueError:")
                self.emit(2, "return None")
        self.emit(1, "return (" + "".join(f"{slot}, " for slot in slots) + ")")

    def convert(self, depth: int, name: str, test: str) -> None:
        """Lines that convert a value not in its fast form (ValueError for one that cannot be)."""
        slot = self.slot[name]
        self.emit(depth, f"if not ({test}):")
        self.emit(depth + 1, f"{slot} = _convert({slot}, {self.kind_of(self.specs[name])})")

    def kind_of(self, spec: IndicatorSpec) -> str:
        """The constant `_convert` takes to know an indicator's type."""
        kind = (spec.kind, spec.allows_na, frozenset(spec.levels), spec.series_length)
        return self.constant(kind)

    def plain_test(self, spec: IndicatorSpec, slot: str) -> str:
        """True for a value already in its fast form (a series is always converted)."""
        kind = spec.kind
        if kind == "bool":
            return f"type({slot}) is bool"
        if kind == "enum":
            return f"type({slot}) is str and {slot} in {self.constant(frozenset(spec.levels))}"
        if kind == "series":
            return "True"
        if kind == "count":
            return f"type({slot}) is int and 0 <= {slot} < {FAST_BOUND}"
        return f"(type({slot}) is int or type({slot}) is float) and {_range_test(kind, slot)}"

    # ---- conditions: an expression True or False, or None where it reads 合理缺项 ----
    def may_be_na(self, name: str) -> bool:
        return self.specs[name].allows_na

    def condition(self, condition: Condition) -> str:
        return self.truth(condition)[0]

    def truth(self, condition: Condition) -> tuple[str, bool]:
        """(expression, whether it may be None: unknown, Kleene's third value)."""
        if isinstance(condition, IsTrue):
            return self.slot[condition.name], self.may_be_na(condition.name)
        if isinstance(condition, Negation):
            inner, unknown = self.truth(condition.operand)
            return (f"_not3({inner})", True) if unknown else (f"(not {inner})", False)
        if isinstance(condition, AllTrue | AnyTrue):
            parts = [self.truth(c) for c in condition.operands]
            if any(unknown for _, unknown in parts):
                helper = "_and3" if isinstance(condition, AllTrue) else "_or3"
                return f"{helper}(" + ", ".join(e for e, _ in parts) + ")", True
            word = " and " if isinstance(condition, AllTrue) else " or "
            return "(" + word.join(e for e, _ in parts) + ")", False
        if isinstance(condition, Monotonic):
            return self.guarded(self.monotonic(condition), [condition.name])
        assert isinstance(condition, Compare)
        symbol = _SYMBOL[condition.compare]
        left, right = condition.left, condition.right
        if _needs_exact(left) or _needs_exact(right):
            text = f"({self.exact_operand(left)} {symbol} {self.exact_operand(right)})"
        else:
            text = f"({self.operand(left, right)} {symbol} {self.operand(right, left)})"
        read = [o.name for o in (left, right) if isinstance(o, IndicatorValue | SeriesValue)]
        return self.guarded(text, read)

    def guarded(self, text: str, names: Sequence[str]) -> tuple[str, bool]:
        """`text`, or None where one of `names` is 合理缺项."""
        unknown = [self.slot[n] for n in dict.fromkeys(names) if self.may_be_na(n)]
        if not unknown:
            return text, False
        return "(None if " + " or ".join(f"{u} is None" for u in unknown) + f" else {text})", True

    def holds(self, condition: Condition) -> str:
        """An expression true when the condition surely holds (unknown is not enough)."""
        text, unknown = self.truth(condition)
        return f"({text} is True)" if unknown else text

    def monotonic(self, condition: Monotonic) -> str:
        slot = self.slot[condition.name]
        length = self.specs[condition.name].series_length or 0
        sign = "<" if condition.decreasing else ">"
        pairs = [f"{slot}[{i + 1}] {sign} {slot}[{i}]" for i in range(length - 1)]
        return "(" + (" and ".join(pairs) or "True") + ")"

    def operand(self, operand: Operand, other: Operand | None = None) -> str:
        """An operand as an expression; a whole number compared with a count is an int (the
        count is one: int with int compares fastest)."""
        if isinstance(operand, IndicatorValue):
            return self.slot[operand.name]
        if isinstance(operand, SeriesValue):
            return f"{self.slot[operand.name]}[{operand.position}]"
        value = operand.constant
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, Decimal):
            if (
                isinstance(other, IndicatorValue)
                and self.specs[other.name].kind == "count"
                and value == value.to_integral_value()
            ):
                return str(int(value))
            return repr(float(value))  # a float's repr: digits, a point, an exponent
        return self.constant(value)  # an enum's level

    def exact_operand(self, operand: Operand) -> str:
        """An operand as a Decimal, for a comparison with a literal of over 15 digits."""
        if isinstance(operand, Constant):
            return self.constant(operand.constant)
        return f"_decimal({self.operand(operand)})"

    # ---- rules ----
    def rule(self, depth: int, rule: RuleNode) -> tuple[str, str | None]:
        """Lines that set a new local to the rule's points before its place's cap and floor
        (scaled to whole numbers): (its name, and an expression true when the rule is dropped
        for 合理缺项, or None when it cannot be)."""
        name = self.fresh("r")
        scoring = rule.score
        if isinstance(scoring, FixedScore):
            holds, unknown = self.truth(scoring.condition)
            points = self.points(scoring.points)
            if not unknown:
                self.emit(depth, f"{name} = {points} if {holds} else 0")
                return name, None
            self.emit(depth, f"t = {holds}")
            self.emit(depth, f"{name} = {points} if t else 0")
            return name, self.dropped(depth, "t is None")
        if isinstance(scoring, AlwaysScore):
            self.emit(depth, f"{name} = {self.points(scoring.points)}")
            return name, None
        if isinstance(scoring, TierScore):
            return self.tiers(depth, name, scoring)
        assert isinstance(scoring, PerUnitScore | ProportionalScore), scoring
        readings = ", ".join(f"{self.constant(n)}: {self.slot[n]}" for n in rule.reads)
        call = f"_by_tree({self.constant(scoring)}, {{{readings}}}, {self.scale})"
        if not any(self.may_be_na(n) for n in rule.reads):
            self.emit(depth, f"{name}, _ = {call}")
            return name, None
        dropped = self.fresh("d")
        self.emit(depth, f"{name}, {dropped} = {call}")
        return name, dropped

    def dropped(self, depth: int, test: str) -> str:
        name = self.fresh("d")
        self.emit(depth, f"{name} = {test}")
        return name

    def tiers(self, depth: int, name: str, scoring: TierScore) -> tuple[str, str | None]:
        """The highest tier that holds (the most severe, `lowest`); with a tier that may be
        unknown, the tree's rule: dropped when an unknown tier would beat every one that holds."""
        truths = [self.truth(condition) for _, condition, _ in scoring.tiers]
        points = [self.points(p) for p, _, _ in scoring.tiers]
        if any(unknown for _, unknown in truths):
            listed = (
                "("
                + "".join(f"({t}, {p}), " for (t, _), p in zip(truths, points, strict=True))
                + ")"
            )
            dropped = self.fresh("d")
            self.emit(depth, f"{name}, {dropped} = _tiers({listed}, {scoring.lowest})")
            return name, dropped
        self.emit(depth, f"{name} = None")
        beats = "<" if scoring.lowest else ">"
        for (holds, _), scaled in zip(truths, points, strict=True):
            self.emit(depth, f"if ({name} is None or {scaled} {beats} {name}) and {holds}:")
            self.emit(depth + 1, f"{name} = {scaled}")
        self.emit(depth, f"if {name} is None:")
        self.emit(depth + 1, f"{name} = 0")
        return name, None

    def settled(
        self,
        depth: int,
        rules: Sequence[RuleNode],
        limit: str,
        starts: Sequence[int],
        start: str = "0",
    ) -> str:
        """What the rules add to `start`, each stage within 0 and `limit` (an expression); a
        rule dropped for 合理缺项 gives 0 (the places that care use `item_with_na`)."""
        raws = [self.rule(depth, rule)[0] for rule in rules]
        name = self.fresh("s")
        simple = not starts and start == "0" and all(_never_negative(r) for r in rules)
        if simple:
            self.emit(depth, f"{name} = {_sum(raws)}")
            reach = sum((rule.reach for rule in rules), Decimal(0))
            within = _literal(limit) and int(self.points(reach)) <= int(limit)
            if not (within and _fixed_reach(rules)):
                self.emit(depth, f"if {name} > {limit}:")
                self.emit(depth + 1, f"{name} = {limit}")
        else:
            listed = "(" + "".join(f"{r}, " for r in raws) + ")"
            starts_text = "(" + "".join(f"{s}, " for s in starts) + ")"
            self.emit(depth, f"{name} = _settle({listed}, {limit}, {starts_text}, {start})")
        return name

    # ---- the structure ----
    #
    # Each item, group and category gives (score, max, unreachable, na_points): expressions,
    # numbers where nothing at evaluation can change them (no 合理缺项 can reach it), so that
    # what containers make of them is worked out here rather than at each evaluation.

    def excused(self, depth: int, excuses: Any, key: str) -> str | None:
        """A new local true when the whole item, group or category is 合理缺项; None when
        nothing can make it so."""
        tests = [self.holds(condition) for condition, _ in excuses.when]
        if excuses.reportable:
            tests.append(f"{self.constant(key)} in reported")
        if not tests:
            return None
        name = self.fresh("x")
        self.emit(depth, f"{name} = " + " or ".join(tests))
        return name

    def excused_branch(
        self,
        depth: int,
        excused: str | None,
        declared: Decimal,
        found: Figures,
        items: Sequence[ItemNode],
    ) -> int:
        """`if excused:` the figures of a whole 合理缺项 (0 of 0, its declared points out of
        reach; its items 0 of 0, their vetoes as they are), `else:`; the depth of what follows."""
        if excused is None:
            return depth
        self.emit(depth, f"if {excused}:")
        self.emit(
            depth + 1,
            f"{found.score}, {found.most}, {found.unreachable}, {found.na} = "
            f"0, 0, 0, {self.points(declared)}",
        )
        for item in items:
            for veto in item.vetoes:  # an excused item's vetoes still strike, as in the tree
                self.veto(depth + 1, veto)
            self.emit(depth + 1, self.item_figures(item, "0", "0"))
        self.emit(depth, "else:")
        return depth + 1

    def item(self, depth: int, item: ItemNode) -> Figures:
        declared = item.declared
        limit = declared if item.cap is None else min(declared, item.cap)
        unreachable = max(declared - min(limit, item.reach), Decimal(0))
        excused = self.excused(depth, item.excuses, item.id)
        if any(self.may_be_na(n) for rule in item.rules for n in rule.reads):
            return self.item_with_na(depth, item, excused)
        if excused is None:
            total = self.settled(depth, item.rules, self.points(limit), item.stage_starts)
            found = Figures(total, self.points(declared), self.points(unreachable), "0")
            for veto in item.vetoes:
                self.veto(depth, veto)
            if depth == 1:
                # outside every branch (no 合理缺项 around it), the result reads the figures
                # where they are: the local its rules settled in, never assigned again
                self.item_slots[item.id] = (found.score, found.most)
            else:
                self.emit(depth, self.item_figures(item, found.score, found.most))
            return found
        found = Figures(*(self.fresh(p) for p in ("i", "m", "u", "n")))
        inner = self.excused_branch(depth, excused, declared, found, [item])
        total = self.settled(inner, item.rules, self.points(limit), item.stage_starts)
        self.emit(
            inner,
            f"{found.score}, {found.most}, {found.unreachable}, {found.na} = {total}, "
            f"{self.points(declared)}, {self.points(unreachable)}, 0",
        )
        for veto in item.vetoes:
            self.veto(inner, veto)
        self.emit(inner, self.item_figures(item, found.score, found.most))
        return found

    def item_with_na(self, depth: int, item: ItemNode, excused: str | None) -> Figures:
        """An item whose rules may be dropped for 合理缺项: the dropped rules' points leave its
        maximum as far as the others can no longer reach them (as the tree works it out)."""
        found = Figures(*(self.fresh(p) for p in ("i", "m", "u", "n")))
        inner = self.excused_branch(depth, excused, item.declared, found, [item])
        rules = [self.rule(inner, rule) for rule in item.rules]
        raws = "(" + "".join(f"{r}, " for r, _ in rules) + ")"
        dropped = "(" + "".join(f"{d or False}, " for _, d in rules) + ")"
        reaches = "(" + "".join(f"{self.points(rule.reach)}, " for rule in item.rules) + ")"
        cap = "None" if item.cap is None else self.points(item.cap)
        starts = "(" + "".join(f"{s}, " for s in item.stage_starts) + ")"
        self.emit(
            inner,
            f"{found.score}, {found.most}, {found.unreachable}, {found.na} = _item_na("
            f"{raws}, {dropped}, {reaches}, {self.points(item.declared)}, {cap}, {starts})",
        )
        for veto in item.vetoes:
            self.veto(inner, veto)
        self.emit(inner, self.item_figures(item, found.score, found.most))
        return found

    def item_figures(self, item: ItemNode, score: str, most: str) -> str:
        """The statement that keeps an item's score and maximum for the result."""
        slots = self.item_slots[item.id]
        return f"{slots[0]}, {slots[1]} = {score}, {most}"

    def smaller(self, depth: int, target: str, value: str, bound: str) -> None:
        """`target = min(value, bound)`, without a call."""
        self.emit(depth, f"{target} = {value}")
        self.emit(depth, f"if {target} > {bound}:")
        self.emit(depth + 1, f"{target} = {bound}")

    def veto(self, depth: int, veto: VetoNode) -> None:
        """A local true when the veto strikes (set on each branch that can reach it)."""
        name = f"veto_{veto.line}_{veto.column}"
        if not any(place == (veto.line, veto.column) for place, _, _ in self.vetoes):
            self.vetoes.append(((veto.line, veto.column), name, veto))
        self.emit(depth, f"{name} = {self.holds(veto.condition)}")

    def shortfall(
        self, depth: int, members: Sequence[Figures], limit: Decimal | None
    ) -> tuple[str, str]:
        """(na_points, reachable) of a group, category or the base: numbers when its members'
        are, else locals worked out at evaluation."""
        bound = None if limit is None else int(self.points(limit))
        if all(m.constant for m in members):
            triples = tuple((int(m.most), int(m.unreachable), int(m.na)) for m in members)
            fixed = _shortfall(bound, triples)
            return str(fixed[0]), str(fixed[1])
        # _shortfall written out: the reachable points, and those with the 合理缺项 ones back
        na, reachable, full = self.fresh("n"), self.fresh("h"), self.fresh("f")
        terms = [t for m in members for t in (m.most, _negated(m.unreachable))]
        self.emit(depth, f"{reachable} = {_sum(terms)}")
        self.emit(depth, f"{full} = {_sum([reachable, *(m.na for m in members)])}")
        if bound is not None:
            for local in (full, reachable):
                self.emit(depth, f"if {local} > {bound}:")
                self.emit(depth + 1, f"{local} = {bound}")
        self.emit(depth, f"{na} = {full} - {reachable}")
        return na, reachable

    def group(self, depth: int, group: GroupNode) -> Figures:
        excused = self.excused(depth, group.excuses, group.title)
        declared = group.total
        if declared is None:
            declared = sum((item.declared for item in group.items), Decimal(0))
        found = Figures(*(self.fresh(p) for p in ("g", "m", "u", "n")))
        inner = self.excused_branch(depth, excused, declared, found, group.items)
        members = [self.item(inner, item) for item in group.items]
        na, reachable = self.shortfall(inner, members, group.total)
        if group.total is None:
            most = _sum([m.most for m in members])
        else:
            most = _difference(self.points(group.total), na)
        unreachable = _difference(most, reachable)
        if excused is None and _literal(most) and _literal(unreachable) and _literal(na):
            score = self.fresh("g")
            self.smaller(inner, score, _sum([m.score for m in members]), most)
            return Figures(score, most, unreachable, na)
        self.smaller(inner, found.score, _sum([m.score for m in members]), most)
        self.emit(
            inner, f"{found.most}, {found.unreachable}, {found.na} = {most}, {unreachable}, {na}"
        )
        return found

    def category(self, depth: int, category: CategoryNode) -> Figures:
        excused = self.excused(depth, category.excuses, category.title)
        found = Figures(*(self.fresh(p) for p in ("c", "m", "u", "n")))
        inner = self.excused_branch(
            depth, excused, category.declared, found, list(category.items())
        )
        members = [
            self.group(inner, m) if isinstance(m, GroupNode) else self.item(inner, m)
            for m in category.members
        ]
        na, reachable = self.shortfall(inner, members, category.declared)
        most = _difference(self.points(category.declared), na)
        capped = self.fresh("k")
        self.smaller(inner, capped, _sum([m.score for m in members]), most)
        score = capped
        if category.deductions:
            added = self.settled(inner, category.deductions, capped, (), capped)
            score = f"{capped} + {added}"
        unreachable = _difference(most, reachable)
        if excused is None and _literal(most) and _literal(unreachable) and _literal(na):
            return Figures(score, most, unreachable, na)
        self.emit(
            inner,
            f"{found.score}, {found.most}, {found.unreachable}, {found.na} = "
            f"{score}, {most}, {unreachable}, {na}",
        )
        return found

    def rubric(self) -> None:
        tree = self.tree
        items = list(tree.item_nodes().values())
        self.items = tuple((item.id, item.title) for item in items)
        self.item_slots = {
            item.id: (f"item_{index}_score", f"item_{index}_max")
            for index, item in enumerate(items)
        }
        base: list[Figures] = []
        bonus: list[Figures] = []
        for category in tree.categories:
            (bonus if category.is_bonus else base).append(self.category(1, category))
        info = tree.info
        base_max = self.points(info.base_max)
        na, _ = self.shortfall(1, base, info.base_max)
        self.emit(1, f"base_na = {na}")
        self.emit(1, f"base_limit = {_difference(base_max, na)}")
        self.smaller(1, "base_raw", _sum([c.score for c in base]), "base_limit")
        self.emit(1, f"base = _prorate(base_raw, {base_max}, base_limit, {self.scale})")
        bonus_max = self.points(info.bonus_max)
        self.smaller(1, "bonus", _sum([c.score for c in bonus]), bonus_max)
        for veto in tree.vetoes:
            self.veto(1, veto)
        self.emit(1, "before = base + bonus")
        if tree.deductions:
            added = self.settled(1, tree.deductions, "before", (), "before")
            self.emit(1, f"deducted = {added}")
        else:
            self.emit(1, "deducted = 0")
        self.emit(1, "total = before + deducted")
        self.requirements(1)
        self.grade(1)
        scores = "(" + "".join(f"{self.item_slots[i.id][0]}, " for i in items) + ")"
        maxima = "(" + "".join(f"{self.item_slots[i.id][1]}, " for i in items) + ")"
        self.emit(
            1,
            f"return (total, base, base_raw, bonus, base_na, deducted, {scores}, {maxima}, "
            "eligible, failed, grade)",
        )

    def requirements(self, depth: int) -> None:
        """`eligible`: every requirement holds (the fast path reads no 合理缺项 value)."""
        requirements = [*self.tree.requirements]
        requirements += [r for task in self.tree.tasks for r in task.requirements]
        tests = []
        for requirement in requirements:  # one not applicable does not count against it
            text, unknown = self.truth(requirement.condition)
            tests.append(f"({text} is not False)" if unknown else text)
        self.emit(depth, "eligible = " + (" and ".join(tests) or "True"))

    def grade(self, depth: int) -> None:
        """`failed` (a struck veto with no effect) and `grade`: the band, then each struck
        veto's effect in the order written."""
        ordered = sorted(self.vetoes, key=lambda found: found[0])
        failing = [
            name for _, name, veto in ordered if veto.downgrade is None and veto.at_most is None
        ]
        self.emit(depth, "failed = " + (" or ".join(failing) or "False"))
        scale = self.tree.grades
        if scale is None:
            self.emit(depth, "grade = None")
            return
        names = scale.names()
        graded = "total" if scale.basis == "total" else "base"
        self.emit(depth, f"band = {len(scale.bands)}")
        for position, (_, comparator, threshold) in reversed(list(enumerate(scale.bands))):
            self.emit(depth, f"if {graded} {comparator} {self.points(threshold)}:")
            self.emit(depth + 1, f"band = {position}")
        lowest = len(names) - 1
        for _, name, veto in ordered:
            if veto.downgrade is not None:
                lowered = f"min(band + {veto.downgrade}, {lowest})"
            elif veto.at_most is not None:
                lowered = f"max(band, {names.index(veto.at_most)})"
            else:
                lowered = str(lowest)
            self.emit(depth, f"if {name}:")
            self.emit(depth + 1, f"band = {lowered}")
        self.emit(depth, f"grade = {self.constant(tuple(names))}[band]")


@attrs.frozen
class Figures:
    """An item's, group's or category's (score, max, unreachable, na_points) in the generated
    code: each an expression, a number where it is fixed."""

    score: str
    most: str
    unreachable: str
    na: str

    @property
    def constant(self) -> bool:
        return _literal(self.most) and _literal(self.unreachable) and _literal(self.na)


def _literal(expression: str) -> bool:
    """Whether an expression of the generated code is a whole number it wrote."""
    return expression.lstrip("-").isdigit()


# Python compiles `a + b + …` as a tree as deep as it is long: past this many terms, a sum is
# a call of sum() on a tuple, which is flat (an item of 3,000 rules would not compile).
LONGEST_SUM = 32


def _sum(terms: Sequence[str]) -> str:
    """`a + b + …`, the numbers among them added here."""
    fixed = sum(int(t) for t in terms if _literal(t))
    rest = [t for t in terms if not _literal(t)]
    if fixed or not rest:
        rest.append(str(fixed))
    if len(rest) > LONGEST_SUM:
        return "sum((" + ", ".join(rest) + ",))"
    return " + ".join(rest)


def _negated(term: str) -> str:
    """`-term`, worked out here when it is a number."""
    if _literal(term):
        return str(-int(term))
    return f"-{term}" if term.isidentifier() else f"-({term})"


def _difference(left: str, right: str) -> str:
    """`left - right`, worked out here when both are numbers."""
    if _literal(left) and _literal(right):
        return str(int(left) - int(right))
    return f"{left} - {right}" if right != "0" else left


def _fixed_reach(rules: Sequence[RuleNode]) -> bool:
    """Whether the rules never give more than their reach (every rule but per unit without
    a max, whose reach is its max)."""
    return all(
        not (isinstance(rule.score, PerUnitScore) and rule.score.maximum is None) for rule in rules
    )


def _range_test(kind: str, slot: str) -> str:
    """The type's range, as an expression (a NaN or an infinity is outside it)."""
    low, low_included, high, high_included = _BOUNDS[kind]
    below = "<=" if low_included else "<"
    above = "<=" if high_included else "<"
    return f"{low} {below} {slot} {above} {high}"


def _needs_exact(operand: Operand) -> bool:
    """A literal a float cannot stand for exactly: more than 15 significant digits."""
    if not isinstance(operand, Constant) or not isinstance(operand.constant, Decimal):
        return False
    return len(operand.constant.normalize().as_tuple().digits) > SAFE_DIGITS


def _never_negative(rule: RuleNode) -> bool:
    scoring = rule.score
    if isinstance(scoring, FixedScore | AlwaysScore | PerUnitScore | ProportionalScore):
        return scoring.points >= 0
    if isinstance(scoring, TierScore):
        return all(points >= 0 for points, _, _ in scoring.tiers)
    return False


def _scale_of(tree: RubricTree) -> int:
    """Decimal places that hold every point of the rubric (at least 2: proration and exact
    points per unit round to 2)."""
    places = 2
    for value in _all_points(tree):
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, -exponent)
    return places


def _all_points(tree: RubricTree) -> list[Decimal]:
    found = [tree.info.base_max, tree.info.bonus_max]
    rules: list[RuleNode] = list(tree.deductions)
    for category in tree.categories:
        found.append(category.declared)
        rules += category.deductions
        for member in category.members:
            if isinstance(member, GroupNode) and member.total is not None:
                found.append(member.total)
        for item in category.items():
            found.append(item.declared)
            if item.cap is not None:
                found.append(item.cap)
            rules += item.rules
    for rule in rules:
        found += [rule.points, rule.reach]
        if isinstance(rule.score, TierScore):
            found += [points for points, _, _ in rule.score.tiers]
        if isinstance(rule.score, PerUnitScore) and rule.score.maximum is not None:
            found.append(rule.score.maximum)
    if tree.grades is not None:
        found += [threshold for _, _, threshold in tree.grades.bands]
    return found


# ---- what the generated code calls ------------------------------------------------------------


def _decimal(value: object) -> Decimal:
    found = to_decimal(value)
    assert found is not None
    return found


@exactly
def _by_tree(
    scoring: PerUnitScore | ProportionalScore, values: dict[str, object], scale: int
) -> tuple[int, bool]:
    """A rule worked exactly by the tree's own scoring, its points scaled to a whole number:
    (points, dropped for 合理缺项); NeedsTreeError when they have more places than the scale
    holds."""
    if any(value is None for value in values.values()):
        return 0, True
    readings = {
        name: tuple(map(_decimal, value)) if isinstance(value, tuple) else _decimal(value)
        for name, value in values.items()
    }
    raw = scoring(readings).raw
    scaled = raw.scaleb(scale, EXACT)
    if scaled != scaled.to_integral_value():
        raise NeedsTreeError
    return int(scaled), False


# Each type's range on the fast path, (lowest, included, highest, included): the generated
# test of a plain value (_range_test) and the conversion of any other (_within) both read it.
_BOUNDS: dict[str, tuple[int, bool, int, bool]] = {
    "count": (0, True, FAST_BOUND, False),
    "percent": (0, True, 100, True),
    "score": (0, True, 100, True),
    "amount": (0, True, FAST_BOUND, False),
    "number": (-FAST_BOUND, False, FAST_BOUND, False),
}


def _convert(value: object, kind: tuple[str, bool, frozenset[str], int | None]) -> object:
    """A value in its fast form; ValueError for one the exact reading must take."""
    name, allows_na, levels, length = kind
    if allows_na and type(value) is dict and _is_na(value):
        return None
    if name == "bool":
        if type(value) is bool:
            return value
    elif name == "enum":
        if type(value) is str and value in levels:
            return value
    elif name == "series":
        if type(value) is list or type(value) is tuple:
            found = _series(value, length or 0)
            if found is not None:
                return found
    else:
        number = _number(value, name == "count")
        if number is not None and _within(number, name):
            return number
    raise ValueError


def _within(number: int | float, kind: str) -> bool:
    low, low_included, high, high_included = _BOUNDS[kind]
    above_low = low <= number if low_included else low < number
    return above_low and (number <= high if high_included else number < high)


def _number(value: object, whole: bool) -> int | float | None:
    kind = type(value)
    if kind is int:
        return value  # type: ignore[return-value]
    if kind is float and not whole:
        return value if math.isfinite(value) else None  # type: ignore[arg-type,return-value]
    if kind is Decimal:
        return _from_decimal(value, whole)  # type: ignore[arg-type]
    return None


def _series(values: list[object] | tuple[object, ...], length: int) -> tuple[Any, ...] | None:
    """A series in its fast form (ints and floats), or None."""
    if len(values) != length:
        return None
    found = []
    for value in values:
        kind = type(value)
        if kind is Decimal:
            value = _from_decimal(value, False)  # type: ignore[arg-type]
        elif kind is not int and kind is not float:
            return None
        if value is None or not -FAST_BOUND < value < FAST_BOUND:  # type: ignore[operator]
            return None
        found.append(value)
    return tuple(found)


def _from_decimal(value: Decimal, whole: bool) -> int | float | None:
    """A Decimal as an int (`whole`) or a float that stands for it exactly in comparisons: at
    most 15 significant digits; None otherwise."""
    if not value.is_finite() or len(value.as_tuple().digits) > SAFE_DIGITS:
        return None
    if whole:
        return int(value) if value == value.to_integral_value() else None
    return float(value)


def _is_na(value: dict[object, object]) -> bool:
    """`{not_applicable: "<reason>"}` as the exact reading accepts it."""
    reason = value.get("not_applicable")
    return (
        len(value) == 1
        and type(reason) is str
        and bool(reason.strip())
        and len(reason) <= DEFAULT_LIMITS.max_text_length
    )


@exactly
def _derived(spec: IndicatorSpec, values: tuple[int | float | None, ...]) -> int | float | None:
    """A derived indicator's value in its fast form, from its inputs' (derive.compute's
    arithmetic, rounded once as the rubric says); None where it is 合理缺项; NeedsTreeError
    where the tree refuses it (a ratio to 0 without `or na`, a value out of its type's range)
    or where its value has more digits than the fast form holds exactly."""
    formula = spec.formula
    assert formula is not None
    if any(value is None for value in values):
        return None  # an input 合理缺项 makes it so
    exact = [_decimal(value) for value in values]
    if formula.function == "ratio" and exact[1] == 0:
        if spec.allows_na:
            return None
        raise NeedsTreeError
    _, value = apply_formula(formula, exact, percent=spec.kind == "percent")
    fast = _from_decimal(value, spec.kind == "count")
    if fast is None or not _within(fast, spec.kind):
        raise NeedsTreeError
    return fast


def _not3(truth: bool | None) -> bool | None:
    return None if truth is None else not truth


def _and3(*truths: bool | None) -> bool | None:
    """Kleene's `and`: false if any is false, else unknown if any is unknown."""
    if False in truths:
        return False
    return None if None in truths else True


def _or3(*truths: bool | None) -> bool | None:
    """Kleene's `or`: true if any is true, else unknown if any is unknown."""
    if True in truths:
        return True
    return None if None in truths else False


def _tiers(tiers: tuple[tuple[bool | None, int], ...], lowest: bool) -> tuple[int, bool]:
    """evaltree.TierScore on truths: (points, dropped)."""
    best: int | None = None
    unknown: list[int] = []
    for truth, points in tiers:
        if truth is None:
            unknown.append(points)
        elif truth and (best is None or (points < best if lowest else points > best)):
            best = points
    if any(best is None or (p < best if lowest else p > best) for p in unknown):
        return 0, True
    return (0 if best is None else best), False


def _item_na(
    raws: tuple[int, ...],
    dropped: tuple[bool, ...],
    reaches: tuple[int, ...],
    declared: int,
    cap: int | None,
    starts: tuple[int, ...],
) -> tuple[int, int, int, int]:
    """evaltree.ItemNode.evaluate's figures, its rules' points given: (score, max,
    unreachable, na_points)."""
    reach = sum(reaches)
    applicable = reach - sum(r for r, gone in zip(reaches, dropped, strict=True) if gone)
    full_limit = declared if cap is None else min(declared, cap)
    na = min(full_limit, reach) - min(full_limit, applicable)
    maximum = declared - na
    limit = maximum if cap is None else min(maximum, cap)
    score = _settle(raws, limit, starts, 0)
    return score, maximum, max(maximum - min(limit, applicable), 0), na


def _settle(raws: tuple[int, ...], limit: int, starts: tuple[int, ...], start: int) -> int:
    """What evaltree.settle lets the rules add to `start`: stage by stage, the running sum
    kept within 0 and `limit`. (Cutting a stage's bonuses from the last back, or its
    deductions, moves the sum exactly to the bound it passed: the stage holds enough of them,
    since the running sum starts within the bounds.)"""
    running = start
    previous = 0
    for end in (*starts, len(raws)):
        running += sum(raws[previous:end])
        if running > limit:
            running = limit
        elif running < 0:
            running = 0
        previous = end
    return running - start


def _shortfall(limit: int | None, members: tuple[tuple[int, int, int], ...]) -> tuple[int, int]:
    """(na_points, reachable) of a container from its members' (max, unreachable, na_points),
    as evaltree.shortfall works them out."""
    reachable = full = 0
    for most, unreachable, na in members:
        reachable += most - unreachable
        full += most - unreachable + na
    if limit is not None:
        full, reachable = min(limit, full), min(limit, reachable)
    return full - reachable, reachable


def _prorate(base_raw: int, base_max: int, base_limit: int, scale: int) -> int:
    """evaltree.prorate in scaled whole numbers: base_raw × base_max / base_limit, half-up to
    2 places."""
    if base_limit <= 0:
        return 0
    numerator = base_raw * base_max * 100
    denominator = base_limit * 10**scale
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return int(quotient * 10 ** (scale - 2))


_HELPERS: dict[str, object] = {
    "_convert": _convert,
    "_derived": _derived,
    "_not3": _not3,
    "_and3": _and3,
    "_or3": _or3,
    "_tiers": _tiers,
    "_item_na": _item_na,
    "_decimal": _decimal,
    "_by_tree": _by_tree,
    "_settle": _settle,
    "_prorate": _prorate,
}
