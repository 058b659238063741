"""The gettext catalogs of the pages and the command line, German and English.

Sentences live in ``registry/translations/<lang>/LC_MESSAGES/messages.po`` (the layout
``pybabel`` and Flask-Babel use). Message ids are English; the German catalog translates them,
the English catalog is complete too, so wording can be edited without touching code.

There are no ``.mo`` files in the repository: each process compiles the ``.po`` catalogs in
memory with Babel's own compiler when it first needs them. A fresh clone, an editable install
and a wheel all work without a build step, and eight people adding sentences never meet a
conflict in a binary file. A broken catalog stops the start with the file and line.

This module knows no Flask: the web layer (``registry/web/i18n.py``) and the CLI both use it.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
DOMAIN = "messages"
TRANSLATIONS = Path(__file__).parent / "translations"


def catalog_path(language: str) -> Path:
    """Where the ``.po`` catalog of ``language`` lives."""
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalog(language: str) -> Translations:
    """The catalog of ``language`` compiled in memory (gettext lookups, Babel's plural rule).

    Fuzzy entries are left out, as ``pybabel compile`` does; an unknown language gives an
    empty catalog (texts stay in English). A syntax error in the file raises ``PoFileError``.
    """
    path = catalog_path(language)
    if not path.exists():
        return Translations()
    with path.open("rb") as handle:
        po = read_po(handle, locale=language, domain=DOMAIN, abort_invalid=True)
    compiled = io.BytesIO()
    write_mo(compiled, po, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class Catalogs:
    """The compiled catalogs of one application or command (compiled once, kept here)."""

    def __init__(self) -> None:
        self._compiled: dict[str, Translations] = {}

    def get(self, language: str) -> Translations:
        """The catalog of ``language`` (unknown languages fall back to German)."""
        if language not in LANGUAGES:
            language = DEFAULT_LANGUAGE
        found = self._compiled.get(language)
        if found is None:
            found = self._compiled.setdefault(language, compile_catalog(language))
        return found

    def compile_all(self) -> None:
        """Compile every catalog now, so a broken one fails at start rather than per page."""
        for language in LANGUAGES:
            self.get(language)


def translator(language: str) -> Translations:
    """A catalog for code outside a request (the CLI): ``t.gettext(...)``, ``t.ngettext(...)``."""
    return compile_catalog(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def texts(language: str) -> dict[str, str | tuple[str, ...]]:
    """The translated entries of a catalog as written: id -> text (a tuple for plurals)."""
    table: dict[str, str | tuple[str, ...]] = {}
    with catalog_path(language).open("rb") as handle:
        for message in read_po(handle, locale=language, domain=DOMAIN):
            if message.id and message.string and not message.fuzzy:
                key = message.id if isinstance(message.id, str) else message.id[0]
                text = message.string
                table[key] = text if isinstance(text, str) else tuple(text)
    return table
