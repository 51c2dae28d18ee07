"""Hypothesis strategies for the fuzz targets: hostile data files, rubric texts, CLI runs.

Data files (YAML and JSON):
- mutations of the sample (examples/yaohai-2021.yaml) and of its JSON rendering: characters
  flipped, nasty tokens inserted (anchors, aliases, merge keys, tags, complex keys, deep
  brackets, huge numbers, control characters, bidi controls, NaN, duplicate keys...), values,
  keys and meta entries replaced by nasty ones;
- generated structures (recursive dicts / lists / scalars, dumped as YAML or JSON);
- valid indicator sets for the 2020 rubric with random values (checked against the oracle);
- "billion laughs" alias chains and deep nesting of every kind.

Rubric texts:
- token mutations (insert / delete / swap / replace) of the 2020 rubric and of generated
  rubrics (tests/strategies.py), nasty wording in their strings;
- deep nesting of conditions and huge numbers in every numeric slot.

Every example is a `Example`: the target's name, the arguments to call it with, and how to
save it as a regression file.
"""

from __future__ import annotations

import datetime
import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

import strategies as rubric_strategies  # tests/strategies.py (tests/ is on sys.path)

from .targets import RUBRIC_2020, SAMPLE_YAML, CliCase, rubric_2020

SAMPLE_TEXT = SAMPLE_YAML.read_text(encoding="utf-8")
RUBRIC_TEXT = RUBRIC_2020.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Raw:
    """Text written into a YAML or JSON document as it is (a tag, an alias, a huge number)."""

    text: str


# ---- nasty material -----------------------------------------------------------------------------

CONTROL_CHARS = [chr(c) for c in (*range(0, 0x20), 0x7F, 0x80, 0x85, 0x9B, 0x9F)]
BIDI_CHARS = [
    "\u061c",
    "\u200e",
    "\u200f",
    *[chr(c) for c in range(0x202A, 0x202F)],
    *[chr(c) for c in range(0x2066, 0x206A)],
]
OTHER_CHARS = ["\u2028", "\u2029", "\ufeff", "\u200b", "\u00a0", "\ufffd", "\u0301", "😀", "›"]
NASTY_CHARS = [*CONTROL_CHARS, *BIDI_CHARS, *OTHER_CHARS, '"', "'", "\\", "%", "{", "}", "&", "*"]

NASTY_STRINGS = [
    "\x1b]0;pwned\x07",  # OSC: retitles the terminal window
    "\x1b[2J\x1b[H",  # clears the screen
    "\x1b[31mred\x1b[0m",
    "\x07\x07\x07",
    "fake\rline",
    "a\nTotals\n  total  110 / 110",  # forges a Totals block
    "line\u2028separator",
    "para\u2029separator",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "\x85next line",
    "\x9b31m",  # C1 CSI
    "tab\there",
    "nul\x00byte",
    "\ud800",  # lone surrogates
    "\udfff\ud800",
    "\ufeffbom",
    "瑶海区 › 虚构",
    "😀 non-BMP",
    "x" * 300,
    "长" * 5000,
    "y" * 120_000,
    "",
    " ",
]

nasty_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(alphabet=st.sampled_from(NASTY_CHARS + list("ab 质量1")), max_size=12),
    st.text(max_size=12),
    st.lists(st.sampled_from(NASTY_STRINGS[:14]), min_size=1, max_size=3).map("".join),
)

HUGE_NUMBERS = [
    "9" * 5000,
    "-" + "1" * 4301,
    "1" + "0" * 60,
    "0." + "9" * 66,
    "9." + "9" * 65,
    "89." + "9" * 64,
    "0." + "0" * 1100 + "1",
    "1e+1000000",
    "1.0e+1000000",
    "1.0e-100000000",
    "1.0e+999999999999999999999",
    "1.0e-999999999999999999",
    "1.0e+15",
    "1000000000000000",
    "999999999999999.99",
    "-0",
    "-0.0",
    "100.0000000000000000000000000000001",
    "1E3",
    "1.5e3",
]
YAML_VALUES = [
    "&a [1, 2]",
    "*a",
    "*undefined",
    "&a 5",
    "!!float abc",
    "!!float 1e5",
    "!!float .nan",
    "!!int 0x1F",
    "!!int abc",
    "!!bool maybe",
    "!!timestamp 2021-13-45",
    "!!timestamp 2021-01-01x",
    "!!timestamp 2021-01-01",
    "2021-01-01",
    "2021-01-01 10:00:00",
    "!!binary aGVsbG8=",
    "!!binary ***",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1, a: 2]",
    "!!python/object/apply:os.system [echo]",
    "!!python/name:os.system",
    "!!str 12",
    "!!null ''",
    "!!map [1]",
    "!!seq {a: 1}",
    "!custom x",
    "{? [a] : 1}",
    "{? {b: 1} : 1}",
    "{<<: {x: 1}, x: 2}",
    "{<<: [*a], x: 2}",
    "{<<: 5}",
    "[[[[[[[[1]]]]]]]]",
    "{a: {b: {c: {d: 1}}}}",
    ".nan",
    ".inf",
    "-.inf",
    "NaN",
    "0x1F",
    "0o17",
    "0b101",
    "010",
    "1:30",
    "1_000",
    "+1",
    "yes",
    "no",
    "on",
    "off",
    "~",
    "null",
    "True",
    "TRUE",
    '"\\e]0;pwned\\a"',
    '"\\e[2J"',
    '"a\\rb"',
    '"\\u202eevil"',
    '"\\L"',
    '"\\N"',
    '"\\ud800"',
    '"\\x00"',
    "|\n    block\n    text",
    "'it''s'",
    '{not_applicable: "\\e[31mred"}',
    "{not_applicable: ''}",
    "{not_applicable: 1}",
    "{not_applicable: x, extra: 1}",
    "{not_applicable: [a]}",
    "[3.1, 2.7]",
    "[3.1, 2.7, 2.9, 1]",
    "[.nan, 1, 2]",
    "[]",
    "{}",
    "",
]
JSON_VALUES = [
    "NaN",
    "-Infinity",
    "Infinity",
    '"\\ud800"',
    '"\\udfff\\ud800"',
    '"\\u001b]0;pwned\\u0007"',
    '"\\u001b[2J"',
    '"\\u202eevil"',
    '"\\u2028"',
    '"\\u0085"',
    '"\\r"',
    '"a\\nTotals\\n"',
    '{"not_applicable": "\\u001b[31mred"}',
    '{"not_applicable": "\\ud800"}',
    '{"not_applicable": ""}',
    '{"not_applicable": null}',
    "[1, 2, 3]",
    "[NaN, 1, 2]",
    "[]",
    "{}",
    "null",
    "true",
    '"90"',
    '"90%"',
    "1E400",
    "-0",
    "0.1e1",
    "01",
    "[" * 1000 + "]" * 1000,
    "[" * 100 + "1" + "]" * 100,
    '{"a":' * 950 + "1" + "}" * 950,
]
YAML_TOKENS = [
    "&a ",
    "*a",
    "<<: ",
    "<<: *a\n",
    "!!float abc",
    "!!timestamp 2021-13-45",
    "!!binary ",
    "!!set ",
    "? [a]\n",
    "? ",
    "[[[[",
    "]]]]",
    "{",
    "}",
    "- ",
    ": ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "\t",
    "  ",
    "\n",
    "\ufeff",
    "\x00",
    "\x1b",
    "\x07",
    "\r",
    "\r\n",
    "\u202e",
    "\u2028",
    "\x85",
    '"',
    "'",
    "#",
    "|",
    ">",
    "\\",
    "\\ud800",
    "1e+1000000",
    "9" * 5000,
    ",",
]
JSON_TOKENS = [
    "NaN",
    "-Infinity",
    "Infinity",
    '"\\ud800"',
    "\\ud800",
    "\\u0000",
    "1e+1000000",
    "9" * 5000,
    "[" * 1000,
    "]",
    "{",
    "}",
    ",",
    ":",
    '"',
    "\\",
    "\x00",
    "\x1b",
    "\u202e",
    "\u2028",
    "\ufeff",
    "//",
    "/*",
    "'",
    "\n",
    "\t",
]


# ---- writing documents --------------------------------------------------------------------------


def _number_text(value: Decimal) -> str:
    _, digits, exponent = value.as_tuple()
    if not value.is_finite() or not isinstance(exponent, int):
        return str(value)
    if -200 < exponent < 200 and len(digits) + abs(exponent) < 400:
        return format(value, "f")
    return str(value)


def json_scalar(value: object, ascii_only: bool = True) -> str:
    if isinstance(value, Raw):
        return value.text
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value)  # NaN, Infinity as Python writes them
    if isinstance(value, Decimal):
        return _number_text(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return json.dumps(value.isoformat())
    return json.dumps(str(value), ensure_ascii=ascii_only)


def dump_json(value: object, ascii_only: bool = True, indent: int = 0) -> str:
    pad = "\n" + " " * (indent + 2) if indent >= 0 else ""
    end = "\n" + " " * indent if indent >= 0 else ""
    inner = indent + 2 if indent >= 0 else -1
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        parts = []
        for key, item in value.items():
            key_text = (
                key.text if isinstance(key, Raw) else json.dumps(str(key), ensure_ascii=ascii_only)
            )
            parts.append(f"{pad}{key_text}: {dump_json(item, ascii_only, inner)}")
        return "{" + ",".join(parts) + end + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[" + ", ".join(dump_json(v, ascii_only, -1) for v in value) + "]"
    return json_scalar(value, ascii_only)


PLAIN = re.compile(r"[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_ \u4e00-\u9fff（）]*")


def yaml_scalar(value: object, ascii_only: bool = True) -> str:
    if isinstance(value, Raw):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, Decimal):
        if value.is_nan():
            return ".nan"
        if value.is_infinite():
            return ".inf" if value > 0 else "-.inf"
        return _number_text(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    text = str(value)
    if PLAIN.fullmatch(text) and text.lower() not in ("true", "false", "null", "yes", "no"):
        return text
    return json.dumps(text, ensure_ascii=ascii_only)  # JSON escapes are YAML escapes


def yaml_flow(value: object, ascii_only: bool = True) -> str:
    if isinstance(value, Mapping):
        inner = ", ".join(
            f"{yaml_key(k, ascii_only)}: {yaml_flow(v, ascii_only)}" for k, v in value.items()
        )
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(v, ascii_only) for v in value) + "]"
    return yaml_scalar(value, ascii_only)


def yaml_key(key: object, ascii_only: bool = True) -> str:
    if isinstance(key, Raw):
        return key.text
    return yaml_scalar(key, ascii_only)


def dump_yaml(value: object, ascii_only: bool = True, indent: int = 0, depth: int = 2) -> str:
    """Block style for the first `depth` levels of mappings, flow style below."""
    if not isinstance(value, Mapping) or not value or depth == 0:
        return " " * indent + yaml_flow(value, ascii_only) + "\n"
    lines = []
    for key, item in value.items():
        head = " " * indent + yaml_key(key, ascii_only) + ":"
        if isinstance(item, Mapping) and item and depth > 1:
            lines.append(head + "\n" + dump_yaml(item, ascii_only, indent + 2, depth - 1))
        else:
            lines.append(head + " " + yaml_flow(item, ascii_only) + "\n")
    return "".join(lines)


def sample_values() -> dict[str, Any]:
    """The sample's document, as Python values (numbers as Decimal, as the library reads them)."""
    import yaml

    document = yaml.safe_load(SAMPLE_TEXT)

    def exact(value: object) -> object:
        if isinstance(value, float):
            return Decimal(repr(value))
        if isinstance(value, dict):
            return {k: exact(v) for k, v in value.items()}
        if isinstance(value, list):
            return [exact(v) for v in value]
        return value

    return exact(document)  # type: ignore[return-value]


SAMPLE = sample_values()
SAMPLE_JSON = dump_json(SAMPLE, ascii_only=False)


# ---- examples -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One input for one target: `args` for the target function, and a label of its origin."""

    target: str  # data | rubric | cli
    args: tuple[Any, ...]
    origin: str


def data_example(text: str, suffix: str, origin: str, context: int | None) -> Example:
    return Example("data", (text, suffix, context), origin)


# ---- data files: mutations of the sample --------------------------------------------------------

_VALUE_LINE = {
    ".yaml": re.compile(r"^( *)([^#\s][^:\n]*):[ ]+([^#\n]*?)( +#.*)?$", re.M),
    ".json": re.compile(r'^( *)("[^"\n]*"): ([^\n]*?)(,?)$', re.M),
}


@st.composite
def _mutate_document(draw: st.DrawFn, text: str, suffix: str) -> str:
    values = YAML_VALUES if suffix == ".yaml" else JSON_VALUES
    tokens = YAML_TOKENS if suffix == ".yaml" else JSON_TOKENS
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(
            st.sampled_from(
                [
                    "value",
                    "value",
                    "value",
                    "key",
                    "meta",
                    "extra",
                    "char",
                    "token",
                    "delete",
                    "duplicate",
                    "swap",
                    "number",
                ]
            )
        )
        lines = text.split("\n")
        matches = list(_VALUE_LINE[suffix].finditer(text))
        if operation in ("value", "number", "key") and matches:
            found = draw(st.sampled_from(matches))
            if operation == "key":
                key = draw(nasty_text)
                new_key = json.dumps(key, ensure_ascii=draw(st.booleans()))
                text = text[: found.start(2)] + new_key + text[found.end(2) :]
            else:
                if operation == "number":
                    new = draw(st.sampled_from(HUGE_NUMBERS))
                    new = f"[{new}, 2, 1]" if draw(st.booleans()) else new
                else:
                    new = draw(st.sampled_from(values))
                text = text[: found.start(3)] + new + text[found.end(3) :]
        elif operation in ("meta", "extra"):
            anchor = (
                ("meta:" if operation == "meta" else "indicators:")
                if suffix == ".yaml"
                else ('"meta": {' if operation == "meta" else '"indicators": {')
            )
            at = text.find(anchor)
            if at >= 0:
                at = text.index("\n", at) + 1
                key = draw(
                    nasty_text | st.sampled_from(["1", "2.5", "2021-01-01", "? [a]", "true"])
                )
                value = draw(st.sampled_from(values) | nasty_text.map(json.dumps))
                if suffix == ".yaml":
                    key_text = key if key in ("1", "2.5", "2021-01-01", "true") else json.dumps(key)
                    if key == "? [a]":
                        line = f"  ? [a]\n  : {value}\n"
                    else:
                        line = f"  {key_text}: {value}\n"
                else:
                    line = f"    {json.dumps(key)}: {value},\n"
                text = text[:at] + line + text[at:]
        elif operation == "char" and text:
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] + draw(st.sampled_from(NASTY_CHARS)) + text[at + 1 :]
        elif operation == "token":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(tokens)) + text[at:]
        elif operation == "delete" and text:
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif operation == "duplicate" and lines:
            at = draw(st.integers(0, len(lines) - 1))
            lines.insert(at, lines[at])
            text = "\n".join(lines)
        elif operation == "swap" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


contexts = st.none() | st.none() | st.integers(0, 4)


@st.composite
def sample_mutations(draw: st.DrawFn) -> Example:
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    text = SAMPLE_TEXT if suffix == ".yaml" else SAMPLE_JSON
    return data_example(draw(_mutate_document(text, suffix)), suffix, "sample-mutation", None)


# ---- data files: generated structures -----------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.integers(0, 120),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=0, max_value=100, places=8),
    nasty_text,
    st.dates(),
    st.sampled_from(HUGE_NUMBERS).map(Raw),
)
keys = st.one_of(
    nasty_text, st.integers(-5, 5), st.sampled_from(["indicators", "meta", "not_applicable"])
)
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


def indicator_names() -> list[str]:
    return list(rubric_2020().indicators)


@st.composite
def generated_structures(draw: st.DrawFn) -> Example:
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    shape = draw(st.sampled_from(["free", "top", "sample"]))
    if shape == "free":
        document: object = draw(structures)
    else:
        indicators: dict[Any, Any]
        if shape == "top":
            indicators = draw(st.dictionaries(keys, structures, max_size=6))
        else:
            indicators = dict(SAMPLE["indicators"])
            for name in draw(st.lists(st.sampled_from(indicator_names()), max_size=4)):
                indicators[name] = draw(structures)
        document = {"meta": draw(structures), "indicators": indicators}
        if draw(st.booleans()):
            document = {"indicators": indicators, "meta": draw(meta_values)}
    return data_example(_dump(draw, document, suffix), suffix, f"structure-{shape}", None)


def _dump(draw: st.DrawFn, document: object, suffix: str) -> str:
    ascii_only = draw(st.booleans())
    if suffix == ".json":
        return dump_json(document, ascii_only, 0 if draw(st.booleans()) else -1)
    return dump_yaml(document, ascii_only, 0, draw(st.integers(0, 3)))


meta_values = st.dictionaries(
    st.one_of(nasty_text, st.sampled_from(["district", "year", "note"])),
    st.one_of(nasty_text, scalars, st.lists(scalars, max_size=3)),
    max_size=4,
)


# ---- data files: valid indicator sets for the 2020 rubric ---------------------------------------


def _places(rnd: random.Random, low: int, high: int, most: int) -> Decimal:
    """A decimal in [low, high] with up to `most` decimal places (many digits: no rounding!)."""
    places = rnd.choice([0, 1, 2, 5, 20, 60, most])
    whole = rnd.randint(low, high)
    if places == 0 or whole == high:
        return Decimal(whole)
    return Decimal(whole) + Decimal(rnd.randrange(10**places)).scaleb(-places)


BOUNDARY_PCT = [
    Decimal(0),
    Decimal(90),
    Decimal(100),
    Decimal("89." + "9" * 64),
    Decimal("99." + "9" * 70),
    Decimal("90." + "0" * 70 + "1"),
    Decimal("100.000"),
    Decimal("1E+2"),
    Decimal("9E+1"),
    Decimal("-0"),
]


def value_for(rnd: random.Random, spec: Any) -> Any:
    """A value valid for the indicator (within its range), in one of the forms a file holds.

    Drawn from a Random (itself drawn by hypothesis): 73 indicators drawn one by one through
    hypothesis would cost more than checking them."""
    kind = spec.kind
    pick = rnd.randrange(4)
    if kind == "bool":
        return rnd.random() < 0.5
    if kind == "count":
        if pick == 0:
            return rnd.randrange(10**15)
        if pick == 1:
            return rnd.choice([Decimal("3.0"), Decimal("3E0"), Decimal("0E+5"), 10**15 - 1])
        return rnd.randrange(13)
    if kind in ("percent", "score"):
        if pick == 0:
            return rnd.choice(BOUNDARY_PCT)
        if pick == 1:
            return rnd.uniform(0, 100)
        return _places(rnd, 0, 100, 80)
    if kind == "series":
        length = spec.series_length or 3
        if pick == 0:
            return [rnd.randrange(6) for _ in range(length)]
        if pick == 1:
            return [rnd.uniform(-1e6, 1e6) for _ in range(length)]
        return [_places(rnd, -50, 50, 40) for _ in range(length)]
    if kind == "enum":
        return rnd.choice(spec.levels)
    return rnd.randrange(10**9) if pick == 0 else _places(rnd, 0, 10**6, 40)


@st.composite
def valid_2020_data(draw: st.DrawFn) -> Example:
    rnd = draw(st.randoms(use_true_random=False))
    indicators: dict[str, Any] = {}
    for name, spec in rubric_2020().indicators.items():
        if spec.allows_na and rnd.random() < 0.5:
            reason = draw(nasty_text.filter(str.strip) | st.just("区域无法定计量检定机构"))
            indicators[name] = {"not_applicable": reason}
        else:
            indicators[name] = value_for(rnd, spec)
    document: dict[str, Any] = {"indicators": indicators}
    if draw(st.booleans()):
        document = {"meta": draw(meta_values), **document}
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    return data_example(_dump(draw, document, suffix), suffix, "valid-2020", draw(contexts))


# ---- data files: aliases and nesting ------------------------------------------------------------


@st.composite
def alias_bombs(draw: st.DrawFn) -> Example:
    """YAML anchors and aliases, from a harmless merge key up to a billion laughs."""
    levels = draw(st.sampled_from([1, 2, 3, 4, 5, 6, 9]))
    width = draw(st.sampled_from([2, 3, 5, 9]))
    lines = ['  l0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    chain = "\n".join(lines)
    where = draw(st.sampled_from(["meta", "indicator", "reason"]))
    body = SAMPLE_TEXT.split("indicators:\n", 1)[1]
    target = f"*l{levels}"
    if where == "indicator":
        body = body.replace("[3.1, 2.7, 2.9]", target)
    elif where == "reason":
        body = body.replace(
            '{not_applicable: "区域无法定计量检定机构"}', "{not_applicable: " + target + "}", 1
        )
    text = f"meta:\n{chain}\n  district: {target}\nindicators:\n{body}"
    return data_example(text, ".yaml", f"alias-{width}^{levels}", None)


@st.composite
def deep_nesting(draw: st.DrawFn) -> Example:
    depth = draw(st.sampled_from([10, 50, 100, 250, 300, 900, 1000, 5000]) | st.integers(1, 2000))
    suffix = draw(st.sampled_from([".yaml", ".json"]))
    form = draw(st.sampled_from(["list", "map", "block"] if suffix == ".yaml" else ["list", "map"]))
    if form == "list":
        nested = "[" * depth + "1" + "]" * depth
    elif form == "map":
        key = "a: " if suffix == ".yaml" else '"a": '
        nested = ("{" + key) * depth + "1" + "}" * depth
    else:
        nested = (
            "\n" + "".join("  " * (i + 2) + "a:\n" for i in range(depth)) + "  " * (depth + 2) + "1"
        )
    where = draw(st.sampled_from(["meta", "indicator"]))
    if suffix == ".yaml":
        body = SAMPLE_TEXT
        if where == "meta":
            body = body.replace("meta:\n", f"meta:\n  deep: {nested}\n", 1)
        else:
            body = body.replace("[3.1, 2.7, 2.9]", nested)
    else:
        body = SAMPLE_JSON.replace('"meta": {', '"meta": {\n    "deep": ' + nested + ",", 1)
        if where == "indicator":
            body = SAMPLE_JSON.replace("[3.1, 2.7, 2.9]", nested)
    return data_example(body, suffix, f"nesting-{form}-{depth}", None)


def data_examples() -> st.SearchStrategy[Example]:
    return st.one_of(
        sample_mutations(),
        sample_mutations(),
        generated_structures(),
        valid_2020_data(),
        valid_2020_data(),
        alias_bombs(),
        deep_nesting(),
    )


# ---- rubric texts -------------------------------------------------------------------------------

RUBRIC_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\["\\])*"|#[^\n]*|\s+|-?[0-9]+(?:\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*'
    r"|>=|<=|==|!=|.",
    re.S,
)
KEYWORDS = (
    "rubric year base bonus indicators category group item cap when always per of max scaled by "
    "highest veto not and or true false last previous decreasing increasing bool count percent "
    "score amount number series enum na"
).split()
RUBRIC_NUMBERS = [
    *HUGE_NUMBERS[:7],
    "1" + "0" * 58,
    "1" + "0" * 4400,
    "0",
    "-1",
    "-0",
    "100000000000000000000.5",
    "0.000000000000000000000000000001",
    "1000000",
    "4301",
]
RUBRIC_TOKENS = [
    *KEYWORDS,
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    ">=",
    "==",
    "!=",
    "<",
    "(" * 600,
    ")" * 600,
    "not " * 600,
    "(a and " * 50,
    '"',
    "\\",
    "#",
    "\n",
    "\u2028",
    "\u2029",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\ufeff",
    "\x1b[2J",
    "\u202e",
    "a" * 10_000,
    "é",
    "名称",
    "1a",
]


def _string_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def _mutate_rubric(draw: st.DrawFn, text: str, count: st.SearchStrategy[int]) -> str:
    tokens = RUBRIC_TOKEN.findall(text)
    for _ in range(draw(count)):
        if not tokens:
            tokens = [""]
        at = draw(st.integers(0, len(tokens) - 1))
        operation = draw(
            st.sampled_from(["insert", "delete", "swap", "duplicate", "string", "string", "number"])
        )
        if operation == "insert":
            tokens.insert(at, draw(st.sampled_from(RUBRIC_TOKENS) | st.sampled_from(NASTY_CHARS)))
        elif operation == "delete":
            del tokens[at]
        elif operation == "swap":
            other = draw(st.integers(0, len(tokens) - 1))
            tokens[at], tokens[other] = tokens[other], tokens[at]
        elif operation == "duplicate":
            tokens.insert(at, tokens[at])
        else:
            kind = '"' if operation == "string" else "0123456789-"
            places = [i for i, t in enumerate(tokens) if t and t[0] in kind]
            if places:
                where = draw(st.sampled_from(places))
                if operation == "string":
                    tokens[where] = _string_literal(draw(nasty_text))
                else:
                    tokens[where] = draw(st.sampled_from(RUBRIC_NUMBERS))
    return "".join(tokens)


def rubric_example(
    text: str,
    origin: str,
    data: Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
    context: int | None = None,
) -> Example:
    return Example("rubric", (text, data, meta, context), origin)


@st.composite
def rubric_2020_mutations(draw: st.DrawFn) -> Example:
    text = draw(_mutate_rubric(RUBRIC_TEXT, st.integers(1, 4)))
    return rubric_example(text, "2020-mutation")


@st.composite
def generated_rubrics(draw: st.DrawFn) -> Example:
    """A valid generated rubric with its data; its wording made nasty; maybe mutated."""
    case = draw(rubric_strategies.rubric_cases())
    text = case.text
    data = dict(case.data)
    mutations = draw(st.sampled_from([0, 0, 0, 1, 2, 3]))
    # nasty wording keeps the rubric valid: only the strings change
    tokens = RUBRIC_TOKEN.findall(text)
    strings = [i for i, t in enumerate(tokens) if t.startswith('"')]
    for where in draw(st.lists(st.sampled_from(strings), max_size=4)) if strings else []:
        tokens[where] = _string_literal(draw(nasty_text.filter(lambda s: "\n" not in s)))
    text = "".join(tokens)
    if mutations:
        text = draw(_mutate_rubric(text, st.just(mutations)))
    for name, value in list(data.items()):
        if isinstance(value, dict) and draw(st.booleans()):
            data[name] = {"not_applicable": draw(nasty_text.filter(str.strip))}
    meta = draw(st.none() | meta_values)
    origin = "generated" if not mutations else "generated-mutation"
    return rubric_example(text, origin, data, meta, draw(contexts))


DEEP_TEMPLATE = """rubric "deep"
year 2020
base 10
indicators {
  a: bool
  n: count
  p: percent or na
}
category "c" 10 {
  item 1 "i" 10 {
    %s
  }
}
"""


@st.composite
def deep_conditions(draw: st.DrawFn) -> Example:
    depth = draw(
        st.sampled_from([1, 10, 100, 200, 300, 330, 400, 480, 490, 500, 1000, 5000])
        | st.integers(1, 1500)
    )
    form = draw(st.sampled_from(["and", "not", "parens", "alternate", "flat", "compare"]))
    if form == "and":
        condition = "(a and " * depth + "a" + ")" * depth
    elif form == "not":
        condition = "not " * depth + "a"
    elif form == "parens":
        condition = "(" * depth + "a" + ")" * depth
    elif form == "alternate":
        condition = "".join(f"(a {'and' if i % 2 else 'or'} " for i in range(depth))
        condition += "not a" + ")" * depth
    elif form == "flat":
        condition = " and ".join(["a"] * depth)
    else:
        condition = " or ".join(f"n >= {i}" for i in range(depth))
    place = draw(st.sampled_from(["rule", "veto", "tier"]))
    if place == "rule":
        rule = f'10 when {condition} "deep"'
    elif place == "veto":
        rule = f'10 always "x"\n    veto when {condition} "deep"'
    else:
        rule = f'highest "t" {{\n      10 when {condition} "deep"\n    }}'
    return rubric_example(DEEP_TEMPLATE % rule, f"deep-{form}-{depth}", context=draw(contexts))


NUMBER_TEMPLATE = """rubric "numbers"
year {year}
base {base}
bonus {bonus}
indicators {{
  n: count or na
  p: percent
  s: series({length})
}}
category "c" {category} {{
  item 1 "i" {points} cap {cap} {{
    {points} when p >= {constant} "fixed"
    {unit} per {step} of n max {maximum} "per unit"
    1 when decreasing(s) "trend"
  }}
}}
"""


@st.composite
def huge_numbers(draw: st.DrawFn) -> Example:
    slots = [
        "year",
        "base",
        "bonus",
        "length",
        "category",
        "points",
        "cap",
        "constant",
        "unit",
        "step",
        "maximum",
    ]
    values = {
        "year": "2020",
        "base": "10",
        "bonus": "0",
        "length": "3",
        "category": "10",
        "points": "10",
        "cap": "10",
        "constant": "90",
        "unit": "1",
        "step": "1",
        "maximum": "5",
    }
    numbers = st.sampled_from(RUBRIC_NUMBERS) | st.integers(-(10**70), 10**70).map(str)
    for slot in draw(st.lists(st.sampled_from(slots), min_size=1, max_size=3, unique=True)):
        values[slot] = draw(numbers)
    if draw(st.integers(0, 19)) == 0:  # rarely: points of 100,000 digits
        values[draw(st.sampled_from(slots))] = "1" + "0" * 100_000
    origin = "numbers-" + ",".join(k for k in slots if values[k] != "10")
    return rubric_example(NUMBER_TEMPLATE.format(**values), origin, context=draw(contexts))


def rubric_examples() -> st.SearchStrategy[Example]:
    return st.one_of(
        rubric_2020_mutations(),
        generated_rubrics(),
        generated_rubrics(),
        deep_conditions(),
        huge_numbers(),
    )


# ---- the command line ---------------------------------------------------------------------------

BAD_BYTES = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80", b"\xf4\x90\x80\x80", b"\x00"]


@st.composite
def _as_bytes(draw: st.DrawFn, text: str) -> bytes:
    how = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "bom", "bad", "gbk", "utf-16"]))
    raw = text.encode("utf-8", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + raw
    if how == "bad" and raw:
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.sampled_from(BAD_BYTES)) + raw[at:]
    if how in ("gbk", "utf-16"):
        return text.encode(how, "replace")
    return raw


@st.composite
def cli_examples(draw: st.DrawFn) -> Example:
    source = draw(st.sampled_from(["data", "data", "generated", "rubric"]))
    output_format = draw(st.sampled_from(["text", "json"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "gbk", "ascii"]))
    command = "check" if draw(st.integers(0, 9)) == 0 else "score"
    if source == "data":
        example = draw(data_examples())
        text, suffix = example.args[0], example.args[1]
        rubric = None
        origin = example.origin
    elif source == "generated":
        example = draw(generated_rubrics())
        rubric_text, data, meta = example.args[0], example.args[1], example.args[2]
        document = {"indicators": data, **({"meta": meta} if meta else {})}
        suffix = draw(st.sampled_from([".yaml", ".json"]))
        text = _dump(draw, document, suffix)
        rubric = draw(_as_bytes(rubric_text))
        origin = example.origin
    else:
        example = draw(rubric_examples())
        rubric = draw(_as_bytes(example.args[0]))
        text, suffix = SAMPLE_TEXT, ".yaml"
        origin = example.origin
    suffix = draw(st.sampled_from([suffix, suffix, suffix, ".txt", ".yml"]))
    case = CliCase(
        data=draw(_as_bytes(text)),
        data_suffix=suffix,
        rubric=rubric,
        output_format=output_format,
        encoding=encoding,
        command=command,
    )
    return Example("cli", (case,), f"cli-{origin}")


STRATEGIES: dict[str, Callable[[], st.SearchStrategy[Example]]] = {
    "data": data_examples,
    "rubric": rubric_examples,
    "cli": cli_examples,
}


def describe(example: Example) -> str:
    first = example.args[0]
    if isinstance(first, CliCase):
        first = first.data
    shown = repr(first)
    return f"{example.origin}: {shown[:160]}{'...' if len(shown) > 160 else ''}"
