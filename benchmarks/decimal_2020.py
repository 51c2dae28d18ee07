"""The hand-written scorer of the 2020 table (`plain_2020`) in `decimal.Decimal`.

The same table and the same meanings (see plain_2020's docstring), but as a scorer that keeps
everything in Decimal would be written: every number read is made the exact decimal it was
written as (a float by its shortest repr), every bound and every point is a Decimal, and the
base is prorated with Decimal division, rounded half-up to 2 decimals. No float is ever used
for a point or a comparison. The input is checked as in plain_2020."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, NamedTuple

from benchmarks.table_2020 import CATEGORIES, INDICATORS, ITEM_IDS, NA_ALLOWED, NAMES

D = Decimal
ZERO = D(0)
HALF = D("0.5")
ONE = D(1)
ONE_HALF = D("1.5")
TWO = D(2)
THREE = D(3)
FOUR = D(4)
CENT = D("0.01")

_BOOLS = tuple(n for n, k in INDICATORS.items() if k == "bool")
_NUMBERS = tuple(n for n, k in INDICATORS.items() if k not in ("bool", "series"))
_COUNTS = frozenset(n for n, k in INDICATORS.items() if k == "count")
_HUNDREDS = frozenset(n for n, k in INDICATORS.items() if k in ("percent", "score"))


class DecimalScore(NamedTuple):
    """The figures, in points."""

    items: tuple[Decimal, ...]  # in the table's order, items 1-30
    categories: tuple[Decimal, ...]  # in the table's order
    base_raw: Decimal
    na_points: Decimal
    base: Decimal
    bonus: Decimal
    total: Decimal


class _NotApplicable:
    """An indicator reported 合理缺项."""


NOT_APPLICABLE = _NotApplicable()


def _bad(name: str, value: object, why: str) -> ValueError:
    return ValueError(f"{name}: {value!r} {why}")


def exact(name: str, value: Any) -> Decimal:
    """A number as the exact decimal it was written as (a float by its shortest repr)."""
    kind = type(value)
    if kind is int:
        return D(value)
    if kind is float:
        number = D(repr(value))
    elif kind is Decimal:
        number = value
    else:
        raise _bad(name, value, "is not a number")
    if not number.is_finite():
        raise _bad(name, value, "is not a finite number")
    return number


def _is_na(value: Any) -> bool:
    if type(value) is not dict or len(value) != 1:
        return False
    reason = value.get("not_applicable")
    return type(reason) is str and bool(reason.strip())


def read(ind: Mapping[str, Any]) -> dict[str, Any]:
    """Every value checked and made exact: bools as they are, numbers as Decimals, the series as
    a tuple of Decimals, 合理缺项 as NOT_APPLICABLE."""
    if ind.keys() != NAMES:
        missing = sorted(NAMES - ind.keys())
        unknown = sorted(str(k) for k in ind.keys() - NAMES)
        raise ValueError(f"missing {missing}, unknown {unknown}")
    v: dict[str, Any] = {}
    for name in _BOOLS:
        if type(ind[name]) is not bool:
            raise _bad(name, ind[name], "is not a bool")
        v[name] = ind[name]
    for name in _NUMBERS:
        raw = ind[name]
        if name in NA_ALLOWED and _is_na(raw):
            v[name] = NOT_APPLICABLE
            continue
        number = exact(name, raw)
        if number < ZERO:
            raise _bad(name, raw, "is negative")
        if name in _COUNTS and number != number.to_integral_value():
            raise _bad(name, raw, "is not a whole number (a count)")
        if name in _HUNDREDS and number > 100:
            raise _bad(name, raw, "is over 100")
        v[name] = number
    series = ind["construction_complaint_rate"]
    if type(series) not in (list, tuple) or len(series) != 3:
        raise _bad("construction_complaint_rate", series, "is not 3 yearly values")
    v["construction_complaint_rate"] = tuple(
        exact("construction_complaint_rate", x) for x in series
    )
    return v


def score(ind: Mapping[str, Any]) -> DecimalScore:
    """Score one district's indicators with the 2020 table, in Decimal."""
    v = read(ind)
    with localcontext() as context:
        context.prec = 28
        context.rounding = ROUND_HALF_UP
        return _score(v)


def _score(v: dict[str, Any]) -> DecimalScore:
    # ---- 质量发展促进机制 (22) ----
    i1 = (
        (ONE if v["quality_committee_dual_lead"] else ZERO)
        + (TWO if v["gov_report_sets_target"] else ZERO)
        + (ONE if v["committee_meetings_per_year"] >= ONE else ZERO)
        + (ONE if v["leaders_instruct_at_meeting"] else ZERO)
    )
    i2 = TWO if v["provincial_opinion_implemented"] else ZERO
    i3 = (TWO if v["quality_policy_issued"] else ZERO) + (
        TWO if v["quality_policy_implemented"] else ZERO
    )
    i4 = TWO if v["work_plan_adequate"] else ZERO
    i5 = (ONE if v["tasks_assigned_to_units"] else ZERO) + (
        TWO if v["in_annual_target_assessment"] else ZERO
    )
    i6 = TWO if v["quality_publicity_done"] else ZERO
    i7 = (TWO if v["quality_fund_established"] else ZERO) + (
        TWO if v["quality_fund_delivered"] else ZERO
    )
    # ---- 质量技术 (18) ----
    i8 = min(
        FOUR,  # 再加 2 分 / 再加 1 分，满分 4 分
        (TWO if v["inspection_platform_built"] else ZERO)
        + (TWO if v["national_qc_centers"] >= ONE else ZERO)
        + (ONE if v["provincial_qc_centers"] >= ONE else ZERO),
    )
    i9 = (
        (TWO if v["standardization_strategy"] else ZERO)
        + (ONE if v["standards_self_declaration"] else ZERO)
        + (ONE if v["agri_standard_demo_zone"] else ZERO)
    )
    # item 10: 计量工作; its last two rules may be 合理缺项 (区域无法定计量检定机构)
    i10 = TWO if v["compulsory_measurement_standards"] >= D(6) else ZERO
    na = ZERO
    metrologists = v["registered_metrologists"]
    if metrologists is NOT_APPLICABLE:
        na += ONE
    elif metrologists >= D(6):
        i10 += ONE
    budget = v["metrology_budget_wan"]
    if budget is NOT_APPLICABLE:
        na += ONE
    elif budget >= D(150):
        i10 += ONE
    i10 = min(FOUR - na, i10)
    i11 = (
        (TWO if v["one_stop_plan"] else ZERO)
        + (TWO if v["one_stop_operating"] else ZERO)
        + (TWO if v["certification_demo_zone"] else ZERO)
    )
    # ---- 质量工作成效 (44, its items declare 46) ----
    i12 = min(
        FOUR,  # 获省奖的再加 2 分，获市奖的加 1 分，满分 4 分
        (TWO if v["gov_quality_award_held"] else ZERO)
        + (TWO if v["provincial_quality_award"] else ZERO)
        + (ONE if v["municipal_quality_award"] else ZERO),
    )
    hundred = D(100)
    i13 = (
        THREE
        if v["cqo_appointed_pct"] == hundred
        and v["cqo_filed_pct"] == hundred
        and v["cqo_trained_pct"] == hundred
        else ZERO
    )
    ninety = D(90)
    i14 = (
        (ONE if v["spot_check_coverage_pct"] >= ninety else ZERO)
        + (TWO if v["provincial_spot_check_pass_pct"] >= ninety else ZERO)
        + (HALF if v["food_nonconforming_handled_pct"] == hundred else ZERO)
        + (ONE_HALF if v["food_handled_on_time_pct"] >= ninety else ZERO)
        + (TWO if v["primary_agri_pass_pct"] >= D(96) else ZERO)
        + (ONE if v["production_license_approval_pct"] >= D(95) else ZERO)
    )
    i15 = FOUR if v["construction_acceptance_pass_pct"] == hundred else ZERO
    i16 = TWO if v["energy_standard_compliance_pct"] == hundred else ZERO
    v0, v1, v2 = v["construction_complaint_rate"]
    i17 = (TWO if v["construction_quality_measures"] else ZERO) + (
        THREE if v0 > v1 > v2 else ZERO  # 连续两年同比下降
    )
    i18 = (TWO if v["household_acceptance_pct"] == hundred else ZERO) + (
        THREE if v["buyer_inspection_system"] else ZERO
    )
    eighty = D(80)
    i19 = (ONE if v["producer_service_satisfaction"] >= eighty else ZERO) + (
        ONE if v["consumer_service_satisfaction"] >= eighty else ZERO
    )
    i20 = (
        (TWO if v["recall_support_policy"] else ZERO)
        + (TWO if v["recall_support_system"] else ZERO)
        + (ONE if v["recall_training_done"] else ZERO)
        + (ONE if v["recall_notices_published"] >= ONE else ZERO)
    )
    i21 = (ONE_HALF if v["tourism_benchmark_enterprises"] >= ONE else ZERO) + (
        ONE_HALF if v["new_service_certificates"] >= THREE else ZERO
    )
    i22 = TWO if v["service_standards_promoted"] else ZERO
    # ---- 质量安全水平 (16) ----
    i23 = (
        (ONE if v["joint_inspection_share_pct"] >= D(25) else ZERO)
        + (ONE if v["differentiated_supervision_pct"] >= D(30) else ZERO)
        + (ONE if v["annual_report_rate_pct"] >= v["province_annual_report_rate_pct"] else ZERO)
    )
    i24 = (TWO if v["citizen_quality_policies"] else ZERO) + (
        TWO if v["provincial_safety_demo_title"] else ZERO
    )
    i25 = min(
        THREE,  # its rules reach 4: the declared 3 caps it
        (ONE if v["spot_check_followup_done"] else ZERO)
        + (ONE if v["counterfeit_incidents"] == ZERO else ZERO)
        + (TWO if v["provincial_callouts"] == ZERO else ZERO),
    )
    i26 = (
        (ONE if v["major_drug_accidents"] == ZERO else ZERO)
        + (ONE if v["serious_food_accidents"] == ZERO else ZERO)
        + (ONE if v["serious_construction_accidents"] == ZERO else ZERO)
    )
    i27 = (
        (ONE if v["special_equipment_major_accidents"] == ZERO else ZERO)
        + (
            ONE
            if v["special_equipment_registration_pct"] == hundred
            and v["key_equipment_inspection_pct"] == hundred
            else ZERO
        )
        + (ONE if v["major_hazard_rectified_pct"] == hundred else ZERO)
    )
    # ---- 加分项 (10) ----
    i28 = min(
        THREE,  # its rules reach 5: the declared 3 caps it
        (THREE if v["leadership_endorsement"] or v["national_meeting_exchange"] else ZERO)
        + (TWO if v["supervision_innovation"] else ZERO),
    )
    i29 = THREE if v["central_media_coverage"] else ZERO
    i30 = TWO if v["hosted_quality_event"] else ZERO

    c1 = min(D(22), i1 + i2 + i3 + i4 + i5 + i6 + i7)
    c2 = min(D(18) - na, i8 + i9 + i10 + i11)
    c3 = min(D(44), i12 + i13 + i14 + i15 + i16 + i17 + i18 + i19 + i20 + i21 + i22)
    c4 = min(D(16), i23 + i24 + i25 + i26 + i27)
    c5 = min(D(10), i28 + i29 + i30)
    base_raw = min(hundred - na, c1 + c2 + c3 + c4)
    base = (base_raw * hundred / (hundred - na)).quantize(CENT, rounding=ROUND_HALF_UP)
    bonus = min(D(10), c5)
    return DecimalScore(
        (
            *(i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15),
            *(i16, i17, i18, i19, i20, i21, i22, i23, i24, i25, i26, i27, i28, i29, i30),
        ),
        (c1, c2, c3, c4, c5),
        base_raw,
        na,
        base,
        bonus,
        base + bonus,
    )


def figures(found: DecimalScore) -> dict[str, Decimal]:
    """The figures named as `table_2020.result_figures` names rubricdsl's."""
    named = {f"item {i}": s for i, s in zip(ITEM_IDS, found.items, strict=True)}
    named.update({f"category {c[0]}": s for c, s in zip(CATEGORIES, found.categories, strict=True)})
    for name in ("base_raw", "na_points", "base", "bonus", "total"):
        named[name] = getattr(found, name)
    return named
