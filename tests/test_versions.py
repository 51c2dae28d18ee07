"""`rubricdsl diff`: the semantic diff of two rubric versions (src/rubricdsl/versions.py)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import rubricdsl
from rubricdsl import ast
from rubricdsl.cli import main
from rubricdsl.datafile import read_data
from rubricdsl.errors import RubricError
from rubricdsl.source import Span
from rubricdsl.versions import condition_text, diff_versions, score_effect

ROOT = Path(__file__).resolve().parent.parent
RUBRIC_2020 = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"

SMALL = """\
rubric "T"
year 2020
base 10
bonus 2

indicators {
  a: percent "A"
  b: bool "B"
  c: count "C"
  s: series(3) "S"
  level: enum(high "高", low "低") "L"
}

category "K1" 6 {
  group "G1" {
    item 1 "First" 3 {
      1 when a >= 90 and b "a high and b"
      2 when c > 2 "c above two"
    }
    item 2 "Second" 3 cap 3 {
      3 when b "b holds"
      veto when c >= 9 "too many c"
    }
  }
}

category "K2" 4 {
  item 3 "Third" 4 {
    2 when decreasing(s) or level == high "falling or high"
    1 per c max 2 "one per c"
  }
}

bonus category "Bonus" 2 {
  item 4 "Extra" 2 {
    2 when not b "no b"
  }
}
"""


def diff(old: str, new: str):
    return diff_versions(rubricdsl.loads(old, "old").checked, rubricdsl.loads(new, "new").checked)


def changed(old: str, new: str, *edits: tuple[str, str]):
    """The changes after replacing each `old` text of `edits` (exactly once) in `new`."""
    for before, after in edits:
        assert new.count(before) == 1, before
        new = new.replace(before, after)
    return diff(old, new).changes


def kinds(changes) -> list[str]:
    return [change.kind for change in changes]


# ---- nothing equal is reported -------------------------------------------------------------------


def test_a_file_against_itself_has_no_change():
    assert diff(SMALL, SMALL).changes == ()
    text = RUBRIC_2020.read_text(encoding="utf-8")
    assert diff(text, text).changes == ()


def test_reformatting_and_comments_are_no_change():
    text = RUBRIC_2020.read_text(encoding="utf-8")
    lines = [re.sub(r"\s+#.*$", "", line) for line in text.split("\n")]
    reformatted = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    reformatted = "# a new comment\n\n" + re.sub(r" {2,}", " ", reformatted)
    assert diff(text, reformatted).changes == ()
    # the same thing written another way: 90.0 for 90, 90 <= a for a >= 90, operands swapped
    other = (
        SMALL.replace("a >= 90 and b", "b and 90.0 <= a")
        .replace("decreasing(s) or level == high", "level == high or decreasing(s)")
        .replace("base 10", "base 10.00")
    )
    assert diff(SMALL, other).changes == ()


# ---- header and indicators -----------------------------------------------------------------------


def test_header_changes():
    changes = changed(
        SMALL,
        SMALL,
        ('rubric "T"', 'rubric "T2"'),
        ("year 2020", "year 2021"),
        ("bonus 2", "bonus 3"),
    )
    assert kinds(changes) == ["title-changed", "year-changed", "bonus-changed"]
    year = changes[1]
    assert (year.old, year.new, year.old_line, year.new_line) == ("2020", "2021", 2, 2)
    assert changes[0].message == "title: “T” → “T2”"


def test_indicator_added_removed_retyped_relabelled():
    changes = changed(
        SMALL,
        SMALL,
        ('  c: count "C"\n', '  c: number "C"\n  d: amount("万元") or na "D"\n'),
        ('a: percent "A"', 'a: percent or na "A, in %"'),
        ('level: enum(high "高", low "低") "L"', 'level: enum(high "高", mid, low "低") "L"'),
    )
    assert kinds(changes) == [
        "indicator-retyped",
        "indicator-relabelled",
        "indicator-retyped",
        "indicator-added",
        "indicator-retyped",
    ]
    assert changes[0].message == "retyped: percent → percent or na"
    assert changes[1].message == "relabelled: “A” → “A, in %”"
    assert changes[2].message == "retyped: count → number"
    assert changes[3].where == "indicator d"
    assert changes[3].new == 'd: amount("万元") or na'
    assert changes[4].new == 'enum(high "高", mid, low "低")'
    unused = SMALL.replace('  b: bool "B"\n', '  b: bool "B"\n  e: bool "E"\n')
    assert kinds(diff(unused, SMALL).changes) == ["indicator-removed"]
    assert kinds(diff(SMALL, unused).changes) == ["indicator-added"]
    back = diff(SMALL, SMALL.replace('  s: series(3) "S"\n', "").replace("decreasing(s) or ", ""))
    assert kinds(back.changes) == ["indicator-removed", "condition-changed"]
    assert back.changes[0].message == "removed: s: series(3)"
    assert back.changes[1].message == (
        "rule 1 “falling or high”: condition: decreasing(s) or level == high → level == high"
    )


# ---- rules ---------------------------------------------------------------------------------------


def test_threshold_operator_indicator_and_points():
    changes = changed(
        SMALL,
        SMALL,
        ("1 when a >= 90 and b", "1 when a >= 85 and b"),
        ("2 when c > 2", "3 when c >= 2"),
        ("2 when not b", "2 when not c >= 1"),
    )
    assert kinds(changes) == [
        "threshold-changed",
        "rule-points-changed",
        "operator-changed",
        "condition-changed",
    ]
    threshold, points, operator, condition = changes
    assert threshold.where == "item 1 “First”" and threshold.item == "1"
    assert threshold.message == "rule 1 “a high and b”: threshold of a: >= 90 → >= 85"
    assert (threshold.old, threshold.new) == ("a >= 90", "a >= 85")
    assert points.message == "rule 2 “c above two”: points: 2 → 3"
    assert operator.message == "rule 2 “c above two”: operator of c: > 2 → >= 2"
    assert condition.message == "rule 1 “no b”: condition: not b → not c >= 1"
    read = changed(SMALL, SMALL, ("a >= 90 and b", "c >= 90 and b"))
    assert kinds(read) == ["indicator-changed"]
    assert read[0].message == "rule 1 “a high and b”: indicator: a >= 90 → c >= 90"


def test_wording_is_shown_both_ways():
    changes = changed(SMALL, SMALL, ('"c above two"', '"c above 2"'))
    assert kinds(changes) == ["wording-changed"]
    assert changes[0].message == "rule 2 “c above 2”: wording: “c above two” → “c above 2”"
    assert (changes[0].old, changes[0].new) == ("c above two", "c above 2")


def test_rules_added_removed_moved_and_rewritten():
    added = changed(SMALL, SMALL, ('      2 when c > 2 "c above two"\n', ""))
    assert kinds(added) == ["rule-removed"]
    assert added[0].message == "rule 2 removed: 2 when c > 2 “c above two”"
    assert added[0].old_line == 18 and added[0].new_line is None
    more = changed(SMALL, SMALL, ('"one per c"', '"one per c"\n    1 when b "b too"'))
    assert kinds(more) == ["rule-added"]
    assert more[0].message == "rule 3 added: 1 when b “b too”"
    swapped = changed(
        SMALL,
        SMALL,
        (
            '      1 when a >= 90 and b "a high and b"\n      2 when c > 2 "c above two"\n',
            '      2 when c > 2 "c above two"\n      1 when a >= 90 and b "a high and b"\n',
        ),
    )
    assert kinds(swapped) == ["rule-moved"]
    rewritten = changed(SMALL, SMALL, ("1 per c max 2", "1 when c >= 1"))
    assert kinds(rewritten) == ["rule-changed"]
    assert rewritten[0].message == "rule 2 “one per c”: rewritten: 1 per c max 2 → 1 when c >= 1"
    per = changed(SMALL, SMALL, ("1 per c max 2", "1 per 2 of c max 3"))
    assert [c.message for c in per] == [
        "rule 2 “one per c”: per: 1 → 2",
        "rule 2 “one per c”: max: 2 → 3",
    ]


def test_item_points_cap_veto():
    graded = SMALL + '\ngrades {\n  "good" >= 8\n  "poor" otherwise\n}\n'
    changes = changed(
        graded,
        graded,
        ('item 2 "Second" 3 cap 3', 'item 2 "Second" 4 cap 4'),
        ('veto when c >= 9 "too many c"', 'veto when c >= 8 "too many c" downgrade 1'),
    )
    assert kinds(changes) == ["points-changed", "cap-changed", "threshold-changed", "veto-changed"]
    assert changes[0].message == "declared points: 3 → 4"
    assert changes[1].message == "cap: 3 → 4"
    assert changes[2].message == "veto “too many c”: threshold of c: >= 9 → >= 8"
    assert changes[3].message == "veto “too many c”: effect: fails the district → downgrade 1"
    uncapped = changed(SMALL, SMALL, ("3 cap 3", "3"))
    assert [c.message for c in uncapped] == ["cap: 3 → (none)"]


# ---- items ---------------------------------------------------------------------------------------


def test_item_added_removed():
    new_item = 'item 5 "Fifth" 1 {\n    1 when b "b again"\n  }\n  item 3 "Third"'
    added = changed(SMALL, SMALL, ('item 3 "Third"', new_item))
    assert kinds(added) == ["item-added"]
    assert added[0].item == "5"
    assert added[0].message == "added: “Fifth”, 1 point, in category “K2”"
    removed = diff(SMALL.replace('item 3 "Third"', new_item), SMALL).changes
    assert kinds(removed) == ["item-removed"]
    assert removed[0].message == "removed: “Fifth”, 1 point"
    assert removed[0].old_line == 28 and removed[0].new_line is None


def test_item_renumbered_by_wording_and_moved():
    old = SMALL
    new = old.replace('item 1 "First"', 'item 11 "First"').replace(
        '    item 2 "Second" 3 cap 3 {\n      3 when b "b holds"\n'
        '      veto when c >= 9 "too many c"\n    }\n',
        "",
    )
    new = new.replace(
        '  item 3 "Third" 4 {',
        '  item 2 "Second" 3 cap 3 {\n    3 when b "b holds"\n'
        '    veto when c >= 9 "too many c"\n  }\n  item 3 "Third" 4 {',
    )
    changes = diff(old, new).changes
    assert kinds(changes) == ["item-renumbered", "item-moved"]
    assert changes[0].message == "renumbered: item 1 → 11"
    assert changes[0].where == "item 1 → 11 “First”"
    assert changes[1].message == "moved from group “G1” of category “K1” to category “K2”"


def test_new_item_under_an_old_number_renumbers_the_rest():
    """Item 1 inserted before the old item 1, which becomes 2 (and 2 becomes 5): matched by
    wording, not by number."""
    new = SMALL.replace('item 2 "Second"', 'item 5 "Second"').replace(
        'item 1 "First"', 'item 1 "Zeroth" 1 {\n      1 when b "new b"\n    }\n    item 2 "First"'
    )
    changes = diff(SMALL, new).changes
    assert kinds(changes) == ["item-added", "item-renumbered", "item-renumbered"]
    assert [c.message for c in changes[1:]] == [
        "renumbered: item 1 → 2",
        "renumbered: item 2 → 5",
    ]
    assert diff(SMALL, new).items[:3] == ((None, "1"), ("1", "2"), ("2", "5"))


def test_categories_groups_grades_requirements():
    old = SMALL + '\ngrades {\n  "good" >= 8\n  "poor" otherwise\n}\n'
    new = (
        old.replace('category "K2" 4', 'category "K2 renamed" 4')
        .replace('group "G1" {', 'group "G1" 6 {\n    na allowed "no G1 work"')
        .replace('"good" >= 8', '"good" >= 7')
        .replace('bonus category "Bonus" 2 {', 'bonus category "Bonus" 2 {\n  require b "b first"')
    )
    changes = diff(old, new).changes
    assert kinds(changes) == [
        "group-points-changed",
        "na-added",
        "category-renamed",
        "requirement-added",
        "threshold-changed",
    ]
    assert changes[0].where == "group “G1” of category “K1”"
    assert changes[0].message == "points: (none) → 6"
    assert changes[2].message == "renamed from “K2”"
    assert changes[4].message == 'grade “good”: "good" >= 8 → "good" >= 7'


def test_condition_printer():
    rubric = rubricdsl.loads(
        SMALL.replace(
            "1 when a >= 90 and b",
            "1 when (a >= 90 or not (b and c != 1)) and last(s) < previous(s) and b == false",
        )
    )
    item = rubric.checked.file.categories[0].members[0].items[0]  # type: ignore[union-attr]
    assert condition_text(item.rules[0].condition) == (
        "(a >= 90 or not (b and c != 1)) and last(s) < previous(s) and b == false"
    )


# ---- the effect on a district --------------------------------------------------------------------


def _2020_with_85(tmp_path: Path) -> Path:
    text = RUBRIC_2020.read_text(encoding="utf-8")
    old = "1.5 when food_handled_on_time_pct >= 90"
    assert text.count(old) == 1
    path = tmp_path / "draft.rubric"
    path.write_text(text.replace(old, "1.5 when food_handled_on_time_pct >= 85"), encoding="utf-8")
    return path


def test_effect_worked_by_hand(tmp_path):
    """The sample's 88.9 now meets `>= 85`: item 14 gains its 1.5 (6.5 → 8); the raw base is
    73 + 1.5 = 74.5 of 98 (item 10's two rules not applicable), prorated 74.5 × 100 / 98 =
    76.020… → 76.02; the bonus stays 3, so the total is 79.02 (was 74.49 + 3 = 77.49)."""
    old, new = rubricdsl.load(RUBRIC_2020), rubricdsl.load(_2020_with_85(tmp_path))
    found = diff_versions(old.checked, new.checked)
    assert kinds(found.changes) == ["threshold-changed"]
    effect = score_effect(old, new, read_data(SAMPLE), found, "sample")
    assert [(i.old_id, i.new_id, i.old, i.new) for i in effect.items] == [
        ("14", "14", Decimal("6.5"), Decimal(8))
    ]
    assert effect.unchanged == 29
    assert effect.totals == (
        ("base (raw)", "73 of 98", "74.5 of 98"),
        ("base", "74.49", "76.02"),
        ("total", "77.49", "79.02"),
    )


def test_effect_of_items_added_removed_and_indicators_only_one_version_has(tmp_path):
    old = rubricdsl.loads(SMALL, "old")
    new_text = SMALL.replace('  c: count "C"\n', '  c: count "C"\n  d: bool "D"\n').replace(
        'item 4 "Extra" 2 {', 'item 4 "Extra" 2 {\n    2 when d "d"'
    )
    new = rubricdsl.loads(new_text, "new")
    data = tmp_path / "data.yaml"
    data.write_text(
        "indicators: {a: 95, b: true, c: 3, s: [3, 2, 1], level: low, d: true}\n", encoding="utf-8"
    )
    found = diff_versions(old.checked, new.checked)
    effect = score_effect(old, new, read_data(data), found, "data.yaml")
    assert [(i.new_id, i.old, i.new) for i in effect.items] == [("4", Decimal(0), Decimal(2))]
    assert effect.notes == ("the old version does not declare, and ignores: d",)
    assert ("total", "10", "12") in effect.totals
    missing = tmp_path / "missing.yaml"
    missing.write_text("indicators: {a: 95, b: true, c: 3, s: [3, 2, 1], level: low}\n")
    with pytest.raises(RubricError, match=r"(?s)does not suit the new version \(new\).*d: missing"):
        score_effect(old, new, read_data(missing), found, "missing.yaml")


# ---- the command ---------------------------------------------------------------------------------


def test_cli_text_and_json(tmp_path, capsys):
    draft = str(_2020_with_85(tmp_path))
    assert main(["diff", str(RUBRIC_2020), str(RUBRIC_2020)]) == 0
    assert "no changes" in capsys.readouterr().out
    assert main(["diff", str(RUBRIC_2020), draft, "--data", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "1 change\n" in out
    assert "threshold of food_handled_on_time_pct: >= 90 → >= 85  [line 180 → 180]" in out
    assert re.search(r"item 14 “监督抽查” +6\.5 → 8\n", out)
    assert re.search(r"total +77\.49 → 79\.02\n", out)
    assert main(["diff", str(RUBRIC_2020), draft, "--data", str(SAMPLE), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["changes"] == [
        {
            "kind": "threshold-changed",
            "where": "item 14 “监督抽查”",
            "item": "14",
            "message": "rule 4 “按时处置完成率达到 90%以上”: "
            "threshold of food_handled_on_time_pct: >= 90 → >= 85",
            "old": "food_handled_on_time_pct >= 90",
            "new": "food_handled_on_time_pct >= 85",
            "old_line": 180,
            "new_line": 180,
        }
    ]
    assert document["effect"]["items"] == [
        {"old_item": "14", "new_item": "14", "title": "监督抽查", "old": "6.5", "new": "8"}
    ]
    assert {"what": "total", "old": "77.49", "new": "79.02"} in document["effect"]["totals"]
    output = tmp_path / "diff.txt"
    assert main(["diff", str(RUBRIC_2020), draft, "--output", str(output)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert "threshold of food_handled_on_time_pct" in output.read_text(encoding="utf-8")


def test_cli_bad_data_is_exit_1(tmp_path, capsys):
    data = tmp_path / "bad.yaml"
    data.write_text("indicators: {a: 1}\n", encoding="utf-8")
    code = main(["diff", str(RUBRIC_2020), str(RUBRIC_2020), "--data", str(data)])
    assert code == 1
    assert "does not suit the old version" in capsys.readouterr().err


def test_a_draft_like_the_walkthrough_names_exactly_its_changes():
    """Two thresholds moved, one item added, one rule's points changed, one rate retyped: five
    changes, nothing else."""
    text = RUBRIC_2020.read_text(encoding="utf-8")
    edits = [
        ("1.5 when food_handled_on_time_pct >= 90", "1.5 when food_handled_on_time_pct >= 85"),
        ("2   when primary_agri_pass_pct >= 96", "2   when primary_agri_pass_pct >= 95"),
        ("2 when in_annual_target_assessment", "3 when in_annual_target_assessment"),
        ('cqo_trained_pct: percent "', 'cqo_trained_pct: number "'),
        (
            '  item 30 "质量主题活动" 2 {',
            '  item 31 "质量品牌" 2 {\n    2 when hosted_quality_event "品牌"\n  }\n'
            '  item 30 "质量主题活动" 2 {',
        ),
    ]
    changes = changed(text, text, *edits)
    assert [(c.kind, c.where.split(" “")[0]) for c in changes] == [
        ("indicator-retyped", "indicator cqo_trained_pct"),
        ("rule-points-changed", "item 5"),
        ("threshold-changed", "item 14"),
        ("threshold-changed", "item 14"),
        ("item-added", "item 31"),
    ]


def test_deductions_and_checklists():
    old = SMALL.replace(
        'bonus category "Bonus"',
        'deductions {\n  -1 per c max 2 "minus c"\n}\n\n'
        'checklist "one" {\n  task 1 "do b" {\n    require b "b"\n  }\n}\n\nbonus category "Bonus"',
    )
    new = old.replace("-1 per c max 2", "-1 per c max 3").replace(
        'task 1 "do b" {\n    require b "b"',
        'task 1 "do b" {\n    require b "b"\n    require c >= 1 "c"',
    )
    changes = diff(old, new).changes
    assert [(c.kind, c.where, c.message) for c in changes] == [
        ("rule-changed", "deductions from the total", "deduction 1 “minus c”: max: 2 → 3"),
        ("requirement-added", "task 1", "requirement added: require c >= 1 “c”"),
    ]


@attrs.frozen
class _Derived:
    """A stand-in for a derived indicator's type (not in the language yet)."""

    formula: ast.Condition
    span: Span
    name = "derived"


def test_a_declaration_whose_definition_changes_is_redefined():
    """A type the diff does not know: retyped when its kind changes, redefined when only what it
    holds changes; shown by its class and fields."""
    old = rubricdsl.loads(SMALL).checked
    file = old.file
    a = file.declarations[0]
    formula = file.categories[0].members[0].items[0].rules[0].condition  # type: ignore[union-attr]
    derived = attrs.evolve(a, type=_Derived(formula, a.span))
    with_derived = attrs.evolve(
        old, file=attrs.evolve(file, declarations=(derived, *file.declarations[1:]))
    )
    retyped = diff_versions(old, with_derived).changes
    assert [(c.kind, c.message) for c in retyped] == [
        ("indicator-retyped", "retyped: percent → derived")
    ]
    other = attrs.evolve(
        derived, type=_Derived(attrs.evolve(formula, operands=formula.operands[:1]), a.span)
    )  # type: ignore[attr-defined]
    with_other = attrs.evolve(
        old, file=attrs.evolve(file, declarations=(other, *file.declarations[1:]))
    )
    redefined = diff_versions(with_derived, with_other).changes
    assert [(c.kind, c.message) for c in redefined] == [
        (
            "indicator-redefined",
            "redefined (type): _Derived(formula=a >= 90 and b) → _Derived(formula=a >= 90)",
        )
    ]


def test_a_stretch_too_long_to_score_is_matched_by_position_without_scoring():
    from rubricdsl.versions import MAX_SCORED_PAIRS, align

    calls = []

    def likeness(a: str, b: str) -> float:
        calls.append((a, b))
        return 1.0

    size = 201  # 201 × 201 pairs is past the bound of 40,000
    assert size * size > MAX_SCORED_PAIRS
    old = [f"old {n}" for n in range(size)]
    new = [f"new {n}" for n in range(size)]
    pairs = align(old, new, lambda x: x, likeness)
    assert calls == []  # nothing scored: a hostile pair of rubrics cannot take minutes
    assert pairs == [(n, n, False) for n in range(size)]
    # within the bound, the likest pairs are found as before
    small = align(["a x", "b y"], ["b y!", "a x!"], lambda x: x, lambda a, b: float(a[0] == b[0]))
    assert sorted(small) == [(0, 1, False), (1, 0, False)]
