"""Escaping: no text from a rubric or a data file can drive a terminal or forge a line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rubricdsl.escape import clip, escape, escape_block, json_escape, shown

# Every character a terminal acts on or that reorders what it shows.
UNSAFE = (
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ud800", "\udfff"]
)


def unsafe_in(text: str, *, newlines: bool) -> list[str]:
    return [c for c in text if c in UNSAFE and not (newlines and c == "\n")]


@pytest.mark.parametrize(
    ("raw", "shown_as"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("a\nTotals", "a\\nTotals"),
        ("a\rb", "a\\rb"),
        ("a\tb", "a\\tb"),
        ("\x85", "\\x85"),
        ("\u202eevil", "\\u202eevil"),
        ("x\u2028y", "x\\u2028y"),
        ("\ud800", "\\ud800"),
        ("质量强县 – ok", "质量强县 – ok"),
    ],
)
def test_escape_shows_each_control_visibly(raw, shown_as):
    assert escape(raw) == shown_as


def test_escape_block_keeps_newlines_only():
    assert escape_block("a\nb\x1b\r\n") == "a\nb\\x1b\\r\n"


@given(st.text())
def test_escaped_text_has_no_unsafe_character_and_encodes(text):
    assert unsafe_in(escape(text), newlines=False) == []
    assert unsafe_in(escape_block(text), newlines=True) == []
    escape(text).encode("utf-8")  # no lone surrogate survives


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_escape_keeps_the_json_valid_and_the_same(document):
    raw = json.dumps(document, ensure_ascii=False, indent=2)
    safe = json_escape(raw)
    assert unsafe_in(safe, newlines=True) == []
    assert json.loads(safe) == document


def test_clip_says_how_much_it_left_out():
    assert clip("abc", 3) == "abc"
    assert clip("x" * 1_000_000, 10) == "x" * 10 + "…(+999,990 characters)"
    assert shown("\x1b" * 100, 2) == "\\x1b\\x1b…(+98 characters)"
