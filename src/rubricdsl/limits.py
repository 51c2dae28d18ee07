"""The limits on what rubricdsl reads — sizes, depths, digits, lengths, counts — declared once."""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from rubricdsl.i18n import Translate

MIB = 1024 * 1024


def as_written(message: str) -> str:
    """No translation: the English message, for the rubric's own errors (see `decimal_problem`)."""
    return message


@attrs.frozen
class Limits:
    """What a rubric or data file may hold. Every limit is far above what a real table or a
    district's data needs, and low enough that no input can exhaust time or memory.

    Pass your own to `load`, `loads`, `read_data` and `parse_data` to raise one
    (`Limits(max_file_bytes=200 * MIB)`), or on the command line `--max-file-mb`.
    docs/limits.md explains each one.
    """

    # A file larger than this is refused before it is read. 60 times the 2020 table; a file of
    # this size is parsed in a few seconds (rubric text costs the most, ~9 s at worst).
    max_file_bytes: int = 1 * MIB
    # Lists and mappings inside lists and mappings, in a data file.
    max_data_depth: int = 32
    # Nodes that YAML aliases (*name) may repeat in all: a merge key (<<: *base) needs a few;
    # a "billion laughs" file needs billions.
    max_alias_nodes: int = 10_000
    # Levels of nesting in a rubric (and / or / not / parentheses inside a rule).
    max_rubric_depth: int = 100
    # Digits a number may be written with, and how far from the decimal point a digit may lie.
    max_digits: int = 1_000
    # Characters in a name (an indicator, a key of a data file).
    max_name_length: int = 200
    # Characters in one text value (a reason, a meta value, a rubric's wording).
    max_text_length: int = 100_000
    # Problems listed in one error message; the rest are counted ("and 995 more").
    max_problems: int = 50
    # Responsible units one plan names (a district has a few dozen): each pair is compared for
    # a unit spelled two ways, so their number bounds the time a plan takes to read.
    max_plan_units: int = 200

    def __attrs_post_init__(self) -> None:
        for field in attrs.fields(Limits):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{field.name} must be a positive int, not {value!r}")
        if self.max_digits > MAX_DIGITS_CEILING:
            raise ValueError(
                f"Limits.max_digits may be at most {MAX_DIGITS_CEILING:,}: rubricdsl's exact "
                "arithmetic is sized for numbers up to that many digits"
            )


# The private decimal context (exact.py) holds 20,000 digits: enough for a product of two
# numbers of this many digits on either side of the point, summed and prorated.
MAX_DIGITS_CEILING = 4_000


DEFAULT_LIMITS = Limits()

# Indicator values and rubric points are counts, rates and amounts in 万元: a number this large
# is a typo, and refusing it keeps every sum and product well inside the exact context.
LARGEST = Decimal(10) ** 15
# What `decimal_problem` says in English of a number only too large (the data file's reader
# leaves such a number to the validator, which names its indicator).
TOO_LARGE = "is too large (10^15 or more: a typo?)"

_NUMBER_TEXT = re.compile(r"[+-]?(?:\d[\d_]*)?(?:\.\d[\d_]*|\.)?(?:[eE][+-]?\d+)?")


def number_text_problem(
    text: str, limits: Limits = DEFAULT_LIMITS, _: Translate = as_written
) -> str | None:
    """Why a number written as `text` is beyond the limits (checked before it is converted);
    None when it is within them. `text` must already look like a number. The words are
    English unless `_` translates them (a message about the data passes `i18n._`)."""
    mantissa, _sign, exponent_text = text.lower().partition("e")
    digits = sum(character.isdigit() for character in mantissa)
    if digits > limits.max_digits:
        return _("has {digits} digits; numbers may have at most {most}").format(
            digits=f"{digits:,}", most=f"{limits.max_digits:,}"
        )
    if exponent_text and len(exponent_text.lstrip("+-").lstrip("0")) > 9:
        return _("has an exponent of {digits} digits").format(digits=f"{len(exponent_text):,}")
    return None


def looks_like_number(text: str) -> bool:
    return (
        bool(text) and any(c.isdigit() for c in text) and _NUMBER_TEXT.fullmatch(text) is not None
    )


def decimal_problem(
    value: Decimal, limits: Limits = DEFAULT_LIMITS, _: Translate = as_written
) -> str | None:
    """Why an exact decimal is beyond the limits on numbers; None when it is within them. The
    words are English unless `_` translates them (a message about the data passes `i18n._`)."""
    if not value.is_finite():
        return _("is not a finite number")
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    most = f"{limits.max_digits:,}"
    if len(digits) > limits.max_digits:
        return _("has {digits} digits; numbers may have at most {most}").format(
            digits=f"{len(digits):,}", most=most
        )
    if value.is_zero():
        return None
    if exponent < -limits.max_digits:
        return _(
            "has digits {places} places after the decimal point; at most {most} are allowed"
        ).format(places=f"{-exponent:,}", most=most)
    if value.adjusted() >= limits.max_digits:
        return _(
            "has digits {places} places before the decimal point; at most {most} are allowed"
        ).format(places=f"{value.adjusted():,}", most=most)
    if value.copy_abs() >= LARGEST:
        return _("is too large (10^15 or more: a typo?)")
    return None
