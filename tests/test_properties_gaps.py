"""Properties of gap analysis on generated rubrics and data (tests/strategies.py).

Each suggestion promises a gain in the total; applied alone to the data it must raise the
total by exactly that much (measured here with `Rubric.evaluate`). Where the condition includes
its bound (>=, <=, ==) the value suggested is the bound itself, and the bound is what the rule
compares with: a number written in the rule (as the generator's model has it) or the other
indicator's value in the data. And the generator's model, which reads the rules by
docs/language.md on its own, agrees that the changed data meet the rule (or reach the tier).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings

import rubricdsl
from rubricdsl.gaps import GapReport, Need, RuleRef, find_gaps
from strategies import (
    NA,
    AllOf,
    AnyOf,
    Case,
    Compare,
    FixedRule,
    Lit,
    Not,
    PerUnitRule,
    Point,
    ProportionalRule,
    Ref,
    TiersRule,
    rubric_cases,
)

ZERO = Decimal(0)
# 60 examples each keeps the file within ~20 s on 2 cores: each example rescores the data once
# per way found to meet a rule, and again to combine them.
GAPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def report_for(case: Case) -> tuple[rubricdsl.Rubric, rubricdsl.Result, GapReport]:
    rubric = rubricdsl.loads(case.text)
    return rubric, rubric.evaluate(case.data), find_gaps(rubric, case.data)


def with_changes(data: dict[str, Any], changes: Any) -> dict[str, Any]:
    changed = dict(data)
    changed.update({change.indicator: change.after for change in changes})
    return changed


def model_rule(case: Case, result: rubricdsl.Result, ref: RuleRef) -> Any:
    """The generator's rule behind a rule reference: the same item, the same position."""
    assert ref.item_id is not None
    traces = result.item(ref.item_id).rules
    index = [(t.line, t.column) for t in traces].index((ref.line, ref.column))
    (item,) = [i for i in case.model.items() if i.id == ref.item_id]
    return item.rules[index]


def atoms(condition: Any) -> list[Compare]:
    if isinstance(condition, Compare):
        return [condition]
    if isinstance(condition, Not):
        return atoms(condition.operand)
    if isinstance(condition, AllOf | AnyOf):
        return [a for operand in condition.operands for a in atoms(operand)]
    return []


def conditions_of(rule: Any) -> list[Any]:
    if isinstance(rule, FixedRule):
        return [rule.condition]
    if isinstance(rule, TiersRule):
        return [tier.condition for tier in rule.tiers]
    return []


def operand_name(operand: Any) -> str | None:
    if isinstance(operand, Ref):
        return operand.name
    if isinstance(operand, Point):
        return f"{operand.which}({operand.name})"
    return None


def bounds_written(rule: Any, need: Need, values: dict[str, Any]) -> set[Any]:
    """What the rule compares the operand with: the numbers written opposite it, and the values
    of the indicators (or points of series) opposite it, in the model."""
    found: set[Any] = set()
    for condition in conditions_of(rule):
        for atom in atoms(condition):
            for mine, other in ((atom.left, atom.right), (atom.right, atom.left)):
                if operand_name(mine) != need.operand:
                    continue
                if isinstance(other, Lit):
                    found.add(other.value_)
                elif not isinstance(other.value(values), NA):
                    found.add(other.value(values))
    return found


@GAPS
@given(rubric_cases())
def test_each_suggestion_alone_gains_exactly_what_it_promises(case: Case):
    """Applied alone, each suggestion (and each alternative way of an `or`) raises the total by
    exactly its promised gain; every suggestion at once gives `after_all`, at least what the
    best single suggestion gives; the ranking is by gain, then by line."""
    rubric, before, report = report_for(case)
    assert report.total == before.total
    for suggestion in report.suggestions:
        after = rubric.evaluate(with_changes(case.data, suggestion.changes))
        assert after.total - before.total == suggestion.gain
        assert (suggestion.gain > 0) == (suggestion.reason is None)
        for alternative in suggestion.alternatives:
            changed = rubric.evaluate(with_changes(case.data, alternative.changes))
            assert changed.total - before.total == alternative.gain
    everything = rubric.evaluate(with_changes(case.data, report.all_changes))
    assert everything.total == report.after_all
    best = max((s.gain for s in report.suggestions), default=ZERO)
    assert report.after_all >= before.total + max(best, ZERO)
    ranks = [(-s.gain, s.line) for s in report.suggestions]
    assert ranks == sorted(ranks)


@GAPS
@given(rubric_cases())
def test_a_bound_the_condition_includes_is_the_value_suggested(case: Case):
    """For >=, <= and == the value suggested is the bound, and the bound is what the rule
    compares with (a number written in it, or the other side's value in the data), unless the
    indicator cannot take it (a count against 2.5). The model agrees that the changed data
    meet the rule, reach the tier aimed at, or (per unit, proportional) give its best."""
    _, result, report = report_for(case)
    for suggestion in report.suggestions:
        changed = dict(case.values)
        changed.update({change.indicator: change.after for change in suggestion.changes})
        for ref in suggestion.meets:
            if ref.where != "item":
                continue
            rule = model_rule(case, result, ref)
            for need in ref.needs:
                if need.kind != "compare" or not need.inclusive:
                    continue
                whole = not isinstance(need.bound, Decimal) or need.bound == int(need.bound)
                kind = case.model.indicator(need.indicator).kind
                if kind == "count" and not whole:
                    continue
                assert need.value == need.bound, (need, ref)
                assert need.bound in bounds_written(rule, need, case.values), (need, ref)
            raw, _ = rule.outcome(changed)
            if isinstance(rule, FixedRule):
                assert raw == (rule.points if rule.points > 0 else ZERO)
            elif isinstance(rule, TiersRule):
                assert ref.tier_points is not None
                assert raw >= ref.tier_points
            elif isinstance(rule, PerUnitRule | ProportionalRule):
                assert raw > rule.outcome(case.values)[0]
                if all(need.full for need in ref.needs):
                    assert raw == (rule.reach() if rule.points > 0 else ZERO)
