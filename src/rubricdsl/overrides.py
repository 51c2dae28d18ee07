"""The on-site review (现场评审): the evidence (佐证材料) behind a district's values, and the
reviewers' overrides of a rule's or an item's points, each with who, when and why.

docs/overrides.md says what is accepted and what an override does to the score. Everything
here is checked before it reaches a score, and every problem is listed at once."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Protocol

import attrs

from rubricdsl.datafile import LINE_BREAKS, check_evidence
from rubricdsl.errors import (
    IndicatorError,
    IndicatorProblem,
    RubricArgumentError,
    RubricError,
    problem_list,
)
from rubricdsl.escape import clip, escape, shown
from rubricdsl.evaltree import ItemNode, RubricTree
from rubricdsl.exact import exactly
from rubricdsl.i18n import _
from rubricdsl.inputs import InvalidValueError, closest, copy_indicators, is_bool, to_decimal
from rubricdsl.limits import DEFAULT_LIMITS, Limits, decimal_problem
from rubricdsl.model import fmt
from rubricdsl.trace import NOT_APPLICABLE, Result

# ---- evidence ----------------------------------------------------------------------------------

_LINE_BREAKS = frozenset(LINE_BREAKS)  # as the data file's reader: a reference is one line


def _reference_problem(reference: object, limits: Limits) -> str | None:
    """Why one reference is not one: not text, empty, several lines, too long."""
    if not isinstance(reference, str):
        return _(
            "{value} is not a reference: give a document number, a file name or a link as text"
        ).format(value=_shown(reference))
    if not reference.strip():
        return _("an empty reference; give a document number, a file name or a link")
    if _LINE_BREAKS & set(reference):
        return _("a reference is one line; give several as a list")
    if len(reference) > limits.max_text_length:
        return _("a reference of {length} characters; at most {most} are allowed").format(
            length=f"{len(reference):,}", most=f"{limits.max_text_length:,}"
        )
    return None


def read_evidence(
    known_names: Iterable[str], evidence: object, limits: Limits = DEFAULT_LIMITS
) -> dict[str, tuple[str, ...]]:
    """The evidence checked: each key an indicator the rubric declares (with the closest one
    for a name it does not), each value a reference (a line of text) or a list of them. The
    result keeps the order of `known_names`. IndicatorError lists every problem at once, each
    named `evidence '<name>'`."""
    if evidence is None:
        return {}
    if not isinstance(evidence, Mapping):
        kind = type(evidence).__name__
        message = _("expected a mapping of indicator names to references, not {type}").format(
            type=kind
        )
        raise IndicatorError([IndicatorProblem("evidence", message)])
    given = copy_indicators(evidence)
    known = list(known_names)
    problems: list[IndicatorProblem] = []
    omitted = 0
    names: dict[str, object] = {}
    for key, value in given.items():
        if isinstance(key, str):
            names[key] = value
        else:
            problems.append(
                IndicatorProblem(f"evidence {_shown(key)}", _("is not an indicator name (text)"))
            )
    try:  # the data file's reader has the same check: one message for both
        check_evidence(names, known, limits)
    except IndicatorError as error:
        problems += error.problems
        omitted += error.omitted
    found: dict[str, tuple[str, ...]] = {}
    declared = set(known)
    for name, value in names.items():
        if name not in declared:  # refused above, whatever its references
            continue
        where = f"evidence '{clip(name, 80)}'"
        references: Sequence[object]
        if isinstance(value, str):
            references = (value,)
        elif isinstance(value, list | tuple):
            references = value
            if not references:
                problems.append(
                    IndicatorProblem(
                        where, _("an empty list; give a reference or leave the name out")
                    )
                )
                continue
        else:
            message = _(
                "{value} is not a reference: give a document number, a file name or a link as "
                "text, or a list of them"
            ).format(value=_shown(value))
            problems.append(IndicatorProblem(where, message))
            continue
        wrong = [
            (position, problem)
            for position, reference in enumerate(references, start=1)
            if (problem := _reference_problem(reference, limits)) is not None
        ]
        for position, problem in wrong:
            place = (
                where
                if isinstance(value, str)
                else _("{where} reference {position}").format(where=where, position=position)
            )
            problems.append(IndicatorProblem(place, problem))
        if not wrong:
            found[name] = tuple(str(reference).strip() for reference in references)
    if problems or omitted:
        kept = problems[: limits.max_problems]
        raise IndicatorError(kept, omitted + len(problems) - len(kept))
    return {name: found[name] for name in known if name in found}


# ---- overrides ---------------------------------------------------------------------------------


@attrs.frozen
class Override:
    """Reviewers' points for one rule of an item (`rule`: its place in the item, from 1 in the
    order written) or for a whole item (`rule` None), decided on site: who, on which day, why.

    A rule's points replace its outcome before its item's cap, floor and stages; an item's
    replace its score after its rules. `position` is its place in the list given, from 1."""

    item: str
    rule: int | None
    points: Decimal
    by: str
    on: datetime.date
    reason: str
    position: int = attrs.field(default=0, eq=False)

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.item, self.rule)

    @property
    def target(self) -> str:
        """`item 14, rule 4` or `item 19`."""
        return f"item {self.item}" + (f", rule {self.rule}" if self.rule is not None else "")


@attrs.frozen
class OverrideProblem:
    """One thing wrong with the overrides: where (`overrides[2].points`), and what."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{escape(self.place)}: {escape(self.message)}"


class OverrideError(RubricError):
    """Reviewers' overrides that cannot be applied: a field missing or of the wrong kind, an
    item or rule that does not exist or is 合理缺项, points out of range, an override given twice.

    `problems` lists them (at most Limits.max_problems), each with its place in the list
    (`overrides[2].points`, counted from 1); `omitted` counts those past that."""

    def __init__(self, problems: Sequence[OverrideProblem], omitted: int = 0) -> None:
        self.problems: list[OverrideProblem] = list(problems)
        self.omitted = omitted
        one, many = (
            _("the overrides have {count} problem:"),
            _("the overrides have {count} problems:"),
        )
        super().__init__(problem_list(self.problems, omitted, one, many))


FIELDS = ("item", "rule", "points", "by", "on", "reason")
REQUIRED = ("item", "points", "by", "on", "reason")


def _meaning(field: str) -> str:
    """What a required field of an override says, in the language being spoken."""
    meanings = {
        "item": _("the id of the item overridden"),
        "points": _("the reviewers' points"),
        "by": _("who decided it"),
        "on": _("the day it was decided (2022-03-15)"),
        "reason": _("why"),
    }
    return meanings[field]


def target_text(item: str, rule: int | None) -> str:
    """What an override overrides, as `Override.target` says it, in the language being
    spoken: `item 14, rule 4` or `item 19`."""
    if rule is None:
        return _("item {id}").format(id=item)
    return _("item {item}, rule {rule}").format(item=item, rule=rule)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


class _HasTree(Protocol):
    @property
    def tree(self) -> RubricTree: ...


def _shown(value: object) -> str:
    """A value as a message may quote it (escaping happens when the message is printed)."""
    if isinstance(value, str):
        return repr(clip(value, 40))
    try:
        return clip(repr(value), 40)
    except Exception:  # the caller's object may fail even to describe itself
        return f"a {type(value).__name__}"


@attrs.define
class FoundProblems:
    """Problems found so far, each with the position of its override (for the order)."""

    problems: list[tuple[int, OverrideProblem]] = attrs.Factory(list)

    def add(self, position: int, field: str | None, message: str) -> None:
        place = f"overrides[{position}]" + (f".{field}" if field else "")
        self.problems.append((position, OverrideProblem(place, message)))

    def error(self, limits: Limits) -> OverrideError:
        ordered = [problem for _position, problem in sorted(self.problems, key=lambda p: p[0])]
        kept = ordered[: limits.max_problems]
        return OverrideError(kept, len(ordered) - len(kept))


def read_overrides(
    raw: object, rubric: RubricTree | _HasTree, limits: Limits = DEFAULT_LIMITS
) -> tuple[Override, ...]:
    """The overrides of a data file (its `overrides:` list, as parsed) checked against a rubric:
    each a mapping of `item`, `rule` (optional: the whole item without it), `points`, `by`, `on`
    and `reason` (an `Override` is taken as well). OverrideError lists every problem at once.

    What depends on a district's values — a rule or item that is 合理缺项, an item's maximum
    after 合理缺项 — is checked when the rubric is evaluated (`Rubric.evaluate(…, overrides=…)`)."""
    overrides, found = check_overrides(raw, rubric, limits)
    if found.problems:
        raise found.error(limits)
    return overrides


@exactly
def check_overrides(
    raw: object, rubric: RubricTree | _HasTree, limits: Limits = DEFAULT_LIMITS
) -> tuple[tuple[Override, ...], FoundProblems]:
    """The overrides that are sound, and the problems of the others."""
    tree = rubric if isinstance(rubric, RubricTree) else getattr(rubric, "tree", None)
    if not isinstance(tree, RubricTree):
        kind = type(rubric).__name__
        raise RubricArgumentError(f"overrides are checked against a Rubric, not {kind}")
    found = FoundProblems()
    if raw is None:
        return (), found
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Sequence):
        message = _("expected a list of overrides, not {type}").format(type=type(raw).__name__)
        found.problems.append((0, OverrideProblem("overrides", message)))
        return (), found
    items = tree.item_nodes()
    kept: list[Override] = []
    taken: dict[tuple[str, int | None], int] = {}
    for position, entry in enumerate(list(raw), start=1):
        override = _one(position, entry, items, found, limits)
        if override is None:
            continue
        if _clashes(override, taken, items, found):
            continue
        taken[override.key] = position
        kept.append(override)
    return tuple(kept), found


def _clashes(
    override: Override,
    taken: Mapping[tuple[str, int | None], int],
    items: Mapping[str, ItemNode],
    found: FoundProblems,
) -> bool:
    """An override of what is overridden already, or of a rule of an item overridden as a
    whole (or the other way round): it would count for nothing, so it is refused."""
    position = override.position
    if override.key in taken:
        first = taken[override.key]
        found.add(
            position,
            None,
            _("{target} is overridden already, by overrides[{first}]").format(
                target=target_text(override.item, override.rule), first=first
            ),
        )
        return True
    if override.rule is not None and (override.item, None) in taken:
        first = taken[(override.item, None)]
        found.add(
            position,
            "rule",
            _(
                "item {item} is overridden as a whole by overrides[{first}]; an override of its "
                "rule {rule} would count for nothing"
            ).format(item=override.item, first=first, rule=override.rule),
        )
        return True
    if override.rule is None:
        count = len(items[override.item].rules)
        rules = [taken[key] for n in range(1, count + 1) if (key := (override.item, n)) in taken]
        if rules:
            found.add(
                position,
                None,
                _(
                    "a rule of item {item} is overridden already, by overrides[{first}]; an "
                    "override of the whole item would make it count for nothing"
                ).format(item=override.item, first=rules[0]),
            )
            return True
    return False


def _one(
    position: int,
    entry: object,
    items: Mapping[str, ItemNode],
    found: FoundProblems,
    limits: Limits,
) -> Override | None:
    """One override checked: None when it has a problem (each is added to `found`)."""
    before = len(found.problems)
    if isinstance(entry, Override):
        entry = {
            "item": entry.item,
            "rule": entry.rule,
            "points": entry.points,
            "by": entry.by,
            "on": entry.on,
            "reason": entry.reason,
        }
    if not isinstance(entry, Mapping):
        found.add(
            position,
            None,
            _("expected a mapping of {fields}, not {type}").format(
                fields=", ".join(FIELDS), type=type(entry).__name__
            ),
        )
        return None
    try:
        fields = dict(entry)
    except Exception as problem:  # the caller's own Mapping
        found.add(
            position,
            None,
            _("could not be read ({reason})").format(reason=type(problem).__name__),
        )
        return None
    for key in fields:
        if key not in FIELDS:
            name = key if isinstance(key, str) else repr(key)
            close = closest(name, FIELDS, limits)
            if close:
                message = _("unknown key {key} (did you mean '{name}'? an override has {fields})")
            else:
                message = _("unknown key {key} (an override has {fields})")
            found.add(
                position,
                None,
                message.format(key=_shown(key), name=close, fields=", ".join(FIELDS)),
            )
    for key in REQUIRED:
        if fields.get(key) is None:
            found.add(position, key, _("missing: {meaning}").format(meaning=_meaning(key)))
    item = _item(position, fields.get("item"), items, found, limits)
    rule_problems = len(found.problems)
    rule = _rule(position, fields.get("rule"), item, found)
    rule_wrong = len(found.problems) > rule_problems
    points = _points(position, fields.get("points"), found)
    by = _text(position, "by", fields.get("by"), limits.max_name_length, found, one_line=True)
    on = _day(position, fields.get("on"), found)
    reason = _text(position, "reason", fields.get("reason"), limits.max_text_length, found)
    if item is not None and points is not None and not rule_wrong:
        _within(position, points, item, rule, found)
    if len(found.problems) > before:
        return None
    assert item is not None and points is not None and by is not None and on is not None
    assert reason is not None
    return Override(item.id, rule, points, by, on, reason, position)


def _item(
    position: int,
    given: object,
    items: Mapping[str, ItemNode],
    found: FoundProblems,
    limits: Limits,
) -> ItemNode | None:
    if given is None:
        return None
    if is_bool(given) or not isinstance(given, str | int | Decimal | float):
        found.add(position, "item", _("{value} is not an item id").format(value=_shown(given)))
        return None
    # a bare id in YAML may read as a number: 14, 2.1
    name = given if isinstance(given, str) else str(_decimal(given))
    if name in items:
        return items[name]
    close = closest(name, items, limits)
    if close:
        message = _("the rubric has no item {id}; did you mean '{name}'?")
    else:
        message = _("the rubric has no item {id}")
    found.add(position, "item", message.format(id=shown(name, 40), name=close))
    return None


def _rule(position: int, given: object, item: ItemNode | None, found: FoundProblems) -> int | None:
    """The rule's place in its item (from 1), None for the whole item (or when wrong: the
    problem is added to `found`)."""
    if given is None:
        return None
    number = None if is_bool(given) or isinstance(given, str) else _decimal(given)
    whole = number is not None and number.is_finite() and number == number.to_integral_value()
    if number is None or not whole or number < 1:
        found.add(
            position,
            "rule",
            _(
                "{value} is not a rule's place in its item (1 for its first rule, 2 for the "
                "next, in the order written)"
            ).format(value=_shown(given)),
        )
        return None
    if item is None:
        return int(number)
    if number > len(item.rules):
        lines = _(", ").join(
            _("rule {rule} line {line}").format(rule=n, line=rule.line)
            for n, rule in enumerate(item.rules, start=1)
        )
        if len(item.rules) == 1:
            message = _("item {item} has {count} rule ({lines}); there is no rule {rule}")
        else:
            message = _("item {item} has {count} rules ({lines}); there is no rule {rule}")
        found.add(
            position,
            "rule",
            message.format(
                item=item.id, count=len(item.rules), lines=lines, rule=clip(fmt(number), 40)
            ),
        )
        return None
    return int(number)


def _decimal(given: object) -> Decimal | None:
    try:
        return to_decimal(given)
    except InvalidValueError:  # a Fraction with no exact decimal
        return None


def _points(position: int, given: object, found: FoundProblems) -> Decimal | None:
    """The points as an exact decimal: a whole or decimal number (int, Decimal, or text of
    digits such as "1.5"); a float only when it is exactly the decimal it shows (1.5, not 0.1)."""
    if given is None:
        return None
    value: Decimal | None = None
    if isinstance(given, str):
        if _PLAIN_NUMBER.fullmatch(given.strip()):
            value = Decimal(given.strip())
    elif isinstance(given, float):
        exact = Decimal.from_float(given)
        value = exact if _decimal(given) == exact else None
        if value is None and exact.is_finite():
            found.add(
                position,
                "points",
                _(
                    "{value} is a float that is not exactly {value}: give it as a Decimal or as "
                    'text ("{value}")'
                ).format(value=repr(given)),
            )
            return None
    elif not is_bool(given):
        value = _decimal(given)
    if value is None:
        found.add(
            position, "points", _("{value} is not a number of points").format(value=_shown(given))
        )
        return None
    problem = decimal_problem(value, DEFAULT_LIMITS, _)
    if problem is not None:
        found.add(
            position,
            "points",
            _("{value} {problem}").format(value=shown(str(value), 40), problem=problem),
        )
        return None
    return value


def _text(
    position: int,
    field: str,
    given: object,
    limit: int,
    found: FoundProblems,
    *,
    one_line: bool = False,
) -> str | None:
    if given is None:
        return None
    if not isinstance(given, str):
        found.add(position, field, _("{value} is not text").format(value=_shown(given)))
        return None
    text = given.strip()
    if not text:
        found.add(position, field, _("is empty: give {meaning}").format(meaning=_meaning(field)))
        return None
    if len(text) > limit:
        found.add(
            position,
            field,
            _("has {length} characters; at most {most} are allowed").format(
                length=f"{len(text):,}", most=f"{limit:,}"
            ),
        )
        return None
    if one_line and _LINE_BREAKS & set(text):
        found.add(position, field, _("must be one line"))
        return None
    return text


def _day(position: int, given: object, found: FoundProblems) -> datetime.date | None:
    """A day: a date (YAML reads 2022-03-15 as one), or its ISO text; not a time of day."""
    if given is None:
        return None
    if isinstance(given, datetime.datetime):
        found.add(
            position,
            "on",
            _("{value} is a time; give the day alone (2022-03-15)").format(value=given.isoformat()),
        )
        return None
    if isinstance(given, datetime.date):
        return given
    if isinstance(given, str) and _ISO_DAY.fullmatch(given.strip()):
        try:
            return datetime.date.fromisoformat(given.strip())
        except ValueError:
            found.add(
                position,
                "on",
                _("{value} is not a day of the calendar").format(value=_shown(given)),
            )
            return None
    found.add(
        position,
        "on",
        _("{value} is not a day (write it as 2022-03-15)").format(value=_shown(given)),
    )
    return None


def _within(
    position: int, points: Decimal, item: ItemNode, rule: int | None, found: FoundProblems
) -> None:
    """Points within what the rule can give (a deduction: take), or the item can score."""
    if rule is None:
        limit = item.limit(item.declared)
        if item.cap is not None and item.cap < item.declared:
            message = _("{points} is outside what item {item} can score: 0 to {limit} (its cap)")
        else:
            message = _(
                "{points} is outside what item {item} can score: 0 to {limit} (its declared points)"
            )
        if not Decimal(0) <= points <= limit:
            found.add(
                position,
                "points",
                message.format(points=fmt(points), item=item.id, limit=fmt(limit)),
            )
        return
    node = item.rules[rule - 1]
    if node.points > 0:
        if not Decimal(0) <= points <= node.reach:
            found.add(
                position,
                "points",
                _(
                    "{points} is outside what rule {rule} of item {item} (line {line}) can give: "
                    "0 to {reach}"
                ).format(
                    points=fmt(points),
                    rule=rule,
                    item=item.id,
                    line=node.line,
                    reach=fmt(node.reach),
                ),
            )
        return
    severest = node.severest
    if severest is None:  # a deduction per unit without `max`: as much as the item can hold
        severest = -max(item.limit(item.declared), item.reach)
    if not severest <= points <= Decimal(0):
        found.add(
            position,
            "points",
            _(
                "{points} is outside what rule {rule} of item {item} (line {line}) can deduct: "
                "{severest} to 0 (a deduction is overridden with points of 0 or less)"
            ).format(
                points=fmt(points),
                rule=rule,
                item=item.id,
                line=node.line,
                severest=fmt(severest),
            ),
        )


def check_applied(overrides: Sequence[Override], result: Result) -> FoundProblems:
    """What only the evaluation can tell: an override of an item (or of a rule of one) that is
    合理缺项 as a whole, of a rule that is 合理缺项, or an item's points past its maximum after
    合理缺项."""
    found = FoundProblems()
    for override in overrides:
        item = result.item(override.item)
        position = override.position
        if item.na_reason is not None:
            found.add(
                position,
                "item",
                _(
                    "item {item} is 合理缺项 ({reason}): its points leave the maximum, so there is "
                    "nothing to override"
                ).format(item=item.id, reason=clip(item.na_reason, 80)),
            )
        elif override.rule is not None:
            rule = item.rules[override.rule - 1]
            if rule.status == NOT_APPLICABLE and rule.override is None:
                found.add(
                    position,
                    "rule",
                    _(
                        "rule {rule} of item {item} (line {line}) is 合理缺项 ({reason}): its "
                        "points leave the maximum, so there is nothing to override"
                    ).format(
                        rule=override.rule,
                        item=item.id,
                        line=rule.line,
                        reason=clip(rule.na_reason or "", 80),
                    ),
                )
        else:
            limit = item.max if item.cap is None else min(item.max, item.cap)
            if override.points > limit:
                found.add(
                    position,
                    "points",
                    _(
                        "{points} is more than item {item} can score after 合理缺项: 0 to "
                        "{limit} (its declared {declared} less {na} not applicable)"
                    ).format(
                        points=fmt(override.points),
                        item=item.id,
                        limit=fmt(limit),
                        declared=fmt(item.declared),
                        na=fmt(item.na_points),
                    ),
                )
    return found
