"""Lines as the grammar counts them, and excerpts that show the right line, escaped and short."""

from __future__ import annotations

import pytest

import rubricdsl
from rubricdsl import RubricError
from rubricdsl.source import Span, excerpt, source_lines

# Characters Python's str.splitlines() breaks at but the grammar (and lark) does not; of them,
# only the form feed is whitespace to the grammar.
NOT_LINE_BREAKS = ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]


@pytest.mark.parametrize("separator", NOT_LINE_BREAKS)
def test_only_newline_ends_a_line(separator):
    assert source_lines(f"a{separator}b\nc\r\nd") == (f"a{separator}b", "c", "d")


@pytest.mark.parametrize("separator", NOT_LINE_BREAKS)
def test_an_error_after_such_a_character_points_at_its_real_line(separator):
    text = (
        f'rubric "t{separator}itle"\nyear 2020\nbase 10\n'
        "indicators { a: bool }\n"
        'category "c" 10 { item 1 "i" 10 { 10 when b "t" } }\n'
    )
    with pytest.raises(RubricError) as caught:
        rubricdsl.loads(text, "x.rubric")
    message = str(caught.value)
    assert message.startswith("x.rubric:5:43: error: undefined indicator 'b'")
    assert '    5 | category "c" 10 { item 1 "i" 10 { 10 when b "t" } }' in message
    assert separator not in message


@pytest.mark.parametrize("separator", NOT_LINE_BREAKS)
def test_an_early_end_is_placed_on_the_last_real_line(separator):
    text = f'rubric "x"\nyear 2020\nbase 10 # a{separator}b{separator}\ncategory "c" 10 {{'
    with pytest.raises(RubricError) as caught:
        rubricdsl.loads(text, "x.rubric")
    assert str(caught.value).startswith("x.rubric:4:18: error: the rubric ends too early")


@pytest.mark.parametrize("separator", [s for s in NOT_LINE_BREAKS if s != "\x0c"])
def test_such_a_character_outside_a_string_is_shown_escaped_where_it_is(separator):
    with pytest.raises(RubricError) as caught:
        rubricdsl.loads(f'rubric "x"\nyear 2020\nbase 10{separator}\n', "x.rubric")
    message = str(caught.value)
    assert message.startswith("x.rubric:3:8: error: unexpected character")
    assert separator not in message


def test_a_long_line_is_cut_around_the_caret():
    line = "y" * 5_000 + "BAD" + "z" * 5_000
    shown = excerpt(f"first\n{line}\n", Span(2, 5_001, 2, 5_004))
    source, carets = shown.split("\n")
    assert source == "    2 | …" + "y" * 40 + "BAD" + "z" * 57 + "…"
    assert carets == "      | " + " " * 41 + "^^^"


def test_controls_in_the_excerpt_are_escaped_and_the_caret_follows():
    shown = excerpt('x "\x1b[2J" bad\n', Span(1, 10, 1, 13))
    assert shown == '    1 | x "\\x1b[2J" bad\n      | ' + " " * 12 + "^^^"


def test_a_hundred_thousand_errors_are_listed_fifty_and_counted(tmp_path):
    rules = "".join(f'  1 when u{i} "t"\n' for i in range(2_000))
    text = (
        'rubric "t"\nyear 2020\nbase 10\nindicators { a: bool }\n'
        f'category "c" 10 {{ item 1 "i" 10 {{\n{rules}}} }}\n'
    )
    with pytest.raises(RubricError) as caught:
        rubricdsl.loads(text)
    message = str(caught.value)
    assert len(caught.value.diagnostics) == 2_000
    assert message.count("error: undefined indicator") == 50
    assert message.endswith("… and 1,950 more (2,000 errors in all)")
