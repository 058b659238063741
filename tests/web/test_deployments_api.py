"""Deployments API: CRUD, tokens (401/403), private visibility (404), every problem listed (400)."""

import json

import pytest
from sqlalchemy import func, select

from registry.models import Deployment, Event
from registry.services import deployments as service
from registry.services.tokens import create_token

DOCUMENT = {
    "schemaVersion": 1,
    "name": "Musterhausen",
    "ags": "12069020",
    "state": "BB",
    "visibility": "public",
    "channel": "stable",
    "components": {
        "app": "4.2.1",
        "mainserver": {"commit": "04d9eb41", "capabilities": ["search"]},
    },
    "modules": {"maengelmelder": "4.2.1"},
}


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def admin(session):
    _token, secret = create_token(session, "admin")
    session.commit()
    return _bearer(secret)


@pytest.fixture()
def stored(session):
    """A public and a private deployment, each with its own deployment token."""
    public = service.create_deployment(session, DOCUMENT)
    private = service.create_deployment(
        session, dict(DOCUMENT, name="Geheim", visibility="private", ags="12069023")
    )
    _t, public_secret = create_token(session, "deployment", deployment=public.id)
    _t, private_secret = create_token(session, "deployment", deployment=private.id)
    session.commit()
    return {
        "public": public.id,
        "private": private.id,
        "public_token": _bearer(public_secret),
        "private_token": _bearer(private_secret),
    }


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_post_answers_201_with_stored_deployment_and_id(client, admin, session):
    response = client.post("/api/v1/deployments", json=DOCUMENT, headers=admin)
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "Musterhausen" and isinstance(body["id"], int)
    assert response.headers["Location"] == f"/api/v1/deployments/{body['id']}"
    assert (
        client.get(f"/api/v1/deployments/{body['id']}").get_json()["components"]
        == DOCUMENT["components"]
    )


def test_unbound_deployment_token_may_create_then_edit_its_deployment(client, session):
    _t, secret = create_token(session, "deployment")
    session.commit()
    created = client.post("/api/v1/deployments", json=DOCUMENT, headers=_bearer(secret)).get_json()
    changed = dict(DOCUMENT, channel="prerelease")
    response = client.put(
        f"/api/v1/deployments/{created['id']}", json=changed, headers=_bearer(secret)
    )
    assert response.status_code == 200 and response.get_json()["channel"] == "prerelease"


def test_post_without_token_is_401_and_stores_nothing(client, session):
    before = _count(session, Deployment)
    response = client.post("/api/v1/deployments", json=DOCUMENT)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert _count(session, Deployment) == before


def test_post_with_publisher_or_bound_token_is_403(client, session, stored):
    _t, publisher = create_token(session, "publisher")
    session.commit()
    for headers in (_bearer(publisher), stored["public_token"]):
        response = client.post("/api/v1/deployments", json=DOCUMENT, headers=headers)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"


def test_bad_token_is_401(client):
    response = client.post("/api/v1/deployments", json=DOCUMENT, headers=_bearer("sva_nope"))
    assert response.status_code == 401


def test_post_invalid_document_lists_every_problem_and_stores_nothing(client, admin, session):
    before = (_count(session, Deployment), _count(session, Event))
    bad = {
        "schemaVersion": 1,
        "name": "X",
        "ags": "1234",
        "state": "ZZ",
        "visibility": "secret",
        "components": {"app": "four"},
        "modules": {"Bad Slug": "1.0"},
        "extra": True,
    }
    response = client.post("/api/v1/deployments", json=bad, headers=admin)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid-input"
    fields = {detail["field"] for detail in error["details"]}
    assert {"ags", "state", "visibility", "components.app", "extra"} <= fields
    assert any(detail["field"].startswith("modules") for detail in error["details"])
    assert (_count(session, Deployment), _count(session, Event)) == before


@pytest.mark.parametrize(
    "body",
    [
        "",  # empty body
        "{not json",  # broken JSON
        "[1, 2]",  # JSON but no mapping
    ],
)
def test_post_body_that_is_no_document_is_400(client, admin, body):
    response = client.post(
        "/api/v1/deployments", data=body, headers=admin, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]


def test_put_replaces_document(client, stored):
    changed = dict(DOCUMENT, modules={"maengelmelder": "4.3.0"})
    response = client.put(
        f"/api/v1/deployments/{stored['public']}", json=changed, headers=stored["public_token"]
    )
    assert response.status_code == 200
    assert client.get(f"/api/v1/deployments/{stored['public']}").get_json()["modules"] == {
        "maengelmelder": "4.3.0"
    }


def test_put_invalid_is_400_and_keeps_document(client, stored):
    url = f"/api/v1/deployments/{stored['public']}"
    response = client.put(
        url, json=dict(DOCUMENT, channel="nightly", name=""), headers=stored["public_token"]
    )
    assert response.status_code == 400
    assert {d["field"] for d in response.get_json()["error"]["details"]} >= {"channel", "name"}
    assert client.get(url).get_json()["channel"] == "stable"


def test_writes_need_a_token_for_that_deployment(client, stored):
    url = f"/api/v1/deployments/{stored['public']}"
    assert client.put(url, json=DOCUMENT).status_code == 401
    assert client.delete(url).status_code == 401
    other = stored["private_token"]
    assert client.put(url, json=DOCUMENT, headers=other).status_code == 403
    assert client.delete(url, headers=other).status_code == 403
    assert client.get(url).status_code == 200


def test_delete_then_404(client, stored, admin):
    url = f"/api/v1/deployments/{stored['public']}"
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url, headers=admin).status_code == 404


def test_missing_deployment_is_404_for_every_method(client, admin):
    url = "/api/v1/deployments/999999"
    assert client.get(url).status_code == 404
    assert client.put(url, json=DOCUMENT, headers=admin).status_code == 404
    assert client.delete(url, headers=admin).status_code == 404


def test_private_deployment_invisible_without_its_token(client, stored, admin):
    url = f"/api/v1/deployments/{stored['private']}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=stored["public_token"]).status_code == 404
    assert client.put(url, json=DOCUMENT, headers=stored["public_token"]).status_code == 404
    ids = [d["id"] for d in client.get("/api/v1/deployments").get_json()["items"]]
    assert stored["private"] not in ids and stored["public"] in ids
    assert client.get(url, headers=stored["private_token"]).status_code == 200
    assert client.get(url, headers=admin).status_code == 200
    ids = [d["id"] for d in client.get("/api/v1/deployments", headers=admin).get_json()["items"]]
    assert stored["private"] in ids


def test_get_answers_304_on_repeat(client, stored):
    url = f"/api/v1/deployments/{stored['public']}"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_list_of_demo_deployments_hides_the_private_one(client, demo):
    body = client.get("/api/v1/deployments?limit=500").get_json()
    names = [item["name"] for item in body["items"]]
    assert "Bad Belzig (Demo)" in names
    assert "Bernau bei Berlin (Demo)" not in names  # private in the demo data
    assert body["total"] == len(names)


def test_put_body_not_json_object_lists_problem(client, stored):
    response = client.put(
        f"/api/v1/deployments/{stored['public']}",
        data=json.dumps("just text"),
        headers=stored["public_token"],
        content_type="application/json",
    )
    assert response.status_code == 400


def test_set_capabilities_from_list_or_introspection(client, stored):
    url = f"/api/v1/deployments/{stored['public']}/capabilities/mainserver"
    headers = stored["public_token"]
    response = client.put(url, json={"capabilities": ["vouchers", "search"]}, headers=headers)
    assert response.status_code == 200
    mainserver = response.get_json()["components"]["mainserver"]
    assert mainserver == {"commit": "04d9eb41", "capabilities": ["search", "vouchers"]}
    introspection = {
        "data": {
            "__schema": {
                "queryType": {"name": "Query"},
                "mutationType": None,
                "types": [{"name": "Query", "fields": [{"name": "newsItems"}]}],
            }
        }
    }
    response = client.put(url, json=introspection, headers=headers)
    assert response.get_json()["components"]["mainserver"]["capabilities"] == ["newsItems"]


def test_set_capabilities_errors(client, stored):
    url = f"/api/v1/deployments/{stored['public']}/capabilities/mainserver"
    assert client.put(url, json={"capabilities": ["x"]}).status_code == 401
    other = stored["private_token"]
    assert client.put(url, json={"capabilities": ["x"]}, headers=other).status_code == 403
    bad = client.put(url, json={"capabilities": "vouchers"}, headers=stored["public_token"])
    assert bad.status_code == 400
    assert bad.get_json()["error"]["details"][0]["field"] == "capabilities"
    nothing = client.put(url, json={"hello": 1}, headers=stored["public_token"])
    assert nothing.status_code == 400


def test_set_capabilities_of_missing_deployment_is_404(client, admin):
    url = "/api/v1/deployments/999999/capabilities/mainserver"
    assert client.put(url, json={"capabilities": ["x"]}, headers=admin).status_code == 404


@pytest.mark.parametrize("query", ["limit=0", "limit=many", "offset=-1"])
def test_list_bad_paging_is_400(client, query):
    response = client.get(f"/api/v1/deployments?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["field"] in {"limit", "offset"}


def test_too_large_body_is_413_and_stores_nothing(client, admin, session):
    before = _count(session, Deployment)
    huge = dict(DOCUMENT, name="x" * (2 * 1024 * 1024))
    response = client.post("/api/v1/deployments", json=huge, headers=admin)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"]
    assert _count(session, Deployment) == before


def test_token_of_a_deleted_deployment_is_refused(client, stored, admin):
    url = f"/api/v1/deployments/{stored['public']}"
    assert client.delete(url, headers=stored["public_token"]).status_code == 204
    created = client.post("/api/v1/deployments", json=DOCUMENT, headers=admin).get_json()
    again = f"/api/v1/deployments/{created['id']}"
    assert client.put(again, json=DOCUMENT, headers=stored["public_token"]).status_code == 401


def test_compatibility_answer_has_the_summary_with_groups(client, demo):
    from tests.ui.conftest import deployment_id

    magdeburg = deployment_id(demo, "Magdeburg (Demo)")
    body = client.get(f"/api/v1/deployments/{magdeburg}/compatibility").get_json()
    summary = body["summary"]
    assert summary["runs"] == 5
    assert summary["best"]["steps"][0] | {"kind": "update"} == summary["best"]["steps"][0]
    assert summary["best"]["steps"][0]["to"] == "4.3.0"
    grouped = {slug for group in summary["groups"] for slug in group["modules"]}
    assert "chatbot" in grouped and set(summary["best"]["modules"]) <= grouped
    one = client.get(f"/api/v1/deployments/{magdeburg}/compatibility/chatbot").get_json()
    assert "summary" not in one
