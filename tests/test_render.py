"""Reports of the sample district, compared with golden files checked by hand against the seed.

The per-item scores in the golden files were worked out by hand from 附件2 and the sample's
values (e.g. item 14: 1 + 2 + 0.5 + 0 + 2 + 1 = 6.5, food_handled_on_time_pct 88.9 < 90;
item 25: 1 + 1 + 2 = 4, capped at its declared 3). Regenerate after a deliberate change with
UPDATE_GOLDEN=1 and read the diff before committing it.
"""

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl.render import pad, render_json, render_text, shorten, table, wrap
from rubricdsl.source import display_width

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
RUBRIC_NAME = "rubrics/2020/anhui-quality-county.rubric"


@pytest.fixture(scope="module")
def sample():
    text = (ROOT / RUBRIC_NAME).read_text(encoding="utf-8")
    rubric = rubricdsl.loads(text, source_name=RUBRIC_NAME)
    data = rubricdsl.read_data(ROOT / "examples" / "yaohai-2021.yaml")
    return rubric.evaluate(data.indicators), data.meta


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_text_report_matches_golden(sample):
    result, meta = sample
    check_golden("yaohai-2021.txt", render_text(result, meta))


def test_json_trace_matches_golden(sample):
    result, meta = sample
    check_golden("yaohai-2021.json", render_json(result, meta) + "\n")


def test_golden_json_item_scores_are_the_hand_worked_ones():
    """An independent read of the golden trace: the item scores worked out by hand."""
    document = json.loads((GOLDEN / "yaohai-2021.json").read_text(encoding="utf-8"))
    by_hand = {
        "1": "5", "2": "2", "3": "2", "4": "2", "5": "3", "6": "2", "7": "2",
        "8": "3", "9": "3", "10": "0", "11": "4",
        "12": "3", "13": "0", "14": "6.5", "15": "4", "16": "2", "17": "2", "18": "5",
        "19": "1", "20": "6", "21": "1.5", "22": "2",
        "23": "2", "24": "2", "25": "3", "26": "3", "27": "2",
        "28": "3", "29": "0", "30": "0",
    }  # fmt: skip
    assert {item["id"]: item["score"] for item in document["items"]} == by_hand
    assert (document["base_raw"], document["base"], document["bonus"]) == ("73", "74.49", "3")


def test_report_orders_losses_largest_first(sample):
    result, meta = sample
    lost_section = render_text(result, meta).split("Points not earned")[1]
    amounts = [line.split()[0] for line in lost_section.splitlines()[1:] if "  item " in line]
    assert amounts == sorted(amounts, key=lambda a: -float(a))


def test_cjk_aware_padding_and_tables():
    assert pad("质量", 6) == "质量  "  # two wide characters take four columns
    assert pad("7", 3, right=True) == "  7"
    assert table([["名称", "分"], ["a", "10"]], numeric=frozenset({1})) == ["名称  分", "a     10"]
    assert shorten("政府工作报告中明确提出", 9) == "政府工作…"
    assert shorten("short", 9) == "short"


# ---- what data and rubric text cannot do to a report ------------------------------------------

UNSAFE_CODES = [
    *range(0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
UNSAFE_BYTES = [chr(c).encode("utf-8") for c in UNSAFE_CODES if c != 0x0A]

HOSTILE_RUBRIC = (
    'rubric "标题\x1b]0;pwned\x07"\nyear 2021\nbase 10\n'
    "indicators { a: bool or na }\n"
    'category "类别\x1b[2J" 10 { item 1 "项目\r\u202e" 10 { 10 when a "措辞\x1b[31m\x85" } }\n'
)
HOSTILE_META = {
    "district": "瑶海区\n\nTotals\n  total  100",
    "t\x1b]0;x\x07": "\u202eevil\u2028",
    "surrogate": "\ud800",
    1: "a number as a key",
    date(2021, 7, 10): "a date as a key",
    "nan": float("nan"),
    "inf": float("-inf"),
    "nested": {"deep": [Decimal("1.5"), date(2022, 1, 1), None, True]},
    "huge": 10**5000,
}


@pytest.fixture(scope="module")
def hostile():
    rubric = rubricdsl.loads(HOSTILE_RUBRIC)
    return rubric.evaluate({"a": {"not_applicable": "理由\x1b[2J\n伪造一行\ud800"}})


def test_text_report_escapes_every_control_and_forges_no_line(hostile):
    report = render_text(hostile, HOSTILE_META).encode("utf-8")  # no lone surrogate left
    for unsafe in UNSAFE_BYTES:
        assert unsafe not in report, unsafe
    lines = report.decode().splitlines()
    assert lines.count("Totals") == 1
    assert lines[1].startswith("district: 瑶海区\\n\\nTotals\\n  total  100  t\\x1b]0;x\\x07: ")
    assert "\\u202eevil\\u2028" in lines[1]
    assert "1: a number as a key  2021-07-10: a date as a key  nan: NaN  inf: -Infinity" in lines[1]
    assert "理由\\x1b[2J\\n伪造一行\\ud800" in report.decode()


def test_json_report_is_strict_and_keeps_every_value(hostile):
    document = render_json(hostile, HOSTILE_META)
    encoded = document.encode("utf-8")
    for unsafe in UNSAFE_BYTES:
        assert unsafe not in encoded, unsafe

    def refuse(constant: str) -> None:
        raise AssertionError(f"bare {constant} in JSON")

    parsed = json.loads(document, parse_constant=refuse)
    assert parsed["meta"] == {
        "district": "瑶海区\n\nTotals\n  total  100",
        "t\x1b]0;x\x07": "\u202eevil\u2028",
        "surrogate": "\ud800",
        "1": "a number as a key",
        "2021-07-10": "a date as a key",
        "nan": "NaN",
        "inf": "-Infinity",
        "nested": {"deep": ["1.5", "2022-01-01", None, True]},
        "huge": "1" + "0" * 5000,  # as text: Python refuses to print an int that long
    }
    rule = parsed["items"][0]["rules"][0]
    assert rule["na_reason"] == "理由\x1b[2J\n伪造一行\ud800"


def test_report_lines_keep_to_their_width_with_long_meta(sample):
    result, _ = sample
    report = render_text(result, {"note": "长" * 10_000})
    assert len(report.splitlines()[1]) < 300


# ---- the trace says why: cuts, clamps, ties, vetoes, deductions (issue 6) ---------------------

TRACE_RUBRIC = """\
rubric "说明"
year 2021
base 4
indicators { a: bool  b: bool  n: number  inc: bool or na }
category "c" 4 {
  item 1 "floor" 2 {
    1 when a "满足得 1 分"
    -2 when b "发生扣 2 分"
    veto when inc "发生重大事故"
  }
  item 2 "cap" 2 cap 1 {
    1 when a "x"
    0.5 per n max 1 "每个 0.5"
  }
  item 3 "tie" 1 {
    highest "h" { 1 when a "first"  1 when b "second" }
  }
}
veto when b and not a "全局否决"
"""


@pytest.fixture(scope="module")
def traced():
    rubric = rubricdsl.loads(TRACE_RUBRIC)
    return rubric.evaluate({"a": True, "b": True, "n": -1.5, "inc": {"not_applicable": "无"}})


def test_a_floor_cut_shows_in_the_detail(traced):
    deduction = traced.item("1").rules[1]
    # item 1: 1 given, 2 deducted → −1, floored at 0: the deduction counts 1 of its 2
    assert (deduction.gave, deduction.status) == (-1, "capped")
    assert deduction.detail == (
        "condition holds: 2 deducted; 1 of it counted, the item being at its floor of 0"
    )


def test_a_negative_value_per_unit_shows_its_clamp(traced):
    per_unit = traced.item("2").rules[1]
    assert per_unit.detail == "-1.5 is below 0, counted as 0 units: 0 × 0.5 = 0"


def test_a_tie_between_tiers_names_the_first_written(traced):
    tiers = traced.item("3").rules[0]
    assert tiers.detail == (
        "highest matching tier: first (1), the first written of 2 matching tiers with 1"
    )


def test_the_report_lists_every_veto_and_splits_deductions_from_points_not_earned(traced):
    report = render_text(traced)
    vetoes = report.split("Vetoes (一票否决): none struck\n")[1].split("\n\n")[0].splitlines()
    assert vetoes == [
        "  n/a         line 9   item 1  发生重大事故  inc=不适用（无）",
        "  not struck  line 19  rubric  全局否决      b=true, a=true",
    ]
    not_earned = report.split("Points not earned")[1].split("Points deducted")[0]
    deducted = report.split("Points deducted")[1]
    # Worked by hand: item 1 reaches only 1 of its 2 (no rule awards the other) and its
    # deduction takes the 1 earned; item 2 is capped at 1 of its declared 2; base 0 + 1 + 1 = 2.
    assert traced.base == 2
    assert "      1  item 1 floor: no rule can award these points (declared 2)" in not_earned
    assert "      1  item 2 cap: its cap of 1 keeps it below its declared 2" in not_earned
    assert "发生扣 2 分" not in not_earned
    assert "      1  item 1 floor, line 8: 发生扣 2 分" in deducted
    assert "(its cap of 1 keeps it below its declared 2: 1 out of reach)" in report


def test_a_base_whose_every_point_is_not_applicable_is_0_and_says_why():
    text = """\
rubric "全部缺项"
year 2021
base 4
bonus 1
indicators { schools: count or na  award: bool }
category "c" 4 { item 1 "学校" 4 { 4 when schools >= 1 "辖区学校" } }
bonus category "加分" 1 { item 2 "奖" 1 { 1 when award "获奖" } }
"""
    result = rubricdsl.loads(text).evaluate(
        {"schools": {"not_applicable": "辖区无学校"}, "award": True}
    )
    assert (result.na_points, result.base_raw, result.base, result.bonus, result.total) == (
        4,
        0,
        0,
        1,
        1,
    )
    report = render_text(result)
    assert "every base point is 合理缺项: nothing to assess or prorate" in report


# ---- one meaning for "of"; long titles and values wrap (issue 6) ------------------------------

WRAP_RUBRIC = """\
rubric "换行"
year 2021
base 12
indicators { a: bool  b: bool  n: count  s: series(12) }
category "类别" 12 {
  item 1 "基础分与扣分" 4 {
    3 always "基础分 3 分"
    -1 when b "发生扣 1 分"
    -0.5 per n max 1 "每起扣 0.5 分，最多扣 1 分"
    1 when a "满足加 1 分"
  }
  item 2 "贯彻落实《中共安徽省委安徽省人民政府关于开展质量提升行动加快建设质量强省的实施意见》" 6 {
    6 when a and last(s) > 1 "持续改进"
  }
  item 3 "Quality promotion campaigns for small and medium enterprises everywhere" 2 {
    2 when a "x"
  }
}
"""


@pytest.fixture(scope="module")
def wrapped():
    rubric = rubricdsl.loads(WRAP_RUBRIC)
    series = [1001 + k for k in range(12)]
    result = rubric.evaluate({"a": True, "b": True, "n": 3, "s": series})
    return render_text(result).split("\n\n")[1:4]


def test_of_is_the_most_a_rule_can_add_and_deductions_show_what_they_take(wrapped):
    # Worked by hand: 3 always, −1 for b, 3 units × −0.5 = −1.5 limited to −1, +1 for a:
    # 3 − 1 − 1 + 1 = 2 of 4. "of" is each rule's reach (0 for both deductions); "deducts"
    # holds what a deduction takes as written: 1, and 0.5 per unit.
    assert wrapped[0].splitlines() == [
        "item 1  基础分与扣分   (类别)" + " " * 35 + "  2 / 4",
        "         gave  of       deducts  rule                        values",
        "    met     3   3                基础分 3 分",
        "    met    -1   0             1  发生扣 1 分                 b=true",
        "    met    -1   0  0.5 per unit  每起扣 0.5 分，最多扣 1 分  n=3",
        "    met     1   1                满足加 1 分                 a=true",
    ]


def test_an_item_without_deductions_keeps_gave_and_of_only(wrapped):
    assert wrapped[2].splitlines()[2] == "         gave  of  rule  values"


def test_a_long_title_wraps_under_itself_and_keeps_the_score_in_line(wrapped):
    # "item 2  " and 28 wide characters fill the 64 columns; the rest goes under the title.
    cjk = wrapped[1].splitlines()
    assert cjk[:2] == [
        "item 2  贯彻落实《中共安徽省委安徽省人民政府关于开展质量提升行动  6 / 6",
        "        加快建设质量强省的实施意见》   (类别)",
    ]
    latin = wrapped[2].splitlines()
    assert latin[:2] == [
        "item 3  Quality promotion campaigns for small and medium" + " " * 8 + "  2 / 2",
        "        enterprises everywhere   (类别)",
    ]
    # the scores stand in one column: 64 display columns of heading, then two spaces
    first_lines = [block.splitlines()[0] for block in wrapped]
    assert {display_width(line.rsplit("  ", 1)[0]) for line in first_lines} == {64}


def test_a_long_values_cell_continues_under_the_values_column(wrapped):
    # "a=true, s=[1001, …, 1008," is 58 columns; " 1009," would make it 64, past 60.
    lines = wrapped[1].splitlines()[2:]
    assert lines == [
        "         gave  of  rule      values",
        "    met     6   6  持续改进  a=true, s=[1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008,",
        " " * 29 + "1009, 1010, 1011, 1012]",
    ]
    assert display_width("    met     6   6  持续改进  ") == 29


def test_wrap_breaks_at_spaces_and_wide_characters_never_before_closing_punctuation():
    assert wrap("a  b", 4) == ["a  b"]  # what fits comes back unchanged
    assert wrap("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]
    assert wrap("质量强县工作方案", 6, "  ") == ["质量强", "  县工", "  作方", "  案"]
    assert wrap("质量县。", 6) == ["质量", "县。"]  # not "质量县" then "。"
    assert wrap("质量《县》", 6) == ["质量", "《县》"]  # not "质量《" then "县》"
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # a word wider than a line is cut
    assert wrap("ab cdefgh", 5, "  ") == ["ab", "  cde", "  fgh"]


def test_table_wraps_a_column_and_leaves_the_others_blank_below():
    rows = [["名称", "值"], ["甲", "一二三 四五"]]
    assert table(rows, wrapped={1: 6}) == ["名称  值", "甲    一二三", "      四五"]
