"""PUT /api/v1/modules/<slug>: admins' edits win over every source; the repository change is
an event; every error path."""

import pytest
from sqlalchemy import select

from registry.models import CrawlRequest, Event
from registry.services.importing import import_paths
from registry.services.tokens import create_token
from tests.conftest import FIXTURES


def token(session, role, **scope):
    _row, secret = create_token(session, role, **scope)
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def admin(demo):
    return token(demo, "admin")


def test_an_admin_edit_wins_over_every_later_import(client, demo, admin):
    response = client.put(
        "/api/v1/modules/abfallkalender",
        json={"name": {"de": "Abfallkalender (geprüft)"}, "license": "GPL-3.0-or-later"},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"]["de"] == "Abfallkalender (geprüft)"
    assert body["provenance"]["name.de"]["source"] == "admin"
    assert body["provenance"]["license"]["source"] == "admin"
    demo.expire_all()  # the edit was made in the app's session
    result = import_paths(demo, [FIXTURES / "metadata/admin-doku/yml/modules/abfallkalender.yml"])
    demo.commit()
    assert "abfallkalender: name.de kept: set by admin edit" in "\n".join(result.lines())
    again = client.get("/api/v1/modules/abfallkalender").get_json()
    assert again["name"]["de"] == "Abfallkalender (geprüft)"
    assert again["provenance"]["description.de"]["source"] == "admin-doku"


def test_changing_the_repository_is_an_event_and_queues_a_crawl(client, demo, admin):
    before = client.get("/api/v1/modules/sva-bus-server").get_json()["repository"]
    new = "https://github.com/smart-village-solutions/sva-bus"
    response = client.put(
        "/api/v1/modules/sva-bus-server", json={"repository": new + ".git"}, headers=admin
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["repository"] == new
    event = demo.scalars(select(Event).where(Event.kind == "repository-changed")).one()
    assert event.data == {"from": before, "to": new, "by": "api"}
    assert demo.scalars(select(CrawlRequest).where(CrawlRequest.repository == new)).one()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"developmentStatus": "great"}, "developmentStatus"),
        ({"license": "Not A License"}, "license"),
        ({"repository": "https://evil.example/a/b"}, "repository"),
        ({"slug": "other"}, "slug"),
        ({"name": {"de": 3}}, "name.de"),
        ({"flags": {"hidden": "yes"}}, "flags.hidden"),
        ({"host": {"component": "nope", "path": "src"}}, "host.component"),
        ({}, ""),
    ],
)
def test_bad_edits_are_refused_with_every_problem(client, demo, admin, body, field):
    response = client.put("/api/v1/modules/abfallkalender", json=body, headers=admin)
    assert response.status_code == 400
    assert field in [d["field"] for d in response.get_json()["error"]["details"]]


def test_edits_need_an_admin_token(client, demo):
    url = "/api/v1/modules/abfallkalender"
    assert client.put(url, json={"topic": "x"}).status_code == 401
    publisher = token(demo, "publisher", module="abfallkalender")
    assert client.put(url, json={"topic": "x"}, headers=publisher).status_code == 403


def test_editing_an_unknown_module_is_404(client, demo, admin):
    response = client.put("/api/v1/modules/nope", json={"topic": "x"}, headers=admin)
    assert response.status_code == 404


def test_the_repository_may_move_to_opencode(client, demo, admin):
    new = "https://gitlab.opencode.de/bad-belzig/sva/sva-bus-server"
    response = client.put(
        "/api/v1/modules/sva-bus-server", json={"repository": new + ".git"}, headers=admin
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["repository"] == new
    assert demo.scalars(select(CrawlRequest).where(CrawlRequest.repository == new)).one()
