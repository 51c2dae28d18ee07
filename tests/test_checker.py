"""The checker tells the truth, and all of it at once (issue 6): reserved words refused where they
are declared, comparisons a type can never satisfy, a cap below the declared points, `bonus 0`
with a bonus category, messages in correct English, and no follow-up error after a refused
declaration. Every case checks the exact first line of the message, with its line and column."""

from __future__ import annotations

from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import RubricCompileError, RubricError
from rubricdsl.model import check, compile_errors, constant_outcome, counted, reserved_words
from rubricdsl.parser import parse_tree
from rubricdsl.transform import to_ast

TYPES = (
    'flag: bool  n: count  p: percent  sc: score  amt: amount("万元")  g: number  s: series(3)  '
    "s1: series(1)  lvl: enum(high, low)"
)


def rubric(
    rules: str, declarations: str = TYPES, item: str = 'item 1 "i" 10', extra: str = ""
) -> str:
    """A rubric whose only item's rules sit on line 7, starting at column 5."""
    return (
        'rubric "检查"\n'  # line 1
        "year 2020\n"  # line 2
        "base 10\n"  # line 3
        f"indicators {{ {declarations} }}\n"  # line 4: the first name is at column 14
        'category "c" 10 {\n'  # line 5
        f"  {item} {{\n"  # line 6: `item` at column 3, the points at column 14
        f"    {rules}\n"  # line 7
        "  }\n"  # line 8
        "}\n"  # line 9
        f"{extra}"  # line 10 on
    )


def errors_of(text: str) -> list[str]:
    """The first line of every error, as printed: `<string>:L:C: error: message`."""
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    assert isinstance(caught.value, RubricError)
    return [str(d).splitlines()[0] for d in caught.value.diagnostics]


def warnings_of(text: str, *codes: str) -> list[str]:
    """The first line of every warning with one of `codes`, as printed."""
    return [str(w).splitlines()[0] for w in rubricdsl.loads(text).warnings if w.code in codes]


# ---- reserved words ----------------------------------------------------------------------------


def test_reserved_words_are_the_grammars_keywords():
    words = reserved_words()
    for word in (
        "last", "previous", "decreasing", "increasing", "not", "and", "or", "true", "false",
        "when", "per", "max", "of", "scaled", "by", "highest", "always", "veto", "item",
        "category", "group", "cap", "na", "bool", "count", "enum", "series",
    ):  # fmt: skip
        assert word in words
    assert "flag" not in words
    assert all(word.isascii() and word.islower() for word in words)


@pytest.mark.parametrize("word", sorted(reserved_words()))
def test_reserved_word_refused_as_an_indicator_name(word):
    text = rubric('10 when flag "x"', declarations=f'{word}: count "名"  flag: bool')
    assert errors_of(text) == [
        f"<string>:4:14: error: '{word}' is a reserved word of the rubric language: "
        "it cannot name an indicator"
    ]


@pytest.mark.parametrize("word", sorted(reserved_words()))
def test_reserved_word_refused_as_an_enum_level(word):
    text = rubric('10 when lvl == high "x"', declarations=f"lvl: enum(high, {word})")
    # `indicators { lvl: enum(high, word) }`: the second level is at column 30
    assert errors_of(text) == [
        f"<string>:4:30: error: '{word}' is a reserved word of the rubric language: "
        "it cannot name an enum level"
    ]


# Words the parser still reads as a name where the rule uses them: the only error is at the
# declaration (no type error, no undefined indicator where they are used).
USED_AS_NAMES = ["when", "and", "or", "per", "max", "of", "by", "veto", "cap", "na", "count"]


@pytest.mark.parametrize("word", USED_AS_NAMES)
def test_reserved_indicator_name_is_refused_once_not_where_it_is_used(word):
    text = rubric(f'10 when {word} >= 1 "x"  1 per {word} max 1 "y"', declarations=f"{word}: count")
    assert errors_of(text) == [
        f"<string>:4:14: error: '{word}' is a reserved word of the rubric language: "
        "it cannot name an indicator"
    ]


@pytest.mark.parametrize(
    ("declarations", "rules", "column", "what"),
    [
        # `true > 1` reads as a constant, `lvl == true` as a bool literal: neither is reported
        ("true: count", '10 when true > 1 "x"', 14, "an indicator"),
        ("false: percent", '10 when 50 <= false "x"', 14, "an indicator"),
        ("lvl: enum(true, b)", '10 when lvl == true "x"', 24, "an enum level"),
        ("lvl: enum(a, false)", '10 when false != lvl "x"', 27, "an enum level"),
        # an enum named `true` compared with its levels: the levels are no undefined indicators
        ("true: enum(high, low)", '10 when true == high "x"', 14, "an indicator"),
        ("false: enum(high, low)", '10 when low != false "x"', 14, "an indicator"),
    ],
)
def test_reserved_true_and_false_are_refused_once(declarations, rules, column, what):
    word = "true" if "true" in declarations else "false"
    assert errors_of(rubric(rules, declarations=declarations)) == [
        f"<string>:4:{column}: error: '{word}' is a reserved word of the rubric language: "
        f"it cannot name {what}"
    ]


def test_reserved_word_hint_suggests_a_name():
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(rubric('10 when flag "x"', declarations="flag: bool  last: count"))
    assert caught.value.diagnostics[0].code == "reserved-word"
    assert caught.value.hint == "choose another name, such as 'last_value'"


# ---- comparisons a declared type can never satisfy, or always does -------------------------------

COUNT = "'n' is a count, a whole number, never negative"
PERCENT = "'p' is a percent, from 0 to 100"
AMOUNT = "'amt' is an amount in 万元, never negative"


def outside(value: str) -> str:
    return f"; {value} is outside the values it can take"


NEVER = [
    # condition on line 7 from column 13, the rest of the message
    ("n == 2.5", COUNT + "; 2.5 is not a whole number"),
    ("2.5 == n", COUNT + "; 2.5 is not a whole number"),
    ("n < 0", COUNT),
    ("n <= -1", COUNT + outside("-1")),
    ("n == -1", COUNT + outside("-1")),
    ("p > 100", PERCENT),
    ("p >= 100.5", PERCENT + outside("100.5")),
    ("p < 0", PERCENT),
    ("p <= -0.5", PERCENT + outside("-0.5")),
    ("p == 150", PERCENT + outside("150")),
    ("0 > p", PERCENT),
    ("sc > 100", "'sc' is a score, from 0 to 100"),
    ("amt < 0", AMOUNT),
    ("amt == -3", AMOUNT + outside("-3")),
]

ALWAYS = [
    ("n != 2.5", COUNT + "; 2.5 is not a whole number"),
    ("n >= 0", COUNT),
    ("0 <= n", COUNT),
    ("n > -1", COUNT + outside("-1")),
    ("n != -1", COUNT + outside("-1")),
    ("p <= 100", PERCENT),
    ("100 >= p", PERCENT),
    ("p < 100.5", PERCENT + outside("100.5")),
    ("p >= 0", PERCENT),
    ("p > -1", PERCENT + outside("-1")),
    ("p != 150", PERCENT + outside("150")),
    ("sc >= 0", "'sc' is a score, from 0 to 100"),
    ("amt >= 0", AMOUNT),
    ("amt > -0.5", AMOUNT + outside("-0.5")),
]


@pytest.mark.parametrize(("condition", "why"), NEVER, ids=[c for c, _ in NEVER])
def test_comparison_that_never_holds(condition, why):
    text = rubric(f'10 when {condition} "x"')
    assert warnings_of(text, "never-holds", "always-holds") == [
        f"<string>:7:13: warning: '{condition}' never holds: {why}"
    ]


@pytest.mark.parametrize(("condition", "why"), ALWAYS, ids=[c for c, _ in ALWAYS])
def test_comparison_that_always_holds(condition, why):
    text = rubric(f'10 when {condition} "x"')
    assert warnings_of(text, "never-holds", "always-holds") == [
        f"<string>:7:13: warning: '{condition}' always holds: {why}"
    ]


@pytest.mark.parametrize(
    "condition",
    [
        "n == 2", "n != 0", "n < 0.5", "n <= 0", "n > 0", "n >= 1", "n > 2.5",
        "p < 100", "p > 0", "p == 100", "p == 0", "p <= 0", "p >= 100", "p != 100", "p < 0.5",
        "sc > 99.99", "amt > 0", "amt <= 0", "amt == 0.5",
        "g < -1000", "g == 2.5", "last(s) < 0", "g >= n", "lvl == high",
    ],
)  # fmt: skip
def test_comparison_that_depends_on_the_value_does_not_warn(condition):
    # at, just inside and just past every bound: only a value outside the type's range warns
    text = rubric(f'10 when {condition} "x"')
    assert warnings_of(text, "never-holds", "always-holds") == []


def test_comparison_warning_points_at_the_comparison_inside_a_condition():
    text = rubric('10 when flag and (p > 100 or n >= 0) "x"')
    # `    10 when flag and (`: `p` at column 23; `n` at column 34
    assert warnings_of(text, "never-holds", "always-holds") == [
        "<string>:7:23: warning: 'p > 100' never holds: 'p' is a percent, from 0 to 100",
        "<string>:7:34: warning: 'n >= 0' always holds: 'n' is a count, a whole number, "
        "never negative",
    ]


def test_comparison_warnings_in_tiers_and_vetoes():
    text = rubric(
        'highest "x" { 10 when p > 100 "y" }', extra='veto when amt < 0 "z"\n'
    )  # line 10: `veto when ` is 10 characters
    assert warnings_of(text, "never-holds", "always-holds") == [
        f"<string>:7:27: warning: 'p > 100' never holds: {PERCENT}",
        f"<string>:10:11: warning: 'amt < 0' never holds: {AMOUNT}",
    ]


@pytest.mark.parametrize(
    ("kind", "operator", "value", "outcome"),
    [
        ("count", "==", "3", None), ("count", "==", "3.0", None), ("count", "==", "3.5", False),
        ("count", "<", "0", False), ("count", "<", "0.5", None), ("count", "<=", "0", None),
        ("count", ">", "-0.5", True), ("count", ">=", "0", True), ("count", ">=", "0.5", None),
        ("percent", "<=", "100", True), ("percent", "<=", "99.9", None),
        ("percent", "<", "100", None), ("percent", ">", "100", False),
        ("percent", ">=", "100", None), ("percent", "!=", "100.1", True),
        ("score", "<", "0", False), ("score", "<=", "0", None),
        ("amount", "<", "0", False), ("amount", ">=", "0", True), ("amount", ">", "0", None),
        ("number", "<", "-5", None), ("bool", "==", "1", None),
    ],
)  # fmt: skip
def test_constant_outcome_at_and_around_every_bound(kind, operator, value, outcome):
    assert constant_outcome(kind, operator, Decimal(value)) is outcome


# ---- a cap below the declared points -------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "rules", "expected"),
    [
        # rules that reach the declared points, past the cap: only the cap is the reason
        (
            'item 1 "i" 10 cap 8',
            '10 when flag "x"',
            ["<string>:6:17: warning: item 1 declares 10 points but its cap 8 keeps it at 8"],
        ),
        # rules that reach exactly the cap
        (
            'item 1 "i" 10 cap 8',
            '8 when flag "x"',
            ["<string>:6:17: warning: item 1 declares 10 points but its cap 8 keeps it at 8"],
        ),
        # rules past the declared points: the cap quiets "rules exceed", and says why
        (
            'item 1 "i" 10 cap 8',
            '6 when flag "x"  6 when not flag "y"',
            ["<string>:6:17: warning: item 1 declares 10 points but its cap 8 keeps it at 8"],
        ),
        # rules that fall short of the cap too: two causes, two warnings, each true
        (
            'item 1 "i" 10 cap 8',
            '6 when flag "x"',
            [
                "<string>:6:14: warning: item 1 is capped at 8 but its rules reach only 6",
                "<string>:6:17: warning: item 1 declares 10 points but its cap 8 keeps it at 8",
            ],
        ),
        # a cap on the line after the points, after a comment
        (
            'item 1 "i" 10  # 满分 8 分\n   cap 8',
            '10 when flag "x"',
            ["<string>:7:4: warning: item 1 declares 10 points but its cap 8 keeps it at 8"],
        ),
        # a cap equal to the points says nothing
        ('item 1 "i" 10 cap 10', '10 when flag "x"', []),
    ],
    ids=["reach points", "reach cap", "reach past points", "reach below cap", "next line", "equal"],
)
def test_cap_below_declared_points(item, rules, expected):
    text = rubric(rules, declarations="flag: bool", item=item)
    codes = ("cap-below-points", "unreachable-maximum", "rules-exceed-maximum")
    assert warnings_of(text, *codes) == expected


def test_cap_below_points_hint():
    text = rubric('10 when flag "x"', declarations="flag: bool", item='item 1 "i" 10 cap 8')
    (warning,) = rubricdsl.loads(text).warnings
    assert warning.code == "cap-below-points"
    assert warning.hint == "if the table's 满分 is 8, declare 8 points; otherwise remove the cap"
    assert '  item 1 "i" 10 cap 8 {\n      |                 ^^^^^' in str(warning)


# ---- bonus 0 with a bonus category ---------------------------------------------------------------

BONUS = 'bonus category "加分" 5 { item 2 "j" 5 { 5 when flag "y" } }\n'


@pytest.mark.parametrize(
    ("header", "extra", "expected", "hint"),
    [
        (
            "bonus 0",
            BONUS,
            "<string>:11:1: error: the bonus maximum is 0 (line 4) but bonus category '加分' is "
            "declared: nothing it gives could count",
            "declare the bonus maximum the table gives: bonus 5",
        ),
        (
            "bonus 0.0",
            BONUS + 'bonus category "再加" 3 { item 3 "k" 3 { 3 when flag "z" } }\n',
            "<string>:11:1: error: the bonus maximum is 0 (line 4) but bonus category '加分' is "
            "declared: nothing it gives could count",
            "declare the bonus maximum the table gives: bonus 8",
        ),
        (
            None,
            BONUS + 'bonus category "再加" 3 { item 3 "k" 3 { 3 when flag "z" } }\n',
            "<string>:10:1: error: bonus category '加分' but the rubric declares no bonus maximum",
            "add a line: bonus 8",
        ),
    ],
    ids=["bonus 0", "bonus 0.0, two bonus categories: one error", "no bonus line"],
)
def test_bonus_zero_with_a_bonus_category(header, extra, expected, hint):
    text = rubric('10 when flag "x"', declarations="flag: bool", extra=extra)
    if header is not None:
        text = text.replace("base 10\n", f"base 10\n{header}\n")
    assert errors_of(text) == [expected]
    with pytest.raises(RubricCompileError) as caught:
        rubricdsl.loads(text)
    assert caught.value.hint == hint


# ---- messages in correct English -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("declarations", "item", "rules", "expected"),
    [
        (
            TYPES,
            'item 1 "i" 10',
            '10 when s1 "x"',
            "<string>:7:13: error: 's1' is a series of 1 yearly value, not a bool: it cannot "
            "stand alone as a condition",
        ),
        (
            TYPES,
            'item 1 "i" 10',
            '10 when s "x"',
            "<string>:7:13: error: 's' is a series of 3 yearly values, not a bool: it cannot "
            "stand alone as a condition",
        ),
        (
            TYPES,
            'item 1 "i" 10',
            '10 when flag == amt "x"',
            "<string>:7:13: error: a bool compared with an amount",
        ),
        (
            TYPES,
            'item 1 "i" 10',
            '10 when amt "x"',
            "<string>:7:13: error: 'amt' is an amount in 万元, not a bool: it cannot stand alone "
            "as a condition",
        ),
        (
            TYPES,
            'item 1 "i" 10',
            '10 when increasing(s1) "x"',
            "<string>:7:24: error: increasing() needs at least 2 yearly values; 's1' has 1",
        ),
        (
            "flag: bool",
            'item 1 "i" -1',
            '10 when flag "x"',
            "<string>:6:14: error: item 1 declares -1 point: points must be positive",
        ),
        (
            "flag: bool",
            'item 1 "i" 0',
            '10 when flag "x"',
            "<string>:6:14: error: item 1 declares 0 points: points must be positive",
        ),
    ],
)
def test_error_messages_in_correct_english(declarations, item, rules, expected):
    assert errors_of(rubric(rules, declarations=declarations, item=item)) == [expected]


def test_warning_message_says_1_point():
    text = (
        'rubric "t"\nyear 2020\nbase 1\nindicators { flag: bool }\n'
        'category "c" 1 {\n'
        '  item 1 "i" 1 { 0.5 when flag "x" }\n'  # line 6: the points at column 14
        "}\n"
    )
    assert warnings_of(text, "unreachable-maximum") == [
        "<string>:6:14: warning: item 1 declares 1 point but its rules reach only 0.5"
    ]


@pytest.mark.parametrize(
    ("number", "noun", "expected"),
    [
        (1, "yearly value", "1 yearly value"),
        (2, "yearly value", "2 yearly values"),
        (0, "indicator", "0 indicators"),
        (Decimal(-1), "point", "-1 point"),
        (Decimal("1.0"), "point", "1 point"),
        (Decimal("1.5"), "point", "1.5 points"),
    ],
)
def test_counted(number, noun, expected):
    assert counted(number, noun) == expected


# ---- no follow-up error after a refused declaration ----------------------------------------------


@pytest.mark.parametrize(
    ("declarations", "rules", "expected"),
    [
        (
            "s: series(0)",
            '10 when last(s) > 1 "x"',
            "<string>:4:17: error: a series needs a whole number of yearly values (1 or more), "
            "not 0",
        ),
        (
            "s: series(0)",
            '5 when decreasing(s) "x"  5 when previous(s) < last(s) "y"',
            "<string>:4:17: error: a series needs a whole number of yearly values (1 or more), "
            "not 0",
        ),
        (
            "s: series(2.5)",
            '10 when s >= 3 "x"  1 per s max 1 "y"',
            "<string>:4:17: error: a series needs a whole number of yearly values (1 or more), "
            "not 2.5",
        ),
        (
            "a: bool  a: count",
            '10 when a > 1 "x"',
            "<string>:4:23: error: indicator 'a' is declared twice",
        ),
        (
            "lvl: enum(x, y)  lvl: count",
            '10 when lvl == x "x"  1 per lvl max 1 "y"',
            "<string>:4:31: error: indicator 'lvl' is declared twice",
        ),
        (
            'amt: amount("")  yuan: amount("元")',
            '10 when amt >= yuan "x"',
            "<string>:4:19: error: the amount 'amt' names no unit",
        ),
        (
            "lvl: enum(a, b, a)",
            '5 when lvl == a "x"  5 when lvl != b "y"',
            "<string>:4:30: error: level 'a' of 'lvl' is listed twice",
        ),
    ],
    ids=[
        "series(0) with last",
        "series(0) with trends",
        "series(2.5) as a number and per unit",
        "duplicate indicator, used as the second type",
        "duplicate indicator, enum then count",
        "amount without a unit",
        "enum with a duplicate level",
    ],
)
def test_a_refused_declaration_is_the_only_error(declarations, rules, expected):
    assert errors_of(rubric(rules, declarations=declarations)) == [expected]


def test_unrelated_errors_are_still_all_reported():
    text = rubric('10 when last(s) > 1 and zz "x"', declarations="s: series(0)  last: bool")
    assert errors_of(text) == [
        "<string>:4:17: error: a series needs a whole number of yearly values (1 or more), not 0",
        "<string>:4:28: error: 'last' is a reserved word of the rubric language: it cannot name "
        "an indicator",
        "<string>:7:29: error: undefined indicator 'zz'",
    ]


# ---- for a parser that recovers from syntax errors -----------------------------------------------


def test_compile_errors_returns_what_check_raises():
    text = rubric('10 when last(s) > 1 and zz "x"', declarations="s: series(0)")
    file = to_ast(parse_tree(text, "<string>"))
    found = compile_errors(file, text, "<string>")
    with pytest.raises(RubricCompileError) as caught:
        check(file, text, "<string>")
    assert found == caught.value.diagnostics
    assert [d.code for d in found] == ["bad-series-length", "undefined-indicator"]


def test_names_whose_declaration_did_not_parse_are_not_undefined():
    text = rubric('10 when ghost and ghost_n > 2 "x"', declarations="flag: bool")
    file = to_ast(parse_tree(text, "<string>"))
    assert [d.code for d in compile_errors(file, text, "<string>")] == [
        "undefined-indicator",
        "undefined-indicator",
    ]
    assert compile_errors(file, text, "<string>", unparsed_names={"ghost", "ghost_n"}) == []
