"""Fill-in workbooks: `template` writes one, a script fills it in, `score` reads it back and
scores it exactly as the same values in YAML; a damaged workbook names its sheet and cell."""

import io
import os
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest

import rubricdsl
from rubricdsl import DataFileError, Limits
from rubricdsl.cli import main
from rubricdsl.i18n import translator
from rubricdsl.readers import merged_readers, places, readers
from rubricdsl.source import Span
from rubricdsl.workbook import (
    DATA_COLUMNS,
    MANIFEST_SHEET,
    META_COLUMNS,
    REPORTED_COLUMNS,
    SHEET_DATA,
    SHEET_INSTRUCTIONS,
    SHEET_META,
    SHEET_REPORTED,
    build_template,
    read_workbook,
    sheet_name,
)

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
SAMPLE = str(ROOT / "examples" / "yaohai-2021.yaml")
FOOD = str(ROOT / "examples" / "rubrics" / "county-food-safety.rubric")
FOOD_SAMPLE = str(ROOT / "examples" / "rubrics" / "county-food-safety-2021.yaml")


@pytest.fixture(scope="module")
def rubric():
    return rubricdsl.load(RUBRIC)


@pytest.fixture(scope="module")
def food():
    return rubricdsl.load(FOOD)


@pytest.fixture(scope="module")
def sample():
    return rubricdsl.read_data(SAMPLE)


@pytest.fixture(scope="module")
def food_sample():
    return rubricdsl.read_data(FOOD_SAMPLE)


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ---- filling a template in, as a department's script would ------------------------------------


def header_columns(sheet, columns, lang):
    """The template's columns by key, found by their header text as a script would."""
    _ = translator(lang)
    by_text = {cell.value: cell.column for cell in sheet[1] if cell.value}
    return {column.key: by_text[_(column.header)] for column in columns}


def fill(
    path,
    values,
    lang="en",
    *,
    reported=None,
    evidence=None,
    meta=None,
    bool_words=True,
):
    """Fill the template at `path` with a YAML file's values (its not-applicable ones given as
    reasons), 合理缺项 reports, evidence and details."""
    _ = translator(lang)
    book = openpyxl.load_workbook(path)
    sheet = book[sheet_name(_(SHEET_DATA))]
    column = header_columns(sheet, DATA_COLUMNS, lang)
    for row in range(2, sheet.max_row + 1):
        name = sheet.cell(row, column["name"]).value
        value = values[name]
        if isinstance(value, dict):
            sheet.cell(row, column["reason"]).value = value["not_applicable"]
        elif isinstance(value, bool):
            word = _("yes") if value else _("no")
            sheet.cell(row, column["value"]).value = word if bool_words else value
        elif isinstance(value, list):
            sheet.cell(row, column["value"]).value = ", ".join(str(v) for v in value)
        else:
            sheet.cell(row, column["value"]).value = value
        if evidence and name in evidence:
            sheet.cell(row, column["evidence"]).value = evidence[name]
    if reported:
        table = book[sheet_name(_(SHEET_REPORTED))]
        at = header_columns(table, REPORTED_COLUMNS, lang)
        for row in range(2, table.max_row + 1):
            name = table.cell(row, at["name"]).value
            if name in reported:
                table.cell(row, at["reason"]).value = reported[name]
    if meta:
        details = book[sheet_name(_(SHEET_META))]
        at = header_columns(details, META_COLUMNS, lang)
        for row in range(2, details.max_row + 1):
            key = details.cell(row, at["key"]).value
            if key in meta:
                details.cell(row, at["value"]).value = meta[key]
    book.save(path)


@pytest.fixture(scope="module")
def template_2020(rubric):
    return build_template([rubric], "en").data


@pytest.fixture(scope="module")
def filled_2020(template_2020, sample, tmp_path_factory):
    """The 2020 template filled in with the Yaohai sample's values: its bytes."""
    path = tmp_path_factory.mktemp("filled") / "yaohai.xlsx"
    path.write_bytes(template_2020)
    fill(path, sample.indicators, meta={"district": "瑶海区", "year": 2021})
    return path.read_bytes()


@pytest.fixture
def workbook(filled_2020, tmp_path):
    path = tmp_path / "yaohai.xlsx"
    path.write_bytes(filled_2020)
    return path


def damage(path, change):
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)


# ---- which places read each indicator ---------------------------------------------------------


def test_readers_of_the_2020_table(rubric):
    read = readers(rubric)
    assert len(read) == 73  # every declared indicator, each once
    assert read["committee_meetings_per_year"] == ("item 1",)
    assert read["annual_report_rate_pct"] == ("item 23",)
    assert read["province_annual_report_rate_pct"] == ("item 23",)
    assert read["construction_complaint_rate"] == ("item 17",)
    assert read["national_meeting_exchange"] == ("item 28",)


def test_readers_of_every_kind_of_place_in_written_order(food):
    read = readers(food)
    # the top-level require (line 34), the category's (37), item 一.1's rule (41)
    assert read["leading_group"] == ("requirement", "category '组织领导'", "item 一.1")
    assert read["budget_wan"] == ("category '组织领导'", "item 一.2")
    assert read["complaints"] == ("item （二）2", "item 二.3", "item 三.1")
    assert read["target_pass_rate"] == ("item （二）2",)  # a `below` target
    assert read["schools"] == ("item 二.4",)  # its `na when`
    assert read["upheld_complaints"] == ("category '监管成效'",)  # the category's deductions
    assert read["cold_chain_firms"] == ("category '进口冷链食品'",)
    assert read["cold_stores"] == ("group '冷库'",)
    assert read["food_poisoning"] == ("deduction",)  # deductions from the total
    assert read["major_incident"] == ("veto",)
    assert read["callout"] == ("veto",)


def test_readers_find_a_node_kind_added_later_such_as_a_task():
    @attrs.frozen
    class Task:  # the campaign's `task 3 "…" { require … }`, not yet in ast.py
        id: str
        title: str
        requirements: tuple

    @attrs.frozen
    class File:
        tasks: tuple
        vetoes: tuple

    def ref(name, line):
        return rubricdsl.ast.Reference(name, Span.point(line, 5))

    requirement = rubricdsl.ast.Requirement(
        rubricdsl.ast.Flag(ref("plan_done", 3), Span.point(3, 5)), "方案", Span.point(3, 1)
    )
    veto = rubricdsl.ast.Veto(
        rubricdsl.ast.Flag(ref("plan_done", 9), Span.point(9, 5)), "否决", Span.point(9, 1)
    )
    tree = File(tasks=(Task("3", "制定方案", (requirement,)),), vetoes=(veto,))
    assert places(tree) == {"plan_done": ("task 3", "veto")}


def test_readers_over_two_rubrics_name_the_rubric(rubric, food):
    read = merged_readers([rubric, food])
    assert len(read) == 73 + 23
    assert read["committee_meetings_per_year"] == ("anhui-quality-county: item 1",)
    assert read["callout"] == ("county-food-safety: veto",)


# ---- the template ------------------------------------------------------------------------------


def test_template_layout(template_2020, rubric):
    book = openpyxl.load_workbook(io.BytesIO(template_2020))
    assert book.sheetnames == ["Instructions", "Data", "Details", MANIFEST_SHEET]
    assert book[MANIFEST_SHEET].sheet_state == "veryHidden"
    assert book.active.title == "Data"
    data = book["Data"]
    assert [cell.value for cell in data[1]] == [
        "Indicator",
        "Label",
        "Type",
        "Value",
        "Unit",
        "Allowed values",
        "Reason it is not applicable (合理缺项)",
        "Evidence (document numbers, file names, links)",
        "Read by",
    ]
    assert data.max_row == 1 + 73
    assert data.freeze_panes == "C2"
    assert data.protection.sheet
    row = {cell.value: cell.row for cell in data["A"]}
    # item 10's metrologists: a count or na, read by item 10
    metrologists = row["registered_metrologists"]
    assert data[f"B{metrologists}"].value == "本级法定计量检定机构注册计量师人数"
    assert data[f"C{metrologists}"].value == "count"
    assert data[f"I{metrologists}"].value == "item 10"
    assert not data[f"G{metrologists}"].protection.locked  # a reason may be given
    budget = row["metrology_budget_wan"]
    assert data[f"E{budget}"].value == "万元"
    # a bool indicator cannot be not applicable: its reason cell is locked
    dual_lead = row["quality_committee_dual_lead"]
    assert data[f"G{dual_lead}"].protection.locked
    assert not data[f"D{dual_lead}"].protection.locked
    series = row["construction_complaint_rate"]
    assert data[f"D{series}"].number_format == "@"  # text, so "3.1, 2.7, 2.9" stays as typed
    validations = {str(v.sqref): v for v in data.data_validations.dataValidation}
    rules = {
        (v.type, v.operator, v.formula1, v.formula2)
        for ref, v in validations.items()
        if f"D{metrologists}" in ref.split()
    }
    assert rules == {("whole", "between", "0", "999999999999999")}
    percents = [v for v in validations.values() if v.formula2 == "100"]
    assert percents and percents[0].type == "decimal"
    bools = [v for v in validations.values() if v.type == "list"]
    assert bools[0].formula1 == '"yes,no"'


def test_template_of_two_rubrics_lists_what_may_be_reported(rubric, food):
    template = build_template([rubric, food], "en")
    assert template.indicators == 96
    assert template.sheets == ("Instructions", "Data", "Not applicable", "Details")
    book = openpyxl.load_workbook(io.BytesIO(template.data))
    reported = book["Not applicable"]
    assert [c.value for c in reported[1]] == [
        "Item, group or category",
        "Where",
        "The rubric says",
        "Reason it is not applicable (合理缺项)",
    ]
    assert reported["A2"].value == "抽检"
    assert reported["B2"].value == "county-food-safety.rubric: group"
    assert reported["C2"].value == "本年度未下达抽检任务的，作合理缺项"
    award = next(row for row in book["Data"].iter_rows(min_row=2) if row[0].value == "award")
    assert award[5].value == "national (国家级), provincial (省级), none (无)"


def test_template_refuses_rubrics_that_disagree(rubric, tmp_path):
    other = tmp_path / "other.rubric"
    other.write_text(
        'rubric "x"\nyear 2021\nbase 10\nindicators { national_qc_centers: percent }\n'
        'category "c" 10 { item 1 "i" 10 { 10 when national_qc_centers >= 1 "t" } }\n',
        encoding="utf-8",
    )
    with pytest.raises(rubricdsl.RubricError, match="national_qc_centers is declared a percent"):
        build_template([rubric, rubricdsl.load(other)], "en")


# ---- filled in, read back, scored as the YAML is ----------------------------------------------


@pytest.mark.parametrize(("lang", "bool_words"), [("en", True), ("zh", False)])
def test_a_filled_in_workbook_scores_exactly_as_the_yaml(
    rubric, sample, tmp_path, lang, bool_words
):
    path = tmp_path / "yaohai.xlsx"
    path.write_bytes(build_template([rubric], lang).data)
    fill(path, sample.indicators, lang, bool_words=bool_words)
    data = read_workbook(path)
    assert data.indicators["registered_metrologists"] == {
        "not_applicable": "区域无法定计量检定机构"
    }
    assert data.indicators["construction_complaint_rate"] == [
        Decimal("3.1"),
        Decimal("2.7"),
        Decimal("2.9"),
    ]
    from_yaml = rubric.evaluate(sample.indicators)
    from_workbook = rubric.evaluate(data.indicators)
    assert from_workbook.to_dict() == from_yaml.to_dict()
    # worked by hand in test_cli: 73 × 100 / 98 = 74.489… → 74.49, bonus 3
    assert from_workbook.total == Decimal("77.49")


def test_not_applicable_reports_evidence_and_details_read_back(food, food_sample, tmp_path):
    path = tmp_path / "county.xlsx"
    path.write_bytes(build_template([food], "en").data)
    evidence = {
        "meetings": "县食安委〔2021〕3号\n会议纪要.pdf",
        "budget_wan": "https://example.gov.cn/budget；预算批复",
    }
    reason = "本年度未下达抽检任务（经市局核实）"
    fill(
        path,
        food_sample.indicators,
        reported={"抽检": reason},
        evidence=evidence,
        meta={"district": "示例县", "year": 2021, "date": datetime(2022, 1, 15)},
    )
    data = read_workbook(path)
    assert data.not_applicable == {"抽检": reason}
    assert data.evidence == {
        "meetings": ("县食安委〔2021〕3号", "会议纪要.pdf"),
        "budget_wan": ("https://example.gov.cn/budget", "预算批复"),
    }
    assert data.meta == {"district": "示例县", "year": 2021, "date": datetime(2022, 1, 15).date()}
    from_yaml = food.evaluate(food_sample.indicators, {"抽检": reason})
    from_workbook = food.evaluate(data.indicators, data.not_applicable)
    assert from_workbook.to_dict() == from_yaml.to_dict()
    assert from_workbook.item("（二）1").na_reason == reason


def test_score_reads_a_workbook(capsys, workbook):
    code, out, err = run(capsys, "score", RUBRIC, workbook)
    assert (code, err) == (0, "")
    assert "total             77.49" in out
    assert "瑶海区" in out


def test_a_reordered_sheet_with_a_title_row_still_reads(rubric, sample, workbook):
    def reorder(book):
        sheet = book["Data"]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        sheet.delete_rows(1, sheet.max_row)
        sheet.cell(1, 1).value = "瑶海区 2021 年数据"  # a title above the header
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(reversed(row), start=1):
                sheet.cell(number, column).value = value

    damage(workbook, reorder)
    data = read_workbook(workbook)
    expected = rubric.evaluate(sample.indicators).to_dict()
    assert rubric.evaluate(data.indicators).to_dict() == expected


def patch_sheet(path, old, new):
    """The data sheet's XML changed as Excel would write it (openpyxl writes no computed value
    for a formula, and numbers with 16 digits only)."""
    patched = path.with_name("patched.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet2.xml":
                assert old in content
                content = content.replace(old, new)
            target.writestr(member, content)
    return patched


def test_numbers_as_excel_keeps_them(workbook):
    def numbers(book):
        sheet = book["Data"]
        row = {cell.value: cell.row for cell in sheet["A"]}
        sheet[f"D{row['cqo_trained_pct']}"] = 96.25
        sheet[f"D{row['spot_check_coverage_pct']}"] = "92.30"  # a number typed as text
        sheet[f"D{row['quality_committee_dual_lead']}"] = "TRUE"
        sheet[f"D{row['joint_inspection_share_pct']}"] = 0.1

    damage(workbook, numbers)
    # Excel writes the shortest digits that give its binary float back: 0.1 + 0.2 is not 0.3
    computed = patch_sheet(workbook, b"<v>96.25</v>", b"<v>0.30000000000000004</v>")
    data = read_workbook(computed)
    assert data.indicators["cqo_trained_pct"] == Decimal("0.30000000000000004")
    assert data.indicators["spot_check_coverage_pct"] == Decimal("92.30")
    assert data.indicators["quality_committee_dual_lead"] is True
    assert str(data.indicators["joint_inspection_share_pct"]) == "0.1"


def test_a_formula_is_read_as_its_computed_value(workbook):
    damage(workbook, lambda book: book["Data"].__setitem__("D4", "=1+1"))
    computed = patch_sheet(workbook, b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
    assert read_workbook(computed).indicators["committee_meetings_per_year"] == 2


# ---- a damaged workbook: every problem, by sheet and cell, exit 1 -----------------------------

# committee_meetings_per_year is the third indicator: row 4; the value column is D.


def set_cell(reference, value, number_format=None):
    def change(book):
        sheet, cell = reference.split("!")
        book[sheet][cell] = value
        if number_format:
            book[sheet][cell].number_format = number_format

    return change


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (
            set_cell("Data!D4", "12x"),
            ["Data!D4: committee_meetings_per_year: '12x' is text, not a count"],
        ),
        (
            lambda book: book["Data"].delete_rows(4),
            ["Data: committee_meetings_per_year: missing (a count): its row was deleted"],
        ),
        (
            lambda book: book["Data"].append([c.value for c in book["Data"][2]]),
            ["Data!A75: quality_committee_dual_lead is given twice (first in row 2)"],
        ),
        (
            set_cell("Data!A3", "gov_report_set_target"),
            [
                "Data!A3: unknown indicator 'gov_report_set_target'; did you mean "
                "'gov_report_sets_target'?",
                "Data: gov_report_sets_target: missing (a bool)",
            ],
        ),
        (
            lambda book: book.create_sheet("Sheet1"),
            ["Sheet1: a sheet the template does not have"],
        ),
        (
            lambda book: book.remove(book["Details"]),
            ["Details: the sheet is missing (deleted or renamed?)"],
        ),
        (
            set_cell("Data!D1", "填报值"),  # a header of one's own (数值 is Value's translation)
            [
                "Data!D1: the column header '填报值' is not one of this sheet's",
                "Data!1:1: no column “Value”",
            ],
        ),
        (set_cell("Data!D4", "#DIV/0!"), ["Data!D4: the Excel error #DIV/0!"]),
        (
            set_cell("Data!D4", "=A1/0"),
            ["Data!D4: the formula =A1/0 has no computed value"],
        ),
        (
            set_cell("Data!D4", datetime(2021, 3, 5)),
            ["Data!D4: committee_meetings_per_year: a date or time (2021-03-05), not a count"],
        ),
        (
            set_cell("Data!D4", None),
            ["Data!D4: committee_meetings_per_year: missing (a count): fill it in"],
        ),
        (
            set_cell("Data!D4", 2.5),
            ["Data!D4: committee_meetings_per_year: 2.5 is not a whole number (a count)"],
        ),
        (
            set_cell("Data!D4", -1),
            ["Data!D4: committee_meetings_per_year: a count cannot be negative (-1)"],
        ),
        (
            set_cell("Data!D2", "maybe"),
            ["Data!D2: quality_committee_dual_lead: 'maybe' is not yes or no"],
        ),
        (
            set_cell("Data!G4", "无会议"),
            [
                "Data!G4: committee_meetings_per_year: both a value (Data!D4) and a reason it "
                "is not applicable; keep one"
            ],
        ),
    ],
)
def test_a_damaged_workbook_names_sheet_and_cell(capsys, workbook, change, needles):
    damage(workbook, change)
    code, out, err = run(capsys, "score", RUBRIC, workbook)
    assert code == 1
    assert out == ""
    for needle in needles:
        assert f"{workbook}: {needle}" in err
    assert "Traceback" not in err


def test_cells_found_by_name_below_a_deleted_row(capsys, workbook):
    def two(book):
        sheet = book["Data"]
        row = {cell.value: cell.row for cell in sheet["A"]}
        sheet[f"D{row['cqo_filed_pct']}"] = 120
        sheet[f"D{row['construction_complaint_rate']}"] = "3.1, 2.7"
        sheet[f"D{row['provincial_spot_check_pass_pct']}"] = 0.941
        sheet[f"D{row['provincial_spot_check_pass_pct']}"].number_format = "0.0%"
        sheet[f"G{row['quality_committee_dual_lead']}"] = "不适用"
        sheet[f"D{row['quality_committee_dual_lead']}"] = None

    damage(workbook, two)
    code, _, err = run(capsys, "score", RUBRIC, workbook)
    assert code == 1
    # cqo_filed_pct is indicator 30 (row 31), the series 41 (row 42), the pass rate 33 (row 34)
    assert "Data!D31: cqo_filed_pct: 120 is outside 0–100 (a percent)" in err
    assert "Data!D42: construction_complaint_rate: has 2 yearly values; the rubric needs 3" in err
    assert "Data!D34: the cell is formatted as a percentage, so it holds 0.941" in err
    assert (
        "Data!G2: quality_committee_dual_lead: is reported as not applicable, but the rubric "
        "does not allow that for it" in err
    )


def test_problems_are_capped_like_indicator_errors(workbook):
    def many(book):
        for row in range(2, 75):
            book["Data"][f"D{row}"] = "?"

    damage(workbook, many)
    with pytest.raises(DataFileError) as raised:
        read_workbook(workbook, Limits(max_problems=5))
    lines = str(raised.value).splitlines()
    assert len(lines) == 6
    assert lines[-1] == "… and 68 more (73 problems in all)"


def test_a_manifest_that_is_damaged_or_missing(workbook, tmp_path):
    damage(workbook, lambda book: book[MANIFEST_SHEET].__setitem__("B5", '{"name": 1}'))
    with pytest.raises(DataFileError, match="the hidden sheet 'rubricdsl' is damaged at row 5"):
        read_workbook(workbook)
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(DataFileError, match="not a workbook written by `rubricdsl template`"):
        read_workbook(plain)


# ---- files that are not workbooks -------------------------------------------------------------


def test_files_that_are_not_xlsx(tmp_path):
    text = tmp_path / "data.xlsx"
    text.write_text("indicators: {}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"data.xlsx: is not an .xlsx workbook \(an .xlsx"):
        rubricdsl.read_data(text)
    archive = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "hello")
    with pytest.raises(DataFileError, match=r"a zip archive, but is not an \.xlsx workbook"):
        rubricdsl.read_data(archive)
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(DataFileError, match=r"Excel 97-2003 workbook \(.xls\)"):
        rubricdsl.read_data(old)
    with pytest.raises(DataFileError, match="save this one as an Excel Workbook"):
        rubricdsl.read_data(tmp_path / "data.xls")


def test_a_damaged_archive_is_a_data_file_error(workbook, tmp_path):
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(workbook) as old, zipfile.ZipFile(broken, "w") as new:
        for member in old.infolist():
            content = old.read(member)
            if member.filename == "xl/worksheets/sheet2.xml":
                content = content[: len(content) // 2]  # cut off mid-sheet
            new.writestr(member, content)
    with pytest.raises(DataFileError, match=r"is not an \.xlsx workbook that can be read"):
        read_workbook(broken)


def test_xml_entities_are_refused_before_openpyxl_parses_them(workbook):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    patched = patch_sheet(workbook, b"<worksheet ", laughs + b"<worksheet ")
    with pytest.raises(DataFileError) as raised:
        read_workbook(patched)
    assert str(raised.value) == (
        f"{patched}: the part xl/worksheets/sheet2.xml declares XML entities (<!ENTITY), which "
        "no workbook does; refused"
    )


def test_a_truncated_file_is_not_an_archive(workbook):
    workbook.write_bytes(workbook.read_bytes()[:5000])
    with pytest.raises(DataFileError, match="and this is not one"):
        read_workbook(workbook)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        zipped.writestr("xl/workbook.xml", b"\0" * 3_000_000)
    assert bomb.stat().st_size < 100_000
    # 25 × 100,000 bytes = 2.5 MB may be unpacked; the member alone is 3 MB
    with pytest.raises(DataFileError, match=r"unpacks to 2.9 MB, over the limit of 2.38419 MB"):
        read_workbook(bomb, Limits(max_file_bytes=100_000))


def test_a_fifo_or_a_folder_is_refused_before_it_is_read(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(DataFileError, match="not a regular file"):
        rubricdsl.read_data(fifo)
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(DataFileError, match="not a regular file"):
        rubricdsl.read_data(folder)
    with pytest.raises(DataFileError, match="no such data file"):
        rubricdsl.read_data(tmp_path / "missing.xlsx")


@pytest.mark.parametrize(("cell", "code"), [(None, 0), ("12x", 1)])
def test_reading_never_changes_the_file(capsys, workbook, cell, code):
    if cell is not None:
        damage(workbook, set_cell("Data!D4", cell))
    before = workbook.read_bytes()
    stamp = workbook.stat().st_mtime_ns
    assert run(capsys, "score", RUBRIC, workbook)[0] == code
    assert workbook.read_bytes() == before
    assert workbook.stat().st_mtime_ns == stamp


# ---- the command: never overwrite a week of work ----------------------------------------------


def test_template_command_writes_and_refuses_to_overwrite(capsys, tmp_path):
    out_path = tmp_path / "fill-in.xlsx"
    code, out, err = run(capsys, "template", RUBRIC, "--xlsx", out_path, "--lang", "en")
    assert (code, err) == (0, "")
    assert out == (
        f"{out_path}: wrote a fill-in workbook (indicators: 73; rubrics: 1; "
        "sheets: Instructions, Data, Details)\n"
    )
    assert read_workbook_layout(out_path) == ["Instructions", "Data", "Details", MANIFEST_SHEET]
    out_path.write_bytes(b"a week of a department's work")
    code, out, err = run(capsys, "template", RUBRIC, "--xlsx", out_path)
    assert code == 1
    assert out == ""
    assert "exists; it may hold someone's work, so it is left alone (use --force" in err
    assert out_path.read_bytes() == b"a week of a department's work"
    code, _, _ = run(capsys, "template", RUBRIC, "--xlsx", out_path, "--force", "--lang", "zh")
    assert code == 0
    assert out_path.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fill-in.xlsx"]


def read_workbook_layout(path):
    return openpyxl.load_workbook(path, read_only=True).sheetnames


def test_template_command_refuses_a_name_without_xlsx(capsys, tmp_path):
    code, _, err = run(capsys, "template", RUBRIC, "--xlsx", tmp_path / "out.xls")
    assert code == 1
    assert "the workbook's name must end in .xlsx" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("step", "stop", "code"),
    [
        ("fsync", OSError(28, "No space left on device"), 1),
        ("replace", OSError(28, "No space left on device"), 1),
        ("fsync", KeyboardInterrupt(), 130),
    ],
)
def test_an_interrupted_write_leaves_the_old_workbook_whole(
    capsys, monkeypatch, tmp_path, step, stop, code
):
    out_path = tmp_path / "fill-in.xlsx"
    out_path.write_bytes(b"the old workbook")

    def interrupted(*_args):
        raise stop

    monkeypatch.setattr(os, step, interrupted)
    result, out, err = run(capsys, "template", RUBRIC, "--xlsx", out_path, "--force")
    assert result == code
    assert out == ""
    if code == 1:
        assert f"cannot write {out_path}: No space left on device" in err
    assert out_path.read_bytes() == b"the old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["fill-in.xlsx"]  # no temporary file left


# ---- the headers of either language ------------------------------------------------------------

ZH = {
    SHEET_INSTRUCTIONS: "说明",
    SHEET_DATA: "数据",
    SHEET_REPORTED: "合理缺项",
    SHEET_META: "基本信息",
    "Indicator": "指标",
    "Value": "数值",
    "yes": "是",
    "no": "否",
}


@pytest.fixture
def chinese(monkeypatch):
    """A zh catalog of a few messages, as the translators will give (they are not done yet)."""

    def fake(lang):
        if lang == "zh":
            return lambda message: ZH.get(message, message)
        return lambda message: message

    monkeypatch.setattr("rubricdsl.workbook.translator", fake)


def test_a_chinese_workbook_reads_with_headers_in_either_language(
    chinese, rubric, sample, tmp_path
):
    path = tmp_path / "瑶海.xlsx"
    path.write_bytes(build_template([rubric], "zh").data)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["说明", "数据", "基本信息"]
    sheet = book["数据"]
    assert (sheet["A1"].value, sheet["D1"].value) == ("指标", "数值")
    assert sheet.data_validations.dataValidation[0].formula1 == '"是,否"'
    row = {cell.value: cell.row for cell in sheet["A"]}
    for name, value in sample.indicators.items():
        cell = sheet.cell(row[name], 4)
        if isinstance(value, dict):
            sheet.cell(row[name], 7).value = value["not_applicable"]
        elif isinstance(value, bool):
            cell.value = "是" if value else "否"
        elif isinstance(value, list):
            cell.value = "，".join(str(v) for v in value)  # full-width commas
        else:
            cell.value = value
    sheet["A1"] = "Indicator"  # one header in English: either language reads
    book.save(path)
    data = read_workbook(path)
    expected = rubric.evaluate(sample.indicators).to_dict()
    assert rubric.evaluate(data.indicators).to_dict() == expected
    damage(path, set_cell("数据!D4", "十二"))
    with pytest.raises(DataFileError) as raised:
        read_workbook(path)
    assert f"{path}: 数据!D4: committee_meetings_per_year: '十二' is text, not a count" in str(
        raised.value
    )


def test_a_sheet_in_both_languages_is_one_too_many(chinese, rubric, tmp_path):
    path = tmp_path / "瑶海.xlsx"
    path.write_bytes(build_template([rubric], "zh").data)
    damage(path, lambda book: setattr(book.copy_worksheet(book["基本信息"]), "title", "Details"))
    with pytest.raises(DataFileError) as raised:
        read_workbook(path)
    assert f"{path}: Details: a second “基本信息” sheet (the first is 基本信息); keep one" in str(
        raised.value
    )
