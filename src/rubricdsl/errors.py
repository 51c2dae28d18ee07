"""The errors and warnings a user can cause, each with a place in the rubric and a message."""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from rubricdsl.escape import escape
from rubricdsl.i18n import _
from rubricdsl.limits import DEFAULT_LIMITS
from rubricdsl.source import Span, excerpt

_LINT_CODE = re.compile(r"R[0-9]{3}")


class _Excerpt:
    """The source line of a span with carets under it, drawn when first read: a load makes one for
    every warning, and drawing (display widths) needs wcwidth, which only reports need. Equal to
    the text it draws, and pickled as that text."""

    __slots__ = ("_drawn", "_span", "_text")

    def __init__(self, text: str, span: Span) -> None:
        self._text: str | None = text
        self._span = span
        self._drawn: str | None = None

    def __str__(self) -> str:
        if self._drawn is None:
            assert self._text is not None
            self._drawn = excerpt(self._text, self._span)
            self._text = None  # the whole source is no longer needed
        return self._drawn

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_Excerpt, str)):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return repr(str(self))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (str(self),)


@attrs.frozen
class Diagnostic:
    """One finding about a rubric: an error that stops it, or a warning that does not."""

    severity: str  # "error" or "warning"
    code: str  # stable, for tools: "undefined-indicator", "unreachable-maximum", ...
    message: str
    source_name: str
    span: Span | None
    hint: str | None = None
    # the source line with carets under the span (`snippet`), drawn when first read
    _snippet: str | _Excerpt = attrs.field(default="", alias="snippet")

    @property
    def snippet(self) -> str:
        return str(self._snippet)

    @property
    def line(self) -> int | None:
        return self.span.line if self.span else None

    @property
    def column(self) -> int | None:
        return self.span.column if self.span else None

    def render(self) -> str:
        """The finding as people read it: place, message, the line with a caret, a hint.
        Text from the rubric in it is escaped, so it cannot drive a terminal."""
        where = escape(self.source_name)
        if self.span is not None:
            where += f":{self.span.line}:{self.span.column}"
        # a lint finding shows its code, which an ignore comment names to silence it
        kind = f"{self.severity}[{self.code}]" if _LINT_CODE.fullmatch(self.code) else self.severity
        parts = [f"{where}: {kind}: {escape(self.message)}"]
        if self.snippet:
            parts.append(self.snippet)
        if self.hint:
            parts.append(f"  hint: {escape(self.hint)}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "source": self.source_name,
            "line": self.line,
            "column": self.column,
            "hint": self.hint,
        }

    def __str__(self) -> str:
        return self.render()


def diagnostic(
    severity: str,
    code: str,
    message: str,
    *,
    source_name: str,
    text: str,
    span: Span | None,
    hint: str | None = None,
) -> Diagnostic:
    snippet = _Excerpt(text, span) if span is not None else ""
    return Diagnostic(severity, code, message, source_name, span, hint, snippet)


class RubricError(Exception):
    """Base of every error rubricdsl raises for something a user wrote or supplied."""


class RubricArgumentError(RubricError, TypeError):
    """A library call was given an argument of the wrong type (bytes for text, None for a path).
    A TypeError, as Python's own calls raise, and a RubricError, as rubricdsl's calls raise."""


def more_line(shown: int, total: int, noun: str) -> str:
    """The closing line of a list cut short: "… and 99,950 more (100,000 errors in all)"."""
    return f"… and {total - shown:,} more ({total:,} {noun} in all)"


class _DiagnosticsError(RubricError):
    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        first = self.diagnostics[0]
        self.line = first.line
        self.column = first.column
        self.hint = first.hint
        total = len(self.diagnostics)
        shown = self.diagnostics[: DEFAULT_LIMITS.max_problems]
        body = "\n".join(d.render() for d in shown)
        if total > len(shown):
            body += "\n" + more_line(len(shown), total, "errors")
        elif total > 1:
            body += f"\n({total} errors)"
        super().__init__(body)


class RubricSyntaxError(_DiagnosticsError):
    """The rubric text does not follow the grammar."""


class RubricCompileError(_DiagnosticsError):
    """The rubric parses but makes no sense: unknown indicators, type mismatches, bad points."""


@attrs.frozen
class IndicatorProblem:
    """One thing wrong with the indicator data: which indicator, and what."""

    indicator: str
    message: str

    def __str__(self) -> str:
        return f"{escape(self.indicator)}: {escape(self.message)}"


class IndicatorError(RubricError):
    """Indicator values given for an evaluation are missing, unknown, mistyped or out of range.

    `problems` lists them (at most Limits.max_problems); `omitted` counts those past that."""

    def __init__(self, problems: Sequence[IndicatorProblem], omitted: int = 0) -> None:
        self.problems: list[IndicatorProblem] = list(problems)
        self.omitted = omitted
        one, many = (
            _("indicator data has {count} problem:"),
            _("indicator data has {count} problems:"),
        )
        super().__init__(problem_list(self.problems, omitted, one, many))


def problem_list(problems: Sequence[object], omitted: int, one: str, many: str) -> str:
    """A heading that counts the problems (`one` or `many`, with {count}), then one line each,
    and a closing line for those left out."""
    total = len(problems) + omitted
    lines = "\n".join(f"  - {problem}" for problem in problems)
    if omitted:
        lines += "\n  " + more_problems(len(problems), total)
    heading = one if total == 1 else many
    return heading.format(count=f"{total:,}") + "\n" + lines


def more_problems(shown: int, total: int) -> str:
    """`more_line` of a list of problems with the data, in the language being spoken."""
    if total == 1:
        message = _("… and {more} more ({total} problem in all)")
    else:
        message = _("… and {more} more ({total} problems in all)")
    return message.format(more=f"{total - shown:,}", total=f"{total:,}")
