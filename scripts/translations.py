"""Bring the gettext catalogs up to date with the code: extract, merge, report.

Usage::

    .venv/bin/python scripts/translations.py          # update both catalogs, list gaps
    .venv/bin/python scripts/translations.py --check  # change nothing; exit 1 on gaps

It extracts every text of ``registry/`` (Python ``_()``/``gettext``/``ngettext``/
``lazy_gettext`` and the templates, as ``babel.cfg`` says), merges them into
``registry/translations/{de,en}/LC_MESSAGES/messages.po`` (new texts get an empty German entry
and an English entry equal to the id; texts no longer used are dropped), writes the catalogs
sorted by id without line numbers (so two people adding texts rarely touch the same lines),
and lists the German entries still to translate. It is what
``pybabel extract -F babel.cfg -k lazy_gettext`` plus ``pybabel update`` do, without fuzzy
guesses (a guessed translation would be silently wrong).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
Where = tuple[str, int]


def extract(root: Path = ROOT) -> dict[str | tuple[str, ...], list[Where]]:
    """Every text the code and templates translate -> where it is used."""
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str | tuple[str, ...], list[Where]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(message, []).append((filename, line))
    return found


def template(messages: dict[str | tuple[str, ...], list[Where]]) -> Catalog:
    """The extracted texts as a catalog template (what ``messages.pot`` would hold)."""
    pot = Catalog(project="sva-registry", fuzzy=False)
    for message, places in messages.items():
        pot.add(message, locations=places, flags=_flags(message))
    return pot


def _flags(message: str | tuple[str, ...]) -> tuple[str, ...]:
    texts = [message] if isinstance(message, str) else list(message)
    return ("python-format",) if any("%(" in text for text in texts) else ()


def update(language: str, pot: Catalog, root: Path = ROOT) -> Catalog:
    """The catalog of ``language`` merged with ``pot`` (English fills its own texts)."""
    path = root / "registry" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    if language == "en":
        for message in catalog:
            if message.id and not _translated(message):
                # The English text is the id itself (a tuple of forms for plurals).
                message.string = message.id
    return catalog


def untranslated(catalog: Catalog) -> Iterator[Message]:
    """Entries without a (non-fuzzy) translation."""
    for message in catalog:
        if message.id and (message.fuzzy or not _translated(message)):
            yield message


def _translated(message: Message) -> bool:
    value = message.string or ""
    strings = [value] if isinstance(value, str) else list(value)
    return bool(strings) and all(strings)


def write(catalog: Catalog, language: str, root: Path = ROOT) -> None:
    path = root / "registry" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100, no_location=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on gaps")
    args = parser.parse_args(argv)
    pot = template(extract())
    gaps = 0
    for language in ("de", "en"):
        catalog = update(language, pot)
        missing = list(untranslated(catalog))
        gaps += len(missing)
        for message in missing:
            where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
            key = message.id if isinstance(message.id, str) else message.id[0]
            print(f"{language}: not translated yet: {key!r} ({where})")
        if not args.check:
            write(catalog, language)
    print(f"{len(pot)} texts; {gaps} still to translate")
    return 1 if gaps and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
