"""The knowledge on pages: module sections, guide and report pages, the report form, review."""

from __future__ import annotations

from registry.models import Module
from registry.services import guides, reports
from registry.services.tokens import Principal
from tests.ui.conftest import csrf_from, deployment_id, login


def _module(session, slug: str) -> Module:
    from sqlalchemy import select

    return session.scalars(select(Module).where(Module.slug == slug)).one()


def test_module_page_shows_the_admin_doku_sections_and_the_central_contact(client, demo):
    page = client.get("/modules/maengelmelder").get_data(as_text=True)
    assert "Beschreibung der Community" in page and "Einsatzszenario" in page
    assert "Schlaglöcher oder Straßenschäden melden" in page  # from admin-doku usage_scenario
    assert "Bauhof / Technische Dienste" in page  # involved_actors
    assert "Fragen Sie:" in page and "https://svacommunity.org" in page
    assert "Noch keine Anleitungen" in page


def test_guide_page_renders_safe_markdown_and_is_linked_by_title(client, demo):
    admin = Principal(1, "admin")
    guide = guides.create_guide(
        demo,
        _module(demo, "maengelmelder"),
        {"title": "Einführung", "body": "# Schritte\n\n<script>x()</script>", "language": "de"},
        admin,
    )
    demo.commit()
    module_page = client.get("/modules/maengelmelder").get_data(as_text=True)
    assert f'<a href="/guides/{guide.id}">Einführung</a>' in module_page
    page = client.get(f"/guides/{guide.id}").get_data(as_text=True)
    assert "<h2>Schritte</h2>" in page
    assert "<script>x()" not in page and "&lt;script&gt;x()" in page
    assert "Noch nicht von der Geschäftsstelle der Community geprüft" in page


def test_a_deployment_writes_a_report_and_an_admin_reviews_it(client, demo, token_for):
    belzig = deployment_id(demo, "Bad Belzig (Demo)")
    login(client, token_for("deployment", deployment=belzig))
    form = client.get("/modules/maengelmelder/reports/new")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'value="4.3.0"' in html  # the version Bad Belzig runs
    bad = client.post(
        "/modules/maengelmelder/reports/new",
        data={"csrf_token": csrf_from(html), "title": "", "body": "", "version": "4.3.0"},
    )
    assert bad.status_code == 400
    problems = bad.get_data(as_text=True)
    assert "Es gibt ein Problem – nichts wurde gespeichert" in problems
    assert '<a href="#title">' in problems and '<a href="#personDays">' in problems
    created = client.post(
        "/modules/maengelmelder/reports/new",
        data={
            "csrf_token": csrf_from(html),
            "title": "Kategorien mit dem Bauhof",
            "body": "- Kategorien abgestimmt",
            "version": "4.3.0",
            "personDays": "2,5",
        },
    )
    assert created.status_code == 302
    location = created.headers["Location"]
    report_page = client.get(location).get_data(as_text=True)
    assert "Bad Belzig (Demo)" in report_page and "2,5 Personentage" in report_page
    client.post("/logout", data={"csrf_token": csrf_from(report_page)})
    login(client, token_for("admin"))
    page = client.get(location).get_data(as_text=True)
    reviewed = client.post(
        location + "/moderate", data={"csrf_token": csrf_from(page), "action": "review"}
    )
    assert reviewed.status_code == 302
    assert "Geprüft von der Geschäftsstelle" in client.get(location).get_data(as_text=True)


def test_only_deployments_running_the_module_get_the_report_form(client, demo, token_for):
    login(client, token_for("deployment", deployment=deployment_id(demo, "Guben (Demo)")))
    assert client.get("/modules/maengelmelder/reports/new").status_code == 403
    assert "Erfahrungsbericht schreiben" not in client.get("/modules/maengelmelder").get_data(
        as_text=True
    )


def test_private_reports_name_no_deployment_on_pages(client, demo):
    bernau = deployment_id(demo, "Bernau bei Berlin (Demo)")
    from registry.models import Deployment

    deployment = demo.get(Deployment, bernau)
    report = reports.create_report(
        demo,
        _module(demo, "abfallkalender"),
        deployment,
        {
            "title": "Abfuhrtermine",
            "body": "Import der Termine",
            "version": "3.2.7",
            "personDays": 4,
        },
        Principal(2, "deployment", deployment_id=bernau),
    )
    demo.commit()
    for url in ("/modules/abfallkalender", f"/reports/{report.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Abfuhrtermine" in page and "eine Kommune (ohne Namen)" in page
        # (admin-doku's public list names Bernau bei Berlin as a reported adopter.)
        assert "Bernau bei Berlin (Demo)" not in page and f"/deployments/{bernau}" not in page


def test_magdeburg_ticks_off_the_chatbot_checklist(client, demo, token_for):
    magdeburg = deployment_id(demo, "Magdeburg (Demo)")
    url = f"/deployments/{magdeburg}/onboarding/chatbot"
    anonymous = client.get(url).get_data(as_text=True)
    assert "app von 3.3.5 auf 4.3.0 aktualisieren." in anonymous
    assert "Lizenz prüfen: GPL-3.0-or-later" in anonymous
    assert "0 von 4 Schritten erledigt." in anonymous and "Als erledigt markieren" not in anonymous
    login(client, token_for("deployment", deployment=magdeburg))
    page = client.get(url).get_data(as_text=True)
    ticked = client.post(
        f"{url}/steps/update:app:4.3.0", data={"csrf_token": csrf_from(page), "done": "true"}
    )
    assert ticked.status_code == 302
    assert "1 von 4 Schritten erledigt." in client.get(url).get_data(as_text=True)
    overview = client.get(f"/deployments/{magdeburg}/onboarding").get_data(as_text=True)
    assert f'href="{url}"' in overview and "1 von 4 Schritten erledigt." in overview
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Update app from 3.3.5 to 4.3.0." in english


def test_only_the_deployments_own_token_ticks(client, demo, token_for):
    magdeburg = deployment_id(demo, "Magdeburg (Demo)")
    login(client, token_for("deployment", deployment=deployment_id(demo, "Kiel (Demo)")))
    page = client.get("/login").get_data(as_text=True)
    refused = client.post(
        f"/deployments/{magdeburg}/onboarding/chatbot/steps/ask",
        data={"csrf_token": csrf_from(page), "done": "true"},
    )
    assert refused.status_code == 403
