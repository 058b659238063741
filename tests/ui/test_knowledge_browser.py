"""Guide, report and checklist pages in real Chromium, with axe-core (0 serious violations)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from registry.db import make_engine, make_session_factory
from registry.migrate import upgrade
from registry.models import Deployment
from registry.services.demo import load_demo
from registry.services.tokens import create_token
from tests.ui.test_browser import browser, check_accessibility, serve_registry

__all__ = ["browser"]
pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class KnowledgeServer:
    url: str
    magdeburg: int
    magdeburg_token: str
    belzig_token: str
    admin_token: str


@pytest.fixture(scope="module")
def knowledge_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeServer]:
    folder = tmp_path_factory.mktemp("knowledge-browser")
    url = f"sqlite:///{folder / 'registry.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        load_demo(session)  # with the demo's Mängelmelder guide
        ids = dict(session.execute(select(Deployment.name, Deployment.id)).tuples().all())
        _, magdeburg = create_token(session, "deployment", deployment=ids["Magdeburg (Demo)"])
        _, belzig = create_token(session, "deployment", deployment=ids["Bad Belzig (Demo)"])
        _, admin = create_token(session, "admin")
        session.commit()
    engine.dispose()
    with serve_registry(url, folder) as base_url:
        yield KnowledgeServer(base_url, ids["Magdeburg (Demo)"], magdeburg, belzig, admin)


@pytest.fixture()
def page(browser, knowledge_server: KnowledgeServer):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=knowledge_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, token: str, next_path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Anmelden").click()


def test_guide_page_from_the_module_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/modules/maengelmelder")
    check_accessibility(page, "module-knowledge")
    page.get_by_role("link", name="Den Mängelmelder einführen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Den Mängelmelder einführen")
    expect(page.get_by_role("heading", name="1. Die Ausbaustufe wählen")).to_be_visible()
    check_accessibility(page, "guide")


def test_a_report_is_written_and_reviewed(page, knowledge_server) -> None:  # type: ignore[no-untyped-def]
    login(page, knowledge_server.belzig_token, "/modules/maengelmelder/reports/new")
    check_accessibility(page, "report-form")
    page.get_by_label("Titel (Pflichtfeld)").fill("Kategorien mit dem Bauhof abstimmen")
    page.get_by_label("Bericht (Pflichtfeld)").fill("- Kategorien zuerst\n- dann Zuständigkeiten")
    page.get_by_label("Aufwand in Personentagen (Pflichtfeld)").fill("3")
    page.get_by_role("button", name="Bericht veröffentlichen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kategorien mit dem Bauhof abstimmen")
    check_accessibility(page, "report")
    report_url = page.url
    page.get_by_role("button", name="Abmelden").click()
    login(page, knowledge_server.admin_token, "/")
    page.goto(report_url)
    page.get_by_role("button", name="Als geprüft markieren").click()
    expect(page.get_by_text("Geprüft von der Geschäftsstelle", exact=False)).to_be_visible()


def test_magdeburg_ticks_off_the_chatbot_checklist(page, knowledge_server) -> None:  # type: ignore[no-untyped-def]
    path = f"/deployments/{knowledge_server.magdeburg}/onboarding/chatbot"
    login(page, knowledge_server.magdeburg_token, path)
    page.goto(path)
    first = page.locator("ol.checklist > li").first
    expect(first).to_contain_text("app von 3.3.5 auf 4.3.0 aktualisieren.")
    check_accessibility(page, "checklist")
    first.get_by_role("button").click()
    expect(page.get_by_text("1 von 4 Schritten erledigt.")).to_be_visible()
    page.goto(f"/deployments/{knowledge_server.magdeburg}/onboarding")
    expect(page.get_by_role("link", name="Chatbot")).to_be_visible()
    check_accessibility(page, "onboarding")
