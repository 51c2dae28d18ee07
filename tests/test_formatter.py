"""`rubricdsl fmt`: the canonical layout (docs/formatting.md) and its properties — idempotent,
the same AST (spans aside), every comment kept in order — on every rubric of the repository and
on generated ones; the columns measured in display width; the command's --check, --diff and
plain modes."""

from __future__ import annotations

import os
import random
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rubricdsl.cli import main
from rubricdsl.errors import RubricSyntaxError
from rubricdsl.formatter import FormatError, format_rubric
from rubricdsl.source import display_width
from rubricdsl.testing import meaning
from strategies import block_cases, rubric_cases

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY_RUBRICS = sorted([*ROOT.glob("rubrics/**/*.rubric"), *ROOT.glob("examples/**/*.rubric")])
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ast_of(text: str) -> Any:
    return meaning(text)


# A rubric's pieces: strings first (a `#` in a string is not a comment), comments, comparisons,
# punctuation (`=` of a derived indicator too), and the runs of anything else (words, numbers,
# item ids).
PIECES = re.compile(r'"(?:[^"\\\n]|\\["\\])*"|#[^\n]*|>=|<=|==|!=|[<>(){}:,=]|[^\s"#(){}:,<>=!]+')


def pieces(text: str) -> list[str]:
    found = PIECES.findall(text)
    assert len("".join(found)) == len(re.sub(r"\s", "", PIECES.sub("", text))) + len(
        "".join(found)
    )  # nothing but whitespace between the pieces
    return found


def comments(text: str) -> list[str]:
    return [piece.rstrip() for piece in pieces(text) if piece.startswith("#")]


def assert_properties(text: str) -> str:
    formatted = format_rubric(text)
    assert format_rubric(formatted) == formatted, "fmt is not idempotent"
    assert ast_of(formatted) == ast_of(text), "fmt changed the AST"
    assert comments(formatted) == comments(text), "fmt lost or moved a comment"
    return formatted


def relaid(text: str, rng: random.Random, noisy: bool) -> str:
    """The text's pieces with other whitespace between them; `noisy`: blank lines and comments
    (on their own lines and at the end of lines) too."""
    plain = [" ", "  ", "\n", "\n      ", "\t", " \n "]
    extra = ["\n\n", "\n \n\n", '  # 注释 {n} “引号” {{ "x" # \n', "\n# own {n} }} \n"]
    out: list[str] = []
    for n, piece in enumerate(pieces(text)):
        if out:
            if piece.startswith("#") or out[-1].startswith("#"):
                out.append("\n")
            else:
                options = plain + extra if noisy and rng.random() < 0.5 else plain
                out.append(rng.choice(options).replace("{n}", str(n)))
        out.append(piece)
    return "".join(out) + "\n"


# ---- the properties --------------------------------------------------------------------------


@pytest.mark.parametrize("path", REPOSITORY_RUBRICS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_rubric_of_the_repository_keeps_its_meaning_and_is_canonical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = assert_properties(text)
    assert formatted == text, f"{path} is not in the canonical layout: run rubricdsl fmt"


def test_the_repository_passes_fmt_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--check", str(ROOT / "rubrics"), str(ROOT / "examples")]) == 0
    assert "already formatted" in capsys.readouterr().out


@SETTINGS
@given(rubric_cases())
def test_generated_rubrics(case: Any) -> None:
    assert_properties(case.text)


@SETTINGS
@given(block_cases())
def test_generated_rubrics_with_deductions_then_and_na(case: Any) -> None:
    assert_properties(case.text)


@SETTINGS
@given(rubric_cases(), st.randoms(use_true_random=False))
def test_one_layout_whatever_the_whitespace(case: Any, rng: random.Random) -> None:
    """The same tokens (and comments on their own lines) in any whitespace: the same output."""
    assert format_rubric(relaid(case.text, rng, noisy=False)) == format_rubric(case.text)


@SETTINGS
@given(rubric_cases(), st.randoms(use_true_random=False))
def test_comments_and_blank_lines_anywhere(case: Any, rng: random.Random) -> None:
    assert_properties(relaid(case.text, rng, noisy=True))


# ---- the layout --------------------------------------------------------------------------------

HEADER = 'rubric "t"\nyear 2020\nbase 10\n\nindicators {\n  a: bool\n  b: count\n}\n\n'


def test_a_messy_rubric_in_the_canonical_layout() -> None:
    text = HEADER + (
        'category   "类"  10{ item 1 "项" 10 cap 10 {\n'
        '2 when a "成立"  0.5 when b>=1 and (a or not a) "每年至少召开一次"\n'
        '10   per b max 3 "每 1 个"}}\n'
    )
    assert format_rubric(text) == HEADER + (
        'category "类" 10 {\n'
        '  item 1 "项" 10 cap 10 {\n'
        '    2   when a                        "成立"\n'
        '    0.5 when b >= 1 and (a or not a)  "每年至少召开一次"\n'
        '    10 per b max 3                    "每 1 个"\n'
        "  }\n"
        "}\n"
    )


def test_columns_are_display_columns() -> None:
    """A CJK character takes 2 columns: the wording and the grades line up on screen."""
    text = HEADER + (
        'category "类" 4 {\n  item 一.1 "项" 4 {\n'
        '    na when b == 0 "辖区无"\n    2 when a "甲"\n    2 when b >= 10 "乙"\n  }\n}\n'
        'grades {\n"优秀" >= 8\n"良" >= 5\n"不合格" otherwise\n}\n'
    )
    lines = format_rubric(text).splitlines()
    rows = [line for line in lines if line.endswith(('"辖区无"', '"甲"', '"乙"'))]
    columns = {display_width(line[: line.index('"')]) for line in rows}
    assert len(rows) == 3 and columns == {len("    2 when b >= 10") + 2}
    grades = [line for line in lines if line.startswith('  "')]
    assert grades == ['  "优秀"   >= 8', '  "良"     >= 5', '  "不合格" otherwise']
    assert display_width(grades[0][: grades[0].index(">")]) == display_width(
        grades[1][: grades[1].index(">")]
    )


def test_a_long_condition_puts_the_wording_on_the_next_line() -> None:
    """As item 13 of the 2020 rubric: past column 80, the wording goes under the condition."""
    condition = " and ".join(["b >= 100"] * 8)
    text = (
        HEADER
        + f'category "c" 3 {{ item 13 "i" 3 {{ 3 when {condition} "全面推行" 1 when a "x" }} }}\n'
    )
    assert f'    3 when {condition}\n      "全面推行"\n    1 when a  "x"\n' in format_rubric(text)


def test_a_row_too_wide_for_the_column_keeps_its_wording_two_spaces_after() -> None:
    """As items 23 and 28 of the 2020 rubric: one wide row does not push the others out."""
    wide = "b >= 1 and b <= 100 and a and not a and b != 7 and b != 8"
    text = HEADER + f'category "c" 3 {{ item 1 "i" 3 {{ 1 when {wide} "宽" 1 when a "窄" }} }}\n'
    assert f'    1 when {wide}  "宽"\n    1 when a  "窄"\n' in format_rubric(text)


def test_comments_stay_where_they_were() -> None:
    text = HEADER + (
        "# before the category\n"
        'category "c" 4 {   # after the brace\n'
        '  item 1 "i" 4 {\n'
        "        # before the first rule\n"
        '    2 when a "x"   # why 2\n'
        '    2 when b >= 1 "y" # and why this\n'
        "\n\n\n"
        "    # before the closing brace\n"
        "  }\n"
        "}\n"
        "# at the end\n"
    )
    assert format_rubric(text) == HEADER + (
        "# before the category\n"
        'category "c" 4 {  # after the brace\n'
        '  item 1 "i" 4 {\n'
        "    # before the first rule\n"
        '    2 when a       "x"  # why 2\n'
        '    2 when b >= 1  "y"  # and why this\n'
        "\n"
        "    # before the closing brace\n"
        "  }\n"
        "}\n"
        "# at the end\n"
    )


def test_a_comment_inside_a_statement_goes_before_it() -> None:
    text = (
        HEADER
        + 'category "c" 2 {\n  item 1 "i" 2 {\n'
        + '    2 when a and  # the first\n   b > 1 "x"\n  }\n}\n'
    )
    formatted = assert_properties(text)
    assert '    # the first\n    2 when a and b > 1  "x"\n' in formatted


def test_blank_lines_are_kept_once_and_not_at_the_edges_of_blocks() -> None:
    text = (
        "\n\n"
        + HEADER
        + 'category "c" 2 {\n\n  item 1 "i" 2 {\n\n\n 2 when a "x"\n\n  }\n\n}\n\n\n'
    )
    assert (
        format_rubric(text)
        == HEADER + 'category "c" 2 {\n  item 1 "i" 2 {\n    2 when a  "x"\n  }\n}\n'
    )


def test_a_syntax_error_refuses() -> None:
    with pytest.raises(RubricSyntaxError):
        format_rubric(HEADER + 'category "c" 2 { item 1 "i" 2 { 2 when a } }\n')


def test_a_keyword_used_as_a_name_is_left_to_check() -> None:
    text = (
        HEADER.replace("a: bool", "last: count")
        + 'category "c" 1 { item 1 "i" 1 { 1 when last >= 1 "x" } }\n'
    )
    with pytest.raises(FormatError, match="a keyword is used as a name"):
        format_rubric(text)


def test_an_empty_rubric_stays_empty() -> None:
    assert format_rubric("") == ""
    assert format_rubric("\n\n# only a comment  \n\n") == "# only a comment\n"


# ---- the command -------------------------------------------------------------------------------

MESSY = HEADER + 'category "c" 2 { item 1 "i" 2 { 2 when a "x" } }\n'
TIDY = format_rubric(MESSY)


def test_check_lists_the_files_that_would_change_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "messy.rubric").write_text(MESSY, encoding="utf-8")
    (tmp_path / "tidy.rubric").write_text(TIDY, encoding="utf-8")
    assert main(["fmt", "--check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "1 file would be reformatted" in err and "messy.rubric" in err
    assert "tidy.rubric" not in err
    assert (tmp_path / "messy.rubric").read_text(encoding="utf-8") == MESSY
    assert main(["fmt", "--check", str(tmp_path / "tidy.rubric")]) == 0


def test_diff_shows_the_change_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "messy.rubric"
    path.write_text(MESSY, encoding="utf-8")
    assert main(["fmt", "--diff", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"--- {path}\n+++ {path} (formatted)\n")
    assert '-category "c" 2 { item 1 "i" 2 { 2 when a "x" } }\n' in out
    assert '+    2 when a  "x"\n' in out
    assert path.read_text(encoding="utf-8") == MESSY


def test_diff_of_one_row_in_a_long_rubric_shows_that_row_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """difflib's junk heuristic would show the unchanged `}` lines of a long file as changed."""
    source = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
    tidy = source.read_text(encoding="utf-8")
    row = '3 when central_media_coverage  "'
    path = tmp_path / "one-row.rubric"
    path.write_text(tidy.replace(row, row.replace("  ", " ")), encoding="utf-8")
    assert main(["fmt", "--diff", str(path)]) == 0
    out = capsys.readouterr().out
    changed = [line for line in out.splitlines()[2:] if line[:1] in "+-"]
    assert [line[:1] for line in changed] == ["-", "+"]
    assert changed[1][1:].strip().startswith(row)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abc}"), max_size=30), st.data())
def test_the_diff_is_difflib_s_on_short_files(before: list[str], data: st.DataObject) -> None:
    import difflib

    from rubricdsl.commands.fmt import _unified

    old = [line + "\n" for line in before]
    new = data.draw(st.lists(st.sampled_from(["a\n", "b\n", "x\n", "}\n"]), max_size=30))
    expected = list(difflib.unified_diff(old, new, "o", "n"))
    assert list(_unified(old, new, "o", "n")) == expected


def test_plain_rewrites_what_changes_keeping_the_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "nested" / "deeper"
    folder.mkdir(parents=True)
    messy, tidy, other = folder / "a.rubric", tmp_path / "b.rubric", tmp_path / "notes.txt"
    messy.write_text(MESSY, encoding="utf-8")
    tidy.write_text(TIDY, encoding="utf-8")
    other.write_text("not a rubric {", encoding="utf-8")
    os.chmod(messy, 0o640)
    assert main(["fmt", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"reformatted {messy}" in out and "1 file reformatted, 1 left unchanged" in out
    assert messy.read_text(encoding="utf-8") == TIDY
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640
    assert main(["fmt", str(tmp_path)]) == 0
    assert "0 files reformatted, 2 left unchanged" in capsys.readouterr().out


def test_a_syntax_error_in_any_file_refuses_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "a.rubric", tmp_path / "b.rubric"
    good.write_text(MESSY, encoding="utf-8")
    bad.write_text('rubric "x"\nyear 2020 base\n', encoding="utf-8")
    assert main(["fmt", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:15" in err and "fmt refused: nothing was written" in err
    assert good.read_text(encoding="utf-8") == MESSY


def test_paths_that_are_not_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", str(tmp_path / "missing.rubric")]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["fmt", str(tmp_path)]) == 1
    assert "no .rubric files" in capsys.readouterr().err
    assert main(["fmt", "--check", "--diff", str(tmp_path)]) == 2
