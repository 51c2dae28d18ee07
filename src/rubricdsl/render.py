"""Renderers of a Result: an aligned text report (CJK-aware) and JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from rubricdsl.errors import RubricArgumentError
from rubricdsl.escape import clip, escape, escape_block, json_escape
from rubricdsl.exact import exactly
from rubricdsl.limits import DEFAULT_LIMITS
from rubricdsl.model import counted, fmt
from rubricdsl.source import display_width
from rubricdsl.trace import (
    CAPPED,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    Evidence,
    GroupTrace,
    ItemTrace,
    OverrideTrace,
    Result,
    RuleTrace,
    evidence_lines,
    values_text,
)

STATUS_WORDS = {MET: "met", NOT_MET: "not met", NOT_APPLICABLE: "n/a", CAPPED: "capped"}
WORDING_WIDTH = 44
# An item's heading wraps at HEADING_WIDTH display columns, its score standing right of it; a
# values cell wider than VALUES_WIDTH continues on the next lines, under the values column.
HEADING_WIDTH = 64
VALUES_WIDTH = 60
# A note of a whole line (an override of an item, the list of overrides) wraps at NOTE_WIDTH.
NOTE_WIDTH = 100


@exactly
def render_json(
    result: Result, meta: Mapping[Any, object] | None = None, *, ascii_only: bool = False
) -> str:
    """The result as indented, strict JSON (RFC 8259: no NaN or Infinity); exact decimals are
    strings, meta keys are text, and characters a terminal would act on are \\u escapes.
    `ascii_only` writes every other non-ASCII character as a \\u escape too, for a console
    that cannot show them (the JSON stays valid, and the same)."""
    document = result.to_dict()
    if meta:
        document = {"meta": json_ready(meta), **document}
    text = json.dumps(document, ensure_ascii=ascii_only, indent=2, allow_nan=False)
    return json_escape(text)


def json_ready(value: object, depth: int = 0) -> Any:
    """Meta as JSON can hold it: keys as text, dates as ISO text, non-finite numbers as the
    text "NaN", "Infinity" or "-Infinity", anything else as its str."""
    if depth > DEFAULT_LIMITS.max_data_depth:
        raise RubricArgumentError(f"meta is nested more than {DEFAULT_LIMITS.max_data_depth} deep")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Mapping):
        return {meta_key(key): json_ready(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item, depth + 1) for item in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else json.dumps(value)
    if isinstance(value, int):
        # Python refuses to print an int of more than 4,300 digits; a Decimal prints any.
        return value if abs(value) < 10**DEFAULT_LIMITS.max_digits else str(Decimal(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def meta_key(key: object) -> str:
    """A meta key as text: YAML allows numbers, dates and true/false as keys; JSON does not."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, date):
        return key.isoformat()
    return str(key)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a display width (CJK characters count two columns)."""
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def shorten(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    return _prefix(text, width - 1) + "…"


# A line never starts with closing punctuation nor ends with opening punctuation (禁则).
CLOSING = frozenset("，。、；：？！）》〉」』】〕〗”’,.;:?!)]}%")
OPENING = frozenset("（《〈「『【〔〖“‘([{")


def _wrap_units(text: str) -> list[str]:
    """`text` cut where a line may break: runs of spaces, each wide (CJK) character, runs of
    other characters; punctuation stays with the character it belongs to."""
    units: list[str] = []
    for character in text:
        if units and _joins(units[-1][-1], character):
            units[-1] += character
        else:
            units.append(character)
    return units


def _joins(last: str, character: str) -> bool:
    """Whether a line may not break between `last` and `character`."""
    if (last == " ") != (character == " "):
        return False
    if character == " " or character in CLOSING or last in OPENING:
        return True
    return display_width(last) < 2 and display_width(character) < 2


def _prefix(text: str, width: int) -> str:
    """The longest start of `text` at most `width` display columns wide."""
    out = ""
    for character in text:
        if display_width(out + character) > width:
            break
        out += character
    return out


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """`text` in lines of at most `width` display columns, broken at spaces or next to a wide
    (CJK) character, and inside a word only when it alone is wider than a line; the lines after
    the first start with `indent`. Text that fits comes back unchanged, as one line."""
    if display_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for unit in _wrap_units(text):
        room = width - display_width(indent if lines else "")
        if unit.startswith(" "):
            if line and display_width(line + unit) <= room:
                line += unit
            elif line:
                lines.append(line.rstrip())
                line = ""
            continue
        if display_width(line + unit) <= room:
            line += unit
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = ""
            room = width - display_width(indent)
        while display_width(unit) > room:  # a word wider than a line: cut it
            head = _prefix(unit, room) or unit[0]
            lines.append(head)
            unit = unit[len(head) :]
            room = width - display_width(indent)
        line = unit
    if line.strip():
        lines.append(line.rstrip())
    return [lines[0], *(indent + line for line in lines[1:])]


def table(
    rows: Sequence[Sequence[str]],
    numeric: frozenset[int] = frozenset(),
    wrapped: Mapping[int, int] | None = None,
    *,
    multiline: bool = False,
) -> list[str]:
    """Rows aligned in columns by display width; columns in `numeric` align right. A cell of a
    column in `wrapped` (column → width) wider than its width continues on the lines below,
    under its column, the other columns blank there. With `multiline`, a cell's lines (split
    at "\n") go on the lines below in the same way (escape each line first)."""
    limits = wrapped or {}

    def lines_of(cell: str, column: int) -> list[str]:
        lines = cell.split("\n") if multiline else [cell]
        if column not in limits:
            return lines
        return [part for line in lines for part in wrap(line, limits[column])]

    cells = [[lines_of(cell, i) for i, cell in enumerate(row)] for row in rows]
    columns = range(len(rows[0]))
    widths = [max(display_width(part) for row in cells for part in row[i]) for i in columns]
    lines = []
    for row in cells:
        for k in range(max(len(parts) for parts in row)):
            parts = [parts[k] if k < len(parts) else "" for parts in row]
            padded = [pad(part, widths[i], right=i in numeric) for i, part in enumerate(parts)]
            lines.append("  ".join(padded).rstrip())
    return lines


@attrs.frozen
class Loss:
    """Points an item did not get (or a category's or the total's deduction took), and the rule
    (or the lack of one) that decides them."""

    points: Decimal
    item: ItemTrace | None  # None for a category's or the total's deduction
    rule: RuleTrace | None
    bonus: bool
    where: str = ""  # for a category's or the total's deduction: "category '…'", "the total"
    # for an item overridden on site as a whole: what the reviewers left of its maximum
    override: OverrideTrace | None = None

    @property
    def deduction(self) -> bool:
        """A deduction the district would recover without it, not points it did not earn."""
        return self.rule is not None and self.rule.points < 0


def losses(result: Result) -> list[Loss]:
    """Every rule whose full points would raise its item's score, and every unreachable
    declared point, largest first (then in table order)."""
    found: list[Loss] = []
    for category in result.categories:
        for item in category.items():
            if item.override is not None:  # the reviewers' score: no rule decides the rest
                if item.lost > 0:
                    loss = Loss(item.lost, item, None, category.is_bonus, override=item.override)
                    found.append(loss)
                continue
            for rule in item.rules:
                if rule.lost > 0:
                    found.append(Loss(rule.lost, item, rule, category.is_bonus))
            if item.unreachable > 0:
                found.append(Loss(item.unreachable, item, None, category.is_bonus))
        where = f"category {escape(category.title)}"
        for rule in category.deductions:
            if rule.lost > 0:
                found.append(Loss(rule.lost, None, rule, category.is_bonus, where))
    for rule in result.deductions:
        if rule.lost > 0:
            found.append(Loss(rule.lost, None, rule, False, "the total"))
    return sorted(found, key=lambda loss: -loss.points)


def _deducts(rule: RuleTrace) -> str:
    """What a deduction takes as written: its points, or its points per unit; blank for a rule
    that gives points."""
    if rule.points >= 0:
        return ""
    taken = fmt(-rule.points)
    return f"{taken} per unit" if rule.kind == "per_unit" else taken


def _item_block(item: ItemTrace, path: str) -> list[str]:
    """An item's heading (wrapped, its score in line with the others) and its rules: `gave` is
    what a rule added (negative for a deduction), `of` the most it can add (0 for a deduction),
    `deducts` (only in an item with a deduction) what a deduction takes as written."""
    title = f"item {item.id}  "
    heading = f"{title}{escape(item.title)}   ({path})"
    indent = " " * min(display_width(title), HEADING_WIDTH // 4)
    first, *rest = wrap(heading, HEADING_WIDTH, indent)
    score = f"{fmt(item.score)} / {fmt(item.max)}"
    if item.na_points:
        score += f"   (合理缺项 {fmt(item.na_points)})"
    lines = [pad(first, HEADING_WIDTH) + "  " + score, *rest]
    if item.na_reason is not None:
        lines.append(f"    the whole item is not applicable (合理缺项): {escape(item.na_reason)}")
    if item.override is not None:
        lines += _note(f"score {escape(item.override.describe())}", "    ")
    lines += ["    " + line for line in _rules_table(item.rules)]
    if item.unreachable:
        if _capped_below_declared(item):
            lines.append(f"    ({_unreachable_reason(item)}: {fmt(item.unreachable)} out of reach)")
        else:
            unreachable, maximum = fmt(item.unreachable), fmt(item.max)
            lines.append(f"    (no rule can award {unreachable} of its {maximum} points)")
    for veto in item.vetoes:
        if veto.triggered:
            lines.append(f"    VETO struck: {escape(veto.text)}")
    return lines


def _rules_table(rules: tuple[RuleTrace, ...], *, reach: bool = True) -> list[str]:
    """Rules as rows: status, `gave`, `of` (left out for deductions above items, which reach
    nothing), `deducts` when a rule deducts, the wording and the values read."""
    deductions = any(rule.points < 0 for rule in rules)
    of = ["of"] if reach else []
    rows = [["", "gave", *of, *(["deducts"] if deductions else []), "rule", "values"]]
    for rule in rules:
        rows.append(
            [
                STATUS_WORDS[rule.status],
                fmt(rule.gave),
                *([fmt(rule.reach)] if reach else []),
                *([_deducts(rule)] if deductions else []),
                shorten(escape(rule.text), WORDING_WIDTH),
                _values_cell(rule.values_text(), rule.evidence, rule.override),
            ]
        )
    numeric = frozenset(range(1, len(rows[0]) - 2))
    wrapped = {len(rows[0]) - 1: VALUES_WIDTH}
    return table(rows, numeric=numeric, wrapped=wrapped, multiline=True)


def _values_cell(values: str, evidence: Evidence, override: OverrideTrace | None = None) -> str:
    """The values read, escaped, and below them (as lines of the cell) the evidence behind
    them and the reviewers' points when overridden on site."""
    lines = [values, *evidence_lines(evidence)]
    if override is not None:
        lines.append(f"points {override.describe()}")
    return "\n".join(escape(line) for line in lines if line)


def _evidence_below(evidence: Evidence, indent: str) -> list[str]:
    """The evidence behind values printed on a line, on the lines after it."""
    return [indent + escape(line) for line in evidence_lines(evidence)]


def _deductions_block(heading: str, rules: tuple[RuleTrace, ...]) -> list[str]:
    """A category's or the total's own deductions, under a heading saying what they act on."""
    if not rules:
        return []
    return [heading, *("    " + line for line in _rules_table(rules, reach=False)), ""]


def _unreachable_reason(item: ItemTrace) -> str:
    """Why an item cannot reach its maximum whatever the district does: its cap, or rules
    that cannot award that much."""
    if item.cap is not None and _capped_below_declared(item):
        return f"its cap of {fmt(item.cap)} keeps it below its declared {fmt(item.declared)}"
    return f"no rule can award these points (declared {fmt(item.declared)})"


def _capped_below_declared(item: ItemTrace) -> bool:
    return item.cap is not None and item.cap < item.max


VETO_WORDS = {MET: "struck", NOT_MET: "not struck", NOT_APPLICABLE: "n/a"}


def _vetoes_block(result: Result) -> list[str]:
    """Every veto, struck or not, with what it read."""
    if not result.all_vetoes:
        return []
    if result.vetoes:
        lines = ["Vetoes (一票否决): FAILED, whatever the score"]
    elif result.downgrades:
        lines = ["Vetoes (一票否决): none fails the district; those struck act on the grade"]
    else:
        lines = ["Vetoes (一票否决): none struck"]
    rows = []
    for veto in result.all_vetoes:
        where = f"item {veto.item_id}" if veto.item_id is not None else "rubric"
        values = values_text(veto.values)
        status = VETO_WORDS[veto.status]
        if not veto.fails and (veto.downgrade is not None or veto.at_most is not None):
            status += f" ({escape(veto.effect)})"
        values_cell = _values_cell(values, veto.evidence)
        rows.append([status, f"line {veto.line}", where, escape(veto.text), values_cell])
    lines += ["  " + line for line in table(rows, multiline=True)]
    lines.append("")
    return lines


def _totals(result: Result) -> list[str]:
    rows = [["", "score", "max"]]
    for category in result.categories:
        name = escape(category.title) + (" (bonus)" if category.is_bonus else "")
        notes = [f"capped from {fmt(category.earned)}"] if category.cut else []
        if category.deducted:
            notes.append(f"{fmt(category.deducted)} deducted")
        if category.na_reason is not None:
            notes.append("合理缺项")
        note = "  " + ", ".join(notes) if notes else ""
        rows.append([name, fmt(category.score), fmt(category.max) + note])
    info = result.rubric
    na = f"  (合理缺项 {fmt(result.na_points)})" if result.na_points else ""
    rows.append(["base, raw", fmt(result.base_raw), fmt(info.base_max - result.na_points) + na])
    if result.na_points and result.na_points >= info.base_max:
        note = "  (every base point is 合理缺项: nothing to assess or prorate)"
        rows.append(["base", fmt(result.base), fmt(info.base_max) + note])
    elif result.na_points:
        rows.append(["base, prorated", fmt(result.base), fmt(info.base_max)])
    else:
        rows.append(["base", fmt(result.base), fmt(info.base_max)])
    rows.append(["bonus", fmt(result.bonus), fmt(info.bonus_max)])
    if result.deductions:
        rows.append(["deducted", fmt(-result.deducted), ""])
    rows.append(["total", fmt(result.total), fmt(info.base_max + info.bonus_max)])
    lines = ["  " + line for line in table(rows, numeric=frozenset({1}))]
    if result.grade is not None:
        lines.append(f"  grade: {escape(result.grade.grade)}")
        lines += [f"    {escape(reason)}" for reason in result.grade.reasons]
    return lines


def _losses_block(found: list[Loss]) -> list[str]:
    if not found:
        return ["  none"]
    lines = []
    for loss in found:
        where = loss.where
        if loss.item is not None:
            where = f"item {loss.item.id} {escape(loss.item.title)}"
        head = f"  {pad(fmt(loss.points), 5, right=True)}  {where}"
        if loss.bonus:
            head += " (bonus)"
        if loss.override is not None:
            lines.append(f"{head}: score {escape(loss.override.describe())}")
            continue
        if loss.rule is None:
            assert loss.item is not None  # only an item has unreachable points
            lines.append(f"{head}: {_unreachable_reason(loss.item)}")
            continue
        lines.append(f"{head}, line {loss.rule.line}: {escape(loss.rule.text)}")
        lines.append(f"         {escape(loss.rule.values_text())}  ({escape(loss.rule.detail)})")
        lines += _evidence_below(loss.rule.evidence, " " * 9)
    return lines


@exactly
def render_text(result: Result, meta: Mapping[Any, object] | None = None) -> str:
    """A report: a table per item, then the totals, then the points lost, largest first.

    Every text from the rubric or the data is escaped on its line (ESC shows as \\x1b, a
    newline inside a value as \\n), so no input can drive the terminal or forge a line."""
    info = result.rubric
    lines = [f"{escape(info.title)}  ({info.year})"]
    if meta:
        lines.append("  ".join(_meta_field(key, value) for key, value in meta.items()))
    lines.append("")
    if not result.categories:  # a checklist: requirements only, nothing scored
        lines += _tasks_block(result)
        lines += _requirements_block(result)[:-1]
        return escape_block("\n".join(lines) + _warnings_line(result))
    for category in result.categories:
        lines += _excused_line(f"category '{category.title}'", category.na_reason)
        for member in category.members:
            items = member.items if isinstance(member, GroupTrace) else (member,)
            path = escape(category.title)
            if isinstance(member, GroupTrace):
                path += f" / {escape(member.title)}"
                lines += _excused_line(f"group '{member.title}'", member.na_reason)
            for item in items:
                lines += _item_block(item, path)
                lines.append("")
        heading = f"category {escape(category.title)}: deductions from its score"
        lines += _deductions_block(heading, category.deductions)
    lines += _deductions_block("deductions from the total", result.deductions)
    lines.append("Totals")
    lines += _totals(result)
    lines.append("")
    lines += _overrides_block(result)
    lines += _vetoes_block(result)
    lines += _tasks_block(result)
    lines += _requirements_block(result)
    found = losses(result)
    lines.append("Points not earned, largest first (what the item would gain if the rule were")
    lines.append("met; base points before 合理缺项 proration)")
    lines += _losses_block([loss for loss in found if not loss.deduction])
    deducted = [loss for loss in found if loss.deduction]
    if deducted:
        lines.append("")
        lines.append("Points deducted, largest first (what would be recovered without them)")
        lines += _losses_block(deducted)
    return escape_block("\n".join(lines) + _warnings_line(result))


def _overrides_block(result: Result) -> list[str]:
    """Every override of the reviewers, with the points computed without it: the scores above
    count the reviewers' points."""
    if not result.overrides:
        return []
    lines = [
        f"Overrides on site (现场评审): {counted(len(result.overrides), 'override')}; the scores "
        "above count the reviewers' points"
    ]
    for override in result.overrides:
        what = "score" if override.rule is None else "points"
        note = f"{escape(override.target)} (line {override.line}): {what} "
        lines += _note(note + escape(override.describe()), "  ")
    return [*lines, ""]


def _note(text: str, indent: str) -> list[str]:
    """A note on lines of at most NOTE_WIDTH columns, each after `indent`, the lines after the
    first two columns further in."""
    first, *rest = wrap(text, NOTE_WIDTH - display_width(indent), "  ")
    return [indent + first, *(indent + line for line in rest)]


def _excused_line(what: str, reason: str | None) -> list[str]:
    if reason is None:
        return []
    return [f"{escape(what)} is not applicable (合理缺项): {escape(reason)}", ""]


def _warnings_line(result: Result) -> str:
    """The report's last line(s): the rubric's warnings, counted, if it has any."""
    if not result.warnings:
        return "\n"
    count = counted(len(result.warnings), "warning")
    return f"\n\nThe rubric has {count}: run `rubricdsl check` on it to see them.\n"


REQUIREMENT_WORDS = {MET: "holds", NOT_MET: "NOT MET", NOT_APPLICABLE: "n/a"}


def _requirements_block(result: Result) -> list[str]:
    """Every requirement with its status and what it read; whether the district is eligible."""
    if not result.requirements:
        return []
    unmet = len(result.unmet_requirements)
    if unmet:
        heading = f"Requirements (门槛): {counted(unmet, 'requirement')} not met: NOT ELIGIBLE"
    else:
        heading = "Requirements (门槛): all hold (or are not applicable): eligible"
    rows = [
        [
            REQUIREMENT_WORDS[requirement.status],
            f"line {requirement.line}",
            escape(requirement.scope),
            escape(requirement.text),
            _values_cell(requirement.values_text(), requirement.evidence),
        ]
        for requirement in result.requirements
    ]
    return [heading, *("  " + line for line in table(rows, multiline=True)), ""]


TASK_WORDS = {MET: "done", NOT_MET: "NOT DONE", NOT_APPLICABLE: "n/a"}


def _tasks_block(result: Result) -> list[str]:
    """The checklist's tasks by section: done, not done (with what is missing) or n/a."""
    if not result.tasks:
        return []
    done = sum(1 for task in result.tasks if task.done)
    lines = [f"Checklist: {done} of {counted(len(result.tasks), 'task')} done"]
    section = None
    for task in result.tasks:
        if task.section != section:
            section = task.section
            lines.append(f"  {escape(section)}")
        lines.append(
            f"    {TASK_WORDS[task.status]:<8}  task {escape(task.id)}  {escape(task.title)}"
        )
        for requirement in task.unmet:
            lines.append(
                f"              not met, line {requirement.line}: {escape(requirement.text)}"
                f"  ({escape(requirement.values_text())})"
            )
            lines += _evidence_below(requirement.evidence, " " * 16)
    return [*lines, ""]


META_WIDTH = 200


def _meta_field(key: object, value: object) -> str:
    ready = json_ready(value)
    if isinstance(ready, str):
        text = ready
    elif isinstance(ready, bool | int | float) or ready is None:
        text = json.dumps(ready)
    else:
        text = json.dumps(ready, ensure_ascii=False)
    return f"{escape(clip(meta_key(key), META_WIDTH))}: {escape(clip(text, META_WIDTH))}"
