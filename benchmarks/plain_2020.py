"""A hand-written plain-Python scorer of the 2020 table: the yardstick of issue 9.

安徽省质量强县（市、区）创建验收现场评审评分表（2020 年版）, 附件2 of the seed document
(瑶办发〔2021〕25号), written straight from the table with the meanings the rubric states at its
top (rubrics/2020/anhui-quality-county.rubric): "以上 / 不低于 / 达到" include the bound, "100%"
is == 100, "未发生" is == 0; an item scores at most its declared points (items 8 and 12: 满分 4
分); 连续两年同比下降 is three yearly values strictly decreasing; a district without a statutory
metrology institution reports item 10's last two indicators 合理缺项 and the base is prorated;
the category 质量工作成效 is capped at its declared 44.

Points are ints in hundredths of a point, so no float rounding ever happens; values are the
ints and floats a YAML or JSON reader gives (Decimals too). Every comparison is exact: each
bound is a whole number (so `float >= 90` decides as the float's written decimal does), and
the two comparisons of one value with another (item 17's series, item 23's rates) go through
Decimal when a float meets a Decimal. The input is checked as a careful hand-written scorer
would: every indicator there and none unknown, of its kind and in its range; a ValueError
names the first that is not."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from benchmarks.table_2020 import CATEGORIES, INDICATORS, ITEM_IDS, NA_ALLOWED, NAMES

_BOOLS = tuple(n for n, k in INDICATORS.items() if k == "bool")
_COUNTS = tuple(n for n, k in INDICATORS.items() if k == "count" and n not in NA_ALLOWED)
_HUNDREDS = tuple(n for n, k in INDICATORS.items() if k in ("percent", "score"))


class PlainScore(NamedTuple):
    """The figures, in hundredths of a point."""

    items: tuple[int, ...]  # in the table's order, items 1-30
    categories: tuple[int, ...]  # in the table's order
    base_raw: int
    na_points: int
    base: int
    bonus: int
    total: int


def _bad(name: str, value: object, why: str) -> ValueError:
    return ValueError(f"{name}: {value!r} {why}")


def _exact(value: Any) -> Decimal:
    """A number as the decimal it was written as (a float by its shortest repr)."""
    if type(value) is float:
        return Decimal(repr(value))
    return Decimal(value)


def _number_ok(value: Any, low: int | None, high: int | None) -> bool:
    """The slow path of the checks: a Decimal, or a value that is not an int or a float."""
    if type(value) is Decimal:
        if not value.is_finite():
            return False
    elif type(value) is not int and type(value) is not float:
        return False
    elif type(value) is float and not math.isfinite(value):
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def _is_na(value: Any) -> bool:
    if type(value) is not dict or len(value) != 1:
        return False
    reason = value.get("not_applicable")
    return type(reason) is str and bool(reason.strip())


def _check(ind: Mapping[str, Any]) -> None:
    if ind.keys() != NAMES:
        missing = sorted(NAMES - ind.keys())
        unknown = sorted(str(k) for k in ind.keys() - NAMES)
        raise ValueError(f"missing {missing}, unknown {unknown}")
    for name in _BOOLS:
        if type(ind[name]) is not bool:
            raise _bad(name, ind[name], "is not a bool")
    for name in _COUNTS:
        v = ind[name]
        if type(v) is int:
            if v < 0:
                raise _bad(name, v, "is negative (a count)")
        elif not (_number_ok(v, 0, None) and v == int(v)):
            raise _bad(name, v, "is not a count")
    for name in _HUNDREDS:
        v = ind[name]
        if type(v) is int or type(v) is float:
            if not 0 <= v <= 100:  # NaN fails too
                raise _bad(name, v, "is outside 0-100")
        elif not _number_ok(v, 0, 100):
            raise _bad(name, v, "is outside 0-100")
    v = ind["registered_metrologists"]
    whole = (type(v) is int and v >= 0) or (_number_ok(v, 0, None) and v == int(v))
    if not whole and not _is_na(v):
        raise _bad("registered_metrologists", v, "is not a count or 合理缺项")
    v = ind["metrology_budget_wan"]
    if not _is_na(v) and not _number_ok(v, 0, None):
        raise _bad("metrology_budget_wan", v, "is not an amount or 合理缺项")
    v = ind["construction_complaint_rate"]
    if type(v) not in (list, tuple) or len(v) != 3:
        raise _bad("construction_complaint_rate", v, "is not 3 yearly values")
    for x in v:
        if not _number_ok(x, None, None):
            raise _bad("construction_complaint_rate", v, "is not 3 yearly values")


def _mixed(*values: object) -> bool:
    """Whether a float meets a Decimal, whose comparison Python makes on the float's binary
    value rather than on the decimal it was written as."""
    types = {type(v) for v in values}
    return float in types and Decimal in types


def score(ind: Mapping[str, Any]) -> PlainScore:
    """Score one district's indicators with the 2020 table."""
    _check(ind)
    # ---- 质量发展促进机制 (22) ----
    i1 = (
        (100 if ind["quality_committee_dual_lead"] else 0)
        + (200 if ind["gov_report_sets_target"] else 0)
        + (100 if ind["committee_meetings_per_year"] >= 1 else 0)
        + (100 if ind["leaders_instruct_at_meeting"] else 0)
    )
    i2 = 200 if ind["provincial_opinion_implemented"] else 0
    i3 = (200 if ind["quality_policy_issued"] else 0) + (
        200 if ind["quality_policy_implemented"] else 0
    )
    i4 = 200 if ind["work_plan_adequate"] else 0
    i5 = (100 if ind["tasks_assigned_to_units"] else 0) + (
        200 if ind["in_annual_target_assessment"] else 0
    )
    i6 = 200 if ind["quality_publicity_done"] else 0
    i7 = (200 if ind["quality_fund_established"] else 0) + (
        200 if ind["quality_fund_delivered"] else 0
    )
    # ---- 质量技术 (18) ----
    i8 = min(
        400,  # 再加 2 分 / 再加 1 分，满分 4 分
        (200 if ind["inspection_platform_built"] else 0)
        + (200 if ind["national_qc_centers"] >= 1 else 0)
        + (100 if ind["provincial_qc_centers"] >= 1 else 0),
    )
    i9 = (
        (200 if ind["standardization_strategy"] else 0)
        + (100 if ind["standards_self_declaration"] else 0)
        + (100 if ind["agri_standard_demo_zone"] else 0)
    )
    # item 10: 计量工作; its last two rules may be 合理缺项 (区域无法定计量检定机构)
    i10 = 200 if ind["compulsory_measurement_standards"] >= 6 else 0
    na = 0
    metrologists = ind["registered_metrologists"]
    if type(metrologists) is dict:
        na += 100
    elif metrologists >= 6:
        i10 += 100
    budget = ind["metrology_budget_wan"]
    if type(budget) is dict:
        na += 100
    elif budget >= 150:
        i10 += 100
    i10 = min(400 - na, i10)
    i11 = (
        (200 if ind["one_stop_plan"] else 0)
        + (200 if ind["one_stop_operating"] else 0)
        + (200 if ind["certification_demo_zone"] else 0)
    )
    # ---- 质量工作成效 (44, its items declare 46) ----
    i12 = min(
        400,  # 获省奖的再加 2 分，获市奖的加 1 分，满分 4 分
        (200 if ind["gov_quality_award_held"] else 0)
        + (200 if ind["provincial_quality_award"] else 0)
        + (100 if ind["municipal_quality_award"] else 0),
    )
    i13 = (
        300
        if ind["cqo_appointed_pct"] == 100
        and ind["cqo_filed_pct"] == 100
        and ind["cqo_trained_pct"] == 100
        else 0
    )
    i14 = (
        (100 if ind["spot_check_coverage_pct"] >= 90 else 0)
        + (200 if ind["provincial_spot_check_pass_pct"] >= 90 else 0)
        + (50 if ind["food_nonconforming_handled_pct"] == 100 else 0)
        + (150 if ind["food_handled_on_time_pct"] >= 90 else 0)
        + (200 if ind["primary_agri_pass_pct"] >= 96 else 0)
        + (100 if ind["production_license_approval_pct"] >= 95 else 0)
    )
    i15 = 400 if ind["construction_acceptance_pass_pct"] == 100 else 0
    i16 = 200 if ind["energy_standard_compliance_pct"] == 100 else 0
    v0, v1, v2 = ind["construction_complaint_rate"]
    if _mixed(v0, v1, v2):
        v0, v1, v2 = _exact(v0), _exact(v1), _exact(v2)
    i17 = (200 if ind["construction_quality_measures"] else 0) + (
        300 if v0 > v1 > v2 else 0  # 连续两年同比下降
    )
    i18 = (200 if ind["household_acceptance_pct"] == 100 else 0) + (
        300 if ind["buyer_inspection_system"] else 0
    )
    i19 = (100 if ind["producer_service_satisfaction"] >= 80 else 0) + (
        100 if ind["consumer_service_satisfaction"] >= 80 else 0
    )
    i20 = (
        (200 if ind["recall_support_policy"] else 0)
        + (200 if ind["recall_support_system"] else 0)
        + (100 if ind["recall_training_done"] else 0)
        + (100 if ind["recall_notices_published"] >= 1 else 0)
    )
    i21 = (150 if ind["tourism_benchmark_enterprises"] >= 1 else 0) + (
        150 if ind["new_service_certificates"] >= 3 else 0
    )
    i22 = 200 if ind["service_standards_promoted"] else 0
    # ---- 质量安全水平 (16) ----
    rate, average = ind["annual_report_rate_pct"], ind["province_annual_report_rate_pct"]
    if _mixed(rate, average):
        rate, average = _exact(rate), _exact(average)
    i23 = (
        (100 if ind["joint_inspection_share_pct"] >= 25 else 0)
        + (100 if ind["differentiated_supervision_pct"] >= 30 else 0)
        + (100 if rate >= average else 0)
    )
    i24 = (200 if ind["citizen_quality_policies"] else 0) + (
        200 if ind["provincial_safety_demo_title"] else 0
    )
    i25 = min(
        300,  # its rules reach 4: the declared 3 caps it
        (100 if ind["spot_check_followup_done"] else 0)
        + (100 if ind["counterfeit_incidents"] == 0 else 0)
        + (200 if ind["provincial_callouts"] == 0 else 0),
    )
    i26 = (
        (100 if ind["major_drug_accidents"] == 0 else 0)
        + (100 if ind["serious_food_accidents"] == 0 else 0)
        + (100 if ind["serious_construction_accidents"] == 0 else 0)
    )
    i27 = (
        (100 if ind["special_equipment_major_accidents"] == 0 else 0)
        + (
            100
            if ind["special_equipment_registration_pct"] == 100
            and ind["key_equipment_inspection_pct"] == 100
            else 0
        )
        + (100 if ind["major_hazard_rectified_pct"] == 100 else 0)
    )
    # ---- 加分项 (10) ----
    i28 = min(
        300,  # its rules reach 5: the declared 3 caps it
        (300 if ind["leadership_endorsement"] or ind["national_meeting_exchange"] else 0)
        + (200 if ind["supervision_innovation"] else 0),
    )
    i29 = 300 if ind["central_media_coverage"] else 0
    i30 = 200 if ind["hosted_quality_event"] else 0

    c1 = min(2200, i1 + i2 + i3 + i4 + i5 + i6 + i7)
    c2 = min(1800 - na, i8 + i9 + i10 + i11)
    c3 = min(4400, i12 + i13 + i14 + i15 + i16 + i17 + i18 + i19 + i20 + i21 + i22)
    c4 = min(1600, i23 + i24 + i25 + i26 + i27)
    c5 = min(1000, i28 + i29 + i30)
    base_raw = min(10_000 - na, c1 + c2 + c3 + c4)
    # base = base_raw × 100 / (100 − na), in hundredths, rounded half-up to 2 decimals
    whole = 10_000 - na
    base, rest = divmod(base_raw * 10_000, whole)
    if 2 * rest >= whole:
        base += 1
    bonus = min(1000, c5)
    return PlainScore(
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


_CENT = Decimal("0.01")


def figures(found: PlainScore) -> dict[str, Decimal]:
    """The figures as exact Decimals, named as `table_2020.result_figures` names rubricdsl's."""

    def points(hundredths: int) -> Decimal:
        return (Decimal(hundredths) * _CENT).quantize(_CENT, rounding=ROUND_HALF_UP)

    named = {f"item {i}": points(s) for i, s in zip(ITEM_IDS, found.items, strict=True)}
    named.update(
        {f"category {c[0]}": points(s) for c, s in zip(CATEGORIES, found.categories, strict=True)}
    )
    for name in ("base_raw", "na_points", "base", "bonus", "total"):
        named[name] = points(getattr(found, name))
    return named
