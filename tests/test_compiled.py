"""The compiled scorer (rubricdsl.compiled) against the tree-walker, the reference: the same
figures on the 2020 table and on random rubrics of every construct, and generated code that
holds no text of the rubric."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import rubricdsl
from rubricdsl.compiled import NeedsTreeError, Score, compile_scorer
from rubricdsl.datafile import read_data
from rubricdsl.inputs import read_indicators, read_reported
from rubricdsl.testing import _defects, indicator_sets, invalid_indicator_sets, rubrics

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.table_2020 import edge_sets  # noqa: E402

TABLE = rubricdsl.load(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")


def compiled_score(rubric: rubricdsl.Rubric, data, reported=None) -> Score | None:
    scorer = compile_scorer(rubric.tree, rubric.checked.indicators)
    assert scorer is not None
    values = scorer.read(data)
    if values is None:
        return None
    raw = scorer.score(values, reported or {})
    return Score(rubric.tree.info, raw, scorer.scale, scorer.items)


def assert_same(score: Score, result: rubricdsl.Result) -> None:
    assert (score.total, score.base, score.base_raw, score.bonus) == (
        result.total,
        result.base,
        result.base_raw,
        result.bonus,
    )
    assert (score.na_points, score.deducted) == (result.na_points, result.deducted)
    assert [(i.id, i.score, i.max) for i in score.items] == [
        (i.id, i.score, i.max) for i in result.items
    ]
    assert score.eligible == result.eligible
    assert score.failed_by_veto == bool(result.vetoes)
    assert score.grade == (result.grade.grade if result.grade is not None else None)


def test_the_2020_table_scores_the_same_on_two_thousand_edge_sets():
    fast = 0
    for data in edge_sets(2000):
        score = compiled_score(TABLE, data)
        if score is not None:
            fast += 1
            assert_same(score, TABLE.evaluate(data))
    assert fast == 2000  # plain values and 合理缺项 all take the compiled path


def test_the_sample_district_scores_the_same_from_its_yaml_decimals():
    data = read_data(ROOT / "examples" / "yaohai-2021.yaml").indicators
    score = compiled_score(TABLE, data)
    assert score is not None  # Decimals of up to 15 digits are read as floats exactly
    assert_same(score, TABLE.evaluate(data))
    # as worked by hand in rubrics/2020/tests/anhui-quality-county.yaml
    assert (score.base_raw, score.base, score.total) == (73, Decimal("74.49"), Decimal("77.49"))


@pytest.mark.parametrize(
    "value",
    [Decimal("90.0000000000000001"), "90", 90.0 + 0j, float("nan"), True, None, [90]],
    ids=["16 digits", "text", "complex", "nan", "bool", "none", "list"],
)
def test_a_value_the_fast_path_cannot_take_exactly_is_left_to_the_exact_reading(value):
    data = read_data(ROOT / "examples" / "yaohai-2021.yaml").indicators
    assert compiled_score(TABLE, {**data, "cqo_appointed_pct": value}) is None


def by_tree(rubric: rubricdsl.Rubric, data, reported=None) -> rubricdsl.Result:
    """The reference: the evaluation tree alone, every part of the trace made as it scores."""
    readings = read_indicators(rubric.checked.indicators, data)
    return rubric.tree.evaluate(readings, read_reported(rubric.tree.reportable, reported))


def loss_documents(losses) -> list[dict]:
    return [{"where": where, **rule.to_dict()} for where, rule in losses]


# shrinking a random rubric takes minutes: a failure is shown as drawn
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
@given(st.data())
def test_random_rubrics_of_every_construct_score_the_same_at_every_trace_level(data):
    rubric = rubricdsl.loads(data.draw(rubrics()))  # derived indicators too: the tree's
    indicators = data.draw(indicator_sets(rubric))
    reported = {
        name: "合理缺项"
        for name in rubric.reportable
        if data.draw(st.booleans(), label=f"report {name}")
    }
    reference = by_tree(rubric, indicators, reported)
    assert rubric.evaluate(indicators, reported).to_dict() == reference.to_dict()  # the tree's
    full = rubric.evaluate(indicators, reported)  # the second: by the generated scorer
    # the figures first, as scored (by the generated code, where it could), then the trace
    assert_same(Score.of(full), reference)
    assert full.to_dict() == reference.to_dict()
    assert full == reference and full.traced
    none = rubric.evaluate(indicators, reported, trace="none")
    assert_same(none, reference)
    assert not none.losses
    lost = rubric.evaluate(indicators, reported, trace="lost")
    assert_same(lost, reference)
    assert loss_documents(lost.losses) == loss_documents(Score.of(reference, losses=True).losses)
    try:
        score = compiled_score(rubric, indicators, reported) if rubric.scorer else None
    except NeedsTreeError:
        return  # a partial point past the rubric's precision: the tree scores it
    if score is not None:
        assert_same(score, reference)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
@given(st.data())
def test_random_rubrics_refuse_bad_data_the_same_at_every_trace_level(data):
    rubric = rubricdsl.loads(data.draw(rubrics()))
    defect = data.draw(invalid_indicator_sets(rubric))
    with pytest.raises(rubricdsl.IndicatorError) as reference:
        by_tree(rubric, defect.data)
    for level in ("none", "lost", "full"):  # full last: by the scorer the others made
        with pytest.raises(rubricdsl.IndicatorError) as caught:
            rubric.evaluate(defect.data, trace=level)  # type: ignore[call-overload]
        assert str(caught.value) == str(reference.value), level


def test_the_generated_code_holds_no_text_of_the_rubric():
    hostile = r"\"); __import__(\"os\").system(\"echo pwned\"); (\""
    text = f'''rubric "{hostile}"
year 2021
base 10
indicators {{
  level: enum(lv_a "{hostile}", lv_b)
  flag: bool "{hostile}"
}}
category "{hostile}" 10 {{
  item "{hostile}" "{hostile}" 10 {{
    5 when level == lv_a  "{hostile}"
    5 when flag  "{hostile}"
  }}
}}
'''
    rubric = rubricdsl.loads(text)
    scorer = compile_scorer(rubric.tree, rubric.checked.indicators)
    assert scorer is not None
    assert '"' not in scorer.source and "'" not in scorer.source
    assert "os" not in scorer.source.replace("pos", "")
    score = compiled_score(rubric, {"level": "lv_a", "flag": True})
    assert score is not None and score.total == 10
    assert score.items[0].id == '"); __import__("os").system("echo pwned"); ("'


def test_points_past_the_rubric_s_precision_go_back_to_the_tree():
    text = """rubric "r"
year 2021
base 10
indicators {
  rate: percent
}
category "c" 10 {
  item 1 "i" 10 {
    0.5 scaled by rate  "按比例"
  }
}
"""
    rubric = rubricdsl.loads(text)
    with pytest.raises(NeedsTreeError):  # 0.5 × 33.333 / 100 has 6 places
        compiled_score(rubric, {"rate": 33.333})
    score = compiled_score(rubric, {"rate": 40})  # 0.2: within the 2 places of the scale
    assert score is not None and score.total == Decimal("0.2")


DRAFT = rubricdsl.load(ROOT / "examples" / "rubrics" / "2021-draft.rubric")


def test_a_rubric_with_derived_indicators_scores_them_in_the_generated_code():
    sample = read_data(ROOT / "examples" / "yaohai-2021.yaml").indicators
    given = {n for n, spec in DRAFT.indicators.items() if not spec.derived}
    data = {k: v for k, v in sample.items() if k in given}
    data.update(spot_checked_firms=18, key_product_firms=20)
    for name, spec in DRAFT.indicators.items():  # the draft's new indicators, plainly met
        if name not in data and not spec.derived:
            data[name] = 1 if spec.kind != "bool" else True
    assert "spot_check_coverage_pct" not in data  # derived: the rubric computes it
    score = compiled_score(DRAFT, data)
    assert score is not None
    reference = by_tree(DRAFT, data)
    assert_same(score, reference)
    # 18 of 20 is 90.00%, which meets "覆盖率 90%以上": that rule gives its 1 point (by hand)
    assert (
        "spot_check_coverage_pct = spot_checked_firms / key_product_firms = 18 / 20"
        in (reference.derived["spot_check_coverage_pct"])
    )
    coverage = [r for i in reference.items for r in i.rules if "覆盖率 90%以上" in r.text]
    assert [(r.status, r.gave) for r in coverage] == [("met", 1)]
    below = compiled_score(DRAFT, {**data, "spot_checked_firms": 17})  # 85.00%: not met
    assert below is not None and below.base_raw == score.base_raw - 1
    assert_same(below, by_tree(DRAFT, {**data, "spot_checked_firms": 17}))


# ---- Rubric.evaluate(…, trace=…) ----------------------------------------------------------


SAMPLE = read_data(ROOT / "examples" / "yaohai-2021.yaml").indicators


def losses_of(result: rubricdsl.Result) -> list[tuple[str, int, Decimal]]:
    found = [
        (f"item {item.id}", rule.line, rule.lost)
        for category in result.categories
        for item in category.items()
        for rule in item.rules
        if rule.lost > 0
    ]
    return found


def test_every_trace_level_scores_the_sample_the_same():
    full = TABLE.evaluate(SAMPLE)
    none = TABLE.evaluate(SAMPLE, trace="none")
    lost = TABLE.evaluate(SAMPLE, trace="lost")
    assert isinstance(none, Score) and not none.losses
    assert_same(none, full)
    assert_same(lost, full)
    assert [(where, rule.line, rule.lost) for where, rule in lost.losses] == losses_of(full)
    # item 14 as worked by hand: 按时处置 88.9 < 90 loses its 1.5
    assert ("item 14", "按时处置完成率达到 90%以上", Decimal("1.5")) in [
        (where, rule.text, rule.lost) for where, rule in lost.losses
    ]


@settings(max_examples=40, deadline=None, database=None)
@given(st.sampled_from(edge_sets(300)))
def test_the_lost_level_keeps_exactly_the_rules_that_lost_points(data):
    lost = TABLE.evaluate(data, trace="lost")
    assert [(where, rule.line, rule.lost) for where, rule in lost.losses] == losses_of(
        TABLE.evaluate(data)
    )


def test_overrides_and_evidence_are_scored_by_the_tree_at_every_level():
    override = {"item": "19", "points": 3, "by": "评审组", "on": "2022-03-15", "reason": "现场核实"}
    full = TABLE.evaluate(SAMPLE, overrides=[override])
    none = TABLE.evaluate(SAMPLE, overrides=[override], trace="none")
    assert none.item("19").score == 3 == full.item("19").score
    assert none.total == full.total
    with_evidence = TABLE.evaluate(SAMPLE, evidence={"cqo_trained_pct": "培训台账"}, trace="none")
    # by hand: item 19 3 instead of 1, base_raw 75 of 98 → 76.53, total 79.53; without it 77.49
    assert full.total == Decimal("79.53")
    assert with_evidence.total == Decimal("77.49")


def test_an_unknown_trace_level_is_refused():
    with pytest.raises(rubricdsl.RubricArgumentError, match='trace must be "full", "lost"'):
        TABLE.evaluate(SAMPLE, trace="some")  # type: ignore[call-overload]


def test_bad_data_is_refused_the_same_at_every_level():
    bad = {**SAMPLE, "cqo_appointed_pct": 101}
    messages = []
    for level in ("none", "lost", "full"):  # full last: by the scorer the others made
        with pytest.raises(rubricdsl.IndicatorError) as caught:
            TABLE.evaluate(bad, trace=level)  # type: ignore[call-overload]
        messages.append(str(caught.value))
    assert len(set(messages)) == 1 and "101 is outside 0–100" in messages[0]


def test_a_score_pickles_and_reads_as_json():
    import json
    import pickle

    score = TABLE.evaluate(SAMPLE, trace="lost")
    copy = pickle.loads(pickle.dumps(score))
    assert copy == score and copy.losses
    document = json.loads(json.dumps(score.to_dict(), ensure_ascii=False))
    assert document["total"] == "77.49" and document["items"][13]["score"] == "6.5"
    assert document["losses"][0]["where"] == "item 3"


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(st.integers(-300, 300), max_size=8),
    st.integers(0, 500),
    st.data(),
)
def test_the_compiled_settle_adds_what_the_tree_s_settle_does(raws, limit, data):
    from rubricdsl.compiled import _settle
    from rubricdsl.evaltree import settle

    starts = sorted(data.draw(st.sets(st.integers(1, max(len(raws) - 1, 1)), max_size=3)))
    starts = [s for s in starts if s < len(raws)]
    start = data.draw(st.integers(0, limit))
    expected = sum(settle([Decimal(r) for r in raws], Decimal(limit), starts, Decimal(start)))
    assert _settle(tuple(raws), limit, tuple(starts), start) == expected


def test_compile_show_prints_the_generated_code_and_its_constants(capsys):
    from rubricdsl.cli import main

    path = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
    assert main(["compile", "--show", path]) == 0
    out = capsys.readouterr().out
    assert "def read(data):" in out and "def score(v, reported):" in out
    code = out[: out.index("# constants")]
    assert "quality_committee_dual_lead" not in code  # names are constants, not code
    constants = out[out.index("# constants") :]
    assert "# K0 = operator.itemgetter('quality_committee_dual_lead', " in constants
    draft = str(ROOT / "examples" / "rubrics" / "2021-draft.rubric")
    assert main(["compile", draft]) == 0  # derived indicators are generated too
    assert "a scorer of" in capsys.readouterr().out


def test_no_decimal_context_of_the_caller_changes_a_score_without_trace():
    from decimal import ROUND_DOWN, Context, Inexact, Rounded, localcontext

    per_unit = rubricdsl.loads(
        'rubric "r"\nyear 2021\nbase 10\nindicators {\n  n: number\n}\n'
        'category "c" 10 {\n  item 1 "i" 10 {\n'
        '    0.5 per 0.3 of n max 10 rounding exact  "每 0.3 加 0.5 分"\n  }\n}\n'
    )
    hostile = Context(prec=2, rounding=ROUND_DOWN, traps=[Inexact, Rounded])
    with localcontext(hostile):
        sample = TABLE.evaluate(SAMPLE, trace="none")
        # 1 / 0.3 = 3.33… units, exactly × 0.5 = 1.666… → half-up 1.67
        exact = per_unit.evaluate({"n": 1}, trace="none")
    assert sample.total == Decimal("77.49")
    assert exact.total == Decimal("1.67")


def test_the_scaled_item_scores_are_the_items_scores():
    for score in (
        TABLE.evaluate(SAMPLE, trace="none"),
        Score.of(TABLE.evaluate(SAMPLE)),
    ):
        scale, scores = score.scaled_item_scores
        assert [Decimal(s).scaleb(-scale) for s in scores] == [i.score for i in score.items]
    assert TABLE.evaluate(SAMPLE, trace="none").scaled_item_scores[1][13] == 650  # 6.5 × 100


EVERY_KIND = rubricdsl.loads(
    """rubric "every kind"
year 2021
base 10
indicators {
  flag: bool
  level: enum(low, high)
  n: number
  c: count
  a: amount("元")
  pc: percent or na
  sc: score
  s: series(3)
}
category "c" 10 {
  item 1 "i" 10 {
    2 when flag and level == high  "x"
    2 when n > 1 and c > 1  "y"
    2 when a > 1 and pc > 1  "z"
    2 when sc > 1  "w"
    2 when increasing(s)  "v"
  }
}
"""
)
PLAIN = {"flag": True, "level": "high", "n": 2, "c": 2, "a": 2, "pc": 2, "sc": 2, "s": [1, 2, 3]}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (name, value)
        for name, spec in EVERY_KIND.indicators.items()
        for value, _ in _defects(name, spec)
    ],
)
def test_each_kind_s_bad_values_are_refused_the_same_at_every_trace_level(name, value):
    data = {**PLAIN, name: value}
    with pytest.raises(rubricdsl.IndicatorError) as reference:
        by_tree(EVERY_KIND, data)
    for level in ("none", "lost", "full"):  # full last: by the scorer the others made
        with pytest.raises(rubricdsl.IndicatorError) as caught:
            EVERY_KIND.evaluate(data, trace=level)  # type: ignore[call-overload]
        assert str(caught.value) == str(reference.value), level


def test_the_every_kind_rubric_takes_the_compiled_path():
    assert EVERY_KIND.scorer is not None and EVERY_KIND.scorer.read(PLAIN) is not None
    assert EVERY_KIND.evaluate(PLAIN, trace="none").total == 10


def _wide(items: int, rules: int) -> str:
    """`items` items of `rules` rules each, in one category, every item and rule its own term
    in a sum of the generated code."""

    def rule_lines(item: int) -> str:
        return "".join(f'    1 when x{(item + r) % 10} >= 1  "r"\n' for r in range(rules))

    body = "".join(f'  item {i + 1} "i" {rules} {{\n{rule_lines(i)}  }}\n' for i in range(items))
    indicators = "".join(f"  x{i}: count\n" for i in range(10))
    return (
        f'rubric "wide"\nyear 2020\nbase {items * rules}\n\nindicators {{\n{indicators}}}\n\n'
        f'category "c" {items * rules} {{\n{body}}}\n'
    )


@pytest.mark.parametrize(("items", "rules"), [(1, 3000), (3000, 1)], ids=["rules", "items"])
def test_a_sum_of_thousands_of_terms_compiles(items, rules):
    # `a + b + …` of 3,000 terms was a RecursionError in Python's compiler
    rubric = rubricdsl.loads(_wide(items, rules))
    data = {f"x{i}": i for i in range(10)}
    score = rubric.evaluate(data, trace="none")
    assert rubric.scorer is not None
    # x0 is 0: the rules on it give nothing, the other nine of every ten give 1 point
    assert score.total == items * rules * 9 // 10 == by_tree(rubric, data).total


def test_the_first_traced_evaluation_is_the_tree_s_and_the_second_the_generated_scorer_s():
    rubric = rubricdsl.loads(TABLE.text)
    first = rubric.evaluate(SAMPLE)
    assert first.traced and not rubric._scorers  # the trace read once costs no generated code
    second = rubric.evaluate(SAMPLE)
    assert not second.traced and rubric._scorers and second == first


def test_a_result_scored_by_the_generated_code_makes_its_trace_when_first_read():
    assert TABLE.scorer is not None  # made: from now on every evaluation goes by it
    result = TABLE.evaluate(SAMPLE)
    reference = by_tree(TABLE, SAMPLE)
    assert not result.traced  # the figures alone, so far
    assert (result.total, result.base) == (Decimal("77.49"), Decimal("74.49"))  # as by hand
    assert not result.traced
    assert repr(result) == repr(reference)  # never shown with an empty trace
    assert result.traced and result == reference


def test_a_later_trace_reads_the_data_as_it_was_when_scored():
    data = {**SAMPLE, "construction_complaint_rate": [3.1, 2.7, 2.2]}
    assert TABLE.scorer is not None
    result = TABLE.evaluate(data)
    assert not result.traced
    reference = by_tree(TABLE, data)
    data["construction_complaint_rate"].append(9)  # the caller's list, changed afterwards
    data["cqo_appointed_pct"] = 0
    assert result.to_dict() == reference.to_dict()


@pytest.mark.parametrize(
    ("rounding", "a", "b", "met"),
    [
        # by hand: 1.3 + 1.3 = 2.6, half-up to 0 places is 3, which is >= 3
        ("half-up to 0 places", Decimal("1.3"), Decimal("1.3"), True),
        # 2.6 toward zero is 2
        ("down to 0 places", Decimal("1.3"), Decimal("1.3"), False),
        # 1.25 + 1.25 = 2.5: half-even keeps 2, half-up makes 3
        ("half-even to 0 places", Decimal("1.25"), Decimal("1.25"), False),
        ("half-up to 0 places", Decimal("1.25"), Decimal("1.25"), True),
        # 2.01 away from zero is 3
        ("up to 0 places", Decimal("1.005"), Decimal("1.005"), True),
    ],
)
def test_a_derived_sum_is_rounded_once_as_the_rubric_says_before_it_is_compared(
    rounding, a, b, met
):
    rubric = rubricdsl.loads(
        f"""rubric "r"
year 2021
base 1
rounding {rounding}
indicators {{
  a: number
  b: number
  both: number = sum(a, b)
}}
category "c" 1 {{
  item 1 "i" 1 {{
    1 when both >= 3  "合计不低于 3"
  }}
}}
"""
    )
    data = {"a": a, "b": b}
    score = compiled_score(rubric, data)
    assert score is not None and score.total == (1 if met else 0)
    assert_same(score, by_tree(rubric, data))
