"""Guides, experience reports and contacts through the API: revisions, permissions, anonymity."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from registry.models import Deployment, Event, Guide, Module
from registry.services.tokens import create_token

GUIDE = {"title": "Mängelmelder einführen", "body": "# Schritte\n\n1. Kategorien", "language": "de"}
REPORT = {
    "title": "Einführung in 3 Monaten",
    "body": "Wir haben **Kategorien** mit dem Bauhof abgestimmt.",
    "version": "4.3.0",
    "personDays": 12.5,
}


def token(session, role, **scope) -> dict[str, str]:
    _row, secret = create_token(session, role, **scope)
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


def deployment_id(session, name: str) -> int:
    return session.scalar(select(Deployment.id).where(Deployment.name == name))


@pytest.fixture()
def admin(demo):
    return token(demo, "admin")


def test_a_publisher_writes_a_guide_and_every_edit_is_a_revision(client, demo):
    publisher = token(demo, "publisher", module="maengelmelder")
    created = client.post("/api/v1/modules/maengelmelder/guides", json=GUIDE, headers=publisher)
    assert created.status_code == 201, created.get_json()
    guide = created.get_json()
    assert created.headers["Location"] == f"/api/v1/guides/{guide['id']}"
    assert guide["origin"] == "registry" and guide["reviewed"] is None
    assert "<h2>Schritte</h2>" in guide["html"]
    changed = {**GUIDE, "body": "# Schritte\n\n1. Kategorien\n2. Bauhof", "language": "de"}
    updated = client.put(f"/api/v1/guides/{guide['id']}", json=changed, headers=publisher)
    assert updated.status_code == 200
    revisions = client.get(f"/api/v1/guides/{guide['id']}/revisions").get_json()["items"]
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[0]["body"] == GUIDE["body"] and revisions[1]["body"] == changed["body"]
    assert {r["author"]["role"] for r in revisions} == {"publisher"}
    assert all(r["author"]["token"] is not None and r["createdAt"] for r in revisions)
    listed = client.get("/api/v1/modules/maengelmelder/guides").get_json()["items"]
    assert [g["title"] for g in listed] == [GUIDE["title"]]
    events = demo.scalars(select(Event).where(Event.kind == "guide-published")).all()
    assert [e.data["guide"] for e in events] == [guide["id"]]


def test_guide_permissions_and_errors(client, demo, admin):
    other = token(demo, "publisher", module="chatbot")
    response = client.post("/api/v1/modules/maengelmelder/guides", json=GUIDE, headers=other)
    assert response.status_code == 403
    assert client.post("/api/v1/modules/maengelmelder/guides", json=GUIDE).status_code == 401
    deployment = token(demo, "deployment", deployment=deployment_id(demo, "Guben (Demo)"))
    assert (
        client.post("/api/v1/modules/maengelmelder/guides", json=GUIDE, headers=deployment)
    ).status_code == 403
    bad = client.post(
        "/api/v1/modules/maengelmelder/guides",
        json={"title": "", "language": "fr", "extra": 1},
        headers=admin,
    )
    assert bad.status_code == 400
    fields = {d["field"] for d in bad.get_json()["error"]["details"]}
    assert fields == {"title", "body", "language", "extra"}
    assert client.post("/api/v1/modules/nope/guides", json=GUIDE, headers=admin).status_code == 404
    guide = client.post("/api/v1/modules/maengelmelder/guides", json=GUIDE, headers=admin)
    guide_id = guide.get_json()["id"]
    assert client.put(f"/api/v1/guides/{guide_id}", json=GUIDE, headers=other).status_code == 403
    assert client.delete(f"/api/v1/guides/{guide_id}", headers=other).status_code == 403
    assert client.delete(f"/api/v1/guides/{guide_id}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/guides/{guide_id}").status_code == 404
    assert client.get("/api/v1/modules/maengelmelder/guides").get_json()["items"] == []


def test_admins_review_and_hide_guides(client, demo, admin):
    guide_id = client.post(
        "/api/v1/modules/maengelmelder/guides", json=GUIDE, headers=admin
    ).get_json()["id"]
    publisher = token(demo, "publisher", module="maengelmelder")
    url = f"/api/v1/guides/{guide_id}/moderation"
    assert client.put(url, json={"reviewed": True}, headers=publisher).status_code == 403
    reviewed = client.put(url, json={"reviewed": True}, headers=admin).get_json()
    assert reviewed["reviewed"]["at"] and reviewed["reviewed"]["by"] is not None
    assert client.put(url, json={"hidden": "yes"}, headers=admin).status_code == 400
    assert client.put(url, json={"hidden": True}, headers=admin).status_code == 200
    assert client.get(f"/api/v1/guides/{guide_id}").status_code == 404
    assert client.get(f"/api/v1/guides/{guide_id}", headers=admin).status_code == 200
    assert client.get("/api/v1/modules/maengelmelder/guides").get_json()["items"] == []


def test_xss_in_markdown_is_stripped(client, demo, admin):
    body = (
        "<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3)) [site](https://example.org)\n\n"
        '<a href="https://example.org" onclick="alert(4)">raw</a>'
    )
    created = client.post(
        "/api/v1/modules/maengelmelder/guides",
        json={"title": "<b>x</b>", "body": body, "language": "en"},
        headers=admin,
    ).get_json()
    html = created["html"]
    elements = elements_of(html)
    assert {tag for tag, _ in elements} == {"p", "a"}
    assert elements.count(("a", (("href", "https://example.org"), ("rel", "nofollow noopener"))))
    assert all(not name.startswith("on") for _, attrs in elements for name, _ in attrs)
    # What looked like HTML stays visible as text, harmless.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def elements_of(html: str) -> list[tuple[str, tuple[tuple[str, str | None], ...]]]:
    """Every start tag of ``html`` with its attributes."""
    found: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, tuple(attrs)))

    Collector().feed(html)
    return found


def test_a_deployment_reports_only_on_modules_it_runs(client, demo, admin):
    bad_belzig = token(demo, "deployment", deployment=deployment_id(demo, "Bad Belzig (Demo)"))
    created = client.post("/api/v1/modules/maengelmelder/reports", json=REPORT, headers=bad_belzig)
    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    assert report["deployment"]["name"] == "Bad Belzig (Demo)"
    guben = token(demo, "deployment", deployment=deployment_id(demo, "Guben (Demo)"))
    refused = client.post("/api/v1/modules/maengelmelder/reports", json=REPORT, headers=guben)
    assert refused.status_code == 403
    publisher = token(demo, "publisher", module="maengelmelder")
    assert (
        client.post("/api/v1/modules/maengelmelder/reports", json=REPORT, headers=publisher)
    ).status_code == 403
    wrong = client.post(
        "/api/v1/modules/maengelmelder/reports",
        json={**REPORT, "version": "9.9.9", "personDays": -1, "contact": {"email": "x"}},
        headers=bad_belzig,
    )
    assert wrong.status_code == 400
    fields = {d["field"] for d in wrong.get_json()["error"]["details"]}
    assert fields == {"version", "personDays", "contact.name", "contact.email"}
    url = f"/api/v1/reports/{report['id']}/moderation"
    assert client.put(url, json={"reviewed": True}, headers=bad_belzig).status_code == 403
    assert client.put(url, json={"reviewed": True}, headers=admin).get_json()["reviewed"]
    listed = client.get("/api/v1/modules/maengelmelder/reports").get_json()["items"]
    assert [r["id"] for r in listed] == [report["id"]] and listed[0]["reviewed"]["at"]
    assert client.put(url, json={"hidden": True}, headers=admin).status_code == 200
    assert client.get("/api/v1/modules/maengelmelder/reports").get_json()["items"] == []
    assert client.get(f"/api/v1/reports/{report['id']}").status_code == 404


def test_reports_of_private_deployments_are_anonymous(client, demo):
    bernau = deployment_id(demo, "Bernau bei Berlin (Demo)")
    headers = token(demo, "deployment", deployment=bernau)
    created = client.post(
        "/api/v1/modules/abfallkalender/reports",
        json={**REPORT, "version": "3.2.7"},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    listed = client.get("/api/v1/modules/abfallkalender/reports").get_json()["items"]
    assert listed[0]["deployment"] is None
    assert "Bernau" not in client.get("/api/v1/modules/abfallkalender/reports").get_data(True)
    event = demo.scalars(select(Event).where(Event.kind == "report-published")).one()
    assert event.deployment_id is None and event.data["author"] is None
    feed = client.get("/api/v1/feed.json").get_data(as_text=True)
    assert "Bernau" not in feed and REPORT["title"] in feed


def test_contacts_are_listed_nearest_state_first(client, demo):
    offers = {
        "Bad Belzig (Demo)": "BB",
        "Kiel (Demo)": "SH",
        "Magdeburg (Demo)": "ST",
        "Detmold (Demo)": "NW",
    }
    for name in offers:
        headers = token(demo, "deployment", deployment=deployment_id(demo, name))
        response = client.put(
            f"/api/v1/deployments/{deployment_id(demo, name)}/contacts/nachrichten",
            json={"name": f"IT {name}", "role": "Projektleitung", "email": "it@example.org"},
            headers=headers,
        )
        assert response.status_code == 201, response.get_json()
    # From Guben (BB): Bad Belzig (same state), Magdeburg (ST borders BB), then Kiel (SH, two
    # borders: BB-MV-SH) and Detmold (NW, two borders: BB-NI-NW) by state code.
    guben = deployment_id(demo, "Guben (Demo)")
    body = client.get(f"/api/v1/modules/nachrichten/contacts?deployment={guben}").get_json()
    assert [(c["deployment"]["state"], c["distance"]) for c in body["items"]] == [
        ("BB", 0),
        ("ST", 1),
        ("NW", 2),
        ("SH", 2),
    ]
    assert body["community"]["url"] == "https://svacommunity.org"
    from_kiel = client.get("/api/v1/modules/nachrichten/contacts?state=SH").get_json()["items"]
    # From SH every other state is two borders away (via MV or NI): then by state code.
    assert [(c["deployment"]["state"], c["distance"]) for c in from_kiel] == [
        ("SH", 0),
        ("BB", 2),
        ("NW", 2),
        ("ST", 2),
    ]
    anyone = client.get("/api/v1/modules/nachrichten/contacts").get_json()["items"]
    assert [c["distance"] for c in anyone] == [None] * 4


def test_contact_offers_are_checked(client, demo):
    guben = deployment_id(demo, "Guben (Demo)")
    headers = token(demo, "deployment", deployment=guben)
    url = f"/api/v1/deployments/{guben}/contacts"
    # Guben does not run the chatbot.
    refused = client.put(f"{url}/chatbot", json={"name": "a", "email": "a@b.de"}, headers=headers)
    assert refused.status_code == 403
    bad = client.put(f"{url}/nachrichten", json={"email": "nope"}, headers=headers)
    assert bad.status_code == 400
    assert {d["field"] for d in bad.get_json()["error"]["details"]} == {"name", "email"}
    other = token(demo, "deployment", deployment=deployment_id(demo, "Kiel (Demo)"))
    body = {"name": "a", "email": "a@b.de"}
    assert client.put(f"{url}/nachrichten", json=body, headers=other).status_code == 403
    bernau = deployment_id(demo, "Bernau bei Berlin (Demo)")
    private = token(demo, "deployment", deployment=bernau)
    response = client.put(
        f"/api/v1/deployments/{bernau}/contacts/nachrichten", json=body, headers=private
    )
    assert response.status_code == 403
    assert client.put(f"{url}/nachrichten", json=body, headers=headers).status_code == 201
    assert client.put(f"{url}/nachrichten", json=body, headers=headers).status_code == 200
    assert client.delete(f"{url}/nachrichten", headers=headers).status_code == 204
    assert client.get("/api/v1/modules/nachrichten/contacts").get_json()["items"] == []


def test_guides_and_reports_are_found_by_the_catalogue_search_and_are_feed_events(
    client, demo, admin
):
    body = {
        "title": "Bauhof einbinden",
        "body": "Die Zuständigkeitsgebiete zuerst",
        "language": "de",
    }
    client.post("/api/v1/modules/maengelmelder/guides", json=body, headers=admin)
    found = client.get("/api/v1/modules?q=zuständigkeitsgebiete").get_json()["items"]
    assert [m["slug"] for m in found] == ["maengelmelder"]
    feed = client.get("/api/v1/feed.json").get_json()
    assert feed["items"][0]["title"] == "New guide for maengelmelder: Bauhof einbinden"
    page = client.get("/?q=Zuständigkeitsgebiete").get_data(as_text=True)
    assert "Bauhof einbinden" in page and "Anleitungen und Erfahrungsberichte" in page


def test_load_demo_brings_the_maengelmelder_onboarding_guide_once(session):
    from registry.services.demo import load_demo

    load_demo(session)
    again = load_demo(session)
    titles = session.scalars(
        select(Guide.title).join(Module).where(Module.slug == "maengelmelder")
    ).all()
    assert titles == ["Den Mängelmelder einführen"]
    assert "guide created" not in again.summary()
    guide = session.scalars(select(Guide)).one()
    assert "admin-doku" in guide.body and guide.revisions[0].author_role == "demo"
