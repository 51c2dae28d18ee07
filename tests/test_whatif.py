"""What-if: the data rescored with some values changed, item by item and in the total.

Every expected value is worked out by hand from the 2020 table and the Yaohai sample, whose
raw base is 73 of the 98 points left after item 10's two 合理缺项 rules (74.49 prorated), and
whose bonus is 3."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl.cli import main
from rubricdsl.commands.whatif import parse_assignment
from rubricdsl.gaps import what_if

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
SAMPLE = str(ROOT / "examples" / "yaohai-2021.yaml")
D = Decimal


@pytest.fixture(scope="module")
def table() -> rubricdsl.Rubric:
    return rubricdsl.load(RUBRIC)


@pytest.fixture(scope="module")
def sample() -> rubricdsl.DataFile:
    return rubricdsl.read_data(SAMPLE)


def test_item_by_item_and_in_the_total(table, sample):
    # item 13 (base) 0 → 3: raw base 76, 76 × 100 / 98 = 77.551… → 77.55 (+3.06);
    # item 29 (bonus) 0 → 3: bonus 3 → 6. Total 77.49 → 83.55.
    changes = {"cqo_trained_pct": 100, "central_media_coverage": True}
    result = what_if(table, sample.indicators, changes, sample.not_applicable)
    assert [(d.id, d.before, d.after, d.difference) for d in result.items] == [
        ("13", 0, 3, 3),
        ("29", 0, 3, 3),
    ]
    assert (result.before.total, result.after.total, result.difference) == (
        D("77.49"),
        D("83.55"),
        D("6.06"),
    )
    assert (result.after.base, result.after.bonus) == (D("77.55"), D(6))
    assert [(c.indicator, c.before, c.after) for c in result.changes] == [
        ("cqo_trained_pct", D("96.5"), D(100)),
        ("central_media_coverage", False, True),
    ]
    document = result.to_dict()
    assert document["difference"] == {"total": "6.06", "base": "3.06", "bonus": "3"}
    assert document["items"][0] == {
        "id": "13",
        "title": "首席质量官",
        "before": "0",
        "after": "3",
        "difference": "3",
    }


def test_a_value_that_was_not_applicable_changes_the_proration(table, sample):
    # registered_metrologists 6: item 10's second rule applies and holds (1 point); only the
    # budget rule is 合理缺项 now, 1 point: raw 74 of 99, 74 × 100 / 99 = 74.747… → 74.75.
    result = what_if(
        table, sample.indicators, {"registered_metrologists": 6}, sample.not_applicable
    )
    assert [(d.id, d.before, d.after) for d in result.items] == [("10", 0, 1)]
    assert (result.after.na_points, result.after.base, result.difference) == (
        D(1),
        D("74.75"),
        D("0.26"),
    )


def test_an_item_the_reviewers_scored_on_site_does_not_move(table, sample):
    # item 13 given its 3 on site: raw base 76, 77.55; training everyone changes nothing more
    override = {"item": "13", "points": 3, "by": "李四", "on": "2022-03-15", "reason": "现场核查"}
    result = what_if(
        table,
        sample.indicators,
        {"cqo_trained_pct": 100},
        sample.not_applicable,
        overrides=[override],
    )
    assert result.before.total == result.after.total == D("80.55")
    assert result.items == ()


def test_grade_and_eligibility_changes_are_shown():
    rubric = rubricdsl.loads(
        'rubric "t"\nyear 2021\nbase 10\nindicators { p: percent  x: count }\n'
        'require p >= 60 "p at least 60"\n'
        'category "c" 10 { item 1 "i" 10 { 10 when x >= 2 "two" } }\n'
        'grades { "A" >= 10 "B" otherwise }\n'
    )
    result = what_if(rubric, {"p": 50, "x": 1}, {"p": 60, "x": 2})
    document = result.to_dict()
    assert (document["before"]["grade"], document["after"]["grade"]) == ("B", "A")
    assert (document["before"]["eligible"], document["after"]["eligible"]) == (False, True)
    text = _text(rubric, result)
    assert "grade: B → A" in text
    assert "eligible: no → yes" in text


def _text(rubric, result):
    from rubricdsl.render_gaps import render_whatif_text

    return render_whatif_text(result, None, "en")


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        (
            {"cqo_traned_pct": 100},
            "cqo_traned_pct: unknown indicator; did you mean 'cqo_trained_pct'?",
        ),
        ({"cqo_trained_pct": 120}, "cqo_trained_pct: 120 is outside 0–100"),
        ({"construction_complaint_rate": [1, 2]}, "construction_complaint_rate: has 2 yearly"),
        ({"quality_fund_delivered": "yes"}, "quality_fund_delivered: 'yes' is not a bool"),
    ],
)
def test_bad_names_and_values_are_indicator_errors_naming_them(table, sample, changes, needle):
    with pytest.raises(rubricdsl.IndicatorError) as raised:
        what_if(table, sample.indicators, changes, sample.not_applicable)
    assert needle in str(raised.value)


def test_changes_must_be_a_mapping(table, sample):
    with pytest.raises(rubricdsl.RubricArgumentError):
        what_if(table, sample.indicators, [("cqo_trained_pct", 100)])  # type: ignore[arg-type]


# ---- --set -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x=90", ("x", 90)),
        ("x=92.5", ("x", D("92.5"))),
        ("flag=true", ("flag", True)),
        ("level=provincial", ("level", "provincial")),
        ("s=[3.1, 2.7, 2.6]", ("s", [D("3.1"), D("2.7"), D("2.6")])),
        ("x = 1e1", ("x", D("1e1"))),
        ("n={not_applicable: 无}", ("n", {"not_applicable": "无"})),
    ],
)
def test_set_values_are_read_as_a_data_files_values(text, expected):
    assert parse_assignment(text) == expected


# ---- the command line --------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_whatif_text(capsys):
    code, out, err = run(
        capsys,
        "whatif",
        RUBRIC,
        SAMPLE,
        "--set",
        "cqo_trained_pct=100",
        "--set",
        "construction_complaint_rate=[3.1, 2.7, 2.6]",
        "--lang",
        "en",
    )
    assert (code, err) == (0, "")
    # items 13 and 17 gain 3 each: raw base 79, 79 × 100 / 98 = 80.612… → 80.61 (+6.12);
    # the bonus stays 3: total 83.61
    assert (
        "What if: cqo_trained_pct: 96.5 → 100; construction_complaint_rate: [3.1, 2.7, 2.9]" in out
    )
    lines = [line.split() for line in out.splitlines()]
    assert ["item", "13", "首席质量官", "0", "3", "+3"] in lines
    assert ["item", "17", "建筑工程品质", "2", "5", "+3"] in lines
    assert ["base", "74.49", "80.61", "+6.12"] in lines
    assert ["bonus", "3", "3", "0"] in lines
    assert ["total", "77.49", "83.61", "+6.12"] in lines


def test_whatif_json(capsys):
    code, out, _ = run(
        capsys, "whatif", RUBRIC, SAMPLE, "--set", "hosted_quality_event=true", "--format", "json"
    )
    assert code == 0
    document = json.loads(out)
    assert document["meta"]["year"] == 2021
    assert document["difference"] == {"total": "2", "base": "0", "bonus": "2"}
    assert [item["id"] for item in document["items"]] == ["30"]
    assert document["changes"] == [
        {"indicator": "hosted_quality_event", "before": False, "after": True}
    ]


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        (
            "cqo_traned_pct=100",
            "cqo_traned_pct: unknown indicator; did you mean 'cqo_trained_pct'?",
        ),
        ("cqo_trained_pct=120", "cqo_trained_pct: 120 is outside 0–100"),
        ("quality_fund_delivered=yes", "quality_fund_delivered: 'yes' is not a bool"),
    ],
)
def test_whatif_bad_names_and_values_exit_1_naming_them(capsys, setting, needle):
    code, out, err = run(capsys, "whatif", RUBRIC, SAMPLE, "--set", setting)
    assert (code, out) == (1, "")
    assert needle in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--set", "cqo_trained_pct"], "expected name=value"),
        (["--set", "=100"], "expected name=value"),
        (["--set", "cqo_trained_pct="], "has no value"),
        (["--set", "x=a: b"], "is not a value"),
        (["--set", "x=[1, 2"], "is not a value"),
        (["--set", "x=1\n  y: 2"], "control character or line break"),
        (["--set", "x=1", "--set", "x=2"], "x is set twice"),
        ([], "the following arguments are required: --set"),
    ],
)
def test_whatif_malformed_set_is_a_usage_error(capsys, argv, needle):
    code, out, err = run(capsys, "whatif", RUBRIC, SAMPLE, *argv)
    assert (code, out) == (2, "")
    assert "usage" in err
    assert needle in err
