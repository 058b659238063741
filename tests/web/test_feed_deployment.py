"""Per-deployment feed: newly adoptable versions and yanks of what it runs; private ones hidden."""

import pytest
from sqlalchemy import select

from registry.models import Deployment, Module
from registry.services.events import bump, record_event
from registry.services.tokens import create_token
from registry.services.transfer import upsert_component, upsert_module
from registry.web import feed as feed_views
from tests.web.test_feed import validate_feed

APP = {"name": "app", "versions": [{"version": v} for v in ("4.2.0", "4.3.0", "5.0.0")]}
BUS = {
    "slug": "bus",
    "kind": "standalone",
    "license": "MIT",
    "releases": [
        {"version": "1.0", "license": "MIT", "requires": {"app": ">=4.0"}},
        {"version": "1.1", "license": "MIT", "requires": {"app": ">=4.0"}},
        {"version": "2.0", "license": "MIT", "requires": {"app": ">=5.0"}},  # blocked on app 4.3
    ],
}


def add_deployment(session, name, visibility="public", modules=None):
    document = {
        "schemaVersion": 1,
        "name": name,
        "visibility": visibility,
        "components": {"app": "4.3.0"},
        "modules": modules or {"bus": "1.0"},
    }
    deployment = Deployment(name=name, visibility=visibility, document=document)
    session.add(deployment)
    session.flush()
    bump(session, "deployments")
    return deployment


@pytest.fixture()
def world(session):
    upsert_component(session, APP)
    upsert_module(session, BUS)
    upsert_module(session, {"slug": "other", "releases": [{"version": "9.0"}]})
    for version in ("1.0", "1.1", "2.0"):
        record_event(session, "release-published", module="bus", version=version)
    record_event(session, "release-published", module="other", version="9.0")
    record_event(
        session, "release-yanked", module="bus", version="1.0", data={"reason": "data loss"}
    )
    public = add_deployment(session, "Musterhausen")
    private = add_deployment(session, "Geheimdorf", visibility="private")
    session.commit()
    return public, private


def titles(feed):
    return [item["title"] for item in feed["items"]]


def test_adoptable_newer_versions_and_yanks_of_installed_modules(client, world):
    public, _private = world
    response = client.get(f"/api/v1/deployments/{public.id}/feed.json")
    assert response.status_code == 200
    assert response.mimetype == "application/feed+json"
    feed = response.get_json()
    validate_feed(feed)
    assert titles(feed) == ["bus 1.0 yanked", "bus 1.1 can be adopted"]
    yank = feed["items"][0]
    assert yank["_sva"]["affectsInstalled"] is True
    assert "affects the running version" in yank["content_text"]
    assert feed["title"].endswith("Musterhausen")


def test_upgrading_the_deployment_changes_its_feed(client, session, world):
    public, _private = world
    public.document = {**public.document, "components": {"app": "5.0.0"}, "modules": {"bus": "1.1"}}
    bump(session, "deployments")
    session.commit()
    feed = client.get(f"/api/v1/deployments/{public.id}/feed.json").get_json()
    assert titles(feed) == ["bus 1.0 yanked", "bus 2.0 can be adopted"]
    assert feed["items"][0]["_sva"]["affectsInstalled"] is False


def test_own_deployment_events_appear(client, session, world):
    public, _private = world
    record_event(
        session, "deployment-options-changed", deployment=public.id, data={"name": "Musterhausen"}
    )
    session.commit()
    feed = client.get(f"/api/v1/deployments/{public.id}/feed.json").get_json()
    assert titles(feed)[0] == "Deployment Musterhausen changed"


def test_private_deployment_feed_needs_its_token(client, session, world):
    _public, private = world
    assert client.get(f"/api/v1/deployments/{private.id}/feed.json").status_code == 404
    other = add_deployment(session, "Nachbarort")
    _row, other_secret = create_token(session, "deployment", deployment=other.id)
    _row, own_secret = create_token(session, "deployment", deployment=private.id)
    _row, admin_secret = create_token(session, "admin")
    session.commit()
    outsider = client.get(
        f"/api/v1/deployments/{private.id}/feed.json",
        headers={"Authorization": f"Bearer {other_secret}"},
    )
    assert outsider.status_code == 404
    assert outsider.get_json()["error"]["code"] == "not-found"
    own = client.get(
        f"/api/v1/deployments/{private.id}/feed.json",
        headers={"Authorization": f"Bearer {own_secret}"},
    )
    assert own.status_code == 200
    assert titles(own.get_json()) == ["bus 1.0 yanked", "bus 1.1 can be adopted"]
    assert own.headers["Cache-Control"] == "private, no-cache"
    # Served from the cache to its own token only: anonymous and other tokens still get 404.
    assert client.get(f"/api/v1/deployments/{private.id}/feed.json").status_code == 404
    admin = client.get(
        f"/api/v1/deployments/{private.id}/feed.json",
        headers={"Authorization": f"Bearer {admin_secret}"},
    )
    assert admin.status_code == 200
    bad = client.get(
        f"/api/v1/deployments/{private.id}/feed.json", headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401


def test_unknown_deployment_is_404(client, world):
    assert client.get("/api/v1/deployments/999999/feed.json").status_code == 404


def test_private_deployment_never_leaks_into_public_feed_and_dashboard(client, session, world):
    _public, private = world
    record_event(session, "deployment-added", deployment=private.id, data={"name": "Geheimdorf"})
    session.commit()
    assert "Geheimdorf" not in client.get("/api/v1/feed.json").get_data(as_text=True)
    assert "Geheimdorf" not in client.get("/api/v1/dashboard.json").get_data(as_text=True)
    assert client.get("/api/v1/dashboard.json").get_json()["counts"]["deployments"] == 1


def test_dashboard_counts_deployments_running_a_version_blocked_for_them(client, session, world):
    public, _private = world
    before = client.get("/api/v1/dashboard.json").get_json()["atRisk"]
    assert before["deploymentsOnBlocked"] == 0
    # Running bus 2.0 (needs app >= 5.0) on app 4.3.0: the rules block it for this deployment.
    public.document = {**public.document, "modules": {"bus": "2.0"}}
    bump(session, "deployments")
    session.commit()
    risk = client.get("/api/v1/dashboard.json").get_json()["atRisk"]
    assert risk["deploymentsOnBlocked"] == 1
    assert risk["deploymentsAtRisk"] == 1
    assert risk["shareAtRisk"] == 1.0  # the only public deployment
    assert {
        "module": "bus",
        "version": "2.0",
        "status": "blocked",
        "deployments": [public.id],
        "reasons": ["version-mismatch"],
    } in risk["items"]


def test_dashboard_does_not_count_a_yank_twice_as_blocked(client, session, world):
    bus = session.scalar(select(Module).where(Module.slug == "bus"))
    next(r for r in bus.releases if r.version == "1.0").yanked = True
    bump(session, "catalog")
    session.commit()
    risk = client.get("/api/v1/dashboard.json").get_json()["atRisk"]
    # Musterhausen runs the yanked bus 1.0: counted as yanked, not again as blocked.
    assert risk["deploymentsOnYankedOrWithdrawn"] == 1
    assert risk["deploymentsOnBlocked"] == 0
    assert [item["status"] for item in risk["items"]] == ["yanked"]


def test_dashboard_rebuild_after_an_event_reuses_the_verdicts(client, session, world, monkeypatch):
    calls = []
    original = feed_views._evaluate_blocked
    monkeypatch.setattr(
        feed_views, "_evaluate_blocked", lambda d, i: calls.append(d.id) or original(d, i)
    )
    events = client.get("/api/v1/dashboard.json").get_json()["counts"]["events"]
    assert len(calls) == 1  # the one public deployment
    record_event(session, "module-added", module="neu")  # changes the dashboard, not verdicts
    session.commit()
    assert client.get("/api/v1/dashboard.json").get_json()["counts"]["events"] == events + 1
    assert len(calls) == 1
    upsert_module(session, {**BUS, "releases": [*BUS["releases"], {"version": "3.0"}]})
    session.commit()  # a catalogue change: evaluated again
    client.get("/api/v1/dashboard.json")
    assert len(calls) == 2
