"""The rubric language, construct by construct, on small rubrics scored by hand."""

from __future__ import annotations

import itertools
import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl import NotApplicable

D = Decimal
ROOT = Path(__file__).resolve().parents[1]
ANHUI = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
NA = {"not_applicable": "区域无法定计量检定机构"}


def compile_rubric(
    indicators: str, body: str, *, base: str = "10", bonus: str = ""
) -> rubricdsl.Rubric:
    header = f'rubric "测试评分表"\nyear 2020\nbase {base}\n'
    if bonus:
        header += f"bonus {bonus}\n"
    return rubricdsl.loads(f"{header}indicators {{\n{indicators}\n}}\n{body}\n", "test.rubric")


def single_item(
    indicators: str, rules: str, *, points: str = "10", cap: str = ""
) -> rubricdsl.Rubric:
    """One category holding one item, id 1, declaring `points` (the base is the same)."""
    cap_text = f" cap {cap}" if cap else ""
    body = f'category "类" {points} {{\n  item 1 "项" {points}{cap_text} {{\n{rules}\n  }}\n}}'
    return compile_rubric(indicators, body, base=points)


def item_score(rubric: rubricdsl.Rubric, **values: object) -> Decimal:
    return rubric.evaluate(values).item("1").score


# ---- header -----------------------------------------------------------------------------------


FULL_HEADER = """\
rubric "安徽省质量强县（市、区）评分表（2020 年版）"
year 2021
base 100
bonus 10
indicators { a: bool }
category "基础" 100 { item 1 "一" 100 { 100 when a "满分" } }
bonus category "加分" 10 { item 2 "二" 10 { 10 when a "加分" } }
"""


def test_header_fields_reach_rubric_and_result():
    rubric = rubricdsl.loads(FULL_HEADER, source_name="anhui.rubric")
    assert rubric.title == "安徽省质量强县（市、区）评分表（2020 年版）"
    assert rubric.year == 2021
    assert rubric.source_name == "anhui.rubric"
    result = rubric.evaluate({"a": True})
    assert result.rubric.title == "安徽省质量强县（市、区）评分表（2020 年版）"
    assert result.rubric.year == 2021
    assert result.rubric.base_max == D(100)
    assert result.rubric.bonus_max == D(10)
    assert result.rubric.source == "anhui.rubric"
    # 100 base + 10 bonus
    assert (result.base, result.bonus, result.total) == (D(100), D(10), D(110))


def test_rubric_without_bonus_line_has_zero_bonus():
    rubric = single_item("a: bool", '10 when a "x"')
    result = rubric.evaluate({"a": True})
    assert result.rubric.bonus_max == 0
    assert result.bonus == 0
    assert result.total == result.base == D(10)


def test_header_statements_may_come_in_any_order():
    text = (
        'base 5\nyear 2019\nrubric "倒序"\nindicators { a: bool }\n'
        'category "c" 5 { item 1 "i" 5 { 5 when a "x" } }\n'
    )
    rubric = rubricdsl.loads(text)
    assert (rubric.title, rubric.year) == ("倒序", 2019)
    assert rubric.evaluate({"a": True}).total == D(5)


# ---- indicator types --------------------------------------------------------------------------

# (declaration, rule giving 2 points, a value that meets it, a value that does not)
TYPE_CASES = [
    ("x: bool", '2 when x "是"', True, False),
    ("x: count", '2 when x >= 3 "3 个以上"', 3, 2),
    ("x: percent", '2 when x >= 90 "90%以上"', 90, 89.9),
    ("x: score", '2 when x >= 80 "80 以上"', 80, 79.5),
    ('x: amount("万元")', '2 when x >= 150 "150 万元以上"', 150, 149.99),
    ("x: number", '2 when x > -1.5 "高于 -1.5"', -1, -1.5),
    ("x: series(3)", '2 when last(x) >= 90 "最近一年 90 以上"', [10, 20, 90], [90, 95, 89]),
    (
        'x: enum(national "国家级", provincial "省级", municipal)',
        '2 when x == provincial "省级"',
        "provincial",
        "municipal",
    ),
]


@pytest.mark.parametrize(("declaration", "rule", "hit", "miss"), TYPE_CASES)
def test_each_indicator_type_in_a_rule(declaration, rule, hit, miss):
    rubric = single_item(declaration, rule, points="2")
    assert item_score(rubric, x=hit) == D(2)
    assert item_score(rubric, x=miss) == D(0)


def test_declarations_become_indicator_specs():
    rubric = single_item(
        """
        f: bool "标志"
        n: count or na "注册计量师人数"
        p: percent
        sc: score
        amt: amount("万元") "预算经费"
        g: number
        s: series(3)
        lvl: enum(national "国家级", provincial "省级", municipal)
        """,
        "1 when f and n >= 1 and p >= 1 and sc >= 1 and amt >= 1 and g >= 1 and last(s) >= 1 "
        'and lvl == national "全部"',
        points="1",
    )
    specs = rubric.indicators
    assert list(specs) == ["f", "n", "p", "sc", "amt", "g", "s", "lvl"]
    assert [specs[name].kind for name in specs] == [
        "bool",
        "count",
        "percent",
        "score",
        "amount",
        "number",
        "series",
        "enum",
    ]
    assert specs["f"].label == "标志"
    assert specs["f"].allows_na is False
    assert specs["n"].allows_na is True
    assert specs["n"].label == "注册计量师人数"
    assert specs["p"].label is None
    assert specs["amt"].unit == "万元"
    assert specs["s"].series_length == 3
    assert specs["lvl"].levels == ("national", "provincial", "municipal")


def test_number_indicator_takes_negative_values_and_literals():
    rubric = single_item("g: number", '2 when g >= -3 "不低于 -3"', points="2")
    assert item_score(rubric, g=-3) == D(2)
    assert item_score(rubric, g=D("-3.01")) == D(0)
    assert item_score(rubric, g=0) == D(2)


# ---- structure: categories, groups, bonus, item ids ----------------------------------------------

STRUCTURE = """\
rubric "结构"
year 2020
base 10
bonus 4
indicators { a: bool  b: bool  c: bool  d: bool }
category "甲" 6 {
  group "组一" {
    item 1 "一" 2 { 2 when a "x" }
    item 3a "三a" 2 { 2 when b "x" }
  }
  item 2.1 "二点一" 2 { 2 when c "x" }
}
category "乙" 4 {
  group "组二" 4 {
    item 4 "四" 4 { 4 when d "x" }
  }
}
bonus category "加分" 4 {
  item 5 "五" 4 { 4 when a "x" }
}
"""


def test_categories_groups_bonus_and_item_ids():
    rubric = rubricdsl.loads(STRUCTURE)
    assert rubric.warnings == ()
    result = rubric.evaluate({"a": True, "b": True, "c": True, "d": True})
    assert [item.id for item in result.items] == ["1", "3a", "2.1", "4", "5"]
    assert [c.title for c in result.categories] == ["甲", "乙", "加分"]
    assert [c.is_bonus for c in result.categories] == [False, False, True]
    first = result.categories[0]
    group, loose = first.members
    assert isinstance(group, rubricdsl.trace.GroupTrace)
    assert group.title == "组一"
    assert group.declared is None
    assert group.max == D(4)  # no declared total: the items' 2 + 2
    assert [i.id for i in group.items] == ["1", "3a"]
    assert isinstance(loose, rubricdsl.ItemTrace)
    assert loose.id == "2.1"
    assert result.categories[1].members[0].declared == D(4)
    # 甲 2+2+2 = 6, 乙 4: base 10; bonus 4; total 14
    assert [c.score for c in result.categories] == [D(6), D(4), D(4)]
    assert (result.base, result.bonus, result.total) == (D(10), D(4), D(14))
    assert result.item("3a").score == D(2)
    assert result.item("2.1").title == "二点一"


def test_structure_partial_scores():
    result = rubricdsl.loads(STRUCTURE).evaluate({"a": False, "b": True, "c": True, "d": False})
    # 甲: 0 + 2 + 2 = 4; 乙: 0; bonus item 5 needs a: 0
    assert [c.score for c in result.categories] == [D(4), D(0), D(0)]
    assert (result.base, result.bonus, result.total) == (D(4), D(0), D(4))


def test_unknown_item_id_raises_key_error():
    result = rubricdsl.loads(STRUCTURE).evaluate({"a": True, "b": True, "c": True, "d": True})
    with pytest.raises(KeyError):
        result.item("3")


def test_group_with_declared_total_caps_its_items():
    rubric = compile_rubric(
        "a: bool\nb: bool",
        'category "c" 5 {\n  group "g" 5 {\n'
        '    item 1 "i" 3 { 3 when a "x" }\n    item 2 "j" 3 { 3 when b "y" }\n  }\n}',
        base="5",
    )
    result = rubric.evaluate({"a": True, "b": True})
    group = result.categories[0].members[0]
    # items 3 + 3 = 6, the group's total 5 cuts 1
    assert (group.earned, group.score, group.cut) == (D(6), D(5), D(1))
    assert result.categories[0].score == D(5)
    assert result.base == D(5)
    only_a = rubric.evaluate({"a": True, "b": False})
    assert only_a.categories[0].members[0].score == D(3)
    assert only_a.base == D(3)


def test_bonus_capped_by_bonus_category_and_by_bonus_maximum():
    rubric = compile_rubric(
        "a: bool\nb: bool",
        'category "c" 10 { item 1 "i" 10 { 10 when a "x" } }\n'
        'bonus category "加分" 4 {\n'
        '  item 2 "j" 3 { 3 when a "y" }\n  item 3 "k" 3 { 3 when b "z" }\n}',
        bonus="2",
    )
    result = rubric.evaluate({"a": True, "b": True})
    bonus = result.categories[1]
    # items 3 + 3 = 6, the bonus category's 4 cuts 2, the rubric's bonus 2 cuts 2 more
    assert (bonus.earned, bonus.score) == (D(6), D(4))
    assert result.bonus == D(2)
    assert result.total == D(12)


# ---- fixed rules: comparators --------------------------------------------------------------

# threshold 0.3 written in the rubric, values 0.2 / 0.3 / 0.4 given as floats
COMPARATORS = [
    # operator, below, at, above
    (">=", 0, 1, 1),
    (">", 0, 0, 1),
    ("==", 0, 1, 0),
    ("!=", 1, 0, 1),
    ("<=", 1, 1, 0),
    ("<", 1, 0, 0),
]


@pytest.mark.parametrize(("op", "below", "at", "above"), COMPARATORS)
def test_comparator_at_below_and_above_the_bound(op, below, at, above):
    rubric = single_item("p: percent", f'1 when p {op} 0.3 "比较"', points="1")
    assert item_score(rubric, p=0.2) == below
    assert item_score(rubric, p=0.3) == at
    assert item_score(rubric, p=0.4) == above


@pytest.mark.parametrize(("op", "below", "at", "above"), COMPARATORS)
def test_comparator_with_the_literal_on_the_left(op, below, at, above):
    # "90 OP p" reads the other way round: 90 >= p holds when p is below 90
    rubric = single_item("p: percent", f'1 when 90 {op} p "比较"', points="1")
    assert item_score(rubric, p=91) == below
    assert item_score(rubric, p=90) == at
    assert item_score(rubric, p=89) == above


@pytest.mark.parametrize(
    ("annual", "province", "expected"),
    [(50, 50, 1), (D("49.9"), 50, 0), (D("50.1"), 50, 1), (0, 100, 0)],
)
def test_comparing_two_indicators(annual, province, expected):
    rubric = single_item(
        "annual: percent\nprovince: percent",
        '1 when annual >= province "不低于全省平均水平"',
        points="1",
    )
    assert item_score(rubric, annual=annual, province=province) == expected


def test_number_indicator_compares_with_a_percent():
    rubric = single_item("g: number\np: percent", '1 when g > p "高于"', points="1")
    assert item_score(rubric, g=D("50.5"), p=50) == 1
    assert item_score(rubric, g=-1, p=0) == 0


def test_amounts_in_the_same_unit_compare():
    rubric = single_item(
        'a: amount("万元")\nb: amount("万元")', '1 when a >= b "不低于上年"', points="1"
    )
    assert item_score(rubric, a=150, b=150) == 1
    assert item_score(rubric, a=149, b=150) == 0


# ---- fixed rules: logic ---------------------------------------------------------------------

LOGIC = [
    ("a and b", lambda a, b, c: a and b),
    ("a or b", lambda a, b, c: a or b),
    ("not a", lambda a, b, c: not a),
    ("a and b and c", lambda a, b, c: a and b and c),
    ("a or b or c", lambda a, b, c: a or b or c),
    # not binds tighter than and
    ("not a and b", lambda a, b, c: (not a) and b),
    # and binds tighter than or (both sides)
    ("a or b and c", lambda a, b, c: a or (b and c)),
    ("a and b or c", lambda a, b, c: (a and b) or c),
    # parentheses override
    ("(a or b) and c", lambda a, b, c: (a or b) and c),
    ("not (a or b)", lambda a, b, c: not (a or b)),
    ("not (a and b) or c", lambda a, b, c: (not (a and b)) or c),
    ("not not a", lambda a, b, c: a),
    ("((a))", lambda a, b, c: a),
]


@pytest.mark.parametrize(("condition", "truth"), LOGIC, ids=[c for c, _ in LOGIC])
def test_logic_truth_table(condition, truth):
    rubric = single_item("a: bool\nb: bool\nc: bool", f'1 when {condition} "逻辑"', points="1")
    for a, b, c in itertools.product([False, True], repeat=3):
        expected = 1 if truth(a, b, c) else 0
        assert item_score(rubric, a=a, b=b, c=c) == expected, (a, b, c)


@pytest.mark.parametrize(
    ("condition", "a", "b", "c", "expected"),
    [
        # (not a) and b, not not (a and b): differ when a and b are both false
        ("not a and b", False, False, False, 0),
        ("not a and b", False, True, False, 1),
        # a or (b and c), not (a or b) and c: differ when a is true and c false
        ("a or b and c", True, False, False, 1),
        ("a or b and c", False, True, False, 0),
        ("(a or b) and c", True, False, False, 0),
    ],
)
def test_precedence_cases_by_hand(condition, a, b, c, expected):
    rubric = single_item("a: bool\nb: bool\nc: bool", f'1 when {condition} "逻辑"', points="1")
    assert item_score(rubric, a=a, b=b, c=c) == expected


def test_comparisons_combine_with_and_or():
    # item 13 of the 2020 table: all three rates at 100
    rubric = single_item(
        "p: percent\nq: percent\nr: percent",
        '3 when p == 100 and q == 100 and r == 100 "100%聘任、备案、培训"',
        points="3",
    )
    assert item_score(rubric, p=100, q=100, r=100) == 3
    assert item_score(rubric, p=100, q=D("99.9"), r=100) == 0


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("lvl == national", "national", 1),
        ("lvl == national", "provincial", 0),
        ("lvl != national", "national", 0),
        ("lvl != national", "provincial", 1),
        ("lvl != national", "municipal", 1),
        ("national == lvl", "national", 1),
    ],
)
def test_enum_equality_with_a_level(condition, value, expected):
    rubric = single_item(
        'lvl: enum(national "国家级", provincial "省级", municipal "市级")',
        f'1 when {condition} "级别"',
        points="1",
    )
    assert item_score(rubric, lvl=value) == expected


def test_two_enums_with_the_same_levels_compare():
    rubric = single_item(
        "now: enum(low, high)\nbefore: enum(low, high)", '1 when now != before "变化"', points="1"
    )
    assert item_score(rubric, now="high", before="low") == 1
    assert item_score(rubric, now="high", before="high") == 0


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("f == true", True, 1),
        ("f == true", False, 0),
        ("f == false", True, 0),
        ("f == false", False, 1),
        ("f != true", False, 1),
        ("f != false", False, 0),
        ("true == f", True, 1),
        ("f", True, 1),
        ("not f", True, 0),
    ],
)
def test_bool_compared_with_true_and_false(condition, value, expected):
    rubric = single_item("f: bool", f'1 when {condition} "布尔"', points="1")
    assert item_score(rubric, f=value) == expected


# ---- series ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "series", "expected"),
    [
        ("decreasing(s)", [3, 2, 1], 1),
        ("decreasing(s)", [D("0.3"), D("0.2"), D("0.1")], 1),
        ("decreasing(s)", [3, 2, 2], 0),  # strict: equal neighbours fail
        ("decreasing(s)", [3, 3, 1], 0),
        ("decreasing(s)", [3, 4, 1], 0),
        ("decreasing(s)", [1, 2, 3], 0),
        ("increasing(s)", [1, 2, 3], 1),
        ("increasing(s)", [1, 1, 2], 0),  # strict
        ("increasing(s)", [1, 2, 2], 0),
        ("increasing(s)", [3, 2, 1], 0),
        ("not decreasing(s)", [3, 2, 2], 1),
        ("last(s) < previous(s)", [5, 3, 2], 1),
        ("last(s) < previous(s)", [1, 3, 3], 0),
        ("last(s) < previous(s)", [1, 3, 4], 0),
        ("last(s) >= 90", [0, 0, 90], 1),
        ("last(s) >= 90", [95, 95, D("89.9")], 0),
        ("previous(s) == 3", [0, 3, 9], 1),
        ("previous(s) == 3", [3, 0, 3], 0),
    ],
)
def test_series_conditions(condition, series, expected):
    rubric = single_item("s: series(3)", f'1 when {condition} "趋势"', points="1")
    assert item_score(rubric, s=series) == expected


def test_two_year_series_decreasing():
    rubric = single_item("s: series(2)", '1 when decreasing(s) "同比下降"', points="1")
    assert item_score(rubric, s=[5, 4]) == 1
    assert item_score(rubric, s=[4, 4]) == 0


# ---- additive bonuses and caps ------------------------------------------------------------------

ITEM_8 = """
    2 when platform "建立检验检测平台"
    2 when national "其中国家级产品质检中心再加 2 分"
    1 when provincial "省级产品质检中心再加 1 分，满分 4 分"
"""


@pytest.mark.parametrize(
    ("platform", "national", "provincial", "expected"),
    [
        (True, True, True, 4),  # 2 + 2 + 1 = 5, 满分 4
        (True, True, False, 4),  # 2 + 2
        (True, False, True, 3),  # 2 + 1
        (False, True, True, 3),  # 2 + 1
        (False, False, True, 1),
        (False, False, False, 0),
    ],
)
def test_additive_bonuses_capped_by_cap(platform, national, provincial, expected):
    rubric = single_item(
        "platform: bool\nnational: bool\nprovincial: bool", ITEM_8, points="4", cap="4"
    )
    assert rubric.warnings == ()
    score = item_score(rubric, platform=platform, national=national, provincial=provincial)
    assert score == expected


def test_cap_below_declared_points():
    rubric = single_item("a: bool\nb: bool", '3 when a "甲"\n3 when b "乙"', points="5", cap="4")
    assert item_score(rubric, a=True, b=True) == D(4)  # 3 + 3 = 6, cap 4
    assert item_score(rubric, a=True, b=False) == D(3)


def test_declared_points_cap_an_item_without_cap():
    # item 25 of the 2020 table: 1 + 1 + 2 = 4 under a declared 3
    rubric = single_item(
        "a: bool\nb: bool\nc: bool", '1 when a "甲"\n1 when b "乙"\n2 when c "丙"', points="3"
    )
    result = rubric.evaluate({"a": True, "b": True, "c": True})
    item = result.item("1")
    assert item.score == D(3)
    assert [r.gave for r in item.rules] == [D(1), D(1), D(1)]  # the last rule is cut by 1
    assert [r.status for r in item.rules] == ["met", "met", "capped"]
    assert item_score(rubric, a=False, b=True, c=True) == D(3)
    assert item_score(rubric, a=False, b=False, c=True) == D(2)


# ---- per unit -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("certs", "expected"),
    [(0, "0"), (1, "0.5"), (3, "1.5"), (4, "2"), (5, "2"), (100, "2")],
)
def test_per_unit_with_max(certs, expected):
    rubric = single_item("certs: count", '0.5 per certs max 2 "每张 0.5 分，最多 2 分"', points="2")
    assert item_score(rubric, certs=certs) == D(expected)  # 0.5 × certs, at most 2


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        (0, 0),
        (D("9.99"), 0),  # floor(0.999) = 0
        (10, 1),
        (25, 2),  # floor(2.5) = 2
        (D("29.99"), 2),
        (30, 3),
        (45, 3),  # floor(4.5) = 4, max 3
    ],
)
def test_per_unit_with_a_step(budget, expected):
    rubric = single_item(
        'budget: amount("万元")',
        '1 per 10 of budget max 3 "每 10 万元 1 分，最多 3 分"',
        points="3",
    )
    assert item_score(rubric, budget=budget) == expected


def test_per_unit_with_fractional_step_and_points():
    rubric = single_item("n: count", '0.5 per 2 of n max 3 "每 2 个 0.5 分"', points="3")
    assert item_score(rubric, n=5) == D(1)  # floor(5 / 2) = 2 units × 0.5
    assert item_score(rubric, n=13) == D(3)  # floor(6.5) = 6 × 0.5 = 3


def test_per_unit_of_a_negative_number_gives_nothing():
    rubric = single_item("g: number", '1 per g max 3 "每增长 1 个百分点 1 分"', points="3")
    assert item_score(rubric, g=-5) == 0
    assert item_score(rubric, g=D("2.7")) == D(2)


@pytest.mark.parametrize(
    ("incidents", "expected"),
    [(0, 3), (1, 2), (2, 1), (3, 0), (5, 0)],  # 3 − incidents, floored at 0 (扣完为止)
)
def test_deductions_per_unit_from_a_starting_score(incidents, expected):
    rubric = single_item(
        "incidents: count",
        '3 always "基础分 3 分"\n-1 per incidents "每发生一起扣 1 分，扣完为止"',
        points="3",
    )
    assert item_score(rubric, incidents=incidents) == expected


def test_deduction_floored_at_zero_shows_in_the_trace():
    rubric = single_item(
        "incidents: count",
        '3 always "基础分"\n-1 per incidents "每起扣 1 分，扣完为止"',
        points="3",
    )
    item = rubric.evaluate({"incidents": 5}).item("1")
    always, deduction = item.rules
    assert (always.kind, always.status, always.gave) == ("always", "met", D(3))
    # 5 incidents would take 5; only 3 were there to take
    assert deduction.kind == "per_unit"
    assert deduction.gave == D(-3)
    assert deduction.status == "capped"
    assert item.score == 0


@pytest.mark.parametrize(("incidents", "expected"), [(0, 5), (1, 4), (2, 3), (4, 3), (9, 3)])
def test_deduction_with_max(incidents, expected):
    rubric = single_item(
        "incidents: count",
        '5 always "基础分"\n-1 per incidents max 2 "每起扣 1 分，最多扣 2 分"',
        points="5",
    )
    assert item_score(rubric, incidents=incidents) == expected  # 5 − min(incidents, 2)


def test_always_alone_and_fixed_deduction():
    rubric = single_item(
        "f: bool", '2 always "基础分"\n-1.5 when f "发现问题扣 1.5 分"', points="2"
    )
    assert item_score(rubric, f=False) == D(2)
    assert item_score(rubric, f=True) == D("0.5")  # 2 − 1.5


# ---- tiers --------------------------------------------------------------------------------

TIERS = """
    highest "获得称号的最高级别" {
      3 when level == national "国家级"
      2 when level == provincial "省级"
      1 when level == municipal "市级"
    }
"""


@pytest.mark.parametrize(
    ("level", "expected"),
    [("national", 3), ("provincial", 2), ("municipal", 1), ("none", 0)],
)
def test_tiers_on_an_enum(level, expected):
    rubric = single_item("level: enum(national, provincial, municipal, none)", TIERS, points="3")
    assert item_score(rubric, level=level) == expected


@pytest.mark.parametrize(
    ("tiers", "n", "expected"),
    [
        ('3 when n >= 3 "三"\n2 when n >= 2 "二"\n1 when n >= 1 "一"', 5, 3),  # not 3+2+1
        ('3 when n >= 3 "三"\n2 when n >= 2 "二"\n1 when n >= 1 "一"', 2, 2),
        ('1 when n >= 1 "一"\n3 when n >= 3 "三"', 5, 3),  # the highest, not the first
        ('1 when n >= 1 "一"\n3 when n >= 3 "三"', 0, 0),
    ],
)
def test_only_the_highest_matching_tier_counts(tiers, n, expected):
    rubric = single_item("n: count", f'highest "按数量" {{\n{tiers}\n}}', points="3")
    assert item_score(rubric, n=n) == expected


def test_tiers_trace():
    rubric = single_item("level: enum(national, provincial, municipal, none)", TIERS, points="3")
    rule = rubric.evaluate({"level": "provincial"}).item("1").rules[0]
    assert rule.kind == "tiers"
    assert rule.text == "获得称号的最高级别"
    assert (rule.points, rule.reach, rule.gave, rule.status) == (D(3), D(3), D(2), "met")
    assert rule.values == (("level", "provincial"),)


# ---- proportional -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (D("93.5"), "3.74"),  # 4 × 93.5 / 100
        (100, "4"),
        (D("33.3"), "1.332"),  # 4 × 33.3 / 100, not rounded
        (D("0.1"), "0.004"),
        (0, "0"),
    ],
)
def test_proportional(rate, expected):
    rubric = single_item("rate: percent", '4 scaled by rate "按完成率折算"', points="4")
    assert item_score(rubric, rate=rate) == D(expected)


def test_proportional_by_a_score_and_its_statuses():
    rubric = single_item("sc: score", '5 scaled by sc "按满意度折算"', points="5")
    result = rubric.evaluate({"sc": 80})
    rule = result.item("1").rules[0]
    assert (rule.kind, rule.gave, rule.status) == ("proportional", D(4), "met")  # 5 × 80 / 100
    zero = rubric.evaluate({"sc": 0}).item("1").rules[0]
    assert (zero.gave, zero.status) == (D(0), "not_met")


# ---- vetoes -------------------------------------------------------------------------------

VETO_RUBRIC = """\
rubric "否决"
year 2020
base 10
indicators { accidents: count  fraud: bool  a: bool }
veto when accidents > 0 "发生重大质量安全事故"
category "c" 10 {
  item 1 "i" 10 {
    10 when a "x"
    veto when fraud "弄虚作假"
  }
}
"""


def test_no_veto_strikes():
    result = rubricdsl.loads(VETO_RUBRIC).evaluate({"accidents": 0, "fraud": False, "a": True})
    assert result.vetoes == ()
    assert result.passed_vetoes is True
    assert len(result.all_vetoes) == 2
    assert {v.status for v in result.all_vetoes} == {"not_met"}
    assert result.to_dict()["failed_by_veto"] is False
    assert result.total == D(10)


def test_top_level_veto_strikes_and_score_is_still_computed():
    result = rubricdsl.loads(VETO_RUBRIC).evaluate({"accidents": 1, "fraud": False, "a": True})
    assert len(result.vetoes) == 1
    veto = result.vetoes[0]
    assert veto.text == "发生重大质量安全事故"
    assert veto.item_id is None
    assert (veto.line, veto.column) == (5, 1)
    assert veto.triggered
    assert veto.values == (("accidents", D(1)),)
    assert result.passed_vetoes is False
    assert result.total == D(10)
    data = result.to_dict()
    assert data["failed_by_veto"] is True
    assert [v["text"] for v in data["vetoes"]] == ["发生重大质量安全事故"]
    assert data["vetoes"][0]["triggered"] is True


def test_item_veto_strikes():
    result = rubricdsl.loads(VETO_RUBRIC).evaluate({"accidents": 0, "fraud": True, "a": True})
    assert [(v.text, v.item_id) for v in result.vetoes] == [("弄虚作假", "1")]
    assert (result.vetoes[0].line, result.vetoes[0].column) == (9, 5)
    item = result.item("1")
    assert item.vetoes[0].triggered
    assert item.score == D(10)
    assert result.to_dict()["failed_by_veto"] is True


def test_both_vetoes_strike():
    result = rubricdsl.loads(VETO_RUBRIC).evaluate({"accidents": 2, "fraud": True, "a": False})
    assert {v.text for v in result.vetoes} == {"发生重大质量安全事故", "弄虚作假"}
    assert result.total == 0


def test_veto_on_a_not_applicable_indicator_does_not_strike():
    rubric = compile_rubric(
        "m: count or na\na: bool",
        'veto when m > 0 "发生事故"\ncategory "c" 10 { item 1 "i" 10 { 10 when a "x" } }',
    )
    result = rubric.evaluate({"m": NA, "a": True})
    assert result.vetoes == ()
    assert [v.status for v in result.all_vetoes] == ["not_applicable"]


# ---- not applicable (合理缺项) ---------------------------------------------------------------

NA_RUBRIC = """\
rubric "合理缺项"
year 2020
base 10
indicators {
  a: bool
  m: count or na "注册计量师人数"
  b: bool
}
category "c" 10 {
  item 1 "计量" 6 {
    2 when a "甲"
    4 when m >= 6 "乙"
  }
  item 2 "其他" 4 {
    4 when b "丙"
  }
}
"""


def test_not_applicable_rule_is_dropped_and_base_prorated():
    result = rubricdsl.loads(NA_RUBRIC).evaluate({"a": True, "m": NA, "b": True})
    item = result.item("1")
    kept, dropped = item.rules
    assert dropped.status == "not_applicable"
    assert dropped.na_reason == "区域无法定计量检定机构"
    assert dropped.gave == 0
    assert dropped.values == (("m", NotApplicable("区域无法定计量检定机构")),)
    assert kept.status == "met"
    assert (item.declared, item.na_points, item.max, item.score) == (D(6), D(4), D(2), D(2))
    assert result.na_points == D(4)
    assert result.categories[0].na_points == D(4)
    assert result.categories[0].max == D(6)
    # base_raw 2 + 4 = 6 out of 10 − 4 = 6: base = 6 × 10 / 6 = 10
    assert result.base_raw == D(6)
    assert result.base == D(10)
    data = result.to_dict()
    rule = data["items"][0]["rules"][1]
    assert rule["status"] == "not_applicable"
    assert rule["values"] == {"m": {"not_applicable": "区域无法定计量检定机构"}}
    assert data["na_points"] == "4"


@pytest.mark.parametrize(
    ("a", "b", "base_raw", "base"),
    [
        (True, False, "2", "3.33"),  # 2 × 10 / 6 = 3.333…
        (False, True, "4", "6.67"),  # 4 × 10 / 6 = 6.666… (truncation would give 6.66)
        (False, False, "0", "0"),
    ],
)
def test_prorated_base_is_rounded_to_cents(a, b, base_raw, base):
    result = rubricdsl.loads(NA_RUBRIC).evaluate({"a": a, "m": NA, "b": b})
    assert result.base_raw == D(base_raw)
    assert result.base == D(base)
    assert result.to_dict()["base"] == base


def test_applicable_indicator_is_not_prorated():
    result = rubricdsl.loads(NA_RUBRIC).evaluate({"a": True, "m": 5, "b": True})
    # m = 5 misses 6: 2 + 0 + 4 = 6 out of 10, nothing not applicable
    assert (result.na_points, result.base_raw, result.base) == (D(0), D(6), D(6))
    assert result.item("1").rules[1].status == "not_met"


def test_prorating_rounds_half_up_third_digit_five():
    rubric = compile_rubric(
        "a: bool\nb: bool\nm: count or na",
        'category "c" 100 {\n'
        '  item 1 "一" 60 { 60 when a "x" }\n'
        '  item 2 "二" 3 { 3 when m >= 1 "y" }\n'
        '  item 3 "三" 37 { 37 when b "z" }\n'
        "}",
        base="100",
    )
    result = rubric.evaluate({"a": True, "b": False, "m": NA})
    # 60 × 100 / 97 = 61.8556…: the third digit is 5, so 61.86 (truncating would give 61.85)
    assert result.base_raw == D(60)
    assert result.na_points == D(3)
    assert result.base == D("61.86")


def test_prorating_rounds_an_exact_half_up():
    rubric = compile_rubric(
        "a: bool\nb: bool\nm: count or na",
        'category "c" 10 {\n'
        '  item 1 "一" 8 { 2.1 when a "x"\n 5.9 when b "y" }\n'
        '  item 2 "二" 2 { 2 when m >= 1 "z" }\n'
        "}",
    )
    result = rubric.evaluate({"a": True, "b": False, "m": NA})
    # 2.1 × 10 / 8 = 2.625 exactly: half-up gives 2.63 (half-even and truncation give 2.62)
    assert result.base == D("2.63")
    assert result.total == D("2.63")


def test_rule_reading_several_indicators_is_dropped_when_one_is_not_applicable():
    rubric = single_item(
        "a: bool\nm: count or na", '1 when a and m >= 1 "甲"\n1 when a "乙"', points="2"
    )
    result = rubric.evaluate({"a": True, "m": NA})
    item = result.item("1")
    assert [r.status for r in item.rules] == ["not_applicable", "met"]
    assert (item.max, item.score) == (D(1), D(1))
    assert result.base == D(2)  # 1 × 2 / (2 − 1)


def test_not_applicable_tiers_drop_their_top_tier():
    rubric = single_item(
        "a: bool\nlevel: enum(national, provincial) or na",
        'highest "级别" {\n 3 when level == national "国"\n 2 when level == provincial "省"\n}\n'
        '1 when a "甲"',
        points="4",
    )
    result = rubric.evaluate({"a": True, "level": NA})
    item = result.item("1")
    assert (item.na_points, item.max, item.score) == (D(3), D(1), D(1))
    assert result.base == D(4)  # 1 × 4 / (4 − 3)


def test_not_applicable_in_a_bonus_item_prorates_nothing():
    rubric = compile_rubric(
        "a: bool\nm: count or na",
        'category "c" 10 { item 1 "i" 10 { 10 when a "x" } }\n'
        'bonus category "加分" 5 { item 2 "j" 5 { 2 when a "y"\n 3 when m >= 1 "z" } }',
        bonus="5",
    )
    result = rubric.evaluate({"a": True, "m": NA})
    assert result.na_points == 0
    assert (result.base_raw, result.base) == (D(10), D(10))
    bonus_item = result.item("2")
    assert (bonus_item.na_points, bonus_item.max, bonus_item.score) == (D(3), D(2), D(2))
    assert result.bonus == D(2)
    assert result.total == D(12)


CAPPED_NA = """rubric "r"
year 2020
base 10
indicators {
  platform: bool
  national: count or na
  provincial: count
  other: bool
}
category "c" 10 {
  item 8 "平台" 4 cap 4 {
    2 when platform         "检验检测平台"
    2 when national >= 1    "国家级再加 2 分"
    1 when provincial >= 1  "省级再加 1 分，满分 4 分"
  }
  item 9 "其他" 6 { 6 when other "其他" }
}
"""


def test_not_applicable_bonus_under_a_cap_leaves_only_the_unreachable_points():
    result = rubricdsl.loads(CAPPED_NA).evaluate(
        {"platform": True, "national": NA, "provincial": 1, "other": False}
    )
    item = result.item("8")
    # Without the national rule the item still reaches 2 + 1 = 3 of its 4: only 1 point is
    # out of reach, so max 3 and the district keeps the 3 it earned.
    assert (item.na_points, item.max, item.score) == (D(1), D(3), D(3))
    # base_raw 3 + 0 = 3 of 10 − 1 = 9: base = 3 × 10 / 9 = 3.333… → 3.33
    assert (result.na_points, result.base_raw, result.base) == (D(1), D(3), D("3.33"))


def test_not_applicable_rule_larger_than_the_rest_keeps_what_the_rest_earn():
    rubric = single_item("m: count or na\nb: bool", '3 when m >= 1 "甲"\n2 when b "乙"', points="3")
    result = rubric.evaluate({"m": NA, "b": True})
    item = result.item("1")
    # reach 5 capped at 3 before; 2 after: 1 point out of reach. max 2, score 2.
    assert (item.na_points, item.max, item.score) == (D(1), D(2), D(2))
    assert result.base == D(3)  # 2 × 3 / (3 − 1)


# ---- category caps and trace invariants ----------------------------------------------------------


def test_category_capped_by_its_declared_total():
    rubric = compile_rubric(
        "a: bool\nb: bool",
        'category "c" 5 {\n  item 1 "i" 3 { 3 when a "x" }\n  item 2 "j" 3 { 3 when b "y" }\n}',
        base="5",
    )
    result = rubric.evaluate({"a": True, "b": True})
    category = result.categories[0]
    # items 3 + 3 = 6 overshoot the declared 5
    assert (category.earned, category.score, category.cut) == (D(6), D(5), D(1))
    assert result.base == D(5)


def _check_invariants(result: rubricdsl.Result) -> None:
    for item in result.items:
        assert sum((rule.gave for rule in item.rules), D(0)) == item.score, item.id
        assert D(0) <= item.score <= item.max, item.id
    for category in result.categories:
        assert category.earned - category.cut == category.score, category.title
        assert category.score <= category.max, category.title
    assert result.total == result.base + result.bonus


INVARIANT_RUBRIC = """\
rubric "不变量"
year 2020
base 20
bonus 3
indicators { a: bool  b: bool  n: count  m: count or na  p: percent  lvl: enum(x, y, z) }
category "c" 12 {
  group "g" 5 {
    item 1 "i" 4 cap 4 { 2 when a "x"  2 when b "y"  1 when n >= 2 "z" }
    item 2 "j" 3 { 3 always "基础"  -1 per n "扣" }
  }
  item 3 "k" 4 { 0.5 per n max 2 "每个"  2 scaled by p "折算" }
}
category "d" 8 {
  item 4 "l" 8 {
    highest "级别" { 4 when lvl == x "x" 2 when lvl == y "y" }
    4 when m >= 1 "可缺"
  }
}
bonus category "加分" 3 { item 5 "m" 3 { 2 when a "x" 2 when m >= 3 "y" } }
"""


def test_trace_invariants_on_many_inputs():
    rubric = rubricdsl.loads(INVARIANT_RUBRIC)
    chance = random.Random(2020)
    for _ in range(200):
        values = {
            "a": chance.random() < 0.5,
            "b": chance.random() < 0.5,
            "n": chance.randint(0, 6),
            "m": NA if chance.random() < 0.3 else chance.randint(0, 4),
            "p": D(chance.randint(0, 1000)) / 10,
            "lvl": chance.choice(["x", "y", "z"]),
        }
        _check_invariants(rubric.evaluate(values))


def test_invariant_rubric_full_marks_by_hand():
    result = rubricdsl.loads(INVARIANT_RUBRIC).evaluate(
        {"a": True, "b": True, "n": 4, "m": 3, "p": 100, "lvl": "x"}
    )
    # item 1: 2+2+1 = 5, cap 4; item 2: 3 − 4 → 0; group: 4 (total 5 not reached)
    # item 3: min(0.5×4, 2) = 2, 2 × 100/100 = 2 → 4; category c: 4 + 4 = 8 of 12
    # item 4: 4 + 4 = 8; base 16; bonus: 2 + 2 = 4 under item 3, bonus 3 → 3
    assert [result.item(i).score for i in ["1", "2", "3", "4", "5"]] == [4, 0, 4, 8, 3]
    assert (result.base, result.bonus, result.total) == (D(16), D(3), D(19))


def test_trace_invariants_on_the_2020_rubric():
    rubric = rubricdsl.load(ANHUI)
    chance = random.Random(7)
    for _ in range(30):
        values: dict[str, object] = {}
        for name, spec in rubric.indicators.items():
            if spec.kind == "bool":
                values[name] = chance.random() < 0.6
            elif spec.kind == "count":
                values[name] = chance.randint(0, 8)
            elif spec.kind in ("percent", "score"):
                values[name] = D(chance.randint(700, 1000)) / 10
            elif spec.kind == "amount":
                values[name] = chance.randint(0, 300)
            elif spec.kind == "series":
                values[name] = [chance.randint(0, 5) for _ in range(spec.series_length or 0)]
            if spec.allows_na and chance.random() < 0.3:
                values[name] = NA
        _check_invariants(rubric.evaluate(values))


# ---- trace contents --------------------------------------------------------------------------

TRACE_RUBRIC = """\
rubric "轨迹"
year 2020
base 4
indicators {
  a: bool
  n: count
}
category "c" 4 {
  item 1 "i" 4 {
    1.5 when a "甲"
    2 when n >= 2 "乙"
    0.25 per n max 1 "丙"
  }
}
"""


def test_rule_traces_when_the_last_bonus_is_cut():
    result = rubricdsl.loads(TRACE_RUBRIC).evaluate({"a": True, "n": 3})
    item = result.item("1")
    first, second, third = item.rules
    # 1.5 + 2 + min(0.25 × 3, 1) = 4.25 over 4: the last rule gives 0.75 − 0.25 = 0.5
    assert item.score == D(4)
    assert (first.kind, first.text, first.line, first.column) == ("fixed", "甲", 10, 5)
    assert (first.points, first.reach, first.gave, first.status) == (
        D("1.5"),
        D("1.5"),
        D("1.5"),
        "met",
    )
    assert first.values == (("a", True),)
    assert (second.line, second.column, second.gave, second.status) == (11, 5, D(2), "met")
    assert second.values == (("n", D(3)),)
    assert (third.kind, third.text, third.line, third.column) == ("per_unit", "丙", 12, 5)
    assert (third.points, third.reach, third.gave, third.status) == (
        D("0.25"),
        D(1),
        D("0.5"),
        "capped",
    )
    assert third.na_reason is None


def test_rule_traces_when_nothing_is_capped():
    result = rubricdsl.loads(TRACE_RUBRIC).evaluate({"a": False, "n": 1})
    item = result.item("1")
    assert [r.status for r in item.rules] == ["not_met", "not_met", "met"]
    assert [r.gave for r in item.rules] == [D(0), D(0), D("0.25")]
    assert item.score == D("0.25")


def test_to_dict_numbers_are_exact_strings_and_json_serialisable():
    result = rubricdsl.loads(TRACE_RUBRIC).evaluate({"a": True, "n": 3})
    data = result.to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    assert data["total"] == "4"
    assert data["base"] == "4"
    assert data["bonus"] == "0"
    assert data["rubric"]["title"] == "轨迹"
    assert data["rubric"]["year"] == 2020
    item = data["items"][0]
    assert item["id"] == "1"
    assert item["score"] == "4"
    assert item["declared"] == "4"
    rules = item["rules"]
    assert [r["points"] for r in rules] == ["1.5", "2", "0.25"]
    assert [r["gave"] for r in rules] == ["1.5", "2", "0.5"]
    assert [r["reach"] for r in rules] == ["1.5", "2", "1"]
    assert [r["status"] for r in rules] == ["met", "met", "capped"]
    assert rules[0]["values"] == {"a": True}
    assert rules[2]["values"] == {"n": "3"}
    assert (rules[2]["line"], rules[2]["column"], rules[2]["text"]) == (12, 5, "丙")
    category = data["categories"][0]
    assert (category["earned"], category["score"]) == ("4", "4")


def test_to_dict_of_a_quarter_point():
    result = rubricdsl.loads(TRACE_RUBRIC).evaluate({"a": False, "n": 1})
    data = result.to_dict()
    assert data["total"] == "0.25"
    assert data["items"][0]["rules"][2]["gave"] == "0.25"
    json.dumps(data)


def test_to_dict_of_an_unused_deduction_is_zero_not_minus_zero():
    rubric = single_item(
        "incidents: count", '3 always "基础分"\n-1 per incidents "每起扣 1 分"', points="3"
    )
    result = rubric.evaluate({"incidents": 0})
    deduction = result.item("1").rules[1]
    # no incident, nothing deducted: "0", as every other number is written
    assert deduction.gave == 0
    assert result.to_dict()["items"][0]["rules"][1]["gave"] == "0"


def test_prorated_base_to_dict_has_no_trailing_zeros():
    result = rubricdsl.loads(NA_RUBRIC).evaluate({"a": True, "m": NA, "b": True})
    data = result.to_dict()
    assert data["base"] == "10"  # 6 × 10 / 6, not "10.00"
    assert data["total"] == "10"


# ---- comments, Chinese wording, escapes --------------------------------------------------------

WORDING = """\
# 文件开头的注释
rubric "带“引号”的评分表：测试（一）"  # 行尾注释
year 2020   # 年份
base 2
indicators {
  # 指标
  a: bool "是否开展“一站式”服务"
}
category "类别 #1" 2 {
  item 1 "项目：质量、标准" 2 {
    2 when a "他说：\\"好\\"，然后＃号与#号都在字符串里，反斜杠\\\\也在"
  }
}
# 文件末尾的注释，没有换行"""


def test_comments_and_unicode_wording():
    rubric = rubricdsl.loads(WORDING)
    assert rubric.title == "带“引号”的评分表：测试（一）"
    assert rubric.indicators["a"].label == "是否开展“一站式”服务"
    result = rubric.evaluate({"a": True})
    assert result.categories[0].title == "类别 #1"
    assert result.item("1").title == "项目：质量、标准"
    rule = result.item("1").rules[0]
    assert rule.text == '他说："好"，然后＃号与#号都在字符串里，反斜杠\\也在'
    assert result.total == D(2)


def test_windows_line_endings():
    rubric = rubricdsl.loads(WORDING.replace("\n", "\r\n"))
    assert rubric.evaluate({"a": True}).total == D(2)


def test_enum_level_named_like_an_indicator_is_rejected_as_ambiguous():
    # `level == national` could read the level or the bool indicator `national`: refuse it.
    with pytest.raises(rubricdsl.RubricCompileError) as raised:
        single_item(
            "level: enum(national, provincial)\nnational: bool",
            '1 when level == national "国家级"\n1 when national "国家级称号"',
            points="2",
        )
    (error,) = raised.value.diagnostics
    assert error.code == "ambiguous-level"
    assert (error.line, error.column) == (10, 17)  # the `national` after ==
