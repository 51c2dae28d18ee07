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
    GroupTrace,
    ItemTrace,
    Result,
    RuleTrace,
    reading_to_text,
)

STATUS_WORDS = {MET: "met", NOT_MET: "not met", NOT_APPLICABLE: "n/a", CAPPED: "capped"}
WORDING_WIDTH = 44


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
    out = ""
    for character in text:
        if display_width(out + character) > width - 1:
            break
        out += character
    return out + "…"


def table(rows: Sequence[Sequence[str]], numeric: frozenset[int] = frozenset()) -> list[str]:
    """Rows aligned in columns by display width; columns in `numeric` align right."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [pad(cell, widths[i], right=i in numeric) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


@attrs.frozen
class Loss:
    """Points an item did not get, and the rule (or the lack of one) that decides them."""

    points: Decimal
    item: ItemTrace
    rule: RuleTrace | None
    bonus: bool

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
            for rule in item.rules:
                if rule.lost > 0:
                    found.append(Loss(rule.lost, item, rule, category.is_bonus))
            if item.unreachable > 0:
                found.append(Loss(item.unreachable, item, None, category.is_bonus))
    return sorted(found, key=lambda loss: -loss.points)


def _item_block(item: ItemTrace, path: str) -> list[str]:
    heading = f"item {item.id}  {escape(item.title)}   ({path})"
    score = f"{fmt(item.score)} / {fmt(item.max)}"
    if item.na_points:
        score += f"   (合理缺项 {fmt(item.na_points)})"
    lines = [pad(heading, 64) + "  " + score]
    rows = [["", "gave", "of", "rule", "values"]]
    for rule in item.rules:
        rows.append(
            [
                STATUS_WORDS[rule.status],
                fmt(rule.gave),
                fmt(rule.reach) if rule.points > 0 else fmt(rule.points),
                shorten(escape(rule.text), WORDING_WIDTH),
                escape(rule.values_text()),
            ]
        )
    lines += ["    " + line for line in table(rows, numeric=frozenset({1, 2}))]
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
    else:
        lines = ["Vetoes (一票否决): none struck"]
    rows = []
    for veto in result.all_vetoes:
        where = f"item {veto.item_id}" if veto.item_id is not None else "rubric"
        values = ", ".join(f"{n}={reading_to_text(v)}" for n, v in veto.values)
        rows.append(
            [VETO_WORDS[veto.status], f"line {veto.line}", where, escape(veto.text), escape(values)]
        )
    lines += ["  " + line for line in table(rows)]
    lines.append("")
    return lines


def _totals(result: Result) -> list[str]:
    rows = [["", "score", "max"]]
    for category in result.categories:
        name = escape(category.title) + (" (bonus)" if category.is_bonus else "")
        note = f"  capped from {fmt(category.earned)}" if category.cut else ""
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
    rows.append(["total", fmt(result.total), fmt(info.base_max + info.bonus_max)])
    return ["  " + line for line in table(rows, numeric=frozenset({1}))]


def _losses_block(found: list[Loss]) -> list[str]:
    if not found:
        return ["  none"]
    lines = []
    for loss in found:
        head = (
            f"  {pad(fmt(loss.points), 5, right=True)}  item {loss.item.id} "
            f"{escape(loss.item.title)}"
        )
        if loss.bonus:
            head += " (bonus)"
        if loss.rule is None:
            lines.append(f"{head}: {_unreachable_reason(loss.item)}")
            continue
        lines.append(f"{head}, line {loss.rule.line}: {escape(loss.rule.text)}")
        lines.append(f"         {escape(loss.rule.values_text())}  ({escape(loss.rule.detail)})")
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
    for category in result.categories:
        for member in category.members:
            items = member.items if isinstance(member, GroupTrace) else (member,)
            path = escape(category.title)
            if isinstance(member, GroupTrace):
                path += f" / {escape(member.title)}"
            for item in items:
                lines += _item_block(item, path)
                lines.append("")
    lines.append("Totals")
    lines += _totals(result)
    lines.append("")
    lines += _vetoes_block(result)
    found = losses(result)
    lines.append("Points not earned, largest first (what the item would gain if the rule were")
    lines.append("met; base points before 合理缺项 proration)")
    lines += _losses_block([loss for loss in found if not loss.deduction])
    deducted = [loss for loss in found if loss.deduction]
    if deducted:
        lines.append("")
        lines.append("Points deducted, largest first (what the item would recover without them)")
        lines += _losses_block(deducted)
    if result.warnings:
        lines.append("")
        lines.append(
            f"The rubric has {counted(len(result.warnings), 'warning')}: "
            "run `rubricdsl check` on it to see them."
        )
    return escape_block("\n".join(lines) + "\n")


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
