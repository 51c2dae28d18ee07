"""Any text at all gives a Rubric or a RubricError with a position: never a raw traceback."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rubricdsl

VALID = """rubric "t"
year 2020
base 10
bonus 2
indicators {
  a: bool "甲"
  p: percent or na
  s: series(3)
  e: enum(x "国家级", y)
  n: count
}
category "c" 10 {
  group "g" 10 {
    item 1 "i" 10 cap 10 {
      2 when a and p >= 90 "wording"
      1 when decreasing(s) or last(s) < previous(s) "w"
      0.5 per n max 2 "w"
      -1 per 2 of n max 1 "w"
      highest "t" { 3 when e == x "x"  2 when e != y "y" }
      4 scaled by p "w"
      5 always "w"
      veto when not a "v"
    }
  }
}
bonus category "b" 2 { item 2 "j" 2 { 2 when a == true "w" } }
veto when n > 3 "v"
"""

WORDS = [
    "rubric", "year", "base", "bonus", "indicators", "category", "group", "item", "cap",
    "when", "always", "per", "of", "max", "scaled", "by", "highest", "veto", "and", "or",
    "not", "true", "false", "last", "previous", "decreasing", "increasing", "bool", "count",
    "percent", "score", "amount", "number", "series", "enum", "na", "{", "}", "(", ")", ",",
    ":", ">=", "<=", "==", "!=", ">", "<", "=", "%", "-", "1", "2.5", "-3", "100", "a", "p",
    "x", '"w"', '"质量"', '"', "#c\n", "\n", "（", "：", "A", "3a",
]  # fmt: skip


def outcome(text: str) -> str:
    try:
        rubricdsl.loads(text, "fuzz.rubric")
    except rubricdsl.RubricError as error:
        if isinstance(error, rubricdsl.RubricSyntaxError | rubricdsl.RubricCompileError):
            assert error.line is not None and error.line >= 1
            assert error.column is not None and error.column >= 1
            assert "fuzz.rubric:" in str(error)
        return "error"
    return "ok"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join))
def test_token_soup_never_crashes(text):
    outcome(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_crashes(text):
    outcome(text)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_valid_rubric_never_crashes(data):
    """Delete, duplicate or replace a slice of a valid rubric: still a Rubric or a RubricError."""
    start = data.draw(st.integers(0, len(VALID)))
    end = data.draw(st.integers(start, min(len(VALID), start + 12)))
    insert = data.draw(st.sampled_from(["", *WORDS]))
    outcome(VALID[:start] + insert + VALID[end:])


def test_the_valid_rubric_is_valid():
    assert outcome(VALID) == "ok"
