"""UI language: German by default, English on request; translated text, localized dates/numbers.

Message ids are English; ``translations/de.po`` holds the German text (read once with Babel, no
compiled catalog needed). The language comes from ``?lang=`` (remembered in a cookie), then the
cookie, else German: the registry serves German public bodies first.

A new UI text is written in English as ``_("...")`` (templates and ``registry/web/ui``) and its
German text added to ``translations/de.po``; ``tests/ui/test_i18n.py`` names every message that
lacks one (and every stale entry). ``pybabel extract -F`` is not needed: the test extracts.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.pofile import read_po
from flask import Flask, Response, g, request

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
COOKIE = "lang"
TRANSLATIONS = Path(__file__).parent / "translations"
_COOKIE_MAX_AGE = 365 * 24 * 3600


@cache
def catalog(language: str) -> dict[str, str | tuple[str, ...]]:
    """Translations of one language: message id -> text (a tuple of forms for plurals)."""
    path = TRANSLATIONS / f"{language}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    table: dict[str, str | tuple[str, ...]] = {}
    for message in po:
        if not message.id or not message.string or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string
        table[key] = text if isinstance(text, str) else tuple(text)
    return table


def get_locale() -> str:
    """The language of this request: ``?lang=``, else the cookie, else German."""
    if "lang" not in g:
        wanted = request.args.get("lang") or request.cookies.get(COOKIE) or DEFAULT_LANGUAGE
        g.lang = wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
    return str(g.lang)


def gettext(message: str, /, **variables: Any) -> str:
    """``message`` in the request's language, with ``%(name)s`` placeholders filled."""
    text = _translate(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, number: int, /, **variables: Any) -> str:
    """The singular or plural form for ``number``, with ``%(num)s`` and placeholders filled."""
    return _translate_plural(singular, plural, number) % {"num": number, **variables}


def _translate(message: str) -> str:
    text = catalog(get_locale()).get(message, message)
    return text[0] if isinstance(text, tuple) else text


def _translate_plural(singular: str, plural: str, number: int) -> str:
    # German and English share the rule: one is singular, everything else plural.
    forms = catalog(get_locale()).get(singular)
    if isinstance(forms, tuple) and len(forms) >= 2:
        return forms[0] if number == 1 else forms[1]
    return singular if number == 1 else plural


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
        value, format=format, tzinfo=babel_dates.get_timezone("Europe/Berlin"), locale=get_locale()
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
    """Install the translation callables and filters into Jinja and remember ``?lang=``."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Jinja's "newstyle" wrappers fill placeholders themselves (escaping the values).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        _translate, _translate_plural, newstyle=True
    )
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


def _remember_language(response: Response) -> Response:
    wanted = request.args.get("lang")
    # Only pages remember the language: JSON answers stay cacheable and cookie-free.
    if response.mimetype != "text/html":
        return response
    if wanted in LANGUAGES and wanted != request.cookies.get(COOKIE):
        response.set_cookie(COOKIE, wanted, max_age=_COOKIE_MAX_AGE, samesite="Lax")
    return response
