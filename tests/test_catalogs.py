"""The message catalogs: current with the code, complete in both languages, every Chinese
translation keeping its message's placeholders, the .mo files compiled from the .po files."""

from __future__ import annotations

import gettext
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "catalogs.py"
LOCALE = ROOT / "src" / "rubricdsl" / "locale"
LANGUAGES = ("zh", "en")


def po(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "rubricdsl.po").open("rb") as stream:
        return read_po(stream, locale=lang)


def messages(catalog) -> dict[str, str]:
    return {str(message.id): str(message.string) for message in catalog if message.id}


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import catalogs
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return {str(message.id) for message in catalogs.extracted() if message.id}


def placeholders(message: str) -> list[str]:
    """The names of a message's `{name}` fields (sorted, each once); `{{` is a brace, not one."""
    return sorted({name for _, name, _, _ in string.Formatter().parse(message) if name is not None})


def test_the_check_passes():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_both_catalogs_have_every_extracted_message(extracted):
    assert len(extracted) > 500  # the reports, the data's messages and the workbook's
    for lang in LANGUAGES:
        found = messages(po(lang))
        assert set(found) == extracted, lang
        assert all(found.values()), [m for m, text in found.items() if not text][:5]


def test_english_says_each_message_as_written():
    assert all(text == message for message, text in messages(po("en")).items())


def test_every_chinese_translation_keeps_its_placeholders():
    wrong = [
        (message, text)
        for message, text in messages(po("zh")).items()
        if placeholders(message) != placeholders(text)
    ]
    assert wrong == []


def test_every_chinese_translation_is_chinese():
    # A translation may keep a file's own words (`indicators:`, .xlsx, `rubricdsl template`), but
    # each message with English words in it says something in Chinese.
    han = re.compile(r"[\u4e00-\u9fff]")
    worded = {
        message: text
        for message, text in messages(po("zh")).items()
        if re.search(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", message))
    }
    assert len(worded) > 500
    assert [message for message, text in worded.items() if not han.search(text)] == []


def test_the_placeholder_check_can_fail():
    assert placeholders("{value} is not a day of the calendar") == ["value"]
    assert placeholders("{value}不是日历上存在的日期") == ["value"]
    assert placeholders("{valeur}不是日期") != placeholders("{value} is not a day")
    assert placeholders("{{not_applicable: {reason}}}") == ["reason"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_mo_files_are_compiled_from_the_po_files(lang):
    folder = LOCALE / lang / "LC_MESSAGES"
    with (folder / "rubricdsl.mo").open("rb") as stream:
        compiled = {str(m.id): str(m.string) for m in read_mo(stream) if m.id}
    assert compiled == messages(po(lang))
    # and gettext, as rubricdsl reads it, finds them
    catalog = gettext.translation("rubricdsl", localedir=LOCALE, languages=[lang])
    expected = "第{id}项" if lang == "zh" else "item {id}"
    assert catalog.gettext("item {id}") == expected
