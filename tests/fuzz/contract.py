"""The contract every fuzz target enforces, as small checks that raise `ContractError`.

Anything a target raises other than `ContractError` is also a violation (a raw exception the
library let out); `ContractError` is for outputs that came back but break a rule: a raw control
character in a report, JSON that a strict parser refuses, an error message of a megabyte, an
exit code other than 0 or 1, a score that depends on the caller's decimal context...
"""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Mapping
from typing import Any

# C0 controls except "\n" (so "\t" and "\r" too), DEL, C1 controls, the bidi controls and the
# two Unicode line/paragraph separators: none may reach a terminal, a file or an error raw.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# An error message may quote the input, but never all of a huge one.
MAX_MESSAGE = 20_000
# A report echoes meta, names and wording; it may grow with the input, within reason.
REPORT_BASE = 1_000_000
REPORT_PER_INPUT_CHAR = 100


class ContractError(Exception):
    """A broken contract. `kind` is short and stable (it names the class of failure, so the
    runner can tell a new failure from one already seen); `detail` says what exactly."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def _around(text: str, index: int, width: int = 40) -> str:
    return repr(text[max(index - width, 0) : index + width])


def check_clean(text: object, where: str) -> None:
    """`text` is a str that encodes to UTF-8 and holds no raw control character but "\\n"."""
    if not isinstance(text, str):
        raise ContractError(f"not-text:{where}", f"{where} is a {type(text).__name__}, not str")
    surrogate = LONE_SURROGATE.search(text)
    if surrogate:
        at = surrogate.start()
        raise ContractError(
            f"lone-surrogate:{where}",
            f"{where} holds a lone surrogate U+{ord(text[at]):04X} at {at}: {_around(text, at)}",
        )
    found = FORBIDDEN.search(text)
    if found:
        at = found.start()
        raise ContractError(
            f"raw-control:{where}",
            f"{where} holds raw U+{ord(text[at]):04X} at {at}: {_around(text, at)}",
        )


def check_bounded(text: str, where: str, limit: int) -> None:
    if len(text) > limit:
        raise ContractError(
            f"too-long:{where}", f"{where} is {len(text):,} characters (limit {limit:,})"
        )


def check_error(error: BaseException, where: str, source_text: str | None = None) -> None:
    """A RubricError's message is clean and bounded; diagnostics point inside the text."""
    try:
        message = str(error)
    except Exception as problem:  # a message that cannot even be built
        raise ContractError(
            f"message-broken:{where}", f"str() of {type(error).__name__} raised {problem!r}"
        ) from None
    check_clean(message, f"message of {where}")
    check_bounded(message, f"message of {where}", MAX_MESSAGE)
    if source_text is not None:
        check_diagnostic_lines(getattr(error, "diagnostics", ()), source_text, where)


def check_diagnostic_lines(diagnostics: object, text: str, where: str) -> None:
    """Every line a diagnostic names exists in the text, counting lines as the grammar does
    (only "\\n" ends a line: not U+2028, \\x0b, \\x0c, \\x1c, \\x85...)."""
    last = text.count("\n") + 1
    for found in diagnostics or ():  # type: ignore[attr-defined]
        line = getattr(found, "line", None)
        if line is not None and not 1 <= line <= last:
            raise ContractError(
                f"line-out-of-range:{where}",
                f"a diagnostic names line {line}; the text has {last} lines",
            )
        if hasattr(found, "render"):
            check_clean(found.render(), f"diagnostic of {where}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"JSON output holds the non-standard constant {name}")


def strict_json(text: str, where: str) -> Any:
    """The document, read the way a strict RFC 8259 parser would (no NaN, no Infinity)."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError as problem:  # JSONDecodeError is a ValueError
        raise ContractError(
            f"json-invalid:{where}", f"{where} is not strict JSON: {problem}"
        ) from None


def report_limit(input_chars: int) -> int:
    return REPORT_BASE + REPORT_PER_INPUT_CHAR * input_chars


def check_result(result: object, meta: Mapping[Any, Any], input_chars: int) -> tuple[str, str]:
    """Both renderings of a Result: clean, bounded, strict JSON; data cannot add report lines.

    Returns (text report, JSON report)."""
    from rubricdsl.render import render_json, render_text

    text = render_text(result, meta)  # type: ignore[arg-type]
    document = render_json(result, meta)  # type: ignore[arg-type]
    limit = report_limit(input_chars)
    for name, rendered in (("render_text", text), ("render_json", document)):
        check_clean(rendered, name)
        check_bounded(rendered, name, limit)
    strict_json(document, "render_json")
    lines = text.split("\n")
    if lines.count("Totals") != 1:
        raise ContractError(
            "forged-lines:render_text",
            f"the text report has {lines.count('Totals')} 'Totals' lines",
        )
    if meta:
        # The same report with as many harmless meta entries: data may not add lines.
        benign = {f"k{i}": "v" for i in range(len(meta))}
        expected = render_text(result, benign).count("\n")  # type: ignore[arg-type]
        if text.count("\n") != expected:
            raise ContractError(
                "forged-lines:render_text",
                f"meta makes the text report {text.count(chr(10))} lines instead of {expected}",
            )
    return text, document


# ---- the caller's decimal context must not matter ----------------------------------------------

# (precision, traps) of the hostile contexts the fuzzers set around load / evaluate / render.
HOSTILE_CONTEXTS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, ()),
    (3, ()),
    (6, ("Inexact", "Rounded")),
    (28, ("Inexact", "Rounded", "Subnormal", "Underflow", "Clamped", "FloatOperation")),
    (2, ("Inexact", "Rounded", "Overflow", "DivisionByZero", "InvalidOperation")),
)


def hostile_context(index: int) -> decimal.Context:
    precision, traps = HOSTILE_CONTEXTS[index % len(HOSTILE_CONTEXTS)]
    context = decimal.Context(prec=precision, rounding=decimal.ROUND_FLOOR, Emax=99, Emin=-99)
    for name in traps:
        context.traps[getattr(decimal, name)] = True
    return context


def describe_context(index: int) -> str:
    precision, traps = HOSTILE_CONTEXTS[index % len(HOSTILE_CONTEXTS)]
    return f"prec={precision} rounding=FLOOR Emax=99 traps={','.join(traps) or '-'}"


def check_same(expected: object, got: object, what: str, where: str) -> None:
    if expected != got:
        raise ContractError(
            f"context-dependent:{where}",
            f"{what} differs under a hostile decimal context: {_first_difference(expected, got)}",
        )


def _first_difference(a: object, b: object, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a.keys() | b.keys():
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path or 'value'}: {str(a)[:80]!r} != {str(b)[:80]!r}"
