"""GitLab webhook: the secret token, event types, deduplication, rename and transfer, unknowns."""

import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from registry.models import CrawlRequest, CrawlState, WebhookDelivery
from registry.services.transfer import upsert_module

SECRET = "gitlab-secret"  # what the settings fixture configures
PATH = "bad-belzig/sva-module/abfall-export"
URL = f"https://gitlab.opencode.de/{PATH}"


def deliver(client, event, payload, *, token=SECRET, uuid="6f1e0a3c-1"):
    headers = {"X-Gitlab-Event": event, "Content-Type": "application/json"}
    if token is not None:
        headers["X-Gitlab-Token"] = token
    if uuid is not None:
        headers["X-Gitlab-Event-UUID"] = uuid
    return client.post("/api/v1/hooks/gitlab", data=json.dumps(payload), headers=headers)


def project(path=PATH, project_id=2301):
    return {"project_id": project_id, "project": {"id": project_id, "path_with_namespace": path}}


@pytest.fixture()
def module(session):
    upsert_module(session, {"slug": "abfall-export", "repository": URL}, source="test")
    session.commit()


def _queued(session):
    return [r.repository for r in session.scalars(select(CrawlRequest).order_by(CrawlRequest.id))]


@pytest.mark.parametrize("event", ["Tag Push Hook", "Push Hook", "Release Hook"])
def test_project_hooks_queue_a_crawl(client, session, module, event):
    response = deliver(client, event, {"object_kind": "tag_push", **project()})
    assert response.status_code == 202
    body = response.get_json()
    assert body["event"] == event
    assert [q["repository"] for q in body["queued"]] == [URL]
    assert _queued(session) == [URL]


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("wrong", "does not match"),
        ("", "does not match"),
        (None, "does not match"),  # no header at all
        (SECRET[:-1], "does not match"),  # a prefix is no match
    ],
)
def test_bad_token_is_401_and_queues_nothing(client, session, module, token, why):
    response = deliver(client, "Tag Push Hook", project(), token=token)
    assert response.status_code == 401
    assert why in response.get_json()["error"]["details"][0]["message"]
    assert _queued(session) == []


def test_no_secret_configured_disables_the_hook(app, client, session, module):
    settings = app.config["SETTINGS"]
    app.config["SETTINGS"] = replace(settings, gitlab=replace(settings.gitlab, webhook_secret=""))
    response = deliver(client, "Tag Push Hook", project(), token="")
    assert response.status_code == 401
    assert "disabled" in response.get_json()["error"]["message"]


def test_a_redelivered_event_queues_nothing_again(client, session, module):
    first = deliver(client, "Tag Push Hook", project(), uuid="dup-1")
    # The first crawl ran already; the redelivery must not queue a second one.
    for request in session.scalars(select(CrawlRequest)):
        request.done_at = request.requested_at
    session.commit()
    again = deliver(client, "Tag Push Hook", project(), uuid="dup-1")
    assert first.status_code == again.status_code == 202
    assert again.get_json()["duplicate"] is True and again.get_json()["queued"] == []
    assert len(_queued(session)) == 1
    other = deliver(client, "Tag Push Hook", project(), uuid="dup-2")
    assert len(other.get_json()["queued"]) == 1
    uuids = session.scalars(select(WebhookDelivery.delivery_id).order_by(WebhookDelivery.id))
    assert list(uuids) == ["dup-1", "dup-2"]


def test_unknown_project_is_accepted_and_nothing_done(client, session, module):
    response = deliver(client, "Tag Push Hook", project("someone/else", 99))
    assert response.status_code == 202
    assert response.get_json() == {"event": "Tag Push Hook", "queued": []}
    assert _queued(session) == []
    assert session.scalar(select(WebhookDelivery.id)) is None


def test_other_events_are_ignored(client, session, module):
    response = deliver(client, "Issue Hook", project())
    assert response.status_code == 202 and response.get_json()["ignored"] is True
    system = deliver(client, "System Hook", {"event_name": "user_create"})
    assert system.get_json()["ignored"] is True
    assert _queued(session) == []


@pytest.mark.parametrize("event_name", ["project_rename", "project_transfer"])
def test_system_hook_rename_or_transfer_names_the_old_path(client, session, module, event_name):
    payload = {
        "event_name": event_name,
        "path_with_namespace": "landkreis-x/abfall-export",
        "old_path_with_namespace": PATH,
        "project_id": 2301,
    }
    response = deliver(client, "System Hook", payload)
    assert [q["repository"] for q in response.get_json()["queued"]] == [URL]


def test_a_moved_project_is_found_by_its_id(client, session, module):
    # The crawler knows the project's id from its first crawl; a push arrives under a new path.
    state = CrawlState(
        repository=URL,
        forge="gitlab",
        etags={},
        aliases=[],
        seen_blobs={},
        skipped_tags=[],
        stats={},
        known={"repository": {"id": 2301, "full_name": PATH}},
    )
    session.add(state)
    session.commit()
    response = deliver(client, "Push Hook", project("landkreis-x/abfall-export", 2301))
    assert [q["repository"] for q in response.get_json()["queued"]] == [URL]


def test_invalid_json_is_400(client, module):
    response = client.post(
        "/api/v1/hooks/gitlab",
        data=b"{not json",
        headers={"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": SECRET},
        content_type="application/json",
    )
    assert response.status_code == 400
