"""Points by owner: for each responsible unit, the points its items can give, earned and lost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from rubricdsl.campaign import Evaluations
from rubricdsl.exact import exactly
from rubricdsl.model import fmt
from rubricdsl.plan import Plan
from rubricdsl.status import NO_UNIT

ZERO = Decimal(0)


@attrs.frozen
class OwnedItem:
    """An item a unit owns, alone or shared with other units."""

    rubric: str
    id: str
    title: str
    bonus: bool
    max: Decimal  # its points after 合理缺项 (before the base is prorated)
    earned: Decimal
    units: tuple[str, ...]

    @property
    def shared(self) -> bool:
        return len(self.units) > 1

    @property
    @exactly
    def lost(self) -> Decimal:
        return self.max - self.earned

    def to_dict(self) -> dict[str, Any]:
        return {
            "rubric": self.rubric,
            "id": self.id,
            "title": self.title,
            "bonus": self.bonus,
            "max": fmt(self.max),
            "earned": fmt(self.earned),
            "lost": fmt(self.lost),
            "shared": self.shared,
            "units": list(self.units),
        }


@attrs.frozen
class UnitPoints:
    """One unit's items and their points. An item shared by several units counts in full for
    each of them, so these figures are never summed across units into a total."""

    unit: str  # NO_UNIT for items whose plan names none
    items: tuple[OwnedItem, ...]

    @property
    @exactly
    def max(self) -> Decimal:
        return sum((item.max for item in self.items), ZERO)

    @property
    @exactly
    def earned(self) -> Decimal:
        return sum((item.earned for item in self.items), ZERO)

    @property
    @exactly
    def lost(self) -> Decimal:
        return self.max - self.earned

    @property
    def shared(self) -> int:
        return sum(1 for item in self.items if item.shared)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit or None,
            "max": fmt(self.max),
            "earned": fmt(self.earned),
            "lost": fmt(self.lost),
            "shared_items": self.shared,
            "items": [item.to_dict() for item in self.items],
        }


def points_by_owner(evaluations: Evaluations, plan: Plan) -> tuple[UnitPoints, ...]:
    """Each unit the plan names, with the scored items it owns; most points lost first."""
    owned: dict[str, list[OwnedItem]] = {}
    for rubric, result in evaluations.pairs():
        rubric_plan = plan.for_rubric(rubric)
        for category in result.categories:
            for item in category.items():
                assignment = rubric_plan.of("item", item.id) if rubric_plan else None
                units = assignment.units if assignment else ()
                entry = OwnedItem(
                    rubric.title,
                    item.id,
                    item.title,
                    category.is_bonus,
                    item.max,
                    item.score,
                    units,
                )
                for unit in units or (NO_UNIT,):
                    owned.setdefault(unit, []).append(entry)
    found = [UnitPoints(unit, tuple(items)) for unit, items in owned.items()]
    return tuple(sorted(found, key=lambda unit: -unit.lost))
