"""Words, not codes: no page of either language shows a raw topic slug, a version range
operator outside code elements, or a sentence of the other language; 404 details are said in
the page's language."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from registry.i18n import texts
from registry.web.ui.labels import TOPIC_LABELS
from tests.ui.conftest import deployment_id

PAGES = [
    "/",
    "/?topic=abfallkalender",
    "/modules/abfallkalender",
    "/modules/chatbot",
    "/modules/gutscheine",
    "/components",
    "/activity",
    "/deployments",
    "/login",
]
DEPLOYMENTS = ["Magdeburg (Demo)", "Kiel (Demo)", "Guben (Demo)"]
_CODE = re.compile(r"<(code|pre|textarea|script|style)\b.*?</\1>", re.S)
_RANGE = re.compile(r"(==|>=|<=|!=|~=|\^)\s*v?\d")


def _visible_text(page: str) -> str:
    """The text a reader sees, without code elements, tags and attribute values."""
    body = page.split("<body", 1)[-1]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", _CODE.sub(" ", body)))


def _paths(demo) -> list[str]:  # type: ignore[no-untyped-def]
    found = list(PAGES)
    for name in DEPLOYMENTS:
        number = deployment_id(demo, name)
        found += [f"/deployments/{number}", f"/deployments/{number}/what-if?app=4.3.0"]
    return found


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_page_shows_a_topic_slug_or_a_range_operator(client, demo, lang: str) -> None:  # type: ignore[no-untyped-def]
    slugs = [t for t in TOPIC_LABELS if "-" in t or t.isascii() is False]
    problems = []
    for path in _paths(demo):
        text = _visible_text(
            client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").get_data(as_text=True)
        )
        problems += [
            f"{path}: topic {slug}" for slug in slugs if re.search(rf"\b{re.escape(slug)}\b", text)
        ]
        problems += [f"{path}: range {m.group(0)!r}" for m in _RANGE.finditer(text)]
    assert problems == []


def _sentences(language: str, other: str) -> list[str]:
    """Texts of ``language`` that the other catalog says differently (whole sentences only)."""
    own, theirs = texts(language), texts(other)
    found = []
    for key, text in own.items():
        if not isinstance(text, str) or "%(" in text or len(text) < 12 or " " not in text:
            continue
        # Only where the other language says it differently ("Status" is both).
        if theirs.get(key) not in (None, text):
            found.append(text)
    return found


@pytest.mark.parametrize(("lang", "other"), [("de", "en"), ("en", "de")])
def test_no_page_shows_a_sentence_of_the_other_language(
    client, demo, lang: str, other: str
) -> None:  # type: ignore[no-untyped-def]
    foreign = _sentences(other, lang)
    assert len(foreign) > 50
    problems = []
    for path in _paths(demo):
        text = _visible_text(
            client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").get_data(as_text=True)
        )
        problems += [f"{path}: {s!r}" for s in foreign if s in text]
    assert problems == []


@pytest.mark.parametrize(
    ("path", "lang", "sentence"),
    [
        ("/modules/gibtsnicht", "de", "Ein Modul „gibtsnicht“ gibt es nicht."),
        ("/modules/gibtsnicht", "en", "There is no module “gibtsnicht”."),
        ("/deployments/9999", "de", "Eine Installation mit der Nummer 9999 gibt es nicht."),
    ],
)
def test_404_details_are_in_the_page_language(
    client, demo, path: str, lang: str, sentence: str
) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{path}?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 404
    page = html_lib.unescape(response.get_data(as_text=True))
    assert sentence in page
    assert "no module" not in page or lang == "en"


def test_topics_are_shown_by_their_names(client, demo) -> None:  # type: ignore[no-untyped-def]
    german = _visible_text(client.get("/?lang=de").get_data(as_text=True))
    english = _visible_text(client.get("/?lang=en").get_data(as_text=True))
    assert "Hilfe & FAQ" in german and "Help and FAQ" in english
