"""Two versions of a rubric compared: what changed, item by item, and what it does to a district.

`diff_versions(old, new)` compares two checked rubrics by what they say, never by how they are
written: spans, whitespace and comments aside, nothing equal is reported (a file against itself,
or against a reformatted copy, gives no change). Items are matched by id and, where the numbering
changed, by their title and wording; rules, vetoes and requirements by wording and position; a
comparison of a condition by its place in the condition, so that a changed threshold reads
`food_handled_on_time_pct: >= 90 → >= 85`. `score_effect` scores one district with both
versions and lists what each item and the total score before and after.

Messages are for rubric authors, in English, in the rubric's own syntax.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from rubricdsl import ast
from rubricdsl.derive import read_with_derived
from rubricdsl.errors import RubricError
from rubricdsl.inputs import NotApplicable
from rubricdsl.model import FLIPPED, CheckedRubric, counted, fmt, tidy
from rubricdsl.printer import (
    condition_text,
    declaration_text,
    derivation_text,
    generic_text,
    operand_text,
    rounding_text,
    rule_text,
    target_text,
    type_text,
)
from rubricdsl.source import Span, display_width

if TYPE_CHECKING:
    from rubricdsl.api import Rubric
    from rubricdsl.datafile import DataFile
    from rubricdsl.trace import Result

T = TypeVar("T")

# ---- what a change is ---------------------------------------------------------------------


@attrs.frozen
class Change:
    """One difference between the versions.

    `kind` says what changed (`threshold-changed`, `item-added`, …; docs/diff.md lists them),
    `where` the part of the rubric ("item 14", "indicator x", "header", "category '…'"),
    `item` the item's id when the change is in an item (the new id; the old one when the item
    was removed), `old` and `new` what was written before and after (None where there was
    nothing), and the lines in each file."""

    kind: str
    where: str
    message: str
    item: str | None = None
    old: str | None = None
    new: str | None = None
    old_line: int | None = None
    new_line: int | None = None

    def lines_text(self) -> str:
        if self.old_line is not None and self.new_line is not None:
            return f"line {self.old_line} → {self.new_line}"
        if self.old_line is not None:
            return f"old line {self.old_line}"
        if self.new_line is not None:
            return f"new line {self.new_line}"
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "where": self.where,
            "item": self.item,
            "message": self.message,
            "old": self.old,
            "new": self.new,
            "old_line": self.old_line,
            "new_line": self.new_line,
        }


@attrs.frozen
class VersionDiff:
    """Every change from the old version to the new, in the order of the new file, and which
    item of the old version each item of the new one is (`items`: (old id, new id) pairs, None
    for an item only one version has)."""

    old_source: str
    new_source: str
    old_title: str
    new_title: str
    changes: tuple[Change, ...]
    items: tuple[tuple[str | None, str | None], ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"source": self.old_source, "title": self.old_title},
            "new": {"source": self.new_source, "title": self.new_title},
            "changes": [change.to_dict() for change in self.changes],
        }


# ---- the rubric's own syntax, for messages ------------------------------------------------------


def quoted(text: str | None, limit: int = 40) -> str:
    """Wording in a message: “…”, cut to `limit` characters."""
    if text is None:
        return "(none)"
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


# ---- equality, spans aside ------------------------------------------------------------------


def plain(value: object) -> object:
    """What a piece of the AST says, without where it says it: nested tuples without spans, so
    that two pieces are equal exactly when they mean the same. Comparisons are read with the
    indicator first (`90 <= x` is `x >= 90`) and the operands of `and`/`or` in any order."""
    if isinstance(value, ast.Comparison):
        value = _indicator_first(value)
    if isinstance(value, (ast.AllOf, ast.AnyOf)):
        return (type(value).__name__, tuple(sorted((plain(o) for o in value.operands), key=repr)))
    if attrs.has(type(value)):
        fields = attrs.fields(cast(Any, type(value)))
        return (
            type(value).__name__,
            *(
                (f.name, plain(getattr(value, f.name)))
                for f in fields
                if not f.name.endswith("span")
            ),
        )
    if isinstance(value, tuple):
        return tuple(plain(element) for element in value)
    if isinstance(value, Decimal):
        return tidy(value)
    return value


def _indicator_first(comparison: ast.Comparison) -> ast.Comparison:
    literal = (ast.NumberLiteral, ast.BoolLiteral)
    if isinstance(comparison.left, literal) and not isinstance(comparison.right, literal):
        return attrs.evolve(
            comparison,
            left=comparison.right,
            right=comparison.left,
            operator=FLIPPED.get(comparison.operator, comparison.operator),
        )
    return comparison


def same(old: object, new: object) -> bool:
    return plain(old) == plain(new)


# ---- matching two lists: by wording, then by position and likeness ------------------------


def ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < 0.3:
        return matcher.quick_ratio()
    return matcher.ratio()


# The most pairs of differing pieces scored for likeness in one stretch: past it (two stretches
# of hundreds of pieces each, where every piece was renumbered and reworded) the pieces are
# matched by position, so that a diff of two very different rubrics still ends in seconds.
MAX_SCORED_PAIRS = 40_000


def align(
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], str],
    likeness: Callable[[T, T], float],
    threshold: float = 0.5,
) -> list[tuple[int | None, int | None, bool]]:
    """Pairs (old index, new index, moved) matching two lists: the longest common run of equal
    keys (wording) first; within each stretch that differs, the likest pairs (at least
    `threshold`; a stretch too long to score, past MAX_SCORED_PAIRS, is taken by position),
    then what is left pair by pair when both sides have as many left; then equal keys across
    stretches (a piece moved: `moved` is True). None on one side: only the other list has it.
    In the order of the new list, each piece only the old one has after the piece it
    followed."""
    keys_old, keys_new = [key(x) for x in old], [key(x) for x in new]
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    pairs: list[tuple[int | None, int | None, bool]] = []
    left_old: list[int] = []
    left_new: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [(i, j, False) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        if len(olds) * len(news) <= MAX_SCORED_PAIRS:
            scored = sorted(
                ((likeness(old[i], new[j]), i, j) for i in olds for j in news),
                key=lambda found: (-found[0], found[1], found[2]),
            )
            free_old, free_new = set(olds), set(news)
            for score, i, j in scored:
                if score >= threshold and i in free_old and j in free_new:
                    pairs.append((i, j, False))
                    free_old.discard(i)
                    free_new.discard(j)
            olds = [i for i in olds if i in free_old]
            news = [j for j in news if j in free_new]
        if olds and len(olds) == len(news):
            pairs += [(i, j, False) for i, j in zip(olds, news, strict=True)]
            olds, news = [], []
        left_old += olds
        left_new += news
    # equal keys across stretches: a piece moved (the first unmatched one of its key each time)
    waiting: dict[str, list[int]] = {}
    for j in left_new:
        waiting.setdefault(keys_new[j], []).append(j)
    unmatched_old: list[int] = []
    for i in left_old:
        found = waiting.get(keys_old[i])
        if found:
            pairs.append((i, found.pop(0), True))
        else:
            unmatched_old.append(i)
    matched_new = {j for _, j, _ in pairs if j is not None}
    pairs += [(i, None, False) for i in unmatched_old]
    pairs += [(None, j, False) for j in left_new if j not in matched_new]
    return sorted(pairs, key=_placer(pairs))


def _placer(
    pairs: list[tuple[int | None, int | None, bool]],
) -> Callable[[tuple[int | None, int | None, bool]], tuple[float, int]]:
    """Where each pair goes in the new list's order: a piece only the old list has goes after
    the new place of the last matched piece before it in the old list."""
    matched = sorted((oi, nj) for oi, nj, _ in pairs if oi is not None and nj is not None)
    olds = [oi for oi, _ in matched]
    latest: list[int] = []  # the furthest new place among the matched pieces up to each one
    for _, nj in matched:
        latest.append(max(nj, latest[-1]) if latest else nj)

    def place(pair: tuple[int | None, int | None, bool]) -> tuple[float, int]:
        i, j, _ = pair
        if j is not None:
            return (float(j), 0)
        assert i is not None
        before = bisect.bisect_left(olds, i)  # the matched pieces with an old place below i
        return ((latest[before - 1] if before else -1) + 0.5, i)

    return place


# ---- the pieces of a rubric ---------------------------------------------------------------------


@attrs.frozen
class _Placed:
    """An item with where it stands: its category's and group's indexes in the file."""

    item: ast.Item
    category: int
    group: int | None


def _placed(file: ast.RubricFile) -> list[_Placed]:
    found: list[_Placed] = []
    for c, category in enumerate(file.categories):
        for g, member in enumerate(category.members):
            if isinstance(member, ast.Group):
                found += [_Placed(item, c, g) for item in member.items]
            else:
                found.append(_Placed(member, c, None))
    return found


def _wording(item: ast.Item) -> str:
    return "\n".join(_rule_wording(rule) for rule in item.rules)


def _rule_wording(rule: ast.Rule | ast.Tier) -> str:
    if isinstance(rule, ast.Tiers):
        return rule.text + "\n" + "\n".join(tier.text for tier in rule.tiers)
    return rule.text


def _names_read(value: object) -> frozenset[str]:
    """The indicators a piece of the AST reads."""
    if isinstance(value, ast.Reference):
        return frozenset({value.name})
    if attrs.has(type(value)):
        found: frozenset[str] = frozenset()
        for field in attrs.fields(cast(Any, type(value))):
            found |= _names_read(getattr(value, field.name))
        return found
    if isinstance(value, tuple):
        found = frozenset()
        for element in value:
            found |= _names_read(element)
        return found
    return frozenset()


def _rule_likeness(old: ast.Rule | ast.Tier, new: ast.Rule | ast.Tier) -> float:
    words = ratio(_rule_wording(old), _rule_wording(new))
    if type(old) is type(new) and _names_read(old) == _names_read(new):
        return max(words, 0.6)
    return words


def _item_likeness(old: ast.Item, new: ast.Item) -> float:
    if old.title == new.title:
        return 1.0
    return max(ratio(old.title, new.title) * 0.9, ratio(_wording(old), _wording(new)))


def _rounding(file: ast.RubricFile) -> str:
    """The rubric's rounding statement, `rounding half-up to 2 places`, or nothing."""
    return rounding_text(file.roundings[0]) if file.roundings else ""


def _line(span: Span | None) -> int | None:
    return None if span is None else span.line


# ---- the diff ----------------------------------------------------------------------------------


class _Differ:
    def __init__(self, old: CheckedRubric, new: CheckedRubric) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.item_pairs: list[tuple[str | None, str | None]] = []

    def add(
        self,
        kind: str,
        where: str,
        message: str,
        old: str | None = None,
        new: str | None = None,
        old_span: Span | None = None,
        new_span: Span | None = None,
        item: str | None = None,
    ) -> None:
        change = Change(kind, where, message, item, old, new, _line(old_span), _line(new_span))
        self.changes.append(change)

    # -- the whole file --

    def run(self) -> VersionDiff:
        self.header()
        self.indicators()
        category_map, group_map = self.categories()
        self.items(category_map, group_map)
        old_file, new_file = self.old.file, self.new.file
        self.vetoes("rubric", old_file.vetoes, new_file.vetoes, None)
        self.requirements("rubric", old_file.requirements, new_file.requirements, None)
        self.deductions("deductions from the total", old_file.deductions, new_file.deductions)
        self.grades()
        self.checklists()
        return VersionDiff(
            self.old.source_name,
            self.new.source_name,
            self.old.title,
            self.new.title,
            tuple(self.changes),
            tuple(self.item_pairs),
        )

    def header(self) -> None:
        def span_of(file: ast.RubricFile, name: str) -> Span | None:
            return next((f.span for f in file.header_fields if f.field == name), None)

        fields: list[tuple[str, str, str]] = [
            ("title", self.old.title, self.new.title),
            ("year", str(self.old.year), str(self.new.year)),
            ("base", fmt(self.old.base_max), fmt(self.new.base_max)),
            ("bonus", fmt(self.old.bonus_max), fmt(self.new.bonus_max)),
            ("rounding", _rounding(self.old.file), _rounding(self.new.file)),
        ]
        for name, before, after in fields:
            if before == after:
                continue
            if name == "rounding":
                self.add(
                    "rounding-changed",
                    "header",
                    f"derived values: {before or '(no rounding)'} → {after or '(no rounding)'}",
                    before,
                    after,
                    self.old.file.roundings[0].span if self.old.file.roundings else None,
                    self.new.file.roundings[0].span if self.new.file.roundings else None,
                )
                continue
            field = "rubric" if name == "title" else name
            shown = (quoted(before, 60), quoted(after, 60)) if name == "title" else (before, after)
            self.add(
                f"{name}-changed",
                "header",
                f"{name}: {shown[0]} → {shown[1]}",
                before,
                after,
                span_of(self.old.file, field),
                span_of(self.new.file, field),
            )

    def indicators(self) -> None:
        old = {d.name: d for d in self.old.file.declarations}
        new = {d.name: d for d in self.new.file.declarations}
        for name, declaration in old.items():
            if name not in new:
                text = declaration_text(declaration)
                self.add(
                    "indicator-removed",
                    f"indicator {name}",
                    f"removed: {text}",
                    old=text,
                    old_span=declaration.span,
                )
        for name, after in new.items():
            before = old.get(name)
            if before is None:
                text = declaration_text(after)
                label = "" if after.label is None else " " + quoted(after.label, 60)
                self.add(
                    "indicator-added",
                    f"indicator {name}",
                    f"added: {text}{label}",
                    new=text,
                    new_span=after.span,
                )
                continue
            self.indicator(before, after)

    def derivation(self, before: ast.Declaration, after: ast.Declaration) -> None:
        """Reported → derived, derived → reported, or computed another way."""
        old, new = derivation_text(before), derivation_text(after)
        if old == new:
            return
        where = f"indicator {after.name}"
        if old is None:
            kind, message = "indicator-derived", f"now derived: = {new}"
        elif new is None:
            kind, message = "indicator-reported", f"now reported (was derived: = {old})"
        else:
            kind, message = "indicator-rederived", f"derived: = {old} → = {new}"
        self.add(kind, where, message, old, new, before.span, after.span)

    def indicator(self, before: ast.Declaration, after: ast.Declaration) -> None:
        """Its derivation (`derivation`: derived, reported, rederived); its type (kind, `or na`,
        unit, series length, levels): retyped; anything else its declaration says: redefined;
        its label: relabelled."""
        where = f"indicator {after.name}"
        self.derivation(before, after)
        before = attrs.evolve(before, derivation=None)
        after = attrs.evolve(after, derivation=None)
        old_text, new_text = type_text(before), type_text(after)
        if old_text != new_text:
            self.add(
                "indicator-retyped",
                where,
                f"retyped: {old_text} → {new_text}",
                old_text,
                new_text,
                before.span,
                after.span,
            )
        elif plain(attrs.evolve(before, label=None)) != plain(attrs.evolve(after, label=None)):
            ignore = {"name", "label"}
            fields = [
                field.name
                for field in attrs.fields(type(after))
                if field.name not in ignore
                and not field.name.endswith("span")
                and plain(getattr(before, field.name)) != plain(getattr(after, field.name))
            ]
            old_text = "; ".join(generic_text(getattr(before, f)) for f in fields)
            new_text = "; ".join(generic_text(getattr(after, f)) for f in fields)
            self.add(
                "indicator-redefined",
                where,
                f"redefined ({', '.join(fields)}): {old_text} → {new_text}",
                old_text,
                new_text,
                before.span,
                after.span,
            )
        if before.label != after.label:
            self.add(
                "indicator-relabelled",
                where,
                f"relabelled: {quoted(before.label, 60)} → {quoted(after.label, 60)}",
                before.label,
                after.label,
                before.span,
                after.span,
            )

    # -- categories and groups --

    def categories(self) -> tuple[dict[int, int], dict[tuple[int, int], tuple[int, int]]]:
        """Match the categories (by title, then by their items) and, in each matched pair, the
        groups; report those added, removed, renamed, and their declared points."""
        old, new = self.old.file.categories, self.new.file.categories

        def ids(category: ast.Category) -> str:
            return "\n".join(sorted(p.item.id for p in _placed_in(category)))

        pairs = align(
            old,
            new,
            lambda c: c.title,
            lambda a, b: max(ratio(a.title, b.title), ratio(ids(a), ids(b))),
        )
        category_map: dict[int, int] = {}
        group_map: dict[tuple[int, int], tuple[int, int]] = {}
        for i, j, _moved in pairs:
            if i is None:
                assert j is not None
                category = new[j]
                self.add(
                    "category-added",
                    _category_where(category),
                    f"added, {counted(category.points, 'point')}",
                    new=category.title,
                    new_span=category.span,
                )
                continue
            if j is None:
                category = old[i]
                self.add(
                    "category-removed",
                    _category_where(category),
                    f"removed ({counted(category.points, 'point')})",
                    old=category.title,
                    old_span=category.span,
                )
                continue
            category_map[i] = j
            self.category(old[i], new[j])
            self.category_contents(old[i], new[j])
            for gi, gj in self.groups(old[i], new[j]):
                group_map[(i, gi)] = (j, gj)
        return category_map, group_map

    def category(self, before: ast.Category, after: ast.Category) -> None:
        where = _category_where(after)
        if before.title != after.title:
            self.add(
                "category-renamed",
                where,
                f"renamed from {quoted(before.title, 60)}",
                before.title,
                after.title,
                before.span,
                after.span,
            )
        if before.points != after.points or before.capped != after.capped:
            old_text, new_text = _category_points(before), _category_points(after)
            self.add(
                "category-points-changed",
                where,
                f"points: {old_text} → {new_text}",
                old_text,
                new_text,
                before.points_span,
                after.points_span,
            )
        if before.is_bonus != after.is_bonus:
            old_text, new_text = _bonus_word(before), _bonus_word(after)
            self.add(
                "category-changed",
                where,
                f"now counts toward the {new_text}, not the {old_text}",
                old_text,
                new_text,
                before.span,
                after.span,
            )

    def groups(self, before: ast.Category, after: ast.Category) -> Iterator[tuple[int, int]]:
        old = [(g, m) for g, m in enumerate(before.members) if isinstance(m, ast.Group)]
        new = [(g, m) for g, m in enumerate(after.members) if isinstance(m, ast.Group)]

        def ids(group: ast.Group) -> str:
            return "\n".join(sorted(item.id for item in group.items))

        pairs = align(
            [g for _, g in old],
            [g for _, g in new],
            lambda g: g.title,
            lambda a, b: max(ratio(a.title, b.title), ratio(ids(a), ids(b))),
        )
        for i, j, _moved in pairs:
            if i is None:
                assert j is not None
                group = new[j][1]
                total = "" if group.total is None else f", {counted(group.total, 'point')}"
                self.add(
                    "group-added",
                    _group_where(after, group),
                    f"added{total}",
                    new=group.title,
                    new_span=group.span,
                )
                continue
            if j is None:
                group = old[i][1]
                self.add(
                    "group-removed",
                    _group_where(before, group),
                    "removed",
                    old=group.title,
                    old_span=group.span,
                )
                continue
            old_group, new_group = old[i][1], new[j][1]
            where = _group_where(after, new_group)
            if old_group.title != new_group.title:
                self.add(
                    "group-renamed",
                    where,
                    f"renamed from {quoted(old_group.title, 60)}",
                    old_group.title,
                    new_group.title,
                    old_group.span,
                    new_group.span,
                )
            if old_group.total != new_group.total:
                old_text, new_text = _total_text(old_group.total), _total_text(new_group.total)
                self.add(
                    "group-points-changed",
                    where,
                    f"points: {old_text} → {new_text}",
                    old_text,
                    new_text,
                    old_group.span,
                    new_group.span,
                )
            self.excuses(where, old_group.not_applicable, new_group.not_applicable, None)
            yield old[i][0], new[j][0]

    def category_contents(self, before: ast.Category, after: ast.Category) -> None:
        where = _category_where(after)
        self.excuses(where, before.not_applicable, after.not_applicable, None)
        self.requirements(where, before.requirements, after.requirements, None)
        self.deductions(f"deductions of {where}", before.deductions, after.deductions)

    # -- items --

    def items(
        self,
        category_map: dict[int, int],
        group_map: dict[tuple[int, int], tuple[int, int]],
    ) -> None:
        old, new = _placed(self.old.file), _placed(self.new.file)
        matched: dict[int, int] = {}  # new index → old index
        by_id = {placed.item.id: i for i, placed in enumerate(old)}
        # 1. the same id and a like item; 2. a like item under another id (renumbered);
        # 3. the same id, however changed
        for j, placed in enumerate(new):
            i = by_id.get(placed.item.id)
            if i is not None and _item_likeness(old[i].item, placed.item) >= 0.5:
                matched[j] = i
        taken = set(matched.values())
        unmatched_new = [j for j in range(len(new)) if j not in matched]
        unmatched_old = [i for i in range(len(old)) if i not in taken]
        # every pair is scored for a renumbered item, within the same bound as `align`'s
        scoring = len(unmatched_new) * len(unmatched_old) <= MAX_SCORED_PAIRS
        candidates = sorted(
            (
                (_item_likeness(old[i].item, new[j].item), i, j)
                for j in (unmatched_new if scoring else [])
                for i in unmatched_old
            ),
            key=lambda found: (-found[0], found[2], found[1]),
        )
        for score, i, j in candidates:
            if score >= 0.6 and j not in matched and i not in taken:
                matched[j] = i
                taken.add(i)
        for j, placed in enumerate(new):
            same_id = by_id.get(placed.item.id)
            if j not in matched and same_id is not None and same_id not in taken:
                matched[j] = same_id
                taken.add(same_id)
        # in the order of the new file, each removed item after the item it followed
        order: list[tuple[int | None, int | None]] = [(matched.get(j), j) for j in range(len(new))]
        for gone in range(len(old)):
            if gone in taken:
                continue
            before = [k for k, (oi, _) in enumerate(order) if oi is not None and oi < gone]
            order.insert(max(before, default=-1) + 1, (gone, None))
        for old_index, new_index in order:
            self.item_pair(old, new, old_index, new_index, category_map, group_map)

    def item_pair(
        self,
        old: list[_Placed],
        new: list[_Placed],
        i: int | None,
        j: int | None,
        category_map: dict[int, int],
        group_map: dict[tuple[int, int], tuple[int, int]],
    ) -> None:
        if j is None:
            assert i is not None
            item = old[i].item
            self.item_pairs.append((item.id, None))
            self.add(
                "item-removed",
                _item_where(item),
                f"removed: {quoted(item.title, 60)}, {counted(item.points, 'point')}",
                old=item.title,
                old_span=item.span,
                item=item.id,
            )
        elif i is None:
            item = new[j].item
            self.item_pairs.append((None, item.id))
            where = _location(self.new.file, new[j])
            self.add(
                "item-added",
                _item_where(item),
                f"added: {quoted(item.title, 60)}, {counted(item.points, 'point')}, in {where}",
                new=item.title,
                new_span=item.span,
                item=item.id,
            )
        else:
            self.item_pairs.append((old[i].item.id, new[j].item.id))
            self.item(old[i], new[j], category_map, group_map)

    def item(
        self,
        before_placed: _Placed,
        after_placed: _Placed,
        category_map: dict[int, int],
        group_map: dict[tuple[int, int], tuple[int, int]],
    ) -> None:
        before, after = before_placed.item, after_placed.item
        where, item = _item_where(after, before.id), after.id
        if before.id != after.id:
            self.add(
                "item-renumbered",
                where,
                f"renumbered: item {before.id} → {after.id}",
                before.id,
                after.id,
                before.id_span,
                after.id_span,
                item,
            )
        if before.title != after.title:
            self.add(
                "item-retitled",
                where,
                f"title: {quoted(before.title, 60)} → {quoted(after.title, 60)}",
                before.title,
                after.title,
                before.span,
                after.span,
                item,
            )
        mapped_category = category_map.get(before_placed.category)
        mapped_group: int | None = None
        if before_placed.group is not None:
            found = group_map.get((before_placed.category, before_placed.group))
            mapped_group = None if found is None else found[1]
            if found is None:
                mapped_group = -1  # its group is gone: moved wherever it stands now
        if (mapped_category, mapped_group) != (after_placed.category, after_placed.group):
            old_where = _location(self.old.file, before_placed)
            new_where = _location(self.new.file, after_placed)
            self.add(
                "item-moved",
                where,
                f"moved from {old_where} to {new_where}",
                old_where,
                new_where,
                before.span,
                after.span,
                item,
            )
        if before.points != after.points:
            self.add(
                "points-changed",
                where,
                f"declared points: {fmt(before.points)} → {fmt(after.points)}",
                fmt(before.points),
                fmt(after.points),
                before.points_span,
                after.points_span,
                item,
            )
        if before.cap != after.cap:
            old_cap, new_cap = _cap_text(before.cap), _cap_text(after.cap)
            self.add(
                "cap-changed",
                where,
                f"cap: {old_cap} → {new_cap}",
                old_cap,
                new_cap,
                before.cap_span or before.points_span,
                after.cap_span or after.points_span,
                item,
            )
        self.excuses(where, before.not_applicable, after.not_applicable, item)
        pairs = self.rules(where, before.rules, after.rules, item)
        self.stages(where, before, after, pairs, item)
        self.vetoes(where, before.vetoes, after.vetoes, item)
        self.requirements(where, before.requirements, after.requirements, item)

    # -- rules --

    def rules(
        self,
        where: str,
        old: Sequence[ast.Rule | ast.Tier],
        new: Sequence[ast.Rule | ast.Tier],
        item: str | None,
        noun: str = "rule",
    ) -> list[tuple[int | None, int | None, bool]]:
        pairs = align(old, new, _rule_wording, _rule_likeness)
        for i, j, moved in pairs:
            if j is None:
                assert i is not None
                rule = old[i]
                text = rule_text(rule)
                self.add(
                    f"{noun}-removed",
                    where,
                    f"{noun} {i + 1} removed: {text} {quoted(rule.text)}",
                    old=text,
                    old_span=rule.span,
                    item=item,
                )
            elif i is None:
                rule = new[j]
                text = rule_text(rule)
                self.add(
                    f"{noun}-added",
                    where,
                    f"{noun} {j + 1} added: {text} {quoted(rule.text)}",
                    new=text,
                    new_span=rule.span,
                    item=item,
                )
            else:
                label = f"{noun} {j + 1} {quoted(new[j].text)}"
                if moved:
                    self.add(
                        f"{noun}-moved",
                        where,
                        f"{label}: moved, was {noun} {i + 1}",
                        str(i + 1),
                        str(j + 1),
                        old[i].span,
                        new[j].span,
                        item,
                    )
                self.rule(where, label, old[i], new[j], item)
        return pairs

    def rule(
        self,
        where: str,
        label: str,
        before: ast.Rule | ast.Tier,
        after: ast.Rule | ast.Tier,
        item: str | None,
    ) -> None:
        spans = (before.span, after.span)

        def changed(kind: str, what: str, old: str, new: str) -> None:
            self.add(kind, where, f"{label}: {what}: {old} → {new}", old, new, *spans, item)

        if type(before) is not type(after):
            changed("rule-changed", "rewritten", rule_text(before), rule_text(after))
        else:
            if isinstance(before, ast.Tiers) and isinstance(after, ast.Tiers):
                if before.lowest != after.lowest:
                    old_word = "lowest" if before.lowest else "highest"
                    new_word = "lowest" if after.lowest else "highest"
                    changed("rule-changed", "tiers", old_word, new_word)
                self.rules(f"{where}, {label}", before.tiers, after.tiers, item, "tier")
            else:
                self.rule_parts(before, after, changed, where, label, item)
        if before.text != after.text:
            self.add(
                "wording-changed",
                where,
                f"{label}: wording: {quoted(before.text, 200)} → {quoted(after.text, 200)}",
                before.text,
                after.text,
                *spans,
                item,
            )

    def rule_parts(
        self,
        before: ast.Rule | ast.Tier,
        after: ast.Rule | ast.Tier,
        changed: Callable[[str, str, str, str], None],
        where: str,
        label: str,
        item: str | None,
    ) -> None:
        """The parts of two rules of the same kind: points, then what each kind has."""
        assert not isinstance(before, ast.Tiers) and not isinstance(after, ast.Tiers)
        if before.points != after.points:
            changed("rule-points-changed", "points", fmt(before.points), fmt(after.points))
        if isinstance(before, (ast.Fixed, ast.Tier)):
            assert isinstance(after, (ast.Fixed, ast.Tier))
            self.condition(where, label, before.condition, after.condition, before, after, item)
        elif isinstance(before, ast.PerUnit):
            assert isinstance(after, ast.PerUnit)
            counted = (operand_text(before.indicator), operand_text(after.indicator))
            if not same(before.indicator, after.indicator):
                changed("indicator-changed", "counts", *counted)
            parts: list[tuple[str, str, str]] = [
                ("per", fmt(before.step), fmt(after.step)),
                ("max", _optional(before.maximum), _optional(after.maximum)),
                ("rounding", before.rounding, after.rounding),
                ("target", _difference(before), _difference(after)),
            ]
            for what, old, new in parts:
                if old != new:
                    changed("rule-changed", what, old, new)
        elif isinstance(before, ast.Proportional):
            assert isinstance(after, ast.Proportional)
            if before.rate.name != after.rate.name:
                changed("indicator-changed", "scaled by", before.rate.name, after.rate.name)
            if not same(before.target, after.target):
                old_target = "100" if before.target is None else target_text(before.target)
                new_target = "100" if after.target is None else target_text(after.target)
                changed("rule-changed", "target", old_target, new_target)

    def condition(
        self,
        where: str,
        label: str,
        old: ast.Condition,
        new: ast.Condition,
        old_owner: Any,
        new_owner: Any,
        item: str | None,
    ) -> None:
        """What changed in a condition: each comparison's threshold, operator or indicator when
        the condition kept its shape; the whole condition otherwise."""
        if same(old, new):
            return
        spans = (old_owner.span, new_owner.span)
        found = _leaf_changes(old, new)
        if found is None:
            before, after = condition_text(old), condition_text(new)
            self.add(
                "condition-changed",
                where,
                f"{label}: condition: {before} → {after}",
                before,
                after,
                *spans,
                item,
            )
            return
        for kind, message, before, after in found:
            self.add(kind, where, f"{label}: {message}", before, after, *spans, item)

    def stages(
        self,
        where: str,
        before: ast.Item,
        after: ast.Item,
        pairs: list[tuple[int | None, int | None, bool]],
        item: str,
    ) -> None:
        """The `then`s: where each stands (after which rule, as matched) and its wording."""
        mapped = {i: j for i, j, _ in pairs if i is not None}
        old_stages = [(mapped.get(t.before - 1), t.text) for t in before.thens]
        new_stages = [(t.before - 1, t.text) for t in after.thens]
        if old_stages == new_stages:
            return
        old_text, new_text = _stages_text(before), _stages_text(after)
        self.add(
            "stages-changed",
            where,
            f"then: {old_text} → {new_text}",
            old_text,
            new_text,
            before.thens[0].span if before.thens else before.span,
            after.thens[0].span if after.thens else after.span,
            item,
        )

    def deductions(
        self,
        where: str,
        old: tuple[ast.Deductions, ...],
        new: tuple[ast.Deductions, ...],
    ) -> None:
        old_rules = [rule for block in old for rule in block.rules]
        new_rules = [rule for block in new for rule in block.rules]
        self.rules(where, old_rules, new_rules, None, "deduction")

    # -- statements with a condition and wording: vetoes, requirements, na --

    def vetoes(
        self,
        where: str,
        old: Sequence[ast.Veto],
        new: Sequence[ast.Veto],
        item: str | None,
    ) -> None:
        def changed(before: ast.Veto, after: ast.Veto, label: str) -> None:
            if _effect(before) != _effect(after):
                self.add(
                    "veto-changed",
                    where,
                    f"{label}: effect: {_effect(before)} → {_effect(after)}",
                    _effect(before),
                    _effect(after),
                    before.span,
                    after.span,
                    item,
                )

        self.statements(where, "veto", old, new, item, changed)

    def requirements(
        self,
        where: str,
        old: Sequence[ast.Requirement],
        new: Sequence[ast.Requirement],
        item: str | None,
        noun: str = "requirement",
    ) -> None:
        self.statements(where, noun, old, new, item, None)

    def excuses(
        self,
        where: str,
        old: Sequence[ast.Excuse],
        new: Sequence[ast.Excuse],
        item: str | None,
    ) -> None:
        self.statements(where, "na", old, new, item, None)

    def statements(
        self,
        where: str,
        noun: str,
        old: Sequence[ast.Veto | ast.Requirement | ast.Excuse],
        new: Sequence[ast.Veto | ast.Requirement | ast.Excuse],
        item: str | None,
        more: Callable[[Any, Any, str], None] | None,
    ) -> None:
        def key(statement: ast.Veto | ast.Requirement | ast.Excuse) -> str:
            return statement.text

        def likeness(
            a: ast.Veto | ast.Requirement | ast.Excuse, b: ast.Veto | ast.Requirement | ast.Excuse
        ) -> float:
            words = ratio(a.text, b.text)
            if type(a) is type(b) and _names_read(a) == _names_read(b) and _names_read(a):
                return max(words, 0.6)
            return words

        for i, j, _moved in align(old, new, key, likeness):
            if j is None:
                assert i is not None
                text = _statement_text(old[i])
                self.add(
                    f"{noun}-removed",
                    where,
                    f"{noun} removed: {text} {quoted(old[i].text)}",
                    old=text,
                    old_span=old[i].span,
                    item=item,
                )
                continue
            if i is None:
                text = _statement_text(new[j])
                self.add(
                    f"{noun}-added",
                    where,
                    f"{noun} added: {text} {quoted(new[j].text)}",
                    new=text,
                    new_span=new[j].span,
                    item=item,
                )
                continue
            before, after = old[i], new[j]
            label = f"{noun} {quoted(after.text)}"
            if same(before, after):
                continue
            old_condition = getattr(before, "condition", None)
            new_condition = getattr(after, "condition", None)
            if type(before) is not type(after):
                old_text, new_text = _statement_text(before), _statement_text(after)
                self.add(
                    f"{noun}-changed",
                    where,
                    f"{label}: {old_text} → {new_text}",
                    old_text,
                    new_text,
                    before.span,
                    after.span,
                    item,
                )
            elif old_condition is not None and new_condition is not None:
                self.condition(where, label, old_condition, new_condition, before, after, item)
            if more is not None:
                more(before, after, label)
            if before.text != after.text:
                self.add(
                    "wording-changed",
                    where,
                    f"{label}: wording: {quoted(before.text, 200)} → {quoted(after.text, 200)}",
                    before.text,
                    after.text,
                    before.span,
                    after.span,
                    item,
                )

    # -- grades and checklists --

    def grades(self) -> None:
        old = self.old.file.grades[0] if self.old.file.grades else None
        new = self.new.file.grades[0] if self.new.file.grades else None
        if old is None and new is None:
            return
        if old is None or new is None:
            present = new if old is None else old
            assert present is not None
            text = _grades_text(present)
            self.add(
                "grades-added" if old is None else "grades-removed",
                "grades",
                ("added: " if old is None else "removed: ") + text,
                None if old is None else text,
                text if old is None else None,
                None if old is None else old.span,
                None if new is None else new.span,
            )
            return
        if old.basis != new.basis:
            self.add(
                "grades-changed",
                "grades",
                f"on {old.basis} → on {new.basis}",
                old.basis,
                new.basis,
                old.span,
                new.span,
            )
        old_bands = {band.name: band for band in old.bands}
        new_bands = {band.name: band for band in new.bands}
        for band in old.bands:
            if band.name not in new_bands:
                self.add(
                    "grade-removed",
                    "grades",
                    f"grade removed: {_band_text(band)}",
                    _band_text(band),
                    None,
                    band.span,
                    None,
                )
        for band in new.bands:
            before = old_bands.get(band.name)
            if before is None:
                self.add(
                    "grade-added",
                    "grades",
                    f"grade added: {_band_text(band)}",
                    None,
                    _band_text(band),
                    None,
                    band.span,
                )
            elif (before.operator, before.threshold) != (band.operator, band.threshold):
                kind = "threshold-changed" if before.operator == band.operator else "grade-changed"
                old_text, new_text = _band_text(before), _band_text(band)
                self.add(
                    kind,
                    "grades",
                    f"grade {quoted(band.name)}: {old_text} → {new_text}",
                    old_text,
                    new_text,
                    before.span,
                    band.span,
                )
        old_order = [b.name for b in old.bands if b.name in new_bands]
        new_order = [b.name for b in new.bands if b.name in old_bands]
        if old_order != new_order:
            self.add(
                "grades-changed",
                "grades",
                f"order: {', '.join(old_order)} → {', '.join(new_order)}",
                ", ".join(old_order),
                ", ".join(new_order),
                old.span,
                new.span,
            )

    def checklists(self) -> None:
        old, new = self.old.file.checklists, self.new.file.checklists
        old_tasks = {task.id: (task, c) for c, section in enumerate(old) for task in section.tasks}
        new_tasks = {task.id: (task, c) for c, section in enumerate(new) for task in section.tasks}
        sections = align(
            old,
            new,
            lambda s: s.title,
            lambda a, b: ratio(a.title, b.title),
        )
        section_map: dict[int, int] = {}
        for i, j, _moved in sections:
            if i is not None and j is not None:
                section_map[i] = j
                if old[i].title != new[j].title:
                    self.add(
                        "checklist-renamed",
                        f"checklist {quoted(new[j].title)}",
                        f"renamed from {quoted(old[i].title, 60)}",
                        old[i].title,
                        new[j].title,
                        old[i].span,
                        new[j].span,
                    )
            elif i is None:
                assert j is not None
                self.add(
                    "checklist-added",
                    f"checklist {quoted(new[j].title)}",
                    "added",
                    None,
                    new[j].title,
                    None,
                    new[j].span,
                )
            else:
                self.add(
                    "checklist-removed",
                    f"checklist {quoted(old[i].title)}",
                    "removed",
                    old[i].title,
                    None,
                    old[i].span,
                    None,
                )
        for task_id, (task, _c) in old_tasks.items():
            if task_id not in new_tasks:
                self.add(
                    "task-removed",
                    f"task {task_id}",
                    f"removed: {quoted(task.title, 60)}",
                    task.title,
                    None,
                    task.span,
                    None,
                )
        for task_id, (task, c) in new_tasks.items():
            where = f"task {task_id}"
            if task_id not in old_tasks:
                self.add(
                    "task-added",
                    where,
                    f"added: {quoted(task.title, 60)} in {quoted(new[c].title)}",
                    None,
                    task.title,
                    None,
                    task.span,
                )
                continue
            before, old_c = old_tasks[task_id]
            if before.title != task.title:
                self.add(
                    "task-retitled",
                    where,
                    f"title: {quoted(before.title, 60)} → {quoted(task.title, 60)}",
                    before.title,
                    task.title,
                    before.span,
                    task.span,
                )
            if section_map.get(old_c) != c:
                self.add(
                    "task-moved",
                    where,
                    f"moved from {quoted(old[old_c].title)} to {quoted(new[c].title)}",
                    old[old_c].title,
                    new[c].title,
                    before.span,
                    task.span,
                )
            self.requirements(where, before.requirements, task.requirements, None)


def _placed_in(category: ast.Category) -> list[_Placed]:
    found: list[_Placed] = []
    for g, member in enumerate(category.members):
        if isinstance(member, ast.Group):
            found += [_Placed(item, 0, g) for item in member.items]
        else:
            found.append(_Placed(member, 0, None))
    return found


def _category_where(category: ast.Category) -> str:
    return f"category {quoted(category.title, 60)}"


def _group_where(category: ast.Category, group: ast.Group) -> str:
    return f"group {quoted(group.title, 60)} of {_category_where(category)}"


def _item_where(item: ast.Item, old_id: str | None = None) -> str:
    """ "item 14 “监督抽查”", or "item 12 → 13 “…”" for an item renumbered."""
    number = item.id if old_id is None or old_id == item.id else f"{old_id} → {item.id}"
    return f"item {number} {quoted(item.title, 30)}"


def _location(file: ast.RubricFile, placed: _Placed) -> str:
    category = file.categories[placed.category]
    if placed.group is None:
        return _category_where(category)
    group = category.members[placed.group]
    assert isinstance(group, ast.Group)
    return _group_where(category, group)


def _category_points(category: ast.Category) -> str:
    return ("cap " if category.capped else "") + fmt(category.points)


def _bonus_word(category: ast.Category) -> str:
    return "bonus" if category.is_bonus else "base"


def _total_text(total: Decimal | None) -> str:
    return "(none)" if total is None else fmt(total)


def _cap_text(cap: Decimal | None) -> str:
    return "(none)" if cap is None else fmt(cap)


def _optional(value: Decimal | None) -> str:
    return "(none)" if value is None else fmt(value)


def _difference(rule: ast.PerUnit) -> str:
    if rule.direction is None or rule.target is None:
        return "(none)"
    return f"{rule.direction} {target_text(rule.target)}"


def _effect(veto: ast.Veto) -> str:
    if veto.downgrade is not None:
        return f"downgrade {veto.downgrade}"
    if veto.at_most is not None:
        return f'at most "{veto.at_most}"'
    return "fails the district"


def _statement_text(statement: ast.Veto | ast.Requirement | ast.Excuse) -> str:
    if isinstance(statement, ast.Veto):
        text = f"veto when {condition_text(statement.condition)}"
        effect = _effect(statement)
        return text if effect == "fails the district" else f"{text} {effect}"
    if isinstance(statement, ast.Requirement):
        return f"require {condition_text(statement.condition)}"
    if isinstance(statement, ast.NotApplicableWhen):
        return f"na when {condition_text(statement.condition)}"
    return "na allowed"


def _stages_text(item: ast.Item) -> str:
    if not item.thens:
        return "(none)"
    return ", ".join(f"after rule {then.before}" for then in item.thens) + (
        " " + " ".join(quoted(then.text) for then in item.thens if then.text)
        if any(then.text for then in item.thens)
        else ""
    )


def _band_text(band: ast.GradeBand) -> str:
    if band.operator is None or band.threshold is None:
        return f'"{band.name}" otherwise'
    return f'"{band.name}" {band.operator} {fmt(band.threshold)}'


def _grades_text(grades: ast.Grades) -> str:
    return f"on {grades.basis}: " + ", ".join(_band_text(band) for band in grades.bands)


# ---- conditions compared piece by piece ------------------------------------------------------

_LeafChange = tuple[str, str, str, str]  # kind, message, old text, new text


def _leaf_changes(old: ast.Condition, new: ast.Condition) -> list[_LeafChange] | None:
    """The changes of each comparison (flag, trend) when both conditions have the same shape;
    None when they do not (then the whole condition is shown)."""
    if isinstance(old, ast.Comparison) and isinstance(new, ast.Comparison):
        return _comparison_change(_indicator_first(old), _indicator_first(new))
    if isinstance(old, ast.Flag) and isinstance(new, ast.Flag):
        if old.indicator.name == new.indicator.name:
            return []
        before, after = old.indicator.name, new.indicator.name
        return [("indicator-changed", f"indicator: {before} → {after}", before, after)]
    if isinstance(old, ast.Trend) and isinstance(new, ast.Trend):
        if same(old, new):
            return []
        before, after = condition_text(old), condition_text(new)
        kind = "indicator-changed" if old.direction == new.direction else "condition-changed"
        return [(kind, f"{before} → {after}", before, after)]
    if isinstance(old, ast.Not) and isinstance(new, ast.Not):
        return _leaf_changes(old.operand, new.operand)
    if (isinstance(old, ast.AllOf) and isinstance(new, ast.AllOf)) or (
        isinstance(old, ast.AnyOf) and isinstance(new, ast.AnyOf)
    ):
        assert isinstance(old, (ast.AllOf, ast.AnyOf)) and isinstance(new, (ast.AllOf, ast.AnyOf))
        if len(old.operands) != len(new.operands):
            return None
        if same(old, new):
            return []
        found: list[_LeafChange] = []
        for a, b in zip(old.operands, new.operands, strict=True):
            part = _leaf_changes(a, b)
            if part is None:
                return None
            found += part
        return found
    return None


def _comparison_change(old: ast.Comparison, new: ast.Comparison) -> list[_LeafChange]:
    if same(old, new):
        return []
    literal = (ast.NumberLiteral, ast.BoolLiteral)
    differs: list[str] = []
    if old.operator != new.operator:
        differs.append("operator")
    for a, b in ((old.left, new.left), (old.right, new.right)):
        if same(a, b):
            continue
        if isinstance(a, literal) and isinstance(b, literal):
            differs.append("threshold")
        elif not isinstance(a, literal) and not isinstance(b, literal):
            differs.append("indicator")
        else:
            differs.append("comparison")
    before, after = condition_text(old), condition_text(new)
    if len(differs) == 1 and differs[0] != "comparison":
        what = differs[0]
        kind = f"{what}-changed"
        if what in ("threshold", "operator") and same(old.left, new.left):
            name = operand_text(old.left)
            old_part = f"{old.operator} {operand_text(old.right)}"
            new_part = f"{new.operator} {operand_text(new.right)}"
            return [(kind, f"{what} of {name}: {old_part} → {new_part}", before, after)]
        return [(kind, f"{what}: {before} → {after}", before, after)]
    return [("comparison-changed", f"comparison: {before} → {after}", before, after)]


def diff_versions(old: CheckedRubric, new: CheckedRubric) -> VersionDiff:
    """Every change from `old` to `new` (see the module's docstring); empty when they say the
    same, however each is written."""
    return _Differ(old, new).run()


# ---- the effect on a district ------------------------------------------------------------------


@attrs.frozen
class ItemEffect:
    """One item's score in each version (None: the version has no such item)."""

    old_id: str | None
    new_id: str | None
    title: str
    old: Decimal | None
    new: Decimal | None

    @property
    def label(self) -> str:
        if self.old_id is not None and self.new_id is not None and self.old_id != self.new_id:
            return f"item {self.old_id} → {self.new_id}"
        return f"item {self.new_id if self.new_id is not None else self.old_id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_item": self.old_id,
            "new_item": self.new_id,
            "title": self.title,
            "old": _number(self.old),
            "new": _number(self.new),
        }


@attrs.frozen
class Effect:
    """What the change does to one district's scores: each item whose score differs (the
    others are counted in `unchanged`), and the totals before and after."""

    data_source: str
    items: tuple[ItemEffect, ...]
    unchanged: int
    totals: tuple[tuple[str, str, str], ...]  # (what, old, new): base raw, base, bonus, total…
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "data": self.data_source,
            "items": [item.to_dict() for item in self.items],
            "unchanged_items": self.unchanged,
            "totals": [{"what": w, "old": o, "new": n} for w, o, n in self.totals],
            "notes": list(self.notes),
        }


def _number(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def _own(
    mine: Mapping[str, object], others: Mapping[str, object], given: Mapping[Any, Any]
) -> tuple[dict[Any, Any], list[str]]:
    """The entries of the data a version reads: those named only by the other version are
    left out (and listed); anything else is kept, for `evaluate` to check."""
    kept: dict[Any, Any] = {}
    left: list[str] = []
    for key, value in given.items():
        if isinstance(key, str) and key not in mine and key in others:
            left.append(key)
        else:
            kept[key] = value
    return kept, left


def _computed_by_other(
    rubric: Rubric, other: Rubric, data: DataFile, given: Mapping[Any, Any]
) -> dict[str, object]:
    """The values this version reads that the data leaves out because the other version derives
    them (a rate now computed from counts), as the other version computes them from the data;
    nothing where it cannot (the evaluation then names what is missing)."""
    wanted = [
        name
        for name, spec in rubric.indicators.items()
        if not spec.derived
        and name not in given
        and name in other.indicators
        and other.indicators[name].derived
    ]
    if not wanted:
        return {}
    own, _ = _own(other.indicators, rubric.indicators, data.indicators)
    try:
        readings = read_with_derived(other.indicators, other.tree.derived, own)
    except RubricError:
        return {}
    found: dict[str, object] = {}
    for name in wanted:
        value = readings[name]
        if isinstance(value, NotApplicable):
            found[name] = {"not_applicable": value.reason}
        else:
            found[name] = value
    return found


def _value_text(value: object) -> str:
    if isinstance(value, Mapping):
        return f"not applicable ({value.get('not_applicable')})"
    return fmt(value) if isinstance(value, Decimal) else str(value)


def _score(rubric: Rubric, other: Rubric, data: DataFile, version: str) -> tuple[Result, list[str]]:
    indicators, left = _own(rubric.indicators, other.indicators, data.indicators)
    evidence, _ = _own(rubric.indicators, other.indicators, data.evidence)
    reported, left_na = _own(rubric.reportable, other.reportable, data.not_applicable)
    # a value the other version reads that this one computes (a rate now derived from counts)
    computed = [
        name
        for name in indicators
        if isinstance(name, str)
        and name in rubric.indicators
        and rubric.indicators[name].derived
        and name in other.indicators
        and not other.indicators[name].derived
    ]
    for name in computed:
        del indicators[name]
    supplied = _computed_by_other(rubric, other, data, indicators)
    indicators.update(supplied)
    notes = []
    if left:
        notes.append(f"the {version} version does not declare, and ignores: {', '.join(left)}")
    if computed:
        notes.append(f"the {version} version computes, and ignores: {', '.join(computed)}")
    if supplied:
        other_version = "new" if version == "old" else "old"
        values = ", ".join(f"{name} = {_value_text(value)}" for name, value in supplied.items())
        notes.append(
            f"the {version} version reads {values}, as the {other_version} one computes it"
        )
    if left_na:
        notes.append(
            f"the {version} version does not allow 合理缺项 for, and ignores: {', '.join(left_na)}"
        )
    try:
        result = rubric.evaluate(
            indicators, reported, evidence=evidence, overrides=list(data.overrides) or None
        )
    except RubricError as error:
        raise RubricError(
            f"the data does not suit the {version} version ({rubric.source_name}): {error}"
        ) from error
    return result, notes


def score_effect(
    old: Rubric, new: Rubric, data: DataFile, diff: VersionDiff, source: str
) -> Effect:
    """Score the data with both versions: each item matched by `diff` whose score differs, and
    the totals. Values and 合理缺项 reports only the other version reads are left out for
    each (and noted); anything else that does not suit a version is a RubricError naming it."""
    old_result, old_notes = _score(old, new, data, "old")
    new_result, new_notes = _score(new, old, data, "new")
    old_items = {item.id: item for item in old_result.items}
    new_items = {item.id: item for item in new_result.items}
    items: list[ItemEffect] = []
    unchanged = 0
    for old_id, new_id in diff.items:
        before = None if old_id is None else old_items[old_id]
        after = None if new_id is None else new_items[new_id]
        old_score = None if before is None else before.score
        new_score = None if after is None else after.score
        if old_score is not None and new_score is not None and old_score == new_score:
            unchanged += 1
            continue
        title = after.title if after is not None else before.title if before is not None else ""
        items.append(ItemEffect(old_id, new_id, title, old_score, new_score))
    totals: list[tuple[str, str, str]] = []

    def row(what: str, before: str, after: str, always: bool = False) -> None:
        if always or before != after:
            totals.append((what, before, after))

    if old_result.categories or new_result.categories:
        old_of = fmt(old.checked.base_max - old_result.na_points)
        new_of = fmt(new.checked.base_max - new_result.na_points)
        row(
            "base (raw)",
            f"{fmt(old_result.base_raw)} of {old_of}",
            f"{fmt(new_result.base_raw)} of {new_of}",
        )
        row("base", fmt(old_result.base), fmt(new_result.base))
        row("bonus", fmt(old_result.bonus), fmt(new_result.bonus))
        row("deducted", fmt(old_result.deducted), fmt(new_result.deducted))
        row("total", fmt(old_result.total), fmt(new_result.total), always=True)
    old_grade = old_result.grade.grade if old_result.grade is not None else "(none)"
    new_grade = new_result.grade.grade if new_result.grade is not None else "(none)"
    row("grade", old_grade, new_grade)
    row("failed by veto", _yes(bool(old_result.vetoes)), _yes(bool(new_result.vetoes)))
    row("eligible", _yes(old_result.eligible), _yes(new_result.eligible))
    return Effect(source, tuple(items), unchanged, tuple(totals), tuple(old_notes + new_notes))


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# ---- text ----------------------------------------------------------------------------------------


def render_diff_text(diff: VersionDiff, effect: Effect | None = None) -> str:
    """The diff for people: the two files, then the changes under the part each is in."""
    lines = [f"--- {diff.old_source}  {diff.old_title}", f"+++ {diff.new_source}  {diff.new_title}"]
    count = len(diff.changes)
    lines.append("no changes" if not count else f"{count} change{'s' if count != 1 else ''}")
    heading = None
    for change in diff.changes:
        if change.where != heading:
            heading = change.where
            lines += ["", heading]
        lines.append(f"  {change.message}  [{change.lines_text()}]")
    if effect is not None:
        lines += ["", f"effect on {effect.data_source}"]
        rows = [
            (item.label + " " + quoted(item.title, 30), _shown(item.old), _shown(item.new))
            for item in effect.items
        ]
        rows += list(effect.totals)
        width = max((display_width(what) for what, _, _ in rows), default=0)
        for what, before, after in rows:
            pad = " " * (width - display_width(what))
            lines.append(f"  {what}{pad}  {before} → {after}")
        same_count = effect.unchanged
        lines.append(f"  ({same_count} item{'s' if same_count != 1 else ''} score the same)")
        lines += [f"  note: {note}" for note in effect.notes]
    return "\n".join(lines) + "\n"


def _shown(value: Decimal | None) -> str:
    return "—" if value is None else fmt(value)
