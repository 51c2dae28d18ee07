"""District data files: YAML and JSON, numbers as exact decimals, clear errors for bad shapes."""

from decimal import Decimal

import pytest

from rubricdsl import DataFileError, parse_data, read_data


def test_yaml_numbers_are_the_decimals_written():
    data = parse_data("indicators:\n  a: 95.5\n  b: 0.3\n  c: 7\n  d: 92.0\n", "d.yaml")
    assert data.indicators == {
        "a": Decimal("95.5"),
        "b": Decimal("0.3"),
        "c": 7,
        "d": Decimal("92.0"),
    }
    assert isinstance(data.indicators["a"], Decimal)


def test_json_numbers_are_the_decimals_written():
    data = parse_data('{"indicators": {"a": 95.5, "b": 0.1}, "meta": {"year": 2021}}', "d.json")
    assert data.indicators == {"a": Decimal("95.5"), "b": Decimal("0.1")}
    assert data.meta == {"year": 2021}


def test_yaml_infinity_and_nan_stay_floats_for_the_validator():
    data = parse_data("indicators:\n  a: .inf\n  b: .nan\n", "d.yaml")
    assert data.indicators["a"] == float("inf")
    assert data.indicators["b"] != data.indicators["b"]


def test_not_applicable_mapping_passes_through():
    data = parse_data('indicators:\n  a: {not_applicable: "区域无法定计量检定机构"}\n', "d.yaml")
    assert data.indicators["a"] == {"not_applicable": "区域无法定计量检定机构"}


@pytest.mark.parametrize(
    ("text", "name", "needle"),
    [
        ("indicators:\n  a: 1\n  a: 2\n", "d.yaml", "d.yaml:3:3: 'a' is given twice"),
        ('{"indicators": {"a": 1, "a": 2}}', "d.json", "'a' is given twice"),
        ("- 1\n- 2\n", "d.yaml", "expected a mapping with 'indicators:'"),
        ("meta: {}\n", "d.yaml", "'indicators:' must be a mapping"),
        ("indicators: {}\nextra: 1\n", "d.yaml", "unknown top-level key(s) extra"),
        ("indicators: {}\nmeta: [1]\n", "d.yaml", "'meta:' must be a mapping"),
        ("indicators: {a: [1, 2\n", "d.yaml", "not valid YAML"),
        ('{"indicators": ', "d.json", "d.json:1:16: not valid JSON"),
        ("indicators: !!python/object:os.system {}\n", "d.yaml", "not valid YAML"),
    ],
)
def test_bad_data_files(text, name, needle):
    with pytest.raises(DataFileError) as raised:
        parse_data(text, name)
    assert needle in str(raised.value)


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(DataFileError, match="no such data file"):
        read_data(tmp_path / "nope.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("indicators:\n  a: \xe9\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_data(latin)


def test_yaml_whole_numbers_are_decimal_and_only_true_false_are_bools():
    data = parse_data(
        "indicators:\n  a: 010\n  b: 1_000\n  c: 1:30\n  d: 0x1F\n  e: yes\n  f: off\n"
        "  g: True\n  h: false\n  i: -7\n",
        "d.yaml",
    )
    # YAML 1.1 would give 8, 1000, 90, 31, True, False; a district means 10, 1000 and text.
    assert data.indicators == {
        "a": 10, "b": 1000, "c": "1:30", "d": "0x1F", "e": "yes", "f": "off",
        "g": True, "h": False, "i": -7,
    }  # fmt: skip
