"""An independent, hand-written scorer of the 2020 Anhui quality-strong county table.

This is the test oracle for ``rubrics/2020/anhui-quality-county.rubric``.  It is
written directly from the indicator dictionary (附件2 of the seed document, as
condensed in issue 2) and does not use rubricdsl at all.

Meanings fixed by issue 2, section 8:

* a rule gives its points when its condition holds; "以上 / 不低于 / 达到" are
  ``>=`` and "100%" means ``== 100``;
* an item scores ``min(declared points, explicit cap, sum of its rules)``,
  never below 0;
* a category scores ``min(declared total - its not-applicable points,
  sum of its item scores)``;
* a rule reading an indicator reported as ``{"not_applicable": reason}`` is
  dropped and its points leave the maximum (only item 10's 2nd and 3rd rules);
* ``base = base_raw * 100 / (100 - na_points)``, rounded half-up to 2 decimals;
  the bonus (capped at 10) is not prorated; ``total = base + bonus``.

All arithmetic is in ``decimal.Decimal``; a float is taken as the decimal it
was written as (``Decimal(repr(x))``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

D = Decimal
ZERO = D(0)
HUNDRED = D(100)
BASE_MAX = D(100)
BONUS_MAX = D(10)

# Indicators a district may report as not applicable (合理缺项).
NA_ALLOWED = frozenset({"registered_metrologists", "metrology_budget_wan"})


# --------------------------------------------------------------------------
# Reading indicator values


def num(x: object) -> Decimal:
    """A number as an exact Decimal (floats as written, never as binary)."""
    if isinstance(x, bool):
        raise TypeError(f"a bool is not a number: {x!r}")
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return D(x)
    if isinstance(x, float):
        return D(repr(x))
    raise TypeError(f"not a number: {x!r}")


def is_na(value: object) -> bool:
    return isinstance(value, Mapping) and "not_applicable" in value


# --------------------------------------------------------------------------
# Conditions: each knows which indicators it reads and how to test them.


@dataclass(frozen=True)
class Cond:
    reads: tuple[str, ...]
    test: Callable[[Mapping[str, object]], bool]


def true(name: str) -> Cond:
    """A bool indicator is true."""
    return Cond((name,), lambda v: v[name] is True)


def ge(name: str, bound: int | str) -> Cond:
    """以上 / 不低于 / 达到: value >= bound."""
    return Cond((name,), lambda v: num(v[name]) >= D(bound))


def eq(name: str, value: int) -> Cond:
    """100% means exactly 100; "未发生" means exactly 0."""
    return Cond((name,), lambda v: num(v[name]) == D(value))


def ge_other(name: str, other: str) -> Cond:
    """One indicator compared to another (item 23: 不低于全省平均水平)."""
    return Cond((name, other), lambda v: num(v[name]) >= num(v[other]))


def strictly_decreasing(name: str) -> Cond:
    """连续两年同比下降: 3 yearly values, each below the one before (v0 > v1 > v2)."""

    def test(v: Mapping[str, object]) -> bool:
        v0, v1, v2 = (num(x) for x in v[name])  # type: ignore[attr-defined]
        return v0 > v1 > v2

    return Cond((name,), test)


def all_of(*conds: Cond) -> Cond:
    reads = tuple(n for c in conds for n in c.reads)
    return Cond(reads, lambda v: all(c.test(v) for c in conds))


def any_of(*conds: Cond) -> Cond:
    reads = tuple(n for c in conds for n in c.reads)
    return Cond(reads, lambda v: any(c.test(v) for c in conds))


# --------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class Rule:
    points: Decimal
    when: Cond


@dataclass(frozen=True)
class Item:
    id: str
    declared: Decimal
    rules: tuple[Rule, ...]
    cap: Decimal | None = None


def item(
    item_id: str, declared: int, *rules: tuple[int | str, Cond], cap: int | None = None
) -> Item:
    return Item(
        id=item_id,
        declared=D(declared),
        rules=tuple(Rule(D(p), c) for p, c in rules),
        cap=None if cap is None else D(cap),
    )


ITEMS: tuple[Item, ...] = (
    # ---- 质量发展促进机制 (22) ----
    item("1", 5,  # 组织保障
         (1, true("quality_committee_dual_lead")),
         (2, true("gov_report_sets_target")),
         (1, ge("committee_meetings_per_year", 1)),
         (1, true("leaders_instruct_at_meeting"))),
    item("2", 2,  # 工作保障
         (2, true("provincial_opinion_implemented"))),
    item("3", 4,
         (2, true("quality_policy_issued")),
         (2, true("quality_policy_implemented"))),
    item("4", 2,
         (2, true("work_plan_adequate"))),
    item("5", 3,
         (1, true("tasks_assigned_to_units")),
         (2, true("in_annual_target_assessment"))),
    item("6", 2,
         (2, true("quality_publicity_done"))),
    item("7", 4,  # 经费保障
         (2, true("quality_fund_established")),
         (2, true("quality_fund_delivered"))),
    # ---- 质量技术 (18) ----
    item("8", 4,  # 质量公共服务平台建设: 再加 2 分 / 再加 1 分, 满分 4 分
         (2, true("inspection_platform_built")),
         (2, ge("national_qc_centers", 1)),
         (1, ge("provincial_qc_centers", 1)),
         cap=4),
    item("9", 4,  # 标准化工作
         (2, true("standardization_strategy")),
         (1, true("standards_self_declaration")),
         (1, true("agri_standard_demo_zone"))),
    item("10", 4,  # 计量工作; rules 2 and 3 may be not applicable
         (2, ge("compulsory_measurement_standards", 6)),
         (1, ge("registered_metrologists", 6)),
         (1, ge("metrology_budget_wan", 150))),
    item("11", 6,  # 质量管理基础
         (2, true("one_stop_plan")),
         (2, true("one_stop_operating")),
         (2, true("certification_demo_zone"))),
    # ---- 质量工作成效 (44; its items declare 46) ----
    item("12", 4,  # 产品质量: 获省奖的再加 2 分, 获市奖的加 1 分, 满分 4 分
         (2, true("gov_quality_award_held")),
         (2, true("provincial_quality_award")),
         (1, true("municipal_quality_award")),
         cap=4),
    item("13", 3,  # 首席质量官 100% 聘任、备案、培训: all or nothing
         (3, all_of(eq("cqo_appointed_pct", 100),
                    eq("cqo_filed_pct", 100),
                    eq("cqo_trained_pct", 100)))),
    item("14", 8,
         (1, ge("spot_check_coverage_pct", 90)),
         (2, ge("provincial_spot_check_pass_pct", 90)),
         ("0.5", eq("food_nonconforming_handled_pct", 100)),
         ("1.5", ge("food_handled_on_time_pct", 90)),
         (2, ge("primary_agri_pass_pct", 96)),
         (1, ge("production_license_approval_pct", 95))),
    item("15", 4,  # 工程质量
         (4, eq("construction_acceptance_pass_pct", 100))),
    item("16", 2,
         (2, eq("energy_standard_compliance_pct", 100))),
    item("17", 5,
         (2, true("construction_quality_measures")),
         (3, strictly_decreasing("construction_complaint_rate"))),
    item("18", 5,
         (2, eq("household_acceptance_pct", 100)),
         (3, true("buyer_inspection_system"))),
    item("19", 4,  # 服务质量: declares 4, its rules reach only 2
         (1, ge("producer_service_satisfaction", 80)),
         (1, ge("consumer_service_satisfaction", 80))),
    item("20", 6,
         (2, true("recall_support_policy")),
         (2, true("recall_support_system")),
         (1, true("recall_training_done")),
         (1, ge("recall_notices_published", 1))),
    item("21", 3,
         ("1.5", ge("tourism_benchmark_enterprises", 1)),
         ("1.5", ge("new_service_certificates", 3))),
    item("22", 2,
         (2, true("service_standards_promoted"))),
    # ---- 质量安全水平 (16) ----
    item("23", 3,  # 质量安全
         (1, ge("joint_inspection_share_pct", 25)),
         (1, ge("differentiated_supervision_pct", 30)),
         (1, ge_other("annual_report_rate_pct", "province_annual_report_rate_pct"))),
    item("24", 4,
         (2, true("citizen_quality_policies")),
         (2, true("provincial_safety_demo_title"))),
    item("25", 3,  # declares 3, its rules reach 4
         (1, true("spot_check_followup_done")),
         (1, eq("counterfeit_incidents", 0)),
         (2, eq("provincial_callouts", 0))),
    item("26", 3,
         (1, eq("major_drug_accidents", 0)),
         (1, eq("serious_food_accidents", 0)),
         (1, eq("serious_construction_accidents", 0))),
    item("27", 3,
         (1, eq("special_equipment_major_accidents", 0)),
         (1, all_of(eq("special_equipment_registration_pct", 100),
                    eq("key_equipment_inspection_pct", 100))),
         (1, eq("major_hazard_rectified_pct", 100))),
    # ---- 加分项 (10, bonus) ----
    item("28", 3,  # declares 3, its rules reach 5
         (3, any_of(true("leadership_endorsement"), true("national_meeting_exchange"))),
         (2, true("supervision_innovation"))),
    item("29", 3,
         (3, true("central_media_coverage"))),
    item("30", 2,
         (2, true("hosted_quality_event"))),
)  # fmt: skip

ITEMS_BY_ID: dict[str, Item] = {it.id: it for it in ITEMS}


@dataclass(frozen=True)
class Category:
    name: str
    declared: Decimal
    item_ids: tuple[str, ...]
    bonus: bool = False


CATEGORIES: tuple[Category, ...] = (
    Category("质量发展促进机制", D(22), tuple(str(i) for i in range(1, 8))),
    Category("质量技术", D(18), tuple(str(i) for i in range(8, 12))),
    Category("质量工作成效", D(44), tuple(str(i) for i in range(12, 23))),
    Category("质量安全水平", D(16), tuple(str(i) for i in range(23, 28))),
    Category("加分项", D(10), tuple(str(i) for i in range(28, 31)), bonus=True),
)

INDICATORS: frozenset[str] = frozenset(n for it in ITEMS for r in it.rules for n in r.when.reads)
assert len(INDICATORS) == 73, len(INDICATORS)


# --------------------------------------------------------------------------
# Scoring


@dataclass
class ItemScore:
    score: Decimal
    max: Decimal  # declared points (or cap) minus not-applicable points
    na_points: Decimal
    gave: list[Decimal | None] = field(default_factory=list)  # per rule, None = not applicable


@dataclass
class OracleResult:
    items: dict[str, ItemScore]
    categories: dict[str, Decimal]
    base_raw: Decimal
    na_points: Decimal
    base: Decimal
    bonus: Decimal
    total: Decimal

    def scores(self) -> dict[str, Decimal]:
        return {k: v.score for k, v in self.items.items()}


def score_item(it: Item, indicators: Mapping[str, object]) -> ItemScore:
    raw = ZERO
    na = ZERO
    gave: list[Decimal | None] = []
    for rule in it.rules:
        na_reads = [n for n in rule.when.reads if is_na(indicators[n])]
        if na_reads:
            bad = [n for n in na_reads if n not in NA_ALLOWED]
            if bad:
                raise ValueError(f"{bad} may not be reported as not applicable")
            na += rule.points
            gave.append(None)
            continue
        got = rule.points if rule.when.test(indicators) else ZERO
        raw += got
        gave.append(got)
    limit = it.declared if it.cap is None else min(it.declared, it.cap)
    score = max(ZERO, min(limit, raw))
    return ItemScore(score=score, max=limit - na, na_points=na, gave=gave)


def score(indicators: Mapping[str, object]) -> OracleResult:
    """Score one district's indicators with the 2020 table."""
    missing = INDICATORS - indicators.keys()
    unknown = indicators.keys() - INDICATORS
    if missing or unknown:
        raise KeyError(f"missing {sorted(missing)}, unknown {sorted(unknown)}")

    items = {it.id: score_item(it, indicators) for it in ITEMS}

    categories: dict[str, Decimal] = {}
    base_raw = ZERO
    bonus_sum = ZERO
    na_points = ZERO
    for cat in CATEGORIES:
        cat_na = sum((items[i].na_points for i in cat.item_ids), ZERO)
        cat_sum = sum((items[i].score for i in cat.item_ids), ZERO)
        cat_score = min(cat.declared - cat_na, cat_sum)
        categories[cat.name] = cat_score
        if cat.bonus:
            bonus_sum += cat_score
        else:
            base_raw += cat_score
            na_points += cat_na

    base = (base_raw * BASE_MAX / (BASE_MAX - na_points)).quantize(
        D("0.01"), rounding=ROUND_HALF_UP
    )
    bonus = min(BONUS_MAX, bonus_sum)
    return OracleResult(
        items=items,
        categories=categories,
        base_raw=base_raw,
        na_points=na_points,
        base=base,
        bonus=bonus,
        total=base + bonus,
    )
