"""The campaign's reports as plain text: status as of a day, and points by owner."""

from __future__ import annotations

from rubricdsl.escape import escape, escape_block
from rubricdsl.i18n import Translate, translator
from rubricdsl.model import fmt
from rubricdsl.owners import UnitPoints
from rubricdsl.render import shorten, table
from rubricdsl.source import display_width
from rubricdsl.status import DONE, EXCUSED, OPEN, OVERDUE, Status, StatusEntry

TITLE_WIDTH = 40


def state_words(_: Translate) -> dict[str, str]:
    return {
        OVERDUE: _("OVERDUE"),
        OPEN: _("open"),
        DONE: _("done"),
        EXCUSED: _("not applicable"),
    }


def entry_name(entry: StatusEntry, _: Translate) -> str:
    if entry.kind == "task":
        return _("task {id}").format(id=escape(entry.id))
    return _("item {id}").format(id=escape(entry.id))


def units_text(units: tuple[str, ...], _: Translate) -> str:
    return "、".join(escape(unit) for unit in units) if units else _("(no unit named)")


UNITS_WIDTH = 30


def units_lines(units: tuple[str, ...], width: int, _: Translate) -> str:
    """The units as lines of at most `width` columns, broken between units, never inside one
    (区市场监管局 stays whole), one line to a cell of a multiline table."""
    if not units:
        return _("(no unit named)")
    lines: list[str] = []
    for unit in (escape(unit) for unit in units):
        if lines and display_width(lines[-1] + "、" + unit) <= width:
            lines[-1] += "、" + unit
        else:
            lines.append(unit)
    return "\n".join(lines)


def due_text(entry: StatusEntry, _: Translate) -> str:
    if entry.deadline is not None:
        if entry.days_left is not None and entry.days_left < 0:
            return _("{date} ({days} days ago)").format(
                date=entry.deadline.isoformat(), days=-entry.days_left
            )
        if entry.days_left is not None:
            return _("{date} (in {days} days)").format(
                date=entry.deadline.isoformat(), days=entry.days_left
            )
        return entry.deadline.isoformat()
    return _("ongoing") if entry.ongoing else _("no deadline")


def lacking_text(entry: StatusEntry, _: Translate) -> str:
    """What an entry still lacks: an item's missing points, a task's unmet requirements."""
    missing, reachable = entry.missing, entry.reachable
    if missing is not None and reachable is not None and missing > 0:
        return _("{missing} of {reachable} points missing").format(
            missing=fmt(missing), reachable=fmt(reachable)
        )
    if entry.unmet:
        return _("not yet: {what}").format(what="；".join(escape(text) for text in entry.unmet))
    return ""


def short_title(entry: StatusEntry) -> str:
    return escape(shorten(entry.title, TITLE_WIDTH))


def status_text(status: Status, owners: tuple[UnitPoints, ...], lang: str) -> str:
    """The weekly status: phase, deadlines, may-we-apply, overdue and open entries, by unit."""
    _ = translator(lang)
    lines = [_status_heading(status, _), *_phase_lines(status, _), ""]
    lines += _eligibility_lines(status, _)
    lines.append(
        _("{overdue} overdue, {open} open, {done} done, {excused} not applicable").format(
            overdue=status.count(OVERDUE),
            open=status.count(OPEN),
            done=status.count(DONE),
            excused=status.count(EXCUSED),
        )
    )
    lines.append("")
    words = state_words(_)
    for state, heading in ((OVERDUE, _("Overdue")), (OPEN, _("Open"))):
        chosen = sorted((e for e in status.entries if e.state == state), key=StatusEntry.urgency)
        if not chosen:
            continue
        lines.append(heading)
        rows = [
            [
                entry_name(entry, _),
                escape(entry.title),
                due_text(entry, _),
                units_lines(entry.units, UNITS_WIDTH, _),
                lacking_text(entry, _),
            ]
            for entry in chosen
        ]
        wrapped = {1: TITLE_WIDTH, 4: 40}
        lines += ["  " + line for line in table(rows, wrapped=wrapped, multiline=True)]
        lines.append("")
    lines.append(_("By responsible unit: what each owes, most urgent first"))
    for unit in status.units:
        name = escape(unit.unit) if unit.unit else _("(no unit named)")
        lines.append(
            "  "
            + _("{unit}: {overdue} overdue, {open} open").format(
                unit=name, overdue=unit.overdue, open=len(unit.entries) - unit.overdue
            )
        )
        rows = [
            [words[entry.state], entry_name(entry, _), due_text(entry, _), short_title(entry)]
            for entry in unit.entries
        ]
        lines += ["    " + line for line in table(rows)]
    if owners:
        lines += ["", *owners_lines(owners, _)]
    for warning in status.warnings:
        lines += ["", warning.render()]
    return escape_block("\n".join(lines) + "\n")


def _status_heading(status: Status, _: Translate) -> str:
    if status.district:
        return _("{district}: status as of {day}").format(
            district=escape(status.district), day=status.as_of.isoformat()
        )
    return _("Status as of {day}").format(day=status.as_of.isoformat())


def _phase_lines(status: Status, _: Translate) -> list[str]:
    lines = []
    phase = status.phase
    if phase is not None:
        start = phase.start.isoformat() if phase.start else "…"
        lines.append(
            _("Phase: {name} ({start} – {end})").format(
                name=escape(phase.name), start=start, end=phase.end.isoformat()
            )
        )
    else:
        lines.append(_("Phase: none (the day is outside the plan's phases)"))
    if status.next_phase is not None and status.next_phase.start is not None:
        lines.append(
            _("Next phase: {name} from {day}").format(
                name=escape(status.next_phase.name), day=status.next_phase.start.isoformat()
            )
        )
    if status.next_deadline is not None:
        lines.append(
            _("Next deadline: {day}, in {days} days").format(
                day=status.next_deadline.isoformat(), days=status.days_to_next_deadline
            )
        )
    else:
        lines.append(_("Next deadline: none ahead for what is still open"))
    days = status.days_to_review
    if status.review_day is not None and days is not None:
        template = _("Review: {day}, in {days} days") if days >= 0 else _("Review: {day}, passed")
        lines.append(template.format(day=status.review_day.isoformat(), days=days))
    return lines


def _eligibility_lines(status: Status, _: Translate) -> list[str]:
    tasks = [entry for entry in status.entries if entry.kind == "task"]
    pending = [entry for entry in tasks if entry.pending]
    if status.eligible:
        return [_("May apply: yes, every requirement and checklist task holds")]
    if pending:
        return [
            _("May apply: not yet, {pending} of {tasks} checklist tasks are not done").format(
                pending=len(pending), tasks=len(tasks)
            )
        ]
    return [_("May apply: not yet, a requirement does not hold")]


def owners_lines(owners: tuple[UnitPoints, ...], _: Translate) -> list[str]:
    """Points by owner, most lost first; shared items count for each of their units."""
    lines = [
        _("Points by responsible unit (an item shared by several units counts for each of them:"),
        _("the rows are not to be added up)"),
    ]
    rows = [[_("unit"), _("items"), _("shared"), _("can give"), _("earned"), _("lost")]]
    for unit in owners:
        rows.append(
            [
                escape(unit.unit) if unit.unit else _("(no unit named)"),
                str(len(unit.items)),
                str(unit.shared),
                fmt(unit.max),
                fmt(unit.earned),
                fmt(unit.lost),
            ]
        )
    lines += ["  " + line for line in table(rows, numeric=frozenset({1, 2, 3, 4, 5}))]
    return lines
