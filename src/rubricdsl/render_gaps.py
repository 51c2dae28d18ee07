"""Renderers of a gap report and a what-if: text in the officials' language (gettext), JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from rubricdsl.escape import clip, escape, escape_block, json_escape
from rubricdsl.exact import exactly
from rubricdsl.gaps import (
    Alternative,
    Blocked,
    Change,
    GapReport,
    GateGap,
    ItemDelta,
    Need,
    Reason,
    RuleRef,
    Standing,
    Suggestion,
    WhatIf,
)
from rubricdsl.i18n import Translate, translator
from rubricdsl.inputs import Reading
from rubricdsl.model import fmt
from rubricdsl.render import json_ready, meta_key, table, wrap
from rubricdsl.source import display_width
from rubricdsl.trace import RubricInfo, reading_to_text

# Comparisons as people read them; the rubric's own symbols are >=, <=, ==, !=.
SHOWN_OPS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠", ">": ">", "<": "<"}
WIDTH = 100  # display columns a wording wraps at
INDENT = " " * 13  # under a suggestion's changes
META_WIDTH = 200


def block(text: str, indent: str, hanging: str = "  ") -> list[str]:
    """`text` wrapped at WIDTH columns, every line starting with `indent` and the lines after
    the first indented by `hanging` more."""
    first, *rest = wrap(text, WIDTH - display_width(indent), hanging)
    return [indent + first, *(indent + line for line in rest)]


def signed(value: Decimal) -> str:
    """A gain with its sign: +3.06, 0, -1."""
    return f"+{fmt(value)}" if value > 0 else fmt(value)


def shown(value: Reading | None) -> str:
    """A value from the data or the rubric, escaped for its line."""
    return "" if value is None else escape(reading_to_text(value))


# ---- JSON ----------------------------------------------------------------------------------------


def _json(document: dict[str, Any], meta: Mapping[Any, object] | None, ascii_only: bool) -> str:
    if meta:
        document = {"meta": json_ready(meta), **document}
    return json_escape(json.dumps(document, ensure_ascii=ascii_only, indent=2, allow_nan=False))


@exactly
def render_gaps_json(
    report: GapReport, meta: Mapping[Any, object] | None = None, *, ascii_only: bool = False
) -> str:
    """The gap report as strict JSON (exact decimals as strings), as render_json writes a
    result: `ascii_only` writes every non-ASCII character as a \\u escape."""
    return _json(report.to_dict(), meta, ascii_only)


@exactly
def render_whatif_json(
    whatif: WhatIf, meta: Mapping[Any, object] | None = None, *, ascii_only: bool = False
) -> str:
    """The what-if as strict JSON (exact decimals as strings)."""
    return _json(whatif.to_dict(), meta, ascii_only)


# ---- shared pieces -------------------------------------------------------------------------------


def _heading(info: RubricInfo, meta: Mapping[Any, object] | None) -> list[str]:
    lines = [f"{escape(info.title)}  ({info.year})"]
    if meta:
        lines.append("  ".join(_meta_field(key, value) for key, value in meta.items()))
    return [*lines, ""]


def _meta_field(key: object, value: object) -> str:
    ready = json_ready(value)
    text = ready if isinstance(ready, str) else json.dumps(ready, ensure_ascii=False)
    return f"{escape(clip(meta_key(key), META_WIDTH))}: {escape(clip(text, META_WIDTH))}"


def _changes(_: Translate, changes: Sequence[Change]) -> str:
    return "; ".join(
        _("{indicator}: {before} → {after}").format(
            indicator=escape(change.indicator),
            before=shown(change.before),
            after=shown(change.after),
        )
        for change in changes
    )


def _place(_: Translate, ref: RuleRef) -> str:
    """Where a rule stands: its item, a category's deductions, or the total's."""
    if ref.where == "item":
        assert ref.item_id is not None and ref.item_title is not None
        if ref.bonus:
            return _("item {id} {title} (bonus)").format(
                id=escape(ref.item_id), title=escape(ref.item_title)
            )
        return _("item {id} {title}").format(id=escape(ref.item_id), title=escape(ref.item_title))
    if ref.where == "category":
        return _("deductions of category {category}").format(category=escape(ref.category))
    return _("deductions from the total")


def _rule_lines(_: Translate, ref: RuleRef, indent: str) -> list[str]:
    """A rule: where it stands and its wording, the tier aimed at, how its parts combine, and
    what each part asks of the value changed."""
    head = _("{place}, line {line}: {text}").format(
        place=_place(_, ref), line=ref.line, text=escape(ref.text)
    )
    lines = block(head, indent)
    notes = [_tier_note(_, ref), _logic_note(_, ref)]
    notes += [_need_text(_, need) for need in ref.needs]
    if ref.held is not None:
        notes.append(_reason_text(_, ref.held, Decimal(0)))
    for note in notes:
        if note:
            lines += block(note, indent + "  ")
    return lines


def _tier_note(_: Translate, ref: RuleRef) -> str:
    if ref.tier_points is None:
        return ""
    points = fmt(ref.tier_points)
    if ref.tier_points > 0:
        tier = escape(ref.tier or "")
        return _("Aims at the tier {tier}, worth {points}.").format(tier=tier, points=points)
    if ref.tier_points == 0:
        return _("Clears the graded deduction: no tier may hold.")
    tier = escape(ref.tier or "")
    return _("Lightens the graded deduction to the tier {tier} ({points}).").format(
        tier=tier, points=points
    )


def _logic_note(_: Translate, ref: RuleRef) -> str:
    count = ref.parts
    if ref.logic == "all_hold":
        return _("Its {count} conditions must all hold.").format(count=count)
    if ref.logic == "any_holds":
        return _("Any one of its {count} alternatives is enough.").format(count=count)
    if ref.logic == "any_fails":
        return _(
            "The deduction stops when any one of its {count} conditions no longer holds."
        ).format(count=count)
    if ref.logic == "all_fail":
        return _("The deduction stops only when none of its {count} conditions holds.").format(
            count=count
        )
    if ref.deduction and ref.kind == "fixed":
        return _("A deduction: it stops when its condition no longer holds.")
    return ""


def _need_text(_: Translate, need: Need) -> str:
    """What one part of a condition asks of the value changed, as a sentence."""
    fields = {
        "operand": escape(need.operand),
        "now": shown(need.now),
        "value": shown(need.value),
        "op": SHOWN_OPS.get(need.op or "", need.op or ""),
        "bound": shown(need.bound),
        "other": escape(need.other or ""),
        "points": fmt(need.points) if need.points is not None else "",
    }
    if need.kind == "flag":
        return _("{operand} is {now}; the condition needs it {value}.").format(**fields)
    if need.kind == "trend":
        return _trend_text(_, need, fields)
    if need.kind in ("per_unit", "proportional"):
        if need.deduction and need.full:
            return _("{operand} is {now}; at {value} the deduction takes nothing.").format(**fields)
        if not need.full:
            return _(
                "{operand} is {now}; {value} is as far as it can go, and there the rule gives "
                "{points}."
            ).format(**fields)
        if need.kind == "per_unit":
            return _(
                "{operand} is {now}; at {value} the rule reaches its maximum of {points}."
            ).format(**fields)
        return _("{operand} is {now}; at {value} the rule gives its full {points}.").format(
            **fields
        )
    if need.other is not None:
        if need.inclusive:
            return _(
                "{operand} is {now}; the condition needs {operand} {op} {other}, which is {bound}; "
                "{operand} is the one changed."
            ).format(**fields)
        return _(
            "{operand} is {now}; the condition needs {operand} {op} {other}, which is {bound}; "
            "{operand} is the one changed, to {value}, the nearest value that meets it."
        ).format(**fields)
    if need.inclusive:
        return _("{operand} is {now}; the condition needs {operand} {op} {bound}.").format(**fields)
    return _(
        "{operand} is {now}; the condition needs {operand} {op} {bound}, and {value} is the "
        "nearest value that meets it."
    ).format(**fields)


def _trend_text(_: Translate, need: Need, fields: dict[str, str]) -> str:
    if need.op == "<":
        return _(
            "{operand} is {now}: the yearly values must strictly decrease, so the last year must "
            "fall below {bound}."
        ).format(**fields)
    if need.op == ">":
        return _(
            "{operand} is {now}: the yearly values must strictly increase, so the last year must "
            "rise above {bound}."
        ).format(**fields)
    if need.op == ">=":
        return _(
            "{operand} is {now}: the yearly values must not strictly decrease, so the last year "
            "must be at least {bound}."
        ).format(**fields)
    return _(
        "{operand} is {now}: the yearly values must not strictly increase, so the last year must "
        "be at most {bound}."
    ).format(**fields)


def _deltas(_: Translate, deltas: Sequence[ItemDelta]) -> str:
    return ", ".join(
        _("item {id} ({before} → {after})").format(
            id=escape(delta.id), before=fmt(delta.before), after=fmt(delta.after)
        )
        for delta in deltas
    )


def _reason_text(_: Translate, reason: Reason, gain: Decimal) -> str:
    """Why a change gains nothing (or loses), as a sentence."""
    subject = escape(reason.subject or "")
    limit = fmt(reason.limit) if reason.limit is not None else ""
    code = reason.code
    if code == "item_cap":
        return _("Gains nothing: item {item} is at its cap of {limit}.").format(
            item=subject, limit=limit
        )
    if code == "item_maximum":
        return _("Gains nothing: item {item} is at its maximum of {limit}.").format(
            item=subject, limit=limit
        )
    if code == "item_floor":
        return _(
            "Gains nothing: item {item} stays at its floor of 0, its other deductions taking "
            "everything."
        ).format(item=subject)
    if code == "item_offset":
        return _("Gains nothing: the change costs item {item} as much as it gains it.").format(
            item=subject
        )
    if code == "group_full":
        return _("Gains nothing: group {group} is at its total of {limit}.").format(
            group=subject, limit=limit
        )
    if code == "category_full":
        return _("Gains nothing: category {category} is at its total of {limit}.").format(
            category=subject, limit=limit
        )
    if code == "category_floor":
        return _("Gains nothing: category {category} stays at 0 after its deductions.").format(
            category=subject
        )
    if code == "base_full":
        return _("Gains nothing: the base is at its maximum of {limit}.").format(limit=limit)
    if code == "bonus_full":
        return _("Gains nothing: the bonus is at its maximum of {limit}.").format(limit=limit)
    if code == "total_floor":
        return _("Gains nothing: the total stays at 0 after the deductions from the total.")
    if code == "offset" and reason.items:
        items = _deltas(_, reason.items)
        if gain < 0:
            return _("Loses points: it costs more elsewhere than it gains: {items}.").format(
                items=items
            )
        return _("Gains nothing: it costs as much elsewhere as it gains: {items}.").format(
            items=items
        )
    return _("Gains nothing.")


def _blocked_text(_: Translate, blocked: Blocked) -> str:
    """Why no change of the data wins a rule (or a requirement, or a veto), as a sentence."""
    fields = {
        "operand": escape(blocked.operand or ""),
        "op": SHOWN_OPS.get(blocked.op or "", blocked.op or ""),
        "bound": shown(blocked.bound),
        "values": shown(blocked.values),
    }
    code = blocked.code
    if code == "history":
        return _(
            "It needs a past year's value changed ({operand}): past years are history."
        ).format(**fields)
    if code == "broken_trend":
        return _(
            "{operand} is {values}: the years before the last already break the trend, so it "
            "cannot be won by changing this year."
        ).format(**fields)
    if code == "out_of_range":
        return _(
            "No value {operand} can take meets it: it would need {operand} {op} {bound}."
        ).format(**fields)
    if code == "not_applicable":
        return _("It depends on {operand}, which is 合理缺项.").format(**fields)
    if code == "always":
        return _("It applies whatever the data say.")
    if code == "no_target":
        return _("Its target is {bound}: there is nothing to count up to.").format(**fields)
    return _("No values of the data meet all of its conditions at once.")


# ---- the gap report --------------------------------------------------------------------------


@exactly
def render_gaps_text(
    report: GapReport, meta: Mapping[Any, object] | None = None, lang: str = "en"
) -> str:
    """The gap report: the score now, the highest these data allow and the score with every
    change at once; then each suggestion, the most gained first, with the rules it meets and
    why; the rules no change wins; the unmet requirements and struck vetoes."""
    _ = translator(lang)
    lines = _heading(report.rubric, meta)
    if report.checklist:  # it scores nothing: what would meet each requirement is the gap
        if not report.requirements:
            lines.append(_("Every requirement of the checklist holds."))
    else:
        lines += _score_gaps(_, report)
    lines += _gates_block(_, _("Requirements (门槛) not met"), report.requirements)
    lines += _gates_block(_, _("Vetoes (一票否决) struck"), report.vetoes)
    return escape_block("\n".join(lines) + "\n")


def _score_gaps(_: Translate, report: GapReport) -> list[str]:
    """The score now, the highest these data allow, and what wins each lost point back."""
    lines = []
    lines.append(
        _("Score now: {total} (base {base}, bonus {bonus}).").format(
            total=fmt(report.total), base=fmt(report.base), bonus=fmt(report.bonus)
        )
    )
    lines.append(
        _(
            "Highest score these data allow: {highest} (every applicable rule at its best; "
            "points no rule can reach are left out)."
        ).format(highest=fmt(report.highest))
    )
    lines.append(
        _("With every suggested change at once: {after} ({gain}).").format(
            after=fmt(report.after_all), gain=signed(report.gained_by_all)
        )
    )
    if report.grade is not None and report.grade_after_all is not None:
        lines.append(
            _("Grade now: {grade}; with every suggested change: {after}.").format(
                grade=escape(report.grade), after=escape(report.grade_after_all)
            )
        )
    if report.after_all < report.highest:
        lines.append(
            _(
                "{missing} of the highest score is not won by the changes at once: the rules "
                "below say why."
            ).format(missing=fmt(report.highest - report.after_all))
        )
    lines.append("")
    lines.append(_("What wins each lost point back, most first"))
    lines.append(
        _(
            "(each gain is what the total gains with that change alone, measured by rescoring: "
            "after caps, floors, deductions and 合理缺项 proration)"
        )
    )
    if not report.suggestions:
        lines.append("  " + _("Nothing to win back: every rule that can be met is met."))
    for rank, suggestion in enumerate(report.suggestions, start=1):
        lines += _suggestion_lines(_, rank, suggestion)
    if report.all_changes:
        lines.append("")
        lines.append(
            _("Every suggested change at once: total {after} ({gain})").format(
                after=fmt(report.after_all), gain=signed(report.gained_by_all)
            )
        )
        lines += ["  " + _changes(_, [change]) for change in report.all_changes]
    if report.out_of_reach:
        lines.append("")
        lines.append(_("Rules no change of the data wins"))
        for entry in report.out_of_reach:
            lines += _rule_lines(_, entry.rule, "  ")
            lines += block(_blocked_text(_, entry.blocked), "    ")
    if report.unmet_after_all:
        lines.append("")
        lines.append(
            _(
                "Rules the changes at once leave unmet: meeting them as well would cost more "
                "than it gains"
            )
        )
        for ref in report.unmet_after_all:
            lines += _rule_lines(_, ref, "  ")
    return lines


@attrs.frozen
class SuggestionText:
    """A suggestion in words, for a report's table: the change, the rules it meets (place and
    wording), and what each asks of the value and why a gain is smaller than it looks."""

    change: str
    rules: tuple[str, ...]
    notes: tuple[str, ...]


def suggestion_text(suggestion: Suggestion, lang: str) -> SuggestionText:
    _ = translator(lang)
    rules = [
        _("{place}, line {line}: {text}").format(
            place=_place(_, ref), line=ref.line, text=escape(ref.text)
        )
        for ref in (*suggestion.meets, *suggestion.also_meets)
    ]
    notes = [_need_text(_, need) for ref in suggestion.meets for need in ref.needs]
    if suggestion.reason is not None:
        notes.append(_reason_text(_, suggestion.reason, suggestion.gain))
    return SuggestionText(
        _changes(_, suggestion.changes), tuple(rules), tuple(note for note in notes if note)
    )


def _suggestion_lines(_: Translate, rank: int, suggestion: Suggestion) -> list[str]:
    head = f"{rank:>3}. {signed(suggestion.gain):>7}  {_changes(_, suggestion.changes)}"
    lines = block(head, "", INDENT)
    for ref in suggestion.meets:
        lines += _rule_lines(_, ref, INDENT)
    if suggestion.also_meets:
        lines += block(_("The same change also meets in full:"), INDENT)
        for ref in suggestion.also_meets:
            lines += _rule_lines(_, ref, INDENT + "  ")
    moved = {d.id for d in suggestion.items}
    met = {ref.item_id for ref in (*suggestion.meets, *suggestion.also_meets)}
    if len(suggestion.items) > 1 or not moved <= met:
        text = _("Items it moves: {items}.").format(items=_deltas(_, suggestion.items))
        lines += block(text, INDENT)
    if suggestion.reason is not None:
        text = _reason_text(_, suggestion.reason, suggestion.gain)
        lines += block(text, INDENT)
    lines += _alternatives(_, suggestion.alternatives, INDENT)
    return lines


def _alternatives(_: Translate, alternatives: Sequence[Alternative], indent: str) -> list[str]:
    lines = []
    for alternative in alternatives:
        text = _("Or instead: {changes} ({gain}).").format(
            changes=_changes(_, alternative.changes), gain=signed(alternative.gain)
        )
        lines += block(text, indent)
    return lines


def _scope(_: Translate, scope: str) -> str:
    """Where a requirement or veto stands, from its trace's `rubric`, `item 3`, `category '…'`."""
    if scope == "rubric":
        return _("the rubric")
    if scope.startswith("item "):
        return _("item {id}").format(id=escape(scope[len("item ") :]))
    if scope.startswith("category '") and scope.endswith("'"):
        title = scope[len("category '") : -1]
        return _("category {category}").format(category=escape(title))
    return escape(scope)


def _gate_head(_: Translate, gate: GateGap) -> str:
    """A requirement's or veto's place and wording, and what a struck veto does."""
    fields = {"scope": _scope(_, gate.scope), "line": gate.line, "text": escape(gate.text)}
    if gate.kind != "veto":
        return _("{scope}, line {line}: {text}").format(**fields)
    if gate.downgrade is not None:
        return _("{scope}, line {line}: {text} (it lowers the grade by {count})").format(
            count=gate.downgrade, **fields
        )
    if gate.at_most is not None:
        return _("{scope}, line {line}: {text} (it leaves at most the grade {grade})").format(
            grade=escape(gate.at_most), **fields
        )
    return _("{scope}, line {line}: {text} (it fails the district)").format(**fields)


def _gates_block(_: Translate, heading: str, gates: Sequence[GateGap]) -> list[str]:
    if not gates:
        return []
    lines = ["", heading]
    for gate in gates:
        head = _gate_head(_, gate)
        lines += block(head, "  ", "    ")
        condition = _("condition: {condition}").format(condition=escape(gate.condition))
        lines += block(condition, "      ")
        if gate.blocked is not None:
            lines += block(_blocked_text(_, gate.blocked), "      ")
            continue
        assert gate.gain is not None
        changes = _changes(_, gate.changes)
        if gate.kind == "requirement":
            text = _("It would hold with {changes}; the total changes by {gain}.")
        else:
            text = _("It would not strike with {changes}; the total changes by {gain}.")
        lines += block(text.format(changes=changes, gain=signed(gate.gain)), "      ")
        for need in gate.needs:
            lines += block(_need_text(_, need), "      ")
        lines += _alternatives(_, gate.alternatives, "      ")
    return lines


# ---- what-if -------------------------------------------------------------------------------------


@exactly
def render_whatif_text(
    whatif: WhatIf, meta: Mapping[Any, object] | None = None, lang: str = "en"
) -> str:
    """The changes, then a table of every item whose score moved and of the base, bonus and
    total before and after, then the grade, eligibility and vetoes where they change."""
    _ = translator(lang)
    lines = _heading(whatif.before.rubric, meta)
    lines += block(_("What if: {changes}").format(changes=_changes(_, whatif.changes)), "")
    for before_line, after_line in whatif.derived.values():
        lines += block(_("computed: {how}").format(how=escape(after_line)), "  ")
        lines += block(_("(was: {how})").format(how=escape(before_line)), "    ")
    lines.append("")
    rows = [["", _("before"), _("after"), _("difference")]]
    for delta in whatif.items:
        label = _("item {id} {title}").format(id=escape(delta.id), title=escape(delta.title))
        rows.append([label, fmt(delta.before), fmt(delta.after), signed(delta.difference)])
    before, after = Standing.of(whatif.before), Standing.of(whatif.after)
    figures = [(_("base"), before.base, after.base), (_("bonus"), before.bonus, after.bonus)]
    if whatif.before.deductions:
        figures.append((_("deducted"), before.deducted, after.deducted))
    figures.append((_("total"), before.total, after.total))
    for label, old, new in figures:
        rows.append([label, fmt(old), fmt(new), signed(new - old)])
    if whatif.before.categories:  # a checklist scores nothing: only its tasks can move
        if not whatif.items:
            lines.append("  " + _("No item's score changes."))
        lines += ["  " + line for line in table(rows, numeric=frozenset({1, 2, 3}))]
    lines += _standing_lines(_, whatif, before, after)
    return escape_block("\n".join(lines) + "\n")


def _task_word(_: Translate, status: str) -> str:
    if status == "met":
        return _("done")
    if status == "not_met":
        return _("not done")
    return _("not applicable")


def _standing_lines(_: Translate, whatif: WhatIf, before: Standing, after: Standing) -> list[str]:
    lines = [""]
    if before.grade is not None and after.grade is not None:
        if before.grade != after.grade:
            lines.append(
                _("grade: {before} → {after}").format(
                    before=escape(before.grade), after=escape(after.grade)
                )
            )
        else:
            lines.append(_("grade: {grade}, unchanged").format(grade=escape(after.grade)))
    for old_task, new_task in zip(whatif.before.tasks, whatif.after.tasks, strict=True):
        if old_task.status != new_task.status:
            lines.append(
                _("task {id}: {before} → {after}").format(
                    id=escape(new_task.id),
                    before=_task_word(_, old_task.status),
                    after=_task_word(_, new_task.status),
                )
            )
    if whatif.before.requirements:
        yes, no = _("yes"), _("no")
        old, new = (yes if before.eligible else no), (yes if after.eligible else no)
        if before.eligible != after.eligible:
            lines.append(_("eligible: {before} → {after}").format(before=old, after=new))
        else:
            lines.append(_("eligible: {eligible}, unchanged").format(eligible=new))
    if whatif.before.all_vetoes:
        failed, passed = _("failed by a veto"), _("no veto fails it")
        old = passed if before.passed_vetoes else failed
        new = passed if after.passed_vetoes else failed
        if old != new:
            lines.append(_("vetoes: {before} → {after}").format(before=old, after=new))
        else:
            lines.append(_("vetoes: {state}, unchanged").format(state=new))
    return lines if len(lines) > 1 else []
