"""The lint pass (issue 8, item 2): each code R100–R108 is triggered by a small rubric and not by
its near miss; ignore comments silence a finding on its line with a reason; `rubricdsl check`
prints the findings as text, JSON and GitHub annotations; the repository's rubrics have none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rubricdsl
from rubricdsl.cli import main
from rubricdsl.escape import escape
from rubricdsl.lint import CODES, lint
from rubricdsl.model import counted

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = [
    ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric",
    ROOT / "rubrics" / "2020" / "anhui-six-ones.rubric",
    ROOT / "examples" / "rubrics" / "county-food-safety.rubric",
]
DECLARATIONS = "p: percent  n: count  f: bool  g: bool  x: number  lvl: enum(a, b)"


def rubric(rules: str, item: str = 'item 1 "i" 10 cap 10') -> str:
    """A rubric whose only item's rules start on line 7, column 5."""
    return (
        'rubric "t"\n'
        "year 2020\n"
        "base 10\n"
        f"indicators {{ {DECLARATIONS} }}\n"
        'category "c" 10 {\n'
        f"  {item} {{\n"
        f"    {rules}\n"
        "  }\n"
        "}\n"
    )


def findings(rules: str, item: str = 'item 1 "i" 10 cap 10'):
    text = rubric(rules, item)
    return lint(rubricdsl.loads(text).checked, text)


def codes(rules: str, item: str = 'item 1 "i" 10 cap 10') -> list[str]:
    return [found.code for found in findings(rules, item).findings]


TRIGGERS = {
    "R101": [
        '10 when p > 90 "覆盖率 90%以上"',
        '10 when p >= 90 "覆盖率超过 90%"',
        '10 when p < 90 "覆盖率 90%以下"',
        '10 when p <= 90 "覆盖率低于 90%"',
        '10 when p > 25 and f "不低于 25%，并建立制度"',
    ],
    "R102": ['10 when p >= 95 "覆盖率 90%以上"', '10 when n >= 5 "达到 6 项以上"'],
    "R103": [
        '2 when f "获奖的加 3 分"\n    8 always "基础分 8 分"',
        '1 per n max 3 "每项加 1 分，最多加 2 分"\n    7 always "x"',
        '10 when f "满分 8 分"',
        '-2 when g "发生的扣 1 分"\n    10 always "x"',
    ],
    "R104": ['10 when p >= 90 and p < 80 "x"', '10 when lvl == a and lvl == b "x"'],
    "R105": ['10 when p >= 90 or p < 95 "x"', '10 when f or not f "x"'],
    "R106": [
        'highest "t" {\n 10 when p >= 90 "90 分"\n 5 when p >= 95 "95 分"\n }',
        'highest "t" {\n 10 when f "甲"\n 10 when f and g "乙"\n }',
    ],
    "R107": ['5 when p >= 80 "甲"\n    5 when p >= 90 "乙"\n    2 when p >= 95 "丙"'],
    "R108": ['5 when f "甲"\n    4.75 when g "乙"\n    1 when p >= 90 "丙"'],
}
NEAR_MISSES = {
    "R101": [
        '10 when p >= 90 "覆盖率 90%以上"',
        '10 when p > 90 "覆盖率超过 90%"',
        '10 when p <= 90 "覆盖率 90%以下"',
        '10 when p < 90 "覆盖率低于 90%"',
        '10 when p > 90 "未达到 90%以上的不得分"',  # negated: unsure, so silent
        '10 when p > 90 or f "90%以上"',  # not a single comparison or an `and`
    ],
    "R102": [
        '10 when p >= 90 "覆盖率 90%以上"',
        '10 when n > 5 "6 项以上"',  # the same counts
        '10 when x < -3 "低于 3 个百分点"',  # a gap written without its sign
        '10 when p >= 95 "90%以上得 5 分，95%以上得 10 分"',  # two numbers: unsure
    ],
    "R103": [
        '2 when f "获奖的加 2 分"\n    8 always "基础分 8 分"',
        '1 per n max 3 "每项加 1 分，最多加 3 分"\n    7 always "x"',
        '10 when f "满分 10 分"',
        '-1 when g "发生的扣 1 分"\n    10 always "x"',
        '2 when f "每增加 1 分"\n    8 always "x"',
    ],
    "R104": ['10 when p >= 90 and p < 95 "x"', '10 when p > 100 and f "x"'],
    "R105": ['10 when p >= 90 or p < 85 "x"', '10 when p <= 100 or f "x"'],
    "R106": [
        'highest "t" {\n 10 when p >= 95 "95 分"\n 5 when p >= 90 "90 分"\n }',
        'highest "t" {\n 10 when f and g "乙"\n 10 when f "甲"\n }',
    ],
    "R107": [
        '5 when p >= 80 "甲"\n    5 when f "乙"\n    2 when p >= 95 "丙"',
        '5 when p >= 80 "甲"\n    4 when p >= 90 "乙"\n    1 when p >= 95 "丙"',
    ],
    "R108": [
        '5 when f "甲"\n    4.5 when g "乙"\n    0.5 when p >= 90 "丙"',
        '5 when f "甲"\n    4.75 when g "乙"\n    0.25 when p >= 90 "丙"',
    ],
}


def test_every_code_has_a_trigger_a_near_miss_and_a_description():
    assert sorted(CODES) == [f"R{n}" for n in range(100, 109)]
    assert set(TRIGGERS) == set(NEAR_MISSES) == set(CODES) - {"R100"}
    documented = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in documented


@pytest.mark.parametrize(
    ("code", "rules"), [(code, rules) for code, cases in TRIGGERS.items() for rules in cases]
)
def test_the_code_is_triggered(code, rules):
    assert code in codes(rules)


@pytest.mark.parametrize(
    ("code", "rules"), [(code, rules) for code, cases in NEAR_MISSES.items() for rules in cases]
)
def test_the_near_miss_does_not_trigger_it(code, rules):
    assert code not in codes(rules)


def test_a_finding_has_its_place_caret_and_hint():
    (found,) = findings('10 when p > 90 "覆盖率 90%以上"').findings
    assert (found.severity, found.code, found.line, found.column) == ("warning", "R101", 7, 13)
    assert found.message == "the wording says '90%以上' (>= 90) but the condition is 'p > 90'"
    assert found.hint == "'90%以上' includes 90: write >= 90, or fix the wording"
    assert found.snippet.splitlines()[1].endswith("^^^^^^")


def test_a_single_comparison_decided_by_its_type_is_left_to_the_checker():
    result = rubricdsl.loads(rubric('10 when p > 100 "x"'))
    assert "never-holds" in [w.code for w in result.warnings]
    assert codes('10 when p > 100 "x"') == []


# ---- ignore comments -------------------------------------------------------------------------

WRONG = '10 when p > 90 "覆盖率 90%以上"'


def test_an_ignore_with_a_reason_silences_the_finding_on_its_line():
    result = findings(WRONG + "  # rubricdsl: ignore[R101] 表中原文如此，见第 3 页")
    assert result.findings == ()
    assert [found.code for found in result.silenced] == ["R101"]


def test_an_ignore_alone_on_the_line_above_silences_the_next_line():
    result = findings("# rubricdsl: ignore[R101, R102] 表中原文如此\n    " + WRONG)
    assert [found.code for found in result.silenced] == ["R101"]
    # R102 silenced nothing: said so
    assert [(f.code, f.message) for f in result.findings] == [
        ("R100", "ignore[R102] silences nothing on line 8")
    ]


def test_an_ignore_without_a_reason_silences_but_is_a_finding():
    result = findings(WRONG + "  # rubricdsl: ignore[R101]")
    assert [found.code for found in result.silenced] == ["R101"]
    (found,) = result.findings
    assert (found.code, found.line, found.message) == ("R100", 7, "ignore[R101] gives no reason")


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("# rubricdsl: ignore[R999] 原因", "an ignore comment names unknown code(s): R999"),
        ("# rubricdsl: ignore R101 原因", "an ignore comment must name the codes it silences"),
        ("# rubricdsl: ignore[R101] 原因", "ignore[R101] silences nothing on line 7"),
    ],
)
def test_a_bad_or_idle_ignore_is_a_finding(comment, message):
    result = findings('10 when p >= 90 "90%以上"  ' + comment)
    assert [(f.code, f.message) for f in result.findings] == [("R100", message)]


def test_a_hash_inside_the_wording_is_no_comment():
    text = '10 when p >= 90 "# rubricdsl: ignore[R101] 90%以上"'
    assert findings(text).findings == ()


def test_an_ignore_on_either_line_of_a_rule_written_on_two_lines():
    two_lines = '10 when p > 90\n      "覆盖率 90%以上"  # rubricdsl: ignore[R101] 原文'
    result = findings(two_lines)
    assert result.findings == ()
    assert [found.code for found in result.silenced] == ["R101"]


# ---- the repository's rubrics ----------------------------------------------------------------


@pytest.mark.parametrize("path", RUBRICS, ids=lambda path: path.name)
def test_the_repositorys_rubrics_have_no_finding(path):
    text = path.read_text(encoding="utf-8")
    result = lint(rubricdsl.loads(text, str(path)).checked, text)
    assert [found.render() for found in result.findings] == []


def test_the_2020_rubric_flipped_to_strict_operators_is_caught():
    """The encoding is right, and the lint would see it otherwise: `>=` made `>` on every line
    with a comparison word gives R101 there."""
    text = RUBRICS[0].read_text(encoding="utf-8").replace(" >= ", " > ")
    result = lint(rubricdsl.loads(text).checked, text)
    assert [found.code for found in result.findings] == ["R101"] * 13


# ---- the command -----------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def wrong(tmp_path):
    path = tmp_path / "wrong.rubric"
    path.write_text(rubric(WRONG), encoding="utf-8")
    return str(path)


def test_check_text_prints_findings_with_the_warnings(capsys, wrong):
    code, out, err = run(capsys, "check", wrong)
    assert (code, err) == (0, "")
    assert f"{wrong}:7:13: warning[R101]: the wording says '90%以上' (>= 90)" in out
    assert "  hint: '90%以上' includes 90" in out
    assert out.endswith(f"{wrong}: ok, 6 indicators, 5 warnings, 1 lint finding\n")


def test_check_text_counts_what_is_silenced(capsys, tmp_path):
    path = tmp_path / "quiet.rubric"
    path.write_text(rubric(WRONG + "  # rubricdsl: ignore[R101] 原文"), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0
    assert "R101" not in out and "wording" not in out
    assert out.endswith(": ok, 6 indicators, 5 warnings (1 silenced)\n")


@pytest.mark.parametrize("path", RUBRICS, ids=lambda path: path.name)
def test_check_text_is_unchanged_for_a_rubric_without_findings(capsys, path):
    loaded = rubricdsl.load(path)
    expected = [w.render() for w in loaded.warnings] + [
        f"{escape(str(path))}: ok, {counted(len(loaded.indicators), 'indicator')}, "
        f"{counted(len(loaded.warnings), 'warning')}"
    ]
    code, out, _ = run(capsys, "check", str(path))
    assert (code, out) == (0, "\n".join(expected) + "\n")


def test_check_json_lists_every_diagnostic(capsys, wrong):
    code, out, _ = run(capsys, "check", wrong, str(RUBRICS[1]), "--format", "json")
    assert code == 0
    document = json.loads(out)
    lint_found = [d for d in document if d["code"].startswith("R")]
    assert lint_found == [
        {
            "severity": "warning",
            "code": "R101",
            "message": "the wording says '90%以上' (>= 90) but the condition is 'p > 90'",
            "source": wrong,
            "line": 7,
            "column": 13,
            "hint": "'90%以上' includes 90: write >= 90, or fix the wording",
        }
    ]
    assert {d["code"] for d in document} >= {"R101", "unused-indicator"}


def test_check_github_writes_annotations(capsys, wrong):
    code, out, _ = run(capsys, "check", wrong, "--format", "github")
    assert code == 0
    lines = out.splitlines()
    assert all(line.startswith("::warning file=") for line in lines)
    (annotation,) = [line for line in lines if "title=R101" in line]
    assert annotation == (
        f"::warning file={wrong},line=7,col=13,title=R101::the wording says '90%25以上' (>= 90) "
        "but the condition is 'p > 90'%0Ahint: '90%25以上' includes 90: write >= 90, or fix "
        "the wording"
    )


def test_check_github_escapes_what_would_break_a_command(capsys, tmp_path):
    path = tmp_path / "a,b:c.rubric"
    path.write_text(rubric('10 when p > 90 "100%\\\\ 90%以上"'), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path), "--format", "github")
    assert code == 0
    (annotation,) = [line for line in out.splitlines() if "title=R101" in line]
    assert "file=" + str(path).replace(":", "%3A").replace(",", "%2C") + "," in annotation
    assert "90%25以上" in annotation


def test_check_errors_still_exit_1(capsys, tmp_path):
    path = tmp_path / "bad.rubric"
    path.write_text(rubric('10 when missing "x"'), encoding="utf-8")
    code, out, err = run(capsys, "check", str(path), "--format", "github")
    assert (code, out) == (1, "")
    assert "undefined indicator 'missing'" in err


def test_strict_fails_on_a_finding_left_unexplained(tmp_path, capsys):
    from rubricdsl.cli import main

    source = Path("rubrics/2020/anhui-quality-county.rubric").read_text(encoding="utf-8")
    # "90%以上" says >=: written `>`, the lint's R101 must fail a strict check
    mutated = source.replace(
        "1   when spot_check_coverage_pct >= 90 ", "1   when spot_check_coverage_pct > 90  "
    )
    assert mutated != source
    path = tmp_path / "m.rubric"
    path.write_text(mutated, encoding="utf-8")
    assert main(["check", str(path)]) == 0  # findings are warnings
    capsys.readouterr()
    assert main(["check", "--strict", str(path)]) == 1
    assert "R101" in capsys.readouterr().err
    assert main(["check", "--strict", "rubrics/2020/anhui-quality-county.rubric"]) == 0
