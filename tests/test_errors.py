"""Errors and warnings a rubric author can cause: right class, exact place, caret, message, hint."""

from __future__ import annotations

import pytest
from wcwidth import wcswidth

import rubricdsl
from rubricdsl import RubricCompileError, RubricError, RubricSyntaxError

DECLARATIONS = (
    'flag: bool  pct: percent  n: count  s: series(3)  s1: series(1)  lvl: enum(high "高", low)  '
    'amt: amount("万元")  yuan: amount("元")  sc: score'
)


def rubric_text(rules: str, declarations: str = DECLARATIONS) -> str:
    """A rubric whose only item's rules sit on line 7, starting at column 5."""
    return (
        'rubric "错误"\n'  # line 1
        "year 2020\n"  # line 2
        "base 10\n"  # line 3
        f"indicators {{ {declarations} }}\n"  # line 4: the first name is at column 14
        'category "c" 10 {\n'  # line 5: the points are at column 14
        '  item 1 "i" 10 {\n'  # line 6: `item` at column 3, the points at column 14
        f"    {rules}\n"  # line 7
        "  }\n"  # line 8
        "}\n"  # line 9
    )


def caret_column(error: Exception, line: int) -> tuple[int, str]:
    """The display column (1-based) the caret points at, under the quoted source line."""
    rendered = str(error).splitlines()
    for index, text in enumerate(rendered):
        if text.startswith(f"{line:>5} | "):
            source = text[len(f"{line:>5} | ") :]
            marks = rendered[index + 1]
            assert marks.startswith("      | "), marks
            carets = marks[len("      | ") :]
            assert carets.strip("^ ") == "", carets
            return carets.index("^") + 1, source
    raise AssertionError(f"no excerpt of line {line} in:\n{error}")


def assert_caret_under(error: Exception, line: int, column: int) -> None:
    """The caret sits under character `column` of the source line (wide characters count 2)."""
    shown, source = caret_column(error, line)
    assert shown == wcswidth(source[: column - 1]) + 1, str(error)


# ---- syntax errors -----------------------------------------------------------------------

SYNTAX = [
    # id, rules on line 7, line, column, message fragments, hint fragment
    (
        "missing string after a rule",
        "10 when flag",
        8,
        3,  # the `}` closing the item, where the wording should be
        ["unexpected '}'", 'a quoted "string"'],
        "wording in double quotes",
    ),
    (
        "single =",
        '10 when n = 1 "x"',
        7,
        15,
        ["unexpected '='", "a comparison"],
        "a single = is not a comparison",
    ),
    (
        "percent sign",
        '10 when pct >= 90% "x"',
        7,
        22,
        ["unexpected character '%'"],
        "not >= 90%",
    ),
    (
        "full-width parenthesis",
        '10 when （flag） "x"',
        7,
        13,
        ["unexpected character '（'"],
        "ascii punctuation",
    ),
    (
        "curly quotes around a string",
        "10 when flag “x”",
        7,
        18,
        ["unexpected character '“'"],
        "straight double quotes",
    ),
    (
        "points missing",
        'when flag "x"',
        7,
        5,
        ["unexpected 'when'", "a number"],
        None,
    ),
    (
        "wording before the points",
        '"x" 10 when flag',
        7,
        5,
        ["unexpected '\"x\"'", "a number"],
        "points, then the condition, then the wording",
    ),
    (
        "comparison missing its right side",
        '10 when pct >= "x"',
        7,
        20,
        ["unexpected '\"x\"'"],
        None,
    ),
]


@pytest.mark.parametrize(
    ("rules", "line", "column", "fragments", "hint"),
    [case[1:] for case in SYNTAX],
    ids=[case[0] for case in SYNTAX],
)
def test_syntax_errors(rules, line, column, fragments, hint):
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_text(rules), source_name="bad.rubric")
    error = caught.value
    assert isinstance(error, RubricError)
    assert (error.line, error.column) == (line, column)
    assert str(error).startswith(f"bad.rubric:{line}:{column}: error: ")
    for fragment in fragments:
        assert fragment in str(error)
    if hint is not None:
        assert error.hint is not None
        assert hint in error.hint
        assert f"hint: {error.hint}" in str(error)
    assert_caret_under(error, line, column)
    assert len(error.diagnostics) == 1
    assert error.diagnostics[0].code == "syntax"


def test_full_width_character_gets_a_double_width_caret():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_text('10 when （flag） "x"'))
    shown, _ = caret_column(caught.value, 7)
    # `    10 when ` takes 12 columns; `（` takes two, so two carets
    assert shown == 13
    assert "\n      | " + " " * 12 + "^^\n" in str(caught.value)


def test_caret_after_chinese_text_is_under_the_bad_character():
    text = rubric_text('10 when flag "中文说明" = "x"')
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    # `=` is character 25 of `    10 when flag "中文说明" = "x"`; before it, the 4 Chinese
    # characters take 8 columns and the other 20 characters one each: the caret is at column 29
    assert (caught.value.line, caught.value.column) == (7, 25)
    shown, _ = caret_column(caught.value, 7)
    assert shown == 29


def test_caret_on_a_tab_indented_line():
    text = rubric_text('10 when n = 1 "x"').replace("    10 when", "\t\t10 when")
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    # two tabs then `10 when n ` (10 characters): `=` is character 13
    assert (caught.value.line, caught.value.column) == (7, 13)
    assert_caret_under(caught.value, 7, 13)


def test_unclosed_brace_at_end_of_file():
    text = rubric_text('10 when flag "x"')
    text = text[: text.rindex("}")]  # drop the category's closing brace; the file ends with "  }\n"
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    error = caught.value
    # the end of the last line `  }`
    assert (error.line, error.column) == (8, 4)
    assert "ends too early" in str(error)
    assert '"}"' in str(error)
    assert_caret_under(error, 8, 4)


def test_unclosed_string():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_text('10 when flag "x'))
    assert (caught.value.line, caught.value.column) == (7, 18)
    assert "unexpected character '\"'" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "line", "column", "bad"),
    [
        # an uppercase name where an indicator name belongs, in a declaration
        ('rubric "t"\nyear 2020\nbase 10\nindicators { Flag: bool }\n', 4, 14, "Flag"),
        # and in a condition
        (rubric_text('10 when Flag "x"'), 7, 13, "Flag"),
    ],
    ids=["declaration", "condition"],
)
def test_uppercase_identifier(text, line, column, bad):
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert f"unexpected {bad!r}" in str(error)
    assert "an indicator name (lowercase ascii, digits, _)" in str(error)
    assert error.hint is not None
    assert "lowercase" in error.hint


def test_missing_item_points():
    text = rubric_text('10 when flag "x"').replace('item 1 "i" 10 {', 'item 1 "i" {')
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    # `  item 1 "i" {`: the brace is character 14
    assert (caught.value.line, caught.value.column) == (6, 14)
    assert "unexpected '{': expected a number" in str(caught.value)


# ---- compile errors: indicators and types --------------------------------------------------

COMPILE = [
    # id, rules on line 7, code, column, message fragment, hint fragment
    (
        "undefined with typo",
        '10 when flga "x"',
        "undefined-indicator",
        13,
        "undefined indicator 'flga'",
        "did you mean 'flag'?",
    ),
    (
        "undefined, nothing close",
        '10 when zzqqxx "x"',
        "undefined-indicator",
        13,
        "undefined indicator 'zzqqxx'",
        "indicators { } block",
    ),
    (
        "undefined in a comparison",
        '10 when pcnt >= 90 "x"',
        "undefined-indicator",
        13,
        "undefined indicator 'pcnt'",
        "did you mean 'pct'?",
    ),
    (
        "undefined per unit",
        '1 per nn max 2 "x"',
        "undefined-indicator",
        11,
        "undefined indicator 'nn'",
        "did you mean 'n'?",
    ),
    (
        "bool >= 90",
        '10 when flag >= 90 "x"',
        "type-mismatch",
        13,
        "a bool compared with a number",
        "true/false",
    ),
    (
        "percent compared with a bool",
        '10 when pct == flag "x"',
        "type-mismatch",
        13,
        "a bool compared with a percent",
        "true/false",
    ),
    (
        "bools have no order",
        '10 when flag > true "x"',
        "type-mismatch",
        13,
        "bools have no order",
        None,
    ),
    (
        "series used as a number",
        '10 when s >= 3 "x"',
        "type-mismatch",
        13,
        "'s' is a series, used here as a single number",
        "last(s)",
    ),
    (
        "percent used as a bool flag",
        '10 when pct "x"',
        "type-mismatch",
        13,
        "'pct' is a percent, not a bool",
        "pct >= 90",
    ),
    (
        "series used as a bool flag",
        '10 when s and flag "x"',
        "type-mismatch",
        13,
        "series of 3 yearly values, not a bool",
        "decreasing(s)",
    ),
    (
        "enum used as a bool flag",
        '10 when lvl "x"',
        "type-mismatch",
        13,
        "enum of high, low, not a bool",
        "lvl == high",
    ),
    (
        "enum compared with >=",
        '10 when lvl >= high "x"',
        "type-mismatch",
        13,
        "compare it with == or !=, not >=",
        "highest { }",
    ),
    (
        "unknown enum level",
        '10 when lvl == hihg "x"',
        "unknown-level",
        20,
        "'hihg' is not a level of 'lvl'",
        "did you mean 'high'?",
    ),
    (
        "unknown enum level, nothing close",
        '10 when lvl == medium "x"',
        "unknown-level",
        20,
        "'medium' is not a level of 'lvl'",
        "its levels are: high, low",
    ),
    (
        "enum compared with a number",
        '10 when lvl == 3 "x"',
        "type-mismatch",
        20,
        "compare it with one of its levels",
        None,
    ),
    (
        "percent compared with a score",
        '10 when pct >= sc "x"',
        "type-mismatch",
        13,
        "a percent compared with a score",
        "declare one as number",
    ),
    (
        "count compared with an amount",
        '10 when n >= amt "x"',
        "type-mismatch",
        13,
        "a count compared with a",
        None,
    ),
    (
        "amounts in different units",
        '10 when amt >= yuan "x"',
        "type-mismatch",
        13,
        "amounts in different units: 万元 and 元",
        None,
    ),
    ("two numbers", '10 when 3 > 2 "x"', "constant-comparison", 13, "compares two constants", None),
    (
        "scaled by a count",
        '10 scaled by n "x"',
        "type-mismatch",
        18,
        "'scaled by' needs a percent or score, but 'n' is a count",
        None,
    ),
    (
        "per a bool",
        '1 per flag max 10 "x"',
        "type-mismatch",
        11,
        "'per' counts units of a number, but 'flag' is a bool",
        None,
    ),
    (
        "per an enum",
        '1 per lvl max 10 "x"',
        "type-mismatch",
        11,
        "'per' counts units of a number",
        None,
    ),
    (
        "decreasing of a count",
        '10 when decreasing(n) "x"',
        "type-mismatch",
        24,
        "decreasing() needs a series, but 'n' is a count",
        None,
    ),
    (
        "increasing of a one-year series",
        '10 when increasing(s1) "x"',
        "type-mismatch",
        24,
        "increasing() needs at least 2 yearly values; 's1' has 1",
        None,
    ),
    (
        "previous of a one-year series",
        '10 when previous(s1) > 1 "x"',
        "type-mismatch",
        22,
        "previous() needs at least 2 yearly values",
        None,
    ),
    (
        "last of a percent",
        '10 when last(pct) > 1 "x"',
        "type-mismatch",
        18,
        "last() needs a series, but 'pct' is a percent",
        None,
    ),
    (
        "rule giving 0 points",
        '0 when flag "x"',
        "bad-points",
        5,
        "a rule giving 0 points does nothing",
        None,
    ),
    (
        "always giving 0 points",
        '0 always "x"',
        "bad-points",
        5,
        "a rule giving 0 points does nothing",
        None,
    ),
    (
        "tier giving 0 points",
        'highest "x" { 0 when flag "y" }',
        "bad-points",
        19,
        "a tier declares 0 points",
        None,
    ),
    (
        "proportional giving 0 points",
        '0 scaled by pct "x"',
        "bad-points",
        5,
        "a proportional rule of 0 points does nothing",
        None,
    ),
    (
        "positive per unit without max",
        '1 per n "x"',
        "missing-maximum",
        5,
        "points per unit need a maximum",
        'write: 1 per n max <points> "…"',
    ),
    (
        "0 points per unit",
        '0 per n max 2 "x"',
        "bad-points",
        5,
        "0 points per unit does nothing",
        None,
    ),
    (
        "per unit step 0",
        '1 per 0 of n max 2 "x"',
        "bad-points",
        5,
        "a unit of 0 must be positive",
        None,
    ),
    ("per unit max 0", '-1 per n max 0 "x"', "bad-points", 5, "max 0 must be positive", None),
]


@pytest.mark.parametrize(
    ("rules", "code", "column", "message", "hint"),
    [case[1:] for case in COMPILE],
    ids=[case[0] for case in COMPILE],
)
def test_compile_errors_in_rules(rules, code, column, message, hint):
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(rubric_text(rules), source_name="bad.rubric")
    error = caught.value
    assert isinstance(error, RubricError)
    assert [d.code for d in error.diagnostics] == [code], str(error)
    assert (error.line, error.column) == (7, column)
    assert message in str(error)
    assert str(error).startswith(f"bad.rubric:7:{column}: error: ")
    if hint is not None:
        assert error.hint is not None
        assert hint in error.hint
        assert f"hint: {error.hint}" in str(error)
    assert_caret_under(error, 7, column)
    found = error.diagnostics[0]
    assert found.severity == "error"
    assert found.to_dict()["line"] == 7
    assert found.to_dict()["column"] == column


def test_comparing_two_bool_literals_is_a_constant_comparison():
    # like `3 > 2`, `true == false` never changes and reads no indicator
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(rubric_text('10 when flag and true == false "x"'))
    assert [d.code for d in caught.value.diagnostics] == ["constant-comparison"]
    assert (caught.value.line, caught.value.column) == (7, 22)


def test_undefined_indicator_in_a_top_level_veto():
    text = rubric_text('10 when flag "x"') + 'veto when acidents > 0 "事故"\n'
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    # line 10 `veto when acidents > 0 "事故"`: the name is at column 11; no declared name is close
    assert (caught.value.line, caught.value.column) == (10, 11)
    assert "undefined indicator 'acidents'" in str(caught.value)


# ---- compile errors: declarations, structure, header ------------------------------------------


def compile_error(text: str) -> RubricCompileError:
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text, source_name="bad.rubric")
    return caught.value


def test_duplicate_indicator():
    error = compile_error(rubric_text('10 when a "x"', declarations="a: bool  a: count"))
    # `indicators { a: bool  a: count }`: the second `a` is at column 23
    assert [d.code for d in error.diagnostics] == ["duplicate-indicator"]
    assert (error.line, error.column) == (4, 23)
    assert "indicator 'a' is declared twice" in str(error)
    assert error.hint == "first declared on line 4"
    assert_caret_under(error, 4, 23)


def test_duplicate_item_id():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        'category "c" 10 {\n'
        '  item 1 "i" 5 { 5 when a "x" }\n'  # line 6
        '  item 1 "j" 5 { 5 when a "y" }\n'  # line 7
        "}\n"
    )
    error = compile_error(text)
    assert [d.code for d in error.diagnostics] == ["duplicate-item"]
    assert (error.line, error.column) == (7, 8)  # the second `1`
    assert "item id '1' is used twice" in str(error)
    assert error.hint == "first used on line 6"


def test_duplicate_item_id_across_categories():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        'category "c" 5 { item 3a "i" 5 { 5 when a "x" } }\n'  # line 5
        'category "d" 5 { item 3a "j" 5 { 5 when a "y" } }\n'  # line 6, `3a` at column 23
    )
    error = compile_error(text)
    assert (error.line, error.column) == (6, 23)
    assert error.hint == "first used on line 5"


def test_duplicate_enum_level():
    error = compile_error(rubric_text('10 when lvl == a "x"', declarations="lvl: enum(a, b, a)"))
    # `indicators { lvl: enum(a, b, a) }`: the second `a` is at column 30
    assert [d.code for d in error.diagnostics] == ["duplicate-level"]
    assert (error.line, error.column) == (4, 30)


@pytest.mark.parametrize("length", ["0", "2.5"])
def test_bad_series_length(length):
    error = compile_error(
        rubric_text('10 when flag "x"', declarations=f"flag: bool  s: series({length})")
    )
    # `indicators { flag: bool  s: series(…) }`: the type starts at column 29
    assert [d.code for d in error.diagnostics] == ["bad-series-length"]
    assert (error.line, error.column) == (4, 29)


def test_empty_item():
    error = compile_error(rubric_text(""))
    assert [d.code for d in error.diagnostics] == ["empty-item"]
    assert (error.line, error.column) == (6, 3)
    assert "item 1 has no scoring rules" in str(error)


def test_item_with_only_a_veto_is_empty():
    error = compile_error(rubric_text('veto when flag "x"'))
    assert [d.code for d in error.diagnostics] == ["empty-item"]


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "message"),
    [
        # the points token of `  item 1 "i" 10 {`, column 14
        ('item 1 "i" 10 {', 'item 1 "i" 0 {', 6, 14, "item 1 declares 0 points"),
        ('item 1 "i" 10 {', 'item 1 "i" -2 {', 6, 14, "item 1 declares -2 points"),
        # the points token of `category "c" 10 {`, column 14
        ('category "c" 10 {', 'category "c" 0 {', 5, 14, "category 'c' declares 0 points"),
        ('category "c" 10 {', 'category "c" -1 {', 5, 14, "category 'c' declares -1 point:"),
    ],
)
def test_zero_or_negative_declared_points(old, new, line, column, message):
    error = compile_error(rubric_text('10 when flag "x"').replace(old, new))
    assert [d.code for d in error.diagnostics] == ["bad-points"]
    assert (error.line, error.column) == (line, column)
    assert message in str(error)
    assert_caret_under(error, line, column)


@pytest.mark.parametrize("total", ["0", "-3"])
def test_zero_or_negative_group_total(total):
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        'category "c" 10 {\n'
        f'  group "g" {total} {{\n'  # line 6, `group` at column 3
        '    item 1 "i" 10 { 10 when a "x" }\n'
        "  }\n}\n"
    )
    error = compile_error(text)
    assert [d.code for d in error.diagnostics] == ["bad-points"]
    assert (error.line, error.column) == (6, 3)
    assert f"group 'g' declares {total} points" in str(error)


def test_zero_cap():
    error = compile_error(rubric_text('10 when flag "x"').replace('"i" 10 {', '"i" 10 cap 0 {'))
    assert [d.code for d in error.diagnostics] == ["bad-points"]
    # `  item 1 "i" 10 cap 0 {`: the error points at `cap 0`, column 17
    assert (error.line, error.column) == (6, 17)
    assert "item 1 has cap 0: a cap must be positive" in str(error)
    assert_caret_under(error, 6, 17)


@pytest.mark.parametrize(("value", "column"), [("0", 6), ("-5", 6)])
def test_zero_or_negative_base(value, column):
    error = compile_error(rubric_text('10 when flag "x"').replace("base 10", f"base {value}"))
    assert [d.code for d in error.diagnostics] == ["bad-points"]
    assert (error.line, error.column) == (3, column)
    assert f"the base maximum must be positive, not {value}" in str(error)


def test_negative_bonus():
    error = compile_error(
        rubric_text('10 when flag "x"').replace("base 10\n", "base 10\nbonus -1\n")
    )
    assert [d.code for d in error.diagnostics] == ["bad-points"]
    assert (error.line, error.column) == (4, 7)
    assert "the bonus maximum must be positive, not -1" in str(error)


@pytest.mark.parametrize("year", ["2020.5", "0"])
def test_bad_year(year):
    error = compile_error(rubric_text('10 when flag "x"').replace("year 2020", f"year {year}"))
    assert [d.code for d in error.diagnostics] == ["bad-year"]
    assert (error.line, error.column) == (2, 6)


def test_bonus_category_without_bonus_maximum():
    text = (
        rubric_text('10 when flag "x"')
        + 'bonus category "加分" 5 { item 2 "j" 5 { 5 when flag "y" } }\n'  # line 10
    )
    error = compile_error(text)
    assert [d.code for d in error.diagnostics] == ["bonus-without-maximum"]
    assert (error.line, error.column) == (10, 1)
    assert "bonus category '加分' but the rubric declares no bonus maximum" in str(error)
    assert error.hint == "add a line: bonus 5"  # what the bonus category declares


def test_bonus_zero_is_no_bonus_maximum():
    text = (
        rubric_text('10 when flag "x"').replace("base 10\n", "base 10\nbonus 0\n")
        + 'bonus category "加分" 5 { item 2 "j" 5 { 5 when flag "y" } }\n'  # line 11
    )
    error = compile_error(text)
    assert [d.code for d in error.diagnostics] == ["bonus-without-maximum"]
    assert error.line == 11


@pytest.mark.parametrize(
    ("drop", "message", "hint"),
    [
        ('rubric "错误"\n', "the rubric has no title", 'start the file with: rubric "<title>"'),
        ("year 2020\n", "the rubric has no year", "add a line: year 2020"),
        ("base 10\n", "the rubric declares no base maximum", "add a line: base 100"),
    ],
)
def test_missing_header_field(drop, message, hint):
    error = compile_error(rubric_text('10 when flag "x"').replace(drop, ""))
    assert [d.code for d in error.diagnostics] == ["missing-header"]
    assert (error.line, error.column) == (1, 1)
    assert message in str(error)
    assert error.hint == hint
    assert_caret_under(error, 1, 1)


def test_whole_header_missing_reports_three_errors():
    text = 'indicators { a: bool }\ncategory "c" 10 { item 1 "i" 10 { 10 when a "x" } }\n'
    error = compile_error(text)
    assert [d.code for d in error.diagnostics] == ["missing-header"] * 3
    assert str(error).endswith("(3 errors)")


def test_empty_text_reports_the_missing_header():
    error = compile_error("")
    assert [d.message for d in error.diagnostics] == [
        "the rubric has no title",
        "the rubric has no year",
        "the rubric declares no base maximum",
    ]


def test_duplicate_header_field():
    error = compile_error(rubric_text('10 when flag "x"') + "year 2021\n")
    assert [d.code for d in error.diagnostics] == ["duplicate-header"]
    assert (error.line, error.column) == (10, 6)
    assert error.hint == "first given on line 2"


def test_several_errors_reported_at_once_sorted_by_position():
    text = (
        'rubric "多处错误"\n'  # 1
        "year 2020\n"  # 2
        "base 10\n"  # 3
        "indicators { a: bool  a: count  p: percent }\n"  # 4: duplicate `a` at column 23
        'category "c" 10 {\n'  # 5
        '  item 1 "i" 0 { 5 when b "x" }\n'  # 6: 0 points at 14, undefined `b` at 25
        '  item 2 "j" 5 { 5 when p "y" }\n'  # 7: percent as a flag at 25
        "}\n"  # 8
        "base 20\n"  # 9: base given twice, found first but written last
    )
    error = compile_error(text)
    assert [(d.line, d.column, d.code) for d in error.diagnostics] == [
        (4, 23, "duplicate-indicator"),
        (6, 14, "bad-points"),
        (6, 25, "undefined-indicator"),
        (7, 25, "type-mismatch"),
        (9, 6, "duplicate-header"),
    ]
    assert (error.line, error.column) == (4, 23)
    rendered = str(error)
    assert rendered.endswith("(5 errors)")
    places = [(4, 23), (6, 14), (6, 25), (7, 25), (9, 6)]
    positions = [rendered.index(f"bad.rubric:{line}:{column}: error:") for line, column in places]
    assert positions == sorted(positions)


def test_compile_error_is_reported_before_warnings_matter():
    # a rubric with an error raises, however many warnings it would also earn
    with pytest.raises(RubricCompileError):
        rubricdsl.loads(rubric_text('10 when nope "x"'))


# ---- robustness: broken text raises RubricError, never anything else -----------------------------

SMALL = """\
rubric "小"
year 2020
base 10
bonus 2
indicators { a: bool  n: count or na  s: series(3)  lvl: enum(x, y) }
veto when n > 9 "否决"
category "c" 10 {
  group "g" 6 {
    item 1 "i" 6 cap 6 { 2 when a and not (n >= 1 or lvl == x) "甲"  4 when decreasing(s) "乙" }
  }
  item 2 "j" 4 { 4 always "基础"  -1 per n max 2 "扣"  highest "级" { 1 when lvl == y "y" } }
}
bonus category "加" 2 {
  item 3 "k" 2 { 0.5 per 2 of n max 2 "每"  2 when last(s) < previous(s) "降" }
}
"""


def test_small_rubric_is_valid():
    rubricdsl.loads(SMALL)


def test_every_truncation_raises_a_rubric_error_or_loads():
    for end in range(len(SMALL)):
        try:
            rubricdsl.loads(SMALL[:end])
        except RubricError:
            pass


def test_every_single_character_deletion_raises_a_rubric_error_or_loads():
    for index in range(len(SMALL)):
        try:
            rubricdsl.loads(SMALL[:index] + SMALL[index + 1 :])
        except RubricError:
            pass


@pytest.mark.parametrize("junk", ["=", "%", "（", "“", "$", "@", "A", "\\", "'", "0", ":", ","])
def test_junk_inserted_anywhere_raises_a_rubric_error_or_loads(junk):
    for index in range(0, len(SMALL), 3):
        try:
            rubricdsl.loads(SMALL[:index] + junk + SMALL[index:])
        except RubricError:
            pass


def test_loads_rejects_bytes():
    with pytest.raises(RubricError, match="must be str"):
        rubricdsl.loads(SMALL.encode())  # type: ignore[arg-type]


# ---- warnings -------------------------------------------------------------------------------


def warnings_of(text: str) -> list[tuple[str, int | None, int | None]]:
    return [(w.code, w.line, w.column) for w in rubricdsl.loads(text).warnings]


def test_clean_rubric_has_no_warnings():
    assert (
        rubricdsl.loads(rubric_text('10 when flag "x"', declarations="flag: bool")).warnings == ()
    )


def test_unreachable_item_maximum():
    rubric = rubricdsl.loads(rubric_text('4 when flag "x"', declarations="flag: bool"))
    (warning,) = rubric.warnings
    assert (warning.code, warning.line, warning.column) == ("unreachable-maximum", 6, 14)
    assert warning.severity == "warning"
    assert warning.message == "item 1 declares 10 points but its rules reach only 4"
    assert warning.hint is not None


def test_rules_exceeding_declared_points_without_cap():
    rubric = rubricdsl.loads(
        rubric_text('6 when a "x"  6 when b "y"', declarations="a: bool  b: bool")
    )
    (warning,) = rubric.warnings
    assert (warning.code, warning.line, warning.column) == ("rules-exceed-maximum", 6, 14)
    assert "item 1's rules reach 12, past its declared 10" in warning.message
    assert "cap 10" in (warning.hint or "")


def test_rules_exceeding_declared_points_with_cap_do_not_warn():
    text = rubric_text('6 when a "x"  6 when b "y"', declarations="a: bool  b: bool")
    assert rubricdsl.loads(text.replace('"i" 10 {', '"i" 10 cap 10 {')).warnings == ()


def test_cap_above_declared_points():
    text = rubric_text('6 when a "x"  6 when b "y"', declarations="a: bool  b: bool")
    codes = warnings_of(text.replace('"i" 10 {', '"i" 10 cap 12 {'))
    assert codes == [("cap-above-points", 6, 14)]


def test_reach_counts_per_unit_max_tiers_and_proportional():
    # 2 (per unit max) + 3 (highest tier) + 5 (scaled) = 10: reaches the item exactly
    text = rubric_text(
        '2 per n max 2 "x"  highest "y" { 1 when a "1" 3 when not a "3" }  5 scaled by p "z"',
        declarations="a: bool  n: count  p: percent",
    )
    assert warnings_of(text) == []


def test_deductions_do_not_count_towards_reach():
    text = rubric_text('4 always "x"  -1 per n "y"', declarations="n: count")
    assert warnings_of(text) == [("unreachable-maximum", 6, 14)]


def test_category_whose_items_declare_more():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool  b: bool }\n'
        'category "c" 10 {\n'  # line 5: points at column 14
        '  item 1 "i" 6 { 6 when a "x" }\n'
        '  item 2 "j" 6 { 6 when b "y" }\n'
        "}\n"
    )
    (warning,) = rubricdsl.loads(text).warnings
    assert (warning.code, warning.line, warning.column) == ("rules-exceed-maximum", 5, 14)
    assert "category 'c' declares 10, its items declare 12" in warning.message


def test_category_whose_items_declare_less():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        'category "c" 10 {\n'
        '  item 1 "i" 8 { 8 when a "x" }\n'
        "}\n"
    )
    (warning,) = rubricdsl.loads(text).warnings
    assert (warning.code, warning.line, warning.column) == ("unreachable-maximum", 5, 14)
    assert "category 'c' declares 10 but reaches only 8" in warning.message


def test_group_total_different_from_its_items():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool  b: bool }\n'
        'category "c" 10 {\n'
        '  group "g" 5 {\n'  # line 6: `group` at column 3
        '    item 1 "i" 4 { 4 when a "x" }\n'
        '    item 2 "j" 4 { 4 when b "y" }\n'
        "  }\n"
        '  item 3 "k" 5 { 5 when a "z" }\n'
        "}\n"
    )
    assert warnings_of(text) == [("rules-exceed-maximum", 6, 3)]


def test_base_different_from_its_categories():
    text = rubric_text('10 when flag "x"', declarations="flag: bool").replace("base 10", "base 100")
    (warning,) = rubricdsl.loads(text).warnings
    assert warning.code == "unreachable-maximum"
    assert "the base maximum declares 100" in warning.message
    assert warning.line is None


def test_unused_indicator():
    text = rubric_text('10 when flag "x"', declarations="flag: bool  spare: count")
    (warning,) = rubricdsl.loads(text).warnings
    # `indicators { flag: bool  spare: count }`: `spare` at column 26
    assert (warning.code, warning.line, warning.column) == ("unused-indicator", 4, 26)
    assert warning.message == "indicator 'spare' is declared but never used"
    assert "^^^^^" in str(warning)


@pytest.mark.parametrize(
    ("condition", "code", "literal"),
    [
        ("pct >= 120", "never-holds", "120"),
        ("pct < -1", "never-holds", "-1"),
        ("120 <= pct", "never-holds", "120"),
        ("sc > 100.5", "never-holds", "100.5"),
        ("n >= -1", "always-holds", "-1"),
        ("amt < -0.5", "never-holds", "-0.5"),
    ],
)
def test_literal_out_of_range(condition, code, literal):
    text = rubric_text(
        f'10 when {condition} "x"',
        declarations='pct: percent  sc: score  n: count  amt: amount("万元")',
    )
    found = [w for w in rubricdsl.loads(text).warnings if w.code.endswith("-holds")]
    # one warning, at the comparison: `    10 when ` is 12 characters
    assert [(w.code, w.line, w.column) for w in found] == [(code, 7, 13)]
    assert f"{literal} is outside the values it can take" in found[0].message


@pytest.mark.parametrize(
    "condition", ["pct >= 100", "pct > 0", "sc <= 99.5", "sc < 100", "g < -1000", "n == 2"]
)
def test_literal_in_range_does_not_warn(condition):
    text = rubric_text(
        f'10 when {condition} "x"', declarations="pct: percent  sc: score  g: number  n: count"
    )
    assert [w.code for w in rubricdsl.loads(text).warnings if w.code.endswith("-holds")] == []


def test_warnings_are_sorted_and_reach_the_result():
    text = (
        'rubric "t"\nyear 2020\nbase 10\n'
        "indicators { spare: bool  pct: percent }\n"  # line 4: `spare` at column 14
        'category "c" 10 {\n'
        '  item 1 "i" 10 { 4 when pct >= 101 "x" }\n'  # line 6: points 14, literal 33
        "}\n"
    )
    rubric = rubricdsl.loads(text)
    assert [(w.code, w.line, w.column) for w in rubric.warnings] == [
        ("unused-indicator", 4, 14),
        ("unreachable-maximum", 6, 14),
        ("never-holds", 6, 26),
    ]
    result = rubric.evaluate({"spare": True, "pct": 100})
    assert result.warnings == rubric.warnings
    assert [w["code"] for w in result.to_dict()["warnings"]] == [
        "unused-indicator",
        "unreachable-maximum",
        "never-holds",
    ]


# ---- loading files -------------------------------------------------------------------------


def test_load_missing_file(tmp_path):
    path = tmp_path / "nope.rubric"
    with pytest.raises(RubricError) as caught:
        rubricdsl.load(path)
    assert str(path) in str(caught.value)
    assert "no such rubric file" in str(caught.value)


def test_load_non_utf8_file(tmp_path):
    path = tmp_path / "gbk.rubric"
    path.write_bytes('rubric "质量"\nyear 2020\nbase 10\n'.encode("gbk"))
    with pytest.raises(RubricError) as caught:
        rubricdsl.load(path)
    assert str(path) in str(caught.value)
    assert "not UTF-8" in str(caught.value)


def test_load_a_directory(tmp_path):
    with pytest.raises(RubricError):
        rubricdsl.load(tmp_path)


def test_load_names_the_file_in_errors(tmp_path):
    path = tmp_path / "bad.rubric"
    path.write_text(rubric_text('10 when flga "x"'), encoding="utf-8")
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.load(path)
    assert str(caught.value).startswith(f"{path}:7:13: error: undefined indicator 'flga'")
    assert caught.value.diagnostics[0].source_name == str(path)


def test_load_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.rubric"
    path.write_bytes(b"\xef\xbb\xbf" + rubric_text('10 when flag "x"', "flag: bool").encode())
    rubric = rubricdsl.load(str(path))
    assert rubric.source_name == str(path)
    assert rubric.title == "错误"


def test_deeply_nested_condition_raises_a_rubric_error_or_loads():
    condition = "not " * 1000 + "flag"  # an even number of `not`s: the same as `flag`
    try:
        rubric = rubricdsl.loads(rubric_text(f'10 when {condition} "x"', "flag: bool"))
    except RubricError:
        return
    assert rubric.evaluate({"flag": True}).total == 10
