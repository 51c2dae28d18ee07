"""Start-up: the grammar's parser is checked strictly here (no conflict, no two terminals matching
the same text), built once and kept in the user's cache directory for every later process, built
anew when the grammar changes, and never a reason to fail; `import rubricdsl` leaves the heavy
modules (YAML, wcwidth, Jinja2, openpyxl, Pygments) until they are used."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from lark import Token, Tree
from lark.exceptions import UnexpectedInput

import rubricdsl
from rubricdsl import parser

ROOT = Path(__file__).resolve().parent.parent
RUBRIC_2020 = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"


def _clear() -> None:
    for cached in (parser.grammar_parser, parser.keywords, parser._block_words):
        cached.cache_clear()


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory for this test, and parsers made anew in it (and again after)."""
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    _clear()
    yield home / "rubricdsl"
    monkeypatch.undo()
    _clear()


def _kept(directory: Path) -> list[Path]:
    return sorted(directory.glob("parser-*.pickle"))


def _shape(tree: Tree[Token]) -> list[object]:
    """Every node of a parse tree with its place, tokens with theirs (without recursion: some
    rubrics of the tests are deep)."""
    shape: list[object] = []
    for node in tree.iter_subtrees():
        meta = None if node.meta.empty else (node.meta.line, node.meta.column, node.meta.end_pos)
        children = [
            (c.type, str(c), c.line, c.column, c.end_pos) if isinstance(c, Token) else c.data
            for c in node.children
        ]
        shape.append((node.data, meta, children))
    return shape


# ---- the grammar, checked strictly -------------------------------------------------------------


@pytest.mark.parametrize("keep_all_tokens", [False, True])
def test_the_grammar_has_no_conflict_and_no_terminal_collision(keep_all_tokens: bool) -> None:
    # strict: a shift/reduce conflict or two terminals that can match the same text (interegular)
    # is an error here, so that no start of the program has to check it
    parser.build_parser(keep_all_tokens=keep_all_tokens, strict=True)


@pytest.mark.parametrize("keep_all_tokens", [False, True])
def test_a_cached_parser_parses_as_one_built_strictly(
    cache_home: Path, keep_all_tokens: bool
) -> None:
    built = parser.build_parser(keep_all_tokens=keep_all_tokens, strict=True)
    parser.grammar_parser(keep_all_tokens=keep_all_tokens)  # builds and keeps it
    _clear()
    cached = parser.grammar_parser(keep_all_tokens=keep_all_tokens)  # loaded from the cache
    assert cached.source_path == "<deserialized>"
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("rubrics/**/*.rubric"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("examples/**/*.rubric"))]
    assert len(texts) >= 3
    for text in texts:
        assert _shape(cached.parse(text)) == _shape(built.parse(text))


# ---- the cache -------------------------------------------------------------------------------


def test_the_parser_is_kept_in_the_xdg_cache_directory(cache_home: Path) -> None:
    assert parser.cache_directory() == cache_home
    parser.grammar_parser()
    parser.grammar_parser(keep_all_tokens=True)
    assert len(_kept(cache_home)) == 2
    assert not list(cache_home.glob(".parser-*"))  # no temporary file left behind
    if hasattr(os, "getuid"):
        assert all(p.stat().st_mode & 0o077 == 0 for p in _kept(cache_home))


def test_without_xdg_cache_home_the_cache_is_in_the_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert parser.cache_directory() == Path.home() / ".cache" / "rubricdsl"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # to be ignored, says the spec
    assert parser.cache_directory() == Path.home() / ".cache" / "rubricdsl"


def test_a_new_process_loads_the_parser_instead_of_building_it(cache_home: Path) -> None:
    program = (
        "import sys\n"
        "from rubricdsl import parser\n"
        "if sys.argv[1] == 'cached':\n"
        "    def refuse(**options): raise AssertionError('built, not loaded from the cache')\n"
        "    parser.build_parser = refuse\n"
        "import rubricdsl\n"
        "print(rubricdsl.load(sys.argv[2]).title)\n"
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}
    for run in ("first", "cached"):
        done = subprocess.run(
            [sys.executable, "-c", program, run, str(RUBRIC_2020)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environment,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "安徽省质量强县" in done.stdout
    assert len(_kept(cache_home)) == 1


def test_a_changed_grammar_is_built_anew_not_loaded_stale(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = parser._grammar_text()
    parser.grammar_parser()
    [before] = _kept(cache_home)

    # the grammar as another version of rubricdsl may have it: a header may start `scorecard`
    changed = shipped.replace('title: "rubric" STRING', 'title: ("rubric" | "scorecard") STRING')
    assert changed != shipped, "the grammar's title rule changed: update this test's edit"
    monkeypatch.setattr(parser, "_grammar_text", lambda: changed)
    _clear()
    grammar = parser.grammar_parser()
    assert grammar.source_path != "<deserialized>"  # built, not the parser of the old grammar
    assert grammar.parse('scorecard "t"\n').data == "start"
    assert len(_kept(cache_home)) == 2 and before.exists()

    # and back: the shipped grammar's parser is the one kept, which knows no `scorecard`
    monkeypatch.setattr(parser, "_grammar_text", lambda: shipped)
    _clear()
    grammar = parser.grammar_parser()
    assert grammar.source_path == "<deserialized>"
    with pytest.raises(UnexpectedInput):
        grammar.parse('scorecard "t"\n')


def test_a_cached_parser_of_another_key_is_not_loaded(cache_home: Path) -> None:
    parser.grammar_parser()
    [kept] = _kept(cache_home)
    data = kept.read_bytes()
    first_line, rest = data.split(b"\n", 1)
    kept.write_bytes(b"0" * len(first_line) + b"\n" + rest)  # as if written under another key
    _clear()
    assert parser.grammar_parser().source_path != "<deserialized>"
    assert kept.read_bytes().split(b"\n", 1)[0] == first_line  # written again, under its own
    _clear()
    assert parser.grammar_parser().source_path == "<deserialized>"


def test_a_corrupt_cache_file_is_built_anew_and_replaced(cache_home: Path) -> None:
    parser.grammar_parser()
    [kept] = _kept(cache_home)
    good = kept.read_bytes()
    kept.write_bytes(good[: len(good) // 2])  # cut short
    _clear()
    assert parser.grammar_parser().parse(RUBRIC_2020.read_text(encoding="utf-8"))
    _clear()
    assert parser.grammar_parser().source_path == "<deserialized>"  # written again, whole


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no file owners on this system")
def test_a_cache_file_others_may_write_is_not_loaded(cache_home: Path) -> None:
    parser.grammar_parser()
    [kept] = _kept(cache_home)
    kept.chmod(0o666)
    _clear()
    assert parser.grammar_parser().source_path != "<deserialized>"


def test_an_unwritable_cache_directory_is_no_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_directory))
    _clear()
    try:
        rubric = rubricdsl.load(RUBRIC_2020)
        assert rubric.year == 2020
        assert not_a_directory.read_text().startswith("a file")
    finally:
        monkeypatch.undo()
        _clear()


# ---- what `import rubricdsl` imports ---------------------------------------------------------

HEAVY = ("yaml", "wcwidth", "jinja2", "openpyxl", "pygments")


def _imported_after(program: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", program + "\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in done.stdout.split()}


def test_importing_and_loading_leave_the_heavy_modules_unimported() -> None:
    imported = _imported_after(f"import rubricdsl\nrubricdsl.load({str(RUBRIC_2020)!r})")
    assert imported.isdisjoint(HEAVY), sorted(imported.intersection(HEAVY))


def test_each_heavy_module_comes_when_it_is_used() -> None:
    sample = ROOT / "examples" / "yaohai-2021.yaml"
    assert "yaml" in _imported_after(f"import rubricdsl\nrubricdsl.read_data({str(sample)!r})")
    assert "wcwidth" in _imported_after(
        "from rubricdsl.source import display_width\nassert display_width('质量') == 4"
    )
