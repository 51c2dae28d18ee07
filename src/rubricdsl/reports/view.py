"""What a Markdown or HTML report shows, made once from results, status and owners: rows of
display-ready text, each number with the JSON path it stands for (so a test can check them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from rubricdsl.escape import clip, escape
from rubricdsl.gaps import GapReport
from rubricdsl.i18n import Translate, translator
from rubricdsl.inputs import place_words
from rubricdsl.model import fmt
from rubricdsl.owners import UnitPoints
from rubricdsl.render import (
    detail_words,
    grade_reason_words,
    json_ready,
    loss_where,
    losses,
    meta_key,
    rule_status_words,
    veto_effect,
)
from rubricdsl.render_gaps import suggestion_text
from rubricdsl.reports.text import due_text, entry_name, lacking_text, state_words, units_text
from rubricdsl.status import OPEN, OVERDUE, STATES, Status, StatusEntry
from rubricdsl.trace import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    ItemTrace,
    OverrideTrace,
    Result,
    RuleTrace,
)

META_WIDTH = 200


@attrs.frozen
class Number:
    """A number as shown, and where the same number stands in the command's JSON output (None
    when that output does not carry it)."""

    text: str
    path: str | None


# The prefix of a result whose numbers the command's JSON does not carry (gaps' JSON carries
# the gap analysis, not the trace): their paths are dropped.
UNLISTED = "\x00"


def _listed(path: str) -> str | None:
    return None if path.startswith(UNLISTED) else path


def number(value: Decimal, path: str) -> Number:
    return Number(fmt(value), _listed(path))


@attrs.frozen
class TotalRow:
    label: str
    value: Number
    maximum: str


@attrs.frozen
class CategoryBar:
    """A category's declared points split into earned, lost and not applicable."""

    title: str
    bonus: bool
    score: Number
    maximum: Number
    lost: str
    na: str
    # shares of the bar, in percent of the widest category's declared points
    earned_share: float
    lost_share: float
    na_share: float
    note: str


@attrs.frozen
class TaskCell:
    id: str
    title: str
    section: str
    status: str  # met | not_met | not_applicable
    word: str
    unmet: tuple[str, ...]


@attrs.frozen
class RequirementRow:
    status: str
    word: str
    scope: str
    text: str
    values: str


@attrs.frozen
class LossRow:
    points: Number
    where: str
    text: str
    values: str
    evidence: tuple[str, ...] = ()
    computed: tuple[str, ...] = ()  # how the derived values read were computed


@attrs.frozen
class GapRow:
    """A suggestion of the gap analysis: the change, what the total gains, the rules it meets."""

    gain: Number
    change: str
    rules: tuple[str, ...]
    notes: tuple[str, ...]


@attrs.frozen
class GapsView:
    highest: Number
    after_all: Number
    rows: tuple[GapRow, ...]


@attrs.frozen
class OverrideView:
    """Reviewers' points decided on site, beside what the rubric computed."""

    points: Number
    computed: Number
    note: str  # who, when, why


@attrs.frozen
class RuleRow:
    status: str
    word: str  # the status in the reader's language
    gave: Number
    reach: Number
    text: str
    values: str
    detail: str
    evidence: tuple[str, ...] = ()  # `name: reference; reference`, one per indicator
    override: OverrideView | None = None
    computed: tuple[str, ...] = ()  # `rate = a / b = 18 / 20 = 90.00%, …`, one per value


@attrs.frozen
class ItemView:
    id: str
    title: str
    score: Number
    maximum: Number
    done: bool
    na_reason: str | None
    rules: tuple[RuleRow, ...]
    override: OverrideView | None = None


@attrs.frozen
class ScoredView:
    """One rubric's result."""

    title: str
    year: int
    checklist: bool  # requirements only: nothing scored
    totals: tuple[TotalRow, ...]
    total: Number | None
    grade: str | None
    grade_reasons: tuple[str, ...]
    eligible: bool
    failed_by_veto: bool
    vetoes: tuple[str, ...]
    categories: tuple[CategoryBar, ...]
    tasks: tuple[TaskCell, ...]
    tasks_done: int
    requirements: tuple[RequirementRow, ...]
    losses: tuple[LossRow, ...]
    items: tuple[ItemView, ...]
    gaps: GapsView | None = None
    # the reviewers' overrides: what was overridden, the points, who, when, why, computed
    overrides: tuple[tuple[str, OverrideView], ...] = ()


@attrs.frozen
class OwnerRow:
    unit: str
    items: int
    shared: int
    maximum: Number
    earned: Number
    lost: Number


@attrs.frozen
class StatusRow:
    state: str
    word: str
    name: str
    title: str
    due: str
    units: str
    lacking: str


@attrs.frozen
class StatusView:
    as_of: str
    phase: str
    next_deadline: str
    review: str
    counts: tuple[tuple[str, str, int], ...]  # state, word, how many
    may_apply: bool
    rows: tuple[StatusRow, ...]  # overdue and open, most urgent first
    settled: tuple[StatusRow, ...]  # done and not applicable
    units: tuple[tuple[str, int, int, tuple[StatusRow, ...]], ...]


@attrs.frozen
class ReportView:
    """Everything a report shows, in the reader's language."""

    lang: str
    heading: str
    meta: tuple[tuple[str, str], ...]
    scored: tuple[ScoredView, ...]
    owners: tuple[OwnerRow, ...]
    owners_path: str | None
    status: StatusView | None
    labels: Mapping[str, str]


def build_view(
    lang: str,
    results: Sequence[tuple[Result, str | None]],
    *,
    gaps: Sequence[tuple[GapReport, str | None] | None] = (),
    meta: Mapping[Any, object] | None = None,
    status: Status | None = None,
    owners: Sequence[UnitPoints] = (),
    owners_path: str = "owners",
) -> ReportView:
    """The view of a report: each result with the JSON path of its document (`""` for a
    score's own JSON, `"results/0/"` inside status's, None when the JSON has no trace), each
    result's gap analysis when given (with the path of its document in the JSON, or None when
    the JSON does not carry it), the status and points by owner."""
    _ = translator(lang)
    scored = tuple(
        _scored(result, UNLISTED if prefix is None else prefix, _) for result, prefix in results
    )
    if gaps:
        scored = tuple(
            attrs.evolve(view, gaps=_gaps_view(pair[0], pair[1], lang)) if pair else view
            for view, pair in zip(scored, gaps, strict=True)
        )
    titles = [view.title for view in scored]
    district = _district(meta, status)
    heading = " · ".join(filter(None, [district, *titles]))
    return ReportView(
        lang=lang,
        heading=heading,
        meta=_meta_rows(meta),
        scored=scored,
        owners=tuple(_owner_rows(owners, owners_path, _)),
        owners_path=owners_path if owners else None,
        status=_status_view(status, _) if status is not None else None,
        labels=labels(_),
    )


def _district(meta: Mapping[Any, object] | None, status: Status | None) -> str:
    if status is not None and status.district:
        return escape(status.district)
    district = (meta or {}).get("district")
    return escape(clip(str(district), META_WIDTH)) if district else ""


def _meta_rows(meta: Mapping[Any, object] | None) -> tuple[tuple[str, str], ...]:
    rows = []
    for key, value in (meta or {}).items():
        ready = json_ready(value)
        text = ready if isinstance(ready, str) else str(ready)
        rows.append((escape(clip(meta_key(key), META_WIDTH)), escape(clip(text, META_WIDTH))))
    return tuple(rows)


def _requirement_words(_: Translate) -> dict[str, str]:
    return {MET: _("holds"), NOT_MET: _("not met"), NOT_APPLICABLE: _("not applicable")}


def _task_words(_: Translate) -> dict[str, str]:
    return {MET: _("done"), NOT_MET: _("not done"), NOT_APPLICABLE: _("not applicable")}


def _scored(result: Result, prefix: str, _: Translate) -> ScoredView:
    info = result.rubric
    tasks_words = _task_words(_)
    tasks = tuple(
        TaskCell(
            escape(task.id),
            escape(task.title),
            escape(task.section),
            task.status,
            tasks_words[task.status],
            tuple(escape(r.text) for r in task.unmet),
        )
        for task in result.tasks
    )
    words = _requirement_words(_)
    requirements = tuple(
        RequirementRow(
            r.status,
            words[r.status],
            escape(place_words(r.scope, _)),
            escape(r.text),
            escape(r.values_text()),
        )
        for r in result.requirements
        if not r.scope.startswith("task ")
    )
    checklist = not result.categories
    grade = result.grade
    return ScoredView(
        title=escape(info.title),
        year=info.year,
        checklist=checklist,
        totals=() if checklist else _totals(result, prefix, _),
        total=None if checklist else number(result.total, f"{prefix}total"),
        grade=escape(grade.grade) if grade else None,
        grade_reasons=(
            tuple(escape(grade_reason_words(reason, _)) for reason in grade.reasons)
            if grade
            else ()
        ),
        eligible=result.eligible,
        failed_by_veto=bool(result.vetoes),
        vetoes=tuple(
            escape(f"{veto.text} ({veto_effect(veto, _)})")
            for veto in result.all_vetoes
            if veto.triggered
        ),
        categories=_bars(result, prefix, _),
        tasks=tasks,
        tasks_done=sum(1 for task in result.tasks if task.done),
        requirements=requirements,
        losses=_losses(result, prefix, _),
        items=_items(result, prefix, _),
        overrides=_overrides(result, prefix, _),
    )


def _totals(result: Result, prefix: str, _: Translate) -> tuple[TotalRow, ...]:
    info = result.rubric
    rows = [
        TotalRow(
            _("base, prorated") if result.na_points else _("base"),
            number(result.base, f"{prefix}base"),
            fmt(info.base_max),
        ),
        TotalRow(_("bonus"), number(result.bonus, f"{prefix}bonus"), fmt(info.bonus_max)),
    ]
    if result.deductions:
        rows.append(TotalRow(_("deducted"), number(result.deducted, f"{prefix}deducted"), ""))
    if result.na_points:
        rows.append(
            TotalRow(
                _("not applicable (合理缺项)"), number(result.na_points, f"{prefix}na_points"), ""
            )
        )
    rows.append(
        TotalRow(
            _("total"), number(result.total, f"{prefix}total"), fmt(info.base_max + info.bonus_max)
        )
    )
    return tuple(rows)


def _bars(result: Result, prefix: str, _: Translate) -> tuple[CategoryBar, ...]:
    widest = max((c.declared for c in result.categories), default=Decimal(0))
    bars = []
    for index, category in enumerate(result.categories):
        path = f"{prefix}categories/{index}/"
        lost = max(category.max - category.score, Decimal(0))
        notes = []
        if category.cut:
            notes.append(_("capped from {earned}").format(earned=fmt(category.earned)))
        if category.deducted:
            notes.append(_("{points} deducted").format(points=fmt(category.deducted)))
        if category.na_reason:
            notes.append(escape(category.na_reason))
        bars.append(
            CategoryBar(
                title=escape(category.title),
                bonus=category.is_bonus,
                score=number(category.score, f"{path}score"),
                maximum=number(category.max, f"{path}max"),
                lost=fmt(lost),
                na=fmt(category.na_points),
                earned_share=_share(min(category.score, category.declared), widest),
                lost_share=_share(min(lost, category.declared), widest),
                na_share=_share(min(category.na_points, category.declared), widest),
                note="；".join(notes),
            )
        )
    return tuple(bars)


def _share(part: Decimal, whole: Decimal) -> float:
    """A width in percent, for drawing only: no number shown is computed from it."""
    return round(float(part / whole * 100), 2) if whole else 0.0


def _loss_paths(result: Result, prefix: str) -> dict[int, str]:
    """Where each rule's `lost` (an item's `unreachable`) stands in the JSON, by the trace
    object's identity."""
    paths: dict[int, str] = {}
    for index, item in enumerate(result.items):
        paths[id(item)] = f"{prefix}items/{index}/unreachable"
        for k, rule in enumerate(item.rules):
            paths[id(rule)] = f"{prefix}items/{index}/rules/{k}/lost"
    for index, category in enumerate(result.categories):
        for k, rule in enumerate(category.deductions):
            paths[id(rule)] = f"{prefix}categories/{index}/deductions/{k}/lost"
    for k, rule in enumerate(result.deductions):
        paths[id(rule)] = f"{prefix}deductions/{k}/lost"
    return paths


def _losses(result: Result, prefix: str, _: Translate) -> tuple[LossRow, ...]:
    paths = _loss_paths(result, prefix)
    rows = []
    for loss in losses(result):
        where = loss_where(loss, _)
        evidence: tuple[str, ...] = ()
        computed: tuple[str, ...] = ()
        if loss.rule is None:
            text, values = _("declared points no rule can give"), ""
        else:
            text, values = escape(loss.rule.text), escape(loss.rule.values_text())
            evidence, computed = _evidence(loss.rule), _computed(loss.rule)
        source = loss.rule if loss.rule is not None else loss.item
        points = number(loss.points, paths[id(source)])
        row = LossRow(points, where, text, values, evidence, computed)
        rows.append(row)
    return tuple(rows)


def _gaps_view(report: GapReport, path: str | None, lang: str) -> GapsView:
    def at(field: str) -> str | None:
        return f"{path}{field}" if path is not None else None

    rows = []
    for index, suggestion in enumerate(report.suggestions):
        words = suggestion_text(suggestion, lang)
        gain = Number(fmt(suggestion.gain), at(f"suggestions/{index}/gain"))
        rows.append(GapRow(gain, words.change, words.rules, words.notes))
    return GapsView(
        Number(fmt(report.highest), at("highest")),
        Number(fmt(report.after_all), at("after_all")),
        tuple(rows),
    )


def _override(override: OverrideTrace | None, path: str, _: Translate) -> OverrideView | None:
    if override is None:
        return None
    note = _("overridden on site by {by} on {on}: {reason}").format(
        by=escape(override.by), on=override.on.isoformat(), reason=escape(override.reason)
    )
    return OverrideView(
        number(override.points, f"{path}override/points"),
        number(override.computed, f"{path}override/computed"),
        note,
    )


def _evidence(rule: RuleTrace) -> tuple[str, ...]:
    """The references behind the values a rule read: `name: reference; reference`."""
    return tuple(escape(f"{name}: {'; '.join(refs)}") for name, refs in rule.evidence)


def _computed(rule: RuleTrace) -> tuple[str, ...]:
    """How the derived values a rule read were computed, one line each."""
    return tuple(escape(line) for _name, lines in rule.derived for line in lines)


def _rule_row(rule: RuleTrace, path: str, _: Translate) -> RuleRow:
    evidence = _evidence(rule)
    return RuleRow(
        rule.status,
        rule_status_words(_)[rule.status],
        number(rule.gave, f"{path}gave"),
        number(rule.reach, f"{path}reach"),
        escape(rule.text),
        escape(rule.values_text()),
        escape(detail_words(rule.detail, _)),
        evidence,
        _override(rule.override, path, _),
        _computed(rule),
    )


def _items(result: Result, prefix: str, _: Translate) -> tuple[ItemView, ...]:
    views = []
    for index, item in enumerate(result.items):
        path = f"{prefix}items/{index}/"
        views.append(
            ItemView(
                id=escape(item.id),
                title=escape(item.title),
                score=number(item.score, f"{path}score"),
                maximum=number(item.max, f"{path}max"),
                done=_done(item),
                na_reason=escape(item.na_reason) if item.na_reason else None,
                rules=tuple(
                    _rule_row(rule, f"{path}rules/{k}/", _) for k, rule in enumerate(item.rules)
                ),
                override=_override(item.override, path, _),
            )
        )
    return tuple(views)


def _overrides(result: Result, prefix: str, _: Translate) -> tuple[tuple[str, OverrideView], ...]:
    found = []
    for index, item in enumerate(result.items):
        path = f"{prefix}items/{index}/"
        shown = _override(item.override, path, _)
        if shown is not None:
            found.append((_("item {id}").format(id=escape(item.id)), shown))
        for k, rule in enumerate(item.rules):
            shown = _override(rule.override, f"{path}rules/{k}/", _)
            if shown is not None:
                where = _("item {id}, rule {rule}").format(id=escape(item.id), rule=k + 1)
                found.append((where, shown))
    return tuple(found)


def _done(item: ItemTrace) -> bool:
    return item.score >= item.reachable


def _owner_rows(owners: Sequence[UnitPoints], path: str, _: Translate) -> list[OwnerRow]:
    return [
        OwnerRow(
            escape(unit.unit) if unit.unit else _("(no unit named)"),
            len(unit.items),
            unit.shared,
            number(unit.max, f"{path}/{index}/max"),
            number(unit.earned, f"{path}/{index}/earned"),
            number(unit.lost, f"{path}/{index}/lost"),
        )
        for index, unit in enumerate(owners)
    ]


def _status_row(
    entry: StatusEntry, words: Mapping[str, str], _: Translate, *, with_units: bool
) -> StatusRow:
    return StatusRow(
        entry.state,
        words[entry.state],
        entry_name(entry, _),
        escape(entry.title),
        due_text(entry, _),
        units_text(entry.units, _) if with_units else "",
        lacking_text(entry, _),
    )


def _status_view(status: Status, _: Translate) -> StatusView:
    words = state_words(_)
    phase = status.phase
    phase_text = (
        _("{name} (until {end})").format(name=escape(phase.name), end=phase.end.isoformat())
        if phase
        else _("none")
    )
    # overdue first, then open, then done and not applicable; by urgency within each
    order = {state: rank for rank, state in enumerate(STATES)}
    rows = [
        _status_row(entry, words, _, with_units=True)
        for entry in sorted(status.entries, key=lambda e: (order[e.state], e.urgency()))
    ]
    units = []
    for unit in status.units:
        unit_rows = tuple(_status_row(e, words, _, with_units=False) for e in unit.entries)
        name = escape(unit.unit) if unit.unit else _("(no unit named)")
        units.append((name, unit.overdue, len(unit.entries) - unit.overdue, unit_rows))
    next_deadline = (
        _("{day}, in {days} days").format(
            day=status.next_deadline.isoformat(), days=status.days_to_next_deadline
        )
        if status.next_deadline
        else _("none ahead")
    )
    review = (
        _("{day}, in {days} days").format(
            day=status.review_day.isoformat(), days=status.days_to_review
        )
        if status.review_day
        else _("not set")
    )
    counts = tuple((state, words[state], status.count(state)) for state in words)
    return StatusView(
        as_of=status.as_of.isoformat(),
        phase=phase_text,
        next_deadline=next_deadline,
        review=review,
        counts=counts,
        may_apply=status.eligible,
        rows=tuple(row for row in rows if row.state in (OVERDUE, OPEN)),
        settled=tuple(row for row in rows if row.state not in (OVERDUE, OPEN)),
        units=tuple(units),
    )


def labels(_: Translate) -> dict[str, str]:
    """The report's fixed labels, translated once for the template."""
    return {
        "report": _("Quality assessment report"),
        "totals": _("Totals"),
        "score": _("score"),
        "max": _("of"),
        "grade": _("Grade"),
        "eligibility": _("Eligibility"),
        "eligible": _("eligible: every requirement holds"),
        "not_eligible": _("not eligible: a requirement does not hold"),
        "failed": _("failed by a veto (一票否决)"),
        "categories": _("Categories"),
        "earned": _("earned"),
        "lost": _("lost"),
        "na": _("not applicable"),
        "checklist": _("Checklist tasks"),
        "tasks_done": _("{done} of {total} tasks done"),
        "requirements": _("Requirements"),
        "losses": _("Points not earned, largest first"),
        "gaps": _("What wins each lost point back"),
        "gaps_note": _(
            "Each gain is what the total gains with that change alone, measured by rescoring "
            "(after caps, floors, deductions and 合理缺项 proration)."
        ),
        "highest": _("highest score these data allow"),
        "after_all": _("with every change at once"),
        "gain": _("gain"),
        "change": _("change"),
        "no_losses": _("none: every point is earned"),
        "points": _("points"),
        "where": _("where"),
        "rule": _("rule"),
        "values": _("values read"),
        "owners": _("Points by responsible unit"),
        "owners_note": _(
            "An item shared by several units counts for each of them: the rows are not to be "
            "added up."
        ),
        "unit": _("unit"),
        "item_count": _("items"),
        "shared": _("shared"),
        "can_give": _("can give"),
        "status": _("Status"),
        "as_of": _("as of"),
        "phase": _("phase"),
        "next_deadline": _("next deadline"),
        "review": _("review"),
        "may_apply": _("may apply"),
        "yes": _("yes"),
        "not_yet": _("not yet"),
        "state": _("state"),
        "entry": _("item or task"),
        "title": _("title"),
        "due": _("due"),
        "units": _("responsible units"),
        "lacking": _("still lacking"),
        "by_unit": _("By responsible unit, most urgent first"),
        "settled": _("Done and not applicable"),
        "overdue_open": _("{overdue} overdue, {open} open"),
        "details": _("Items and rules"),
        "gave": _("gave"),
        "reach": _("of"),
        "detail": _("why"),
        "meta": _("About the data"),
        "vetoes": _("Vetoes struck"),
        "evidence": _("evidence"),
        "overrides": _("Reviewers' overrides (现场评审)"),
        "computed": _("computed"),
    }
