"""Update the message catalogs: extract every `_("…")` from the code and templates (babel.cfg),
merge them into src/rubricdsl/locale/{zh,en}/LC_MESSAGES/rubricdsl.po keeping what is already
translated, fill English with the message itself, and compile the .mo files gettext reads.

    .venv/bin/python scripts/catalogs.py          # update and compile
    .venv/bin/python scripts/catalogs.py --check  # exit 1 if a catalog is stale or incomplete

A new message is added to the Chinese catalog untranslated: translate it in the .po file, then
run this again to compile. tests/test_catalogs.py runs the check.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "rubricdsl" / "locale"
DOMAIN = "rubricdsl"
LANGUAGES = ("zh", "en")
CREATED = datetime(2021, 7, 1, tzinfo=timezone.utc)  # the Yaohai plan's day (瑶办发〔2021〕25号)


def extracted() -> Catalog:
    """Every message the code and templates ask gettext for, in a fresh template catalog."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream)
    template = Catalog(project=DOMAIN)
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None, "N_": None}
    ):
        if message:
            template.add(message)
    return template


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def merged(lang: str, template: Catalog) -> Catalog:
    """The language's catalog with exactly the template's messages, translations kept."""
    path = po_path(lang)
    old = read_po(path.open("rb"), locale=lang) if path.exists() else Catalog(locale=lang)
    # a fixed date in the header the .mo file carries, so that compiling is reproducible
    catalog = Catalog(locale=lang, project=DOMAIN, fuzzy=False, creation_date=CREATED)
    for message in sorted(template, key=lambda m: str(m.id)):
        if not message.id:
            continue
        kept = old.get(message.id)
        text = kept.string if kept is not None and kept.string else ""
        if lang == "en":
            text = str(message.id)  # the English catalog says each message as written
        catalog.add(message.id, text)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, omit_header=True, sort_output=True, width=100)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def problems() -> list[str]:
    """What is stale or missing, in words; empty when the catalogs are current."""
    template = extracted()
    found = []
    for lang in LANGUAGES:
        catalog = merged(lang, template)
        path = po_path(lang)
        if not path.exists() or path.read_bytes() != po_bytes(catalog):
            found.append(f"{path.relative_to(ROOT)} is not up to date with the code")
        missing = [str(m.id) for m in catalog if m.id and not m.string]
        found += [f"{lang}: untranslated: {message!r}" for message in missing]
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
            found.append(f"{mo.relative_to(ROOT)} is not compiled from its .po")
    return found


def update() -> None:
    template = extracted()
    for lang in LANGUAGES:
        catalog = merged(lang, template)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(po_bytes(catalog))
        path.with_suffix(".mo").write_bytes(mo_bytes(catalog))
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {missing} untranslated")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    if parser.parse_args().check:
        found = problems()
        for problem in found:
            print(problem)
        return 1 if found else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
