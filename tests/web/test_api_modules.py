"""Registering modules by repository URL, queueing crawls, and the token checks around them."""

import pytest
from sqlalchemy import select

from registry.errors import Conflict, InvalidInput
from registry.models import CrawlRequest, Event, Module
from registry.services import modules
from registry.services.modules import canonical_repository
from registry.services.tokens import create_token, revoke_token
from registry.services.transfer import upsert_component, upsert_module

REPO = "https://github.com/smart-village-solutions/smart-village-app-humhub-ext"


def token(session, role, **scope):
    _row, secret = create_token(session, role, **scope)
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def publisher(session):
    return token(session, "publisher")


def test_register_module_queues_crawl_and_records_event(client, session, publisher):
    response = client.post("/api/v1/modules", json={"repository": REPO + ".git"}, headers=publisher)
    assert response.status_code == 201
    body = response.get_json()
    assert body["slug"] == "smart-village-app-humhub-ext"  # the repository name, normalized
    assert body["repository"] == REPO
    assert body["kind"] == "standalone"
    assert response.headers["Location"] == "/api/v1/modules/smart-village-app-humhub-ext"
    crawl = session.get(CrawlRequest, body["crawl"]["id"])
    assert crawl.repository == REPO and crawl.done_at is None
    events = session.scalars(select(Event).where(Event.module_slug == body["slug"])).all()
    assert [e.kind for e in events] == ["module-added"]
    assert client.get(f"/api/v1/modules/{body['slug']}").status_code == 200


def test_register_with_slug_kind_and_host(client, session, publisher):
    upsert_component(
        session, {"name": "app", "repository": "smart-village-solutions/smart-village-app-app"}
    )
    session.commit()
    response = client.post(
        "/api/v1/modules",
        json={
            "repository": "https://github.com/smart-village-solutions/smart-village-app-app",
            "slug": "chatbot",
            "kind": "in-app",
            "host": {"component": "app", "path": "src/screens/ChatbotScreen.tsx"},
        },
        headers=publisher,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["host"] == {"component": "app", "path": "src/screens/ChatbotScreen.tsx"}
    # A second in-app module of the same host repository at another path is no duplicate.
    other = client.post(
        "/api/v1/modules",
        json={
            "repository": "https://github.com/smart-village-solutions/smart-village-app-app",
            "slug": "karten",
            "kind": "in-app",
            "host": {"component": "app", "path": "src/screens/MapScreen.tsx"},
        },
        headers=publisher,
    )
    assert other.status_code == 201
    # ... and both wait on one crawl of the shared repository.
    assert other.get_json()["crawl"]["id"] == body["crawl"]["id"]


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/a/b",  # not https
        "https://gitlab.com/a/b",  # not a configured forge
        "https://github.com.evil.example/a/b",  # host only looks alike
        "https://user:pw@github.com/a/b",
        "https://github.com:8443/a/b",
        "https://github.com:abc/a/b",
        "https://{[/Q9/d2/",  # schemathesis found this one: urlsplit raises on the "["
        "https://github.com/a/b?x=1",
        "https://github.com/a/b#readme",
        "https://github.com/a",
        "https://github.com/a/b/c",
        "https://github.com/-a/b",
        "https://github.com/a/..",
        "file:///etc/passwd",
        "",
        42,
    ],
)
def test_repository_url_is_validated_strictly(url):
    with pytest.raises(InvalidInput) as error:
        canonical_repository(url, ("github.com",))
    assert error.value.problems[0]["field"] == "repository"


def test_canonical_repository_normalizes():
    assert canonical_repository("https://GitHub.com/Owner/Name.git/", ("github.com",)) == (
        "https://github.com/Owner/Name"
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"repository": "https://example.org/a/b"}, ["repository"]),
        ({"repository": REPO, "slug": "Not A Slug"}, ["slug"]),
        ({"repository": REPO, "kind": "plugin"}, ["kind"]),
        ({"repository": REPO, "kind": "in-app"}, ["host"]),
        (
            {"repository": REPO, "kind": "in-app", "host": {"component": "nope", "path": "x"}},
            ["host.component"],
        ),
        ({"repository": REPO, "host": {"component": "app", "path": "x"}}, ["host"]),
        ({"repository": REPO, "colour": "red"}, ["colour"]),
        ({"slug": "x1", "kind": "plugin"}, ["repository", "kind"]),  # every problem at once
        ({"repository": "https://github.com/a/x"}, ["slug"]),  # "x" is too short for a slug
    ],
)
def test_register_rejects_bad_bodies_with_every_problem(client, session, publisher, body, fields):
    response = client.post("/api/v1/modules", json=body, headers=publisher)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid-input"
    assert sorted(d["field"] for d in error["details"]) == sorted(fields)
    assert session.scalar(select(Module.id)) is None
    assert session.scalar(select(CrawlRequest.id)) is None


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]"])
def test_register_rejects_non_json(client, publisher, data):
    response = client.post(
        "/api/v1/modules", data=data, headers={**publisher, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid-input"


def test_register_conflicts_on_slug_and_repository(client, session, publisher):
    assert (
        client.post(
            "/api/v1/modules", json={"repository": REPO, "slug": "humhub-ext"}, headers=publisher
        ).status_code
        == 201
    )
    same_slug = client.post(
        "/api/v1/modules",
        json={"repository": "https://github.com/someone/else", "slug": "humhub-ext"},
        headers=publisher,
    )
    assert same_slug.status_code == 409
    assert same_slug.get_json()["error"]["details"] == [{"field": "slug", "existing": "humhub-ext"}]
    same_repo = client.post(
        "/api/v1/modules",
        json={"repository": REPO.upper().replace("HTTPS://GITHUB.COM", "https://github.com")},
        headers=publisher,
    )
    assert same_repo.status_code == 409
    assert same_repo.get_json()["error"]["details"] == [
        {"field": "repository", "existing": "humhub-ext"}
    ]


def test_studio_plugins_share_a_repository_by_tag_prefix(client, publisher):
    studio = "https://github.com/smart-village-solutions/sva-studio"
    first = client.post(
        "/api/v1/modules",
        json={"repository": studio, "slug": "studio-news", "tagPrefix": "news-v"},
        headers=publisher,
    )
    second = client.post(
        "/api/v1/modules",
        json={"repository": studio, "slug": "studio-faq", "tagPrefix": "faq-v"},
        headers=publisher,
    )
    again = client.post(
        "/api/v1/modules",
        json={"repository": studio, "slug": "studio-faq2", "tagPrefix": "faq-v"},
        headers=publisher,
    )
    assert (first.status_code, second.status_code, again.status_code) == (201, 201, 409)


def test_register_needs_a_publisher_or_admin_token(client, session):
    body = {"repository": REPO}
    anonymous = client.post("/api/v1/modules", json=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert (
        client.post(
            "/api/v1/modules", json=body, headers={"Authorization": "Bearer sva_wrong"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/modules", json=body, headers={"Authorization": "Basic abc"}
        ).status_code
        == 401
    )
    deployment_token = token(session, "deployment")
    forbidden = client.post("/api/v1/modules", json=body, headers=deployment_token)
    assert forbidden.status_code == 403
    assert forbidden.get_json()["error"]["code"] == "forbidden"
    assert (
        client.post("/api/v1/modules", json=body, headers=token(session, "admin")).status_code
        == 201
    )


def test_revoked_token_is_rejected(client, session):
    row, secret = create_token(session, "admin")
    revoke_token(session, row.id)
    session.commit()
    response = client.post(
        "/api/v1/modules", json={"repository": REPO}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 401


@pytest.fixture()
def humhub(session):
    upsert_module(session, {"slug": "humhub-ext", "kind": "standalone", "repository": REPO})
    upsert_module(session, {"slug": "offline", "kind": "standalone"})
    session.commit()


def test_crawl_request_by_module_publisher_or_admin(client, session, humhub):
    own = token(session, "publisher", module="humhub-ext")
    response = client.post("/api/v1/modules/humhub-ext/crawl", headers=own)
    assert response.status_code == 202
    crawl = response.get_json()["crawl"]
    assert crawl["repository"] == REPO and crawl["doneAt"] is None
    # Asking again while one is waiting answers the same request instead of queueing another.
    again = client.post("/api/v1/modules/humhub-ext/crawl", headers=token(session, "admin"))
    assert again.status_code == 202
    assert again.get_json()["crawl"]["id"] == crawl["id"]
    assert len(session.scalars(select(CrawlRequest)).all()) == 1


def test_crawl_request_errors(client, session, humhub):
    assert client.post("/api/v1/modules/humhub-ext/crawl").status_code == 401
    other = token(session, "publisher", module="offline")
    assert client.post("/api/v1/modules/humhub-ext/crawl", headers=other).status_code == 403
    deployment = token(session, "deployment")
    assert client.post("/api/v1/modules/humhub-ext/crawl", headers=deployment).status_code == 403
    admin = token(session, "admin")
    assert client.post("/api/v1/modules/nope/crawl", headers=admin).status_code == 404
    no_repo = client.post("/api/v1/modules/offline/crawl", headers=admin)
    assert no_repo.status_code == 400
    assert no_repo.get_json()["error"]["details"][0]["field"] == "repository"
    assert session.scalar(select(CrawlRequest.id)) is None


def test_writes_invalidate_cached_reads(client, publisher):
    before = client.get("/api/v1/modules")
    assert before.get_json()["total"] == 0
    client.post("/api/v1/modules", json={"repository": REPO}, headers=publisher)
    after = client.get("/api/v1/modules", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["total"] == 1


def test_concurrent_registration_of_one_slug_is_a_conflict(session, monkeypatch):
    modules.register_module(session, {"repository": REPO, "slug": "bus"}, forges=("github.com",))
    # As if another request inserted "bus" after this one's uniqueness check passed.
    monkeypatch.setattr(modules, "_check_unique", lambda *args, **kwargs: None)
    with pytest.raises(Conflict) as error:
        modules.register_module(
            session,
            {"repository": "https://github.com/o/other", "slug": "bus"},
            forges=("github.com",),
        )
    assert error.value.details == [{"field": "slug", "existing": "bus"}]
    # The savepoint kept the first registration and its queued crawl.
    assert [m.slug for m in session.scalars(select(Module))] == ["bus"]
    assert len(session.scalars(select(CrawlRequest)).all()) == 1
