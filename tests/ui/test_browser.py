"""The main flows in real Chromium (Debian's /usr/bin/chromium) through Playwright, with axe-core
on every page type and screenshots in test-artifacts/.

The app is served over real HTTP by werkzeug in a thread, on a temporary SQLite file loaded with
the bundled demo data (committed: the server thread has its own sessions).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from registry import create_app
from registry.config import load_settings
from registry.db import make_engine, make_session_factory
from registry.demo import DEMO_PATH
from registry.migrate import upgrade
from registry.models import Deployment
from registry.services.tokens import create_token
from registry.services.transfer import import_document

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERIOUS = {"serious", "critical"}


@dataclass(frozen=True)
class Server:
    url: str
    ids: dict[str, int]
    admin_token: str
    deployment_token: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'registry.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        import_document(session, json.loads(DEMO_PATH.read_text(encoding="utf-8")), source="demo")
        _, admin = create_token(session, "admin")
        _, deployment = create_token(session, "deployment")
        session.commit()
        ids = dict(session.execute(select(Deployment.name, Deployment.id)).tuples().all())
    engine.dispose()
    with serve_registry(url, folder) as base_url:
        yield Server(base_url, ids, admin, deployment)


@contextmanager
def serve_registry(url: str, folder: Path) -> Iterator[str]:
    """The registry on the database at ``url``, over real HTTP on a free loopback port."""
    settings = load_settings(
        None,
        {
            "SVA_REGISTRY_DATABASE_URL": url,
            "SVA_REGISTRY_INSTANCE_PATH": str(folder / "instance"),
            "SVA_REGISTRY_SERVER_SECRET_KEY": "browser-test-secret",
        },
    )
    httpd = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (bin/install installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, server: Server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def check_accessibility(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """axe-core on the current page: no serious or critical violation; plus a screenshot."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    assert bad == [], f"{name}: {bad}"


def tab_to(page, selector: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_search_and_filter(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    check_accessibility(page, "catalogue")
    page.get_by_label("Suche", exact=True).fill("abfall")
    page.get_by_label("Status", exact=True).select_option("stable")
    page.get_by_role("button", name="Module anzeigen").click()
    assert "q=abfall" in page.url
    assert page.get_by_role("link", name="Abfallkalender").is_visible()
    assert page.get_by_role("status").inner_text().endswith("gefunden")
    assert page.locator("tbody tr").count() >= 1
    assert page.get_by_role("link", name="Nachrichten").count() == 0
    page.get_by_label("Übernehmbar für").select_option(label="Frankfurt (Oder) (Demo)")
    page.get_by_role("button", name="Module anzeigen").click()
    assert "Übernehmbare Version" in page.locator("thead").inner_text()


def test_module_page(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_role("link", name="Chatbot").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Chatbot")
    assert page.locator("table.matrix").is_visible()
    assert page.locator("#badge-snippet").input_value().startswith("[![SVA](")
    check_accessibility(page, "module")
    page.goto("/modules/augmented-reality")
    assert page.get_by_text("Angegebene und erkannte Lizenz unterscheiden sich").is_visible()


def test_deployment_verdicts(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto("/deployments")
    check_accessibility(page, "deployments")
    page.get_by_role("link", name="Guben (Demo)").click()
    chatbot = page.locator("article", has=page.get_by_role("heading", name="Chatbot"))
    # Reasons and plan are folded; opening the details shows them.
    reason = chatbot.get_by_text("Benötigt Smart Village App 4.3.0; die Installation hat 4.2.0.")
    expect(reason).to_be_hidden()
    chatbot.locator("summary").click()
    expect(reason).to_be_visible()
    expect(chatbot).to_contain_text("Aktualisieren Sie Smart Village App von 4.2.0 auf 4.3.0.")
    check_accessibility(page, "deployment")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_magdeburg_page_answers_in_its_first_screen(page, server: Server, width: int) -> None:  # type: ignore[no-untyped-def]
    height = 900 if width == 1280 else 844
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/deployments/{server.ids['Magdeburg (Demo)']}")
    answer = page.locator("#answer")
    expect(answer).to_contain_text("weitere Module sind jetzt übernehmbar")
    best = answer.locator(".answer-best")
    expect(best).to_contain_text("Smart Village App auf 4.3.0 aktualisieren: schaltet")
    # Both the figures and the best upgrade are inside the first screen.
    box = best.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height
    page.screenshot(path=str(ARTIFACTS / f"magdeburg-first-screen-{width}px.png"))
    # A group links to its module's card further down.
    page.locator("#fixes").get_by_role("link", name="Chatbot").click()
    assert page.url.endswith("#v-chatbot")
    expect(page.locator("#v-chatbot")).to_be_in_viewport()
    check_accessibility(page, f"magdeburg-{width}px")


def test_what_if(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/deployments/{server.ids['Kiel (Demo)']}")
    page.get_by_label("App-Version").fill("4.3.0")
    page.get_by_label("Zusätzliche Fähigkeiten des Mainservers").fill(
        "vouchers, redeemQuotaOfVoucher"
    )
    page.get_by_role("button", name="Zeigen, was sich ändern würde").click()
    gained = page.locator("section", has=page.get_by_role("heading", name="Würde übernehmbar"))
    assert gained.get_by_role("link", name="Gutscheine").is_visible()
    check_accessibility(page, "what-if")


def test_create_deployment_bad_then_good(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto("/deployments/new")
    assert "/login" in page.url
    check_accessibility(page, "login")
    page.get_by_label("Token").fill(server.deployment_token)
    page.get_by_role("button", name="Anmelden").click()
    assert page.url.endswith("/deployments/new")
    page.get_by_label("Amtlicher Gemeindeschlüssel (AGS)").fill("99")
    page.get_by_label("App-Version").fill("vier")
    page.get_by_role("button", name="Installation speichern").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    # Focus moves to the summary so a screen reader reads the problems first; the script does
    # it on DOMContentLoaded, so wait for the focus instead of reading it once.
    expect(summary).to_be_focused()
    assert page.locator("#name").get_attribute("aria-invalid") == "true"
    assert page.locator("#app-error").is_visible()
    check_accessibility(page, "deployment-form-errors")
    page.get_by_label("Name (Pflichtfeld)").fill("Browserhausen")
    page.get_by_label("Amtlicher Gemeindeschlüssel (AGS)").fill("")
    page.get_by_label("App-Version").fill("4.2.1")
    page.get_by_label("Module", exact=True).fill("nachrichten = 4.2.0")
    page.get_by_role("button", name="Installation speichern").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Browserhausen"
    assert page.get_by_text("Die Installation wurde gespeichert.").is_visible()


def test_the_form_refuses_what_is_not_real(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    # The deployment token is bound to the deployment another test created; an admin may create.
    page.goto("/login?next=/deployments/new")
    page.get_by_label("Token").fill(server.admin_token)
    page.get_by_role("button", name="Anmelden").click()
    page.goto("/deployments/new")
    page.get_by_label("Name (Pflichtfeld)").fill("Prüfhausen")
    page.get_by_label("Amtlicher Gemeindeschlüssel (AGS)").fill("12069020")
    page.get_by_label("App-Version").fill("4.3.0")
    page.get_by_label("Module", exact=True).fill("chatbott = 4.3.0\nnachrichten = 4.2.1")
    page.get_by_label("Erlaubte Lizenzen").fill("GPL")
    page.get_by_role("button", name="Installation speichern").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    for sentence in (
        "Ein Modul „chatbott“ gibt es im Verzeichnis nicht. Meinten Sie: chatbot",
        "nachrichten hat keine Version 4.2.1.",
        "„GPL“ ist keine SPDX-Lizenzkennung. Meinten Sie:",
        "Der AGS 12069020 gehört schon zur Installation „Bad Belzig (Demo)“.",
    ):
        expect(summary).to_contain_text(sentence)
    check_accessibility(page, "deployment-form-unreal")


def test_language_switch(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto("/components")
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Components"
    check_accessibility(page, "components-en")
    page.get_by_role("link", name="Activity").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Activity"
    check_accessibility(page, "activity-en")
    page.get_by_role("link", name="Deutsch").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Aktivität"


def test_keyboard_only_main_flow(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert skip.bounding_box()["x"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    tab_to(page, "#q")
    page.keyboard.type("Gutscheine")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Gutscheine**")
    tab_to(page, "a[href='/modules/gutscheine']")
    # The focus is visible: an outline or a box shadow is drawn.
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle + ' ' + s.boxShadow; }"
    )
    assert "solid" in style or "rgb" in style
    page.keyboard.press("Enter")
    page.wait_for_url("**/modules/gutscheine")
    # "Can my deployment adopt it?": choose Kiel by typing, then press the button.
    tab_to(page, "#check-deployment")
    page.keyboard.type("Kiel")
    tab_to(page, "section:has(#for-you) button")
    page.keyboard.press("Enter")
    page.wait_for_url("**deployment=*")
    # The reasons are folded: open them with the keyboard.
    tab_to(page, "#for-you ~ div[role=status] summary")
    page.keyboard.press("Enter")
    answer = page.locator("#for-you ~ div[role=status]")
    expect(answer).to_contain_text("„Gutscheine (vouchers)“")
    assert "Noch nicht übernehmbar" in answer.inner_text()
    tab_to(page, "a[href='/deployments']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/deployments")
    kiel = server.ids["Kiel (Demo)"]
    tab_to(page, f"a[href='/deployments/{kiel}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/deployments/{kiel}")
    tab_to(page, "#wi-app")
    page.keyboard.press("Control+A")
    page.keyboard.type("4.3.0")
    page.keyboard.press("Enter")
    page.wait_for_url("**/what-if?**")
    assert page.get_by_role("heading", name="Würde übernehmbar").is_visible()


@pytest.mark.parametrize("width", [375, 640])
def test_phone_and_zoomed_layout_has_no_horizontal_scrolling(
    page, server: Server, width: int
) -> None:  # type: ignore[no-untyped-def]
    # 640 CSS pixels is a 1280 pixel window at 200 % zoom.
    page.set_viewport_size({"width": width, "height": 800})
    for path in (
        "/",
        "/modules/abfallkalender",
        f"/deployments/{server.ids['Guben (Demo)']}",
        f"/deployments/{server.ids['Kiel (Demo)']}/what-if?app=4.3.0",
        "/activity",
        "/components",
        "/deployments",
        "/login",
    ):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
    page.goto("/")
    page.screenshot(path=str(ARTIFACTS / f"catalogue-{width}px.png"), full_page=False)
    # The form (after login) too: labels, hints and inputs stay inside the screen.
    page.goto("/login?next=/deployments/new")
    page.get_by_label("Token").fill(server.admin_token)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/deployments/new")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the deployment form scrolls sideways by {overflow}px at {width}px"
    check_accessibility(page, f"deployment-form-{width}px")


def test_error_page_is_accessible(page, server: Server) -> None:  # type: ignore[no-untyped-def]
    response = page.goto("/modules/does-not-exist")
    assert response is not None and response.status == 404
    check_accessibility(page, "error-404")
