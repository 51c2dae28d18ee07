"""Hostile inputs too large to keep as files (over 100 KB): made here, replayed like the
files in tests/fuzz/regressions/ (same checks, chosen by the extension of the name)."""

from __future__ import annotations

from collections.abc import Callable

from .generators import SAMPLE_JSON, SAMPLE_TEXT


def _sample_with(extra_indicators: str = "", meta: str = "") -> str:
    text = SAMPLE_TEXT.replace("indicators:\n", "indicators:\n" + extra_indicators, 1)
    return text.replace("meta:\n", "meta:\n" + meta, 1)


def rubric_points_million_digits() -> str:
    """Points of a million and one digits: past the default decimal context's exponent."""
    points = "1" + "0" * 1_000_000
    return (
        'rubric "points of a million digits"\nyear 2020\nbase 10\n'
        "indicators {\n  a: bool\n}\n"
        f'category "c" 10 {{\n  item 1 "i" {points} {{\n    {points} when a "w"\n  }}\n}}\n'
    )


def rubric_base_million_digits() -> str:
    return (
        f'rubric "base"\nyear 2020\nbase {"9" * 1_000_001}\n'
        'indicators {\n  a: bool\n}\ncategory "c" 10 {\n  item 1 "i" 10 {\n    10 when a "w"\n'
        "  }\n}\n"
    )


def rubric_3000_errors() -> str:
    """Three thousand undefined indicators: one diagnostic (and one excerpt) each."""
    rules = "".join(f'    1 when undefined_{i} "w"\n' for i in range(3_000))
    return (
        'rubric "errors"\nyear 2020\nbase 10\nindicators {\n  a: bool\n}\n'
        f'category "c" 10 {{\n  item 1 "i" 10 {{\n{rules}  }}\n}}\n'
    )


def data_unknown_key_million_chars() -> str:
    """An unknown indicator whose name is a million characters (echoed three times once);
    an explicit key (?), since YAML refuses implicit keys past 1024 characters."""
    return _sample_with(f"  ? {'k' * 1_000_000}\n  : 1\n")


def data_unknown_key_million_chars_json() -> str:
    return SAMPLE_JSON.replace('"indicators": {', '"indicators": {"' + "k" * 1_000_000 + '": 1,', 1)


def data_3000_unknown_keys() -> str:
    keys = "".join(f"  unknown_indicator_{i}: {i}\n" for i in range(3_000))
    return _sample_with(keys)


def data_line_of_600000_chars() -> str:
    """A syntax error at the end of a line of 600,000 characters (the excerpt must be cut)."""
    return _sample_with(meta='  note: "' + "x" * 600_000 + '" x\n')


def rubric_line_of_600000_chars() -> str:
    """A syntax error at the end of a line of 600,000 characters (the excerpt must be cut)."""
    return 'rubric "' + "x" * 600_000 + '" @\nyear 2020\nbase 10\n'


def data_meta_value_300000_chars() -> str:
    return _sample_with(meta=f"  note: {'长' * 300_000}\n")


def data_nesting_100000_deep() -> str:
    return _sample_with(meta="  deep: " + "[" * 100_000 + "]" * 100_000 + "\n")


# name (its extension picks the checks, as for files) -> the text
GENERATED: dict[str, Callable[[], str]] = {
    "points-million-digits.rubric": rubric_points_million_digits,
    "base-million-digits.rubric": rubric_base_million_digits,
    "3000-errors.rubric": rubric_3000_errors,
    "line-of-600000-chars.rubric": rubric_line_of_600000_chars,
    "unknown-key-1000000-chars.yaml": data_unknown_key_million_chars,
    "unknown-key-1000000-chars.json": data_unknown_key_million_chars_json,
    "3000-unknown-keys.yaml": data_3000_unknown_keys,
    "line-of-600000-chars.yaml": data_line_of_600000_chars,
    "meta-value-300000-chars.yaml": data_meta_value_300000_chars,
    "nesting-100000-deep.yaml": data_nesting_100000_deep,
}
