"""The Markdown report, for pasting into the office's documents: the HTML report's sections as
headings and pipe tables."""

from __future__ import annotations

from collections.abc import Sequence

from rubricdsl.reports.view import ReportView, ScoredView, StatusView


def cell(text: object) -> str:
    """A table cell: pipes and line breaks would end it, and Markdown's own marks would style
    it, so they are escaped."""
    value = str(text).replace("\\", "\\\\").replace("|", "\\|")
    for mark in "*_`[]<>#":
        value = value.replace(mark, "\\" + mark)
    return " ".join(value.split("\n"))


def pipe_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]
) -> list[str]:
    align = ["---:" if index in right else "---" for index in range(len(header))]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def render_markdown(view: ReportView) -> str:
    labels = view.labels
    lines = [f"# {cell(view.heading or labels['report'])}", ""]
    if view.meta:
        lines += ["  \n".join(f"{cell(key)}: {cell(value)}" for key, value in view.meta), ""]
    if view.status is not None:
        lines += _status(view.status, view)
    for scored in view.scored:
        lines += _scored(scored, view)
    if view.owners:
        lines += [f"## {cell(labels['owners'])}", "", cell(labels["owners_note"]), ""]
        header = [labels[k] for k in ("unit", "item_count", "shared", "can_give", "earned", "lost")]
        rows = [
            [o.unit, o.items, o.shared, o.maximum.text, o.earned.text, o.lost.text]
            for o in view.owners
        ]
        lines += pipe_table(header, rows, {1, 2, 3, 4, 5})
    return "\n".join(lines).rstrip("\n") + "\n"


def _status(status: StatusView, view: ReportView) -> list[str]:
    labels = view.labels
    lines = [f"## {cell(labels['status'])} · {cell(labels['as_of'])} {status.as_of}", ""]
    may = labels["yes"] if status.may_apply else labels["not_yet"]
    facts = [
        (labels["phase"], status.phase),
        (labels["next_deadline"], status.next_deadline),
        (labels["review"], status.review),
        (labels["may_apply"], may),
    ]
    lines += [f"- **{cell(name)}**: {cell(value)}" for name, value in facts]
    lines += ["- " + ", ".join(f"{cell(word)} {count}" for _, word, count in status.counts), ""]
    header = [labels[k] for k in ("state", "entry", "title", "due", "units", "lacking")]
    rows = [[r.word, r.name, r.title, r.due, r.units, r.lacking] for r in status.rows]
    lines += pipe_table(header, rows, set())
    lines += [f"### {cell(labels['by_unit'])}", ""]
    for unit, overdue, open_count, unit_rows in status.units:
        counts = labels["overdue_open"].format(overdue=overdue, open=open_count)
        lines.append(f"- **{cell(unit)}**: {cell(counts)}")
        lines += [
            f"  - {cell(r.word)} {cell(r.name)} {cell(r.due)}: {cell(r.title)}" for r in unit_rows
        ]
    return [*lines, ""]


def _scored(scored: ScoredView, view: ReportView) -> list[str]:
    labels = view.labels
    lines = [f"## {cell(scored.title)} ({scored.year})", ""]
    if not scored.checklist and scored.total is not None:
        lines.append(f"**{cell(labels['totals'])}: {scored.total.text}**")
        if scored.grade:
            lines.append(f"  \n**{cell(labels['grade'])}: {cell(scored.grade)}**")
        eligible = labels["eligible"] if scored.eligible else labels["not_eligible"]
        lines.append(f"  \n{cell(labels['eligibility'])}: {cell(eligible)}")
        if scored.failed_by_veto:
            lines.append(f"  \n{cell(labels['failed'])}")
        lines.append("")
        lines += pipe_table(
            ["", labels["score"], labels["max"]],
            [[row.label, row.value.text, row.maximum] for row in scored.totals],
            {1, 2},
        )
        lines += [f"### {cell(labels['categories'])}", ""]
        header = [
            labels["categories"],
            labels["earned"],
            labels["lost"],
            labels["na"],
            labels["max"],
        ]
        rows = [[c.title, c.score.text, c.lost, c.na, c.maximum.text] for c in scored.categories]
        lines += pipe_table(header, rows, {1, 2, 3, 4})
    if scored.tasks:
        done = labels["tasks_done"].format(done=scored.tasks_done, total=len(scored.tasks))
        lines += [f"### {cell(labels['checklist'])}: {cell(done)}", ""]
        rows = [
            [t.word, t.id, t.title + "".join(f"（{u}）" for u in t.unmet)] for t in scored.tasks
        ]
        lines += pipe_table([labels["state"], "#", labels["title"]], rows, set())
    if scored.requirements:
        lines += [f"### {cell(labels['requirements'])}", ""]
        rows = [[q.word, q.scope, q.text, q.values] for q in scored.requirements]
        lines += pipe_table(
            [labels["state"], labels["where"], labels["rule"], labels["values"]], rows, set()
        )
    if not scored.checklist:
        lines += [f"### {cell(labels['losses'])}", ""]
        if scored.losses:
            rows = [
                [
                    loss.points.text,
                    loss.where,
                    loss.text,
                    "；".join(
                        (
                            loss.values,
                            *(f"{labels['computed']}: {c}" for c in loss.computed),
                            *(f"{labels['evidence']}: {e}" for e in loss.evidence),
                        )
                    ),
                ]
                for loss in scored.losses
            ]
            header = [labels["points"], labels["where"], labels["rule"], labels["values"]]
            lines += pipe_table(header, rows, {0})
        else:
            lines += [cell(labels["no_losses"]), ""]
    if scored.overrides:
        lines += [f"### {cell(labels['overrides'])}", ""]
        rows = [
            [where, shown.points.text, shown.computed.text, shown.note]
            for where, shown in scored.overrides
        ]
        header = [labels["where"], labels["points"], labels["computed"], labels["detail"]]
        lines += pipe_table(header, rows, {1, 2})
    if scored.gaps is not None:
        gaps = scored.gaps
        lines += [f"### {cell(labels['gaps'])}", "", cell(labels["gaps_note"]), ""]
        lines.append(
            f"{cell(labels['highest'])}: **{gaps.highest.text}** · "
            f"{cell(labels['after_all'])}: **{gaps.after_all.text}**"
        )
        lines.append("")
        rows = [[f"+{g.gain.text}", g.change, "；".join((*g.rules, *g.notes))] for g in gaps.rows]
        lines += pipe_table([labels["gain"], labels["change"], labels["rule"]], rows, {0})
    return lines
