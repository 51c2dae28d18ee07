"""Syntax: item ids as tables write them, hints that fit the mistake, every syntax error at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import RubricCompileError, RubricSyntaxError


def rubric_with_item(item_id: str) -> str:
    """A rubric whose one item is `item <item_id> "i" 4` on line 5 (the id at column 8)."""
    return (
        'rubric "编号"\n'  # line 1
        "year 2020\n"  # line 2
        "base 4\n"  # line 3
        'indicators { a: bool }\ncategory "c" 4 {\n'  # lines 4 and 5
        f'  item {item_id} "i" 4 {{\n'  # line 6: the id at column 8
        '    4 when a "x"\n'  # line 7
        "  }\n"
        "}\n"
    )


# ---- item ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "item_id"),
    [
        ("1", "1"),
        ("3", "3"),
        ("12", "12"),
        ("B1", "B1"),
        ("3a", "3a"),
        ("2.1", "2.1"),
        ("一.1", "一.1"),
        ("十二", "十二"),
        ("二十一", "二十一"),
        ("一百零五", "一百零五"),
        ("a-b_c.d", "a-b_c.d"),
        ('"（三）2"', "（三）2"),
        ('"一、1"', "一、1"),
        ('"第 3 项"', "第 3 项"),
        ('"B1"', "B1"),
        ('"say \\"hi\\""', 'say "hi"'),
    ],
)
def test_item_ids(written, item_id):
    rubric = rubricdsl.loads(rubric_with_item(written))
    result = rubric.evaluate({"a": True})
    assert [item.id for item in result.items] == [item_id]
    assert result.item(item_id).score == Decimal(4)
    assert result.item(item_id).id == item_id
    assert result.total == Decimal(4)


def test_quoted_and_bare_ids_name_the_same_item_and_collide():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        'category "c" 10 {\n'
        '  item B1 "i" 5 { 5 when a "x" }\n'  # line 6
        '  item "B1" "j" 5 { 5 when a "y" }\n'  # line 7: the id at column 8
        "}\n"
    )
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    error = caught.value
    assert [d.code for d in error.diagnostics] == ["duplicate-item"]
    assert (error.line, error.column) == (7, 8)
    assert "item id 'B1' is used twice" in str(error)
    assert error.hint == "first used on line 6"


def test_duplicate_chinese_numeral_ids():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        'category "c" 10 {\n'
        '  item 一.1 "i" 5 { 5 when a "x" }\n'
        '  item "一.1" "j" 5 { 5 when a "y" }\n'
        "}\n"
    )
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    assert "item id '一.1' is used twice" in str(caught.value)
    assert (caught.value.line, caught.value.column) == (7, 8)


def test_several_chinese_numbered_items_evaluate():
    text = (
        'rubric "t"\nyear 2020\nbase 6\nindicators { a: bool  b: bool }\n'
        'category "一、组织领导" 6 {\n'
        '  item 一.1 "i" 2 { 2 when a "x" }\n'
        '  item 一.2 "j" 2 { 2 when b "y" }\n'
        '  item "（三）2" "k" 2 { 2 always "z" }\n'
        "}\n"
    )
    result = rubricdsl.loads(text).evaluate({"a": True, "b": False})
    assert [(item.id, item.score) for item in result.items] == [
        ("一.1", Decimal(2)),
        ("一.2", Decimal(0)),
        ("（三）2", Decimal(2)),
    ]


def test_unquoted_id_with_full_width_parentheses():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_with_item("（三）2"))
    error = caught.value
    assert (error.line, error.column) == (6, 8)
    assert str(error).startswith(
        "<string>:6:8: error: unexpected character '（': expected an item id "
        '(3, B1, 一.1, or in quotes: "（三）2")'
    )
    assert error.hint == 'an item id with other characters is written in quotes: item "（三）2"'
    assert len(error.diagnostics) == 1


def test_unquoted_id_with_an_enumeration_comma():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_with_item("一、1"))
    error = caught.value
    # `一` reads as a bare id; `、` after it (column 9) is where it goes wrong
    assert (error.line, error.column) == (6, 9)
    assert str(error).startswith("<string>:6:9: error: unexpected character '、'")
    assert error.hint == 'an item id with other characters is written in quotes: item "一、1"'


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ('""', "an item id in quotes must not be empty"),
        ('"  "', "an item id in quotes must not be blank"),
    ],
)
def test_empty_quoted_id(written, message):
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_with_item(written))
    error = caught.value
    assert str(error).startswith(f"<string>:6:8: error: {message}\n")
    assert error.diagnostics[0].code == "syntax"
    assert (error.line, error.column) == (6, 8)


def test_quoted_id_longer_than_a_name():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_with_item('"' + "长" * 201 + '"'))
    error = caught.value
    assert error.diagnostics[0].code == "limit"
    assert str(error).startswith("<string>:6:8: error: an item id of 201 characters; at most 200")


def test_missing_item_id():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_with_item("{"))
    assert str(caught.value).startswith(
        "<string>:6:8: error: unexpected '{': expected an item id "
        '(3, B1, 一.1, or in quotes: "（三）2")'
    )


# ---- hints that fit the mistake --------------------------------------------------------------

DECLARATIONS = 'flag: bool  pct: percent  n: count  lvl: enum(high "高", low)'


def rubric_text(rules: str, declarations: str = DECLARATIONS) -> str:
    """A rubric whose only item's rules sit on line 7, starting at column 5."""
    return (
        'rubric "提示"\n'  # line 1
        "year 2020\n"  # line 2
        "base 10\n"  # line 3
        f"indicators {{ {declarations} }}\n"  # line 4
        'category "c" 10 {\n'  # line 5
        '  item 1 "i" 10 {\n'  # line 6
        f"    {rules}\n"  # line 7
        "  }\n"  # line 8
        "}\n"  # line 9
    )


HINTS = [
    # id, the text, its first message line, the hint
    (
        "≥",
        rubric_text('10 when pct ≥ 90 "x"'),
        '<string>:7:17: error: unexpected character \'≥\': expected "and", "or", '
        'a comparison (>= > == != <= <) or a quoted "string"',
        "write >= for ≥: comparisons are >=, <=, ==, !=, >, <",
    ),
    (
        "≤",
        rubric_text('10 when pct ≤ 90 "x"'),
        '<string>:7:17: error: unexpected character \'≤\': expected "and", "or", '
        'a comparison (>= > == != <= <) or a quoted "string"',
        "write <= for ≤: comparisons are >=, <=, ==, !=, >, <",
    ),
    (
        "≠",
        rubric_text('10 when lvl ≠ low "x"'),
        '<string>:7:17: error: unexpected character \'≠\': expected "and", "or", '
        'a comparison (>= > == != <= <) or a quoted "string"',
        "write != for ≠: comparisons are >=, <=, ==, !=, >, <",
    ),
    (
        "full-width digits",
        rubric_text('10 when pct >= ９０ "x"'),
        "<string>:7:20: error: unexpected character '９': expected a number "
        "or an indicator name (lowercase ascii, digits, _)",
        "write ascii digits: 90, not ９０",
    ),
    (
        "full-width digits with a point",
        rubric_text('10 when pct >= ８５．５ "x"'),
        "<string>:7:20: error: unexpected character '８': expected a number "
        "or an indicator name (lowercase ascii, digits, _)",
        "write ascii digits: 85.5, not ８５．５",
    ),
    (
        "full-width space",
        rubric_text('10 when flag\u3000"x"'),
        '<string>:7:17: error: unexpected character \'\\u3000\': expected "and", "or", '
        'a comparison (>= > == != <= <) or a quoted "string"',
        "a full-width space (U+3000) is allowed only inside strings; use an ordinary space",
    ),
    (
        "full-width hash",
        rubric_text('10 when flag "x"  ＃ 注释'),
        '<string>:7:23: error: unexpected character \'＃\': expected "highest", "lowest", '
        '"na", "require", "then", "veto", "}" or a number',
        "comments start with an ascii #, not a full-width ＃",
    ),
    (
        "AND",
        rubric_text('10 when flag AND pct > 1 "x"'),
        '<string>:7:18: error: unexpected \'AND\': expected "and", "or", '
        'a comparison (>= > == != <= <) or a quoted "string"',
        "keywords are lowercase: write and, not AND",
    ),
    (
        "OR",
        rubric_text('10 when flag OR pct > 1 "x"'),
        '<string>:7:18: error: unexpected \'OR\': expected "and", "or", '
        'a comparison (>= > == != <= <) or a quoted "string"',
        "keywords are lowercase: write or, not OR",
    ),
    (
        "NOT",
        rubric_text('10 when NOT flag "x"'),
        '<string>:7:13: error: unexpected \'NOT\': expected "(", "decreasing", "false", '
        '"increasing", "last", "not", "previous", "true", a number or an indicator name '
        "(lowercase ascii, digits, _)",
        "keywords are lowercase: write not, not NOT",
    ),
    (
        "chained comparison",
        rubric_text('10 when 80 <= pct < 90 "x"'),
        '<string>:7:23: error: unexpected \'<\': expected "and", "or" or a quoted "string"',
        "comparisons do not chain: write pct >= 80 and pct < 90",
    ),
    (
        "chained comparison of names",
        rubric_text('10 when n <= pct < 90 "x"'),
        '<string>:7:22: error: unexpected \'<\': expected "and", "or" or a quoted "string"',
        "comparisons do not chain: write n <= pct and pct < 90",
    ),
    (
        "comma between declarations",
        # `a` is used, its declaration broken: the syntax error is the only error
        rubric_text('10 when a "x"', "a: bool, b: count"),
        '<string>:4:21: error: unexpected \',\': expected "=", "or", "}", a quoted "string" '
        "or an indicator name (lowercase ascii, digits, _)",
        "declarations are separated by spaces or newlines, not commas: a: bool  b: count",
    ),
    (
        "uppercase enum level",
        rubric_text('10 when a == high "x"', "a: enum(high, Low)"),
        "<string>:4:28: error: unexpected 'Low': expected a level name "
        "(lowercase ascii, digits, _)",
        "level names are lowercase",
    ),
    (
        "item title missing",
        rubric_text('10 when flag "x"').replace('item 1 "i" 10', "item 1 10"),
        "<string>:6:10: error: unexpected '10': expected a quoted \"string\"",
        'an item is written: item <id> "title" <points> {',
    ),
]


@pytest.mark.parametrize(
    ("text", "first_line", "hint"), [case[1:] for case in HINTS], ids=[case[0] for case in HINTS]
)
def test_hints(text, first_line, hint):
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    error = caught.value
    assert str(error).splitlines()[0] == first_line
    assert error.hint == hint
    assert f"  hint: {hint}" in str(error)
    assert len(error.diagnostics) == 1


@pytest.mark.parametrize("level", ["1", ")"])
def test_enum_level_is_not_called_an_indicator(level):
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_text('10 when flag "x"', f"a: enum(high, {level})"))
    first = str(caught.value).splitlines()[0]
    assert first == (
        f"<string>:4:28: error: unexpected {level!r}: expected a level name "
        "(lowercase ascii, digits, _)"
    )
    assert "indicator name" not in str(caught.value)


@pytest.mark.parametrize(
    ("wording", "column", "escape"),
    [
        ('"第一行\\n第二行"', 22, "\\n"),
        ('"tab\\there"', 22, "\\t"),
        ('"ok \\" then \\u4e00"', 30, "\\u"),
    ],
)
def test_unsupported_escape(wording, column, escape):
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(rubric_text(f"10 when flag {wording}"))
    error = caught.value
    wording_column = 18
    assert (error.line, error.column) == (7, column)
    assert column == wording_column + wording.index("\\" + escape[1])
    assert str(error).splitlines()[0] == (
        f"<string>:7:{column}: error: the escape {escape} in this string is not supported"
    )
    assert error.hint == (
        'strings are written as-is: write the character itself; only \\" (a quote) '
        "and \\\\ (a backslash) are escapes"
    )


def test_supported_escapes_still_read():
    result = rubricdsl.loads(rubric_text('10 when flag "a \\"b\\" c\\\\d"')).evaluate(
        {"flag": True, "pct": 1, "n": 1, "lvl": "low"}
    )
    assert result.items[0].rules[0].text == 'a "b" c\\d'


# ---- every syntax error of a file ---------------------------------------------------------

THREE_ERRORS = """rubric "三处错误"
year 2020
base 10
indicators {
  flag: bool
  pct: percent, n: count
}
category "c" 10 {
  item 1 "i" 6 {
    3 when pct ≥ 90 "x"
    3 when flag "y"
  }
  item 2 "j" 4 {
    2 when flag "z"
    2 whn flag "w"
  }
}
"""


def test_three_unrelated_syntax_errors_are_all_reported():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(THREE_ERRORS, "three.rubric")
    error = caught.value
    assert [(d.line, d.column) for d in error.diagnostics] == [(6, 15), (10, 16), (15, 7)]
    assert [d.code for d in error.diagnostics] == ["syntax"] * 3
    messages = [str(d).splitlines()[0] for d in error.diagnostics]
    assert messages == [
        'three.rubric:6:15: error: unexpected \',\': expected "=", "or", "}", a quoted "string" '
        "or an indicator name (lowercase ascii, digits, _)",
        'three.rubric:10:16: error: unexpected character \'≥\': expected "and", "or", '
        'a comparison (>= > == != <= <) or a quoted "string"',
        'three.rubric:15:7: error: unexpected \'whn\': expected "always", "per", "scaled" '
        'or "when"',
    ]
    assert (error.line, error.column) == (6, 15)
    assert str(error).endswith("\n(3 errors)")


def test_errors_on_consecutive_lines_and_in_blocks():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool  p: percent }\n'
        'category "c" 10 {\n'
        '  item 1 "i" 10 {\n'
        '    2 when a = true "x"\n'  # line 7
        '    2 when p >= ９０ "y"\n'  # line 8
        '    highest "t" {\n'
        '      2 when p >= "z"\n'  # line 10: the tiers block is dropped whole
        "    }\n"
        '    2 when a AND p > 1 "w"\n'  # line 12
        "  }\n"
        '  item 2 "j" {\n'  # line 14: the points are missing; the item is skipped whole
        '    1 when a "v"\n'
        "  }\n"
        '  item 3 "k" 1 { 1 when 80 <= p < 90 "u" }\n'  # line 17
        "}\n"
    )
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    assert [(d.line, d.column, d.hint is not None) for d in caught.value.diagnostics] == [
        (7, 14, True),
        (8, 17, True),
        (10, 19, False),
        (12, 14, True),
        (14, 14, False),
        (17, 33, True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # the wording of a rule on the next line: that line is not read as a rule of its own
        rubric_text('3 when pct >= == 80\n      "wording"\n    2 when flag "y"'),
        # an item without its `{`: the rules after it would all look wrong; only the first is told
        rubric_text('10 when flag "x"').replace('item 1 "i" 10 {', 'item 1 "i" 10'),
        # braces that do not balance
        rubric_text('10 when flag "x" }'),
        # a string left open
        rubric_text('10 when flag "x'),
    ],
    ids=["continued line", "missing brace", "extra brace", "open string"],
)
def test_no_false_follow_up_errors(text):
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    assert len(caught.value.diagnostics) == 1


def test_at_most_max_problems_syntax_errors():
    rules = "\n".join('    1 whn flag "x"' for _ in range(80))
    text = rubric_text(rules.strip())
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text, limits=rubricdsl.Limits(max_problems=5))
    assert [d.line for d in caught.value.diagnostics] == [7, 8, 9, 10, 11]
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    assert len(caught.value.diagnostics) == 50
