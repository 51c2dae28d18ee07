"""The officials' language: which one a report speaks (zh or en), and its gettext catalogs."""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = ("zh", "en")
CATALOGS = Path(__file__).parent / "locale"
DOMAIN = "rubricdsl"

Translate = Callable[[str], str]


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for, as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES,
    LANG, the first one set): "zh" for any Chinese locale (zh_CN.UTF-8, zh_TW), else "en"."""
    environ = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            first = value.split(":")[0].strip().lower()
            return "zh" if first.startswith("zh") else "en"
    return "en"


def language(chosen: str | None) -> str:
    """The language to use: the one chosen (`--lang`), else the locale's."""
    if chosen is None:
        return default_language()
    if chosen not in LANGUAGES:
        raise ValueError(f"unknown language {chosen!r}; choose one of {', '.join(LANGUAGES)}")
    return chosen


@cache
def translator(lang: str) -> Translate:
    """The gettext function for a language; English message ids are the fallback.

    Use it as `_ = translator(lang)` so that Babel's extractor finds every `_("…")`."""
    catalog = gettext.translation(DOMAIN, localedir=CATALOGS, languages=[lang], fallback=True)
    return catalog.gettext


# The language of messages about a district's data while a command runs (the CLI sets it from
# --lang or the locale); a library caller gets English unless it chooses with `speaking`.
_SPOKEN: ContextVar[str] = ContextVar("rubricdsl_language", default="en")


def spoken() -> str:
    """The language being spoken (see `speaking`): to pass to another process, say."""
    return _SPOKEN.get()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Messages about the data made inside this block are in `lang`."""
    token = _SPOKEN.set(language(lang))
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def _(message: str) -> str:
    """A message about the data in the language being spoken (see `speaking`)."""
    return translator(_SPOKEN.get())(message)
