"""Evidence in a data file: references (document numbers, file names, links) per indicator,
checked as the file is read, each problem placed at its line and column."""

from pathlib import Path

import pytest

from rubricdsl import DataFileError, IndicatorError, Limits, parse_data, read_data
from rubricdsl.cli import main
from rubricdsl.datafile import TOP_LEVEL_KEYS, check_evidence

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = str(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
SAMPLE = ROOT / "examples" / "yaohai-2021.yaml"


def test_a_reference_or_a_list_of_them_per_indicator():
    data = parse_data(
        "indicators: {}\n"
        "evidence:\n"
        "  meetings: 县食安委〔2021〕3号\n"
        '  budget_wan: [预算批复.pdf, "  https://example.gov.cn/b  "]\n',
        "d.yaml",
    )
    assert data.evidence == {
        "meetings": ("县食安委〔2021〕3号",),
        "budget_wan": ("预算批复.pdf", "https://example.gov.cn/b"),  # spaces around dropped
    }


def test_json_evidence_and_none_at_all():
    data = parse_data('{"indicators": {}, "evidence": {"a": ["x", "y"]}}', "d.json")
    assert data.evidence == {"a": ("x", "y")}
    assert parse_data("indicators: {}\n", "d.yaml").evidence == {}
    assert parse_data("indicators: {}\nevidence:\n", "d.yaml").evidence == {}  # left empty
    assert read_data(SAMPLE).evidence == {}


def test_every_problem_at_its_line_and_column():
    text = (
        "indicators: {}\n"  # 1
        "evidence:\n"  # 2
        "  a: 25\n"  # 3: the value at column 6
        '  b: [ok, 7, "  "]\n'  # 4: 7 at column 11, the blank text at 14
        "  9: zz\n"  # 5: the key at column 3
        "  c: []\n"  # 6
        "  d:\n"  # 7: nothing, placed just after the colon
        '  e: "two\\nlines"\n'  # 8
        "  f: [[x]]\n"  # 9: the inner list at column 7
    )
    with pytest.raises(DataFileError) as raised:
        parse_data(text, "d.yaml")
    number = (
        "not a reference: give a document number, a file name or a link as text "
        '(quote a number: "25")'
    )
    assert str(raised.value).splitlines() == [
        f"d.yaml:3:6: evidence for 'a': 25 is a number, {number}",
        f"d.yaml:4:11: evidence for 'b': 7 is a number, {number}",
        "d.yaml:4:14: evidence for 'b': an empty reference; give a document number, a file name "
        "or a link",
        "d.yaml:5:3: evidence: 9 is not an indicator name",
        "d.yaml:6:6: evidence for 'c': an empty list; give a reference or leave the name out",
        "d.yaml:7:5: evidence for 'd': left empty; give a document number, a file name or a "
        "link, or leave it out",
        "d.yaml:8:6: evidence for 'e': a reference is one line; give several as a list",
        f"d.yaml:9:7: evidence for 'f': ['x'] is a list, {number}",
    ]


def test_json_problems_are_placed_too():
    with pytest.raises(DataFileError) as raised:
        parse_data('{"indicators": {},\n "evidence": {"a": 5, "b": ["x", true]}}', "d.json")
    lines = str(raised.value).splitlines()
    assert lines[0].startswith("d.json:2:20: evidence for 'a': 5 is a number, not a reference")
    assert lines[1].startswith("d.json:2:34: evidence for 'b': True is true/false, not a ref")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("indicators: {}\nevidence: [a, b]\n", "d.yaml:2:11: 'evidence:' must be a mapping"),
        ("indicators: {}\nevidence: ref\n", "d.yaml:2:11: 'evidence:' must be a mapping"),
        ('indicators: {}\nevidence: {a: "x\\u2028y"}\n', "a reference is one line"),
        ("indicators: {}\nevidence: {a: {b: c}}\n", "{'b': 'c'} is a mapping, not a reference"),
    ],
)
def test_evidence_that_is_not_references(text, needle):
    with pytest.raises(DataFileError) as raised:
        parse_data(text, "d.yaml")
    assert needle in str(raised.value)


def test_problems_listed_are_capped():
    text = "indicators: {}\nevidence: {a: 1, b: 2, c: 3}\n"
    with pytest.raises(DataFileError) as raised:
        parse_data(text, "d.yaml", Limits(max_problems=2))
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert lines[-1] == "… and 1 more (3 problems in all)"


def test_evidence_is_a_top_level_key():
    assert "evidence" in TOP_LEVEL_KEYS
    with pytest.raises(DataFileError) as raised:
        parse_data("indicators: {}\nevidnce: {}\n", "d.yaml")
    assert str(raised.value) == (
        "d.yaml: unknown top-level key(s) evidnce; expected 'indicators:' and optional "
        "'meta:', 'not_applicable:', 'evidence:' and 'overrides:'"
    )


def test_evidence_for_an_undeclared_indicator_is_refused_at_scoring_time():
    check_evidence({"meetings": ("x",)}, ["meetings", "budget_wan"])  # known: nothing raised
    with pytest.raises(IndicatorError) as raised:
        check_evidence({"meetngs": ("x",), "zzz": ("y",)}, ["meetings", "budget_wan"])
    first, second = raised.value.problems
    assert first.indicator == "evidence 'meetngs'"
    assert first.message == "evidence for an indicator no rubric declares; did you mean 'meetings'?"
    assert (second.indicator, second.message) == (
        "evidence 'zzz'",
        "evidence for an indicator no rubric declares",
    )


def test_check_evidence_caps_its_problems():
    with pytest.raises(IndicatorError) as raised:
        check_evidence({"a": (), "b": (), "c": ()}, ["x"], Limits(max_problems=2))
    assert len(raised.value.problems) == 2
    assert raised.value.omitted == 1


def test_a_data_file_with_evidence_scores(capsys, tmp_path):
    data = tmp_path / "with-evidence.yaml"
    data.write_text(
        SAMPLE.read_text(encoding="utf-8")
        + "\nevidence:\n  committee_meetings_per_year: [瑶质委〔2021〕1号, 会议纪要.pdf]\n",
        encoding="utf-8",
    )
    assert read_data(data).evidence == {
        "committee_meetings_per_year": ("瑶质委〔2021〕1号", "会议纪要.pdf")
    }
    assert main(["score", RUBRIC, str(data)]) == 0
    assert "total             77.49" in capsys.readouterr().out
