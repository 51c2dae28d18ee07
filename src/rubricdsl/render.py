"""Renderers of a Result: an aligned text report (CJK-aware) and JSON."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from rubricdsl.errors import RubricArgumentError
from rubricdsl.escape import clip, escape, escape_block, json_escape
from rubricdsl.exact import exactly
from rubricdsl.i18n import Translate, translator
from rubricdsl.inputs import place_words
from rubricdsl.limits import DEFAULT_LIMITS
from rubricdsl.model import fmt
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
    VetoTrace,
    values_text,
)

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
    # for a category's deduction: the category's title, escaped (None for the total's)
    category: str | None = None

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
        title = escape(category.title)
        for rule in category.deductions:
            if rule.lost > 0:
                where = f"category {title}"
                found.append(Loss(rule.lost, None, rule, category.is_bonus, where, category=title))
    for rule in result.deductions:
        if rule.lost > 0:
            found.append(Loss(rule.lost, None, rule, False, "the total"))
    return sorted(found, key=lambda loss: -loss.points)


# ---- the trace's own words, in the reader's language -------------------------------------------
# The trace keeps its words in English (they are the JSON's too); a report in another language
# says them again from the trace's fields, or, for the words the evaluator composed (a rule's
# detail, a grade's reasons), from their English forms. Text from the rubric or the data passes
# through unchanged; a form not recognised is shown as the trace has it.


def loss_where(loss: Loss, _: Translate) -> str:
    """Where points were lost: `item 13 首席质量官`, `category 质量技术`, `the total` (escaped)."""
    if loss.item is not None:
        return _("item {id} {title}").format(id=escape(loss.item.id), title=escape(loss.item.title))
    if loss.category is not None:
        return _("category {title}").format(title=loss.category)
    return _("the total")


def override_words(override: OverrideTrace, _: Translate) -> str:
    """`OverrideTrace.describe()` in the reader's language (not escaped)."""
    return _(
        "{points} (overridden on site by {by} on {day}: {reason}; computed {computed})"
    ).format(
        points=fmt(override.points),
        by=override.by,
        day=override.on.isoformat(),
        reason=override.reason,
        computed=fmt(override.computed),
    )


def override_target(override: OverrideTrace, _: Translate) -> str:
    """What was overridden: `item 14, rule 4` or `item 19`."""
    if override.rule is None:
        return _("item {id}").format(id=override.item)
    return _("item {item}, rule {rule}").format(item=override.item, rule=override.rule)


def evidence_words(evidence: Evidence, _: Translate, derived: Evidence = ()) -> list[str]:
    """`evidence_lines` in the reader's language: one line per indicator (not escaped), after
    how the derived values read were computed (`derived_lines`)."""
    return [
        *(_("computed: {how}").format(how=line) for _name, lines in derived for line in lines),
        *(
            _("evidence: {name}: {references}").format(name=name, references="; ".join(refs))
            for name, refs in evidence
        ),
    ]


def veto_effect(veto: VetoTrace, _: Translate) -> str:
    """What a veto does when struck (`VetoTrace.effect`), in the reader's language."""
    if veto.downgrade is not None:
        return _("downgrade {bands}").format(bands=veto.downgrade)
    if veto.at_most is not None:
        return _('at most "{grade}"').format(grade=veto.at_most)
    return _("fails the district")


_NUMBER = r"-?\d+(?:\.\d+)?"


def _form(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("NUM", _NUMBER), re.DOTALL)


# A cut by the item's cap or floor, or a category's or the total's floor, ends a rule's detail.
_CUTS = (
    (
        _form(
            r"(?P<head>.*); (?P<points>NUM) of it counted, the item being at its cap of "
            r"(?P<limit>NUM)"
        ),
        "cap",
    ),
    (
        _form(
            r"(?P<head>.*); (?P<points>NUM) of it counted, the item being at its maximum of "
            r"(?P<limit>NUM)"
        ),
        "maximum",
    ),
    (
        _form(r"(?P<head>.*); (?P<points>NUM) of it counted, the item being at its floor of 0"),
        "floor",
    ),
    (
        _form(r"(?P<head>.*); (?P<points>NUM) of it counted, the category's score being at 0"),
        "category",
    ),
    (_form(r"(?P<head>.*); (?P<points>NUM) of it counted, the total being at 0"), "total"),
)
_OVERRIDDEN = _form(
    r"overridden on site: (?P<points>NUM) (?P<verb>given|deducted) \(computed: (?P<computed>.*)\)"
)
_EXCUSED = _form(r"the (?P<what>item|group|category) is not applicable: (?P<reason>.*)")
_HOLDS = _form(r"(?P<kind>condition holds|always): (?P<points>NUM) (?P<verb>given|deducted)")
_TIER = _form(
    r"(?P<kind>highest|most severe) matching tier: (?P<text>.*) "
    r"\((?P<points>NUM)(?P<deducted> deducted)?\)"
    r"(?:, the first written of (?P<tied>\d+) matching tiers with (?P<same>NUM))?"
)
_TARGET = _form(r"the target is (?P<target>NUM): no share of it to count")
_NOT_DONE = _form(
    r"not done (?P<whole>NUM) − (?P<counted>NUM) = (?P<missing>NUM): (?P<points>NUM) × "
    r"(?P=missing) / (?P=whole) = (?P<deducted>NUM) deducted"
)
_ARITHMETIC = re.compile(r"[-\d. ×/=−]+")
# Words around a formula, outermost first: each wraps the rest of the detail.
_AFFIXES = (
    _form(r"(?P<rest>.*), limited to (?P<maximum>NUM)"),
    _form(r"(?P<rest>.*) \(exact, half-up to 2 places\)"),
    _form(r"(?P<rest>.*) \(half-up to 2 places\)"),
    _form(r"(?P<rest>.*) \(a partial unit counts as one\)"),
    _form(r"(?P<value>NUM) counted as (?P<counted>NUM): (?P<rest>.*)"),
    _form(r"no excess \((?P<value>NUM) < (?P<target>NUM)\), counted as 0 units: (?P<rest>.*)"),
    _form(r"excess (?P<value>NUM) − (?P<target>NUM) = (?P<excess>NUM): (?P<rest>.*)"),
    _form(r"no shortfall \((?P<value>NUM) > (?P<target>NUM)\), counted as 0 units: (?P<rest>.*)"),
    _form(r"shortfall (?P<target>NUM) − (?P<value>NUM) = (?P<shortfall>NUM): (?P<rest>.*)"),
    _form(r"(?P<value>NUM) is below 0, counted as 0 units: (?P<rest>.*)"),
)


def _affix_messages(_: Translate) -> tuple[str, ...]:
    """The messages of `_AFFIXES`, in their order."""
    return (
        _("{formula}, limited to {maximum}"),
        _("{formula} (exact, half-up to 2 places)"),
        _("{formula} (half-up to 2 places)"),
        _("{formula} (a partial unit counts as one)"),
        _("{value} counted as {counted}: {formula}"),
        _("no excess ({value} < {target}), counted as 0 units: {formula}"),
        _("excess {value} − {target} = {excess}: {formula}"),
        _("no shortfall ({value} > {target}), counted as 0 units: {formula}"),
        _("shortfall {target} − {value} = {shortfall}: {formula}"),
        _("{value} is below 0, counted as 0 units: {formula}"),
    )


def detail_words(detail: str, _: Translate) -> str:
    """A rule's detail (how it decided: "condition holds: 2 given", "3 × 0.5 = 1.5, limited to
    1") in the reader's language; not escaped. The tier's wording and a 合理缺项 reason in it
    stay as written."""
    return _detail(detail, _) or detail


def _detail(detail: str, _: Translate) -> str | None:
    """The detail in the reader's language; None for a form not recognised."""
    for pattern, bound in _CUTS:
        found = pattern.fullmatch(detail)
        if found is not None:
            head = _detail(found["head"], _)
            if head is None:
                return None
            cut = {
                "cap": _("{detail}; {points} of it counted, the item being at its cap of {limit}"),
                "maximum": _(
                    "{detail}; {points} of it counted, the item being at its maximum of {limit}"
                ),
                "floor": _("{detail}; {points} of it counted, the item being at its floor of 0"),
                "category": _("{detail}; {points} of it counted, the category's score being at 0"),
                "total": _("{detail}; {points} of it counted, the total being at 0"),
            }[bound]
            return cut.format(
                detail=head,
                points=found["points"],
                limit=found["limit"] if "limit" in found.groupdict() else "",
            )
    if detail == "condition does not hold":
        return _("condition does not hold")
    if detail == "no tier matches":
        return _("no tier matches")
    found = _OVERRIDDEN.fullmatch(detail)
    if found is not None:
        computed = _detail(found["computed"], _)
        if computed is None:
            return None
        if found["verb"] == "given":
            message = _("overridden on site: {points} given (computed: {detail})")
        else:
            message = _("overridden on site: {points} deducted (computed: {detail})")
        return message.format(points=found["points"], detail=computed)
    found = _EXCUSED.fullmatch(detail)
    if found is not None:
        message = {
            "item": _("the item is not applicable: {reason}"),
            "group": _("the group is not applicable: {reason}"),
            "category": _("the category is not applicable: {reason}"),
        }[found["what"]]
        return message.format(reason=found["reason"])
    found = _HOLDS.fullmatch(detail)
    if found is not None:
        message = {
            ("condition holds", "given"): _("condition holds: {points} given"),
            ("condition holds", "deducted"): _("condition holds: {points} deducted"),
            ("always", "given"): _("always: {points} given"),
            ("always", "deducted"): _("always: {points} deducted"),
        }[(found["kind"], found["verb"])]
        return message.format(points=found["points"])
    found = _TIER.fullmatch(detail)
    if found is not None:
        return _tier(found, _)
    found = _TARGET.fullmatch(detail)
    if found is not None:
        return _("the target is {target}: no share of it to count").format(target=found["target"])
    return _formula(detail, _)


def _tier(found: re.Match[str], _: Translate) -> str | None:
    if found["kind"] == "highest" and found["deducted"] is None:
        text = _("highest matching tier: {tier} ({points})")
    elif found["kind"] == "most severe" and found["deducted"] is not None:
        text = _("most severe matching tier: {tier} ({points} deducted)")
    else:
        return None
    text = text.format(tier=found["text"], points=found["points"])
    if found["tied"] is None:
        return text
    return _("{detail}, the first written of {count} matching tiers with {points}").format(
        detail=text, count=found["tied"], points=found["same"]
    )


def _formula(detail: str, _: Translate) -> str | None:
    """A per-unit or proportional rule's arithmetic, with the words around it."""
    if _ARITHMETIC.fullmatch(detail):
        return detail
    found = _NOT_DONE.fullmatch(detail)
    if found is not None:
        return _(
            "not done {whole} − {counted} = {missing}: {points} × {missing} / {whole} = "
            "{deducted} deducted"
        ).format(**found.groupdict())
    for pattern, message in zip(_AFFIXES, _affix_messages(_), strict=True):
        found = pattern.fullmatch(detail)
        if found is not None:
            groups = found.groupdict()
            rest = _formula(groups.pop("rest"), _)
            if rest is None:
                return None
            return message.format(formula=rest, **groups)
    return None


_GRADE_BAND = _form(
    r"(?P<basis>total|base) (?P<score>NUM) (?P<comparison>>=|>) (?P<threshold>NUM): (?P<grade>.*)"
)
_GRADE_BELOW = _form(r"(?P<basis>total|base) (?P<score>NUM): below every band")
_GRADE_VETO = _form(
    r"veto line (?P<line>\d+) \((?P<text>.*)\), (?P<effect>downgrade (?P<bands>\d+)|at most "
    r"\"(?P<at_most>.*)\"|fails the district): (?P<before>.*) → (?P<after>.*)"
)


def grade_reason_words(reason: str, _: Translate) -> str:
    """One of a grade's reasons (`GradeTrace.reasons`) in the reader's language; not escaped."""
    found = _GRADE_BAND.fullmatch(reason)
    if found is not None:
        if found["basis"] == "total":
            message = _("total {score} {comparison} {threshold}: {grade}")
        else:
            message = _("base {score} {comparison} {threshold}: {grade}")
        return message.format(**found.groupdict())
    found = _GRADE_BELOW.fullmatch(reason)
    if found is not None:
        if found["basis"] == "total":
            return _("total {score}: below every band").format(score=found["score"])
        return _("base {score}: below every band").format(score=found["score"])
    found = _GRADE_VETO.fullmatch(reason)
    if found is not None:
        if found["bands"] is not None:
            effect = _("downgrade {bands}").format(bands=found["bands"])
        elif found["at_most"] is not None:
            effect = _('at most "{grade}"').format(grade=found["at_most"])
        else:
            effect = _("fails the district")
        return _("veto line {line} ({text}), {effect}: {before} → {after}").format(
            line=found["line"],
            text=found["text"],
            effect=effect,
            before=found["before"],
            after=found["after"],
        )
    return reason


def listed(parts: Sequence[str], _: Translate) -> str:
    """Short notes one after the other: `a, b` (`a，b` in Chinese)."""
    return _(", ").join(parts)


# ---- the text report ---------------------------------------------------------------------------


def _deducts(rule: RuleTrace, _: Translate) -> str:
    """What a deduction takes as written: its points, or its points per unit; blank for a rule
    that gives points."""
    if rule.points >= 0:
        return ""
    taken = fmt(-rule.points)
    return _("{points} per unit").format(points=taken) if rule.kind == "per_unit" else taken


def rule_status_words(_: Translate) -> dict[str, str]:
    return {MET: _("met"), NOT_MET: _("not met"), NOT_APPLICABLE: _("n/a"), CAPPED: _("capped")}


def _item_block(item: ItemTrace, path: str, _: Translate) -> list[str]:
    """An item's heading (wrapped, its score in line with the others) and its rules: `gave` is
    what a rule added (negative for a deduction), `of` the most it can add (0 for a deduction),
    `deducts` (only in an item with a deduction) what a deduction takes as written."""
    title = _("item {id}").format(id=item.id) + "  "
    heading = title + _("{title}   ({path})").format(title=escape(item.title), path=path)
    indent = " " * min(display_width(title), HEADING_WIDTH // 4)
    first, *rest = wrap(heading, HEADING_WIDTH, indent)
    score = f"{fmt(item.score)} / {fmt(item.max)}"
    if item.na_points:
        score += "   " + _("(合理缺项 {points})").format(points=fmt(item.na_points))
    lines = [pad(first, HEADING_WIDTH) + "  " + score, *rest]
    if item.na_reason is not None:
        lines.append(
            "    "
            + _("the whole item is not applicable (合理缺项): {reason}").format(
                reason=escape(item.na_reason)
            )
        )
    if item.override is not None:
        override = escape(override_words(item.override, _))
        lines += _note(_("score {override}").format(override=override), "    ")
    lines += ["    " + line for line in _rules_table(item.rules, _)]
    if item.unreachable:
        unreachable, maximum = fmt(item.unreachable), fmt(item.max)
        if _capped_below_declared(item):
            lines.append("    " + _out_of_reach(item, unreachable, _))
        else:
            lines.append(
                "    "
                + _("(no rule can award {points} of its {maximum} points)").format(
                    points=unreachable, maximum=maximum
                )
            )
    for veto in item.vetoes:
        if veto.triggered:
            lines.append("    " + _("VETO struck: {text}").format(text=escape(veto.text)))
    return lines


def _out_of_reach(item: ItemTrace, points: str, _: Translate) -> str:
    if item.cap is not None and _capped_below_declared(item):
        message = _(
            "(its cap of {cap} keeps it below its declared {declared}: {points} out of reach)"
        )
        return message.format(cap=fmt(item.cap), declared=fmt(item.declared), points=points)
    message = _("(no rule can award these points (declared {declared}): {points} out of reach)")
    return message.format(declared=fmt(item.declared), points=points)


def _rules_table(rules: tuple[RuleTrace, ...], _: Translate, *, reach: bool = True) -> list[str]:
    """Rules as rows: status, `gave`, `of` (left out for deductions above items, which reach
    nothing), `deducts` when a rule deducts, the wording and the values read."""
    deductions = any(rule.points < 0 for rule in rules)
    of = [_("of")] if reach else []
    deducts = [_("deducts")] if deductions else []
    rows = [["", _("gave"), *of, *deducts, _("rule"), _("values")]]
    words = rule_status_words(_)
    for rule in rules:
        rows.append(
            [
                words[rule.status],
                fmt(rule.gave),
                *([fmt(rule.reach)] if reach else []),
                *([_deducts(rule, _)] if deductions else []),
                shorten(escape(rule.text), WORDING_WIDTH),
                _values_cell(rule.values_text(), rule.evidence, _, rule.override, rule.derived),
            ]
        )
    numeric = frozenset(range(1, len(rows[0]) - 2))
    wrapped = {len(rows[0]) - 1: VALUES_WIDTH}
    return table(rows, numeric=numeric, wrapped=wrapped, multiline=True)


def _values_cell(
    values: str,
    evidence: Evidence,
    _: Translate,
    override: OverrideTrace | None = None,
    derived: Evidence = (),
) -> str:
    """The values read, escaped, and below them (as lines of the cell) how the derived ones
    were computed, the evidence behind them and the reviewers' points when overridden on
    site."""
    lines = [values, *evidence_words(evidence, _, derived)]
    if override is not None:
        lines.append(_("points {override}").format(override=override_words(override, _)))
    return "\n".join(escape(line) for line in lines if line)


def _evidence_below(
    evidence: Evidence, indent: str, _: Translate, derived: Evidence = ()
) -> list[str]:
    """How the derived values printed on a line were computed, and the evidence behind the
    values, on the lines after it."""
    return [indent + escape(line) for line in evidence_words(evidence, _, derived)]


def _deductions_block(heading: str, rules: tuple[RuleTrace, ...], _: Translate) -> list[str]:
    """A category's or the total's own deductions, under a heading saying what they act on."""
    if not rules:
        return []
    return [heading, *("    " + line for line in _rules_table(rules, _, reach=False)), ""]


def _unreachable_reason(item: ItemTrace, where: str, _: Translate) -> str:
    """Why an item cannot reach its maximum whatever the district does (its cap, or rules
    that cannot award that much), after where the points are lost."""
    if item.cap is not None and _capped_below_declared(item):
        message = _("{where}: its cap of {cap} keeps it below its declared {declared}")
        return message.format(where=where, cap=fmt(item.cap), declared=fmt(item.declared))
    message = _("{where}: no rule can award these points (declared {declared})")
    return message.format(where=where, declared=fmt(item.declared))


def _capped_below_declared(item: ItemTrace) -> bool:
    return item.cap is not None and item.cap < item.max


def _vetoes_block(result: Result, _: Translate) -> list[str]:
    """Every veto, struck or not, with what it read."""
    if not result.all_vetoes:
        return []
    if result.vetoes:
        lines = [_("Vetoes (一票否决): FAILED, whatever the score")]
    elif result.downgrades:
        lines = [_("Vetoes (一票否决): none fails the district; those struck act on the grade")]
    else:
        lines = [_("Vetoes (一票否决): none struck")]
    words = {MET: _("struck"), NOT_MET: _("not struck"), NOT_APPLICABLE: _("n/a")}
    rows = []
    for veto in result.all_vetoes:
        where = _("item {id}").format(id=veto.item_id) if veto.item_id is not None else _("rubric")
        values = values_text(veto.values)
        status = words[veto.status]
        if not veto.fails and (veto.downgrade is not None or veto.at_most is not None):
            status = _("{status} ({effect})").format(
                status=status, effect=escape(veto_effect(veto, _))
            )
        values_cell = _values_cell(values, veto.evidence, _, derived=veto.derived)
        line = _("line {line}").format(line=veto.line)
        rows.append([status, line, where, escape(veto.text), values_cell])
    lines += ["  " + line for line in table(rows, multiline=True)]
    lines.append("")
    return lines


def _totals(result: Result, _: Translate) -> list[str]:
    rows = [["", _("score"), _("max")]]
    for category in result.categories:
        name = escape(category.title)
        if category.is_bonus:
            name = _("{title} (bonus)").format(title=name)
        notes = (
            [_("capped from {earned}").format(earned=fmt(category.earned))] if category.cut else []
        )
        if category.deducted:
            notes.append(_("{points} deducted").format(points=fmt(category.deducted)))
        if category.na_reason is not None:
            notes.append("合理缺项")
        note = "  " + listed(notes, _) if notes else ""
        rows.append([name, fmt(category.score), fmt(category.max) + note])
    info = result.rubric
    na = (
        "  " + _("(合理缺项 {points})").format(points=fmt(result.na_points))
        if result.na_points
        else ""
    )
    rows.append([_("base, raw"), fmt(result.base_raw), fmt(info.base_max - result.na_points) + na])
    if result.na_points and result.na_points >= info.base_max:
        note = "  " + _("(every base point is 合理缺项: nothing to assess or prorate)")
        rows.append([_("base"), fmt(result.base), fmt(info.base_max) + note])
    elif result.na_points:
        rows.append([_("base, prorated"), fmt(result.base), fmt(info.base_max)])
    else:
        rows.append([_("base"), fmt(result.base), fmt(info.base_max)])
    rows.append([_("bonus"), fmt(result.bonus), fmt(info.bonus_max)])
    if result.deductions:
        rows.append([_("deducted"), fmt(-result.deducted), ""])
    rows.append([_("total"), fmt(result.total), fmt(info.base_max + info.bonus_max)])
    lines = ["  " + line for line in table(rows, numeric=frozenset({1}))]
    if result.grade is not None:
        lines.append("  " + _("grade: {grade}").format(grade=escape(result.grade.grade)))
        lines += [f"    {escape(grade_reason_words(reason, _))}" for reason in result.grade.reasons]
    return lines


def _losses_block(found: list[Loss], _: Translate) -> list[str]:
    if not found:
        return ["  " + _("none")]
    lines = []
    for loss in found:
        where = loss_where(loss, _)
        if loss.bonus:
            where = _("{where} (bonus)").format(where=where)
        head = f"  {pad(fmt(loss.points), 5, right=True)}  "
        if loss.override is not None:
            override = escape(override_words(loss.override, _))
            lines.append(
                head + _("{where}: score {override}").format(where=where, override=override)
            )
            continue
        if loss.rule is None:
            assert loss.item is not None  # only an item has unreachable points
            lines.append(head + _unreachable_reason(loss.item, where, _))
            continue
        lines.append(
            head
            + _("{where}, line {line}: {text}").format(
                where=where, line=loss.rule.line, text=escape(loss.rule.text)
            )
        )
        values = escape(loss.rule.values_text())
        detail = escape(detail_words(loss.rule.detail, _))
        lines.append(" " * 9 + _("{values}  ({detail})").format(values=values, detail=detail))
        lines += _evidence_below(loss.rule.evidence, " " * 9, _, loss.rule.derived)
    return lines


@exactly
def render_text(result: Result, meta: Mapping[Any, object] | None = None, lang: str = "en") -> str:
    """A report: a table per item, then the totals, then the points lost, largest first, in
    `lang` ("en" or "zh"; the rubric's and the data's own text stay as written).

    Every text from the rubric or the data is escaped on its line (ESC shows as \\x1b, a
    newline inside a value as \\n), so no input can drive the terminal or forge a line."""
    _ = translator(lang)
    info = result.rubric
    lines = [f"{escape(info.title)}  ({info.year})"]
    if meta:
        lines.append("  ".join(_meta_field(key, value) for key, value in meta.items()))
    lines.append("")
    if not result.categories:  # a checklist: requirements only, nothing scored
        lines += _tasks_block(result, _)
        lines += _requirements_block(result, _)[:-1]
        return escape_block("\n".join(lines) + _warnings_line(result, _))
    for category in result.categories:
        title = escape(category.title)
        if category.na_reason is not None:
            message = _("category '{title}' is not applicable (合理缺项): {reason}")
            lines += [message.format(title=title, reason=escape(category.na_reason)), ""]
        for member in category.members:
            items = member.items if isinstance(member, GroupTrace) else (member,)
            path = title
            if isinstance(member, GroupTrace):
                path += f" / {escape(member.title)}"
                if member.na_reason is not None:
                    message = _("group '{title}' is not applicable (合理缺项): {reason}")
                    lines += [
                        message.format(title=escape(member.title), reason=escape(member.na_reason)),
                        "",
                    ]
            for item in items:
                lines += _item_block(item, path, _)
                lines.append("")
        heading = _("category {title}: deductions from its score").format(title=title)
        lines += _deductions_block(heading, category.deductions, _)
    lines += _deductions_block(_("deductions from the total"), result.deductions, _)
    lines.append(_("Totals"))
    lines += _totals(result, _)
    lines.append("")
    lines += _overrides_block(result, _)
    lines += _vetoes_block(result, _)
    lines += _tasks_block(result, _)
    lines += _requirements_block(result, _)
    found = losses(result)
    lines += _(
        "Points not earned, largest first (what the item would gain if the rule were\n"
        "met; base points before 合理缺项 proration)"
    ).split("\n")
    lines += _losses_block([loss for loss in found if not loss.deduction], _)
    deducted = [loss for loss in found if loss.deduction]
    if deducted:
        lines.append("")
        lines.append(_("Points deducted, largest first (what would be recovered without them)"))
        lines += _losses_block(deducted, _)
    return escape_block("\n".join(lines) + _warnings_line(result, _))


def _overrides_block(result: Result, _: Translate) -> list[str]:
    """Every override of the reviewers, with the points computed without it: the scores above
    count the reviewers' points."""
    if not result.overrides:
        return []
    count = len(result.overrides)
    if count == 1:
        heading = _(
            "Overrides on site (现场评审): {count} override; the scores above count the "
            "reviewers' points"
        )
    else:
        heading = _(
            "Overrides on site (现场评审): {count} overrides; the scores above count the "
            "reviewers' points"
        )
    lines = [heading.format(count=count)]
    for override in result.overrides:
        if override.rule is None:
            message = _("{target} (line {line}): score {override}")
        else:
            message = _("{target} (line {line}): points {override}")
        note = message.format(
            target=escape(override_target(override, _)),
            line=override.line,
            override=escape(override_words(override, _)),
        )
        lines += _note(note, "  ")
    return [*lines, ""]


def _note(text: str, indent: str) -> list[str]:
    """A note on lines of at most NOTE_WIDTH columns, each after `indent`, the lines after the
    first two columns further in."""
    first, *rest = wrap(text, NOTE_WIDTH - display_width(indent), "  ")
    return [indent + first, *(indent + line for line in rest)]


def _warnings_line(result: Result, _: Translate) -> str:
    """The report's last line(s): the rubric's warnings, counted, if it has any."""
    if not result.warnings:
        return "\n"
    count = len(result.warnings)
    if count == 1:
        message = _("The rubric has {count} warning: run `rubricdsl check` on it to see them.")
    else:
        message = _("The rubric has {count} warnings: run `rubricdsl check` on it to see them.")
    return "\n\n" + message.format(count=count) + "\n"


def _requirements_block(result: Result, _: Translate) -> list[str]:
    """Every requirement with its status and what it read; whether the district is eligible."""
    if not result.requirements:
        return []
    unmet = len(result.unmet_requirements)
    if unmet == 1:
        heading = _("Requirements (门槛): {count} requirement not met: NOT ELIGIBLE")
    elif unmet:
        heading = _("Requirements (门槛): {count} requirements not met: NOT ELIGIBLE")
    else:
        heading = _("Requirements (门槛): all hold (or are not applicable): eligible")
    words = {MET: _("holds"), NOT_MET: _("NOT MET"), NOT_APPLICABLE: _("n/a")}
    rows = [
        [
            words[requirement.status],
            _("line {line}").format(line=requirement.line),
            escape(place_words(requirement.scope, _)),
            escape(requirement.text),
            _values_cell(
                requirement.values_text(), requirement.evidence, _, derived=requirement.derived
            ),
        ]
        for requirement in result.requirements
    ]
    return [heading.format(count=unmet), *("  " + line for line in table(rows, multiline=True)), ""]


def _tasks_block(result: Result, _: Translate) -> list[str]:
    """The checklist's tasks by section: done, not done (with what is missing) or n/a."""
    if not result.tasks:
        return []
    done = sum(1 for task in result.tasks if task.done)
    total = len(result.tasks)
    if total == 1:
        heading = _("Checklist: {done} of {count} task done")
    else:
        heading = _("Checklist: {done} of {count} tasks done")
    lines = [heading.format(done=done, count=total)]
    words = {MET: _("done"), NOT_MET: _("NOT DONE"), NOT_APPLICABLE: _("n/a")}
    section = None
    for task in result.tasks:
        if task.section != section:
            section = task.section
            lines.append(f"  {escape(section)}")
        name = _("task {id}").format(id=escape(task.id))
        lines.append(f"    {pad(words[task.status], 8)}  {name}  {escape(task.title)}")
        for requirement in task.unmet:
            lines.append(
                " " * 14
                + _("not met, line {line}: {text}  ({values})").format(
                    line=requirement.line,
                    text=escape(requirement.text),
                    values=escape(requirement.values_text()),
                )
            )
            lines += _evidence_below(requirement.evidence, " " * 16, _, requirement.derived)
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
