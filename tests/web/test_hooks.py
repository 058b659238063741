"""GitHub webhook: signatures, event types, matching repositories, queued crawls."""

import hashlib
import hmac
import json
import uuid
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from registry.models import CrawlRequest, CrawlState
from registry.services.transfer import upsert_component, upsert_module

SECRET = "webhook-secret"  # what the settings fixture configures
HUMHUB = "https://github.com/smart-village-solutions/smart-village-app-humhub-ext"


def deliver(client, event, payload, *, secret=SECRET, raw=None, form=False, delivery=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    content_type = "application/json"
    if form:
        body = urlencode({"payload": body.decode()}).encode()
        content_type = "application/x-www-form-urlencoded"
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/api/v1/hooks/github",
        data=body,
        headers={
            "X-GitHub-Event": event,
            "X-Hub-Signature-256": signature,
            "X-GitHub-Delivery": delivery or f"d-{uuid.uuid4()}",
            "Content-Type": content_type,
        },
    )


def repo(full_name):
    return {"repository": {"full_name": full_name, "html_url": f"https://github.com/{full_name}"}}


@pytest.fixture()
def known(session):
    upsert_module(session, {"slug": "humhub-ext", "kind": "standalone", "repository": HUMHUB})
    upsert_component(
        session,
        {
            "name": "mainserver",
            "repository": "smart-village-solutions/smart-village-app-mainserver",
        },
    )
    session.add(
        CrawlState(
            repository="smart-village-solutions/sva-studio",
            aliases=["smart-village-solutions/old-studio"],
        )
    )
    session.commit()


def queued(session):
    return [r.repository for r in session.scalars(select(CrawlRequest).order_by(CrawlRequest.id))]


def test_ping(client):
    response = deliver(client, "ping", {"zen": "Keep it logically awesome.", "hook_id": 7})
    assert response.status_code == 200
    assert response.get_json() == {"event": "ping", "ok": True, "hookId": 7}


@pytest.mark.parametrize("event", ["release", "create", "push"])
def test_events_queue_a_crawl_of_the_module_repository(client, session, known, event):
    response = deliver(
        client,
        event,
        {"action": "published", **repo("Smart-Village-Solutions/smart-village-app-humhub-ext")},
    )
    assert response.status_code == 202
    assert queued(session) == [HUMHUB]
    assert response.get_json()["queued"][0]["repository"] == HUMHUB
    assert session.scalar(select(CrawlRequest)).reason == f"github {event} webhook"


def test_form_encoded_delivery(client, session, known):
    assert (
        deliver(
            client, "push", repo("smart-village-solutions/smart-village-app-humhub-ext"), form=True
        ).status_code
        == 202
    )
    assert queued(session) == [HUMHUB]


def test_component_and_crawl_state_repositories_match(client, session, known):
    deliver(client, "push", repo("smart-village-solutions/smart-village-app-mainserver"))
    deliver(client, "push", repo("smart-village-solutions/sva-studio"))
    assert queued(session) == [
        "https://github.com/smart-village-solutions/smart-village-app-mainserver",
        "smart-village-solutions/sva-studio",
    ]


def test_repository_renamed_matches_the_old_name(client, session, known):
    payload = {
        "action": "renamed",
        "changes": {"repository": {"name": {"from": "smart-village-app-humhub-ext"}}},
        **repo("smart-village-solutions/humhub-extension"),
    }
    assert deliver(client, "repository", payload).status_code == 202
    assert queued(session) == [HUMHUB]


@pytest.mark.parametrize("kind", ["user", "organization"])
def test_repository_transferred_matches_the_old_owner(client, session, known, kind):
    payload = {
        "action": "transferred",
        "changes": {"owner": {"from": {kind: {"login": "smart-village-solutions"}}}},
        **repo("new-owner/smart-village-app-humhub-ext"),
    }
    assert deliver(client, "repository", payload).status_code == 202
    assert queued(session) == [HUMHUB]


@pytest.mark.parametrize("action", ["archived", "deleted"])
def test_repository_archived_or_deleted_queues_a_crawl(client, session, known, action):
    deliver(client, "repository", {"action": action, **repo("smart-village-solutions/old-studio")})
    assert queued(session) == ["smart-village-solutions/sva-studio"]  # matched by its alias


def test_repeated_deliveries_queue_one_crawl(client, session, known):
    for event in ("push", "create", "release"):
        deliver(client, event, repo("smart-village-solutions/smart-village-app-humhub-ext"))
    assert queued(session) == [HUMHUB]


def test_unknown_repository_is_accepted_and_ignored(client, session, known):
    response = deliver(client, "push", repo("someone/unrelated"))
    assert response.status_code == 202
    assert response.get_json()["queued"] == []
    no_repo = deliver(client, "push", {"ref": "refs/heads/main"})
    assert no_repo.status_code == 202
    assert queued(session) == []


def test_other_event_types_are_ignored(client, session, known):
    response = deliver(
        client, "issues", repo("smart-village-solutions/smart-village-app-humhub-ext")
    )
    assert response.status_code == 202
    assert response.get_json()["ignored"] is True
    assert queued(session) == []


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no signature
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature-256": "sha1=abc"},
    ],
)
def test_bad_signature_is_401(client, session, known, headers):
    body = json.dumps(repo("smart-village-solutions/smart-village-app-humhub-ext")).encode()
    response = client.post(
        "/api/v1/hooks/github",
        data=body,
        headers={"X-GitHub-Event": "push", "Content-Type": "application/json", **headers},
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert queued(session) == []


def test_signature_with_another_secret_is_401(client, session, known):
    response = deliver(
        client, "push", repo("smart-village-solutions/smart-village-app-humhub-ext"), secret="guess"
    )
    assert response.status_code == 401
    assert queued(session) == []


def test_without_configured_secret_every_delivery_is_refused(app, client, known):
    settings = app.config["SETTINGS"]
    app.config["SETTINGS"] = replace(settings, github=replace(settings.github, webhook_secret=""))
    response = deliver(client, "ping", {}, secret="")
    assert response.status_code == 401
    assert "webhook_secret" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_invalid_json_is_400(client, raw):
    response = deliver(client, "push", None, raw=raw)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid-input"
