"""Hypothesis strategies for what acts above single rules: deductions on a category or the total,
`then` between the stages of an item, proportional deductions, `last()`/`previous()` counted per
unit, and 合理缺项 of a whole item, group or category, by a condition (`na when`) or reported by
the data (`na allowed`).

Like tests/strategies.py, each draw builds a small model first, renders it as rubric text and
knows, from docs/language.md alone (not from rubricdsl's code), what every item, category, the
base and the total must score. The shapes are chosen so that the expected values stay simple to
state: every item starts from `P always` (its declared points) and deducts from there, with
bonuses only after a `then`; categories declare the sum of their items' points.

Entry point: ``block_cases()`` -> ``BlockCase`` (text, indicators, reported, expected scores).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import strategies as st

D = Decimal
ZERO = D(0)

INDICATORS = """\
indicators {
  flag_a: bool
  flag_b: bool
  n1: count
  n2: count
  pct: percent
  rates: series(3)
}"""


@dataclass(frozen=True)
class Values:
    flag_a: bool
    flag_b: bool
    n1: int
    n2: int
    pct: Decimal
    rates: tuple[Decimal, Decimal, Decimal]

    def data(self) -> dict[str, object]:
        return {
            "flag_a": self.flag_a,
            "flag_b": self.flag_b,
            "n1": self.n1,
            "n2": self.n2,
            "pct": self.pct,
            "rates": list(self.rates),
        }


# ---- rules: text, and what each yields on its own (docs/language.md) ------------------------


@dataclass(frozen=True)
class Deduction:
    """One deducting rule of the kinds an item, a category or the total may hold."""

    kind: str  # "fixed" | "per_unit" | "proportional" | "drop"
    points: Decimal  # positive: the amount written after the minus sign
    maximum: Decimal | None = None

    def text(self) -> str:
        p = f"-{self.points}"
        if self.kind == "fixed":
            return f'{p} when flag_a "扣分"'
        if self.kind == "per_unit":
            limit = f" max {self.maximum}" if self.maximum is not None else ""
            return f'{p} per n1{limit} "每起扣分"'
        if self.kind == "proportional":
            return f'{p} scaled by pct "按未完成比例扣分"'
        limit = f" max {self.maximum}" if self.maximum is not None else ""
        return f'{p} per last(rates) below previous(rates){limit} "比上年每下降一个百分点扣分"'

    def raw(self, values: Values) -> Decimal:
        if self.kind == "fixed":
            return -self.points if values.flag_a else ZERO
        if self.kind == "per_unit":
            taken = self.points * values.n1
        elif self.kind == "proportional":
            return -(self.points * (100 - values.pct) / 100)  # exact: pct has 2 places
        else:  # whole points of the drop from the year before, rounded down
            drop = values.rates[1] - values.rates[2]
            taken = self.points * max(int(drop // 1), 0)
        if self.maximum is not None:
            taken = min(taken, self.maximum)
        return -taken


@dataclass(frozen=True)
class Bonus:
    points: Decimal

    def text(self) -> str:
        return f'{self.points} when flag_b "另加分"'

    def raw(self, values: Values) -> Decimal:
        return self.points if values.flag_b else ZERO


@dataclass(frozen=True)
class BlockItem:
    id: str
    points: Decimal
    deductions: tuple[Deduction, ...]
    bonuses: tuple[Bonus, ...]  # after `then`: added once the deductions are floored
    staged: bool  # False: no `then`, everything summed before the floor and cap
    na_when: bool  # `na when n2 == 0`
    reportable: bool  # `na allowed`

    def text(self) -> str:
        lines = [f'    item {self.id} "项目 {self.id}" {self.points} {{']
        if self.na_when:
            lines.append('      na when n2 == 0 "无此项工作"')
        if self.reportable:
            lines.append('      na allowed "经核实无此项工作的，作合理缺项"')
        lines.append(f'      {self.points} always "基础分"')
        lines += [f"      {d.text()}" for d in self.deductions]
        if self.staged and self.bonuses:
            lines.append('      then "扣完为止后另加分"')
        lines += [f"      {b.text()}" for b in self.bonuses]
        lines.append("    }")
        return "\n".join(lines)

    def score(self, values: Values) -> Decimal:
        raws = [self.points, *(d.raw(values) for d in self.deductions)]
        bonuses = [b.raw(values) for b in self.bonuses]
        if self.staged and self.bonuses:
            floored = min(max(sum(raws, ZERO), ZERO), self.points)
            return min(max(floored + sum(bonuses, ZERO), ZERO), self.points)
        return min(max(sum(raws, ZERO) + sum(bonuses, ZERO), ZERO), self.points)


@dataclass(frozen=True)
class BlockGroup:
    title: str
    items: tuple[BlockItem, ...]
    na_when: bool  # `na when n1 == 0`
    reportable: bool


@dataclass(frozen=True)
class BlockCategory:
    title: str
    groups: tuple[BlockGroup, ...]
    deductions: tuple[Deduction, ...]
    na_when: bool  # `na when flag_a and flag_b`
    reportable: bool

    @property
    def points(self) -> Decimal:
        return sum((i.points for g in self.groups for i in g.items), ZERO)

    def text(self) -> str:
        lines = [f'category "{self.title}" {self.points} {{']
        if self.na_when:
            lines.append('  na when flag_a and flag_b "该类作合理缺项"')
        if self.reportable:
            lines.append('  na allowed "经核实的，该类作合理缺项"')
        for group in self.groups:
            lines.append(f'  group "{group.title}" {{')
            if group.na_when:
                lines.append('    na when n1 == 0 "该组作合理缺项"')
            if group.reportable:
                lines.append('    na allowed "经核实的，该组作合理缺项"')
            lines += [item.text() for item in group.items]
            lines.append("  }")
        if self.deductions:
            lines.append("  deductions {")
            lines += [f"    {d.text()}" for d in self.deductions]
            lines.append("  }")
        lines.append("}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Expected:
    items: dict[str, Decimal]
    categories: list[Decimal]
    category_na: list[Decimal]
    base_raw: Decimal
    base: Decimal
    na_points: Decimal
    total: Decimal


@dataclass(frozen=True)
class BlockCase:
    categories: tuple[BlockCategory, ...]
    total_deductions: tuple[Deduction, ...]
    values: Values
    reported: dict[str, str]

    @property
    def base_max(self) -> Decimal:
        return sum((c.points for c in self.categories), ZERO)

    @property
    def text(self) -> str:
        parts = [
            'rubric "块级扣分与合理缺项"',
            "year 2021",
            f"base {self.base_max}",
            INDICATORS,
            *(c.text() for c in self.categories),
        ]
        if self.total_deductions:
            rules = "\n".join(f"  {d.text()}" for d in self.total_deductions)
            parts.append(f"deductions {{\n{rules}\n}}")
        return "\n".join(parts) + "\n"

    def expected(self) -> Expected:
        """What docs/language.md says every level scores."""
        v = self.values
        items: dict[str, Decimal] = {}
        scores: list[Decimal] = []
        category_na: list[Decimal] = []
        for category in self.categories:
            excused = (category.na_when and v.flag_a and v.flag_b) or (
                category.reportable and category.title in self.reported
            )
            na_points = ZERO
            earned = ZERO
            for group in category.groups:
                group_excused = excused or (
                    (group.na_when and v.n1 == 0)
                    or (group.reportable and group.title in self.reported)
                )
                for item in group.items:
                    item_excused = group_excused or (
                        (item.na_when and v.n2 == 0)
                        or (item.reportable and item.id in self.reported)
                    )
                    items[item.id] = ZERO if item_excused else item.score(v)
                    if item_excused:
                        na_points += item.points
                    earned += items[item.id]
            if excused:
                scores.append(ZERO)
                category_na.append(category.points)
                continue
            capped = min(earned, category.points - na_points)
            deducted = sum((d.raw(v) for d in category.deductions), ZERO)
            scores.append(max(capped + deducted, ZERO))
            category_na.append(na_points)
        na_points = sum(category_na, ZERO)
        limit = self.base_max - na_points
        base_raw = min(sum(scores, ZERO), limit)
        if limit <= 0:
            base = ZERO
        else:
            base = (base_raw * self.base_max / limit).quantize(D("0.01"), ROUND_HALF_UP)
        total = max(base + sum((d.raw(v) for d in self.total_deductions), ZERO), ZERO)
        return Expected(items, scores, category_na, base_raw, base, na_points, total)


# ---- drawing ---------------------------------------------------------------------------------

POINTS = st.sampled_from([D(1), D(2), D("2.5"), D(3), D(4), D(5)])
AMOUNTS = st.sampled_from([D("0.5"), D(1), D("1.5"), D(2)])


@st.composite
def deductions(draw: st.DrawFn, most: int) -> tuple[Deduction, ...]:
    found = []
    for _ in range(draw(st.integers(0, most))):
        kind = draw(st.sampled_from(["fixed", "per_unit", "proportional", "drop"]))
        maximum = draw(st.none() | AMOUNTS) if kind in ("per_unit", "drop") else None
        found.append(Deduction(kind, draw(AMOUNTS), maximum))
    return tuple(found)


@st.composite
def values(draw: st.DrawFn) -> Values:
    rate = st.integers(0, 10000).map(lambda n: D(n) / 100)
    return Values(
        flag_a=draw(st.booleans()),
        flag_b=draw(st.booleans()),
        n1=draw(st.integers(0, 6)),
        n2=draw(st.integers(0, 3)),
        pct=draw(rate),
        rates=(draw(rate), draw(rate), draw(rate)),
    )


@st.composite
def block_cases(draw: st.DrawFn) -> BlockCase:
    """A rubric of 1-3 categories, each of 1-2 groups of 1-3 items, with data and a report."""
    counter = iter(range(1, 100))
    categories = []
    for c in range(draw(st.integers(1, 3))):
        groups = []
        for g in range(draw(st.integers(1, 2))):
            items = []
            for _ in range(draw(st.integers(1, 3))):
                bonuses = tuple(Bonus(draw(AMOUNTS)) for _ in range(draw(st.integers(0, 2))))
                items.append(
                    BlockItem(
                        id=f"{c + 1}.{next(counter)}",
                        points=draw(POINTS),
                        deductions=draw(deductions(3)),
                        bonuses=bonuses,
                        staged=draw(st.booleans()),
                        na_when=draw(st.integers(0, 4)) == 0,
                        reportable=draw(st.integers(0, 3)) == 0,
                    )
                )
            groups.append(
                BlockGroup(
                    title=f"组{c + 1}-{g + 1}",
                    items=tuple(items),
                    na_when=draw(st.integers(0, 5)) == 0,
                    reportable=draw(st.integers(0, 4)) == 0,
                )
            )
        categories.append(
            BlockCategory(
                title=f"类{c + 1}",
                groups=tuple(groups),
                deductions=draw(deductions(2)),
                na_when=draw(st.integers(0, 5)) == 0,
                reportable=draw(st.integers(0, 4)) == 0,
            )
        )
    reportable = [c.title for c in categories if c.reportable]
    reportable += [g.title for c in categories for g in c.groups if g.reportable]
    reportable += [i.id for c in categories for g in c.groups for i in g.items if i.reportable]
    chosen = draw(st.lists(st.sampled_from(reportable), unique=True)) if reportable else []
    return BlockCase(
        categories=tuple(categories),
        total_deductions=draw(deductions(2)),
        values=draw(values()),
        reported={name: f"经核实：{name} 无此项工作" for name in chosen},
    )
