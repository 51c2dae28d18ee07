"""Highlighting for readers: the Pygments lexer, and error excerpts coloured on a terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String

from rubricdsl import highlight
from rubricdsl.highlight import RubricLexer, colour_wanted, highlight_excerpts

ROOT = Path(__file__).resolve().parent.parent


def kinds(text: str) -> list[tuple[object, str]]:
    return [(kind, value) for kind, value in RubricLexer().get_tokens(text) if value.strip()]


def test_each_part_of_a_rule_has_its_kind():
    found = kinds(
        'item 14 "监督抽查" 8 cap 8 {\n  1.5 when x >= 90 and not f "按时处置"  # 注\n}\n'
    )
    assert (Keyword.Declaration, "item") in found
    assert (Name.Label, "14") in found or (Number, "14") in found
    assert (String.Double, '"监督抽查"') in found
    assert (Number, "1.5") in found and (Number, "90") in found
    assert (Keyword, "when") in found
    assert (Name.Variable, "x") in found
    assert (Operator, ">=") in found
    assert (Operator.Word, "and") in found and (Operator.Word, "not") in found
    assert (Comment.Single, "# 注") in found


def test_every_word_of_the_grammar_is_highlighted():
    grammar = (ROOT / "grammars" / "rubric.lark").read_text(encoding="utf-8")
    literals = set(re.findall(r'"([a-z]+(?:-[a-z]+)?)"', grammar))
    known = {
        *highlight.STRUCTURE,
        *highlight.RULES,
        *highlight.LOGIC,
        *highlight.FUNCTIONS,
        *highlight.TYPES,
        *highlight.CONSTANTS,
    }
    assert literals - known == set()


def test_derived_indicator_functions_are_builtins_only_before_a_parenthesis():
    found = kinds(
        "rounding half-up to 2 places\n"
        "indicators {\n  rate: percent = ratio(part, whole)\n  change: number = change(s)\n}\n"
    )
    assert (Name.Builtin, "ratio") in found
    assert (Name.Builtin, "change") in found and (Name.Variable, "change") in found
    assert (Keyword, "half-up") in found and (Keyword, "places") in found
    assert (Punctuation, "=") in found


def test_the_lexer_knows_every_function_of_derived_indicators():
    from rubricdsl.model import FUNCTIONS

    assert set(highlight.DERIVING) == set(FUNCTIONS)


def test_the_repository_rubrics_lex_without_errors():
    for path in sorted(ROOT.glob("**/*.rubric")):
        if ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert "".join(value for _, value in RubricLexer().get_tokens(text)) == text + (
            "" if text.endswith("\n") else "\n"
        )
        assert not [v for kind, v in RubricLexer().get_tokens(text) if "Error" in str(kind)]


def test_pygments_finds_the_lexer_by_its_entry_point():
    assert isinstance(get_lexer_by_name("rubric"), RubricLexer)
    assert isinstance(get_lexer_for_filename("anhui-quality-county.rubric"), RubricLexer)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "environ", "wanted"),
    [
        (Terminal(), {}, True),
        (Terminal(), {"NO_COLOR": "1"}, False),
        (Terminal(), {"TERM": "dumb"}, False),
        (io.StringIO(), {}, False),
        (None, {}, False),
    ],
)
def test_colour_only_on_a_terminal_without_no_color(stream, environ, wanted):
    assert colour_wanted(stream, environ) is wanted


def test_only_the_rubric_line_of_an_excerpt_is_coloured():
    message = (
        'r.rubric:4:14: error: undefined indicator\n    4 |   1 when x >= 90 "w"\n'
        "      |          ^\n  hint: declare it"
    )
    coloured = highlight_excerpts(message).split("\n")
    plain = message.split("\n")
    assert "\x1b[" in coloured[1]
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured[1]) == plain[1]  # the columns do not move
    assert coloured[0] == plain[0] and coloured[2:] == plain[2:]
