"""The gettext catalogs: every UI text is translated into German and present in English with the
same placeholders, nothing stale; Babel's plural forms; dates and numbers are localized."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from registry import i18n as catalogs
from registry.web import i18n
from scripts.translations import extract

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with catalogs.catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def _key(message: str | tuple[str, ...]) -> str:
    return message if isinstance(message, str) else message[0]


def test_extraction_finds_the_ui_texts() -> None:
    ids = {_key(m) for m in extract()}
    assert "Skip to content" in ids and len(ids) > 200


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_every_text_is_translated_with_the_same_placeholders(language: str) -> None:
    catalog = _catalog(language)
    missing, mismatched = [], []
    for message, places in extract().items():
        entry = catalog.get(message if isinstance(message, str) else message[0])
        where = "{}:{}".format(*places[0])
        strings = [] if entry is None else entry.string
        targets = [strings] if isinstance(strings, str) else list(strings)
        if entry is None or entry.fuzzy or not all(targets) or not targets:
            missing.append(f"{where}: {_key(message)!r}")
            continue
        sources = [message] if isinstance(message, str) else list(message)
        wanted = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for target in targets:
            # A singular may say "ein"/"one" instead of the number; never an unknown name.
            if not set(PLACEHOLDER.findall(target)) <= wanted | {"num"}:
                mismatched.append(f"{where}: {_key(message)!r}")
    assert missing == [], "run: .venv/bin/python scripts/translations.py"
    assert mismatched == []


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_the_catalogs_have_no_stale_entries(language: str) -> None:
    used = {_key(m) for m in extract()}
    stored = {_key(m.id) for m in _catalog(language) if m.id}
    assert stored - used == set()


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_the_catalogs_pass_babels_checks(language: str) -> None:
    problems = [(m.id, [str(e) for e in errors]) for m, errors in _catalog(language).check()]
    assert problems == []


@pytest.fixture()
def request_in():  # type: ignore[no-untyped-def]
    app = Flask(__name__)
    i18n.init_i18n(app)

    def enter(lang: str):  # type: ignore[no-untyped-def]
        return app.test_request_context(f"/?lang={lang}")

    return enter


def test_dates_and_numbers_follow_the_language(request_in) -> None:  # type: ignore[no-untyped-def]
    moment = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
    with request_in("de"):
        assert i18n.format_date(moment) == "05.03.2026"
        assert i18n.format_number(1234.5) == "1.234,5"
        # Shown in German time: 23:30 UTC is already the next day in Berlin.
        assert i18n.format_datetime(moment).startswith("06.03.2026")
    with request_in("en"):
        assert i18n.format_date(moment) == "Mar 5, 2026"
        assert i18n.format_number(1234.5) == "1,234.5"


def test_unknown_language_falls_back_to_german(request_in) -> None:  # type: ignore[no-untyped-def]
    with request_in("fr"):
        assert i18n.get_locale() == "de"
        assert i18n.gettext("Skip to content") == "Zum Inhalt springen"


def test_plural_forms(request_in) -> None:  # type: ignore[no-untyped-def]
    found = "%(num)s module found", "%(num)s modules found"
    with request_in("de"):
        assert i18n.ngettext(*found, 1) == "1 Modul gefunden"
        assert i18n.ngettext(*found, 3) == "3 Module gefunden"
        assert i18n.ngettext(*found, 0) == "0 Module gefunden"
    with request_in("en"):
        assert i18n.ngettext(*found, 1) == "1 module found"
        assert i18n.ngettext(*found, 3) == "3 modules found"


def test_lazy_texts_are_translated_when_shown(request_in) -> None:  # type: ignore[no-untyped-def]
    text = i18n.lazy_gettext("Skip to content")
    with request_in("de"):
        assert str(text) == "Zum Inhalt springen"
    with request_in("en"):
        assert str(text) == "Skip to content"


def test_templates_translate_through_flask_babel(request_in) -> None:  # type: ignore[no-untyped-def]
    with request_in("de") as context:
        render = context.app.jinja_env.from_string(
            '{{ _("Skip to content") }} {{ ngettext("%(num)s module found", '
            '"%(num)s modules found", 2) }}'
        )
        assert render.render() == "Zum Inhalt springen 2 Module gefunden"


def test_the_cli_translator_needs_no_flask() -> None:
    german = catalogs.translator("de")
    assert german.gettext("Skip to content") == "Zum Inhalt springen"
    assert german.ngettext("%(num)s module found", "%(num)s modules found", 1) == (
        "%(num)s Modul gefunden"
    )
    assert catalogs.translator("xx").gettext("Skip to content") == "Zum Inhalt springen"
