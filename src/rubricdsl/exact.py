"""The private decimal context all of rubricdsl's arithmetic runs in, whatever the caller's."""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    FloatOperation,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    Underflow,
    localcontext,
)
from fractions import Fraction
from typing import ParamSpec, TypeVar

# The limits keep every number below 10^15 with at most 1,000 places after the point, so a
# product of two has at most ~2,100 digits and a prorated sum a few thousand. 20,000 digits
# leave a wide margin, and because Rounded and Inexact are trapped, a result that would ever
# need rounding raises instead of silently changing a score.
PRECISION = 20_000

EXACT = Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    Emax=100_000,
    Emin=-100_000,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[
        InvalidOperation,
        DivisionByZero,
        Overflow,
        Underflow,
        Rounded,
        Inexact,
        FloatOperation,
    ],
)

P = ParamSpec("P")
R = TypeVar("R")


# Set while a function of rubricdsl runs in the private context, so that the functions it
# calls (a trace's properties, a hundred times an evaluation) need not enter it again. A
# context variable, as decimal's own context is: each thread and task has its own.
_INSIDE: contextvars.ContextVar[bool] = contextvars.ContextVar("rubricdsl_exact", default=False)


def exactly(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` in the private context: no caller's precision, rounding or traps apply."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _INSIDE.get():
            return function(*args, **kwargs)
        token = _INSIDE.set(True)
        try:
            with localcontext(EXACT):
                return function(*args, **kwargs)
        finally:
            _INSIDE.reset(token)

    return wrapper


def divide_rounded(numerator: Decimal, denominator: Decimal, places: int, mode: str) -> Decimal:
    """numerator / denominator rounded once to `places` decimals: `half-up` (ties away from
    zero), `half-even` (ties to the even digit), `down` (toward zero) or `up` (away from zero).
    Worked in integers, so the context's precision never rounds an intermediate."""
    exact = Fraction(numerator) / Fraction(denominator) * 10**places
    whole, rest = divmod(abs(exact.numerator), exact.denominator)
    twice = 2 * rest
    bump = {
        "half-up": twice >= exact.denominator,
        "half-even": twice > exact.denominator or (twice == exact.denominator and whole % 2 == 1),
        "down": False,
        "up": rest > 0,
    }[mode]
    whole += int(bump)
    with localcontext(EXACT):
        return Decimal(-whole if exact < 0 else whole).scaleb(-places)


def divide_half_up(numerator: Decimal, denominator: Decimal, places: int) -> Decimal:
    """numerator / denominator rounded half-up (ties away from zero) to `places` decimals.

    Worked with an integer quotient and its remainder, so there is exactly one rounding, never a
    rounded intermediate rounded again."""
    with localcontext(EXACT):
        quotient, remainder = divmod(numerator.scaleb(places), denominator)
        if 2 * remainder.copy_abs() >= denominator.copy_abs():
            negative = (numerator < 0) != (denominator < 0)
            quotient += -1 if negative else 1
        return quotient.scaleb(-places)
