"""Write a small rubric of your own — tiers, points per unit, deductions, a veto — and score it.

Run from anywhere: python examples/custom_rubric.py
"""

import rubricdsl

RUBRIC = """
rubric "示例：某市质量工作考核细则（演示用）"
year 2021
base 20
bonus 3

indicators {
  brand_award: enum(national "国家级", provincial "省级", municipal "市级", none "无")
  new_certificates: count "新增认证证书张数"
  food_incidents: count "食品安全事件起数"
  task_completion_pct: percent "重点任务完成率"
  major_incident: bool "发生重大质量安全事件"
  innovation_cases: count "创新案例数"
}

category "质量品牌" 10 {
  item A1 "品牌荣誉" 3 {
    highest "国家级 3 分、省级 2 分、市级 1 分，取最高" {
      3 when brand_award == national    "国家级"
      2 when brand_award == provincial  "省级"
      1 when brand_award == municipal   "市级"
    }
  }
  item A2 "认证" 2 {
    0.5 per new_certificates max 2      "每新增 1 张加 0.5 分，最高 2 分"
  }
  item A3 "重点任务" 5 {
    5 scaled by task_completion_pct     "按完成率折算"
  }
}

category "质量安全" 10 {
  item B1 "食品安全" 10 {
    10 always                           "基础分 10 分"
    -2 per food_incidents               "每起扣 2 分，扣完为止"
  }
}

bonus category "加分项" 3 {
  item C1 "创新" 3 {
    1 per innovation_cases max 3        "每个创新案例加 1 分，最高 3 分"
  }
}

veto when major_incident "发生重大质量安全事件的，一票否决"
"""

DISTRICT = {
    "brand_award": "provincial",
    "new_certificates": 3,
    "food_incidents": 2,
    "task_completion_pct": 93.5,
    "major_incident": False,
    "innovation_cases": 1,
}


def main() -> None:
    rubric = rubricdsl.loads(RUBRIC, source_name="custom.rubric")
    result = rubric.evaluate(DISTRICT)
    # A1 2 (省级) + A2 1.5 (3 × 0.5) + A3 4.675 (5 × 93.5 / 100) + B1 6 (10 − 2 × 2) = 14.175
    # base is rounded to 2 decimals: 14.18; bonus 1; total 15.18.
    print(f"total {result.total}: base {result.base} (raw {result.base_raw}), bonus {result.bonus}")
    for item in result.items:
        print(f"  {item.id} {item.title}: {item.score} / {item.max}")
        for rule in item.rules:
            print(f"      {rule.status:<8} {rule.gave:>6}  {rule.text}  ({rule.detail})")
    failed = rubricdsl.loads(RUBRIC).evaluate({**DISTRICT, "major_incident": True})
    print("with a major incident:", "; ".join(veto.text for veto in failed.vetoes))


if __name__ == "__main__":
    main()
