"""The officials' language: reports and messages about the data in Chinese (zh) and English (en),
chosen with --lang or by the locale.

(a) A Chinese report holds no English word of its own: once what comes from the files is taken
out (indicator names, true/false, the data's meta, the plan's text, paths, numbers, dates, the
HTML's markup), no English word is left; the same check finds plenty in the English report.
(b) Messages about the data are in Chinese under `speaking("zh")` and with `--lang zh`, and in
English, as they always were, by default. (c) The locale chooses the language; --lang wins."""

from __future__ import annotations

import html.parser
import io
import re
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pytest
import yaml

import rubricdsl
from rubricdsl import DataFileError, IndicatorError
from rubricdsl.cli import main
from rubricdsl.i18n import default_language, language, speaking, spoken, translator
from rubricdsl.plan import PlanError, parse_plan
from rubricdsl.render import detail_words, grade_reason_words, render_text
from rubricdsl.workbook import META_FIELDS, build_template, read_workbook

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = "rubrics/2020/anhui-quality-county.rubric"
SIX_ONES = "rubrics/2020/anhui-six-ones.rubric"
SAMPLE = "examples/yaohai-2021.yaml"
PLAN = "examples/yaohai/plan.yaml"
DATA = "examples/yaohai/data-2021.yaml"
STATUS = ["status", "--plan", PLAN, "--data", DATA, SIX_ONES, RUBRIC, "--as-of", "2022-01-15"]
GAPS = ["gaps", RUBRIC, SAMPLE]
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# Names of things, not words of a sentence: the tools the workbook is filled in with.
PRODUCTS = {"Excel", "WPS"}


@pytest.fixture(autouse=True)
def no_locale(monkeypatch):
    """Every test starts with no locale set: the default is English unless a test says so."""
    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---- (a) no English label in a Chinese report ---------------------------------------------------


def strings(value: object) -> Iterable[str]:
    """Every key and scalar of a parsed YAML document, as text."""
    if isinstance(value, dict):
        for key, element in value.items():
            yield str(key)
            yield from strings(element)
    elif isinstance(value, list):
        for element in value:
            yield from strings(element)
    elif value is not None:
        yield str(value)


@pytest.fixture(scope="module")
def from_files() -> list[str]:
    """What a report shows from the files rather than in its own words: the indicators' names
    and levels, everything in the data files and the plan (meta, evidence, reasons, units,
    phases), the files' paths, and true/false. Longest first, so a name goes before a part."""
    found = {"true", "false", RUBRIC, SIX_ONES, SAMPLE, PLAN, DATA}
    for path in (RUBRIC, SIX_ONES):
        rubric = rubricdsl.load(ROOT / path)
        found |= set(rubric.indicators)
        found |= {level for spec in rubric.indicators.values() for level in spec.levels}
    for path in (SAMPLE, DATA, PLAN):
        found |= set(strings(yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))))
    return sorted(found, key=len, reverse=True)


class _Text(html.parser.HTMLParser):
    """What a reader sees of a page: its text and tooltips, not its tags, attributes or CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self.hidden += 1
        self.parts += [value for name, value in attrs if name in ("title", "alt") and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def page_text(page: str) -> str:
    reader = _Text()
    reader.feed(page)
    return "\n".join(reader.parts)


def english_words(text: str, from_files: Iterable[str]) -> set[str]:
    """The English words of a report once what comes from the files is taken out."""
    text = re.sub(r"\\(.)", r"\1", text)  # Markdown's escapes: cqo\_trained\_pct
    text = re.sub(r"`[^`]*`", " ", text)  # a command to type: `rubricdsl check`
    text = re.sub(r"\brubricdsl [a-z]+( [A-Z][\w.]*)*", " ", text)  # rubricdsl score RUBRIC …
    for part in from_files:
        text = re.sub(rf"(?<![\w.]){re.escape(part)}(?![\w.])", " ", text)
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", " ", text)
    return set(re.findall(r"[A-Za-z]+", text)) - PRODUCTS - {"rubricdsl"}


def yaohai_result():
    rubric = rubricdsl.load(ROOT / RUBRIC)
    data = rubricdsl.read_data(ROOT / SAMPLE)
    return rubric.evaluate(data.indicators, data.not_applicable), data.meta


def test_the_check_finds_the_english_report_english(from_files):
    result, meta = yaohai_result()
    words = english_words(render_text(result, meta), from_files)
    assert {"item", "gave", "rule", "values", "met", "Totals", "total", "condition"} <= words
    # and the names from the files are gone, not counted as English
    assert not words & {"cqo_trained_pct", "cqo", "fictitious", "true", "district"}


def test_the_chinese_score_report_has_no_english_label(from_files):
    result, meta = yaohai_result()
    text = render_text(result, meta, lang="zh")
    assert english_words(text, from_files) == set()
    assert "第13项  首席质量官" in text
    assert "得分汇总" in text
    assert "cqo_trained_pct=96.5（条件不成立）" in text


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_chinese_status_has_no_english_label(capsys, from_files, fmt):
    code, en, _ = run(capsys, *STATUS, "--format", fmt, "--lang", "en")
    assert code == 0
    code, zh, err = run(capsys, *STATUS, "--format", fmt, "--lang", "zh")
    assert (code, err) == (0, "")
    if fmt == "html":
        en, zh = page_text(en), page_text(zh)
    assert {"overdue", "open", "task"} <= {word.lower() for word in english_words(en, from_files)}
    assert english_words(zh, from_files) == set()
    assert "逾期" in zh
    assert "责任单位" in zh


def test_the_chinese_gaps_have_no_english_label(capsys, from_files):
    code, en, _ = run(capsys, *GAPS, "--lang", "en")
    assert code == 0
    assert {"Score", "now", "condition", "needs"} <= english_words(en, from_files)
    code, zh, err = run(capsys, *GAPS, "--lang", "zh")
    assert (code, err) == (0, "")
    assert english_words(zh, from_files) == set()
    assert "当前得分：77.49（基本分 74.49，加分 3）。" in zh


def workbook_text(lang: str) -> str:
    """The sheets' names and every cell a person reads (the hidden sheet is not for people)."""
    rubrics = [rubricdsl.load(ROOT / path) for path in (RUBRIC, SIX_ONES)]
    book = openpyxl.load_workbook(io.BytesIO(build_template(rubrics, lang).data))
    lines = [name for name in book.sheetnames if name != "rubricdsl"]
    for sheet in book.worksheets:
        if sheet.sheet_state == "visible":
            lines += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
    return "\n".join(lines)


def test_the_chinese_workbook_has_no_english_label(from_files):
    # the rubrics' file names, and the keys the district's details are read back as (meta)
    stems = ["anhui-quality-county", "anhui-six-ones", *(key for key, _ in META_FIELDS)]
    english = english_words(workbook_text("en"), [*stems, *from_files])
    assert {"Indicator", "Value", "Instructions", "item", "task"} <= english
    chinese = workbook_text("zh")
    assert english_words(chinese, [*stems, *from_files]) == set()
    assert "指标\n指标说明\n类型\n数值" in chinese
    assert "anhui-quality-county: 第13项, anhui-six-ones: 任务 18" in chinese


# The forms of a rule's detail (evaltree.py writes them), with a tier's wording and a 合理缺项
# reason from the rubric and the data (kept as written).
DETAILS = {
    "condition does not hold": "条件不成立",
    "condition holds: 2 given": "条件成立：得 2 分",
    "condition holds: 1.5 deducted": "条件成立：扣 1.5 分",
    "always: 10 given": "始终：得 10 分",
    "no tier matches": "无满足的档次",
    "highest matching tier: 省级 (2)": "满足的最高档：省级（2 分）",
    "most severe matching tier: 低于 80 (2 deducted)": "满足的最重扣分档：低于 80（扣 2 分）",
    "highest matching tier: 省级 (2), the first written of 2 matching tiers with 2": (
        "满足的最高档：省级（2 分），为 2 个同为 2 分的满足档次中最先列出的一个"
    ),
    "4 × 1 = 4, limited to 3": "4 × 1 = 4，以 3 分为限",
    "15 / 10 × 1 = 1.5 (exact, half-up to 2 places)": (
        "15 / 10 × 1 = 1.5（精确计算，四舍五入保留 2 位小数）"
    ),
    "excess 115 − 110 = 5: 5 × -0.1 = -0.5": "超出 115 − 110 = 5：5 × -0.1 = -0.5",
    "shortfall 98 − 96.5 = 1.5: 2 × -1 = -2 (a partial unit counts as one)": (
        "差额 98 − 96.5 = 1.5：2 × -1 = -2（不足一个单位按一个计）"
    ),
    "-3 is below 0, counted as 0 units: 0 × 1 = 0": "-3 小于 0，按 0 个单位计：0 × 1 = 0",
    "120 counted as 100: 5 × 100 / 100 = 5 (half-up to 2 places)": (
        "120 按 100 计：5 × 100 / 100 = 5（四舍五入保留 2 位小数）"
    ),
    "not done 100 − 90 = 10: 2 × 10 / 100 = 0.2 deducted": (
        "未完成 100 − 90 = 10：2 × 10 / 100 = 扣 0.2 分"
    ),
    "the target is 0: no share of it to count": "目标值为 0：无可计算的比例",
    "condition holds: 2 given; 1 of it counted, the item being at its maximum of 3": (
        "条件成立：得 2 分；计入 1 分，该项已达满分 3 分"
    ),
    "condition holds: 2 deducted; 1 of it counted, the category's score being at 0": (
        "条件成立：扣 2 分；计入 1 分，该类别得分已减至 0 分"
    ),
    "overridden on site: 1.5 given (computed: condition does not hold)": (
        "现场评审核定：得 1.5 分（计算结果：条件不成立）"
    ),
    "the item is not applicable: 辖区无进口冷链食品经营企业": (
        "该项目不适用：辖区无进口冷链食品经营企业"
    ),
    "区域无法定计量检定机构": "区域无法定计量检定机构",  # the reasons alone: data
}


@pytest.mark.parametrize(("english", "chinese"), DETAILS.items())
def test_a_rules_detail_in_both_languages(english, chinese):
    assert detail_words(english, translator("en")) == english
    assert detail_words(english, translator("zh")) == chinese


def test_a_grades_reasons_in_both_languages():
    reasons = {
        "total 77.49 >= 75: 良好": "总分 77.49 >= 75：良好",
        "base 40: below every band": "基本分 40：低于所有等次",
        'veto line 30 (发生重大事故), at most "合格": 良好 → 合格': (
            "第30行一票否决（发生重大事故），最高为“合格”：良好 → 合格"
        ),
    }
    for english, chinese in reasons.items():
        assert grade_reason_words(english, translator("en")) == english
        assert grade_reason_words(english, translator("zh")) == chinese


# ---- (b) messages about the data -----------------------------------------------------------------


def yaohai_indicators() -> dict[str, object]:
    """The sample's indicators as YAML reads them (floats, lists, {not_applicable: …})."""
    document = yaml.safe_load((ROOT / SAMPLE).read_text(encoding="utf-8"))
    return dict(document["indicators"])


def evaluate(indicators: dict[str, object]) -> str:
    with pytest.raises(IndicatorError) as raised:
        rubricdsl.load(ROOT / RUBRIC).evaluate(indicators)
    return str(raised.value)


def missing() -> dict[str, object]:
    indicators = yaohai_indicators()
    del indicators["committee_meetings_per_year"]
    return indicators


def misspelt() -> dict[str, object]:
    indicators = yaohai_indicators()
    indicators["committee_meeting_per_year"] = 2
    return indicators


def text_in_a_count() -> dict[str, object]:
    indicators = yaohai_indicators()
    indicators["committee_meetings_per_year"] = "十二"
    return indicators


INDICATOR_CASES = [
    (
        missing,
        "indicator data has 1 problem:\n  - committee_meetings_per_year: missing (a count)",
        "指标数据有 1 处问题：\n  - committee_meetings_per_year: 缺失（应为计数）",
    ),
    (
        misspelt,
        "indicator data has 1 problem:\n  - committee_meeting_per_year: unknown indicator; "
        "did you mean 'committee_meetings_per_year'?",
        "指标数据有 1 处问题：\n  - committee_meeting_per_year: 未知指标；"
        "是否应为“committee_meetings_per_year”？",
    ),
    (
        text_in_a_count,
        "indicator data has 1 problem:\n"
        "  - committee_meetings_per_year: '十二' is text, not a count",
        "指标数据有 1 处问题：\n  - committee_meetings_per_year: '十二' 是文本，不是计数",
    ),
]


@pytest.mark.parametrize(("indicators", "english", "chinese"), INDICATOR_CASES)
def test_messages_about_indicators(indicators, english, chinese):
    assert evaluate(indicators()) == english  # a library caller gets English
    with speaking("zh"):
        assert evaluate(indicators()) == chinese
    with speaking("en"):
        assert evaluate(indicators()) == english


def test_spoken_is_the_language_of_the_innermost_speaking_block():
    assert spoken() == "en"  # a library caller's, unless it chooses
    with speaking("zh"):
        assert spoken() == "zh"
        with speaking("en"):
            assert spoken() == "en"
        assert spoken() == "zh"
    assert spoken() == "en"


@pytest.mark.parametrize(("indicators", "english", "chinese"), INDICATOR_CASES)
def test_messages_about_indicators_on_the_command_line(
    capsys, tmp_path, indicators, english, chinese
):
    data = tmp_path / "data.yaml"
    data.write_text(yaml.safe_dump({"indicators": indicators()}, allow_unicode=True), "utf-8")
    assert run(capsys, "score", RUBRIC, str(data)) == (1, "", f"rubricdsl: {english}\n")
    assert run(capsys, "score", RUBRIC, str(data), "--lang", "zh") == (
        1,
        "",
        f"rubricdsl: {chinese}\n",
    )


@pytest.fixture
def bad_workbook(tmp_path) -> Path:
    """A Chinese workbook of the Yaohai data, with 十二 typed for the committee's meetings."""
    path = tmp_path / "瑶海.xlsx"
    path.write_bytes(build_template([rubricdsl.load(ROOT / RUBRIC)], "zh").data)
    book = openpyxl.load_workbook(path)
    sheet = book["数据"]
    row = {cell.value: cell.row for cell in sheet["A"]}
    for name, value in yaohai_indicators().items():
        if isinstance(value, dict):
            sheet.cell(row[name], 7).value = value["not_applicable"]
        elif isinstance(value, bool):
            sheet.cell(row[name], 4).value = "是" if value else "否"
        elif isinstance(value, list):
            sheet.cell(row[name], 4).value = ", ".join(str(v) for v in value)
        else:
            sheet.cell(row[name], 4).value = value
    assert row["committee_meetings_per_year"] == 4
    sheet["D4"] = "十二"
    book.save(path)
    return path


def test_a_bad_workbook_cell(capsys, bad_workbook):
    # the sheet is named in the workbook's language; the message in the one being spoken
    english = f"{bad_workbook}: 数据!D4: committee_meetings_per_year: '十二' is text, not a count"
    chinese = f"{bad_workbook}: 数据!D4: committee_meetings_per_year: '十二' 是文本，不是计数"
    for lang, expected in (("en", english), ("zh", chinese)):
        with speaking(lang), pytest.raises(DataFileError) as raised:
            read_workbook(bad_workbook)
        assert str(raised.value) == expected
    assert run(capsys, "score", RUBRIC, str(bad_workbook)) == (1, "", f"rubricdsl: {english}\n")
    assert run(capsys, "score", RUBRIC, str(bad_workbook), "--lang", "zh") == (
        1,
        "",
        f"rubricdsl: {chinese}\n",
    )


TITLE = "安徽省质量强县（市、区）创建验收现场评审评分表（2020 年版）"
# Line 9, column 19: the deadline's value, after eight spaces and "deadline: ".
A_PLAN = f"""phases:
  - name: 制定方案
    until: 2021-07-10
rubrics:
  "{TITLE}":
    items:
      "3":
        units: 区市场监管局
        deadline: 2021年13月45日
"""


def test_a_plan_deadline_that_is_not_a_date(capsys, tmp_path):
    english = (
        "plan.yaml:9:19: error: item 3's deadline '2021年13月45日' is not a date "
        "(write it 2021-07-10)"
    )
    chinese = "plan.yaml:9:19: 错误: 第3项的完成时限“2021年13月45日”不是日期（请写成 2021-07-10）"
    rubric = rubricdsl.load(ROOT / RUBRIC)
    for lang, expected in (("en", english), ("zh", chinese)):
        with speaking(lang), pytest.raises(PlanError) as raised:
            parse_plan(A_PLAN, "plan.yaml", [rubric])
        assert str(raised.value) == expected
    plan = tmp_path / "plan.yaml"
    plan.write_text(A_PLAN, encoding="utf-8")
    command = ["status", "--plan", str(plan), "--data", SAMPLE, RUBRIC, "--as-of", "2022-01-15"]
    place = str(plan)
    assert run(capsys, *command) == (1, "", f"rubricdsl: {place}{english[len('plan.yaml') :]}\n")
    assert run(capsys, *command, "--lang", "zh") == (
        1,
        "",
        f"rubricdsl: {place}{chinese[len('plan.yaml') :]}\n",
    )


def test_a_file_that_is_not_there(capsys, tmp_path):
    gone = tmp_path / "gone.yaml"
    assert run(capsys, "score", RUBRIC, str(gone), "--lang", "zh") == (
        1,
        "",
        f"rubricdsl: {gone}：找不到该数据文件\n",
    )
    assert run(capsys, "score", RUBRIC, str(gone)) == (
        1,
        "",
        f"rubricdsl: {gone}: no such data file\n",
    )


def test_the_rubrics_compile_errors_stay_english(capsys, tmp_path):
    rubric = tmp_path / "bad.rubric"
    rubric.write_text('rubric "x"\nyear 2021\nbase 2\ncategory "c" 2 {\n', encoding="utf-8")
    code, out, err = run(capsys, "score", str(rubric), SAMPLE, "--lang", "zh")
    assert (code, out) == (1, "")
    assert "error" in err
    assert not re.search(r"[\u4e00-\u9fff]", err.replace("合理缺项", ""))


# ---- (c) the language: the locale's, or --lang -------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_US:zh_CN"}, "en"),
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "zh_CN:en_US"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LANGUAGE": ""}, "zh"),  # set but empty: the next one counts
    ],
)
def test_the_locale_chooses(environment, expected):
    assert default_language(environment) == expected


def test_lang_wins_over_the_locale(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert language(None) == "zh"
    assert language("en") == "en"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert language("zh") == "zh"
    with pytest.raises(ValueError, match="unknown language"):
        language("fr")


def test_the_yaohai_status_is_chinese_under_a_chinese_locale(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, out, err = run(capsys, *STATUS)
    assert (code, err) == (0, "")
    assert out.startswith("瑶海区：截至 2022-01-15 的工作进度\n")
    code, out, _ = run(capsys, *STATUS, "--lang", "en")
    assert out.startswith("瑶海区: status as of 2022-01-15\n")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, _ = run(capsys, *STATUS)
    assert out.startswith("瑶海区: status as of 2022-01-15\n")
    code, out, _ = run(capsys, *STATUS, "--lang", "zh")
    assert out.startswith("瑶海区：截至 2022-01-15 的工作进度\n")


def test_messages_about_the_data_follow_the_locale(capsys, monkeypatch, tmp_path):
    data = tmp_path / "data.yaml"
    data.write_text(yaml.safe_dump({"indicators": missing()}, allow_unicode=True), "utf-8")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    chinese = "指标数据有 1 处问题：\n  - committee_meetings_per_year: 缺失（应为计数）"
    assert run(capsys, "score", RUBRIC, str(data)) == (1, "", f"rubricdsl: {chinese}\n")
    _code, _out, err = run(capsys, "score", RUBRIC, str(data), "--lang", "en")
    assert err.startswith("rubricdsl: indicator data has 1 problem:\n")
