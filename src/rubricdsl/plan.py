"""A district's plan: who owns each item and task (责任单位), by when (完成时限), and the phases."""

from __future__ import annotations

import datetime
import difflib
import itertools
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence

import attrs
import yaml

from rubricdsl import ast
from rubricdsl.api import Rubric
from rubricdsl.datafile import _check_events, _DataProblemError
from rubricdsl.errors import RubricError
from rubricdsl.escape import clip, escape
from rubricdsl.files import read_text
from rubricdsl.i18n import _
from rubricdsl.inputs import closest
from rubricdsl.limits import DEFAULT_LIMITS, Limits
from rubricdsl.model import items_of

ONGOING_WORDS = ("ongoing", "全过程")
TOP_LEVEL_KEYS = ("district", "document", "phases", "review", "rubrics")
ENTRY_KEYS = ("units", "deadline", "note")
PHASE_KEYS = ("name", "from", "until", "text")
# two spellings of one unit are this alike (difflib's ratio): 区市场监管局 / 区市场监督管理局 0.86,
# while distinct units of the seed stay at 0.6 or below (区委组织部 / 区委宣传部)
ALIKE = 0.75
_CHINESE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*前?\s*$")


class PlanError(RubricError):
    """The plan file cannot be read, or says something wrong: every problem, each with its
    file, line and column."""

    def __init__(self, problems: Sequence[PlanProblem]) -> None:
        self.problems = list(problems)
        shown = self.problems[: DEFAULT_LIMITS.max_problems]
        lines = [problem.render() for problem in shown]
        if len(self.problems) > len(shown):
            lines.append(_("… and {more} more").format(more=f"{len(self.problems) - len(shown):,}"))
        super().__init__("\n".join(lines))


@attrs.frozen
class PlanProblem:
    """An error or warning about the plan file, where it stands."""

    severity: str  # "error" or "warning"
    message: str
    source_name: str
    line: int
    column: int

    def render(self) -> str:
        """The problem as people read it, its severity in the language being spoken."""
        severity = _("error") if self.severity == "error" else _("warning")
        return (
            f"{escape(self.source_name)}:{self.line}:{self.column}: {severity}: "
            f"{escape(self.message)}"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "message": self.message,
            "source": self.source_name,
            "line": self.line,
            "column": self.column,
        }


@attrs.frozen
class Assignment:
    """One item's or task's owners and deadline, as the district's plan gives them."""

    kind: str  # "item" or "task"
    id: str
    units: tuple[str, ...]
    deadline: datetime.date | None  # None: ongoing (全过程) or none given
    ongoing: bool
    note: str | None
    line: int

    @property
    def shared(self) -> bool:
        return len(self.units) > 1

    def deadline_text(self) -> str:
        if self.deadline is not None:
            return self.deadline.isoformat()
        return "ongoing" if self.ongoing else "none"

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "units": list(self.units),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "ongoing": self.ongoing,
            "note": self.note,
        }


@attrs.frozen
class Phase:
    """A phase of the campaign (四、工作步骤): from its first day (None: from the start) until its
    last. On a day two phases share, the later one has begun."""

    name: str
    start: datetime.date | None
    end: datetime.date
    text: str | None
    line: int

    def holds(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "from": self.start.isoformat() if self.start else None,
            "until": self.end.isoformat(),
            "text": self.text,
        }


@attrs.frozen
class RubricPlan:
    """What the plan says of one rubric: its items' and tasks' assignments, by id."""

    title: str
    items: Mapping[str, Assignment]
    tasks: Mapping[str, Assignment]

    def of(self, kind: str, entry_id: str) -> Assignment | None:
        return (self.items if kind == "item" else self.tasks).get(entry_id)


@attrs.frozen
class Plan:
    """A district's plan file, checked against the rubrics it serves."""

    source_name: str
    district: str | None
    document: str | None
    phases: tuple[Phase, ...]
    review: datetime.date | None  # the review's date, when the plan fixes one
    rubrics: Mapping[str, RubricPlan]  # by rubric title
    warnings: tuple[PlanProblem, ...]

    def for_rubric(self, rubric: Rubric) -> RubricPlan | None:
        return self.rubrics.get(rubric.title)

    def phase_on(self, day: datetime.date) -> Phase | None:
        """The phase a day falls in; on a day two phases share, the later."""
        current = None
        for phase in self.phases:
            if phase.holds(day):
                current = phase
        return current

    def next_phase(self, day: datetime.date) -> Phase | None:
        for phase in self.phases:
            if phase.start is not None and phase.start > day:
                return phase
        return None

    @property
    def review_day(self) -> datetime.date | None:
        """When the review may come: the plan's `review:` date, else the first day of the last
        phase (迎接验收)."""
        if self.review is not None:
            return self.review
        return self.phases[-1].start if self.phases else None

    def units(self) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for rubric_plan in self.rubrics.values():
            for assignment in (*rubric_plan.items.values(), *rubric_plan.tasks.values()):
                found.update(dict.fromkeys(assignment.units))
        return tuple(found)

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source_name,
            "district": self.district,
            "document": self.document,
            "phases": [phase.to_dict() for phase in self.phases],
            "review": self.review.isoformat() if self.review else None,
            "rubrics": {
                title: {
                    "items": {key: a.to_dict() for key, a in plan.items.items()},
                    "tasks": {key: a.to_dict() for key, a in plan.tasks.items()},
                }
                for title, plan in self.rubrics.items()
            },
            "warnings": [warning.to_dict() for warning in self.warnings],
        }


# ---- reading -------------------------------------------------------------------------------


def read_plan(
    path: str | os.PathLike[str], rubrics: Sequence[Rubric], limits: Limits = DEFAULT_LIMITS
) -> Plan:
    """Read a plan file (YAML) and check it against the rubrics it serves."""
    text = read_text(path, "plan file", PlanFileError, limits)
    return parse_plan(text, os.fspath(path), rubrics, limits)


class PlanFileError(RubricError):
    """The plan file cannot be read at all (missing, too large, not UTF-8)."""


def parse_plan(
    text: str, source_name: str, rubrics: Sequence[Rubric], limits: Limits = DEFAULT_LIMITS
) -> Plan:
    """Parse a plan's text and check it against the rubrics: PlanError lists every error; the
    warnings stay on the Plan."""
    reader = _PlanReader(source_name, limits)
    root = reader.compose(text)
    return reader.plan(root, tuple(rubrics))


@attrs.define
class _PlanReader:
    source_name: str
    limits: Limits
    problems: list[PlanProblem] = attrs.Factory(list)
    # every unit named, with the node naming it (in the order written)
    named_units: list[tuple[str, yaml.Node]] = attrs.Factory(list)
    distinct_units: set[str] = attrs.Factory(set)

    # ---- problems ----
    def error(self, message: str, node: yaml.Node | None) -> None:
        self._add("error", message, node)

    def warning(self, message: str, node: yaml.Node | None) -> None:
        self._add("warning", message, node)

    def _add(self, severity: str, message: str, node: yaml.Node | None) -> None:
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(PlanProblem(severity, message, self.source_name, line, column))

    def fail(self) -> PlanError:
        errors = [problem for problem in self.problems if problem.severity == "error"]
        return PlanError(errors)

    # ---- YAML nodes ----
    def compose(self, text: str) -> yaml.MappingNode:
        try:
            _check_events(text, self.limits)
            root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except _DataProblemError as problem:
            self.problems.append(
                PlanProblem(
                    "error", str(problem), self.source_name, problem.line or 1, problem.column or 1
                )
            )
            raise self.fail() from None
        except yaml.YAMLError as problem:
            mark = getattr(problem, "problem_mark", None)
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            reason = getattr(problem, "problem", None) or str(problem)
            self.problems.append(
                PlanProblem(
                    "error",
                    _("not valid YAML: {reason}").format(reason=clip(str(reason), 300)),
                    self.source_name,
                    line,
                    column,
                )
            )
            raise self.fail() from None
        if not isinstance(root, yaml.MappingNode):
            self.error(_("a plan is a mapping with phases: and rubrics:"), root)
            raise self.fail()
        return root

    def pairs(
        self, node: yaml.MappingNode, allowed: Sequence[str] | None, what: str
    ) -> Iterator[tuple[str, yaml.ScalarNode, yaml.Node]]:
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(_("a key in {what} must be a plain text").format(what=what), key_node)
                continue
            key = str(key_node.value)
            if key in seen:
                self.error(
                    _("'{key}' is given twice in {what} (first on line {line})").format(
                        key=clip(key, 80), what=what, line=seen[key].start_mark.line + 1
                    ),
                    key_node,
                )
                continue
            seen[key] = key_node
            if allowed is not None and key not in allowed:
                near = closest(key, allowed, self.limits)
                if near:
                    message = _("unknown key '{key}' in {what}; did you mean '{name}'?")
                else:
                    message = _("unknown key '{key}' in {what}; expected {keys}")
                self.error(
                    message.format(
                        key=clip(key, 80), what=what, name=near, keys=", ".join(allowed)
                    ),
                    key_node,
                )
                continue
            yield key, key_node, value_node

    def text(self, node: yaml.Node, what: str) -> str | None:
        if (
            not isinstance(node, yaml.ScalarNode)
            or node.tag.endswith(":null")
            or not str(node.value).strip()
        ):
            self.error(_("{what} must be a text").format(what=what), node)
            return None
        value = str(node.value).strip()
        if len(value) > self.limits.max_text_length:
            self.error(
                _("{what} is longer than {most} characters").format(
                    what=what, most=f"{self.limits.max_text_length:,}"
                ),
                node,
            )
            return None
        return value

    def date(self, node: yaml.Node, what: str) -> datetime.date | None:
        """A date as ISO (2021-07-10) or as the seed writes it (2021年7月10日前)."""
        if isinstance(node, yaml.ScalarNode):
            raw = str(node.value).strip()
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                pass
            found = _CHINESE_DATE.match(raw)
            if found:
                try:
                    return datetime.date(*(int(part) for part in found.groups()))
                except ValueError:
                    pass
        shown = clip(str(node.value), 40) if isinstance(node, yaml.ScalarNode) else _("a list")
        self.error(
            _("{what} '{value}' is not a date (write it 2021-07-10)").format(
                what=what, value=shown
            ),
            node,
        )
        return None

    # ---- the plan ----
    def plan(self, root: yaml.MappingNode, rubrics: tuple[Rubric, ...]) -> Plan:
        district = document = None
        phases: tuple[Phase, ...] = ()
        review = None
        plans: dict[str, RubricPlan] = {}
        rubrics_node: yaml.Node | None = None
        for key, _key_node, value in self.pairs(root, TOP_LEVEL_KEYS, _("the plan")):
            if key == "district":
                district = self.text(value, _("district"))
            elif key == "document":
                document = self.text(value, _("document"))
            elif key == "phases":
                phases = self.phases(value)
            elif key == "review":
                review = self.date(value, _("review"))
            else:
                rubrics_node = value
                plans = self.rubric_plans(value, rubrics)
        if rubrics_node is None:
            self.error(_("the plan has no rubrics: section (who owns each item and task)"), root)
        else:
            self.unplanned(rubrics, plans, rubrics_node)
        self.spellings()
        if any(problem.severity == "error" for problem in self.problems):
            raise self.fail()
        warnings = tuple(p for p in self.problems if p.severity == "warning")
        return Plan(self.source_name, district, document, phases, review, plans, warnings)

    def phases(self, node: yaml.Node) -> tuple[Phase, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.error(_("phases: is a list of phases, each with name: and until:"), node)
            return ()
        found: list[tuple[Phase, yaml.Node]] = []
        for element in node.value:
            phase = self.phase(element)
            if phase is not None:
                found.append((phase, element))
        for (before, _before_node), (after, after_node) in itertools.pairwise(found):
            if after.start is None:
                self.error(
                    _("phase '{name}' needs from: (only the first phase may leave it out)").format(
                        name=after.name
                    ),
                    after_node,
                )
            elif after.start < before.end:
                self.error(
                    _(
                        "phase '{name}' begins {start}, before '{before}' ends ({end}): phases "
                        "overlap"
                    ).format(
                        name=after.name,
                        start=after.start.isoformat(),
                        before=before.name,
                        end=before.end.isoformat(),
                    ),
                    after_node,
                )
            elif after.start > before.end + datetime.timedelta(days=1):
                self.error(
                    _(
                        "between '{before}' (until {end}) and '{name}' (from {start}) no phase "
                        "holds: phases leave a gap"
                    ).format(
                        before=before.name,
                        end=before.end.isoformat(),
                        name=after.name,
                        start=after.start.isoformat(),
                    ),
                    after_node,
                )
        return tuple(phase for phase, _node in found)

    def phase(self, node: yaml.Node) -> Phase | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(_("a phase is a mapping with name:, from: and until:"), node)
            return None
        fields = {
            key: value for key, _key_node, value in self.pairs(node, PHASE_KEYS, _("a phase"))
        }
        name = self.text(fields["name"], _("a phase's name")) if "name" in fields else None
        if "name" not in fields:
            self.error(_("a phase needs its name:"), node)
        if "until" not in fields:
            self.error(_("a phase needs until: (its last day)"), node)
            return None
        end = self.date(fields["until"], _("until"))
        start = self.date(fields["from"], _("from")) if "from" in fields else None
        text = self.text(fields["text"], _("a phase's text")) if "text" in fields else None
        if name is None or end is None:
            return None
        if start is not None and start > end:
            self.error(
                _("phase '{name}' ends ({end}) before it begins ({start})").format(
                    name=name, end=end, start=start
                ),
                node,
            )
            return None
        return Phase(name, start, end, text, node.start_mark.line + 1)

    def rubric_plans(self, node: yaml.Node, rubrics: tuple[Rubric, ...]) -> dict[str, RubricPlan]:
        if not isinstance(node, yaml.MappingNode):
            self.error(_("rubrics: maps each rubric's title to its items: or tasks:"), node)
            return {}
        titles = {rubric.title: rubric for rubric in rubrics}
        plans: dict[str, RubricPlan] = {}
        for title, key_node, value in self.pairs(node, None, "rubrics:"):
            rubric = titles.get(title)
            if rubric is None:
                near = difflib.get_close_matches(title, list(titles), n=1, cutoff=0.8)
                if near:
                    self.error(
                        _("no rubric given is titled '{title}'; did you mean '{name}'?").format(
                            title=clip(title, 80), name=near[0]
                        ),
                        key_node,
                    )
                continue  # a rubric of the plan not given this time: nothing to check it with
            plans[title] = self.rubric_plan(value, rubric)
        return plans

    def rubric_plan(self, node: yaml.Node, rubric: Rubric) -> RubricPlan:
        items: dict[str, Assignment] = {}
        tasks: dict[str, Assignment] = {}
        if not isinstance(node, yaml.MappingNode):
            self.error(_("a rubric's plan maps items: (or tasks:) to their owners"), node)
            return RubricPlan(rubric.title, items, tasks)
        known = {
            "item": [item.id for item in _items(rubric)],
            "task": [task.id for task in rubric.checked.file.tasks()],
        }
        plan_of = _("the plan of {title}").format(title=rubric.title)
        for key, _key_node, value in self.pairs(node, ("items", "tasks"), plan_of):
            kind = key[:-1]
            found = items if kind == "item" else tasks
            if not isinstance(value, yaml.MappingNode):
                if kind == "item":
                    message = _("items: maps each item id to its units:, deadline: and note:")
                else:
                    message = _("tasks: maps each task id to its units:, deadline: and note:")
                self.error(message, value)
                continue
            for entry_id, id_node, entry in self.pairs(value, None, f"{key}:"):
                if entry_id not in known[kind]:
                    near = closest(entry_id, known[kind], self.limits)
                    self.error(
                        _no_such_entry(rubric.title, kind, clip(entry_id, 40), near), id_node
                    )
                    continue
                assignment = self.assignment(kind, entry_id, entry)
                if assignment is not None:
                    found[entry_id] = assignment
        return RubricPlan(rubric.title, items, tasks)

    def assignment(self, kind: str, entry_id: str, node: yaml.Node) -> Assignment | None:
        what = _entry(kind, entry_id)
        if not isinstance(node, yaml.MappingNode):
            self.error(
                _("{what}: give units:, deadline: (and a note: if need be)").format(what=what),
                node,
            )
            return None
        fields = {key: value for key, _key_node, value in self.pairs(node, ENTRY_KEYS, what)}
        units = self.units(fields["units"], what) if "units" in fields else ()
        note = (
            self.text(fields["note"], _("{what}'s note").format(what=what))
            if "note" in fields
            else None
        )
        deadline = None
        ongoing = False
        if "deadline" in fields:
            raw = fields["deadline"]
            if isinstance(raw, yaml.ScalarNode) and str(raw.value).strip() in ONGOING_WORDS:
                ongoing = True
            else:
                deadline = self.date(raw, _("{what}'s deadline").format(what=what))
        if not units and note is None:
            self.error(
                _("{what} names no responsible unit: give units:, or a note: why").format(
                    what=what
                ),
                node,
            )
        return Assignment(kind, entry_id, units, deadline, ongoing, note, node.start_mark.line + 1)

    def units(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        """A list of units, or one text with the seed's separator 、 between them."""
        if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
            parts = [part.strip() for part in str(node.value).split("、") if part.strip()]
            parts = [part for part in parts if self.unit_name(part, node)]
            self.named_units += [(part, node) for part in parts]
            return tuple(dict.fromkeys(parts))
        if isinstance(node, yaml.SequenceNode):
            found = []
            for element in node.value:
                unit = self.text(element, _("a unit of {what}").format(what=what))
                if unit is not None and self.unit_name(unit, element):
                    found.append(unit)
                    self.named_units.append((unit, element))
            if len(set(found)) < len(found):
                self.warning(_("{what} names a unit twice").format(what=what), node)
            return tuple(dict.fromkeys(found))
        self.error(
            _("{what}: units: is a list of responsible units (责任单位)").format(what=what), node
        )
        return ()

    def unit_name(self, unit: str, node: yaml.Node) -> bool:
        """Whether a unit's name is within a name's length. The number of distinct units is
        bounded too (each pair is compared: see `spellings`): past it, one error."""
        if len(unit) > self.limits.max_name_length:
            self.error(
                _("a unit's name has {count:,} characters; names have at most {limit:,}").format(
                    count=len(unit), limit=self.limits.max_name_length
                ),
                node,
            )
            return False
        if unit not in self.distinct_units:
            self.distinct_units.add(unit)
            if len(self.distinct_units) == self.limits.max_plan_units + 1:  # said once
                self.error(
                    _(
                        "the plan names more than {limit:,} responsible units; a district has a "
                        "few dozen (see docs/limits.md: Limits.max_plan_units)"
                    ).format(limit=self.limits.max_plan_units),
                    node,
                )
        return True

    def spellings(self) -> None:
        """One warning for each pair of unit names that look like one unit spelled two ways."""
        first_node: dict[str, yaml.Node] = {}
        for unit, node in self.named_units:
            first_node.setdefault(unit, node)
        units = list(first_node)[: self.limits.max_plan_units]
        normal = [_normal(unit) for unit in units]
        for index, unit in enumerate(units):
            matcher = difflib.SequenceMatcher(None, normal[index], "")
            for other_index in range(index + 1, len(units)):
                other = units[other_index]
                if _alike(normal[index], matcher, normal[other_index]):
                    self.warning(
                        _(
                            "'{other}' and '{unit}' look like one unit spelled two ways (first "
                            "seen on line {line}); write it one way, or its items are counted "
                            "apart"
                        ).format(other=other, unit=unit, line=first_node[unit].start_mark.line + 1),
                        first_node[other],
                    )

    def unplanned(
        self, rubrics: tuple[Rubric, ...], plans: Mapping[str, RubricPlan], node: yaml.Node
    ) -> None:
        """A warning for each item or task of a given rubric that the plan forgets."""
        for rubric in rubrics:
            plan = plans.get(rubric.title)
            if plan is None:
                self.warning(
                    _(
                        "the plan says nothing of '{title}': its items and tasks have no owner or "
                        "deadline"
                    ).format(title=rubric.title),
                    node,
                )
                continue
            forgotten = [_entry("item", i.id) for i in _items(rubric) if i.id not in plan.items]
            forgotten += [
                _entry("task", t.id) for t in rubric.checked.file.tasks() if t.id not in plan.tasks
            ]
            if forgotten:
                listed = _(", ").join(forgotten[:10]) + (" …" if len(forgotten) > 10 else "")
                if len(forgotten) == 1:
                    message = _("the plan of '{title}' forgets {count} item or task: {listed}")
                else:
                    message = _("the plan of '{title}' forgets {count} items and tasks: {listed}")
                self.warning(
                    message.format(title=rubric.title, count=len(forgotten), listed=listed), node
                )


def _entry(kind: str, entry_id: str) -> str:
    """An item or a task, as a message names it: `item 3`, `task 12`."""
    if kind == "item":
        return _("item {id}").format(id=entry_id)
    return _("task {id}").format(id=entry_id)


def _no_such_entry(title: str, kind: str, entry_id: str, near: str | None) -> str:
    if kind == "item":
        if near:
            message = _("'{title}' has no item {id}; did you mean item {name}?")
        else:
            message = _("'{title}' has no item {id}")
    elif near:
        message = _("'{title}' has no task {id}; did you mean task {name}?")
    else:
        message = _("'{title}' has no task {id}")
    return message.format(title=title, id=entry_id, name=near)


def _items(rubric: Rubric) -> Iterator[ast.Item]:
    for category in rubric.checked.file.categories:
        yield from items_of(category)


def _normal(unit: str) -> str:
    return "".join(unicodedata.normalize("NFKC", unit).split())


def _alike(first: str, matcher: difflib.SequenceMatcher[str], other: str) -> bool:
    """Whether a normalised name (`first`, the matcher's first sequence) and a later one look
    like one unit: equal, or alike by difflib's ratio; its cheap upper bounds are tried first."""
    if first == other:
        return True
    matcher.set_seq2(other)
    return (
        matcher.real_quick_ratio() >= ALIKE
        and matcher.quick_ratio() >= ALIKE
        and matcher.ratio() >= ALIKE
    )
