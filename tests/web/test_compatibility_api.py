"""Compatibility routes: the API's shapes, error paths, private deployments, freshness, 304."""

import pytest
from sqlalchemy import select

from registry.models import Deployment, Module
from registry.models import Release as ReleaseRow
from registry.services import deployments as service
from registry.services.events import bump
from registry.services.tokens import create_token

MUSTERHAUSEN = {
    "schemaVersion": 1,
    "name": "Musterhausen",
    "state": "BB",
    "components": {
        "app": "4.2.1",
        "mainserver": {"commit": "04d9eb41", "capabilities": ["newsItems"]},
    },
    "modules": {"nachrichten": "4.2.0"},
}


@pytest.fixture()
def stored(demo):
    public = service.create_deployment(demo, MUSTERHAUSEN)
    private = service.create_deployment(
        demo, dict(MUSTERHAUSEN, name="Geheim", visibility="private")
    )
    _t, secret = create_token(demo, "deployment", deployment=private.id)
    demo.commit()
    return {
        "public": public.id,
        "private": private.id,
        "token": {"Authorization": f"Bearer {secret}"},
    }


def _entry(body, slug):
    return next(m for m in body["modules"] if m["module"] == slug)


def test_deployment_compatibility_shape(client, stored):
    response = client.get(f"/api/v1/deployments/{stored['public']}/compatibility")
    assert response.status_code == 200
    body = response.get_json()
    assert body["deployment"] == stored["public"]
    assert body["notices"] == [{"code": "version-not-known", "component": "app", "actual": "4.2.1"}]
    chatbot = _entry(body, "chatbot")
    assert set(chatbot) == {"module", "adoptable", "newest", "blocked", "upgradePlan"}
    assert chatbot["adoptable"] == [] and chatbot["newest"] == "4.3.0"
    assert chatbot["blocked"] == [
        {
            "version": "4.3.0",
            "reasons": [
                {
                    "code": "version-mismatch",
                    "component": "app",
                    "required": "==4.3.0",
                    "actual": "4.2.1",
                }
            ],
        }
    ]
    assert chatbot["upgradePlan"]["steps"] == [
        {"kind": "update", "component": "app", "from": "4.2.1", "to": "4.3.0", "endOfLife": False}
    ]


def test_voucher_module_reasons_and_plan_for_public_mainserver(client, demo, admin_headers):
    kiel = demo.scalars(select(Deployment).where(Deployment.name == "Kiel (Demo)")).one()
    body = client.get(f"/api/v1/deployments/{kiel.id}/compatibility/gutscheine").get_json()
    assert body["module"] == "gutscheine" and body["newest"] == "4.3.0"
    installed = kiel.document["components"]["app"]
    blocked = {b["version"]: b["reasons"] for b in body["blocked"]}
    missing = sorted(r["required"] for r in blocked[installed] if r["code"] == "capability-missing")
    assert missing == ["redeemQuotaOfVoucher", "vouchers"]
    steps = body["upgradePlan"]["steps"]
    update = {"component": "app", "from": installed, "to": "4.3.0", "endOfLife": False}
    assert {"kind": "update", **update} in steps
    assert any(sorted(s.get("capabilities", [])) == missing for s in steps)


def test_module_compatibility_unknown_module_is_404(client, stored):
    response = client.get(f"/api/v1/deployments/{stored['public']}/compatibility/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not-found"


def test_private_deployment_compatibility_needs_its_token(client, stored):
    base = f"/api/v1/deployments/{stored['private']}"
    for path in (
        "/compatibility",
        "/compatibility/chatbot",
        "/upgrade-plan?component=app&to=4.3.0",
    ):
        assert client.get(base + path).status_code == 404
        assert client.get(base + path, headers=stored["token"]).status_code == 200


def test_missing_deployment_is_404(client, demo):
    assert client.get("/api/v1/deployments/999999/compatibility").status_code == 404
    assert (
        client.get("/api/v1/deployments/999999/upgrade-plan?component=app&to=4.3.0").status_code
        == 404
    )


def test_upgrade_plan_names_ok_update_and_blocked(client, stored):
    response = client.get(
        f"/api/v1/deployments/{stored['public']}/upgrade-plan?component=app&to=4.3.0"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["deployment"] == stored["public"]
    assert (body["component"], body["from"], body["to"]) == ("app", "4.2.1", "4.3.0")
    assert [(m["module"], m["lowest"]) for m in body["update"]] == [("nachrichten", "4.3.0")]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", {"component", "to"}),  # both missing, both named
        ("?component=app", {"to"}),
        ("?component=app&to=five", {"to"}),  # no version
    ],
)
def test_upgrade_plan_bad_query_is_400(client, stored, query, fields):
    response = client.get(f"/api/v1/deployments/{stored['public']}/upgrade-plan{query}")
    assert response.status_code == 400
    assert {d["field"] for d in response.get_json()["error"]["details"]} == fields


def test_upgrade_plan_unknown_component_is_404(client, stored):
    url = f"/api/v1/deployments/{stored['public']}/upgrade-plan?component=toaster&to=1.0"
    assert client.get(url).status_code == 404


def test_what_if_for_one_module(client, demo):
    response = client.get(
        "/api/v1/compatibility?app=4.2.1&mainserver.capabilities=vouchers,search&module=chatbot"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["deployment"] is None
    assert [m["module"] for m in body["modules"]] == ["chatbot"]
    assert body["modules"][0]["blocked"][0]["reasons"][0]["code"] == "version-mismatch"
    assert body["query"]["components"]["mainserver"]["capabilities"] == ["vouchers", "search"]


def test_what_if_voucher_capabilities_decide(client, demo):
    base = "/api/v1/compatibility?app=4.3.0&module=gutscheine&mainserver.commit=04d9eb41"
    without = client.get(base + "&mainserver.capabilities=search").get_json()["modules"][0]
    with_them = client.get(
        base + "&mainserver.capabilities=vouchers,redeemQuotaOfVoucher"
    ).get_json()
    assert without["adoptable"] == []
    assert with_them["modules"][0]["adoptable"] == ["4.3.0"]


def test_what_if_all_modules_and_installed_modules(client, demo):
    body = client.get(
        "/api/v1/compatibility?app=4.1.0&humhub=1.15.0&modules.humhub-ext=0.5&channel=stable"
    ).get_json()
    listed = demo.scalars(select(Module.slug).where(Module.hidden.is_(False))).all()
    assert sorted(m["module"] for m in body["modules"]) == sorted(listed)
    assert "0.5" in _entry(body, "humhub-ext")["adoptable"]


def test_what_if_lists_every_problem(client, demo):
    response = client.get("/api/v1/compatibility?app=four&channel=nightly&app.colour=red")
    assert response.status_code == 400
    fields = {d["field"] for d in response.get_json()["error"]["details"]}
    assert {"app", "channel", "app.colour"} <= fields


def test_what_if_unknown_module_is_404(client, demo):
    response = client.get("/api/v1/compatibility?app=4.3.0&module=nope,chatbot")
    assert response.status_code == 404
    assert response.get_json()["error"]["details"][0]["value"] == "nope"


def test_repeat_request_answers_304(client, stored):
    url = f"/api/v1/deployments/{stored['public']}/compatibility"
    first = client.get(url)
    assert "ETag" in first.headers and "Last-Modified" in first.headers
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    what_if = "/api/v1/compatibility?app=4.3.0&module=chatbot"
    etag = client.get(what_if).headers["ETag"]
    assert client.get(what_if, headers={"If-None-Match": etag}).status_code == 304


def test_new_release_changes_the_next_answer(client, demo, stored):
    url = f"/api/v1/deployments/{stored['public']}/compatibility/chatbot"
    first = client.get(url)
    assert first.get_json()["adoptable"] == []
    chatbot = demo.scalars(select(Module).where(Module.slug == "chatbot")).one()
    chatbot.releases.append(ReleaseRow(version="4.2.1", requires={"app": {"range": "==4.2.1"}}))
    bump(demo, "catalog")
    demo.commit()
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.get_json()["adoptable"] == ["4.2.1"]


def test_edited_deployment_changes_the_next_answer(client, stored, admin_headers):
    url = f"/api/v1/deployments/{stored['public']}"
    assert client.get(url + "/compatibility/chatbot").get_json()["adoptable"] == []
    edited = dict(MUSTERHAUSEN, components={"app": "4.3.0"})
    assert client.put(url, json=edited, headers=admin_headers).status_code == 200
    assert client.get(url + "/compatibility/chatbot").get_json()["adoptable"] == ["4.3.0"]


@pytest.fixture()
def admin_headers(demo):
    _t, secret = create_token(demo, "admin")
    demo.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_what_if_with_a_document_stores_nothing(client, demo):
    before = demo.scalars(select(Deployment.id)).all()
    response = client.post("/api/v1/compatibility?module=chatbot", json=MUSTERHAUSEN)
    assert response.status_code == 200
    body = response.get_json()
    assert body["deployment"] is None and [m["module"] for m in body["modules"]] == ["chatbot"]
    assert body["modules"][0]["upgradePlan"]["steps"] == [
        {"kind": "update", "component": "app", "from": "4.2.1", "to": "4.3.0", "endOfLife": False}
    ]
    assert demo.scalars(select(Deployment.id)).all() == before


def test_what_if_with_a_bad_document_lists_every_problem(client, demo):
    bad = dict(MUSTERHAUSEN, channel="nightly", state="ZZ")
    response = client.post("/api/v1/compatibility", json=bad)
    assert response.status_code == 400
    assert {d["field"] for d in response.get_json()["error"]["details"]} >= {"channel", "state"}


def test_what_if_on_an_unknown_app_version_downgrades_and_notices(client, demo):
    response = client.get("/api/v1/compatibility?app=9.9.9&module=chatbot")
    assert response.status_code == 200
    body = response.get_json()
    assert body["notices"] == [{"code": "version-not-known", "component": "app", "actual": "9.9.9"}]
    assert body["modules"][0]["upgradePlan"]["steps"] == [
        {
            "kind": "downgrade",
            "component": "app",
            "from": "9.9.9",
            "to": "4.3.0",
            "endOfLife": False,
        }
    ]


def test_one_module_and_the_upgrade_plan_carry_notices(client, stored):
    base = f"/api/v1/deployments/{stored['public']}"
    entry = client.get(f"{base}/compatibility/chatbot").get_json()
    assert entry["notices"] == [
        {"code": "version-not-known", "component": "app", "actual": "4.2.1"}
    ]
    # the notices of the deployment after the change: app 4.0.3 is known but end of life
    report = client.get(f"{base}/upgrade-plan?component=app&to=4.0.3").get_json()
    assert report["notices"] == [{"code": "end-of-life", "component": "app", "actual": "4.0.3"}]


def test_a_missing_mainserver_is_added_with_the_capabilities_of_the_2026_state(client, demo):
    body = client.get("/api/v1/compatibility?app=4.3.0&module=gutscheine").get_json()
    assert body["modules"][0]["upgradePlan"]["steps"] == [
        {"kind": "add", "component": "mainserver", "to": None, "endOfLife": False},
        {
            "kind": "capabilities",
            "component": "mainserver",
            "capabilities": ["redeemQuotaOfVoucher", "vouchers"],
            "offeredBy": {
                "kind": "introspection",
                "version": None,
                "commit": None,
                "source": "introspection-2026-08",
            },
        },
    ]
