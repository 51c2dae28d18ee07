"""A district's data file (YAML, JSON or a workbook written by `rubricdsl template`): indicators,
meta, 合理缺项 reports and evidence, numbers read as exact decimals."""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, localcontext
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from rubricdsl.errors import (
    IndicatorError,
    IndicatorProblem,
    RubricArgumentError,
    RubricError,
    more_problems,
)
from rubricdsl.escape import clip, escape, escape_block, shown
from rubricdsl.exact import EXACT
from rubricdsl.files import path_text, read_text
from rubricdsl.i18n import _
from rubricdsl.inputs import closest
from rubricdsl.limits import (
    DEFAULT_LIMITS,
    TOO_LARGE,
    Limits,
    decimal_problem,
    looks_like_number,
    number_text_problem,
)


class _Lazy:
    """A module imported when first used: PyYAML (~20 ms) only when a YAML file is read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        value = getattr(module, attribute)
        # kept here: __getattr__ runs only for what is not, and a reader asks for the same
        # few names at every event of a file
        setattr(self, attribute, value)
        return value


if TYPE_CHECKING:
    import yaml
else:
    yaml = _Lazy("yaml")

TOP_LEVEL_KEYS = ("indicators", "meta", "not_applicable", "evidence", "overrides")


class DataFileError(RubricError):
    """The data file cannot be read, or is not a mapping with `indicators:` (optional `meta:`)."""


class _DataProblemError(Exception):
    """Internal: something wrong in the data file, with its place when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column

    def located(self, source_name: str) -> str:
        where = source_name
        if self.line:
            where += f":{self.line}:{self.column}" if self.column else f":{self.line}"
        return f"{where}: {self}"


def _at(mark: Any) -> dict[str, int]:
    # A Mark from PyYAML's Python parser or from libyaml's: both have line and column.
    return {"line": mark.line + 1, "column": mark.column + 1} if mark is not None else {}


@attrs.frozen
class DataFile:
    indicators: Mapping[str, object]
    meta: Mapping[str, object]
    # items (groups, categories) the district reports 合理缺项 as a whole: id → reason
    not_applicable: Mapping[object, object] = attrs.Factory(dict)
    # indicator → the references that back its value (document numbers, file names, links)
    evidence: Mapping[str, tuple[str, ...]] = attrs.Factory(dict)
    # reviewers' overrides as written (`overrides:`); evaluate checks them against the rubric
    overrides: tuple[Any, ...] = ()  # anything: evaluate says what is wrong with each


def _check_events(text: str, limits: Limits) -> None:
    """The nesting and what aliases repeat, checked on the parser's events before any node is
    composed: composing recurses once per level, and a "billion laughs" file is small until
    its aliases are expanded. Counts, for each anchor, the values it stands for."""
    loader = _exact_loader()(text)
    try:
        open_counts: list[tuple[int, str | None]] = []  # values so far in each open collection
        anchored: dict[str, int] = {}
        repeated = 0
        while loader.check_event():
            event = loader.get_event()
            size = 0
            if isinstance(event, yaml.CollectionStartEvent):
                if len(open_counts) >= limits.max_data_depth:
                    raise _DataProblemError(too_deep(limits), **_at(event.start_mark))
                open_counts.append((1, event.anchor))
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                size, anchor = open_counts.pop()
            elif isinstance(event, yaml.ScalarEvent):
                size, anchor = 1, event.anchor
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchored:
                    raise _DataProblemError(
                        _(
                            "an alias refers to an anchor not yet complete (the list or mapping "
                            "it is inside) or never defined"
                        ),
                        **_at(event.start_mark),
                    )
                size, anchor = anchored[event.anchor], None
                repeated += size
                if repeated > limits.max_alias_nodes:
                    raise _DataProblemError(
                        _(
                            "aliases (*name) repeat more than {most} values; a data file needs "
                            "only a few (is this a 'billion laughs' file?)"
                        ).format(most=f"{limits.max_alias_nodes:,}"),
                        **_at(event.start_mark),
                    )
            else:
                continue
            if anchor is not None:
                anchored[anchor] = size
            if open_counts:
                count, open_anchor = open_counts[-1]
                open_counts[-1] = (count + size, open_anchor)
    finally:
        loader.dispose()


def too_deep(limits: Limits) -> str:
    return _("lists and mappings are nested more than {depth} deep").format(
        depth=limits.max_data_depth
    )


def _refuse(loader: Any, node: yaml.Node) -> None:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise _DataProblemError(
        _("{tag} values are not allowed in a data file").format(tag=tag), **_at(node.start_mark)
    )


def _construct_float(loader: Any, node: yaml.ScalarNode) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return float(loader.construct_yaml_float(node))
    return _decimal(text, node.start_mark, loader.limits)


def _decimal(text: str, mark: yaml.Mark | None, limits: Limits) -> Decimal:
    """A number as the exact Decimal written, once its digits and exponent are within limits."""
    if not looks_like_number(text):
        raise _DataProblemError(
            _("{value} is not a number").format(value=shown(text, 40)), **_at(mark)
        )
    problem = number_text_problem(text, limits, _)
    if problem is None:
        with localcontext(EXACT):
            value = Decimal(text)
        english = decimal_problem(value, limits) if not value.is_zero() else None
        if english is None or english == TOO_LARGE:
            return value  # a large value is reported by the validator, with its indicator
        problem = decimal_problem(value, limits, _)
    assert problem is not None  # either check found something
    raise _DataProblemError(number_problem(shown(text, 40), problem), **_at(mark))


def number_problem(number: str, problem: str) -> str:
    return _("the number {number} {problem}").format(number=number, problem=problem)


def _construct_mapping(loader: Any, node: yaml.Node) -> dict[Any, Any]:
    if not isinstance(node, yaml.MappingNode):  # `!!map` on a text or a list
        raise _DataProblemError(_("tagged !!map but is not a mapping"), **_at(node.start_mark))
    written = sum(1 for key, _value in node.value if key.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # puts the pairs merged in with <<: first, then those written
    merged = len(node.value) - written
    mapping: dict[Any, Any] = {}
    seen: set[Any] = set()
    for position, (key_node, value_node) in enumerate(node.value):
        if not isinstance(key_node, yaml.ScalarNode):
            raise _DataProblemError(
                _("a key must be a name, not a list or a mapping"), **_at(key_node.start_mark)
            )
        key = loader.construct_object(key_node, deep=True)
        if position >= merged:  # a key merged in may be overridden; one written twice may not
            if key in seen:
                raise _DataProblemError(given_twice(str(key)), **_at(key_node.start_mark))
            seen.add(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int | str:
    """Whole numbers in decimal only: YAML 1.1 would read 010 as 8 and 1:30 as 90."""
    text = str(loader.construct_scalar(node))
    digits = text.replace("_", "")
    if digits.lstrip("+-").isdigit():
        problem = number_text_problem(digits, loader.limits, _)
        if problem is not None:
            raise _DataProblemError(
                number_problem(shown(digits, 40), problem), **_at(node.start_mark)
            )
        return int(digits, 10)
    return text  # 0x1F, 0b101, 1:30 stay text, and the validator says it is not a number


def _construct_bool(loader: Any, node: yaml.ScalarNode) -> bool | str:
    """Only true / false are bools: YAML 1.1 would read yes, no, on and off as bools too."""
    text = str(loader.construct_scalar(node))
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, TypeError, AttributeError, OverflowError):
        text = shown(str(node.value), 40)
        raise _DataProblemError(
            _("{text} is not a valid date").format(text=text), **_at(node.start_mark)
        ) from None


@functools.cache
def _exact_loader() -> Any:
    """PyYAML's loader with the constructors below: made when a YAML text is first read, so that
    importing rubricdsl does not import PyYAML."""

    class _ExactConstructor(yaml.constructor.SafeConstructor):
        """YAML's safe constructor, with floats read as the Decimal they were written as and
        duplicate keys refused (PyYAML would silently keep the last)."""

        limits: Limits = DEFAULT_LIMITS

    # libyaml's parser (shipped in PyYAML's wheels) reads a file ten times faster than the
    # pure-Python one; both give the same events and nodes, and both go through the
    # constructors below.
    if yaml.__with_libyaml__:

        class _ExactLoader(yaml._yaml.CParser, _ExactConstructor, yaml.resolver.Resolver):
            def __init__(self, stream: str) -> None:
                yaml._yaml.CParser.__init__(self, stream)
                _ExactConstructor.__init__(self)
                yaml.resolver.Resolver.__init__(self)

    else:  # pragma: no cover - only where PyYAML was built without libyaml

        class _ExactLoader(  # type: ignore[no-redef]
            yaml.reader.Reader,
            yaml.scanner.Scanner,
            yaml.parser.Parser,
            yaml.composer.Composer,
            _ExactConstructor,
            yaml.resolver.Resolver,
        ):
            def __init__(self, stream: str) -> None:
                yaml.reader.Reader.__init__(self, stream)
                yaml.scanner.Scanner.__init__(self)
                yaml.parser.Parser.__init__(self)
                yaml.composer.Composer.__init__(self)
                _ExactConstructor.__init__(self)
                yaml.resolver.Resolver.__init__(self)

    # Numbers as people write them that YAML 1.1 leaves as text: -.5, +.5, 1e+1, 1.5E3, 1e3.
    # (Plain whole numbers are resolved as ints first; the float constructor reads these exactly.)
    _ExactLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?$"),
        list("-+0123456789."),
    )
    _ExactConstructor.add_constructor("tag:yaml.org,2002:float", _construct_float)
    _ExactConstructor.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _ExactConstructor.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    _ExactConstructor.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _ExactConstructor.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    for _tag in ("binary", "set", "omap", "pairs"):
        _ExactConstructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse)
    return _ExactLoader


def given_twice(key: str) -> str:
    return _("'{key}' is given twice").format(key=shown(key))


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DataProblemError(given_twice(key))
        mapping[key] = value
    return mapping


def _json_loads(text: str, limits: Limits) -> object:
    def whole(digits: str) -> int:
        problem = number_text_problem(digits, limits, _)
        if problem is not None:
            raise _DataProblemError(number_problem(shown(digits, 40), problem))
        return int(digits)

    try:
        return json.loads(
            text,
            parse_float=lambda digits: _decimal(digits, None, limits),
            parse_int=whole,
            object_pairs_hook=_json_object,
        )
    except RecursionError:  # json's C parser checks its depth; ours is far lower, and says so
        raise _DataProblemError(too_deep(limits)) from None


def _yaml_loads(text: str, limits: Limits) -> object:
    try:
        text.encode("utf-8")  # what a file holds always encodes; a str from a caller may not
    except UnicodeEncodeError as problem:
        line = text.count("\n", 0, problem.start) + 1
        raise _DataProblemError(
            _("{character} is not a character (a lone surrogate)").format(
                character=escape(text[problem.start])
            ),
            line=line,
        ) from None
    _check_events(text, limits)
    loader = _exact_loader()(text)
    loader.limits = limits
    try:
        return loader.get_single_data()  # a safe loader: no arbitrary objects
    finally:
        loader.dispose()


def _check_values(document: object, limits: Limits) -> None:
    """Every list and mapping within the depth limit, every key and text within its length."""
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > limits.max_text_length:
                raise _DataProblemError(
                    _("a text of {length} characters ({text}); at most {most} are allowed").format(
                        length=f"{len(value):,}",
                        text=shown(value, 40),
                        most=f"{limits.max_text_length:,}",
                    )
                )
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > limits.max_data_depth:
            raise _DataProblemError(too_deep(limits))
        if isinstance(value, list):
            stack.extend((element, depth + 1) for element in value)
            continue
        for key, element in value.items():
            if isinstance(key, str) and len(key) > limits.max_name_length:
                raise _DataProblemError(
                    _("a key of {length} characters ({text}); names have at most {most}").format(
                        length=f"{len(key):,}",
                        text=shown(key, 40),
                        most=f"{limits.max_name_length:,}",
                    )
                )
            stack.append((element, depth + 1))


def read_yaml(
    text: str, source_name: str, error: type[RubricError], limits: Limits = DEFAULT_LIMITS
) -> object:
    """A YAML document read as a data file is (exact decimals, duplicate keys refused, nesting,
    aliases and text lengths within the limits), for the other files rubricdsl reads in YAML
    (rubric test cases); `error` says what is wrong, with the file's name and place."""
    name = escape(clip(source_name, 300))
    try:
        document = _yaml_loads(text, limits)
        _check_values(document, limits)
    except _DataProblemError as problem:
        raise error(problem.located(name)) from None
    except yaml.YAMLError as problem:
        raise error(f"{name}: not valid YAML: {escape_block(clip(str(problem), 1000))}") from None
    return document


def parse_data(text: str, source_name: str, limits: Limits = DEFAULT_LIMITS) -> DataFile:
    """Parse a data file's text: JSON when the name ends in .json, YAML otherwise."""
    if not isinstance(text, str):
        raise RubricArgumentError(
            f"data text must be str, not {type(text).__name__}: decode it first"
        )
    if not isinstance(source_name, str):
        raise RubricArgumentError(f"source_name must be str, not {type(source_name).__name__}")
    name = escape(clip(source_name, 300))
    if len(text) > limits.max_file_bytes:
        raise DataFileError(
            _("{file}: {length} characters, over the limit of {most} (see docs/limits.md)").format(
                file=name, length=f"{len(text):,}", most=f"{limits.max_file_bytes:,}"
            )
        )
    try:
        if source_name.endswith(".json"):
            document = _json_loads(text, limits)
        else:
            document = _yaml_loads(text, limits)
        _check_values(document, limits)
    except _DataProblemError as problem:
        raise DataFileError(problem.located(name)) from None
    except json.JSONDecodeError as error:
        where = f"{name}:{error.lineno}:{error.colno}"
        raise DataFileError(
            _("{place}: not valid JSON: {reason}").format(place=where, reason=error.msg)
        ) from None
    except yaml.YAMLError as error:
        reason = escape_block(clip(str(error), 1000))
        raise DataFileError(
            _("{file}: not valid YAML: {reason}").format(file=name, reason=reason)
        ) from None
    return _shape(document, name, lambda path: _place(text, path), limits)


def _shape(
    document: object,
    source_name: str,
    place: _Locator = lambda path: None,
    limits: Limits = DEFAULT_LIMITS,
) -> DataFile:
    if not isinstance(document, Mapping):
        raise DataFileError(
            _("{file}: expected a mapping with 'indicators:' (and optional 'meta:')").format(
                file=source_name
            )
        )
    unknown = [shown(str(key), 40) for key in document if key not in TOP_LEVEL_KEYS]
    if unknown:
        if len(unknown) > 5:
            message = _(
                "{file}: unknown top-level key(s) {keys} and {more} more; expected "
                "'indicators:' and optional 'meta:', 'not_applicable:', 'evidence:' and "
                "'overrides:'"
            )
        else:
            message = _(
                "{file}: unknown top-level key(s) {keys}; expected 'indicators:' and optional "
                "'meta:', 'not_applicable:', 'evidence:' and 'overrides:'"
            )
        raise DataFileError(
            message.format(
                file=source_name, keys=", ".join(unknown[:5]), more=f"{len(unknown) - 5:,}"
            )
        )
    indicators = document.get("indicators")
    if not isinstance(indicators, Mapping):
        raise DataFileError(
            _("{file}: 'indicators:' must be a mapping of names to values").format(file=source_name)
        )
    meta = document.get("meta")
    if meta is None:  # no meta, or `meta:` left empty
        meta = {}
    if not isinstance(meta, Mapping):
        raise DataFileError(
            _("{file}: 'meta:' must be a mapping (district, year, …)").format(file=source_name)
        )
    reported = document.get("not_applicable")
    if reported is None:
        reported = {}
    if not isinstance(reported, Mapping):
        raise DataFileError(
            _("{file}: 'not_applicable:' must be a mapping of item ids to reasons").format(
                file=source_name
            )
        )
    evidence = _evidence(document.get("evidence"), source_name, place, limits)
    overrides = document.get("overrides")
    if overrides is None:  # none, or `overrides:` left empty
        overrides = []
    if not isinstance(overrides, list):
        raise DataFileError(
            _(
                "{file}: 'overrides:' must be a list of reviewers' overrides, each with item:, "
                "points:, by:, on: and reason: (see docs/overrides.md)"
            ).format(file=source_name)
        )
    return DataFile(
        indicators=dict(indicators),
        meta=dict(meta),
        not_applicable=dict(reported),
        evidence=evidence,
        overrides=tuple(overrides),
    )


# ---- evidence: references (document numbers, file names, links) that back a value ----------

# Where a value is written: a path of keys and list positions from the top of the document
# (a path ending in _KEY for the key itself) → (line, column), or None when unknown.
_Locator = Callable[[tuple[object, ...]], "tuple[int, int] | None"]


class _Key:
    """The last step of a path that means the key, not its value."""


_KEY = _Key()


def _evidence(
    given: object, source_name: str, place: _Locator, limits: Limits
) -> dict[str, tuple[str, ...]]:
    """The `evidence:` section checked: each indicator name mapped to one reference (a line of
    text) or a list of them. Every problem is listed at once, each with its line and column."""
    if given is None:  # no evidence, or `evidence:` left empty
        return {}
    problems: list[str] = []

    def problem(path: tuple[object, ...], message: str) -> None:
        where = source_name
        found = place(("evidence", *path))
        if found is not None:
            where += f":{found[0]}:{found[1]}"
        problems.append(f"{where}: {message}")

    if not isinstance(given, Mapping):
        problem((), _("'evidence:' must be a mapping of indicator names to references"))
        raise DataFileError(problems[0])
    found: dict[str, tuple[str, ...]] = {}
    for key, value in given.items():
        if not isinstance(key, str):
            problem(
                (key, _KEY),
                _("evidence: {key} is not an indicator name").format(key=shown(str(key), 40)),
            )
            continue
        name = shown(key, 80)
        if isinstance(value, str):
            references: list[tuple[tuple[object, ...], object]] = [((key,), value)]
        elif isinstance(value, list):
            if not value:
                problem(
                    (key,),
                    _(
                        "evidence for '{name}': an empty list; give a reference or leave the "
                        "name out"
                    ).format(name=name),
                )
            references = [((key, position), element) for position, element in enumerate(value)]
        else:
            problem((key,), _reference_problem(name, value))
            continue
        kept: list[str] = []
        for path, reference in references:
            if isinstance(reference, str) and reference.strip() and not _BREAKS & set(reference):
                kept.append(reference.strip())
            else:
                problem(path, _reference_problem(name, reference))
        if kept and len(kept) == len(references):
            found[key] = tuple(kept)
    if problems:
        shown_problems = problems[: limits.max_problems]
        if len(problems) > len(shown_problems):
            shown_problems.append(more_problems(len(shown_problems), len(problems)))
        raise DataFileError("\n".join(shown_problems))
    return found


# Line breaks: a reference is one line (Python's str.splitlines breaks at each of these).
LINE_BREAKS = "\n\r\u2028\u2029\x85\x0b\x0c"
_BREAKS = frozenset(LINE_BREAKS)


def _reference_problem(name: str, reference: object) -> str:
    """What is wrong with one reference of the evidence for `name`, in a whole sentence."""
    if reference is None:
        message = _(
            "evidence for '{name}': left empty; give a document number, a file name or a link, "
            "or leave it out"
        )
    elif isinstance(reference, str):
        if not reference.strip():
            message = _(
                "evidence for '{name}': an empty reference; give a document number, a file name "
                "or a link"
            )
        else:
            message = _("evidence for '{name}': a reference is one line; give several as a list")
    elif isinstance(reference, bool):
        message = _(
            "evidence for '{name}': {value} is true/false, not a reference: give a document "
            'number, a file name or a link as text (quote a number: "25")'
        )
    elif isinstance(reference, (int, float, Decimal)):
        message = _(
            "evidence for '{name}': {value} is a number, not a reference: give a document "
            'number, a file name or a link as text (quote a number: "25")'
        )
    elif isinstance(reference, Mapping):
        message = _(
            "evidence for '{name}': {value} is a mapping, not a reference: give a document "
            'number, a file name or a link as text (quote a number: "25")'
        )
    elif isinstance(reference, list):
        message = _(
            "evidence for '{name}': {value} is a list, not a reference: give a document "
            'number, a file name or a link as text (quote a number: "25")'
        )
    else:
        message = _(
            "evidence for '{name}': {value} is not text, not a reference: give a document "
            'number, a file name or a link as text (quote a number: "25")'
        )
    return message.format(name=name, value=shown(str(reference), 40))


def _place(text: str, path: tuple[object, ...]) -> tuple[int, int] | None:
    """Where the value at `path` is written in a YAML (or JSON) text, composed again only when a
    problem needs its place; None when it cannot be found."""
    wants_key = bool(path) and path[-1] is _KEY
    steps = path[:-1] if wants_key else path
    loader = _exact_loader()(text)
    try:
        node = loader.get_single_node()
        for index, step in enumerate(steps):
            if isinstance(node, yaml.MappingNode):
                pairs = [
                    (key, value)
                    for key, value in node.value
                    if isinstance(key, yaml.ScalarNode)
                    and loader.construct_object(key, deep=True) == step
                ]
                if not pairs:
                    return None
                key_node, value_node = pairs[-1]
                node = key_node if wants_key and index == len(steps) - 1 else value_node
            elif (
                isinstance(node, yaml.SequenceNode)
                and type(step) is int
                and 0 <= step < len(node.value)
            ):
                node = node.value[step]
            else:
                return None
        mark = _at(node.start_mark) if node is not None else {}
        return (mark["line"], mark["column"]) if mark else None
    except Exception:  # a place is a nicety: the message stands without it
        return None
    finally:
        loader.dispose()


def check_evidence(
    evidence: Mapping[str, object], known_names: Iterable[str], limits: Limits = DEFAULT_LIMITS
) -> None:
    """Evidence given for a name no rubric declares is an IndicatorError naming each such
    name (`evidence '<name>'`) with the closest declared one; nothing happens otherwise."""
    known = list(known_names)
    known_set = set(known)
    problems: list[IndicatorProblem] = []
    omitted = 0
    for name in evidence:
        if name in known_set:
            continue
        if len(problems) >= limits.max_problems:
            omitted += 1
            continue
        close = closest(name, known, limits)
        if close:
            message = _(
                "evidence for an indicator no rubric declares; did you mean '{name}'?"
            ).format(name=close)
        else:
            message = _("evidence for an indicator no rubric declares")
        problems.append(IndicatorProblem(f"evidence '{clip(name, 80)}'", message))
    if problems:
        raise IndicatorError(problems, omitted)


# Spreadsheets rubricdsl cannot read, and what to do instead.
_OTHER_SPREADSHEETS = (".xls", ".xlsb", ".ods", ".et", ".numbers")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def read_data(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> DataFile:
    """Read a district's data file from disk (a regular file within the size limit): a
    workbook written by `rubricdsl template` when the name ends in .xlsx, JSON in .json, YAML
    otherwise."""
    name = path_text(path, "data file")
    suffix = os.path.splitext(name)[1].lower()
    if suffix in WORKBOOK_SUFFIXES:
        from rubricdsl.workbook import read_workbook  # openpyxl is loaded only when needed

        return read_workbook(path, limits)
    if suffix in _OTHER_SPREADSHEETS:
        raise DataFileError(
            _(
                "{file}: rubricdsl reads workbooks in the .xlsx format only; save this one as an "
                "Excel Workbook (.xlsx)"
            ).format(file=escape(clip(name, 300)))
        )
    text = read_text(path, "data file", DataFileError, limits)
    return parse_data(text, os.fspath(path), limits)
