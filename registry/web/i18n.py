"""UI language with Flask-Babel: German by default, English on request; localized dates/numbers.

The sentences are gettext catalogs (``registry/translations/<lang>/LC_MESSAGES/messages.po``,
see ``registry/i18n.py`` and ``docs/translations.md``). Write a new text in English as
``_("...")`` in Python (``from registry.web.i18n import gettext as _``; ``ngettext`` for
counts, ``lazy_gettext`` for texts defined at import time) or ``{{ _("...") }}`` /
``{% trans %}`` in templates, then run ``scripts/translations.py`` and translate the new
German entry; ``tests/ui/test_i18n.py`` names every text that lacks a translation.

The language comes from ``?lang=`` (remembered in a cookie), then the cookie, else German: the
registry serves German public bodies first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.support import NullTranslations, Translations
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, Domain, gettext, lazy_gettext, ngettext

from registry.i18n import DEFAULT_LANGUAGE, LANGUAGES, Catalogs

__all__ = [
    "LANGUAGES",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "get_locale",
    "gettext",
    "init_i18n",
    "lazy_gettext",
    "localized",
    "ngettext",
    "text_language",
]

COOKIE = "lang"
_COOKIE_MAX_AGE = 365 * 24 * 3600
_TIMEZONE = "Europe/Berlin"


class CatalogDomain(Domain):  # type: ignore[misc]
    """Flask-Babel's message domain, served from the ``.po`` catalogs compiled in memory
    (``registry.i18n.Catalogs``) instead of ``.mo`` files on disk."""

    def __init__(self, catalogs: Catalogs) -> None:
        super().__init__(domain="messages")
        self.catalogs = catalogs

    def get_translations(self) -> Translations | NullTranslations:
        if not has_request_context():
            return NullTranslations()
        return self.catalogs.get(get_locale())


def select_language() -> str:
    """The language of this request: ``?lang=``, else the cookie, else German."""
    wanted = request.args.get("lang") or request.cookies.get(COOKIE) or DEFAULT_LANGUAGE
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def get_locale() -> str:
    """The request's language code (``de`` or ``en``)."""
    if "lang" not in g:
        g.lang = select_language()
    return str(g.lang)


def format_date(value: date | datetime | None, format: str = "medium") -> str:
    """A date in the request's language (``27.11.2026`` / ``Nov 27, 2026``); empty for None."""
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return babel_dates.format_date(day, format=format, locale=get_locale())


def format_datetime(value: datetime | None, format: str = "medium") -> str:
    """A UTC time in the request's language, shown in German local time (Europe/Berlin)."""
    if value is None:
        return ""
    return babel_dates.format_datetime(
        value, format=format, tzinfo=babel_dates.get_timezone(_TIMEZONE), locale=get_locale()
    )


def format_number(value: float | int) -> str:
    """A number with the language's separators (``1.234,5`` / ``1,234.5``)."""
    return babel_numbers.format_decimal(value, locale=get_locale())


def format_percent(value: float) -> str:
    """A share (0..1) as a percentage in the language's style."""
    return babel_numbers.format_percent(value, locale=get_locale())


def localized(obj: Any, field: str) -> str:
    """``obj.<field>_<lang>``, falling back to the other language: models store both."""
    lang = get_locale()
    other = "en" if lang == "de" else "de"
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_{other}", "") or ""


def text_language(obj: Any, field: str) -> str:
    """The language of the text ``localized(obj, field)`` shows, for a ``lang`` attribute
    (WCAG 3.1.2: a German fallback inside an English page is marked as German)."""
    lang = get_locale()
    if getattr(obj, f"{field}_{lang}", ""):
        return lang
    return "en" if lang == "de" else "de"


def init_i18n(app: Flask) -> None:
    """Set up Flask-Babel (catalogs compiled now, language per request), Jinja's ``_``,
    ``ngettext`` and ``{% trans %}``, the date and number filters, and ``?lang=`` memory."""
    if "babel" in app.extensions:
        return
    catalogs = Catalogs()
    catalogs.compile_all()
    babel = Babel(
        app,
        default_locale=DEFAULT_LANGUAGE,
        default_timezone=_TIMEZONE,
        locale_selector=get_locale,
    )
    babel.domain_instance = CatalogDomain(catalogs)
    app.jinja_env.filters.update(
        date=format_date,
        datetime=format_datetime,
        number=format_number,
        percent=format_percent,
    )
    app.jinja_env.globals.update(
        get_locale=get_locale, localized=localized, text_language=text_language
    )
    app.after_request(_remember_language)


def catalogs_of(app: Flask | None = None) -> Catalogs:
    """The compiled catalogs of the application (for tests and tools)."""
    babel = (app or current_app).extensions["babel"].instance
    return babel.domain_instance.catalogs  # type: ignore[no-any-return]


def _remember_language(response: Response) -> Response:
    wanted = request.args.get("lang")
    # Only pages remember the language: JSON answers stay cacheable and cookie-free.
    if response.mimetype != "text/html":
        return response
    if wanted in LANGUAGES and wanted != request.cookies.get(COOKIE):
        response.set_cookie(COOKIE, wanted, max_age=_COOKIE_MAX_AGE, samesite="Lax")
    return response
