"""Fill-in workbooks (.xlsx): `rubricdsl template` writes one for a set of rubrics, and
`read_data` reads a filled-in one back as a DataFile, naming the sheet and cell of every problem
(`数据!D14`). docs/data.md describes the layout and the rules."""

from __future__ import annotations

import io
import json
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, localcontext
from typing import Literal

import attrs
import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rubricdsl import ast
from rubricdsl.api import Rubric
from rubricdsl.campaign import shared_indicators
from rubricdsl.datafile import LINE_BREAKS, DataFile, DataFileError
from rubricdsl.errors import RubricError, more_problems
from rubricdsl.escape import clip, escape, shown
from rubricdsl.exact import EXACT, exactly
from rubricdsl.files import path_text, read_bytes
from rubricdsl.i18n import LANGUAGES, Translate, _, translator
from rubricdsl.inputs import (
    NA_KEY,
    InvalidValueError,
    closest,
    describe,
    place_words,
    read_value,
    to_decimal,
)
from rubricdsl.limits import DEFAULT_LIMITS, MIB, Limits, looks_like_number, number_text_problem
from rubricdsl.model import IndicatorSpec, fmt, items_of, na_allowed
from rubricdsl.readers import merged_readers
from rubricdsl.source import Span

# ---- the layout: sheets, columns, the hidden sheet that says what the rows must be ------------


def N_(message: str) -> str:  # noqa: N802 - gettext's marker: extracted, translated later
    """Mark an English message id for the catalog without translating it here."""
    return message


SHEET_INSTRUCTIONS = N_("Instructions")
SHEET_DATA = N_("Data")
SHEET_REPORTED = N_("Not applicable")
SHEET_META = N_("Details")
# Written by `template`, read back to know the rows, their types and what may be reported;
# "very hidden": Excel's menus do not show it. Its name is not translated.
MANIFEST_SHEET = "rubricdsl"
FORMAT = "rubricdsl-workbook"
FORMAT_VERSION = 1

YES = N_("yes")
NO = N_("no")


@attrs.frozen
class Column:
    key: str
    header: str  # the English message id; the sheet shows its translation
    width: float
    required: bool = True


DATA_COLUMNS = (
    Column("name", N_("Indicator"), 30),
    Column("label", N_("Label"), 36),
    Column("type", N_("Type"), 14),
    Column("value", N_("Value"), 16),
    Column("unit", N_("Unit"), 8),
    Column("allowed", N_("Allowed values"), 30),
    Column("reason", N_("Reason it is not applicable (合理缺项)"), 28),
    Column("evidence", N_("Evidence (document numbers, file names, links)"), 34),
    Column("read_by", N_("Read by"), 22),
)
REPORTED_COLUMNS = (
    Column("name", N_("Item, group or category"), 24),
    Column("where", N_("Where"), 24),
    Column("wording", N_("The rubric says"), 44),
    Column("reason", N_("Reason it is not applicable (合理缺项)"), 40),
)
META_COLUMNS = (
    Column("key", N_("Key"), 16),
    Column("field", N_("Field"), 20),
    Column("value", N_("Value"), 40),
)
META_FIELDS = (
    ("district", N_("District")),
    ("year", N_("Year")),
    ("filled_in_by", N_("Filled in by")),
    ("contact", N_("Contact")),
    ("date", N_("Date filled in")),
)

KINDS = ("bool", "count", "percent", "score", "amount", "number", "series", "enum")

# A workbook is a zip archive: its members may unpack to at most this many times the file size
# limit in all (25 MB by default), so a small "zip bomb" cannot exhaust memory or time.
UNPACKED_FACTOR = 25
MAX_MEMBERS = 1_000
# Cells are read in the first MAX_COLUMNS columns and the rows Excel can hold; the header row
# is looked for in the first HEADER_ROWS rows.
MAX_COLUMNS = 50
EXCEL_ROWS = 1_048_576
HEADER_ROWS = 10
# Excel's own bounds on a data validation's texts.
_TITLE_LENGTH = 32
_MESSAGE_LENGTH = 250
LARGEST_TYPED = "999999999999999"  # below 10^15, the largest value rubricdsl reads

_SERIES_SEPARATORS = re.compile(r"[,，、;；]")
_EVIDENCE_SEPARATORS = re.compile(f"[{LINE_BREAKS};；]")
_INVALID_SHEET_CHARACTERS = re.compile(r"[\\/?*\[\]:]")
# A place of `readers` or `_reportable`, after its rubric's name when there are several.
_PLACE = re.compile(
    r"(?P<prefix>.*?: )?(?P<place>item .+|task .+|group '.*'|category '.*'|veto|requirement"
    r"|deduction|category|group)",
    re.DOTALL,
)


def sheet_name(text: str) -> str:
    """A translated sheet name Excel accepts: no \\ / ? * [ ] :, at most 31 characters."""
    return _INVALID_SHEET_CHARACTERS.sub("_", text)[:31] or "_"


def translations(message: str) -> tuple[str, ...]:
    """A message id and its translation in every language, each once."""
    found = [message]
    for lang in LANGUAGES:
        text = translator(lang)(message)
        if text not in found:
            found.append(text)
    return tuple(found)


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


# ---- writing the template -------------------------------------------------------------------


@attrs.frozen
class Template:
    """A fill-in workbook, as the bytes of an .xlsx file, and what it holds."""

    data: bytes
    indicators: int
    sheets: tuple[str, ...]


_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_CLOSED_FILL = PatternFill("solid", fgColor="E7E6E6")
_HEADER_FONT = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


def write_template(rubrics: Sequence[Rubric], lang: str) -> bytes:
    """The fill-in workbook for the rubrics (.xlsx bytes): see `build_template`."""
    return build_template(rubrics, lang).data


@exactly
def build_template(rubrics: Sequence[Rubric], lang: str) -> Template:
    """A fill-in workbook for one district's data for the rubrics: a data sheet with one row per
    indicator any of them declares, a sheet of what may be reported 合理缺项 as a whole (when
    any rubric allows it), a sheet for the district's details and one of instructions, headers
    and instructions in `lang` ("zh" or "en"). RubricsDisagreeError when two rubrics declare
    one indicator differently."""
    rubrics = tuple(rubrics)
    if not rubrics:
        raise RubricError("no rubric given")
    if lang not in LANGUAGES:
        raise RubricError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    # a derived indicator is computed, never filled in
    specs = {n: s for n, s in shared_indicators(rubrics).items() if not s.derived}
    return _TemplateWriter(rubrics, specs, lang).write()


class _TemplateWriter:
    def __init__(
        self, rubrics: tuple[Rubric, ...], specs: Mapping[str, IndicatorSpec], lang: str
    ) -> None:
        self.rubrics = rubrics
        self.specs = specs
        self.lang = lang
        self._ = _ = translator(lang)
        self.read_by = merged_readers(rubrics)
        self.level_labels = _level_labels(rubrics)
        self.reportable = _reportable(rubrics)
        self.book = openpyxl.Workbook()
        self.yes = _list_word(_(YES), YES)
        self.no = _list_word(_(NO), NO)

    def write(self) -> Template:
        _ = self._
        book = self.book
        instructions = book.active
        assert isinstance(instructions, Worksheet)
        instructions.title = sheet_name(_(SHEET_INSTRUCTIONS))
        data = book.create_sheet(sheet_name(_(SHEET_DATA)))
        reported = book.create_sheet(sheet_name(_(SHEET_REPORTED))) if self.reportable else None
        meta = book.create_sheet(sheet_name(_(SHEET_META)))
        manifest = book.create_sheet(MANIFEST_SHEET)
        level_ranges = self._manifest(manifest)
        self._data(data, level_ranges)
        if reported is not None:
            self._reported(reported)
        self._meta(meta)
        self._instructions(instructions, data.title, reported, meta.title)
        book.active = book.index(data)
        for sheet in book.worksheets:
            sheet.sheet_view.tabSelected = sheet is data
        titles = " / ".join(rubric.title for rubric in self.rubrics)
        book.properties.title = clip(escape(titles), 200)
        book.properties.creator = "rubricdsl"
        buffer = io.BytesIO()
        book.save(buffer)
        shown_sheets = tuple(s.title for s in book.worksheets if s.title != MANIFEST_SHEET)
        return Template(buffer.getvalue(), len(self.specs), shown_sheets)

    # -- the hidden sheet: what the rows must be, read back by read_workbook

    def _manifest(self, sheet: Worksheet) -> dict[str, str]:
        sheet.sheet_state = "veryHidden"
        rows: list[list[object]] = [["format", FORMAT, FORMAT_VERSION]]
        rows.append(["language", self.lang])
        for rubric in self.rubrics:
            rows.append(["rubric", _encode(rubric.source_name), _encode(rubric.title)])
        level_ranges: dict[str, str] = {}
        for name, spec in self.specs.items():
            payload = {
                "name": name,
                "kind": spec.kind,
                "na": spec.allows_na,
                "label": spec.label,
                "unit": spec.unit,
                "length": spec.series_length,
                "levels": list(spec.levels),
            }
            rows.append(["indicator", _encode(payload)])
        for name, (where, _wording) in self.reportable.items():
            rows.append(["reportable", _encode(name), _encode(where)])
        for name, spec in self.specs.items():
            if spec.kind == "enum" and spec.levels:
                first = len(rows) + 1
                rows += [["level", _encode(name), level] for level in spec.levels]
                sheet_ref = f"'{MANIFEST_SHEET}'"
                level_ranges[name] = f"{sheet_ref}!$C${first}:$C${len(rows)}"
        for row in rows:
            sheet.append(row)
        sheet.protection.sheet = True
        return level_ranges

    # -- the data sheet: one row per indicator

    def _data(self, sheet: Worksheet, level_ranges: Mapping[str, str]) -> None:
        _ = self._
        self._header(sheet, DATA_COLUMNS)
        column = {c.key: index for index, c in enumerate(DATA_COLUMNS, start=1)}
        validations: dict[tuple[object, ...], DataValidation] = {}
        for row, (name, spec) in enumerate(self.specs.items(), start=2):
            texts = {
                "name": name,
                "label": escape(clip(spec.label or "", 2000)),
                "type": self._type(spec),
                "unit": escape(spec.unit or "") if spec.kind == "amount" else "",
                "allowed": self._allowed(spec),
                "read_by": ", ".join(
                    escape(self._place(place)) for place in self.read_by.get(name, ())
                )
                or _("(no rule reads it)"),
            }
            if spec.kind == "percent":
                texts["unit"] = "%"
            for key, text in texts.items():
                cell = sheet.cell(row=row, column=column[key], value=text)
                cell.alignment = _WRAP
                cell.border = _BORDER
            for key in ("value", "reason", "evidence"):
                to_fill = sheet.cell(row=row, column=column[key])
                to_fill.border = _BORDER
                to_fill.alignment = _WRAP
                if key == "reason" and not spec.allows_na:
                    to_fill.fill = _CLOSED_FILL
                    continue
                to_fill.fill = _INPUT_FILL
                to_fill.protection = _UNLOCKED
            value = sheet.cell(row=row, column=column["value"])
            value.alignment = Alignment(vertical="top")
            if spec.kind == "series":
                value.number_format = "@"  # text: Excel must not read "3,1" as a number
            elif spec.kind in ("bool", "enum"):
                value.number_format = "@"
            wanted = self._validation(spec, level_ranges.get(name))
            if wanted is not None:
                group, made = wanted
                validations.setdefault(group, made).add(value.coordinate)
        for validation in validations.values():
            sheet.add_data_validation(validation)
        last = len(self.specs) + 1
        sheet.freeze_panes = "C2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(DATA_COLUMNS))}{last}"
        _protect(sheet)

    def _type(self, spec: IndicatorSpec) -> str:
        _ = self._
        words = {
            "bool": _("yes/no"),
            "count": _("count"),
            "percent": _("percent"),
            "score": _("score"),
            "amount": _("amount"),
            "number": _("number"),
            "enum": _("one of a list"),
        }
        if spec.kind == "series":
            return _("series of {count} yearly values").format(count=spec.series_length)
        return words.get(spec.kind, spec.kind)

    def _allowed(self, spec: IndicatorSpec) -> str:
        _ = self._
        kind = spec.kind
        if kind == "bool":
            text = f"{self.yes} / {self.no}"
        elif kind == "count":
            text = _("a whole number, 0 or more")
        elif kind == "percent":
            text = _("a number from 0 to 100 (92.5 for 92.5%, typed without %)")
        elif kind == "score":
            text = _("a number from 0 to 100")
        elif kind == "amount":
            text = _("a number, 0 or more, in {unit}").format(unit=escape(spec.unit or ""))
        elif kind == "number":
            text = _("any number (it may be negative)")
        elif kind == "series":
            text = _("{count} numbers in this one cell, separated by commas, oldest first").format(
                count=spec.series_length
            )
        else:
            labels = self.level_labels.get(spec.name, {})
            text = ", ".join(
                f"{level} ({escape(labels[level])})" if labels.get(level) else level
                for level in spec.levels
            )
        if spec.allows_na:
            text += "\n" + _(
                "or leave the value empty and give the reason it is not applicable (合理缺项)"
            )
        return clip(text, 2000)

    def _validation(
        self, spec: IndicatorSpec, level_range: str | None
    ) -> tuple[tuple[object, ...], DataValidation] | None:
        _ = self._
        kind = spec.kind
        formula: tuple[str, str | None]
        if kind == "bool":
            key: tuple[object, ...] = ("list", "bool")
            made = DataValidation(type="list", formula1=f'"{self.yes},{self.no}"')
        elif kind == "enum":
            joined = ",".join(spec.levels)
            if len(joined) <= _MESSAGE_LENGTH:
                formula1 = f'"{joined}"'
            elif level_range is not None:
                formula1 = level_range
            else:  # pragma: no cover - every enum has its levels in the hidden sheet
                return None
            key = ("list", spec.name)
            made = DataValidation(type="list", formula1=formula1)
        elif kind in ("count", "percent", "score", "amount", "number"):
            formula = {
                "count": ("0", LARGEST_TYPED),
                "percent": ("0", "100"),
                "score": ("0", "100"),
                "amount": ("0", LARGEST_TYPED),
                "number": ("-" + LARGEST_TYPED, LARGEST_TYPED),
            }[kind]
            kind_of_number: Literal["whole", "decimal"] = "whole" if kind == "count" else "decimal"
            key = (kind_of_number, *formula)
            made = DataValidation(
                type=kind_of_number,
                operator="between",
                formula1=formula[0],
                formula2=formula[1],
            )
        else:
            return None
        made.allow_blank = True
        made.showErrorMessage = True
        made.showInputMessage = True
        allowed = self._allowed(attrs.evolve(spec, allows_na=False))
        made.errorTitle = clip(_("Not allowed here"), _TITLE_LENGTH - 2)
        made.error = clip(allowed, _MESSAGE_LENGTH - 10)
        made.promptTitle = clip(self._type(spec), _TITLE_LENGTH - 2)
        made.prompt = clip(allowed, _MESSAGE_LENGTH - 10)
        return key, made

    # -- the sheet of what may be reported 合理缺项 as a whole

    def _reported(self, sheet: Worksheet) -> None:
        self._header(sheet, REPORTED_COLUMNS)
        for row, (name, (where, wording)) in enumerate(self.reportable.items(), start=2):
            shown_where = "; ".join(self._place(part) for part in where.split("; "))
            texts = (escape(name), escape(shown_where), escape(clip(wording, 2000)))
            for column, text in enumerate(texts, start=1):
                cell = sheet.cell(row=row, column=column, value=text)
                cell.alignment = _WRAP
                cell.border = _BORDER
                cell.number_format = "@"
            reason = sheet.cell(row=row, column=len(texts) + 1)
            reason.fill = _INPUT_FILL
            reason.protection = _UNLOCKED
            reason.border = _BORDER
            reason.alignment = _WRAP
        sheet.freeze_panes = "B2"
        _protect(sheet)

    def _place(self, place: str) -> str:
        """Where a rubric reads an indicator, or where a 合理缺项 may be reported ("item 14",
        "category '…'", "veto", "anhui-six-ones: task 3"), in the workbook's language."""
        found = _PLACE.fullmatch(place)
        if found is None:
            return place
        _ = self._
        words = {
            "veto": _("veto"),
            "requirement": _("requirement"),
            "deduction": _("deduction"),
            "category": _("category"),
            "group": _("group"),
        }
        where = found["place"]
        return (found["prefix"] or "") + words.get(where, place_words(where, _))

    # -- the district's details (meta)

    def _meta(self, sheet: Worksheet) -> None:
        _ = self._
        self._header(sheet, META_COLUMNS)
        for row, (key, label) in enumerate(META_FIELDS, start=2):
            sheet.cell(row=row, column=1, value=key).border = _BORDER
            sheet.cell(row=row, column=2, value=_(label)).border = _BORDER
            value = sheet.cell(row=row, column=3)
            value.fill = _INPUT_FILL
            value.protection = _UNLOCKED
            value.border = _BORDER
            if key == "year":
                value.number_format = "0"
            elif key == "date":
                value.number_format = "yyyy-mm-dd"
            else:
                value.number_format = "@"
        sheet.freeze_panes = "A2"
        _protect(sheet)

    # -- instructions

    def _instructions(
        self, sheet: Worksheet, data: str, reported: Worksheet | None, meta: str
    ) -> None:
        _ = self._
        headers = {c.key: _(c.header) for c in DATA_COLUMNS}
        lines: list[tuple[str, str]] = [
            ("title", _("Data for scoring with rubricdsl")),
        ]
        for rubric in self.rubrics:
            lines.append(("rubric", f"{escape(rubric.title)} ({rubric.year})"))
        lines.append(("", ""))
        steps = [
            _(
                "On the sheet “{sheet}”, fill in one row per indicator: type each value in the "
                "column “{value}” (the yellow cells). Grey cells cannot be filled in."
            ).format(sheet=data, value=headers["value"]),
            _("Yes/no indicators: choose “{yes}” or “{no}” from the list in the cell.").format(
                yes=self.yes, no=self.no
            ),
            _(
                "Counts are whole numbers. Percents and scores are numbers from 0 to 100: type "
                "92.5 for 92.5%, without the % sign, in a cell not formatted as a percentage."
            ),
            _("Amounts are in the unit shown in the column “{unit}”.").format(unit=headers["unit"]),
            _(
                "A series of yearly values goes in its one cell, the numbers separated by commas, "
                "oldest year first: 3.1, 2.7, 2.9."
            ),
            _("An indicator with a list takes one of the values the list offers."),
            _(
                "Where the column “{reason}” is yellow, the indicator may be not applicable to "
                "the district (合理缺项): leave its value empty and give the reason there."
            ).format(reason=headers["reason"]),
            _(
                "In the column “{evidence}”, give the documents that back a value: document "
                "numbers, file names or links, one per line or separated by “；”."
            ).format(evidence=headers["evidence"]),
        ]
        if reported is not None:
            steps.append(
                _(
                    "The sheet “{sheet}” lists the items, groups and categories the rubric lets "
                    "a district report not applicable (合理缺项) as a whole: give the reason on "
                    "the row of each one that does not apply to the district, and leave the "
                    "others empty."
                ).format(sheet=reported.title)
            )
        steps += [
            _("On the sheet “{sheet}”, give the district, the year and who filled it in.").format(
                sheet=meta
            ),
            _(
                "Do not rename, add or delete sheets, columns or rows, and do not change the "
                "indicator names: rubricdsl finds each value by its sheet, its column header and "
                "its indicator name, and refuses a workbook whose layout has changed, naming the "
                "sheet and the cell."
            ),
            _(
                "Excel keeps numbers as binary floating-point numbers of at most 15 significant "
                "digits; rubricdsl reads each as the shortest decimal that is the same number, "
                "so 0.1 reads back as 0.1."
            ),
            _(
                "A formula is read as the value Excel last computed: save the workbook in Excel "
                "or WPS before it is scored."
            ),
            _(
                "The sheets are protected without a password so that only the cells to fill in "
                "change; Review → Unprotect Sheet lifts the protection if you must."
            ),
            _("To score it: rubricdsl score RUBRIC WORKBOOK.xlsx"),
        ]
        lines += [("step", f"{number}. {step}") for number, step in enumerate(steps, start=1)]
        for row, (kind, text) in enumerate(lines, start=1):
            cell = sheet.cell(row=row, column=1, value=text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if kind == "title":
                cell.font = Font(bold=True, size=14)
        sheet.column_dimensions["A"].width = 110
        _protect(sheet)

    def _header(self, sheet: Worksheet, columns: Sequence[Column]) -> None:
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=self._(column.header))
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.row_dimensions[1].height = 32


def _protect(sheet: Worksheet) -> None:
    """Protected without a password: only the unlocked (yellow) cells change, but columns and
    rows may still be resized and the filter used."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False


def _list_word(word: str, fallback: str) -> str:
    """A word for a data validation list: no comma or quote, which the list cannot hold."""
    return word if word.strip() and not set(word) & set(',"') else fallback


def _encode(value: object) -> str:
    """Text from a rubric for the hidden sheet: JSON in ASCII, so no character a cell cannot
    hold (a control character) is ever written, and it reads back exactly."""
    return json.dumps(value, ensure_ascii=True, sort_keys=True)


def _level_labels(rubrics: Sequence[Rubric]) -> dict[str, dict[str, str]]:
    """Each enum indicator's level labels, from its first declaration."""
    found: dict[str, dict[str, str]] = {}
    for rubric in rubrics:
        for declaration in rubric.checked.file.declarations:
            if isinstance(declaration.type, ast.EnumType) and declaration.name not in found:
                found[declaration.name] = {
                    level.name: level.label for level in declaration.type.levels if level.label
                }
    return found


def _reportable(rubrics: Sequence[Rubric]) -> dict[str, tuple[str, str]]:
    """What a district may report 合理缺项 as a whole, over the rubrics: name → (where it
    stands, the rubric's wording), each name once."""
    found: dict[str, tuple[str, str]] = {}

    def add(name: str, where: str, excuses: tuple[ast.Excuse, ...]) -> None:
        wording = " / ".join(
            excuse.text for excuse in excuses if isinstance(excuse, ast.NotApplicableAllowed)
        )
        if name in found:
            old_where, old_wording = found[name]
            if where not in old_where.split("; "):
                found[name] = (f"{old_where}; {where}", old_wording)
        else:
            found[name] = (where, wording)

    for rubric in rubrics:
        prefix = f"{os.path.basename(rubric.source_name)}: " if len(rubrics) > 1 else ""
        for category in rubric.checked.file.categories:
            if na_allowed(category.not_applicable):
                add(category.title, f"{prefix}category", category.not_applicable)
            for member in category.members:
                if isinstance(member, ast.Group) and na_allowed(member.not_applicable):
                    add(member.title, f"{prefix}group", member.not_applicable)
            for item in items_of(category):
                if na_allowed(item.not_applicable):
                    add(item.id, f"{prefix}item {item.id}", item.not_applicable)
        for name in rubric.reportable:
            if name not in found:  # pragma: no cover - a kind of place not walked above
                add(name, prefix + rubric.reportable[name], ())
    return found


# ---- reading a filled-in workbook -----------------------------------------------------------


@attrs.frozen
class _Cell:
    """One non-empty cell as the workbook holds it."""

    value: object
    kind: str  # openpyxl's data type: n (number), s (text), b (bool), d (date), e (error)
    number_format: str = "General"
    formula: str | None = None  # the formula, when the value is what Excel computed from it


# sheet name → row → column → cell, in the workbook's order of sheets
_Grid = dict[int, dict[int, _Cell]]


@exactly
def read_workbook(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> DataFile:
    """A workbook written by `rubricdsl template` and filled in, read back as a DataFile: the
    same indicators, meta, 合理缺项 reports and evidence a YAML data file gives. Every problem
    is listed at once (up to `limits.max_problems`), each naming its sheet and cell
    (`数据!D14`), in one DataFileError. The file is read once, into memory, and never
    written."""
    name = path_text(path, "data file")
    shown_name = escape(clip(name, 300))
    data = read_bytes(name, "data file", DataFileError, limits)
    _check_archive(data, shown_name, limits)
    sheets = _load(data, shown_name)
    return _Reader(sheets, shown_name, limits).read()


def _check_archive(data: bytes, shown_name: str, limits: Limits) -> None:
    """A zip archive with an .xlsx's parts, whose members unpack to a bounded size."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataFileError(
            _(
                "{file}: an Excel 97-2003 workbook (.xls) or a password-protected one, which "
                "rubricdsl cannot read; save it as an Excel Workbook (.xlsx) without a password"
            ).format(file=shown_name)
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise DataFileError(
            _(
                "{file}: is not an .xlsx workbook (an .xlsx file is a zip archive, and this is "
                "not one); save it from Excel or WPS as an Excel Workbook (.xlsx)"
            ).format(file=shown_name)
        ) from None
    if len(members) > MAX_MEMBERS:
        raise DataFileError(
            _(
                "{file}: {parts} parts in the archive; a workbook has a few dozen (at most {most} "
                "are read)"
            ).format(file=shown_name, parts=f"{len(members):,}", most=f"{MAX_MEMBERS:,}")
        )
    unpacked = sum(member.file_size for member in members)
    bound = UNPACKED_FACTOR * limits.max_file_bytes
    if unpacked > bound:
        raise DataFileError(
            _(
                "{file}: the workbook unpacks to {size} MB, over the limit of {bound} MB "
                "({factor} times the file size limit; raise it with --max-file-mb; see "
                "docs/data.md)"
            ).format(
                file=shown_name,
                size=f"{unpacked / MIB:,.1f}",
                bound=f"{bound / MIB:g}",
                factor=UNPACKED_FACTOR,
            )
        )
    if "[Content_Types].xml" not in {member.filename for member in members}:
        raise DataFileError(
            _(
                "{file}: a zip archive, but is not an .xlsx workbook (it has no "
                "[Content_Types].xml); save it from Excel or WPS as an Excel Workbook (.xlsx)"
            ).format(file=shown_name)
        )
    _refuse_entities(data, shown_name)


# An XML entity declaration, in the encodings an XML part may use. No workbook declares one;
# a "billion laughs" part does. (Python's expat refuses those too, from version 2.4.)
_ENTITY = tuple("<!ENTITY".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def _refuse_entities(data: bytes, shown_name: str) -> None:
    """Every member unpacked once (within the bound checked before), to refuse one that declares
    XML entities and one that does not unpack (a damaged archive), before openpyxl parses any."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                with archive.open(member) as stream:
                    tail = b""
                    while chunk := stream.read(1 << 20):
                        window = tail + chunk
                        if any(mark in window for mark in _ENTITY):
                            raise DataFileError(
                                _(
                                    "{file}: the part {part} declares XML entities (<!ENTITY), "
                                    "which no workbook does; refused"
                                ).format(file=shown_name, part=shown(member.filename, 80))
                            )
                        tail = window[-20:]
    except DataFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as error:
        # RuntimeError: an encrypted member; NotImplementedError (a RuntimeError): a method zip
        # cannot unpack
        reason = escape(clip(f"{type(error).__name__}: {error}", 200))
        raise DataFileError(
            _(
                "{file}: a damaged archive, is not an .xlsx workbook that can be read ({reason}); "
                "save it again from Excel or WPS as an Excel Workbook (.xlsx)"
            ).format(file=shown_name, reason=reason)
        ) from None


def _load(data: bytes, shown_name: str) -> dict[str, _Grid | None]:
    """Every sheet's non-empty cells (None for a chart sheet). Formulas are read with the value
    Excel last computed for them."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of extensions it does not read
            sheets = _cells(data, data_only=False)
            formulas = {
                (name, row, column)
                for name, grid in sheets.items()
                for row, cells in (grid or {}).items()
                for column, cell in cells.items()
                if cell.kind == "f"
            }
            if formulas:
                computed = _cells(data, data_only=True)
                for name, row, column in formulas:
                    grid = sheets[name]
                    assert grid is not None
                    written = grid[row][column]
                    value = (computed.get(name) or {}).get(row, {}).get(column)
                    grid[row][column] = _Cell(
                        value.value if value is not None else None,
                        value.kind if value is not None else "n",
                        value.number_format if value is not None else written.number_format,
                        formula=str(written.value),
                    )
    except DataFileError:
        raise
    except Exception as problem:  # openpyxl's own, on a damaged file: not ours to fix
        reason = escape(clip(f"{type(problem).__name__}: {problem}", 200))
        raise DataFileError(
            _(
                "{file}: is not an .xlsx workbook that can be read ({reason}); open it in Excel or "
                "WPS and save it as an Excel Workbook (.xlsx)"
            ).format(file=shown_name, reason=reason)
        ) from None
    return sheets


def _cells(data: bytes, data_only: bool) -> dict[str, _Grid | None]:
    book = openpyxl.load_workbook(
        io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False
    )
    try:
        sheets: dict[str, _Grid | None] = {}
        for name in book.sheetnames:
            sheet = book[name]
            if not hasattr(sheet, "iter_rows"):
                sheets[name] = None
                continue
            grid: _Grid = {}
            empty: object = None
            rows = sheet.iter_rows(min_row=1, max_row=EXCEL_ROWS, min_col=1, max_col=MAX_COLUMNS)
            for number, row in enumerate(rows, start=1):
                if row is empty:  # openpyxl repeats one empty row for the rows a file skips
                    continue
                found = {}
                for column, cell in enumerate(row, start=1):
                    value = getattr(cell, "value", None)
                    kind = getattr(cell, "data_type", "n")
                    if value is None and kind != "e":
                        continue
                    if isinstance(value, str) and not value.strip() and kind != "f":
                        continue
                    found[column] = _Cell(
                        _formula_text(value), kind, str(getattr(cell, "number_format", "General"))
                    )
                if found:
                    grid[number] = found
                else:
                    empty = row
            sheets[name] = grid
        return sheets
    finally:
        book.close()


def _formula_text(value: object) -> object:
    """A formula object (an array or data-table formula) as its text; any other value as is."""
    text = getattr(value, "text", None)
    return text if isinstance(text, str) and not isinstance(value, str) else value


@attrs.frozen
class _Manifest:
    specs: dict[str, IndicatorSpec]
    reportable: dict[str, str]  # name → where
    language: str


class _Bad:
    """A cell whose problem has been recorded: nothing more is said about it."""


_BAD = _Bad()


class _Reader:
    def __init__(self, sheets: dict[str, _Grid | None], file: str, limits: Limits) -> None:
        self.sheets = sheets
        self.file = file
        self.limits = limits
        self.problems: list[str] = []
        self.omitted = 0
        self.bool_words = _bool_words()
        self._: Translate = translator("en")
        self._names: dict[str, str] = {}  # role → the sheet's name

    # -- problems, each with its place

    def problem(self, where: str, message: str) -> None:
        if len(self.problems) >= self.limits.max_problems:
            self.omitted += 1
        else:
            self.problems.append(f"{where}: {message}")

    def fail(self) -> DataFileError:
        lines = [f"{self.file}: {problem}" for problem in self.problems]
        if self.omitted:
            total = len(self.problems) + self.omitted
            lines.append(more_problems(len(self.problems), total))
        return DataFileError("\n".join(lines))

    # -- the whole workbook

    def read(self) -> DataFile:
        manifest = self._manifest()
        self._ = translator(manifest.language)
        roles = self._roles(manifest)
        indicators: dict[str, object] = {}
        evidence: dict[str, tuple[str, ...]] = {}
        if "data" in roles:
            indicators, evidence = self._data(roles["data"], manifest)
        reported: dict[object, object] = {}
        if "reported" in roles:
            reported = self._reported(roles["reported"], manifest)
        meta: dict[str, object] = {}
        if "meta" in roles:
            meta = self._meta(roles["meta"])
        if self.problems:
            raise self.fail()
        return DataFile(indicators, meta, reported, evidence)

    def _manifest(self) -> _Manifest:
        grid = next(
            (g for n, g in self.sheets.items() if n.casefold() == MANIFEST_SHEET.casefold()),
            None,
        )
        if grid is None:
            raise DataFileError(
                _(
                    "{file}: not a workbook written by `rubricdsl template` (it has no hidden "
                    "sheet '{sheet}', which says what the rows must be); write one with `rubricdsl "
                    "template RUBRIC --xlsx WORKBOOK.xlsx` and fill that in"
                ).format(file=self.file, sheet=MANIFEST_SHEET)
            )
        specs: dict[str, IndicatorSpec] = {}
        reportable: dict[str, str] = {}
        language = "en"
        version: object = None
        for row, cells in sorted(grid.items()):
            values = [cells[c].value if c in cells else None for c in range(1, 4)]
            record = values[0]
            try:
                if record == "format":
                    if values[1] != FORMAT:
                        raise ValueError(_("not a rubricdsl workbook"))
                    version = values[2]
                elif record == "language":
                    language = values[1] if values[1] in LANGUAGES else "en"
                elif record == "indicator":
                    spec = _spec(json.loads(str(values[1])), self.limits)
                    specs[spec.name] = spec
                elif record == "reportable":
                    name, where = json.loads(str(values[1])), json.loads(str(values[2]))
                    if not isinstance(name, str) or not isinstance(where, str):
                        raise ValueError(_("a name and where it stands must be text"))
                    reportable[name] = where
                elif record not in ("rubric", "level"):
                    raise ValueError(
                        _("unknown record {record}").format(record=shown(str(record), 40))
                    )
            except (ValueError, TypeError, KeyError) as problem:
                raise DataFileError(
                    _(
                        "{file}: the hidden sheet '{sheet}' is damaged at row {row} ({reason}); "
                        "copy the values into a fresh `rubricdsl template`"
                    ).format(
                        file=self.file,
                        sheet=MANIFEST_SHEET,
                        row=row,
                        reason=escape(clip(str(problem), 200)),
                    )
                ) from None
        if version != FORMAT_VERSION:
            raise DataFileError(
                _(
                    "{file}: the hidden sheet '{sheet}' is of workbook format {version}; this "
                    "rubricdsl reads format {expected} (write a fresh template with this "
                    "version's `rubricdsl template`)"
                ).format(
                    file=self.file,
                    sheet=MANIFEST_SHEET,
                    version=shown(str(version), 20),
                    expected=FORMAT_VERSION,
                )
            )
        return _Manifest(specs, reportable, language)

    def _roles(self, manifest: _Manifest) -> dict[str, _Grid]:
        """Which sheet is which, by name in any language; an extra, a missing or a repeated
        sheet is a problem (the instructions may go)."""
        names = {
            "instructions": SHEET_INSTRUCTIONS,
            "data": SHEET_DATA,
            "reported": SHEET_REPORTED,
            "meta": SHEET_META,
        }
        accepted = {
            sheet_name(text).casefold(): role
            for role, message in names.items()
            for text in translations(message)
        }
        roles: dict[str, _Grid] = {}
        seen: dict[str, str] = {}
        for name, grid in self.sheets.items():
            if name.casefold() == MANIFEST_SHEET.casefold():
                continue
            role = accepted.get(name.casefold())
            if role is None or (role == "reported" and not manifest.reportable):
                self.problem(
                    _sheet_ref(name),
                    _(
                        "a sheet the template does not have; remove it (the workbook must keep the "
                        "template's sheets only: give notes in the evidence column)"
                    ),
                )
                continue
            if role in seen:
                self.problem(
                    _sheet_ref(name),
                    _("a second “{sheet}” sheet (the first is {first}); keep one").format(
                        sheet=sheet_name(self._(names[role])), first=_sheet_ref(seen[role])
                    ),
                )
                continue
            seen[role] = name
            if grid is None:
                self.problem(_sheet_ref(name), _("a chart sheet, where the template has a table"))
                continue
            roles[role] = grid
            self._names[role] = name
        wanted = ["data", "meta"] + (["reported"] if manifest.reportable else [])
        for role in wanted:
            if role not in seen:
                expected = sheet_name(self._(names[role]))
                self.problem(
                    _sheet_ref(expected),
                    _("the sheet is missing (deleted or renamed?); the template has it"),
                )
        return roles

    # -- tables: the header row, then rows by their first column

    def _header(
        self, role: str, grid: _Grid, columns: Sequence[Column]
    ) -> tuple[int, dict[str, int]] | None:
        ref = _sheet_ref(self._names[role])
        accepted = {
            _normal(text): column.key for column in columns for text in translations(column.header)
        }
        best: tuple[int, int] | None = None  # (headers recognised, row)
        for row in sorted(r for r in grid if r <= HEADER_ROWS):
            known = sum(
                1
                for cell in grid[row].values()
                if isinstance(cell.value, str) and _normal(cell.value) in accepted
            )
            if known and (best is None or known > best[0]):
                best = (known, row)
        if best is None:
            expected = ", ".join(f"“{self._(c.header)}”" for c in columns)
            self.problem(
                ref,
                _(
                    "no header row ({expected}) in the first {rows} rows; was it renamed or "
                    "deleted?"
                ).format(expected=expected, rows=HEADER_ROWS),
            )
            return None
        header_row = best[1]
        found: dict[str, int] = {}
        for column, cell in sorted(grid[header_row].items()):
            where = f"{ref}!{get_column_letter(column)}{header_row}"
            text = cell.value if isinstance(cell.value, str) else str(cell.value)
            key = accepted.get(_normal(text))
            if key is None:
                expected = ", ".join(f"“{self._(c.header)}”" for c in columns)
                self.problem(
                    where,
                    _(
                        "the column header {header} is not one of this sheet's ({expected}); give "
                        "it back its header, or remove a column of your own"
                    ).format(header=shown(repr(text), 60), expected=expected),
                )
            elif key in found:
                self.problem(
                    where,
                    _("a second column {header} (the first is {first})").format(
                        header=shown(repr(text), 60),
                        first=f"{get_column_letter(found[key])}{header_row}",
                    ),
                )
            else:
                found[key] = column
        for wanted in columns:
            if wanted.key not in found:
                self.problem(
                    f"{ref}!{header_row}:{header_row}",
                    _("no column “{header}” (its header renamed, or the column deleted?)").format(
                        header=self._(wanted.header)
                    ),
                )
        return header_row, found

    def _rows(
        self, grid: _Grid, header_row: int, found: Mapping[str, int]
    ) -> Iterable[tuple[int, dict[str, _Cell]]]:
        """Each row below the header that has something in the template's columns."""
        for row in sorted(r for r in grid if r > header_row):
            cells = {key: grid[row][column] for key, column in found.items() if column in grid[row]}
            if cells:
                yield row, cells

    def _where(self, role: str, found: Mapping[str, int], key: str, row: int) -> str:
        return f"{_sheet_ref(self._names[role])}!{get_column_letter(found[key])}{row}"

    # -- the data sheet

    def _data(
        self, grid: _Grid, manifest: _Manifest
    ) -> tuple[dict[str, object], dict[str, tuple[str, ...]]]:
        header = self._header("data", grid, DATA_COLUMNS)
        indicators: dict[str, object] = {}
        evidence: dict[str, tuple[str, ...]] = {}
        if header is None:
            return indicators, evidence
        header_row, found = header
        if "name" not in found:
            return indicators, evidence
        seen: dict[str, int] = {}
        for row, cells in self._rows(grid, header_row, found):
            name_where = self._where("data", found, "name", row)
            name = self._name(cells.get("name"), name_where, cells, found, row)
            if name is None:
                continue
            spec = manifest.specs.get(name)
            if spec is None:
                close = closest(name, manifest.specs, self.limits)
                if close:
                    message = _("unknown indicator {name}; did you mean '{close}'?")
                else:
                    message = _("unknown indicator {name}")
                self.problem(name_where, message.format(name=shown(repr(name), 60), close=close))
                continue
            if name in seen:
                self.problem(
                    name_where,
                    _("{name} is given twice (first in row {row}); keep one row").format(
                        name=name, row=seen[name]
                    ),
                )
                continue
            seen[name] = row
            # without its value column (a problem said so), the rows are still checked
            value = self._indicator(spec, cells, found, row) if "value" in found else _BAD
            if value is not _BAD:
                indicators[name] = value
            if "evidence" in cells:
                where = self._where("data", found, "evidence", row)
                references = self._references(cells["evidence"], where, name)
                if references:
                    evidence[name] = references
        ref = _sheet_ref(self._names["data"])
        for name, spec in manifest.specs.items():
            if name not in seen:
                if spec.allows_na:
                    message = _(
                        "{name}: missing ({type} or na): its row was deleted; copy it back from a "
                        "fresh template"
                    )
                else:
                    message = _(
                        "{name}: missing ({type}): its row was deleted; copy it back from a fresh "
                        "template"
                    )
                self.problem(ref, message.format(name=name, type=describe(spec)))
        return indicators, evidence

    def _name(
        self,
        cell: _Cell | None,
        where: str,
        cells: Mapping[str, _Cell],
        found: Mapping[str, int],
        row: int,
    ) -> str | None:
        if cell is None:
            filled = ", ".join(f"{get_column_letter(found[key])}{row}" for key in cells)
            self.problem(
                where, _("a row with no name, but with {cells} filled in").format(cells=filled)
            )
            return None
        content = self._content(cell, where)
        if content is _BAD:
            return None
        if isinstance(content, (bool, datetime, date, time, timedelta)):
            self.problem(
                where, _("{value} is not a name").format(value=shown(_text_of(content), 40))
            )
            return None
        return _text_of(content)  # an item id typed as a number (9, 2.1) as its text

    def _indicator(
        self, spec: IndicatorSpec, cells: Mapping[str, _Cell], found: Mapping[str, int], row: int
    ) -> object:
        """The indicator's value as a YAML file would give it (a number as an exact Decimal or an
        int, a bool, a level, a list for a series, {not_applicable: reason}), checked; _BAD when
        a problem was recorded."""
        name = spec.name
        value_where = self._where("data", found, "value", row)
        value = self._content(cells.get("value"), value_where, numeric=True)
        reason: object = None
        reason_where = ""
        if "reason" in found:
            reason_where = self._where("data", found, "reason", row)
            reason = self._text(cells.get("reason"), reason_where, name)
        if value is _BAD or reason is _BAD:
            return _BAD
        if reason is not None:
            if value is not None:
                self.problem(
                    reason_where,
                    _(
                        "{name}: both a value ({cell}) and a reason it is not applicable; keep one"
                    ).format(name=name, cell=value_where),
                )
                return _BAD
            given: object = {NA_KEY: reason}
            where = reason_where
        elif value is None:
            if spec.allows_na and reason_where:
                message = _(
                    "{name}: missing ({type} or na): fill it in, or give the reason it is not "
                    "applicable in {cell}"
                )
            elif spec.allows_na:
                message = _("{name}: missing ({type} or na): fill it in")
            else:
                message = _("{name}: missing ({type}): fill it in")
            self.problem(
                value_where,
                message.format(
                    name=name,
                    type=describe(spec),
                    cell=reason_where.split("!")[1] if reason_where else "",
                ),
            )
            return _BAD
        else:
            given = self._typed(spec, value, value_where)
            where = value_where
            if given is _BAD:
                return _BAD
        try:
            read_value(spec, given)
        except InvalidValueError as error:
            self.problem(where, f"{name}: {error}")
            return _BAD
        return given

    def _typed(self, spec: IndicatorSpec, value: object, where: str) -> object:
        """A cell's value as the type the indicator needs, where the workbook holds it otherwise
        (a yes/no word, a series in one cell, a number typed as text); read_value checks it."""
        name = spec.name
        if isinstance(value, (datetime, date, time, timedelta)):
            self.problem(
                where,
                _(
                    "{name}: a date or time ({value}), not {type}; type the value in a cell not "
                    "formatted as a date"
                ).format(name=name, value=_text_of(value), type=describe(spec)),
            )
            return _BAD
        if spec.kind == "bool":
            if isinstance(value, bool):
                return value
            word = self.bool_words.get(_normal(value)) if isinstance(value, str) else None
            if word is None:
                yes, no = self._(YES), self._(NO)
                self.problem(
                    where,
                    _(
                        "{name}: {value} is not {yes} or {no} (choose one from the list in the "
                        "cell)"
                    ).format(name=name, value=shown(repr(_text_of(value)), 40), yes=yes, no=no),
                )
                return _BAD
            return word
        if spec.kind == "series":
            if not isinstance(value, str):
                self.problem(
                    where,
                    _(
                        "{name}: {value} is one value; the rubric needs {count} yearly values in "
                        "this cell, separated by commas, oldest first (3.1, 2.7, 2.9)"
                    ).format(name=name, value=shown(_text_of(value), 40), count=spec.series_length),
                )
                return _BAD
            parts = [part.strip() for part in _SERIES_SEPARATORS.split(value)]
            return [self._number_text(part) for part in parts]
        if spec.kind in ("count", "percent", "score", "amount", "number"):
            if isinstance(value, str):
                return self._number_text(value)
            if isinstance(value, float):
                return to_decimal(value)
        return value

    def _number_text(self, text: str) -> object:
        """A number typed as text ('95, or a series' part), as the exact Decimal written; the text
        itself when it is not a number, for read_value to say so."""
        plain = text.strip()
        if looks_like_number(plain) and "_" not in plain and number_text_problem(plain) is None:
            with localcontext(EXACT):
                return Decimal(plain)
        return plain

    def _references(self, cell: _Cell, where: str, name: str) -> tuple[str, ...]:
        content = self._content(cell, where)
        if content is _BAD or content is None:
            return ()
        if isinstance(content, (bool, datetime, date, time, timedelta)):
            self.problem(
                where,
                _(
                    "{name}: {value} is not a reference (a document number, a file name or a link)"
                ).format(name=name, value=shown(_text_of(content), 40)),
            )
            return ()
        text = _text_of(content)
        parts = [part.strip() for part in _EVIDENCE_SEPARATORS.split(text)]
        return tuple(part for part in parts if part)

    def _text(self, cell: _Cell | None, where: str, name: str) -> object:
        """A cell of text (a reason): the text, None when empty, _BAD when a problem."""
        content = self._content(cell, where)
        if content is None or content is _BAD:
            return content
        if isinstance(content, (bool, datetime, date, time, timedelta)):
            self.problem(
                where,
                _("{name}: {value} is not a reason").format(
                    name=name, value=shown(_text_of(content), 40)
                ),
            )
            return _BAD
        return _text_of(content)

    def _content(self, cell: _Cell | None, where: str, numeric: bool = False) -> object:
        """What a cell holds: None when empty, text stripped, a number, a bool or a date; _BAD
        (the problem recorded) for an error value, a formula never computed, a text past the
        limit, or a number in a cell formatted as a percentage."""
        if cell is None:
            return None
        if cell.kind == "e":
            if cell.formula:
                message = _("the Excel error {error} from the formula {formula}; correct the cell")
            else:
                message = _("the Excel error {error}; correct the cell")
            self.problem(
                where,
                message.format(
                    error=shown(str(cell.value), 20), formula=shown(cell.formula or "", 60)
                ),
            )
            return _BAD
        if cell.formula is not None and cell.value is None:
            self.problem(
                where,
                _(
                    "the formula {formula} has no computed value (the workbook was not saved by "
                    "Excel or WPS since); open and save it, or type the value"
                ).format(formula=shown(cell.formula, 60)),
            )
            return _BAD
        value = cell.value
        if isinstance(value, str):
            text = value.strip()
            if len(text) > self.limits.max_text_length:
                self.problem(
                    where,
                    _("a text of {length} characters; at most {most} are allowed").format(
                        length=f"{len(text):,}", most=f"{self.limits.max_text_length:,}"
                    ),
                )
                return _BAD
            return text or None
        if numeric and _is_number(value) and _percentage(cell.number_format):
            shown_value = fmt(to_decimal(value) or Decimal(0))
            self.problem(
                where,
                _(
                    "the cell is formatted as a percentage, so it holds {value} where it shows "
                    "that number × 100 %; format it as a number (General) and type the percent "
                    "without % (92.5 for 92.5%)"
                ).format(value=shown_value),
            )
            return _BAD
        if isinstance(value, datetime) and value.time() == time(0):
            return value.date()
        return value

    # -- the sheet of what is reported 合理缺项 as a whole

    def _reported(self, grid: _Grid, manifest: _Manifest) -> dict[object, object]:
        header = self._header("reported", grid, REPORTED_COLUMNS)
        reported: dict[object, object] = {}
        if header is None:
            return reported
        header_row, found = header
        if "name" not in found:
            return reported
        visible = {escape(name): name for name in manifest.reportable}
        seen: dict[str, int] = {}
        for row, cells in self._rows(grid, header_row, found):
            name_where = self._where("reported", found, "name", row)
            shown_name = self._name(cells.get("name"), name_where, cells, found, row)
            if shown_name is None:
                continue
            name = visible.get(shown_name)
            if name is None:
                close = closest(shown_name, visible, self.limits)
                if close:
                    message = _(
                        "{name} is not an item, group or category the rubrics let a district "
                        "report not applicable; did you mean '{close}'?"
                    )
                else:
                    message = _(
                        "{name} is not an item, group or category the rubrics let a district "
                        "report not applicable"
                    )
                self.problem(
                    name_where,
                    message.format(name=shown(repr(shown_name), 60), close=escape(close or "")),
                )
                continue
            if name in seen:
                self.problem(name_where, _given_twice(shown(name), seen[name]))
                continue
            seen[name] = row
            if "reason" in found:
                where = self._where("reported", found, "reason", row)
                reason = self._text(cells.get("reason"), where, escape(name))
                if isinstance(reason, str):
                    reported[name] = reason
        return reported

    # -- the district's details

    def _meta(self, grid: _Grid) -> dict[str, object]:
        header = self._header("meta", grid, META_COLUMNS)
        meta: dict[str, object] = {}
        if header is None:
            return meta
        header_row, found = header
        if "key" not in found or "value" not in found:
            return meta
        seen: dict[str, int] = {}
        for row, cells in self._rows(grid, header_row, found):
            if "value" not in cells:
                continue
            key_where = self._where("meta", found, "key", row)
            key = self._name(cells.get("key"), key_where, cells, found, row)
            if key is None:
                continue
            if len(key) > self.limits.max_name_length:
                self.problem(
                    key_where,
                    _("a key of {length} characters; keys have at most {most}").format(
                        length=f"{len(key):,}", most=f"{self.limits.max_name_length:,}"
                    ),
                )
                continue
            if key in seen:
                self.problem(key_where, _given_twice(shown(key), seen[key]))
                continue
            seen[key] = row
            value = self._content(cells["value"], self._where("meta", found, "value", row))
            if value is _BAD or value is None:
                continue
            if isinstance(value, float):
                value = to_decimal(value)
                if isinstance(value, Decimal) and value == value.to_integral_value():
                    value = int(value)
            elif isinstance(value, (time, timedelta)):
                value = str(value)
            meta[key] = value
        return meta


def _given_twice(name: str, first: int) -> str:
    return _("{name} is given twice (first in row {row})").format(name=name, row=first)


def _spec(payload: object, limits: Limits) -> IndicatorSpec:
    """An indicator's declaration as the hidden sheet records it; ValueError when damaged."""
    if not isinstance(payload, dict):
        raise ValueError("an indicator record must be a mapping")
    name, kind = payload["name"], payload["kind"]
    if not isinstance(name, str) or not name or len(name) > limits.max_name_length:
        raise ValueError("an indicator's name must be text")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {shown(str(kind), 20)}")
    length = payload.get("length")
    levels = payload.get("levels") or []
    unit = payload.get("unit")
    label = payload.get("label")
    if kind == "series" and (type(length) is not int or length < 1):
        raise ValueError(f"{name}: a series needs its length")
    if not isinstance(levels, list) or not all(isinstance(level, str) for level in levels):
        raise ValueError(f"{name}: the levels must be a list of names")
    if kind == "enum" and not levels:
        raise ValueError(f"{name}: an enum needs its levels")
    if not isinstance(payload.get("na"), bool):
        raise ValueError(f"{name}: whether it may be not applicable must be true or false")
    if unit is not None and not isinstance(unit, str):
        raise ValueError(f"{name}: the unit must be text")
    if label is not None and not isinstance(label, str):
        raise ValueError(f"{name}: the label must be text")
    return IndicatorSpec(
        name=name,
        kind=kind,
        allows_na=payload["na"],
        label=label,
        span=Span.point(1, 1),
        unit=unit,
        series_length=length if kind == "series" else None,
        levels=tuple(levels),
    )


def _bool_words() -> dict[str, bool]:
    """The words a yes/no cell may hold: the list's yes and no in every language, and TRUE and
    FALSE (any case), which Excel itself writes."""
    words: dict[str, bool] = {"true": True, "false": False}
    for message, meaning in ((YES, True), (NO, False)):
        for text in translations(message):
            words.setdefault(_normal(text), meaning)
    return words


def _sheet_ref(name: str) -> str:
    """A sheet's name as Excel writes it in a reference: quoted when it holds more than letters,
    digits and _ (数据!D14, 'Not applicable'!D3), escaped for a message."""
    if name and all(character.isalnum() or character == "_" for character in name):
        return escape(name)
    return escape("'" + name.replace("'", "''") + "'")


def _percentage(number_format: str) -> bool:
    """Whether a number format shows the value × 100 with a % sign (a % outside quotes)."""
    plain = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in plain


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text_of(value: object) -> str:
    """A cell's value as text in a message or a reference: a number as the decimal it is."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        number = to_decimal(value)
        return fmt(number) if number is not None and number.is_finite() else str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


__all__ = [
    "DATA_COLUMNS",
    "MANIFEST_SHEET",
    "META_COLUMNS",
    "REPORTED_COLUMNS",
    "SHEET_DATA",
    "SHEET_INSTRUCTIONS",
    "SHEET_META",
    "SHEET_REPORTED",
    "UNPACKED_FACTOR",
    "Template",
    "build_template",
    "read_workbook",
    "sheet_name",
    "write_template",
]
