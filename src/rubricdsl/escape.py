"""Text from a rubric or a data file made safe to show: controls made visible, length bounded."""

from __future__ import annotations

import re

# Characters a terminal acts on or that reorder or break what is shown: C0 and C1 controls, DEL,
# Unicode's bidi controls and line/paragraph separators, the byte-order mark, and lone
# surrogates (which no encoding can write).
_UNSAFE_BEYOND_C0 = (
    "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
)
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f{_UNSAFE_BEYOND_C0}]")
_UNSAFE_IN_BLOCK = re.compile(f"[\x00-\x09\x0b-\x1f{_UNSAFE_BEYOND_C0}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape(text: str) -> str:
    """One line of text with every control shown as an escape (ESC as `\\x1b`, a newline as
    `\\n`): for a field that must stay on its line, such as a name, a reason or a meta value."""
    return _UNSAFE_IN_LINE.sub(_visible, text)


def escape_block(text: str) -> str:
    """Text of several lines: newlines kept, every other control shown as an escape."""
    return _UNSAFE_IN_BLOCK.sub(_visible, text)


def json_escape(document: str) -> str:
    """JSON text with the unsafe characters json.dumps leaves raw (DEL, C1, bidi controls,
    separators, lone surrogates) written as \\u escapes; valid JSON, as they occur only in
    strings."""
    return _UNSAFE_IN_BLOCK.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


def clip(text: str, limit: int = 80) -> str:
    """At most `limit` characters of `text`, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…(+{len(text) - limit:,} characters)"


def shown(text: str, limit: int = 80) -> str:
    """A value from the input as it may be echoed in a message: clipped, then escaped."""
    return escape(clip(text, limit))
