"""The authoring walkthrough (docs/authoring.md): the fictitious 2021 draft differs from the 2020
table by exactly the changes the walkthrough makes, passes every check, and its cases cover it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import rubricdsl
from rubricdsl.cli import main
from rubricdsl.versions import diff_versions

ROOT = Path(__file__).resolve().parent.parent
OLD = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
DRAFT = ROOT / "examples" / "rubrics" / "2021-draft.rubric"
GUIDE = ROOT / "docs" / "authoring.md"

# What the walkthrough changes, as docs/authoring.md lists it: (kind, the item's id or where
# else, what was written before, after).
WALKTHROUGH = {
    # 1. the title and the year
    (
        "title-changed",
        "header",
        "安徽省质量强县（市、区）创建验收现场评审评分表（2020 年版）",
        "安徽省质量强县（市、区）创建验收现场评审评分表（2021 年修订稿）",
    ),
    ("year-changed", "header", "2020", "2021"),
    # 2. two thresholds moved, with their wording
    (
        "threshold-changed",
        "14",
        "provincial_spot_check_pass_pct >= 90",
        "provincial_spot_check_pass_pct >= 92",
    ),
    (
        "wording-changed",
        "14",
        "产品质量省级以上监督抽查合格率应稳定在 90%以上",
        "产品质量省级以上监督抽查合格率应稳定在 92%以上",
    ),
    (
        "threshold-changed",
        "23",
        "differentiated_supervision_pct >= 30",
        "differentiated_supervision_pct >= 35",
    ),
    (
        "wording-changed",
        "23",
        "制定出台企业信用风险分类管理的制度措施，年度差异化监管措施应用率不低于 30%",
        "制定出台企业信用风险分类管理的制度措施，年度差异化监管措施应用率不低于 35%",
    ),
    # 3. one rule's points, with its wording
    ("rule-points-changed", "8", "1", "2"),
    (
        "wording-changed",
        "8",
        "省级产品质检中心再加 1 分，满分 4 分",
        "省级产品质检中心再加 2 分，满分 4 分",
    ),
    # 4. one item added, with the indicator it reads
    ("item-added", "31", None, "质量品牌建设"),
    (
        "indicator-added",
        "indicator regional_brand_registered",
        None,
        "regional_brand_registered: bool",
    ),
    # 5. one rate derived from two counts, with the rubric's rounding rule
    ("rounding-changed", "header", "", "rounding half-up to 2 places"),
    ("indicator-added", "indicator spot_checked_firms", None, "spot_checked_firms: count"),
    ("indicator-added", "indicator key_product_firms", None, "key_product_firms: count"),
    (
        "indicator-derived",
        "indicator spot_check_coverage_pct",
        None,
        "ratio(spot_checked_firms, key_product_firms)",
    ),
}


def test_the_diff_names_exactly_the_walkthrough_s_changes():
    diff = diff_versions(rubricdsl.load(OLD).checked, rubricdsl.load(DRAFT).checked)
    found = {(c.kind, c.item or c.where, c.old, c.new) for c in diff.changes}
    assert found == WALKTHROUGH
    assert len(diff.changes) == len(WALKTHROUGH)


def test_the_draft_is_laid_out_checked_and_covered(capsys):
    assert main(["fmt", "--check", str(DRAFT)]) == 0
    assert main(["check", "--strict", str(DRAFT)]) == 0
    cases = ROOT / "examples" / "rubrics" / "tests" / "2021-draft.yaml"
    assert main(["test", str(cases), "--min-coverage", "100"]) == 0
    out = capsys.readouterr().out
    assert "16 cases: 16 passed" in out
    assert out.count("100.0%") == 4


def test_the_draft_scores_its_sample_as_worked_by_hand():
    """The sample's items where the draft differs, worked in the case file's header: item 8
    2+0+2 = 4, item 23 1+0+0 = 1, item 31 2; 24 / 26 = 92.307…% → 92.31; base_raw 73 of 98 →
    74.49, bonus 5, total 79.49."""
    from rubricdsl.datafile import read_data

    data = read_data(ROOT / "examples" / "rubrics" / "yaohai-2021-draft.yaml")
    result = rubricdsl.load(DRAFT).evaluate(data.indicators)
    assert {i: result.item(i).score for i in ("8", "14", "23", "31")} == {
        "8": 4,
        "14": Decimal("6.5"),
        "23": 1,
        "31": 2,
    }
    assert result.derived["spot_check_coverage_pct"].endswith(
        "= 24 / 26 = 92.31%, half-up to 2 places"
    )
    assert (result.base, result.bonus, result.total) == (
        Decimal("74.49"),
        5,
        Decimal("79.49"),
    )


def test_the_guide_runs_each_authoring_command():
    text = GUIDE.read_text(encoding="utf-8")
    for command in (
        "$ rubricdsl fmt --check",
        "$ rubricdsl check",
        "$ rubricdsl diff",
        "$ rubricdsl test",
    ):
        assert command in text
    # its outputs are real: tests/test_docs.py runs scripts/docs_outputs.py --check on it
