"""A JSON Schema (draft 2020-12) of the data file a set of rubrics accepts, for other tools."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rubricdsl.api import Rubric
from rubricdsl.campaign import shared_indicators
from rubricdsl.datafile import LINE_BREAKS
from rubricdsl.errors import RubricError
from rubricdsl.inputs import NA_KEY
from rubricdsl.limits import DEFAULT_LIMITS, LARGEST, Limits
from rubricdsl.model import IndicatorSpec
from rubricdsl.readers import merged_readers

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Text that is not blank: the reasons and references rubricdsl strips and refuses when empty.
_NOT_BLANK = r"\S"
# A reference is one line: none of the line breaks str.splitlines knows, as regex escapes.
_LINE_BREAKS = "".join(f"\\u{ord(c):04x}" for c in LINE_BREAKS)


def data_schema(rubrics: Sequence[Rubric], limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The JSON Schema of a data file (YAML or JSON) the rubrics accept: every indicator they
    declare, with its type and range (`or na` ones may be {"not_applicable": "<reason>"}),
    `meta`, the `not_applicable` reports they allow and `evidence` for declared indicators.
    What it refuses, rubricdsl refuses too; rubricdsl also applies the limits of
    docs/limits.md (digits, nesting, file size), which a schema cannot say."""
    rubrics = tuple(rubrics)
    if not rubrics:
        raise RubricError("no rubric given")
    # a derived indicator is computed, never filled in
    specs = {n: s for n, s in shared_indicators(rubrics).items() if not s.derived}
    read_by = merged_readers(rubrics)
    text = {"type": "string", "pattern": _NOT_BLANK, "maxLength": limits.max_text_length}
    reference = {
        "type": "string",
        "pattern": _NOT_BLANK,
        "not": {"pattern": f"[{_LINE_BREAKS}]"},
        "maxLength": limits.max_text_length,
        "description": "a document number, a file name or a link, on one line",
    }
    not_applicable = {
        "type": "object",
        "description": "合理缺项: the indicator does not apply to the district, for this reason",
        "properties": {NA_KEY: {"$ref": "#/$defs/reason"}},
        "required": [NA_KEY],
        "additionalProperties": False,
    }
    indicators = {name: _indicator(spec, read_by.get(name, ())) for name, spec in specs.items()}
    reportable: dict[str, dict[str, Any]] = {}
    for rubric in rubrics:
        for name, where in rubric.reportable.items():
            reportable.setdefault(
                name, {"$ref": "#/$defs/reason", "description": f"{where} (na allowed)"}
            )
    evidence = {
        name: {
            "description": f"what backs the value of {name}",
            "anyOf": [
                {"$ref": "#/$defs/reference"},
                {"type": "array", "items": {"$ref": "#/$defs/reference"}, "minItems": 1},
            ],
        }
        for name in specs
    }
    titles = " / ".join(rubric.title for rubric in rubrics)
    return {
        "$schema": DRAFT,
        "title": f"rubricdsl data file for {titles}",
        "description": (
            "A district's data for the rubrics: a value for every indicator they declare, "
            "numbers as written (exact decimals). Read by `rubricdsl score`."
        ),
        "type": "object",
        "properties": {
            "indicators": {
                "type": "object",
                "properties": indicators,
                "required": list(specs),
                "additionalProperties": False,
            },
            "meta": {
                "type": ["object", "null"],
                "description": "about the data: district, year, who filled it in, …",
            },
            "not_applicable": {
                "type": ["object", "null"],
                "description": (
                    "items (by id), groups and categories (by title) the district reports "
                    "合理缺项 as a whole, each with its reason"
                ),
                "properties": reportable,
                "additionalProperties": False,
            },
            "evidence": {
                "type": ["object", "null"],
                "description": "references that back an indicator's value, shown beside it",
                "properties": evidence,
                "additionalProperties": False,
            },
            "overrides": {
                "type": ["array", "null"],
                "description": (
                    "reviewers' overrides of a rule's or an item's points on site (现场评审); "
                    "rubricdsl checks each against the rubric (see docs/overrides.md)"
                ),
                "items": {
                    "type": "object",
                    "properties": {
                        "item": {"type": ["string", "integer"]},
                        "rule": {"type": "integer", "minimum": 1},
                        "points": {"type": ["number", "string"]},
                        "by": {"$ref": "#/$defs/reason"},
                        "on": {"type": "string", "format": "date"},
                        "reason": {"$ref": "#/$defs/reason"},
                    },
                    "required": ["item", "points", "by", "on", "reason"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["indicators"],
        "additionalProperties": False,
        "$defs": {
            "reason": text,
            "reference": reference,
            "not_applicable": not_applicable,
        },
    }


def _indicator(spec: IndicatorSpec, read_by: Sequence[str]) -> dict[str, Any]:
    value = _value(spec)
    described = spec.describe() + (f"; read by {', '.join(read_by)}" if read_by else "")
    schema: dict[str, Any] = (
        {"oneOf": [value, {"$ref": "#/$defs/not_applicable"}]} if spec.allows_na else value
    )
    if spec.label:
        schema["title"] = spec.label
    schema["description"] = described + ("; or not applicable (合理缺项)" if spec.allows_na else "")
    return schema


# Every number rubricdsl reads is below 10^15 in size: larger ones are typos.
_BELOW = int(LARGEST)


def _value(spec: IndicatorSpec) -> dict[str, Any]:
    kind = spec.kind
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "count":
        return {"type": "integer", "minimum": 0, "exclusiveMaximum": _BELOW}
    if kind in ("percent", "score"):
        return {"type": "number", "minimum": 0, "maximum": 100}
    if kind == "amount":
        return {"type": "number", "minimum": 0, "exclusiveMaximum": _BELOW}
    if kind == "series":
        return {
            "type": "array",
            "items": _number(),
            "minItems": spec.series_length,
            "maxItems": spec.series_length,
            "description": "yearly values, oldest first",
        }
    if kind == "enum":
        return {"type": "string", "enum": list(spec.levels)}
    return _number()


def _number() -> dict[str, Any]:
    return {"type": "number", "exclusiveMinimum": -_BELOW, "exclusiveMaximum": _BELOW}
