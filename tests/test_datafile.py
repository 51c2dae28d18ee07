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


# ---- hostile data files: each a clear DataFileError, placed where the file says it -----------


def billion_laughs(where: str) -> str:
    """Nine levels of nine aliases: 3.9 KB that would stand for 9^9 strings."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        aliases = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{aliases}]")
    block = "\n".join("  " + line for line in lines)
    if where == "meta":
        return f"meta:\n{block}\nindicators: {{}}\n"
    return f"indicators:\n{block}\n"


@pytest.mark.parametrize("where", ["meta", "indicators"])
def test_alias_expansion_is_refused(where):
    with pytest.raises(DataFileError, match=r"d.yaml:\d+:\d+: aliases .* repeat more than 10,000"):
        parse_data(billion_laughs(where), "d.yaml")


def test_a_recursive_alias_is_refused():
    with pytest.raises(DataFileError, match="alias refers to an anchor not yet complete"):
        parse_data("meta: &a [1, *a]\nindicators: {}\n", "d.yaml")


def test_a_few_aliases_are_fine_and_a_merge_key_may_be_overridden():
    text = (
        "meta:\n"
        "  common: &common {district: 瑶海区, year: 2021, note: draft}\n"
        "  final: {<<: *common, note: final}\n"
        "indicators:\n"
        "  a: &same 3\n"
        "  b: *same\n"
    )
    data = parse_data(text, "d.yaml")
    assert data.meta["final"] == {"district": "瑶海区", "year": 2021, "note": "final"}
    assert data.indicators == {"a": 3, "b": 3}


def test_a_key_written_twice_beside_a_merge_is_still_refused():
    with pytest.raises(DataFileError, match="'x' is given twice"):
        parse_data("b: &b {y: 1}\nm: {<<: *b, x: 1, x: 2}\n", "d.yaml")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("meta: " + "[" * 300 + "]" * 300 + "\nindicators: {}\n", "d.yaml"),
        ('{"indicators": {}, "meta": ' + "[" * 1000 + "]" * 1000 + "}", "d.json"),
        ('{"indicators": {}, "meta": ' + "[" * 100_000 + "]" * 100_000 + "}", "d.json"),
        ('{"indicators": {}, "meta": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}", "d.json"),
    ],
)
def test_deep_nesting_is_refused(text, name):
    with pytest.raises(DataFileError, match="nested more than 32 deep"):
        parse_data(text, name)


@pytest.mark.parametrize("name", ["d.yaml", "d.json"])
@pytest.mark.parametrize(
    ("number", "needle"),
    [
        ("9" * 5000, "has 5,000 digits"),
        ("1.0e+999999999999999999999", "exponent of"),
        ("1.0e-999999999999999999", "exponent of"),
        ("1.0e-100000000", "100,000,001 places after the decimal point"),
    ],
)
def test_numbers_beyond_the_limits_are_refused(name, number, needle):
    text = (
        f'{{"indicators": {{}}, "meta": {{"x": {number}}}}}'
        if name == "d.json"
        else f"indicators: {{}}\nmeta: {{x: {number}}}\n"
    )
    with pytest.raises(DataFileError, match=needle) as raised:
        parse_data(text, name)
    assert len(str(raised.value)) < 300  # the number is not echoed in full


def test_a_large_number_within_the_digit_limits_reaches_the_validator():
    # 1e+20 is short: the data file holds it, and the validator calls the indicator too large.
    data = parse_data("indicators: {a: 1.0e+20}\n", "d.yaml")
    assert data.indicators["a"] == Decimal("1.0e+20")


@pytest.mark.parametrize("name", ["d.yaml", "d.json"])
def test_a_number_a_million_places_long_is_refused_even_in_meta(name):
    text = (
        '{"indicators": {}, "meta": {"x": 1.0e+1000000}}'
        if name == "d.json"
        else "indicators: {}\nmeta: {x: 1.0e+1000000}\n"
    )
    with pytest.raises(DataFileError, match="1,000,000 places before the decimal point"):
        parse_data(text, name)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("!!float abc", "abc is not a number"),
        ("!!timestamp 2021-13-45", "2021-13-45 is not a valid date"),
        ("!!timestamp 2021-01-01x", "2021-01-01x is not a valid date"),
        ("!!binary aGVsbG8=", "!!binary values are not allowed"),
        ("!!set {a, b}", "!!set values are not allowed"),
        ("!!omap [a: 1]", "!!omap values are not allowed"),
        ("!!map abc", "tagged !!map but is not a mapping"),  # found by the fuzzer
        ("!!map [1, 2]", "tagged !!map but is not a mapping"),
    ],
)
def test_tags_that_build_what_a_data_file_cannot_hold(value, needle):
    with pytest.raises(DataFileError, match=r"d.yaml:1:\d+: " + needle):
        parse_data(f"meta: {{x: {value}}}\nindicators: {{}}\n", "d.yaml")


def test_a_complex_key_is_refused_where_it_is():
    with pytest.raises(DataFileError, match=r"d\.yaml:2:5: a key must be a name"):
        parse_data("meta:\n  ? [a]\n  : 1\nindicators: {}\n", "d.yaml")


@pytest.mark.parametrize("meta", ["false", "0", "[]", "''", "text"])
def test_meta_that_is_not_a_mapping_is_refused(meta):
    with pytest.raises(DataFileError, match="'meta:' must be a mapping"):
        parse_data(f"indicators: {{}}\nmeta: {meta}\n", "d.yaml")


@pytest.mark.parametrize("meta", ["meta:\n", "meta: null\n", ""])
def test_no_meta_or_empty_meta_is_no_meta(meta):
    assert parse_data(f"indicators: {{}}\n{meta}", "d.yaml").meta == {}


def test_long_keys_and_texts_are_refused_with_their_size():
    with pytest.raises(DataFileError, match="a key of 1,000,000 characters") as raised:
        parse_data(f'{{"indicators": {{"{"k" * 1_000_000}": 1}}}}', "d.json")
    assert len(str(raised.value)) < 300
    with pytest.raises(DataFileError, match="a text of 100,001 characters"):
        parse_data(f"indicators: {{}}\nmeta: {{x: {'y' * 100_001}}}\n", "d.yaml")


def test_parse_data_checks_its_arguments():
    with pytest.raises(TypeError, match="data text must be str, not NoneType"):
        parse_data(None, "d.yaml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data text must be str, not bytes"):
        parse_data(b"indicators: {}", "d.yaml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="source_name must be str"):
        parse_data("indicators: {}", None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("-.5", Decimal("-0.5")),
        ("+.5", Decimal("0.5")),
        (".5", Decimal("0.5")),
        ("1e+1", Decimal("10")),
        ("1.5E3", Decimal("1500")),
        ("1e3", Decimal("1000")),
        ("2.50e-1", Decimal("0.25")),
        ("5.", Decimal("5")),
    ],
)
def test_numbers_as_people_write_them_are_numbers(written, value):
    """YAML 1.1 reads these as text; a district means numbers (issue 6)."""
    data = parse_data(f"indicators: {{a: {written}}}\n", "d.yaml")
    assert data.indicators["a"] == value
    assert isinstance(data.indicators["a"], Decimal)


@pytest.mark.parametrize("written", ["'1e3'", '"-.5"', "1e", "e3", "1.5.2", "--1", "."])
def test_quoted_or_malformed_numbers_stay_text(written):
    data = parse_data(f"indicators: {{a: {written}}}\n", "d.yaml")
    assert isinstance(data.indicators["a"], str)
