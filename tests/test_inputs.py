"""Indicator data checked against the declarations: all problems at once, exact decimals."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Mapping
from decimal import Decimal

import pytest

import rubricdsl
from rubricdsl import IndicatorError, IndicatorProblem, NotApplicable, RubricError

D = Decimal

RUBRIC = """\
rubric "输入校验"
year 2020
base 10
indicators {
  flag: bool
  n: count
  pct: percent
  sc: score
  amt: amount("万元")
  g: number
  s: series(3)
  lvl: enum(national "国家级", provincial "省级")
  m: count or na
}
category "c" 10 {
  item 1 "i" 10 {
    1 when flag "a"
    1 when n >= 1 "b"
    1 when pct >= 95.5 "c"
    1 when sc >= 80 "d"
    1 when amt >= 150 "e"
    1 when g > -3 "f"
    1 when decreasing(s) "g"
    1 when lvl == national "h"
    1 when m >= 6 "i"
    1 when pct == 0.3 "j"
  }
}
"""

GOOD = {
    "flag": True,
    "n": 3,
    "pct": 95.5,
    "sc": 80,
    "amt": 150,
    "g": -2.5,
    "s": [3, 2, 1],
    "lvl": "national",
    "m": 6,
}


@pytest.fixture(scope="module")
def rubric() -> rubricdsl.Rubric:
    return rubricdsl.loads(RUBRIC)


def values_with(**changes: object) -> dict[str, object]:
    values = dict(GOOD)
    values.update(changes)
    return values


def problems_for(rubric: rubricdsl.Rubric, values: object) -> list[IndicatorProblem]:
    with pytest.raises(IndicatorError) as caught:
        rubric.evaluate(values)  # type: ignore[arg-type]
    assert isinstance(caught.value, RubricError)
    return caught.value.problems


def test_good_values_score_as_worked_out(rubric):
    item = rubric.evaluate(GOOD).item("1")
    # every rule met except `pct == 0.3`: 9 of 10
    assert item.score == D(9)
    assert [r.status for r in item.rules][-1] == "not_met"


# ---- one wrong value, one problem -------------------------------------------------------------

BAD_VALUES = [
    # id, indicator, value, fragments of the message
    ("True for a count", "n", True, ["True is a bool, not a count"]),
    ("False for a percent", "pct", False, ["False is a bool"]),
    ("text for a count", "n", "3", ["is text, not a count"]),
    ("'90%' for a percent", "pct", "90%", ["'90%' is text", "without %"]),
    ("None for a count", "n", None, ["None is not a number"]),
    ("list for a percent", "pct", [90], ["is not a number"]),
    ("percent 120", "pct", 120, ["120 is outside 0–100"]),
    ("percent 100.01", "pct", D("100.01"), ["100.01 is outside 0–100"]),
    ("percent -1", "pct", -1, ["-1 is outside 0–100"]),
    ("score 100.5", "sc", 100.5, ["100.5 is outside 0–100"]),
    ("score -0.5", "sc", -0.5, ["outside 0–100"]),
    ("negative count", "n", -1, ["a count cannot be negative"]),
    ("2.5 as a count", "n", 2.5, ["2.5 is not a whole number"]),
    ("Decimal 2.5 as a count", "n", D("2.5"), ["2.5 is not a whole number"]),
    ("negative amount", "amt", -3, ["an amount cannot be negative", "万元"]),
    ("float NaN", "pct", math.nan, ["not a finite number"]),
    ("float infinity", "g", math.inf, ["not a finite number"]),
    ("float minus infinity", "g", -math.inf, ["not a finite number"]),
    ("float NaN for a count", "n", float("nan"), ["not a finite number"]),
    ("Decimal NaN", "pct", D("NaN"), ["not a finite number"]),
    ("Decimal sNaN", "amt", D("sNaN"), ["not a finite number"]),
    ("Decimal infinity", "g", D("Infinity"), ["not a finite number"]),
    ("Decimal minus infinity", "amt", D("-Infinity"), ["not a finite number"]),
    ("series too short", "s", [1, 2], ["has 2 yearly values; the rubric needs 3"]),
    ("series too long", "s", [1, 2, 3, 4], ["has 4 yearly values; the rubric needs 3"]),
    ("empty series", "s", [], ["has 0 yearly values"]),
    ("series with text", "s", [1, "x", 3], ["value 2 of the series", "'x' is text"]),
    ("series with None", "s", [1, 2, None], ["value 3 of the series", "None is not a number"]),
    ("series with a bool", "s", [True, 2, 3], ["value 1 of the series", "True is a bool"]),
    ("series with NaN", "s", [1, math.nan, 3], ["value 2 of the series", "not a finite number"]),
    ("series as a number", "s", 5, ["is not a list of 3 yearly values"]),
    ("series as text", "s", "321", ["is not a list of 3 yearly values"]),
    (
        "enum label instead of level",
        "lvl",
        "国家级",
        ["is not one of its levels: national, provincial"],
    ),
    ("enum level misspelt", "lvl", "National", ["is not one of its levels"]),
    ("enum as a number", "lvl", 1, ["is not one of its levels"]),
    ("1 for a bool", "flag", 1, ["1 is not a bool"]),
    ("'true' for a bool", "flag", "true", ["'true' is not a bool"]),
    ("None for a bool", "flag", None, ["None is not a bool"]),
    (
        "NA for an indicator that does not allow it",
        "n",
        {"not_applicable": "无此项"},
        ["the rubric does not allow that"],
    ),
    ("NA without a reason", "m", {"not_applicable": ""}, ["needs a reason"]),
    ("NA with a blank reason", "m", {"not_applicable": "   "}, ["needs a reason"]),
    ("NA with a non-text reason", "m", {"not_applicable": None}, ["needs a reason"]),
    ("NA with a numeric reason", "m", {"not_applicable": 1}, ["needs a reason"]),
    (
        "mapping with another key",
        "m",
        {"not_applicable": "无", "value": 3},
        ["a mapping (not_applicable, value) is only allowed as"],
    ),
    ("mapping without the key", "m", {"value": 3}, ["a mapping (value) is only allowed as"]),
    ("empty mapping", "m", {}, ["is only allowed as"]),
]


@pytest.mark.parametrize(
    ("name", "value", "fragments"),
    [case[1:] for case in BAD_VALUES],
    ids=[case[0] for case in BAD_VALUES],
)
def test_one_bad_value(rubric, name, value, fragments):
    problems = problems_for(rubric, values_with(**{name: value}))
    assert [p.indicator for p in problems] == [name]
    for fragment in fragments:
        assert fragment in problems[0].message
    assert str(problems[0]) == f"{name}: {problems[0].message}"


def test_missing_indicator(rubric):
    values = dict(GOOD)
    del values["pct"]
    problems = problems_for(rubric, values)
    assert [p.indicator for p in problems] == ["pct"]
    assert "missing" in problems[0].message
    assert "percent" in problems[0].message


def test_missing_na_indicator_is_still_missing(rubric):
    values = dict(GOOD)
    del values["m"]
    assert [p.indicator for p in problems_for(rubric, values)] == ["m"]


def test_unknown_key_with_a_close_name(rubric):
    problems = problems_for(rubric, values_with(pcts=90))
    assert [p.indicator for p in problems] == ["pcts"]
    assert "unknown indicator" in problems[0].message
    assert "did you mean 'pct'?" in problems[0].message


def test_unknown_key_with_nothing_close(rubric):
    problems = problems_for(rubric, values_with(zzzzzz=1))
    assert [p.indicator for p in problems] == ["zzzzzz"]
    assert problems[0].message == "unknown indicator"


def test_non_string_key_is_unknown(rubric):
    values: dict[object, object] = dict(GOOD)
    values[1] = 2
    problems = problems_for(rubric, values)
    assert [p.indicator for p in problems] == ["1"]


def test_all_problems_reported_at_once(rubric):
    values = values_with(n=True, pct=120, s=[1, 2], lvl="国家级", sc_=80)
    del values["amt"]
    problems = problems_for(rubric, values)
    # declared indicators in declaration order, then the unknown keys
    assert [p.indicator for p in problems] == ["n", "pct", "amt", "s", "lvl", "sc_"]
    assert "missing" in problems[2].message
    assert "did you mean 'sc'?" in problems[5].message
    with pytest.raises(IndicatorError) as caught:
        rubric.evaluate(values)
    text = str(caught.value)
    assert text.startswith("indicator data has 6 problems:")
    for problem in problems:
        assert f"  - {problem.indicator}: {problem.message}" in text


def test_one_problem_is_singular(rubric):
    with pytest.raises(IndicatorError) as caught:
        rubric.evaluate(values_with(n=-1))
    assert str(caught.value).startswith("indicator data has 1 problem:")


@pytest.mark.parametrize(
    ("values", "type_name"),
    [([("flag", True)], "list"), (None, "NoneType"), ("flag=true", "str"), (42, "int")],
)
def test_non_mapping_indicators(rubric, values, type_name):
    problems = problems_for(rubric, values)
    assert len(problems) == 1
    assert problems[0].indicator == "(indicators)"
    assert "expected a mapping of names to values" in problems[0].message
    assert type_name in problems[0].message


def test_empty_mapping_lists_every_indicator_missing(rubric):
    problems = problems_for(rubric, {})
    assert [p.indicator for p in problems] == list(GOOD)


# ---- what is accepted, and read as what ----------------------------------------------------------


def read(rubric: rubricdsl.Rubric, **changes: object) -> dict[str, object]:
    """The values each rule read, as the trace shows them."""
    item = rubric.evaluate(values_with(**changes)).item("1")
    return {name: value for rule in item.rules for name, value in rule.values}


def test_floats_are_read_as_the_decimal_they_were_written_as(rubric):
    values = read(rubric, pct=95.5, g=-2.5, sc=79.9, amt=150.25)
    assert values["pct"] == D("95.5")
    assert str(values["pct"]) == "95.5"
    assert str(values["g"]) == "-2.5"
    assert str(values["sc"]) == "79.9"  # not 79.900000000000005684…
    assert str(values["amt"]) == "150.25"


def test_literal_point_three_equals_threshold_point_three(rubric):
    rule = rubric.evaluate(values_with(pct=0.3)).item("1").rules[-1]
    assert rule.text == "j"
    assert rule.status == "met"
    assert rule.values == (("pct", D("0.3")),)


def test_computed_float_keeps_its_own_digits(rubric):
    # 0.1 + 0.2 is 0.30000000000000004 as a float: read as that, it is not 0.3
    rule = rubric.evaluate(values_with(pct=0.1 + 0.2)).item("1").rules[-1]
    assert rule.status == "not_met"
    assert rule.values == (("pct", D("0.30000000000000004")),)


def test_threshold_compared_exactly(rubric):
    item = rubric.evaluate(values_with(pct=95.49999)).item("1")
    assert item.rules[2].status == "not_met"  # 95.49999 < 95.5
    item = rubric.evaluate(values_with(pct=D("95.50"))).item("1")
    assert item.rules[2].status == "met"  # 95.50 == 95.5


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("n", 3, D(3)),
        ("n", D("3"), D(3)),
        ("n", 3.0, D(3)),  # a whole float is a whole count
        ("n", D("3.00"), D(3)),
        ("n", 0, D(0)),
        ("n", 10**15 - 1, D(10**15 - 1)),  # the largest value accepted
        ("pct", 100, D(100)),
        ("pct", 0, D(0)),
        ("pct", D("99.99"), D("99.99")),
        ("sc", D("100"), D(100)),
        ("amt", 0, D(0)),
        ("amt", D("1E+3"), D(1000)),
        ("g", -1000000, D(-1000000)),
        ("g", D("-0.001"), D("-0.001")),
    ],
)
def test_ints_floats_and_decimals_accepted(rubric, name, value, expected):
    values = read(rubric, **{name: value})
    assert values[name] == expected


def test_series_as_list_or_tuple_with_mixed_number_types(rubric):
    values = read(rubric, s=(D("3.5"), 2, 1.5))
    assert values["s"] == (D("3.5"), D(2), D("1.5"))
    assert str(values["s"][2]) == "1.5"
    assert read(rubric, s=[-1, 0, 1])["s"] == (D(-1), D(0), D(1))  # series may be negative


def test_not_applicable_with_a_reason(rubric):
    values = read(rubric, m={"not_applicable": "  区域无法定计量检定机构 "})
    assert values["m"] == NotApplicable("区域无法定计量检定机构")  # surrounding blanks dropped


def test_enum_and_bool_values(rubric):
    values = read(rubric, lvl="provincial", flag=False)
    assert values["lvl"] == "provincial"
    assert values["flag"] is False


def test_mapping_types_other_than_dict_are_accepted(rubric):
    from types import MappingProxyType

    result = rubric.evaluate(MappingProxyType(dict(GOOD)))
    assert result.item("1").score == D(9)


def test_input_mapping_is_not_modified(rubric):
    values = dict(GOOD)
    before = dict(values)
    rubric.evaluate(values)
    assert values == before


def _values_in_dict(result: rubricdsl.Result) -> dict[str, object]:
    rules = result.to_dict()["items"][0]["rules"]
    return {name: value for rule in rules for name, value in rule["values"].items()}


@pytest.mark.parametrize(
    ("name", "value", "exact"),
    [
        ("g", 1e60, D("1E+60")),
        ("amt", 10**61, D(10**61)),
        ("n", 10**70, D(10**70)),
    ],
    ids=["float 1e60 number", "10**61 amount", "10**70 count"],
)
def test_huge_values_are_rejected_or_reported_exactly(rubric, name, value, exact):
    # either the data is refused with an IndicatorError, or the result (and its JSON) shows it
    try:
        result = rubric.evaluate(values_with(**{name: value}))
    except IndicatorError as error:
        assert [p.indicator for p in error.problems] == [name]
        return
    shown = _values_in_dict(result)
    json.dumps(result.to_dict())
    assert D(shown[name]) == exact


@pytest.mark.parametrize(("name", "value"), [("n", 10**15), ("g", -(10**15)), ("amt", 1e20)])
def test_implausibly_large_values_are_refused(rubric, name, value):
    with pytest.raises(IndicatorError) as raised:
        rubric.evaluate(values_with(**{name: value}))
    assert [p.indicator for p in raised.value.problems] == [name]
    assert "too large" in raised.value.problems[0].message


def test_minus_zero_is_shown_as_zero(rubric):
    result = rubric.evaluate(values_with(n=-0.0, g=D("-0")))
    assert _values_in_dict(result)["n"] == "0"
    assert _values_in_dict(result)["g"] == "0"


# ---- numbers from other libraries, and callers' mappings that misbehave ---------------------

np = pytest.importorskip("numpy")


def test_numpy_scalars_are_read_exactly(rubric):
    values = values_with(
        flag=np.True_,
        n=np.int64(3),
        pct=np.float64(95.5),
        sc=np.int32(80),
        amt=np.uint16(150),
        g=np.float32(-2.5),
        s=[np.int64(3), np.float64(2), 1],
    )
    assert rubric.evaluate(values).to_dict() == rubric.evaluate(GOOD).to_dict()


def test_numpy_bool_is_not_a_number_and_numpy_int_is_not_a_bool(rubric):
    problems = problems_for(rubric, values_with(flag=np.int64(1), n=np.True_))
    assert [str(p) for p in problems] == [
        "flag: np.int64(1) is not a bool (write true or false)",
        "n: True is a bool, not a count",
    ]


def test_numpy_nan_and_arrays_are_refused(rubric):
    problems = problems_for(rubric, values_with(pct=np.float64("nan"), n=np.array([1, 2])))
    text = [str(p) for p in problems]
    assert text[0].startswith("n: array([1, 2]) is not a number")
    assert text[1] == "pct: NaN is not a finite number"


def test_fractions_are_read_when_they_are_exact_decimals(rubric):
    from fractions import Fraction

    assert read(rubric, g=Fraction(-5, 2))["g"] == Decimal("-2.5")
    problems = problems_for(rubric, values_with(g=Fraction(1, 3)))
    assert [str(p) for p in problems] == ["g: 1/3 has no exact decimal value"]


def test_a_value_past_the_digit_limits_is_refused(rubric):
    problems = problems_for(
        rubric, values_with(g=Decimal("1E-1001"), pct=Decimal("1" + "0" * 1200), n=10**5000)
    )
    text = [str(p) for p in problems]
    assert "places after the decimal point" in text[2]
    assert all(len(t) < 200 for t in text)


class RaisingMapping(Mapping):
    def __init__(self, values: dict, bad: str) -> None:
        self.values, self.bad = values, bad

    def __getitem__(self, key):
        if key == self.bad:
            raise RuntimeError("the database went away")
        return self.values[key]

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def test_a_mapping_that_fails_to_read_names_the_key(rubric):
    problems = problems_for(rubric, RaisingMapping(GOOD, "pct"))
    assert [str(p) for p in problems] == [
        "pct: could not be read (RuntimeError: the database went away)"
    ]


def test_a_mapping_that_fails_to_iterate_is_reported(rubric):
    class NoIteration(RaisingMapping):
        def __iter__(self):
            raise OSError("closed")

    problems = problems_for(rubric, NoIteration(GOOD, ""))
    assert "could not be read (OSError: closed)" in str(problems[0])


def test_a_not_applicable_mapping_that_fails_to_read_is_reported(rubric):
    problems = problems_for(
        rubric, values_with(m=RaisingMapping({"not_applicable": "x"}, "not_applicable"))
    )
    assert [str(p) for p in problems] == ["m: could not be read (RuntimeError)"]


def test_the_mapping_is_copied_once_so_another_thread_cannot_change_it_midway(rubric):
    values = values_with()
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            values["extra_key"] = 1
            values.pop("extra_key", None)

    thread = threading.Thread(target=churn)
    thread.start()
    try:
        outcomes = set()
        for _ in range(300):
            try:
                outcomes.add(rubric.evaluate(values).total)
            except IndicatorError as error:  # the copy caught the key: reported, not raised raw
                assert [p.indicator for p in error.problems] == ["extra_key"]
                outcomes.add("extra_key")
    finally:
        stop.set()
        thread.join()
    assert outcomes <= {rubric.evaluate(GOOD).total, "extra_key"}


def test_a_million_unknown_keys_are_counted_not_listed(rubric):
    values = values_with(**{f"unknown_{i}": 1 for i in range(1_000_000)})
    started = time.monotonic()
    with pytest.raises(IndicatorError) as caught:
        rubric.evaluate(values)
    assert time.monotonic() - started < 20
    error = caught.value
    assert len(error.problems) == 50
    assert error.omitted == 999_950
    assert str(error).endswith("… and 999,950 more (1,000,000 problems in all)")
    assert len(str(error)) < 5_000


def test_a_huge_unknown_key_is_clipped_and_not_fuzzy_matched(rubric):
    problems = problems_for(rubric, values_with(**{"p" * 1_000_000: 1}))
    assert str(problems[0]) == "p" * 80 + "…(+999,920 characters): unknown indicator"


def test_control_characters_in_keys_and_reasons_are_escaped_in_messages(rubric):
    problems = problems_for(rubric, values_with(**{"bad\x1b]0;x\x07\nkey": 1}))
    assert str(problems[0]) == "bad\\x1b]0;x\\x07\\nkey: unknown indicator"
