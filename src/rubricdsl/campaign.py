"""Several rubrics applied to one district's data: their shared indicators, the data split."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import attrs

from rubricdsl.api import Rubric
from rubricdsl.datafile import check_evidence
from rubricdsl.errors import IndicatorError, IndicatorProblem, RubricError
from rubricdsl.escape import escape
from rubricdsl.exact import exactly
from rubricdsl.i18n import _
from rubricdsl.inputs import closest, copy_indicators, describe, no_such_excuse
from rubricdsl.limits import DEFAULT_LIMITS
from rubricdsl.model import IndicatorSpec
from rubricdsl.overrides import Override
from rubricdsl.trace import Result


class RubricsDisagreeError(RubricError):
    """Two rubrics declare one indicator name with different types, so no single data file
    could serve both."""


def _same_type(first: IndicatorSpec, second: IndicatorSpec) -> bool:
    keep = ("kind", "allows_na", "unit", "series_length", "levels")
    return all(getattr(first, field) == getattr(second, field) for field in keep)


def shared_indicators(rubrics: Sequence[Rubric]) -> dict[str, IndicatorSpec]:
    """Every indicator any of the rubrics declares, once (the first declaration, in the order
    given; a reported one before a derived one, which a rubric computes from others). A name two
    rubrics declare differently is a RubricsDisagreeError naming both."""
    found: dict[str, IndicatorSpec] = {}
    declared_in: dict[str, Rubric] = {}
    for rubric in rubrics:
        for name, spec in rubric.indicators.items():
            first = found.get(name)
            if first is not None and first.derived and not spec.derived:
                found[name] = spec  # the data reports it for this rubric
                declared_in[name] = rubric
            elif first is None:
                found[name] = spec
                declared_in[name] = rubric
            elif not _same_type(first, spec):
                other = declared_in[name]
                raise RubricsDisagreeError(
                    _(
                        "{place}: {name} is declared {type}, but {other} declares it "
                        "{other_type}; one data file serves both, so declare it the same way in "
                        "both"
                    ).format(
                        place=f"{escape(rubric.source_name)}:{spec.span.line}:{spec.span.column}",
                        name=name,
                        type=describe(spec) + (" or na" if spec.allows_na else ""),
                        other=f"{escape(other.source_name)}:{first.span.line}:{first.span.column}",
                        other_type=describe(first) + (" or na" if first.allows_na else ""),
                    )
                )
    return found


@attrs.frozen
class Evaluations:
    """Each rubric's result on one district's data, in the order the rubrics were given."""

    rubrics: tuple[Rubric, ...]
    results: tuple[Result, ...]

    def pairs(self) -> tuple[tuple[Rubric, Result], ...]:
        return tuple(zip(self.rubrics, self.results, strict=True))


@exactly
def evaluate_all(
    rubrics: Sequence[Rubric],
    indicators: Mapping[str, object],
    not_applicable: Mapping[str, str] | None = None,
    *,
    evidence: Mapping[str, object] | None = None,
    overrides: Sequence[Mapping[str, object] | Override] = (),
) -> Evaluations:
    """Score one data file with several rubrics: each gets the indicators it declares, the
    合理缺项 reports it allows and the evidence for its indicators. A name no rubric declares
    (or allows) is an IndicatorError with the closest name any of them knows. The reviewers'
    overrides name items, so they go to the one rubric that scores items; with several such
    rubrics they would be ambiguous, and are refused. One rubric is evaluated exactly as
    `Rubric.evaluate` does."""
    rubrics = tuple(rubrics)
    if not rubrics:
        raise RubricError("no rubric given")
    if len(rubrics) == 1:
        result = rubrics[0].evaluate(
            indicators, not_applicable, evidence=evidence, overrides=overrides or None
        )
        return Evaluations(rubrics, (result,))
    known = shared_indicators(rubrics)
    given = copy_indicators(indicators)
    reported = copy_indicators(not_applicable) if not_applicable is not None else {}
    _refuse_unknown(given, known, reported, rubrics)
    # the names are checked here against every rubric's, each rubric checks its references
    references = cast("dict[str, object]", copy_indicators(evidence) if evidence else {})
    check_evidence(references, known)
    results = []
    for rubric in rubrics:
        own, allowed = own_data(rubric, given, reported)
        # a value another rubric reads is not one this rubric computes
        own = {n: v for n, v in own.items() if known[n].derived or not rubric.indicators[n].derived}
        backing = {name: refs for name, refs in references.items() if name in rubric.indicators}
        on_site = overrides_for(rubric, rubrics, overrides)
        results.append(rubric.evaluate(own, allowed, evidence=backing, overrides=on_site))
    return Evaluations(rubrics, tuple(results))


def overrides_for(
    rubric: Rubric, rubrics: Sequence[Rubric], overrides: Sequence[Mapping[str, object] | Override]
) -> Sequence[Mapping[str, object] | Override] | None:
    """The reviewers' overrides that concern one of several rubrics: they name items, so they go
    to the one rubric that scores items; with several such rubrics they would be ambiguous, and
    are refused (score the rubric they belong to alone)."""
    if not overrides:
        return None
    if len(rubrics) == 1:
        return overrides
    scoring = [each for each in rubrics if each.checked.file.categories]
    if len(scoring) > 1:
        raise RubricError(
            _(
                "reviewers' overrides name items, and more than one of the rubrics scores items: "
                "score the rubric they belong to alone"
            )
        )
    return overrides if rubric in scoring else None


def own_data(
    rubric: Rubric, indicators: Mapping[Any, object], reported: Mapping[Any, object]
) -> tuple[dict[str, object], dict[str, str]]:
    """The part of a data file one rubric reads: the indicators it declares and the 合理缺项
    reports it allows. A missing indicator stays missing, so the rubric's own check names it;
    evaluate checks each reason (present, a text, within limits) as it reads it."""
    own = {name: indicators[name] for name in rubric.indicators if name in indicators}
    allowed = cast(
        "dict[str, str]",
        {str(key): why for key, why in reported.items() if str(key) in rubric.reportable},
    )
    return own, allowed


def _refuse_unknown(
    given: Mapping[object, object],
    known: Mapping[str, IndicatorSpec],
    reported: Mapping[object, object],
    rubrics: Sequence[Rubric],
) -> None:
    problems: list[IndicatorProblem] = []
    for key in given:
        if isinstance(key, str) and key in known:
            continue
        text = key if isinstance(key, str) else repr(key)
        close = closest(text, known, DEFAULT_LIMITS)
        if close:
            message = _("no rubric declares this indicator; did you mean '{name}'?").format(
                name=close
            )
        else:
            message = _("no rubric declares this indicator")
        problems.append(IndicatorProblem(text, message))
    allowed = {name for rubric in rubrics for name in rubric.reportable}
    for key in reported:
        name = str(key)
        if name not in allowed:
            close = closest(name, allowed, DEFAULT_LIMITS)
            message = no_such_excuse(close, sorted(allowed), one_rubric=False)
            problems.append(IndicatorProblem(f"not_applicable '{name}'", message))
    if problems:
        limit = DEFAULT_LIMITS.max_problems
        raise IndicatorError(problems[:limit], max(0, len(problems) - limit))
