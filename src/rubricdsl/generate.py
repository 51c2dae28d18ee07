"""Random valid rubric texts for hypothesis: every construct of the language, built from a
small model and printed in the canonical layout.

`rubrics()` is public as `rubricdsl.testing.rubrics` (docs/testing.md). Every text it draws
compiles with `rubricdsl.loads` (warnings are allowed: unused indicators, maxima the rules do not
reach, conditions that always hold …). The model is small on purpose:

- the indicators (`Indicator`), because what a condition may do with one follows from its type:
  `_Writer.declaration` draws one declaration, `_Writer.indicators` the rubric's list of them;
  a new declaration form is one more method returning an `Indicator`;
- the rest is drawn straight into `Line`s (statements and how deep they stand), each construct
  by its own method of `_Writer`, and joined into text at the end (with comments, if asked),
  then laid out by `rubricdsl.formatter.format_rubric` unless `canonical=False`.

Strategies are made once and kept (`_integers`): making one costs more than drawing from it,
and a rubric takes a few hundred draws.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

import attrs
from hypothesis import strategies as st

from rubricdsl.formatter import format_rubric
from rubricdsl.model import FLIPPED, NUMERIC_KINDS, fmt

KINDS = ("bool", "count", "percent", "score", "amount", "number", "series", "enum")
# Indicator names: a prefix by type and a number, so never a keyword nor a level of an enum.
PREFIX = {
    "bool": "has",
    "count": "cnt",
    "percent": "pct",
    "score": "scr",
    "amount": "amt",
    "number": "num",
    "series": "ser",
    "enum": "lvl",
}
LEVELS = (("national", "国家级"), ("provincial", "省级"), ("municipal", "市级"), ("county", "县级"))
UNITS = ("万元", "元", "亿元")
COMPARATORS = (">=", ">", "<=", "<", "==", "!=")
ROUNDINGS = ("down", "up", "exact")
POINTS = tuple(Decimal(p) for p in ("0.25", "0.5", "1", "1.5", "2", "3", "4", "5"))
LITERALS = {
    "count": tuple(Decimal(n) for n in ("0", "1", "2", "3", "5", "10", "20")),
    "percent": tuple(Decimal(n) for n in ("0", "50", "60", "80", "90", "95", "99.5", "100")),
    "amount": tuple(Decimal(n) for n in ("0", "5", "10", "50", "100", "200")),
    "number": tuple(Decimal(n) for n in ("-5", "-0.5", "0", "1.5", "3", "10")),
}
GRADES = ("优秀", "良好", "合格", "基本合格")
LOWEST_GRADE = "不合格"
THRESHOLDS = tuple(Decimal(n) for n in ("95", "90", "85", "80", "75", "60", "59.5"))
CHINESE_DIGITS = "〇一二三四五六七八九"
TITLES = ("质量发展促进机制", "质量基础设施", "质量安全水平", "品牌建设", "加分项", "标准化工作")
TASKS = ("一是围绕推进高质量发展构建工作机制", "二是夯实质量基础", "三是守住安全底线")
# The table's wording: Chinese text with the punctuation tables use, and the characters a tool
# must take care of inside a string (`"` and `\`, written escaped; `#`, braces, full-width …).
PHRASES = (
    "成立党政主要领导双牵头的质量发展委员会",
    "每年至少召开一次会议",
    "覆盖率达到 90%以上",
    "每起扣 1 分，扣完为止",
    "每 10 万元加 1 分，最高 3 分",
    "获得“全国质量奖”的加 2 分",
    '含 "双随机" 抽查',
    "见附件 C:\\质量\\2021",
    "# 这不是注释",
    "{不是块} （合理缺项）",
    "Quality & safety: 100%",
    "",
)
COMMENTS = ("# 注释", "# 依据：表 2 第 3 项", '# "引号" { } # 井号', "#", "# TODO 核对")


T = TypeVar("T")


@functools.cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def quoted(text: str) -> str:
    """A string of the language: one line (line breaks become spaces), `"` and `\\` escaped."""
    one_line = " ".join(text.splitlines()) if text else text
    return '"' + one_line.replace("\\", "\\\\").replace('"', '\\"') + '"'


def chinese(n: int) -> str:
    """1–99 as tables number them in Chinese: 一, 十, 十二, 二十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_DIGITS[ones]
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return head + "十" + (CHINESE_DIGITS[ones] if ones else "")


# ---- the model --------------------------------------------------------------------------------


@attrs.frozen
class Indicator:
    """A declared indicator; what conditions and rules may do with it follows from `kind`."""

    name: str
    kind: str  # one of KINDS
    type_text: str  # as written after the colon: `count`, `amount("万元")`, `series(3)`, `enum(…)`
    allows_na: bool = False
    label: str | None = None
    unit: str | None = None  # an amount's
    length: int = 0  # a series'
    levels: tuple[str, ...] = ()  # an enum's

    def declaration(self) -> str:
        """`name: type [or na] ["label"]`."""
        text = f"{self.name}: {self.type_text}"
        if self.allows_na:
            text += " or na"
        if self.label is not None:
            text += " " + quoted(self.label)
        return text

    @property
    def family(self) -> str:
        """What it may be compared with: the same family, or a number (`amount:万元`, `count`)."""
        return f"amount:{self.unit}" if self.kind == "amount" else self.kind


@attrs.frozen
class Line:
    """One line of the text: a statement, or a block's head or `}`, and how deep it stands."""

    depth: int
    text: str


def block(head: str, body: Sequence[Line]) -> list[Line]:
    """`head {`, the body one level in, `}`."""
    inner = [Line(line.depth + 1, line.text) for line in body]
    return [Line(0, head + " {"), *inner, Line(0, "}")]


@attrs.frozen
class Options:
    """What `rubrics()` may draw (see its docstring)."""

    grades: bool = True
    checklists: bool = True
    na: bool = True
    vetoes: bool = True
    requirements: bool = True
    deductions: bool = True
    derived: bool = True
    comments: bool = False
    canonical: bool = True
    max_categories: int = 3
    max_items: int = 3
    max_rules: int = 3
    wording: st.SearchStrategy[str] | None = None


# ---- the writer: one method a construct ----------------------------------------------------


class _Writer:
    """Draws one rubric, construct by construct, with what its parts must agree on: the
    indicators declared, the ids and titles used, the grades."""

    def __init__(self, draw: st.DrawFn, options: Options) -> None:
        self.draw = draw
        self.options = options
        self.pool: list[Indicator] = []
        self.grade_names: list[str] = []
        self.items = 0
        self.tasks = 0
        self.titles = 0

    # ---- small draws ----
    def number(self, low: int, high: int) -> int:
        return self.draw(_integers(low, high))

    def chance(self, one_in: int) -> bool:
        return self.number(0, one_in - 1) == 0

    def pick(self, choices: Sequence[T]) -> T:
        return choices[self.number(0, len(choices) - 1)]

    def points(self, sign: int = 1) -> str:
        return fmt(self.pick(POINTS) * sign)

    def words(self) -> str:
        """The table's wording."""
        if self.options.wording is not None:
            return self.draw(self.options.wording)
        first = self.pick(PHRASES)
        return first + "，" + self.pick(PHRASES) if self.chance(3) else first

    def text(self) -> str:
        """The table's wording, as a string of the language."""
        return quoted(self.words())

    def reason(self) -> str:
        """A reason, never blank (`na when` needs one)."""
        words = self.words()
        return quoted(words if words.strip() else "辖区无此项工作")

    def title(self, choices: Sequence[str] = TITLES) -> str:
        """A title no other category, group or section has, and no item id is."""
        self.titles += 1
        return quoted(f"{self.pick(choices)}（{self.titles}）")

    def item_id(self, n: int) -> str:
        """The id of item (or task) `n` as tables write it: each form holds n, and no two forms
        can write the same id, so ids are unique. The last three are quoted."""
        forms = (
            str(n),
            f"{n}.1",
            f"B{n}",
            f"{n}a",
            f"X-{n}",
            chinese(n),
            f"一.{n}",
            quoted(f"（{chinese(n)}）{n}"),
            quoted(f"第 {n} 项"),
            quoted(f"B{n}"),
        )
        return self.pick(forms)

    # ---- indicators ----
    def indicators(self) -> list[Indicator]:
        """A bool and a count (so that every rule and condition can be drawn), each other type
        in one rubric of two, up to two more of any type, and maybe a twin of one of them (the
        same unit, length or levels)."""
        kinds = ["bool", "count", *(kind for kind in KINDS[2:] if self.chance(2))]
        kinds += [self.pick(KINDS) for _ in range(self.number(0, 2))]
        pool = [self.declaration(n, kind) for n, kind in enumerate(kinds, 1)]
        if self.chance(2):  # one of the same type to compare with: an enum of the same levels …
            twin = self.pick([i for i in pool if i.kind in ("bool", "amount", "enum")])
            pool.append(attrs.evolve(twin, name=f"{PREFIX[twin.kind]}_{len(pool) + 1}"))
        return pool

    def declaration(self, n: int, kind: str) -> Indicator:
        """`name: type [or na] ["label"]`, the n-th of the rubric."""
        name = f"{PREFIX[kind]}_{n}"
        allows_na = self.options.na and self.chance(4)
        label = self.words() if self.chance(2) else None
        if kind == "amount":
            unit = self.pick(UNITS)
            return Indicator(name, kind, f"amount({quoted(unit)})", allows_na, label, unit=unit)
        if kind == "series":
            length = self.number(1, 4)
            return Indicator(name, kind, f"series({length})", allows_na, label, length=length)
        if kind == "enum":
            count = self.number(2, len(LEVELS))
            written = [
                level if not self.chance(2) else f"{level} {quoted(words)}"
                for level, words in LEVELS[:count]
            ]
            levels = tuple(level for level, _ in LEVELS[:count])
            type_text = "enum(" + ", ".join(written) + ")"
            return Indicator(name, kind, type_text, allows_na, label, levels=levels)
        return Indicator(name, kind, kind, allows_na, label)

    def derived_indicators(self) -> None:
        """One or two indicators computed from those declared before them (derived ones
        included), added to the pool: `ratio` as a percent or a number, `sum` of counts,
        `difference`, `change` of a series; `or na` where an input may be not applicable, and
        now and then besides."""
        previous: Indicator | None = None
        for _ in range(self.number(1, 2)):
            previous = self.derived_indicator(len(self.pool) + 1, previous)
            self.pool.append(previous)

    def derived_indicator(self, n: int, previous: Indicator | None) -> Indicator:
        """The n-th indicator, derived; half the time from `previous` (a derived one), where
        the function takes any number."""
        counts = self.of_kind("count")
        series = [s for s in self.of_kind("series") if s.length >= 2]
        choices = ["ratio", "ratio", "difference", "sum"]  # every rubric declares a count
        choices += ["change", "change"] * bool(series)
        function = self.pick(choices)
        if function == "change":
            inputs: list[Indicator] = [self.pick(series)]
            written = [inputs[0].name]
            kind = "number"
        elif function == "sum":
            inputs = [self.pick(counts) for _ in range(self.number(2, 3))]
            written = [i.name for i in inputs]
            kind = "count" if self.chance(2) else "number"
        else:
            operands = self.number_operands()
            chosen = [self.pick(operands), self.pick(operands)]
            if previous is not None and previous.kind in NUMERIC_KINDS and self.chance(2):
                chosen[0] = (previous.name, previous.family)
            written = [name for name, _ in chosen]
            inputs = [self._indicator_of(name) for name in written]
            kind = self.pick(("percent", "number")) if function == "ratio" else "number"
        allows_na = any(i.allows_na for i in inputs) or (self.options.na and self.chance(4))
        label = self.words() if self.chance(2) else None
        formula = f"{function}({', '.join(written)})"
        return Indicator(f"{PREFIX[kind]}_{n}", kind, f"{kind} = {formula}", allows_na, label)

    def _indicator_of(self, operand: str) -> Indicator:
        """The indicator an operand reads (`x`, or the series of `last(x)`)."""
        name = operand.split("(")[-1].rstrip(")")
        return next(i for i in self.pool if i.name == name)

    def of_kind(self, *kinds: str) -> list[Indicator]:
        return [indicator for indicator in self.pool if indicator.kind in kinds]

    # ---- conditions ----
    def number_operands(self) -> list[tuple[str, str]]:
        """Every operand that is a number, with its family: numeric indicators, `last(s)`, and
        `previous(s)` of a series of two values or more."""
        found = [(i.name, i.family) for i in self.of_kind(*NUMERIC_KINDS)]
        for series in self.of_kind("series"):
            found.append((f"last({series.name})", "number"))
            if series.length >= 2:
                found.append((f"previous({series.name})", "number"))
        return found

    def number_operand(self) -> tuple[str, str]:
        """One of `number_operands`, a point of a series as often as an indicator."""
        operands = self.number_operands()
        points = [operand for operand in operands if operand[0].endswith(")")]
        if points and self.chance(2):
            return self.pick(points)
        return self.pick([operand for operand in operands if operand not in points])

    def literal(self, family: str) -> str:
        kind = family.split(":")[0]
        kind = "percent" if kind == "score" else kind
        return fmt(self.pick(LITERALS.get(kind, LITERALS["number"])))

    def condition(self, depth: int = 2) -> str:
        """A condition of atoms joined by `and`, `or`, `not` and parentheses."""
        return self._condition(depth)[0]

    def _condition(self, depth: int) -> tuple[str, int]:
        """The condition and how tightly it binds: 0 `or`, 1 `and`, 2 `not` or an atom."""
        shape = self.number(0, 5) if depth > 0 else 0
        if shape <= 2:
            atom = self.atom()
            return (f"({atom})", 2) if self.chance(8) else (atom, 2)
        if shape == 3:
            inner, binds = self._condition(depth - 1)
            return f"not {inner if binds == 2 else f'({inner})'}", 2
        word, binds = ("and", 1) if shape == 4 else ("or", 0)
        parts = []
        for _ in range(self.number(2, 3)):
            part, tight = self._condition(depth - 1)
            parts.append(part if tight > binds else f"({part})")
        return f" {word} ".join(parts), binds

    def atom(self) -> str:
        shapes = ["flag", "bool", "number"]
        if self.of_kind("enum"):
            shapes.append("enum")
        if any(series.length >= 2 for series in self.of_kind("series")):
            shapes.append("trend")
        shape = self.pick(shapes)
        if shape == "flag":
            return self.pick([i.name for i in self.of_kind("bool")])
        if shape == "bool":
            flags = [i.name for i in self.of_kind("bool")]
            left = self.pick(flags)
            right = self.pick([*[f for f in flags if f != left], "true", "false"])
            return self.ordered(left, self.pick(("==", "!=")), right)
        if shape == "enum":
            enum = self.pick(self.of_kind("enum"))
            peers = [i.name for i in self.of_kind("enum") if i.levels == enum.levels and i != enum]
            other = self.pick(peers) if peers and self.chance(2) else self.pick(enum.levels)
            return self.ordered(enum.name, self.pick(("==", "!=")), other)
        if shape == "trend":
            series = [i.name for i in self.of_kind("series") if i.length >= 2]
            return f"{self.pick(('increasing', 'decreasing'))}({self.pick(series)})"
        operands = self.number_operands()
        left, family = self.number_operand()
        peers = [
            text
            for text, other in operands
            if text != left and (other == family or "number" in (family, other))
        ]
        right = self.pick(peers) if peers and self.chance(3) else self.literal(family)
        return self.ordered(left, self.pick(COMPARATORS), right)

    def ordered(self, left: str, operator: str, right: str) -> str:
        """`left op right`, or now and then the same comparison the other way round."""
        if self.chance(4):
            return f"{right} {FLIPPED[operator]} {left}"
        return f"{left} {operator} {right}"

    def target(self, *, positive: bool = False) -> str:
        """What `above`/`below`/`of` compare with: a number (`positive` for `of`, which divides
        by it) or a numeric operand."""
        if self.chance(2):
            return self.pick(("1", "4", "10", "12.5")) if positive else self.literal("number")
        return self.number_operand()[0]

    # ---- rules ----
    def rule(self, *, deductions_block: bool = False) -> list[Line]:
        """A rule of an item, or (`deductions_block`) of a `deductions { }` block."""
        if deductions_block:
            shapes = ["fixed", "per_unit", "proportional", "lowest"]
        else:
            shapes = ["fixed", "fixed", "always", "per_unit", "proportional", "highest"]
            if self.options.deductions:
                shapes.append("lowest")
        shape = self.pick(shapes)
        negative = deductions_block or (self.options.deductions and self.chance(4))
        sign = -1 if negative else 1
        if shape == "fixed":
            return [Line(0, f"{self.points(sign)} when {self.condition()} {self.text()}")]
        if shape == "always":
            return [Line(0, f"{self.points(sign)} always {self.text()}")]
        if shape == "per_unit":
            return [Line(0, self.per_unit(sign))]
        if shape == "proportional":
            return [Line(0, self.proportional(sign))]
        lowest = shape == "lowest"
        tiers = [
            Line(0, f"{self.points(-1 if lowest else 1)} when {self.condition()} {self.text()}")
            for _ in range(self.number(1, 3))
        ]
        return block(f"{shape} {self.text()}", tiers)

    def per_unit(self, sign: int) -> str:
        """`P per [S of] x [above|below T] [max M] [rounding down|up|exact] "…"`."""
        parts = [self.points(sign), "per"]
        if self.chance(3):
            parts += [self.pick(("0.5", "2", "5", "10")), "of"]
        parts.append(self.number_operand()[0])
        if self.chance(2):
            parts += [self.pick(("above", "below")), self.target()]
        if sign > 0 or self.chance(2):
            parts += ["max", self.points()]
        if self.chance(2):
            parts += ["rounding", self.pick(ROUNDINGS)]
        return " ".join([*parts, self.text()])

    def proportional(self, sign: int) -> str:
        """`P scaled by rate "…"` (a percent or score) or `P scaled by x of T "…"`."""
        rates = self.of_kind("percent", "score")
        if rates and self.chance(2):
            rate = self.pick(rates).name
            return f"{self.points(sign)} scaled by {rate} {self.text()}"
        rate = self.pick(self.of_kind(*NUMERIC_KINDS)).name
        return f"{self.points(sign)} scaled by {rate} of {self.target(positive=True)} {self.text()}"

    def veto(self) -> Line:
        """`veto when c "…"`, lowering the grade (`downgrade N`, `at most "G"`) where there are
        grades."""
        text = f"veto when {self.condition()} {self.text()}"
        if self.grade_names and self.chance(2):
            if self.chance(2):
                text += f" downgrade {self.number(1, 2)}"
            else:
                text += f" at most {quoted(self.pick(self.grade_names))}"
        return Line(0, text)

    def requirement(self) -> Line:
        return Line(0, f"require {self.condition()} {self.text()}")

    def excuse(self) -> Line:
        """`na when c "reason"` or `na allowed "…"`."""
        if self.chance(2):
            return Line(0, f"na when {self.condition(1)} {self.reason()}")
        return Line(0, f"na allowed {self.text()}")

    def deductions(self) -> list[Line]:
        rules = [self.rule(deductions_block=True) for _ in range(self.number(1, 2))]
        return block("deductions", [line for rule in rules for line in rule])

    def insert(self, members: list[list[Line]], extra: list[Line]) -> None:
        """Put `extra` among the members, anywhere: the language takes them in any order."""
        members.insert(self.number(0, len(members)), extra)

    # ---- structure ----
    def item(self) -> tuple[list[Line], Decimal]:
        """`item ID "title" P [cap C] { … }`: rules, `then`s between them, and maybe a veto, a
        requirement, an excuse."""
        self.items += 1
        item_id = self.item_id(self.items)
        rules = [self.rule() for _ in range(self.number(1, self.options.max_rules))]
        members: list[list[Line]] = []
        cuts: set[int] = set()
        if len(rules) >= 2 and self.chance(3):
            cuts = {self.number(1, len(rules) - 1) for _ in range(self.number(1, 2))}
        for n, rule in enumerate(rules):
            if n in cuts:
                members.append([Line(0, "then " + self.text() if self.chance(2) else "then")])
            members.append(rule)
        if self.options.vetoes and self.chance(5):
            self.insert(members, [self.veto()])
        if self.options.requirements and self.chance(5):
            self.insert(members, [self.requirement()])
        if self.options.na and self.chance(5):
            self.insert(members, [self.excuse()])
        points = self.pick(POINTS[2:])
        head = f"item {item_id} {self.title(('组织保障', '经费保障', '监督抽查'))} {fmt(points)}"
        if self.chance(4):
            head += f" cap {fmt(self.pick(POINTS[2:]))}"
        return block(head, [line for member in members for line in member]), points

    def group(self, items: int) -> tuple[list[Line], Decimal]:
        """`group "title" [TOTAL] { items }`."""
        members: list[list[Line]] = []
        declared = Decimal(0)
        for _ in range(items):
            lines, points = self.item()
            members.append(lines)
            declared += points
        if self.options.na and self.chance(5):
            self.insert(members, [self.excuse()])
        head = f"group {self.title(('组织保障', '创新发展'))}"
        if self.chance(2):
            head += " " + fmt(declared if self.chance(2) else declared + 1)
        return block(head, [line for member in members for line in member]), declared

    def category(self, bonus: bool) -> tuple[list[Line], Decimal]:
        """`[bonus] category "title" P|cap P { groups, items, requirements, deductions, … }`."""
        members: list[list[Line]] = []
        declared = Decimal(0)
        left = self.number(1, self.options.max_items)
        while left:
            if self.chance(3):
                items = self.number(1, left)
                lines, points = self.group(items)
            else:
                items = 1
                lines, points = self.item()
            members.append(lines)
            declared += points
            left -= items
        if self.options.requirements and self.chance(5):
            self.insert(members, [self.requirement()])
        if self.options.deductions and self.chance(4):
            self.insert(members, self.deductions())
        if self.options.na and self.chance(6):
            self.insert(members, [self.excuse()])
        head = ("bonus " if bonus else "") + f"category {self.title()} "
        if self.chance(4):  # "最多加 10 分": a ceiling the items may add up past
            points = self.pick([declared, max(declared - 1, Decimal(1))])
            head += f"cap {fmt(points)}"
        else:
            points = declared
            head += fmt(points)
        return block(head, [line for member in members for line in member]), points

    def grades(self) -> list[Line]:
        """`grades [on total|on base] { "G" >= N … "G" otherwise }`, best first."""
        thresholds = sorted({self.pick(THRESHOLDS) for _ in range(self.number(0, 3))}, reverse=True)
        self.grade_names = [*GRADES[: len(thresholds)], LOWEST_GRADE]
        bands = [
            Line(0, f"{quoted(name)} {self.pick(('>=', '>'))} {fmt(threshold)}")
            for name, threshold in zip(self.grade_names, thresholds, strict=False)
        ]
        bands.append(Line(0, f"{quoted(LOWEST_GRADE)} otherwise"))
        basis = self.pick(("", " on total", " on base"))
        return block("grades" + basis, bands)

    def checklist(self) -> list[Line]:
        """`checklist "section" { task ID "title" { require … } … }`."""
        tasks: list[Line] = []
        for _ in range(self.number(1, 2)):
            self.tasks += 1
            requirements = [self.requirement() for _ in range(self.number(1, 2))]
            head = f"task {self.item_id(self.tasks)} {self.text()}"
            tasks += block(head, requirements)
        return block(f"checklist {self.title(TASKS)}", tasks)

    def rubric(self) -> str:
        self.pool = self.indicators()
        options = self.options
        rounding: list[Line] = []
        if options.derived and self.chance(2):
            self.derived_indicators()
            mode = self.pick(("half-up", "half-even", "down", "up"))
            rounding = [Line(0, f"rounding {mode} to {self.number(0, 4)} places")]
        checklist_only = options.checklists and self.chance(8)
        statements: list[list[Line]] = []
        if options.grades and not checklist_only and self.chance(2):
            statements.append(self.grades())
        base = bonus = Decimal(0)
        if not checklist_only:
            for _ in range(self.number(1, options.max_categories)):
                is_bonus = self.chance(4)
                lines, points = self.category(is_bonus)
                statements.append(lines)
                if is_bonus:
                    bonus += points
                else:
                    base += points
            if options.deductions and self.chance(4):
                statements.append(self.deductions())
        if options.vetoes and self.chance(3):
            statements.append([self.veto()])
        if options.requirements and (checklist_only or self.chance(4)):
            statements.append([self.requirement()])
        if checklist_only or (options.checklists and self.chance(4)):
            statements += [self.checklist() for _ in range(self.number(1, 2))]
        # the declarations, in one `indicators { }` block or two
        split = self.number(1, len(self.pool)) if self.chance(4) else len(self.pool)
        declarations = [
            block("indicators", [Line(0, indicator.declaration()) for indicator in part])
            for part in (self.pool[:split], self.pool[split:])
            if part
        ]
        statements = [*declarations, *statements]
        if rounding:
            statements.insert(self.number(0, len(statements)), rounding)
        if self.chance(4):  # the language takes statements in any order
            statements = list(self.draw(st.permutations(statements)))
        header = [Line(0, f"rubric {self.title(('质量强县评审评分表',))}")]
        header.append(Line(0, f"year {self.number(2000, 2030)}"))
        if not checklist_only or self.chance(4):  # a checklist needs no base
            header.append(Line(0, f"base {fmt(base) if base else '100'}"))
        if bonus or self.chance(3):
            header.append(Line(0, f"bonus {fmt(bonus)}"))
        return self.render([header, *statements])

    # ---- the text ----
    def render(self, statements: Sequence[Sequence[Line]]) -> str:
        """The statements one a line, indented two spaces a level, a blank line between the
        top-level ones; comments on lines of their own and at the end of lines (`comments`);
        then in the canonical layout (`canonical`)."""
        out: list[str] = []
        for n, statement in enumerate(statements):
            if n:
                out.append("")
            for line in statement:
                indent = "  " * line.depth
                if self.options.comments and self.chance(6):
                    out.append(indent + self.pick(COMMENTS))
                text = indent + line.text
                if self.options.comments and self.chance(6):
                    text += "  " + self.pick(COMMENTS)
                out.append(text)
        text = "\n".join(out) + "\n"
        return format_rubric(text) if self.options.canonical else text


def rubrics(
    *,
    grades: bool = True,
    checklists: bool = True,
    na: bool = True,
    vetoes: bool = True,
    requirements: bool = True,
    deductions: bool = True,
    derived: bool = True,
    comments: bool = False,
    canonical: bool = True,
    max_categories: int = 3,
    max_items: int = 3,
    max_rules: int = 3,
    wording: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[str]:
    """Random valid rubric texts, each using some of every construct of the language: every
    text compiles with `rubricdsl.loads` (it may earn warnings). Each option that is True lets
    its constructs appear (in some draws, not all); False leaves them out:

    - `grades`: a `grades [on total|on base] { … }` block, and vetoes that lower the grade
      (`downgrade N`, `at most "G"`);
    - `checklists`: `checklist` sections of `task`s, and now and then a rubric that is a
      checklist only (no categories, and maybe no `base`);
    - `na`: indicators declared `or na`, `na when c "reason"` and `na allowed "…"` in items,
      groups and categories;
    - `vetoes`: `veto when …` at the top level and in items;
    - `requirements`: `require …` at the top level, in categories and in items (a checklist's
      tasks have theirs whatever this says);
    - `deductions`: negative points in items, `lowest "…" { … }` graded deductions and
      `deductions { … }` blocks in categories and at the top level; without them no rule
      takes points away;
    - `derived`: derived indicators (`rate: percent = ratio(a, b)`, `sum`, `difference`,
      `change`, computed from indicators declared before them, derived ones included) with the
      rubric's `rounding half-up|half-even|down|up to N places`;
    - `comments`: `# …` comments on lines of their own and at the end of lines;
    - `canonical`: the text as `rubricdsl fmt` lays it out (the default); False gives one
      statement a line, indented, nothing aligned;
    - `max_categories`, `max_items` (a category's, its groups' included) and `max_rules` (an
      item's) keep the rubrics small: 3 each by default;
    - `wording`: a strategy for the table's wording (rule texts, labels, titles of tasks);
      line breaks in what it draws become spaces and `"`, `\\` are escaped.

    Always there: the header (`rubric`, `year`, `base`, `bonus`), indicators of every type
    (`bool`, `count`, `percent`, `score`, `amount("…")`, `number`, `series(N)`, `enum(…)`,
    labelled or not), categories (points or `cap N`, `bonus category`), groups, items with bare
    and quoted ids and `cap`, every rule (`P when c`, `P always`, `P per [S of] x [above|below
    T] [max M] [rounding …]`, `P scaled by x [of T]`, `highest "…" { … }`), `then`, and
    conditions with `and`, `or`, `not`, parentheses, comparisons with numbers, bools, enum
    levels and other indicators, `last(x)`, `previous(x)`, `increasing(x)`, `decreasing(x)`.
    """
    for name, value in (
        ("max_categories", max_categories),
        ("max_items", max_items),
        ("max_rules", max_rules),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"rubrics({name}=...) must be an int of 1 or more, not {value!r}")
    options = Options(
        grades=grades,
        checklists=checklists,
        na=na,
        vetoes=vetoes,
        requirements=requirements,
        deductions=deductions,
        derived=derived,
        comments=comments,
        canonical=canonical,
        max_categories=max_categories,
        max_items=max_items,
        max_rules=max_rules,
        wording=wording,
    )

    @st.composite
    def texts(draw: st.DrawFn) -> str:
        return _Writer(draw, options).rubric()

    return texts()
