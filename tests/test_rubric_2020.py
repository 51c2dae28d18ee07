"""The 2020 Anhui quality-strong county table (附件2), checked through rubricdsl's public API.

Every expected value here is worked out by hand from the table's wording (as
fixed by issue 2, section 8) or comes from ``tests/oracle_2020.py``, an
independent hand-written scorer that does not use rubricdsl.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rubricdsl

D = Decimal
HERE = Path(__file__).resolve().parent
RUBRIC_PATH = HERE.parent / "rubrics" / "2020" / "anhui-quality-county.rubric"


def _load_oracle():
    spec = importlib.util.spec_from_file_location("oracle_2020", HERE / "oracle_2020.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("oracle_2020", module)
    spec.loader.exec_module(module)
    return module


oracle = _load_oracle()

NA_REASON = "区域无法定计量检定机构"
NA = {"not_applicable": NA_REASON}


@pytest.fixture(scope="module")
def rubric():
    return rubricdsl.load(RUBRIC_PATH)


# --------------------------------------------------------------------------
# The "everything met" district

ALL_MET: dict[str, object] = {
    # item 1
    "quality_committee_dual_lead": True,
    "gov_report_sets_target": True,
    "committee_meetings_per_year": 2,
    "leaders_instruct_at_meeting": True,
    # items 2-7
    "provincial_opinion_implemented": True,
    "quality_policy_issued": True,
    "quality_policy_implemented": True,
    "work_plan_adequate": True,
    "tasks_assigned_to_units": True,
    "in_annual_target_assessment": True,
    "quality_publicity_done": True,
    "quality_fund_established": True,
    "quality_fund_delivered": True,
    # item 8
    "inspection_platform_built": True,
    "national_qc_centers": 1,
    "provincial_qc_centers": 2,
    # item 9
    "standardization_strategy": True,
    "standards_self_declaration": True,
    "agri_standard_demo_zone": True,
    # item 10
    "compulsory_measurement_standards": 8,
    "registered_metrologists": 7,
    "metrology_budget_wan": 180.5,
    # item 11
    "one_stop_plan": True,
    "one_stop_operating": True,
    "certification_demo_zone": True,
    # item 12
    "gov_quality_award_held": True,
    "provincial_quality_award": True,
    "municipal_quality_award": True,
    # item 13
    "cqo_appointed_pct": 100,
    "cqo_filed_pct": 100,
    "cqo_trained_pct": 100,
    # item 14
    "spot_check_coverage_pct": 100,
    "provincial_spot_check_pass_pct": 100,
    "food_nonconforming_handled_pct": 100,
    "food_handled_on_time_pct": 100,
    "primary_agri_pass_pct": 100,
    "production_license_approval_pct": 100,
    # items 15-18
    "construction_acceptance_pass_pct": 100,
    "energy_standard_compliance_pct": 100,
    "construction_quality_measures": True,
    "construction_complaint_rate": [3.2, 2.5, 1.8],
    "household_acceptance_pct": 100,
    "buyer_inspection_system": True,
    # item 19
    "producer_service_satisfaction": 100,
    "consumer_service_satisfaction": 100,
    # item 20
    "recall_support_policy": True,
    "recall_support_system": True,
    "recall_training_done": True,
    "recall_notices_published": 2,
    # item 21
    "tourism_benchmark_enterprises": 1,
    "new_service_certificates": 4,
    # item 22
    "service_standards_promoted": True,
    # item 23
    "joint_inspection_share_pct": 100,
    "differentiated_supervision_pct": 100,
    "annual_report_rate_pct": 100,
    "province_annual_report_rate_pct": 92.5,
    # item 24
    "citizen_quality_policies": True,
    "provincial_safety_demo_title": True,
    # item 25
    "spot_check_followup_done": True,
    "counterfeit_incidents": 0,
    "provincial_callouts": 0,
    # item 26
    "major_drug_accidents": 0,
    "serious_food_accidents": 0,
    "serious_construction_accidents": 0,
    # item 27
    "special_equipment_major_accidents": 0,
    "special_equipment_registration_pct": 100,
    "key_equipment_inspection_pct": 100,
    "major_hazard_rectified_pct": 100,
    # items 28-30 (bonus)
    "leadership_endorsement": True,
    "national_meeting_exchange": True,
    "supervision_innovation": True,
    "central_media_coverage": True,
    "hosted_quality_event": True,
}

# Each item's score with everything met, by hand from the table.
ALL_MET_SCORES: dict[str, str] = {
    "1": "5",  # 1 + 2 + 1 + 1
    "2": "2",
    "3": "4",  # 2 + 2
    "4": "2",
    "5": "3",  # 1 + 2
    "6": "2",
    "7": "4",  # 2 + 2
    "8": "4",  # 2 + 2 + 1 = 5, 满分 4 分
    "9": "4",  # 2 + 1 + 1
    "10": "4",  # 2 + 1 + 1
    "11": "6",  # 2 + 2 + 2
    "12": "4",  # 2 + 2 + 1 = 5, 满分 4 分
    "13": "3",
    "14": "8",  # 1 + 2 + 0.5 + 1.5 + 2 + 1
    "15": "4",
    "16": "2",
    "17": "5",  # 2 + 3
    "18": "5",  # 2 + 3
    "19": "2",  # 1 + 1 (declares 4, rules reach 2)
    "20": "6",  # 2 + 2 + 1 + 1
    "21": "3",  # 1.5 + 1.5
    "22": "2",
    "23": "3",  # 1 + 1 + 1
    "24": "4",  # 2 + 2
    "25": "3",  # 1 + 1 + 2 = 4, declared 3
    "26": "3",  # 1 + 1 + 1
    "27": "3",  # 1 + 1 + 1
    "28": "3",  # 3 + 2 = 5, declared 3
    "29": "3",
    "30": "2",
}
# 22 + 18 + 44 + 16 = 100 base; 3 + 3 + 2 = 8 bonus.

DECLARED: dict[str, int] = {
    "1": 5, "2": 2, "3": 4, "4": 2, "5": 3, "6": 2, "7": 4,
    "8": 4, "9": 4, "10": 4, "11": 6,
    "12": 4, "13": 3, "14": 8, "15": 4, "16": 2, "17": 5, "18": 5, "19": 4, "20": 6,
    "21": 3, "22": 2,
    "23": 3, "24": 4, "25": 3, "26": 3, "27": 3,
    "28": 3, "29": 3, "30": 2,
}  # fmt: skip

# Number of rules per item and the dictionary's wording of each rule.
RULE_TEXTS: dict[str, list[str]] = {
    "1": ["成立党政主要领导双牵头的质量发展委员会", "政府工作报告中明确提出质量强县",
          "每年至少召开一次质量发展委员会会议", "地方党政主要领导出席会议做出指示"],
    "2": ["制定本级贯彻落实文件"],
    "3": ["促进质量提升发展政策性文件", "实施情况"],
    "4": ["创建方案规格高"],
    "5": ["责任分解落实到各部门", "纳入年度目标管理考核"],
    "6": ["开展形式多样的质量宣传工作"],
    "7": ["设立质量发展专项资金", "确保相关奖励扶持政策落实到位"],
    "8": ["检验检测平台", "国家级产品质检中心", "省级产品质检中心"],
    "9": ["标准化战略", "标准自我声明公开", "农业标准化示范区建设"],
    "10": ["强制检定社会公用计量标准", "注册计量师", "预算经费保障"],
    "11": ["一站式", "挂牌开展工作", "安徽省质量认证示范区"],
    "12": ["政府质量奖评价活动", "省", "市"],
    "13": ["首席质量官"],
    "14": ["监督抽查覆盖率", "监督抽查合格率", "核查处置率", "按时处置完成率",
           "初级食用农产品", "生产许可证"],
    "15": ["工程质量验收合格率"],
    "16": ["节能设计标准率"],
    "17": ["相关举措", "工程质量投诉率连续两年同比下降"],
    "18": ["分户验收执行率", "购房人"],
    "19": ["生产性服务业顾客满意度", "生活性服务业顾客满意度"],
    "20": ["召回扶持政策", "技术支撑体系", "宣传及业务培训", "发布召回公告"],
    "21": ["旅游服务质量标杆企业", "服务认证证书"],
    "22": ["服务业"],
    "23": ["联合抽查任务占比", "差异化监管措施应用率", "全省平均水平"],
    "24": ["为市民解决实际问题", "安徽省安全示范县"],
    "25": ["不合格后处理工作完成", "假冒伪劣", "省级以上点名"],
    "26": ["药品重大质量安全事故", "较大食品质量安全事故", "严重的工程质量事故"],
    "27": ["特种设备重大质量安全事故", "定期检验率", "重大隐患整改率"],
    "28": ["省部级领导肯定", "创新举措"],
    "29": ["中央主流媒体"],
    "30": ["质量主题活动"],
}  # fmt: skip


def district(**changes: object) -> dict[str, object]:
    """The all-met district with a few indicators changed."""
    data = dict(ALL_MET)
    for name in changes:
        assert name in data, name
    data.update(changes)
    return data


def rule_with(it, phrase: str):
    """The one rule of an item whose wording contains ``phrase``."""
    found = [r for r in it.rules if phrase in r.text]
    assert len(found) == 1, (phrase, [r.text for r in it.rules])
    return found[0]


# --------------------------------------------------------------------------
# Everything met


def test_all_met_totals(rubric):
    result = rubric.evaluate(ALL_MET)
    assert result.base_raw == D(100)
    assert result.na_points == D(0)
    assert result.base == D(100)
    assert result.bonus == D(8)
    assert result.total == D(108)


def test_all_met_item_scores(rubric):
    result = rubric.evaluate(ALL_MET)
    assert [it.id for it in result.items] == [str(i) for i in range(1, 31)]
    got = {it.id: it.score for it in result.items}
    assert got == {k: D(v) for k, v in ALL_MET_SCORES.items()}
    for it in result.items:
        assert result.item(it.id).id == it.id
        assert result.item(it.id).score == it.score
        assert sum((r.gave for r in it.rules), D(0)) == it.score, it.id


def test_all_met_oracle_agrees_with_hand_values():
    res = oracle.score(ALL_MET)
    assert res.scores() == {k: D(v) for k, v in ALL_MET_SCORES.items()}
    assert (res.base_raw, res.na_points, res.base, res.bonus, res.total) == (
        D(100), D(0), D(100), D(8), D(108),
    )  # fmt: skip


def test_items_declared_max(rubric):
    # With nothing not applicable, each item's maximum is its declared points
    # (item 19 keeps its declared 4 although its rules reach 2; 25 and 28 are 3).
    result = rubric.evaluate(ALL_MET)
    assert {it.id: it.max for it in result.items} == {k: D(v) for k, v in DECLARED.items()}


def test_rule_counts_and_wording(rubric):
    result = rubric.evaluate(ALL_MET)
    for it in result.items:
        phrases = RULE_TEXTS[it.id]
        assert len(it.rules) == len(phrases), (it.id, [r.text for r in it.rules])
        for rule, phrase in zip(it.rules, phrases, strict=True):
            assert phrase in rule.text, (it.id, phrase, rule.text)
            assert isinstance(rule.line, int) and rule.line > 0


def test_all_met_statuses(rubric):
    result = rubric.evaluate(ALL_MET)
    for it in result.items:
        for rule in it.rules:
            assert rule.status in {"met", "capped"}, (it.id, rule.text, rule.status)
    # item 19: 1 + 1 = 2 < 4, nothing capped
    assert [r.status for r in result.item("19").rules] == ["met", "met"]
    # items 8, 12, 25, 28 exceed their maximum: some rule is marked capped
    for item_id in ("8", "12", "25", "28"):
        assert "capped" in [r.status for r in result.item(item_id).rules], item_id


def test_to_dict_is_json_with_exact_strings(rubric):
    result = rubric.evaluate(district(food_nonconforming_handled_pct=99.9))
    d = result.to_dict()
    json.dumps(d, ensure_ascii=False)
    # item 14: 1 + 2 + 0 + 1.5 + 2 + 1 = 7.5; total 108 - 0.5 = 107.5
    for key in ("total", "base", "base_raw", "bonus", "na_points"):
        assert isinstance(d[key], str), key
    assert D(d["total"]) == D("107.5")
    assert D(d["base_raw"]) == D("99.5")
    item14 = next(i for i in d["items"] if i["id"] == "14")
    assert item14["score"] == "7.5"
    assert D(item14["max"]) == D(8)
    assert len(d["items"]) == 30


# --------------------------------------------------------------------------
# Each item, by hand.  (item id, changes, expected item score, expected total)
# The total is 108 minus what the change loses (nothing is not applicable, so
# base == base_raw).

CASES = [
    # ---- item 1: 1 + 2 + 1 + 1 ----
    ("1", {"quality_committee_dual_lead": False}, "4", "107"),  # 0 + 2 + 1 + 1
    ("1", {"committee_meetings_per_year": 1}, "5", "108"),  # 1 >= 1 (每年至少一次)
    ("1", {"committee_meetings_per_year": 0}, "4", "107"),  # 1 + 2 + 0 + 1
    ("1", {"gov_report_sets_target": False, "leaders_instruct_at_meeting": False},
     "2", "105"),  # 1 + 0 + 1 + 0
    # ---- items 2-7 ----
    ("2", {"provincial_opinion_implemented": False}, "0", "106"),
    ("3", {"quality_policy_implemented": False}, "2", "106"),  # 2 + 0
    ("3", {"quality_policy_issued": False}, "2", "106"),  # 0 + 2
    ("4", {"work_plan_adequate": False}, "0", "106"),
    ("5", {"tasks_assigned_to_units": False}, "2", "107"),  # 0 + 2
    ("5", {"in_annual_target_assessment": False}, "1", "106"),  # 1 + 0
    ("6", {"quality_publicity_done": False}, "0", "106"),
    ("7", {"quality_fund_delivered": False}, "2", "106"),  # 2 + 0
    ("7", {"quality_fund_established": False, "quality_fund_delivered": False}, "0", "104"),
    # ---- item 8: platform 2, 国家级再加 2, 省级再加 1, 满分 4 ----
    ("8", {}, "4", "108"),  # 2 + 2 + 1 = 5, capped at 4
    ("8", {"inspection_platform_built": False}, "3", "107"),  # 0 + 2 + 1
    ("8", {"national_qc_centers": 0}, "3", "107"),  # 2 + 0 + 1
    ("8", {"provincial_qc_centers": 0}, "4", "108"),  # 2 + 2 + 0
    ("8", {"national_qc_centers": 0, "provincial_qc_centers": 0}, "2", "106"),  # 2 + 0 + 0
    ("8", {"inspection_platform_built": False, "national_qc_centers": 0,
           "provincial_qc_centers": 0}, "0", "104"),
    ("8", {"inspection_platform_built": False, "provincial_qc_centers": 0},
     "2", "106"),  # 0 + 2 + 0
    # ---- item 9: 2 + 1 + 1 ----
    ("9", {"standards_self_declaration": False}, "3", "107"),
    ("9", {"agri_standard_demo_zone": False}, "3", "107"),
    ("9", {"standardization_strategy": False}, "2", "106"),
    # ---- item 10: 标准 6 项以上 2, 注册计量师 6 名以上 1, 经费 150 万元以上 1 ----
    ("10", {"compulsory_measurement_standards": 6}, "4", "108"),  # 6 >= 6
    ("10", {"compulsory_measurement_standards": 5}, "2", "106"),  # 0 + 1 + 1
    ("10", {"registered_metrologists": 6}, "4", "108"),  # 6 >= 6
    ("10", {"registered_metrologists": 5}, "3", "107"),  # 2 + 0 + 1
    ("10", {"metrology_budget_wan": 150}, "4", "108"),  # 150 >= 150
    ("10", {"metrology_budget_wan": 150.0}, "4", "108"),
    ("10", {"metrology_budget_wan": 149.99}, "3", "107"),  # 2 + 1 + 0
    ("10", {"metrology_budget_wan": D("149.99")}, "3", "107"),
    ("10", {"compulsory_measurement_standards": 0, "registered_metrologists": 0,
            "metrology_budget_wan": 0}, "0", "104"),
    # ---- item 11: 2 + 2 + 2 ----
    ("11", {"certification_demo_zone": False}, "4", "106"),
    ("11", {"one_stop_plan": False, "one_stop_operating": False}, "2", "104"),
    # ---- item 12: 评价活动 2, 省奖再加 2, 市奖加 1, 满分 4 ----
    ("12", {}, "4", "108"),  # 2 + 2 + 1 = 5, capped at 4
    ("12", {"gov_quality_award_held": False}, "3", "107"),  # 0 + 2 + 1
    ("12", {"provincial_quality_award": False}, "3", "107"),  # 2 + 0 + 1
    ("12", {"municipal_quality_award": False}, "4", "108"),  # 2 + 2 + 0
    ("12", {"provincial_quality_award": False, "municipal_quality_award": False},
     "2", "106"),  # 2 + 0 + 0
    ("12", {"gov_quality_award_held": False, "provincial_quality_award": False},
     "1", "105"),  # 0 + 0 + 1
    # ---- item 13: 100% 聘任、备案、培训, all three == 100, else 0 ----
    ("13", {"cqo_filed_pct": 99.99}, "0", "105"),
    ("13", {"cqo_filed_pct": D("99.99")}, "0", "105"),
    ("13", {"cqo_appointed_pct": 99.9}, "0", "105"),
    ("13", {"cqo_trained_pct": 0}, "0", "105"),
    ("13", {"cqo_appointed_pct": 100.0, "cqo_filed_pct": D("100.00"),
            "cqo_trained_pct": 100}, "3", "108"),  # 100.0 and 100.00 both equal 100
    # ---- item 14: 1 + 2 + 0.5 + 1.5 + 2 + 1 = 8 ----
    ("14", {"spot_check_coverage_pct": 90}, "8", "108"),  # 90 >= 90
    ("14", {"spot_check_coverage_pct": 89.9}, "7", "107"),  # 0 + 2 + 0.5 + 1.5 + 2 + 1
    ("14", {"provincial_spot_check_pass_pct": 90}, "8", "108"),
    ("14", {"provincial_spot_check_pass_pct": 89.9}, "6", "106"),  # 1 + 0 + 0.5 + 1.5 + 2 + 1
    ("14", {"food_nonconforming_handled_pct": 99.9}, "7.5", "107.5"),  # 1 + 2 + 0 + 1.5 + 2 + 1
    ("14", {"food_nonconforming_handled_pct": 99.99}, "7.5", "107.5"),
    ("14", {"food_nonconforming_handled_pct": D("99.99")}, "7.5", "107.5"),
    ("14", {"food_handled_on_time_pct": 90}, "8", "108"),
    ("14", {"food_handled_on_time_pct": 89.9}, "6.5", "106.5"),  # 1 + 2 + 0.5 + 0 + 2 + 1
    ("14", {"primary_agri_pass_pct": 96}, "8", "108"),
    ("14", {"primary_agri_pass_pct": 95.99}, "6", "106"),  # 1 + 2 + 0.5 + 1.5 + 0 + 1
    ("14", {"production_license_approval_pct": 95}, "8", "108"),
    ("14", {"production_license_approval_pct": 94.9}, "7", "107"),  # ... + 0
    ("14", {"spot_check_coverage_pct": 89.9, "food_nonconforming_handled_pct": 99.9},
     "6.5", "106.5"),  # 0 + 2 + 0 + 1.5 + 2 + 1
    ("14", {"spot_check_coverage_pct": 0, "provincial_spot_check_pass_pct": 0,
            "food_nonconforming_handled_pct": 0, "food_handled_on_time_pct": 0,
            "primary_agri_pass_pct": 0, "production_license_approval_pct": 0}, "0", "100"),
    # ---- items 15, 16: 100% means == 100 ----
    ("15", {"construction_acceptance_pass_pct": 99.99}, "0", "104"),
    ("15", {"construction_acceptance_pass_pct": D("99.99")}, "0", "104"),
    ("15", {"construction_acceptance_pass_pct": 100.0}, "4", "108"),
    ("16", {"energy_standard_compliance_pct": 99.9}, "0", "106"),
    ("16", {"energy_standard_compliance_pct": D("99.99")}, "0", "106"),
    # ---- item 17: 举措 2, 投诉率连续两年同比下降 (v0 > v1 > v2) 3 ----
    ("17", {"construction_complaint_rate": [3, 3, 2]}, "2", "105"),  # 3 > 3 fails
    ("17", {"construction_complaint_rate": [3, 2, 2]}, "2", "105"),  # 2 > 2 fails
    ("17", {"construction_complaint_rate": [3, 2, 1]}, "5", "108"),
    ("17", {"construction_complaint_rate": [1, 2, 3]}, "2", "105"),  # rising
    ("17", {"construction_complaint_rate": [3, 1, 2]}, "2", "105"),  # down then up
    ("17", {"construction_complaint_rate": [0.3, 0.2, 0.1]}, "5", "108"),
    ("17", {"construction_complaint_rate": [D("2.5"), D("2.50"), D("1")]}, "2", "105"),
    ("17", {"construction_complaint_rate": [2.5, 2.49, 2.48]}, "5", "108"),
    ("17", {"construction_quality_measures": False}, "3", "106"),  # 0 + 3
    ("17", {"construction_quality_measures": False,
            "construction_complaint_rate": [1, 1, 1]}, "0", "103"),
    # ---- item 18: 分户验收 100% 2, 查验制度 3 ----
    ("18", {"household_acceptance_pct": 99.99}, "3", "106"),  # 0 + 3
    ("18", {"household_acceptance_pct": D("99.99")}, "3", "106"),
    ("18", {"buyer_inspection_system": False}, "2", "105"),  # 2 + 0
    # ---- item 19: 满意度 80 以上, 1 + 1 (declares 4) ----
    ("19", {"producer_service_satisfaction": 80}, "2", "108"),  # 80 >= 80
    ("19", {"producer_service_satisfaction": 79.9}, "1", "107"),  # 0 + 1
    ("19", {"consumer_service_satisfaction": 79.99}, "1", "107"),  # 1 + 0
    ("19", {"consumer_service_satisfaction": D("80.00")}, "2", "108"),
    ("19", {"producer_service_satisfaction": 79, "consumer_service_satisfaction": 0},
     "0", "106"),
    # ---- item 20: 2 + 2 + 1 + 1 ----
    ("20", {"recall_notices_published": 0}, "5", "107"),  # 2 + 2 + 1 + 0
    ("20", {"recall_notices_published": 1}, "6", "108"),
    ("20", {"recall_support_policy": False}, "4", "106"),  # 0 + 2 + 1 + 1
    ("20", {"recall_training_done": False, "recall_support_system": False}, "3", "105"),
    # ---- item 21: 标杆企业 1 个 1.5, 证书 3 张以上 1.5 ----
    ("21", {"tourism_benchmark_enterprises": 0}, "1.5", "106.5"),  # 0 + 1.5
    ("21", {"new_service_certificates": 3}, "3", "108"),  # 3 >= 3
    ("21", {"new_service_certificates": 2}, "1.5", "106.5"),  # 1.5 + 0
    ("21", {"tourism_benchmark_enterprises": 0, "new_service_certificates": 0}, "0", "105"),
    # ---- item 22 ----
    ("22", {"service_standards_promoted": False}, "0", "106"),
    # ---- item 23: 联合抽查 >= 25 1, 差异化 >= 30 1, 年报 >= 全省 1 ----
    ("23", {"joint_inspection_share_pct": 25}, "3", "108"),
    ("23", {"joint_inspection_share_pct": 24.9}, "2", "107"),  # 0 + 1 + 1
    ("23", {"differentiated_supervision_pct": 30}, "3", "108"),
    ("23", {"differentiated_supervision_pct": 29.99}, "2", "107"),  # 1 + 0 + 1
    ("23", {"annual_report_rate_pct": 92.5}, "3", "108"),  # 92.5 >= 92.5 (不低于)
    ("23", {"annual_report_rate_pct": D("92.50")}, "3", "108"),
    ("23", {"annual_report_rate_pct": 92.4}, "2", "107"),  # 92.4 < 92.5
    ("23", {"annual_report_rate_pct": 60, "province_annual_report_rate_pct": 59.99},
     "3", "108"),  # 60 >= 59.99
    ("23", {"annual_report_rate_pct": 0, "province_annual_report_rate_pct": 0}, "3", "108"),
    ("23", {"joint_inspection_share_pct": 0, "differentiated_supervision_pct": 0,
            "province_annual_report_rate_pct": 100, "annual_report_rate_pct": 99.9},
     "0", "105"),
    # ---- item 24: 2 + 2 ----
    ("24", {"provincial_safety_demo_title": False}, "2", "106"),
    ("24", {"citizen_quality_policies": False}, "2", "106"),
    # ---- item 25: 1 + 1 + 2 = 4, declared 3 ----
    ("25", {}, "3", "108"),  # 4 capped at 3
    ("25", {"provincial_callouts": 1}, "2", "107"),  # 1 + 1 + 0
    ("25", {"spot_check_followup_done": False}, "3", "108"),  # 0 + 1 + 2 = 3
    ("25", {"counterfeit_incidents": 1}, "3", "108"),  # 1 + 0 + 2 = 3
    ("25", {"spot_check_followup_done": False, "counterfeit_incidents": 2},
     "2", "107"),  # 0 + 0 + 2
    ("25", {"spot_check_followup_done": False, "provincial_callouts": 3},
     "1", "106"),  # 0 + 1 + 0
    ("25", {"spot_check_followup_done": False, "counterfeit_incidents": 1,
            "provincial_callouts": 1}, "0", "105"),
    # ---- item 26: 1 + 1 + 1, "未发生" = 0 ----
    ("26", {"major_drug_accidents": 1}, "2", "107"),
    ("26", {"serious_food_accidents": 2, "serious_construction_accidents": 1}, "1", "106"),
    # ---- item 27: 事故 0 1, 登记率 and 检验率 both 100 1, 整改率 100 1 ----
    ("27", {"special_equipment_registration_pct": 99.9}, "2", "107"),
    ("27", {"key_equipment_inspection_pct": 99.99}, "2", "107"),
    ("27", {"key_equipment_inspection_pct": D("99.99")}, "2", "107"),
    ("27", {"major_hazard_rectified_pct": 99}, "2", "107"),
    ("27", {"special_equipment_major_accidents": 1}, "2", "107"),
    ("27", {"special_equipment_major_accidents": 1, "special_equipment_registration_pct": 0,
            "major_hazard_rectified_pct": 50}, "0", "105"),
    # ---- item 28 (bonus): (批示 or 国家级会议交流) 3, 创新 2; declared 3 ----
    ("28", {}, "3", "108"),  # 3 + 2 = 5, capped at 3
    ("28", {"national_meeting_exchange": False}, "3", "108"),  # endorsement alone: 3 (+2) -> 3
    ("28", {"leadership_endorsement": False}, "3", "108"),  # exchange alone: 3 (+2) -> 3
    ("28", {"leadership_endorsement": False, "national_meeting_exchange": False},
     "2", "107"),  # 0 + 2; bonus 2 + 3 + 2 = 7
    ("28", {"national_meeting_exchange": False, "supervision_innovation": False},
     "3", "108"),  # 3 + 0
    ("28", {"leadership_endorsement": False, "supervision_innovation": False},
     "3", "108"),  # 3 + 0 via 国家级会议交流
    ("28", {"leadership_endorsement": False, "national_meeting_exchange": False,
            "supervision_innovation": False}, "0", "105"),
    # ---- items 29, 30 (bonus) ----
    ("29", {"central_media_coverage": False}, "0", "105"),  # bonus 3 + 0 + 2 = 5
    ("30", {"hosted_quality_event": False}, "0", "106"),  # bonus 3 + 3 + 0 = 6
]  # fmt: skip


def _case_id(case) -> str:
    item_id, changes, score, _total = case
    desc = ",".join(f"{k}={v!r}" for k, v in changes.items()) or "all-met"
    return f"item{item_id}[{desc}]->{score}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_item_by_hand(rubric, case):
    item_id, changes, expected_score, expected_total = case
    data = district(**changes)
    result = rubric.evaluate(data)
    assert result.item(item_id).score == D(expected_score)
    assert result.total == D(expected_total)
    # every other item keeps its all-met score
    for it in result.items:
        if it.id != item_id:
            assert it.score == D(ALL_MET_SCORES[it.id]), it.id
    assert sum((r.gave for r in result.item(item_id).rules), D(0)) == D(expected_score)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_oracle_matches_hand_cases(case):
    # The oracle must agree with the hand arithmetic too.
    item_id, changes, expected_score, expected_total = case
    res = oracle.score(district(**changes))
    assert res.items[item_id].score == D(expected_score)
    assert res.total == D(expected_total)


def test_every_item_has_a_hand_case():
    assert {c[0] for c in CASES} == {str(i) for i in range(1, 31)}


def test_bonus_category(rubric):
    # 28: 2 (no 批示, no 交流), 29: 0, 30: 2 -> bonus 4
    data = district(leadership_endorsement=False, national_meeting_exchange=False,
                    central_media_coverage=False)  # fmt: skip
    result = rubric.evaluate(data)
    assert result.bonus == D(4)
    assert result.base == D(100)
    assert result.total == D(104)
    # no bonus at all
    data = district(leadership_endorsement=False, national_meeting_exchange=False,
                    supervision_innovation=False, central_media_coverage=False,
                    hosted_quality_event=False)  # fmt: skip
    result = rubric.evaluate(data)
    assert result.bonus == D(0)
    assert result.total == D(100)


def test_several_categories_lose_points(rubric):
    # item 2: 0 (-2), item 8: 0 + 2 + 1 = 3 (-1), item 14: 7.5 (-0.5),
    # item 17: 2 (-3), item 23: 2 (-1), item 29: 0 (bonus -3)
    data = district(provincial_opinion_implemented=False, inspection_platform_built=False,
                    food_nonconforming_handled_pct=99.9,
                    construction_complaint_rate=[2, 2, 1],
                    annual_report_rate_pct=80, central_media_coverage=False)  # fmt: skip
    result = rubric.evaluate(data)
    assert result.base_raw == D("92.5")  # 100 - 2 - 1 - 0.5 - 3 - 1
    assert result.base == D("92.5")
    assert result.bonus == D(5)  # 3 + 0 + 2
    assert result.total == D("97.5")


# --------------------------------------------------------------------------
# Not applicable (合理缺项): item 10's 2nd and 3rd rules


def test_both_na_all_else_met(rubric):
    data = district(registered_metrologists=NA, metrology_budget_wan=NA)
    result = rubric.evaluate(data)
    # item 10: 2 (标准 8 >= 6); its max 4 - 1 - 1 = 2
    it10 = result.item("10")
    assert it10.score == D(2)
    assert it10.max == D(2)
    assert result.na_points == D(2)
    assert result.base_raw == D(98)  # 100 - 2 not applicable
    assert result.base == D(100)  # 98 * 100 / 98
    assert result.bonus == D(8)
    assert result.total == D(108)
    assert rule_with(it10, "注册计量师").status == "not_applicable"
    assert rule_with(it10, "注册计量师").gave == D(0)
    assert rule_with(it10, "150").status == "not_applicable"
    assert rule_with(it10, "150").gave == D(0)
    assert rule_with(it10, "计量标准").status == "met"
    assert rule_with(it10, "计量标准").gave == D(2)
    # the reason shows in the trace
    assert NA_REASON in json.dumps(result.to_dict(), ensure_ascii=False)


def test_both_na_prorated_base_rounds_up(rubric):
    # item 2 (-2) and item 11 (-6) lost: base_raw 98 - 8 = 90
    # base = 90 * 100 / 98 = 91.8367... -> 91.84; total 91.84 + 8 = 99.84
    data = district(registered_metrologists=NA, metrology_budget_wan=NA,
                    provincial_opinion_implemented=False, one_stop_plan=False,
                    one_stop_operating=False, certification_demo_zone=False)  # fmt: skip
    result = rubric.evaluate(data)
    assert result.na_points == D(2)
    assert result.base_raw == D(90)
    assert result.base == D("91.84")
    assert result.bonus == D(8)
    assert result.total == D("99.84")


def test_both_na_item10_first_rule_fails(rubric):
    # item 10: 标准 5 < 6 -> 0 of max 2; base_raw 98 - 2 = 96
    # base = 96 * 100 / 98 = 97.9591... -> 97.96; total 105.96
    data = district(registered_metrologists=NA, metrology_budget_wan=NA,
                    compulsory_measurement_standards=5)  # fmt: skip
    result = rubric.evaluate(data)
    assert result.item("10").score == D(0)
    assert result.item("10").max == D(2)
    assert result.base_raw == D(96)
    assert result.base == D("97.96")
    assert result.total == D("105.96")


def test_one_na_registered_metrologists(rubric):
    # item 10: 2 + (n/a) + 1 = 3 of max 3; na_points 1
    # item 14 food 99.9: 7.5 (-0.5) -> base_raw 99 - 0.5 = 98.5
    # base = 98.5 * 100 / 99 = 99.4949... -> 99.49; total 107.49
    data = district(registered_metrologists=NA, food_nonconforming_handled_pct=99.9)
    result = rubric.evaluate(data)
    it10 = result.item("10")
    assert it10.score == D(3)
    assert it10.max == D(3)
    assert result.na_points == D(1)
    assert result.base_raw == D("98.5")
    assert result.base == D("99.49")
    assert result.bonus == D(8)
    assert result.total == D("107.49")
    assert rule_with(it10, "注册计量师").status == "not_applicable"
    assert rule_with(it10, "150").status == "met"


def test_one_na_budget_other_rule_fails(rubric):
    # item 10: 2 + 0 (5 名 < 6) + (n/a) = 2 of max 3; na_points 1
    # base_raw 99 - 1 = 98; base = 98 * 100 / 99 = 98.9898... -> 98.99; total 106.99
    data = district(metrology_budget_wan=NA, registered_metrologists=5)
    result = rubric.evaluate(data)
    it10 = result.item("10")
    assert it10.score == D(2)
    assert it10.max == D(3)
    assert rule_with(it10, "150").status == "not_applicable"
    assert rule_with(it10, "注册计量师").status == "not_met"
    assert result.na_points == D(1)
    assert result.base_raw == D(98)
    assert result.base == D("98.99")
    assert result.total == D("106.99")


def test_na_oracle_agrees_with_hand_values():
    data = district(registered_metrologists=NA, metrology_budget_wan=NA,
                    provincial_opinion_implemented=False, one_stop_plan=False,
                    one_stop_operating=False, certification_demo_zone=False)  # fmt: skip
    res = oracle.score(data)
    assert (res.na_points, res.base_raw, res.base, res.total) == (
        D(2), D(90), D("91.84"), D("99.84"),
    )  # fmt: skip
    res = oracle.score(district(metrology_budget_wan=NA, registered_metrologists=5))
    assert (res.items["10"].score, res.items["10"].max) == (D(2), D(3))
    assert (res.na_points, res.base_raw, res.base, res.total) == (
        D(1), D(98), D("98.99"), D("106.99"),
    )  # fmt: skip


# --------------------------------------------------------------------------
# Input validation through the public API


def test_missing_indicator_raises(rubric):
    data = dict(ALL_MET)
    del data["cqo_filed_pct"]
    with pytest.raises(rubricdsl.IndicatorError):
        rubric.evaluate(data)


def test_unknown_indicator_raises(rubric):
    data = dict(ALL_MET)
    data["cqo_filed_pctt"] = 100
    with pytest.raises(rubricdsl.IndicatorError):
        rubric.evaluate(data)


def test_na_not_allowed_elsewhere(rubric):
    with pytest.raises(rubricdsl.IndicatorError):
        rubric.evaluate(district(compulsory_measurement_standards=NA))


# --------------------------------------------------------------------------
# Property: rubricdsl agrees with the oracle on random districts

BOOLS = [
    "quality_committee_dual_lead", "gov_report_sets_target", "leaders_instruct_at_meeting",
    "provincial_opinion_implemented", "quality_policy_issued", "quality_policy_implemented",
    "work_plan_adequate", "tasks_assigned_to_units", "in_annual_target_assessment",
    "quality_publicity_done", "quality_fund_established", "quality_fund_delivered",
    "inspection_platform_built", "standardization_strategy", "standards_self_declaration",
    "agri_standard_demo_zone", "one_stop_plan", "one_stop_operating", "certification_demo_zone",
    "gov_quality_award_held", "provincial_quality_award", "municipal_quality_award",
    "construction_quality_measures", "buyer_inspection_system", "recall_support_policy",
    "recall_support_system", "recall_training_done", "service_standards_promoted",
    "citizen_quality_policies", "provincial_safety_demo_title", "spot_check_followup_done",
    "leadership_endorsement", "national_meeting_exchange", "supervision_innovation",
    "central_media_coverage", "hosted_quality_event",
]  # fmt: skip
# count indicator -> the count its rule compares with (>= 1, >= 3, >= 6, == 0)
COUNTS = {
    "committee_meetings_per_year": 1, "national_qc_centers": 1, "provincial_qc_centers": 1,
    "compulsory_measurement_standards": 6, "recall_notices_published": 1,
    "tourism_benchmark_enterprises": 1, "new_service_certificates": 3,
    "counterfeit_incidents": 0, "provincial_callouts": 0, "major_drug_accidents": 0,
    "serious_food_accidents": 0, "serious_construction_accidents": 0,
    "special_equipment_major_accidents": 0,
}  # fmt: skip
# percent indicator -> its threshold (>= for 90/95/96/25/30, == for 100)
PERCENTS = {
    "cqo_appointed_pct": "100", "cqo_filed_pct": "100", "cqo_trained_pct": "100",
    "spot_check_coverage_pct": "90", "provincial_spot_check_pass_pct": "90",
    "food_nonconforming_handled_pct": "100", "food_handled_on_time_pct": "90",
    "primary_agri_pass_pct": "96", "production_license_approval_pct": "95",
    "construction_acceptance_pass_pct": "100", "energy_standard_compliance_pct": "100",
    "household_acceptance_pct": "100", "joint_inspection_share_pct": "25",
    "differentiated_supervision_pct": "30", "special_equipment_registration_pct": "100",
    "key_equipment_inspection_pct": "100", "major_hazard_rectified_pct": "100",
}  # fmt: skip
SCORES = ["producer_service_satisfaction", "consumer_service_satisfaction"]
# generated separately: registered_metrologists, metrology_budget_wan,
# construction_complaint_rate, annual_report_rate_pct, province_annual_report_rate_pct

assert len(BOOLS) + len(COUNTS) + len(PERCENTS) + len(SCORES) + 5 == 73
assert {*BOOLS, *COUNTS, *PERCENTS, *SCORES} | {
    "registered_metrologists", "metrology_budget_wan", "construction_complaint_rate",
    "annual_report_rate_pct", "province_annual_report_rate_pct",
} == set(oracle.INDICATORS)  # fmt: skip


def _as_form(pair: tuple[Decimal, int]) -> object:
    d, form = pair
    if form == 1:
        return float(d)
    if form == 2 and d == d.to_integral_value():
        return int(d)
    return d


def as_number(values: st.SearchStrategy[Decimal]) -> st.SearchStrategy[object]:
    """The same decimal as a Decimal, a float or (when whole) an int."""
    return st.tuples(values, st.integers(min_value=0, max_value=2)).map(_as_form)


def decimals2(lo: int, hi: int) -> st.SearchStrategy[Decimal]:
    """Arbitrary decimals in [lo, hi] with up to 2 places (cheaper than st.decimals)."""
    return st.integers(min_value=lo * 100, max_value=hi * 100).map(lambda n: D(n).scaleb(-2))


def numbers(boundaries: list[str], lo: int, hi: int) -> st.SearchStrategy[object]:
    """Boundary values or arbitrary decimals in [lo, hi] with up to 2 places."""
    return as_number(st.one_of(st.sampled_from([D(b) for b in boundaries]), decimals2(lo, hi)))


def around(threshold: str | Decimal, lo: int, hi: int) -> st.SearchStrategy[object]:
    """Exactly a threshold, just below it (-0.1, -0.01) or just above it."""
    t = D(threshold)
    near = [v for v in (t, t - D("0.1"), t - D("0.01"), t + D("0.01")) if lo <= v <= hi]
    return as_number(st.sampled_from(near))


def count_near(threshold: int) -> st.SearchStrategy[int]:
    near = [n for n in (threshold - 1, threshold, threshold + 1) if n >= 0]
    return st.one_of(st.sampled_from(near), st.integers(min_value=0, max_value=10))


PERCENT = numbers(
    ["0", "24.9", "25", "29.99", "30", "89.9", "90", "94.99", "95", "95.99", "96",
     "99.9", "99.99", "100"], 0, 100,
)  # fmt: skip
SCORE = st.one_of(
    around("80", 0, 100), numbers(["0", "79", "79.9", "79.99", "80", "85", "100"], 0, 100)
)
SERIES = st.lists(numbers(["0", "0.5", "1", "1.5", "2", "3"], 0, 10), min_size=3, max_size=3)
NA_VALUE = st.just({"not_applicable": NA_REASON})
# 年报公示率 and 全省平均: often the very same rate (不低于 includes equality) or just around it
ANNUAL_REPORT_RATES = decimals2(0, 100).flatmap(
    lambda a: st.tuples(
        as_number(st.just(a)), st.one_of(as_number(st.just(a)), around(a, 0, 100), PERCENT)
    )
)

# Every indicator but the bools and the annual report pair, each around its threshold.
OTHER_VALUES: dict[str, st.SearchStrategy[object]] = {
    **{name: count_near(t) for name, t in COUNTS.items()},
    **{name: st.one_of(around(t, 0, 100), PERCENT) for name, t in PERCENTS.items()},
    **{name: SCORE for name in SCORES},
    "registered_metrologists": st.one_of(count_near(6), NA_VALUE),
    "metrology_budget_wan": st.one_of(
        around("150", 0, 500), numbers(["0", "149", "200"], 0, 500), NA_VALUE
    ),
    "construction_complaint_rate": SERIES,
    "annual_report_rates": ANNUAL_REPORT_RATES,
}


# Half the draws lean toward the all-met district (each bool true with chance 3/4)
# so that partial losses show up; the other half are fair coin flips.
BOOL_VALUES = st.one_of(
    st.fixed_dictionaries({name: st.sampled_from([True, True, True, False]) for name in BOOLS}),
    st.fixed_dictionaries({name: st.booleans() for name in BOOLS}),
)


def _join(parts: tuple[dict[str, bool], dict[str, object]]) -> dict[str, object]:
    bools, others = parts
    data: dict[str, object] = {**bools, **others}
    annual, province = data.pop("annual_report_rates")  # type: ignore[misc]
    data["annual_report_rate_pct"] = annual
    data["province_annual_report_rate_pct"] = province
    return data


DISTRICTS = st.tuples(BOOL_VALUES, st.fixed_dictionaries(OTHER_VALUES)).map(_join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=DISTRICTS)
def test_matches_oracle(rubric, data):
    expected = oracle.score(data)
    result = rubric.evaluate(data)

    assert {it.id: it.score for it in result.items} == expected.scores()
    assert {it.id: it.max for it in result.items} == {k: v.max for k, v in expected.items.items()}
    assert result.base_raw == expected.base_raw
    assert result.na_points == expected.na_points
    assert result.base == expected.base
    assert result.bonus == expected.bonus
    assert result.total == expected.total

    for it in result.items:
        assert sum((r.gave for r in it.rules), D(0)) == it.score, it.id
        assert D(0) <= it.score <= it.max, it.id
        for rule, gave in zip(it.rules, expected.items[it.id].gave, strict=True):
            if gave is None:
                assert rule.status == "not_applicable", (it.id, rule.text)
            else:
                assert rule.status != "not_applicable", (it.id, rule.text)

    d = result.to_dict()
    assert D(d["total"]) == expected.total
    assert D(d["base"]) == expected.base
    assert [D(i["score"]) for i in d["items"]] == [expected.items[str(k)].score
                                                   for k in range(1, 31)]  # fmt: skip


def test_checker_warns_exactly_about_the_tables_own_inconsistencies():
    """附件2 as printed: item 19 declares 4 but its rules give 1 + 1; items 25 (1 + 1 + 2) and
    28 (3 + 2) reach past their declared 3; 质量工作成效 declares 44 while its items declare
    4+3+8+4+2+5+5+4+6+3+2 = 46; 加分项 declares 10 while its items declare 3 + 3 + 2 = 8."""
    warnings = rubricdsl.load(RUBRIC_PATH).warnings
    found = sorted((w.code, w.message) for w in warnings)
    capped = ": the declared points cap it"
    assert found == sorted(
        [
            ("unreachable-maximum", "item 19 declares 4 points but its rules reach only 2"),
            ("rules-exceed-maximum", "item 25's rules reach 4, past its declared 3" + capped),
            ("rules-exceed-maximum", "item 28's rules reach 5, past its declared 3" + capped),
            (
                "rules-exceed-maximum",
                "category '质量工作成效' declares 44, its items declare 46: it is capped at 44",
            ),
            (
                "unreachable-maximum",
                "category '加分项' declares 10 but reaches only 8 (its items declare 8)",
            ),
        ]
    )
    assert all(w.line is not None and w.severity == "warning" for w in warnings)
