"""What the benchmark's scorers of the 2020 table share: its indicators as the seed's table
(附件2 of 瑶办发〔2021〕25号) asks them, the thresholds they are compared with, the edge-weighted
indicator sets the benchmark times, and the comparison of a scorer's figures with rubricdsl's.

Nothing here imports rubricdsl: the scorers stay independent of it."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

RUBRIC = "rubrics/2020/anhui-quality-county.rubric"  # relative to the repository's root
SAMPLE = "examples/yaohai-2021.yaml"

# Each indicator's kind: bool; count (a whole number >= 0); percent and score (0-100);
# amount (>= 0, in 万元); series (3 yearly values, oldest first, any number).
INDICATORS: dict[str, str] = {
    # 质量发展促进机制
    "quality_committee_dual_lead": "bool",
    "gov_report_sets_target": "bool",
    "committee_meetings_per_year": "count",
    "leaders_instruct_at_meeting": "bool",
    "provincial_opinion_implemented": "bool",
    "quality_policy_issued": "bool",
    "quality_policy_implemented": "bool",
    "work_plan_adequate": "bool",
    "tasks_assigned_to_units": "bool",
    "in_annual_target_assessment": "bool",
    "quality_publicity_done": "bool",
    "quality_fund_established": "bool",
    "quality_fund_delivered": "bool",
    # 质量技术
    "inspection_platform_built": "bool",
    "national_qc_centers": "count",
    "provincial_qc_centers": "count",
    "standardization_strategy": "bool",
    "standards_self_declaration": "bool",
    "agri_standard_demo_zone": "bool",
    "compulsory_measurement_standards": "count",
    "registered_metrologists": "count",  # or 合理缺项
    "metrology_budget_wan": "amount",  # or 合理缺项
    "one_stop_plan": "bool",
    "one_stop_operating": "bool",
    "certification_demo_zone": "bool",
    # 质量工作成效
    "gov_quality_award_held": "bool",
    "provincial_quality_award": "bool",
    "municipal_quality_award": "bool",
    "cqo_appointed_pct": "percent",
    "cqo_filed_pct": "percent",
    "cqo_trained_pct": "percent",
    "spot_check_coverage_pct": "percent",
    "provincial_spot_check_pass_pct": "percent",
    "food_nonconforming_handled_pct": "percent",
    "food_handled_on_time_pct": "percent",
    "primary_agri_pass_pct": "percent",
    "production_license_approval_pct": "percent",
    "construction_acceptance_pass_pct": "percent",
    "energy_standard_compliance_pct": "percent",
    "construction_quality_measures": "bool",
    "construction_complaint_rate": "series",
    "household_acceptance_pct": "percent",
    "buyer_inspection_system": "bool",
    "producer_service_satisfaction": "score",
    "consumer_service_satisfaction": "score",
    "recall_support_policy": "bool",
    "recall_support_system": "bool",
    "recall_training_done": "bool",
    "recall_notices_published": "count",
    "tourism_benchmark_enterprises": "count",
    "new_service_certificates": "count",
    "service_standards_promoted": "bool",
    # 质量安全水平
    "joint_inspection_share_pct": "percent",
    "differentiated_supervision_pct": "percent",
    "annual_report_rate_pct": "percent",
    "province_annual_report_rate_pct": "percent",
    "citizen_quality_policies": "bool",
    "provincial_safety_demo_title": "bool",
    "spot_check_followup_done": "bool",
    "counterfeit_incidents": "count",
    "provincial_callouts": "count",
    "major_drug_accidents": "count",
    "serious_food_accidents": "count",
    "serious_construction_accidents": "count",
    "special_equipment_major_accidents": "count",
    "special_equipment_registration_pct": "percent",
    "key_equipment_inspection_pct": "percent",
    "major_hazard_rectified_pct": "percent",
    # 加分项
    "leadership_endorsement": "bool",
    "national_meeting_exchange": "bool",
    "supervision_innovation": "bool",
    "central_media_coverage": "bool",
    "hosted_quality_event": "bool",
}
NAMES = frozenset(INDICATORS)
# 区域无法定计量检定机构: item 10's last two rules may be reported 合理缺项.
NA_ALLOWED = frozenset({"registered_metrologists", "metrology_budget_wan"})

# The bound each number is compared with in the table (以上/不低于/达到: >=; 100%: == 100;
# 未发生: == 0).
THRESHOLDS: dict[str, int] = {
    "committee_meetings_per_year": 1,
    "national_qc_centers": 1,
    "provincial_qc_centers": 1,
    "compulsory_measurement_standards": 6,
    "registered_metrologists": 6,
    "metrology_budget_wan": 150,
    "cqo_appointed_pct": 100,
    "cqo_filed_pct": 100,
    "cqo_trained_pct": 100,
    "spot_check_coverage_pct": 90,
    "provincial_spot_check_pass_pct": 90,
    "food_nonconforming_handled_pct": 100,
    "food_handled_on_time_pct": 90,
    "primary_agri_pass_pct": 96,
    "production_license_approval_pct": 95,
    "construction_acceptance_pass_pct": 100,
    "energy_standard_compliance_pct": 100,
    "household_acceptance_pct": 100,
    "producer_service_satisfaction": 80,
    "consumer_service_satisfaction": 80,
    "recall_notices_published": 1,
    "tourism_benchmark_enterprises": 1,
    "new_service_certificates": 3,
    "joint_inspection_share_pct": 25,
    "differentiated_supervision_pct": 30,
    "counterfeit_incidents": 0,
    "provincial_callouts": 0,
    "major_drug_accidents": 0,
    "serious_food_accidents": 0,
    "serious_construction_accidents": 0,
    "special_equipment_major_accidents": 0,
    "special_equipment_registration_pct": 100,
    "key_equipment_inspection_pct": 100,
    "major_hazard_rectified_pct": 100,
}

ITEM_IDS: tuple[str, ...] = tuple(str(i) for i in range(1, 31))
# (title, declared points, the items in it, whether it counts toward the bonus)
CATEGORIES: tuple[tuple[str, int, tuple[str, ...], bool], ...] = (
    ("质量发展促进机制", 22, ITEM_IDS[0:7], False),
    ("质量技术", 18, ITEM_IDS[7:11], False),
    ("质量工作成效", 44, ITEM_IDS[11:22], False),
    ("质量安全水平", 16, ITEM_IDS[22:27], False),
    ("加分项", 10, ITEM_IDS[27:30], True),
)
NA_REASON = "区域无法定计量检定机构"


# ---- edge-weighted indicator sets ------------------------------------------------------------


def _hundredths(rng: random.Random, low: int, high: int) -> int | float:
    """A number of at most 2 decimals in [low, high]: an int when whole (as YAML reads it)."""
    cents = rng.randint(low * 100, high * 100)
    return cents // 100 if cents % 100 == 0 else cents / 100


def _near(rng: random.Random, kind: str, bound: int) -> int | float:
    """At, just below or just above a bound (a step of 1 for a count, else 0.01), in range."""
    upper = 100 if kind in ("percent", "score") else None
    step_cents = 100 if kind == "count" else 1
    cents = bound * 100 + rng.choice((-step_cents, 0, step_cents))
    cents = max(cents, 0)
    if upper is not None:
        cents = min(cents, upper * 100)
    if cents % 100 == 0:
        whole = cents // 100
        # sometimes the float a spreadsheet writes for a whole number
        return float(whole) if kind != "count" and rng.random() < 0.2 else whole
    return cents / 100


def _number(rng: random.Random, name: str, kind: str) -> int | float:
    bound = THRESHOLDS.get(name)
    if bound is not None and rng.random() < 2 / 3:
        return _near(rng, kind, bound)
    if kind == "count":
        return rng.randint(0, 12)
    if kind == "amount":
        return _hundredths(rng, 0, 400)
    return _hundredths(rng, 0, 100)


def _series(rng: random.Random) -> list[int | float]:
    values = [_hundredths(rng, 0, 10) for _ in range(3)]
    shape = rng.randrange(4)
    if shape == 0:
        values.sort(reverse=True)  # decreasing, unless two are equal
    elif shape == 1:
        values.sort(reverse=True)
        values[rng.randrange(2)] = values[2]  # a tie: not strictly decreasing
    elif shape == 2:
        values.sort()
    return values


def edge_set(rng: random.Random) -> dict[str, Any]:
    """One valid indicator set, weighted onto the table's thresholds: values at, just below and
    just above each bound, ties in the series and between the two compared rates, 合理缺项."""
    data: dict[str, Any] = {}
    for name, kind in INDICATORS.items():
        if kind == "bool":
            data[name] = rng.random() < 0.6
        elif kind == "series":
            data[name] = _series(rng)
        else:
            data[name] = _number(rng, name, kind)
        if name in NA_ALLOWED and rng.random() < 0.25:
            data[name] = {"not_applicable": NA_REASON}
    # item 23: 企业年报公示率不低于全省平均水平, compared at, below and above each other
    province = _hundredths(rng, 60, 100)
    data["province_annual_report_rate_pct"] = province
    shape = rng.randrange(4)
    if shape < 3:
        cents = round(province * 100) + (0, -1, 1)[shape]
        cents = min(max(cents, 0), 10_000)
        data["annual_report_rate_pct"] = cents // 100 if cents % 100 == 0 else cents / 100
    return data


def edge_sets(count: int, seed: int = 2020) -> list[dict[str, Any]]:
    """`count` edge-weighted indicator sets, the same for the same seed."""
    rng = random.Random(seed)
    return [edge_set(rng) for _ in range(count)]


def native(value: object) -> object:
    """A value as a YAML or JSON reader gives it: a Decimal as an int when whole, else as the
    float written with the same digits (exact for the benchmark's values of <= 15 digits)."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        if Decimal(repr(as_float)) != value:
            raise ValueError(f"{value} has no float written with the same digits")
        return as_float
    if isinstance(value, (list, tuple)):
        return [native(v) for v in value]
    return value


def native_set(indicators: Mapping[str, object]) -> dict[str, object]:
    return {name: native(value) for name, value in indicators.items()}


# ---- comparing figures -----------------------------------------------------------------------


def result_figures(result: Any) -> dict[str, Decimal]:
    """rubricdsl's figures from a `Result`: every item's and category's score, the base (raw and
    prorated), the points not applicable, the bonus and the total."""
    figures = {f"item {item.id}": item.score for item in result.items}
    figures.update({f"category {c.title}": c.score for c in result.categories})
    for name in ("base_raw", "na_points", "base", "bonus", "total"):
        figures[name] = getattr(result, name)
    return figures


def differences(expected: Mapping[str, Decimal], got: Mapping[str, Decimal]) -> list[str]:
    """Each figure that differs (compared as numbers: 4 == 4.00), as `name: expected != got`."""
    found = []
    for name in sorted(expected.keys() | got.keys()):
        want, have = expected.get(name), got.get(name)
        if want is None or have is None or want != have:
            found.append(f"{name}: rubricdsl {want} != {have}")
    return found


def sample_sets(count: int, seed: int = 2020) -> Iterator[dict[str, Any]]:
    """Edge sets, endlessly cycled: for batches larger than the sets drawn."""
    sets = edge_sets(count, seed)
    while True:
        yield from sets
