"""Every page renders from the demo data, in German by default and in English on request."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from registry.i18n import texts
from registry.models import CrawlState
from registry.services.catalog import get_module

PAGES = ["/", "/modules/abfallkalender", "/components", "/activity", "/deployments", "/login"]


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_german_with_landmarks(client, demo, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = _text(response)
    assert '<html lang="de">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<nav" in html and "<header" in html and "<footer" in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("path", PAGES)
def test_english_switch_sets_language_and_cookie(client, demo, path: str) -> None:
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert '<html lang="en">' in _text(response)
    assert "lang=en" in " ".join(response.headers.getlist("Set-Cookie"))
    # The cookie keeps English on the next page without the parameter.
    assert '<html lang="en">' in _text(client.get("/components"))


def test_catalogue_lists_demo_modules_with_counts(client, demo) -> None:
    html = _text(client.get("/"))
    assert "Abfallkalender" in html or "abfallkalender" in html
    assert re.search(r"\d+ Module gefunden", html)


def test_catalogue_search_filters(client, demo) -> None:
    html = _text(client.get("/?q=chatbot"))
    assert "/modules/chatbot" in html
    assert "/modules/abfallkalender" not in html
    assert "1 Modul gefunden" in html


def test_catalogue_license_and_status_filters(client, demo) -> None:
    html = _text(client.get("/?license=EUPL-1.2"))
    assert "/modules/sva-bus-server" in html
    assert "/modules/abfallkalender" not in html
    beta = _text(client.get("/?status=beta"))
    assert "/modules/augmented-reality" in beta
    assert "/modules/abfallkalender" not in beta


def test_catalogue_sort_by_adoption_puts_most_used_first(client, demo) -> None:
    html = _text(client.get("/?sort=adoption"))
    first = re.search(r'href="/modules/([a-z0-9-]+)"', html)
    assert first is not None and first.group(1) == "nachrichten"


def test_module_page_shows_releases_matrix_and_adopters(client, demo) -> None:
    html = _text(client.get("/modules/abfallkalender"))
    assert "Veröffentlichungen" in html
    assert 'class="matrix"' in html
    # Not by colour alone: each cell says yes or no in words.
    assert "✓</span> ja" in html and "✗</span> nein" in html
    assert "Bad Belzig (Demo)" in html
    assert "/badges/abfallkalender.svg" in html


def test_module_page_warns_when_declared_and_detected_license_differ(client, demo) -> None:
    html = _text(client.get("/modules/augmented-reality"))
    assert "Angegebene und erkannte Lizenz unterscheiden sich" in html
    assert "GPL-3.0-or-later" in html and "GPL-3.0" in html


def test_unknown_module_is_a_404_page(client, demo) -> None:
    response = client.get("/modules/no-such-module", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Fehler 404" in _text(response)
    assert "Diese Seite gibt es nicht (mehr)." in _text(response)


def test_private_deployment_hidden_from_anonymous_list(client, demo) -> None:
    html = _text(client.get("/deployments"))
    assert "Guben (Demo)" in html
    assert "Bernau bei Berlin (Demo)" not in html


def test_components_page_shows_support_status(client, demo) -> None:
    html = _text(client.get("/components"))
    assert "4.3.0" in html and "unterstützt" in html and "Support beendet" in html


def test_activity_page_has_charts_and_tables(client, demo) -> None:
    html = _text(client.get("/activity"))
    assert html.count('<svg class="chart" role="img"') == 2
    assert "Veröffentlichungen pro Jahr" in html
    assert "wurde veröffentlicht" in html


def test_healthz_stays_json(client) -> None:
    response = client.get("/healthz")
    assert response.get_json() == {"status": "ok"}


def test_module_page_shows_crawl_errors_and_every_problem_with_file_and_line(client, demo) -> None:
    module = get_module(demo, "humhub-ext")
    demo.add(
        CrawlState(
            repository=module.repository,
            last_attempt=datetime(2026, 8, 20, 10, 0, tzinfo=UTC),
            last_success=datetime(2026, 8, 1, 10, 0, tzinfo=UTC),
            last_error="rate limited until 11:00",
        )
    )
    release = module.releases[0]
    release.problems = [
        {
            "file": "sva-module.yml",
            "line": 7,
            "column": 3,
            "field": "requires.app",
            "message": "bad range",
        },
        {
            "file": "sva-module.yml",
            "line": 12,
            "column": 1,
            "field": "license",
            "message": "unknown SPDX id",
        },
    ]
    demo.commit()
    html = _text(client.get("/modules/humhub-ext"))
    crawl = html.split('id="crawl"', 1)[1].split("</section>", 1)[0]
    assert "rate limited until 11:00" in crawl and "01.08.2026" in crawl
    problems = html.split('id="problems"', 1)[1].split("</section>", 1)[0]
    assert "2 Probleme" in problems
    for line, field, message in [
        ("7", "requires.app", "bad range"),
        ("12", "license", "unknown SPDX id"),
    ]:
        assert f">{line}</td>" in problems and field in problems and message in problems
    activity = _text(client.get("/activity"))
    health = activity.split('id="crawl-health"', 1)[1].split("</section>", 1)[0]
    assert module.repository in health and "fehlerhaft" in health


def test_activity_timeline_pages_back_in_time(client, demo) -> None:
    first = _text(client.get("/activity"))
    older = re.search(r'href="(/activity\?before=\d+)#timeline"', first)
    assert older is not None
    second = _text(client.get(older.group(1)))
    times = re.findall(r'<time datetime="([^"]+)"', first)
    later_times = re.findall(r'<time datetime="([^"]+)"', second)
    assert len(times) == 40 and later_times
    assert max(later_times) <= min(times)


def test_language_parameter_sets_no_cookie_on_json_answers(client, demo) -> None:
    response = client.get("/api/v1/modules?lang=en")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", [*PAGES, "/deployments/2", "/deployments/4/what-if?app=4.3.0"])
def test_english_pages_contain_no_german_ui_text(client, demo, path: str) -> None:
    german = [
        text
        for message, text in texts("de").items()
        if isinstance(text, str) and "%(" not in text and text != message and len(text) >= 8
    ]
    html = _text(client.get(path + ("&" if "?" in path else "?") + "lang=en"))
    # Module texts that exist only in German are marked lang="de" (WCAG 3.1.2): not UI text.
    html = re.sub(r'<(\w+)[^>]*\blang="de"[^>]*>.*?</\1>', " ", html, flags=re.S)
    # Whole words only: "Installation" is German, "Installations of ..." English.
    assert [text for text in german if re.search(rf"\b{re.escape(text)}\b", html)] == []


def test_components_page_counts_public_deployments_per_version(client, demo) -> None:
    html = _text(client.get("/components"))
    # Bad Belzig and Augsburg run app 4.3.0 publicly; Bernau (private) runs 3.2.7.
    row_430 = re.search(r"<th scope=\"row\"[^>]*>4\.3\.0.*?</tr>", html, re.S)
    assert row_430 is not None and ">2</td>" in row_430.group(0)
    row_327 = re.search(r"<th scope=\"row\"[^>]*>3\.2\.7.*?</tr>", html, re.S)
    assert row_327 is not None and ">0</td>" in row_327.group(0)


def test_german_fallback_text_is_marked_as_german_in_english_pages(client, demo) -> None:
    module = get_module(demo, "chatbot")
    module.summary_en = ""
    demo.commit()
    html = _text(client.get("/modules/chatbot?lang=en"))
    assert f'<p class="lead" lang="de">{module.summary_de}</p>' in html
    assert '<span lang="en">Chatbot</span>' in html
