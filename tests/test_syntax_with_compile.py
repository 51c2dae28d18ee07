"""Every error of a file at once: the syntax errors, and the compile errors of the statements that
parsed around them, sorted by place; none that only a broken statement explains. A reserved word
declared as a name is refused at its declaration, not where it is used. Each case lists the
code, line and column of every diagnostic (columns count characters: 第 is one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl import RubricCompileError, RubricError, RubricSyntaxError
from rubricdsl.parser import parse_rubric


def found(text: str) -> tuple[str, list[tuple[str, int | None, int | None]]]:
    """The class of the error `loads` raises, and the code, line and column of each diagnostic."""
    with pytest.raises(RubricError) as caught:
        rubricdsl.loads(text, "t.rubric")
    error = caught.value
    assert isinstance(error, (RubricSyntaxError, RubricCompileError))
    return type(error).__name__, [(d.code, d.line, d.column) for d in error.diagnostics]


def rubric(declarations: str, rules: str, head: str = "base 10", tail: str = "") -> str:
    """Declarations from line 5 on; the one item's rules from line 9 on (from line 10 when the
    declarations take two lines)."""
    return (
        'rubric "检查"\n'  # 1
        "year 2020\n"  # 2
        f"{head}\n"  # 3
        "indicators {\n"  # 4
        f"{declarations}\n"  # 5 (and 6)
        "}\n"
        'category "c" 10 {\n'
        '  item 1 "i" 10 {\n'
        f"{rules}\n"
        "  }\n"
        "}\n"
        f"{tail}"
    )


# ---- syntax errors and compile errors together --------------------------------------------

FIVE = """rubric "五处错误"
year 2020
base 10
indicators {
  flag: bool  rate: percent
  pct: percent, n: count
}
category "c" 10 {
  item 1 "i" 6 {
    3 when pct ≥ 90 "x"
    3 when flag >= 2 "y"
  }
  item 2 "第二项" 4 { 2 when missing "z" }
  item 3 "j" 4 {
    2 whn flag "w"
    2 when n > 1 and rate > 5 "v"
  }
}
"""

CASES = [
    (
        "three syntax errors and two compile errors",
        FIVE,
        "RubricSyntaxError",
        [
            ("syntax", 6, 15),  # the comma: `pct` and `n` are not declared
            ("syntax", 10, 16),  # ≥
            ("type-mismatch", 11, 12),  # a bool compared with a number
            ("undefined-indicator", 13, 27),  # after 第二项: one column a character
            ("syntax", 15, 7),  # whn
            # line 16 uses `n`, whose declaration broke: no undefined indicator there
        ],
    ),
    (
        "a broken declaration, then its use",
        rubric(
            "  flag: bool\n  pct: precent",
            '    5 when pct >= 90 "x"\n    5 when flag and zz "y"',
        ),
        "RubricSyntaxError",
        [("syntax", 6, 8), ("undefined-indicator", 11, 21)],
    ),
    (
        "a declaration that lost its colon: no name can be told, no undefined indicator at all",
        rubric("  flag: bool\n  pct percent", '    5 when pct >= 90 "x"\n    5 when zz "y"'),
        "RubricSyntaxError",
        [("syntax", 6, 7)],
    ),
    (
        "a declaration that lost its name: no undefined indicator at all",
        rubric("  flag: bool\n  : percent", '    5 when pct >= 90 "x"\n    5 when zz "y"'),
        "RubricSyntaxError",
        [("syntax", 6, 3)],
    ),
    (
        "a broken declaration with a number in it: the other names are still told",
        rubric("  flag: bool\n  n: count >= 3", '    5 when n > 1 "x"\n    5 when flag and zz "y"'),
        "RubricSyntaxError",
        [("syntax", 6, 12), ("undefined-indicator", 11, 21)],
    ),
    (
        "a broken declaration of a reserved word: its use read as the keyword is not a mismatch",
        rubric(
            "  flag: bool\n  true: count,", '    5 when true > 1 "x"\n    5 when flag and zz "y"'
        ),
        "RubricSyntaxError",
        [("syntax", 6, 14), ("undefined-indicator", 11, 21)],
    ),
    (
        "an enum compared with a name whose declaration cannot be told: no unknown level",
        rubric("  flag: bool  k: enum(a, b)\n  other enum(a, b)", '    10 when k == other "x"'),
        "RubricSyntaxError",
        [("syntax", 6, 9)],
    ),
    (
        "a duplicate item id both of whose items parsed",
        rubric(
            "  flag: bool",
            '    5 whn flag "x"\n  }\n  item 1 "j" 10 {\n    10 when flag "y"',
            head="base 20",
        ).replace('category "c" 10', 'category "c" 20'),
        "RubricSyntaxError",
        [("syntax", 9, 7), ("duplicate-item", 11, 8)],
    ),
    (
        "a header line broken: no missing header",
        rubric("  flag: bool", '    10 when flag "x"\n    1 when zz "y"', head="base ten"),
        "RubricSyntaxError",
        [("syntax", 3, 6), ("undefined-indicator", 10, 12)],
    ),
    (
        "a header missing outright is still told",
        rubric("  flag: bool", '    10 whn flag "x"', head="bonus 1"),
        "RubricSyntaxError",
        [("missing-header", 1, 1), ("syntax", 9, 8)],
    ),
    (
        "an item whose rules all broke: not empty",
        rubric("  flag: bool", '    10 whn flag "x"\n    10 when flag ≥ 1 "y"'),
        "RubricSyntaxError",
        [("syntax", 9, 8), ("syntax", 10, 18)],
    ),
    (
        "a grade band broken: a veto naming it is not told of an unknown grade",
        rubric(
            "  flag: bool  n: count",
            '    10 when flag "x"',
            tail=(
                'veto when n > 3 "v" at most "合格"\n'
                'grades {\n  "优秀" >= 90\n  "合格" => 60\n  "不合格" otherwise\n}\n'
            ),
        ),
        "RubricSyntaxError",
        [("syntax", 15, 8)],
    ),
    (
        "braces that do not balance: the first syntax error only, as before",
        rubric("  flag: bool", '    10 when flag "x" }\n    1 when zz >= 1 "y"'),
        "RubricSyntaxError",
        [("syntax", 10, 5)],
    ),
]


@pytest.mark.parametrize(
    ("text", "kind", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_every_error_at_once(text, kind, expected):
    assert found(text) == (kind, expected)


def test_the_message_lists_them_in_order_and_counts_them():
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(FIVE, "five.rubric")
    lines = [line for line in str(caught.value).splitlines() if line.startswith("five.rubric:")]
    assert lines == [
        'five.rubric:6:15: error: unexpected \',\': expected "=", "or", "}", a quoted "string" '
        "or an indicator name (lowercase ascii, digits, _)",
        'five.rubric:10:16: error: unexpected character \'≥\': expected "and", "or", '
        'a comparison (>= > == != <= <) or a quoted "string"',
        "five.rubric:11:12: error: a bool compared with a number",
        "five.rubric:13:27: error: undefined indicator 'missing'",
        'five.rubric:15:7: error: unexpected \'whn\': expected "always", "per", "scaled" or "when"',
    ]
    assert str(caught.value).endswith("\n(5 errors)")
    assert (caught.value.line, caught.value.column) == (6, 15)


def test_no_compile_errors_once_the_syntax_errors_fill_max_problems():
    rules = "\n".join(f'    1 whn flag "x{i}"' for i in range(5)) + '\n    1 when zz "y"'
    text = rubric("  flag: bool", rules)
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text, limits=rubricdsl.Limits(max_problems=5))
    assert [(d.code, d.line) for d in caught.value.diagnostics] == [
        ("syntax", line) for line in range(9, 14)
    ]


def test_a_failing_check_of_what_parsed_leaves_the_syntax_errors(monkeypatch):
    def broken(*args, **kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr("rubricdsl.api.compile_errors", broken)
    assert found(FIVE) == (
        "RubricSyntaxError",
        [("syntax", 6, 15), ("syntax", 10, 16), ("syntax", 15, 7)],
    )


def test_what_parsed_is_kept_whole():
    """The statements around a broken one are in the tree, each once (the parser's trials of
    tokens build nothing into it)."""
    text = 'rubric "x"\nyear 2020\nbase 10\u2028\n'
    parsed = parse_rubric(text, "x.rubric")
    assert parsed.tree is not None
    assert [child.data for child in parsed.tree.children] == ["title", "year"]
    assert [d.code for d in parsed.errors] == ["syntax"]
    assert len(parsed.lost) == 1 and parsed.lost[0].top_level


def test_a_bonus_category_broken_does_not_make_the_next_one_bonus():
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        'bonus category "b" {\n  item 9 "k" 2 { 2 when a "q" }\n}\n'
        'category "d" 10 {\n  item 1 "i" 10 { 10 when a "x" }\n}\n'
    )
    parsed = parse_rubric(text, "t.rubric")
    assert parsed.tree is not None
    category = parsed.tree.children[-1]
    assert category.data == "category"
    assert all(getattr(child, "data", None) != "bonus_mark" for child in category.children)


# ---- reserved words: refused where they are declared, not where they are used -----------------

RESERVED = [
    # the word, its type, a use that the parser reads as the keyword
    ("last", "count", '    10 when last >= 1 "w"'),
    ("previous", "count", '    10 when previous >= 1 "w"'),
    ("and", "bool", '    10 when flag and and "w"'),
    ("or", "count", '    10 when or > 1 "w"'),  # `or` after `flag: bool` reads as `or na`
    ("not", "bool", '    10 when not "w"'),
    ("true", "bool", '    10 when true "w"'),
    ("decreasing", "count", '    10 when decreasing >= 2 "w"'),
]


@pytest.mark.parametrize(("word", "kind", "use"), RESERVED, ids=[case[0] for case in RESERVED])
def test_a_reserved_word_declared_and_used_is_one_error_at_the_declaration(word, kind, use):
    text = rubric(f"  flag: bool\n  {word}: {kind}", use + '\n    0.5 when flag "v"')
    assert found(text) == ("RubricCompileError", [("reserved-word", 6, 3)])
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    assert str(caught.value).startswith(
        f"<string>:6:3: error: '{word}' is a reserved word of the rubric language: "
        "it cannot name an indicator"
    )


@pytest.mark.parametrize(
    ("levels", "use", "column"),
    [
        ("a, or", '    10 when k == or "w"', 14),
        ("or, b", '    10 when k != b and k == or "w"', 11),
        ("a, last", '    10 when k == last "w"', 14),
        ("not, b", '    10 when k == not "w"', 11),
    ],
)
def test_a_reserved_enum_level_is_one_error_at_the_level(levels, use, column):
    text = rubric(f"  k: enum({levels})", use)
    assert found(text) == ("RubricCompileError", [("reserved-word", 5, column)])


def test_a_reserved_word_used_in_a_broken_statement_is_told_as_a_name():
    """`last s`: wrong whatever `last` is; the error reads it as the name it was declared."""
    text = rubric("  flag: bool\n  last: count", '    10 when last s "w"')
    assert found(text) == ("RubricSyntaxError", [("reserved-word", 6, 3), ("syntax", 10, 18)])
    with pytest.raises(RubricSyntaxError) as caught:
        rubricdsl.loads(text)
    assert caught.value.diagnostics[1].message.startswith(
        'unexpected \'s\': expected "and", "or", a comparison'
    )


def test_a_reserved_word_not_declared_is_still_a_syntax_error():
    text = rubric("  flag: bool", '    10 when last >= 1 "w"')
    assert found(text) == ("RubricSyntaxError", [("syntax", 9, 18)])


def test_a_reserved_word_two_back():
    """`not not and flag`, `not` a bool: the second `not` is the indicator."""
    text = rubric("  flag: bool\n  not: bool", '    10 when not not and flag "w"')
    assert found(text) == ("RubricCompileError", [("reserved-word", 6, 3)])


# ---- no false follow-up, over a whole rubric ------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "rubrics" / "county-food-safety.rubric"
# a string, or a run of anything else: one token of the rubric, roughly
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[^\s"]+')


@pytest.mark.parametrize("stray", ["@", "(", ":"])
def test_a_stray_character_in_a_valid_rubric_brings_syntax_errors_only(stray):
    """Whatever token of a rubric with no errors is replaced by a stray character, the errors are
    syntax errors: nothing the checker says can be about the statement left out."""
    text = EXAMPLE.read_text(encoding="utf-8")
    rubricdsl.loads(text)
    tokens = [match.span() for match in _TOKEN.finditer(text)]
    for start, end in tokens[::5]:
        broken = text[:start] + stray + text[end:]
        try:
            rubricdsl.loads(broken)
        except RubricError as error:
            codes = {d.code for d in getattr(error, "diagnostics", [])}
            assert codes <= {"syntax"}, (text[start:end], codes)
