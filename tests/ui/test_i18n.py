"""Every UI text has a German translation with the same placeholders; dates and numbers are
localized."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract, extract_from_dir
from flask import Flask

from registry.web import i18n

WEB = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _messages() -> list[tuple[str, int, str | tuple[str, ...]]]:
    found = []
    for folder in (WEB / "ui", WEB / "templates"):
        for filename, line, message, _comments, _context in extract_from_dir(
            str(folder),
            [("**.html", "jinja2.ext:babel_extract"), ("**.py", "python")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        ):
            found.append((f"{folder.name}/{filename}", line, message))
    for module in ("csrf.py",):
        with (WEB / module).open("rb") as handle:
            for line, message, _c, _x in extract("python", handle):
                found.append((module, line, message))
    return found


def test_extraction_finds_the_ui_texts() -> None:
    ids = {m if isinstance(m, str) else m[0] for _, _, m in _messages()}
    assert "Skip to content" in ids and len(ids) > 200


def test_every_message_has_a_german_translation_with_the_same_placeholders() -> None:
    german = i18n.catalog("de")
    missing, mismatched = [], []
    for where, line, message in _messages():
        key = message if isinstance(message, str) else message[0]
        text = german.get(key)
        if not text:
            missing.append(f"{where}:{line}: {key!r}")
            continue
        sources = [message] if isinstance(message, str) else list(message)
        targets = [text] if isinstance(text, str) else list(text)
        wanted = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for target in targets:
            # A German singular may say "ein" instead of the number; never an unknown name.
            if not set(PLACEHOLDER.findall(target)) <= wanted | {"num"}:
                mismatched.append(f"{where}:{line}: {key!r}")
    assert missing == []
    assert mismatched == []


@pytest.fixture()
def request_in():  # type: ignore[no-untyped-def]
    app = Flask(__name__)

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
    with request_in("de"):
        assert (
            i18n.ngettext("%(num)s module found", "%(num)s modules found", 1) == "1 Modul gefunden"
        )
        assert (
            i18n.ngettext("%(num)s module found", "%(num)s modules found", 3) == "3 Module gefunden"
        )
    with request_in("en"):
        assert (
            i18n.ngettext("%(num)s module found", "%(num)s modules found", 3) == "3 modules found"
        )


def test_the_german_catalog_has_no_stale_entries() -> None:
    used = {m if isinstance(m, str) else m[0] for _, _, m in _messages()}
    assert set(i18n.catalog("de")) - used == set()
