"""A district's data file (YAML or JSON): indicators and meta, numbers read as exact decimals."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import yaml

from rubricdsl.errors import RubricError
from rubricdsl.source import read_text

TOP_LEVEL_KEYS = ("indicators", "meta")


class DataFileError(RubricError):
    """The data file cannot be read, or is not a mapping with `indicators:` (optional `meta:`)."""


class _DuplicateKeyError(Exception):
    def __init__(self, key: object, line: int | None = None, column: int | None = None) -> None:
        super().__init__(f"'{key}' is given twice")
        self.line = line
        self.column = column

    def located(self, source_name: str) -> str:
        where = f"{source_name}:{self.line}:{self.column}" if self.line else source_name
        return f"{where}: {self}"


@attrs.frozen
class DataFile:
    indicators: Mapping[str, object]
    meta: Mapping[str, object]


class _ExactLoader(yaml.SafeLoader):
    """YAML's safe loader, with floats read as the Decimal they were written as and duplicate
    keys refused (PyYAML would silently keep the last)."""


def _construct_float(loader: _ExactLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return float(loader.construct_yaml_float(node))
    return Decimal(text)


def _construct_mapping(loader: _ExactLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            mark = key_node.start_mark
            raise _DuplicateKeyError(key, mark.line + 1, mark.column + 1)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _construct_int(loader: _ExactLoader, node: yaml.ScalarNode) -> int | str:
    """Whole numbers in decimal only: YAML 1.1 would read 010 as 8 and 1:30 as 90."""
    text = str(loader.construct_scalar(node))
    digits = text.replace("_", "")
    if digits.lstrip("+-").isdigit():
        return int(digits, 10)
    return text  # 0x1F, 0b101, 1:30 stay text, and the validator says it is not a number


def _construct_bool(loader: _ExactLoader, node: yaml.ScalarNode) -> bool | str:
    """Only true / false are bools: YAML 1.1 would read yes, no, on and off as bools too."""
    text = str(loader.construct_scalar(node))
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_ExactLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_ExactLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_ExactLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKeyError(key)
        mapping[key] = value
    return mapping


def parse_data(text: str, source_name: str) -> DataFile:
    """Parse a data file's text: JSON when the name ends in .json, YAML otherwise."""
    try:
        if source_name.endswith(".json"):
            document = json.loads(text, parse_float=Decimal, object_pairs_hook=_no_duplicates)
        else:
            document = yaml.load(text, Loader=_ExactLoader)  # a safe loader: no arbitrary objects
    except _DuplicateKeyError as error:
        raise DataFileError(error.located(source_name)) from None
    except json.JSONDecodeError as error:
        raise DataFileError(
            f"{source_name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from None
    except yaml.YAMLError as error:
        raise DataFileError(f"{source_name}: not valid YAML: {error}") from None
    return _shape(document, source_name)


def _shape(document: object, source_name: str) -> DataFile:
    if not isinstance(document, Mapping):
        raise DataFileError(
            f"{source_name}: expected a mapping with 'indicators:' (and optional 'meta:')"
        )
    unknown = [str(key) for key in document if key not in TOP_LEVEL_KEYS]
    if unknown:
        raise DataFileError(
            f"{source_name}: unknown top-level key(s) {', '.join(unknown)}; "
            "expected 'indicators:' and optional 'meta:'"
        )
    indicators = document.get("indicators")
    if not isinstance(indicators, Mapping):
        raise DataFileError(f"{source_name}: 'indicators:' must be a mapping of names to values")
    meta = document.get("meta") or {}
    if not isinstance(meta, Mapping):
        raise DataFileError(f"{source_name}: 'meta:' must be a mapping (district, year, …)")
    return DataFile(indicators=dict(indicators), meta=dict(meta))


def read_data(path: str | os.PathLike[str]) -> DataFile:
    """Read a district's data file from disk."""
    return parse_data(read_text(path, "data file", DataFileError), os.fspath(path))
