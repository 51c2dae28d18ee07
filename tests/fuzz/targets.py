"""The fuzz targets: each takes text (or bytes) and enforces the contract on what comes back.

- `data_target(text, suffix)`: a data file's text -> `parse_data` -> the 2020 rubric's
  `evaluate` -> both renderings;
- `rubric_target(text, data)`: rubric text -> `loads` -> `evaluate` on the data given and on
  data made up from the rubric's own declarations -> both renderings;
- `cli_target(case)`: `rubricdsl.cli.main([...])` in-process on files in a temporary folder,
  with stdout and stderr captured through a given encoding (utf-8, gbk, ascii).

Each returns a short word for what happened ("rejected", "indicator-error", "scored",
"exit-1"...) and raises `ContractError` (or lets a raw exception out) when the contract breaks.
"""

from __future__ import annotations

import contextlib
import decimal
import functools
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import rubricdsl
from rubricdsl import (
    DataFileError,
    IndicatorError,
    RubricCompileError,
    RubricError,
    RubricSyntaxError,
)
from rubricdsl.render import render_json, render_text

from .contract import (
    ContractError,
    check_clean,
    check_error,
    check_result,
    check_same,
    describe_context,
    hostile_context,
    strict_json,
)

ROOT = Path(__file__).resolve().parents[2]
RUBRIC_2020 = ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric"
SAMPLE_YAML = ROOT / "examples" / "yaohai-2021.yaml"


@functools.cache
def rubric_2020() -> rubricdsl.Rubric:
    """The 2020 rubric, compiled once (before any fork, so every child has it warm)."""
    return rubricdsl.load(RUBRIC_2020)


@functools.cache
def oracle() -> Any:
    """tests/oracle_2020.py: an independent scorer of the 2020 rubric."""
    import oracle_2020  # tests/ is on sys.path (tests/fuzz/__init__.py)

    return oracle_2020


def warm_up() -> None:
    """Compile the grammar and the 2020 rubric, import the oracle: done once in the parent."""
    rubric_2020()
    oracle()
    with contextlib.suppress(RubricError):
        rubricdsl.loads('rubric "t"\nyear 2020\nbase 0\n', "warm.rubric")


def _wrong_class(error: RubricError, where: str, expected: str) -> ContractError:
    return ContractError(
        f"wrong-error-class:{where}",
        f"{where} raised {type(error).__name__}, expected {expected}: {str(error)[:200]!r}",
    )


# ---- data files -----------------------------------------------------------------------------


def data_target(text: str, suffix: str = ".yaml", context: int | None = None) -> str:
    """A data file for the 2020 rubric: a DataFile or DataFileError; then a Result or an
    IndicatorError; then reports that obey the contract. With `context` (an index into
    contract.HOSTILE_CONTEXTS), the same under a hostile decimal context."""
    try:
        data = rubricdsl.parse_data(text, "x" + suffix)
    except DataFileError as error:
        check_error(error, "parse_data")
        return "rejected"
    except RubricError as error:
        raise _wrong_class(error, "parse_data", "DataFileError") from None
    if not isinstance(data, rubricdsl.DataFile):
        raise ContractError("wrong-type:parse_data", f"parse_data returned {type(data).__name__}")
    if not isinstance(data.indicators, Mapping) or not isinstance(data.meta, Mapping):
        raise ContractError("wrong-type:parse_data", "indicators or meta is not a mapping")
    rubric = rubric_2020()
    try:
        result = rubric.evaluate(data.indicators)
    except IndicatorError as error:
        check_error(error, "evaluate")
        return "indicator-error"
    except RubricError as error:
        raise _wrong_class(error, "evaluate", "IndicatorError") from None
    text_report, json_report = check_result(result, data.meta, len(text))
    check_oracle(data.indicators, result)
    if context is not None:
        with decimal.localcontext(hostile_context(context)):
            again = rubric.evaluate(data.indicators)
            check_same(result.to_dict(), again.to_dict(), "the result", "evaluate")
            check_same(json_report, render_json(again, data.meta), "JSON", "render")
            check_same(text_report, render_text(again, data.meta), "report", "render")
    return "scored"


def check_oracle(indicators: Mapping[str, object], result: rubricdsl.Result) -> None:
    """The 2020 rubric's scores agree with tests/oracle_2020.py (exact decimals)."""
    try:
        expected = oracle().score(indicators)
    except (KeyError, ValueError, TypeError) as problem:
        raise ContractError(
            "oracle-mismatch",
            f"rubricdsl scored data the oracle refuses ({type(problem).__name__}: "
            f"{str(problem)[:200]})",
        ) from None
    pairs = [
        ("total", expected.total, result.total),
        ("base", expected.base, result.base),
        ("bonus", expected.bonus, result.bonus),
        ("na_points", expected.na_points, result.na_points),
    ]
    pairs += [(f"item {i}", s.score, result.item(i).score) for i, s in expected.items.items()]
    for what, want, got in pairs:
        if Decimal(want) != Decimal(got):
            raise ContractError("oracle-mismatch", f"{what}: oracle {want}, rubricdsl {got}")


# ---- rubric text ------------------------------------------------------------------------------


def made_up_data(rubric: rubricdsl.Rubric) -> Iterator[dict[str, object]]:
    """Two indicator sets valid for any rubric, from its declarations alone: middling values,
    then the other extreme with every indicator that allows it reported not applicable."""
    specs = rubric.indicators
    if any((spec.series_length or 0) > 10_000 for spec in specs.values()):
        return  # a series of a million values is the rubric's own problem, not the data's
    for variant in (0, 1):
        values: dict[str, object] = {}
        for name, spec in specs.items():
            if variant and spec.allows_na:
                values[name] = {"not_applicable": "区域无此项 (n/a)"}
            elif spec.kind == "bool":
                values[name] = not variant
            elif spec.kind == "count":
                values[name] = 3 * (1 - variant)
            elif spec.kind in ("percent", "score"):
                values[name] = Decimal("100") if variant else Decimal("90.5")
            elif spec.kind == "series":
                length = spec.series_length or 0
                values[name] = [Decimal(length - i if variant else i) for i in range(length)]
            elif spec.kind == "enum":
                values[name] = spec.levels[-1 if variant else 0]
            else:  # amount, number
                values[name] = Decimal("12.5") if not variant else 0
        yield values


def rubric_target(
    text: str,
    data: Mapping[str, object] | None = None,
    meta: Mapping[str, object] | None = None,
    context: int | None = None,
) -> str:
    """Rubric text: a Rubric or RubricSyntaxError / RubricCompileError (with lines that exist);
    when a Rubric, every evaluation gives a Result or an IndicatorError and clean reports."""
    try:
        rubric = rubricdsl.loads(text, "fuzz.rubric")
    except (RubricSyntaxError, RubricCompileError) as error:
        check_error(error, "loads", text)
        return "rejected"
    except RubricError as error:
        raise _wrong_class(error, "loads", "RubricSyntaxError or RubricCompileError") from None
    if not isinstance(rubric, rubricdsl.Rubric):
        raise ContractError("wrong-type:loads", f"loads returned {type(rubric).__name__}")
    for warning in rubric.warnings:
        check_clean(warning.render(), "warning")
    datasets = ([dict(data)] if data is not None else []) + list(made_up_data(rubric))
    input_chars = len(text) + sum(len(repr(d)) for d in datasets) + len(repr(meta or {}))
    outcome = "indicator-error"
    for values in datasets:
        try:
            result = rubric.evaluate(values)
        except IndicatorError as error:
            check_error(error, "evaluate")
            continue
        except RubricError as error:
            raise _wrong_class(error, "evaluate", "IndicatorError") from None
        check_result(result, meta or {}, input_chars)
        if context is not None and outcome != "scored":
            _same_under_context(text, values, result, context)
        outcome = "scored"
    return outcome


def _same_under_context(
    text: str, values: Mapping[str, object], result: rubricdsl.Result, context: int
) -> None:
    with decimal.localcontext(hostile_context(context)):
        try:
            again = rubricdsl.loads(text, "fuzz.rubric").evaluate(values)
        except RubricError as error:
            raise ContractError(
                "context-dependent:loads",
                f"under {describe_context(context)}: {type(error).__name__} {str(error)[:200]!r}",
            ) from None
        check_same(result.to_dict(), again.to_dict(), "the result", "evaluate")


# ---- the command line -------------------------------------------------------------------------


@dataclass
class CliCase:
    """One run of the CLI: the files it reads, and how it is called.

    `rubric` None means the 2020 rubric. Bytes go to disk as they are (invalid UTF-8 too).
    `expect`, for regression cases, pins what should happen: {"exit": 0, "total": "9"}."""

    data: bytes
    data_suffix: str = ".yaml"
    rubric: bytes | None = None
    output_format: str = "text"
    encoding: str = "utf-8"
    command: str = "score"
    expect: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        document = {
            "target": "cli",
            "data": _text(self.data),
            "data_suffix": self.data_suffix,
            "rubric": None
            if self.rubric is None
            else self.rubric.decode("utf-8", "surrogateescape"),
            "format": self.output_format,
            "encoding": self.encoding,
            "command": self.command,
        }
        if self.expect:
            document["expect"] = self.expect
        return json.dumps(document, ensure_ascii=True, indent=1) + "\n"

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> CliCase:
        rubric = document.get("rubric")
        return cls(
            data=str(document.get("data", "")).encode("utf-8", "surrogateescape"),
            data_suffix=document.get("data_suffix", ".yaml"),
            rubric=None if rubric is None else rubric.encode("utf-8", "surrogateescape"),
            output_format=document.get("format", "text"),
            encoding=document.get("encoding", "utf-8"),
            command=document.get("command", "score"),
            expect=dict(document.get("expect", {})),
        )


def _text(raw: bytes) -> str:
    """Bytes as text that JSON can hold and that turns back into the same bytes."""
    return raw.decode("utf-8", "surrogateescape")


@contextlib.contextmanager
def _captured(encoding: str) -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    """stdout and stderr as a console with this encoding would take them (strict errors)."""
    out, err = io.BytesIO(), io.BytesIO()
    streams = [io.TextIOWrapper(raw, encoding=encoding, errors="strict") for raw in (out, err)]
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = streams
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = saved
        for stream in streams:
            with contextlib.suppress(Exception):
                stream.flush()
            with contextlib.suppress(Exception):
                stream.detach()  # keep the BytesIO open when the wrapper goes


def cli_target(case: CliCase) -> str:
    """`rubricdsl score|check` in-process: exit 0 or 1, nothing raw on stdout or stderr, no
    traceback, no "internal error"; with --format json and exit 0, strict JSON on stdout."""
    from rubricdsl.cli import main

    with tempfile.TemporaryDirectory(prefix="rubricdsl-fuzz-") as folder:
        if case.rubric is None:
            rubric_path = str(RUBRIC_2020)
        else:
            rubric_path = os.path.join(folder, "fuzz.rubric")
            Path(rubric_path).write_bytes(case.rubric)
        data_path = os.path.join(folder, "district" + case.data_suffix)
        Path(data_path).write_bytes(case.data)
        if case.command == "check":
            argv = ["check", rubric_path]
        else:
            argv = ["score", rubric_path, data_path, "--format", case.output_format]
        where = f"{case.command},{case.output_format},{case.encoding}"
        with _captured(case.encoding) as (out, err):
            try:
                code = main(argv)
            except SystemExit as stop:
                raise ContractError(
                    f"system-exit:cli[{where}]", f"main raised SystemExit({stop.code})"
                ) from None
    stdout = _decoded(out.getvalue(), case.encoding, f"stdout[{where}]")
    stderr = _decoded(err.getvalue(), case.encoding, f"stderr[{where}]")
    for name, text in ((f"stdout[{where}]", stdout), (f"stderr[{where}]", stderr)):
        check_clean(text, name)
    if "Traceback" in stderr or "internal error" in stderr.lower():
        raise ContractError(f"traceback:cli[{where}]", f"exit {code}; stderr: {stderr[-600:]!r}")
    if code not in (0, 1):
        raise ContractError(f"exit-{code}:cli[{where}]", f"stderr: {stderr[-600:]!r}")
    if len(stderr) > 50_000:
        raise ContractError(f"too-long:stderr[{where}]", f"{len(stderr):,} characters on stderr")
    if code == 1 and not stderr.strip():
        raise ContractError(f"silent-failure:cli[{where}]", "exit 1 with nothing on stderr")
    document = None
    if code == 0 and case.command == "score" and case.output_format == "json":
        document = strict_json(stdout, f"stdout[{where}]")
    _expected(case, code, document)
    return f"exit-{code}"


def _decoded(raw: bytes, encoding: str, where: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as problem:
        raise ContractError(f"undecodable:{where}", str(problem)) from None


def _expected(case: CliCase, code: int, document: Any) -> None:
    if "exit" in case.expect and code != case.expect["exit"]:
        raise ContractError("expectation", f"exit {code}, expected {case.expect['exit']}")
    for key in ("total", "base", "bonus"):
        if key in case.expect:
            got = document.get(key) if isinstance(document, dict) else None
            if got is None or Decimal(str(got)) != Decimal(str(case.expect[key])):
                raise ContractError("expectation", f"{key} {got}, expected {case.expect[key]}")
