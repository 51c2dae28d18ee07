"""Status as of a date: each item and task done, open, overdue or not applicable, and by whom."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from rubricdsl.api import Rubric
from rubricdsl.campaign import Evaluations
from rubricdsl.model import fmt
from rubricdsl.plan import Assignment, Phase, Plan, PlanProblem
from rubricdsl.trace import NOT_APPLICABLE, ItemTrace, Result, TaskTrace

DONE = "done"
OPEN = "open"
OVERDUE = "overdue"
EXCUSED = "not_applicable"
STATES = (OVERDUE, OPEN, DONE, EXCUSED)
NO_UNIT = ""  # an entry whose plan names no unit, listed apart


@attrs.frozen
class StatusEntry:
    """One item or task as of the day: its state, who owns it, by when, what it still lacks."""

    rubric: str
    kind: str  # "item" or "task"
    id: str
    title: str
    state: str
    units: tuple[str, ...]
    deadline: datetime.date | None
    ongoing: bool
    note: str | None
    planned: bool  # whether the plan names this item or task
    # an item's points: what it earned of what it can reach, and what is still missing
    earned: Decimal | None = None
    reachable: Decimal | None = None
    # a task's requirements that do not hold
    unmet: tuple[str, ...] = ()
    days_left: int | None = None  # days from the day of the status to the deadline

    @property
    def missing(self) -> Decimal | None:
        if self.earned is None or self.reachable is None:
            return None
        return self.reachable - self.earned

    @property
    def pending(self) -> bool:
        return self.state in (OPEN, OVERDUE)

    def urgency(self) -> tuple[int, datetime.date, int]:
        """Most urgent first: overdue, then open by nearest deadline, ongoing and undated last."""
        rank = 0 if self.state == OVERDUE else 1 if self.deadline is not None else 2
        return rank, self.deadline or datetime.date.max, 0 if self.ongoing else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "rubric": self.rubric,
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "state": self.state,
            "units": list(self.units),
            "shared": len(self.units) > 1,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "ongoing": self.ongoing,
            "note": self.note,
            "planned": self.planned,
            "earned": fmt(self.earned) if self.earned is not None else None,
            "reachable": fmt(self.reachable) if self.reachable is not None else None,
            "missing": fmt(self.missing) if self.missing is not None else None,
            "unmet": list(self.unmet),
            "days_left": self.days_left,
        }


@attrs.frozen
class UnitStatus:
    """What one responsible unit owns that is overdue or open, most urgent first."""

    unit: str  # NO_UNIT for entries whose plan names none
    entries: tuple[StatusEntry, ...]

    @property
    def overdue(self) -> int:
        return sum(1 for entry in self.entries if entry.state == OVERDUE)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit or None,
            "overdue": self.overdue,
            "open": len(self.entries) - self.overdue,
            "entries": [f"{entry.kind} {entry.id}" for entry in self.entries],
            "rubrics": [entry.rubric for entry in self.entries],
        }


@attrs.frozen
class Status:
    """The campaign as of a day: its phase, what is due, what each unit still owes."""

    as_of: datetime.date
    district: str | None
    phase: Phase | None
    next_phase: Phase | None
    next_deadline: datetime.date | None  # the nearest deadline on or after as_of still open
    review_day: datetime.date | None
    entries: tuple[StatusEntry, ...]
    units: tuple[UnitStatus, ...]
    # may the district apply: every requirement (the 六个一 tasks among them) holds
    eligible: bool
    warnings: tuple[PlanProblem, ...]

    @property
    def days_to_next_deadline(self) -> int | None:
        return (self.next_deadline - self.as_of).days if self.next_deadline else None

    @property
    def days_to_review(self) -> int | None:
        return (self.review_day - self.as_of).days if self.review_day else None

    def count(self, state: str) -> int:
        return sum(1 for entry in self.entries if entry.state == state)

    def overdue(self) -> tuple[StatusEntry, ...]:
        return tuple(entry for entry in self.entries if entry.state == OVERDUE)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "district": self.district,
            "phase": self.phase.to_dict() if self.phase else None,
            "next_phase": self.next_phase.to_dict() if self.next_phase else None,
            "next_deadline": self.next_deadline.isoformat() if self.next_deadline else None,
            "days_to_next_deadline": self.days_to_next_deadline,
            "review_day": self.review_day.isoformat() if self.review_day else None,
            "days_to_review": self.days_to_review,
            "eligible": self.eligible,
            "counts": {state: self.count(state) for state in STATES},
            "entries": [entry.to_dict() for entry in self.entries],
            "units": [unit.to_dict() for unit in self.units],
            "warnings": [warning.to_dict() for warning in self.warnings],
        }


def campaign_status(evaluations: Evaluations, plan: Plan, as_of: datetime.date) -> Status:
    """Each item and task of each rubric as of a day, by the plan's owners and deadlines."""
    entries: list[StatusEntry] = []
    for rubric, result in evaluations.pairs():
        entries += _entries(rubric, result, plan, as_of)
    pending = [entry for entry in entries if entry.pending]
    upcoming = [e.deadline for e in pending if e.deadline is not None and e.deadline >= as_of]
    return Status(
        as_of=as_of,
        district=plan.district,
        phase=plan.phase_on(as_of),
        next_phase=plan.next_phase(as_of),
        next_deadline=min(upcoming) if upcoming else None,
        review_day=plan.review_day,
        entries=tuple(entries),
        units=_by_unit(pending),
        eligible=all(result.eligible for result in evaluations.results),
        warnings=plan.warnings,
    )


def _entries(rubric: Rubric, result: Result, plan: Plan, as_of: datetime.date) -> list[StatusEntry]:
    rubric_plan = plan.for_rubric(rubric)
    found = []
    for task in result.tasks:
        assignment = rubric_plan.of("task", task.id) if rubric_plan else None
        found.append(_task_entry(rubric.title, task, assignment, as_of))
    for item in result.items:
        assignment = rubric_plan.of("item", item.id) if rubric_plan else None
        found.append(_item_entry(rubric.title, item, assignment, as_of))
    return found


def _state(done: bool, excused: bool, assignment: Assignment | None, as_of: datetime.date) -> str:
    if excused:
        return EXCUSED
    if done:
        return DONE
    deadline = assignment.deadline if assignment else None
    return OVERDUE if deadline is not None and as_of > deadline else OPEN


def _planned(assignment: Assignment | None, as_of: datetime.date) -> dict[str, Any]:
    if assignment is None:
        return {"units": (), "deadline": None, "ongoing": False, "note": None, "planned": False}
    deadline = assignment.deadline
    return {
        "units": assignment.units,
        "deadline": deadline,
        "ongoing": assignment.ongoing,
        "note": assignment.note,
        "planned": True,
        "days_left": (deadline - as_of).days if deadline else None,
    }


def _task_entry(
    rubric: str, task: TaskTrace, assignment: Assignment | None, as_of: datetime.date
) -> StatusEntry:
    state = _state(task.done, task.status == NOT_APPLICABLE, assignment, as_of)
    unmet = tuple(requirement.text for requirement in task.unmet)
    return StatusEntry(
        rubric, "task", task.id, task.title, state, unmet=unmet, **_planned(assignment, as_of)
    )


def item_done(item: ItemTrace) -> bool:
    """An item is done when it has every point it can reach and no veto in it struck."""
    return item.score >= item.reachable and not any(veto.triggered for veto in item.vetoes)


def item_excused(item: ItemTrace) -> bool:
    """合理缺项 as a whole, or every rule of it not applicable: nothing left to do."""
    return item.na_reason is not None or (item.max == 0 and item.na_points > 0)


def _item_entry(
    rubric: str, item: ItemTrace, assignment: Assignment | None, as_of: datetime.date
) -> StatusEntry:
    state = _state(item_done(item), item_excused(item), assignment, as_of)
    return StatusEntry(
        rubric,
        "item",
        item.id,
        item.title,
        state,
        earned=item.score,
        reachable=item.reachable,
        **_planned(assignment, as_of),
    )


def _by_unit(pending: Iterable[StatusEntry]) -> tuple[UnitStatus, ...]:
    owned: dict[str, list[StatusEntry]] = {}
    for entry in pending:
        for unit in entry.units or (NO_UNIT,):
            owned.setdefault(unit, []).append(entry)
    units = [
        UnitStatus(unit, tuple(sorted(entries, key=StatusEntry.urgency)))
        for unit, entries in owned.items()
    ]
    # the unit with the most overdue first, then the most open; a tie keeps the plan's order
    return tuple(sorted(units, key=lambda u: (-u.overdue, -len(u.entries))))
