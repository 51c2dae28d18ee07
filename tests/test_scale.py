"""Loading stays linear in the size of the rubric: the source is split into lines once, however
many diagnostics show an excerpt of it; lint finds the ignore comments of a finding by bisection;
the cyclic garbage collector, which re-traverses everything made so far as a load grows, is paused
while a rubric is compiled. Tested by counting operations, never by timing."""

from __future__ import annotations

import gc
import pickle
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import rubricdsl
from rubricdsl import api, errors, lint, source
from rubricdsl.source import Span, excerpt, source_lines

ITEMS = 600


def _warned(items: int) -> str:
    """A rubric whose every item declares a point its rules cannot reach (a warning each), and
    whose every rule's wording says 90 where the condition says > 90 (R101), silenced."""
    lines = ['rubric "scale"', "year 2020", f"base {3 * items}", "", "indicators {"]
    lines += [f'  p{i}: percent "indicator {i}"' for i in range(items)]
    lines += ["}", f'category "all" {3 * items} {{']
    for i in range(items):
        lines += [
            f'  item {i + 1} "item {i}" 3 {{',
            f'    2 when p{i} > 90 "合格率 90%以上"  # rubricdsl: ignore[R101] 表中原文如此',
            "  }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def text() -> str:
    return _warned(ITEMS)


def test_every_excerpt_of_a_load_shares_one_split_of_the_source(text: str) -> None:
    source_lines.cache_clear()
    rubric = rubricdsl.loads(text, "scale.rubric")
    assert len(rubric.warnings) >= ITEMS
    drawn = [warning.render() for warning in rubric.warnings]  # every excerpt drawn
    assert all(" | " in shown for shown in drawn)
    assert source_lines.cache_info().misses == 1  # split once, for the first excerpt


def test_an_excerpt_is_drawn_when_read_and_equals_the_one_drawn_at_once(text: str) -> None:
    span = Span(6, 3, 6, 5)  # `p0` of `  p0: percent "indicator 0"`
    lazy = errors.diagnostic("warning", "x", "m", source_name="s", text=text, span=span)
    eager = errors.Diagnostic("warning", "x", "m", "s", span, None, excerpt(text, span))
    assert lazy == eager and eager == lazy and hash(lazy) == hash(eager)
    assert lazy.snippet == eager.snippet == excerpt(text, span)
    assert lazy.render() == eager.render()
    copied = pickle.loads(pickle.dumps(lazy))
    assert copied == eager and isinstance(copied.snippet, str)
    assert repr(excerpt(text, span)) in repr(lazy)


def test_lint_reads_the_ignore_comments_once_not_once_per_finding(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rubric = rubricdsl.loads(text, "scale.rubric")
    walks = []

    class Walked(list[Any]):
        def __iter__(self) -> Iterator[Any]:
            walks.append(1)
            return super().__iter__()

    found = lint._ignores

    def counted(linter: Any) -> Any:
        ignores, problems = found(linter)
        return Walked(ignores), problems

    monkeypatch.setattr(lint, "_ignores", counted)
    result = lint.lint(rubric.checked, text)
    assert len(result.silenced) == ITEMS and not result.findings  # each silenced by its own
    assert len(walks) <= 2  # not once per finding (600 findings)


def test_the_collector_is_paused_while_compiling_and_enabled_after(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    to_ast = api.to_ast

    def watched(tree: Any) -> Any:
        seen.append(gc.isenabled())
        return to_ast(tree)

    monkeypatch.setattr(api, "to_ast", watched)
    assert gc.isenabled()
    rubricdsl.loads(text, "scale.rubric")
    assert seen == [False] and gc.isenabled()
    with pytest.raises(rubricdsl.RubricSyntaxError):
        rubricdsl.loads("rubric {", "broken.rubric")
    assert gc.isenabled()  # after a failed load too


def test_a_collector_disabled_by_the_caller_stays_disabled(text: str) -> None:
    gc.disable()
    try:
        rubricdsl.loads(text, "scale.rubric")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_loads_in_several_threads_leave_the_collector_enabled(text: str) -> None:
    barrier = threading.Barrier(3)
    failures: list[BaseException] = []

    def load() -> None:
        try:
            barrier.wait()
            rubricdsl.loads(text, "scale.rubric")
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert gc.isenabled()


def test_display_width_without_wcwidth_is_wcwidths_for_ascii() -> None:
    wcwidth = pytest.importorskip("wcwidth")
    samples = ["", "abc", "a\tb", "\x1b[31mred\x1b[0m", "a\x00b", "\x00", "x\x7f", " " * 50]
    for sample in samples:
        width = wcwidth.wcswidth(sample)
        assert source.display_width(sample) == (width if width >= 0 else len(sample)), sample
    assert source.display_width("质量") == 4
