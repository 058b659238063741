"""Forge webhooks: a signed (GitHub) or token-bearing (GitLab) delivery queues a crawl of the
repository it is about."""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from flask import Blueprint, Response, request

from registry import shapes
from registry.errors import Unauthorized
from registry.services.crawl_queue import enqueue_crawl, known_repositories
from registry.services.gitlab_hooks import handle_gitlab_delivery
from registry.services.webhooks import is_new_delivery
from registry.web import contract
from registry.web.common import get_session, get_settings, json_response
from registry.web.contract import operation

log = logging.getLogger(__name__)

hooks = Blueprint("hooks", __name__)

#: Events that can change what a crawl finds (tags, releases, metadata, the repository itself).
CRAWL_EVENTS = ("release", "create", "push", "repository")


@hooks.post("/api/v1/hooks/github")
@operation(
    "GitHub webhook: queues a crawl of the repository an event is about",
    tag="hooks",
    description="Signed with X-Hub-Signature-256 (HMAC-SHA256 of the body with the "
    "configured secret). Handles ping, release, create, push and repository events; "
    "unknown repositories are accepted and ignored. A delivery id (X-GitHub-Delivery) seen "
    "within the last day is answered 200 with `duplicate` and not handled again. The body "
    "is JSON (application/json) or GitHub's form encoding (`payload=`).",
    auth="signed",
    body=shapes.HookPayload,
    form_body=True,
    ok=shapes.HookResult,
    extra_responses={202: (shapes.HookResult, "Accepted; `queued` lists the crawl requests.")},
    # 200 also answers a delivery id seen within the last day (`duplicate`, nothing queued).
    headers={"X-GitHub-Event": "event name", "X-Hub-Signature-256": "sha256=<hex HMAC>"},
)
def github() -> Response:
    check_signature(get_settings().github.webhook_secret, request.get_data(), request.headers)
    event = request.headers.get("X-GitHub-Event", "")
    payload = contract.parse_body(shapes.HookPayload, form=True).model_dump()
    if event == "ping":
        return json_response({"event": "ping", "ok": True, "hookId": payload.get("hook_id")})
    if event not in CRAWL_EVENTS:
        return json_response({"event": event, "queued": [], "ignored": True}, status=202)
    session = get_session()
    delivery = request.headers.get("X-GitHub-Delivery", "")
    if delivery and not is_new_delivery(session, "github", delivery, event):
        return json_response({"event": event, "queued": [], "duplicate": True})
    names = repository_names(event, payload)
    queued = [
        enqueue_crawl(session, repository, f"github {event} webhook")
        for repository in known_repositories(session, names)
    ]
    session.commit()
    log.info("github %s webhook for %s queued %d crawl(s)", event, names, len(queued))
    return json_response(
        {"event": event, "queued": [{"id": q.id, "repository": q.repository} for q in queued]},
        status=202,
    )


@hooks.post("/api/v1/hooks/gitlab")
@operation(
    "GitLab webhook: queues a crawl of the project an event is about",
    tag="hooks",
    description="X-Gitlab-Token must be the configured secret token. Handles Tag Push, Push and "
    "Release hooks and System hooks about projects (push, tag push, rename, transfer); a "
    "redelivered X-Gitlab-Event-UUID queues nothing again; unknown projects are accepted and "
    "nothing is done.",
    auth="signed",
    body=shapes.HookPayload,
    status=202,
    ok=shapes.HookResult,
    headers={"X-Gitlab-Event": "event", "X-Gitlab-Token": "secret"},
)
def gitlab() -> Response:
    settings = get_settings().gitlab
    check_gitlab_token(settings.webhook_secret, request.headers)
    payload = contract.parse_body(shapes.HookPayload).model_dump()
    session = get_session()
    result = handle_gitlab_delivery(
        session,
        host=settings.host,
        event=request.headers.get("X-Gitlab-Event", ""),
        delivery_id=request.headers.get("X-Gitlab-Event-UUID", ""),
        payload=payload,
    )
    session.commit()
    queued = [{"id": q.id, "repository": q.repository} for q in result.queued]
    log.info("gitlab %s webhook queued %d crawl(s)", result.event, len(queued))
    body: dict[str, Any] = {"event": result.event, "queued": queued}
    if result.ignored:
        body["ignored"] = True
    if result.duplicate:
        body["duplicate"] = True
    return json_response(body, status=202)


def check_gitlab_token(secret: str, headers: Any) -> None:
    """Raise Unauthorized unless ``X-Gitlab-Token`` is the configured secret token."""
    if not secret:
        raise Unauthorized("webhooks are disabled: no [gitlab] webhook_secret is configured")
    given = headers.get("X-Gitlab-Token", "")
    # Constant-time, like the GitHub signature: no byte-by-byte guessing by timing.
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise Unauthorized(
            "invalid webhook token",
            [{"field": "X-Gitlab-Token", "message": "missing or does not match the secret"}],
        )


def check_signature(secret: str, body: bytes, headers: Any) -> None:
    """Raise Unauthorized unless ``X-Hub-Signature-256`` is the HMAC-SHA256 of the body."""
    if not secret:
        raise Unauthorized("webhooks are disabled: no [github] webhook_secret is configured")
    given = headers.get("X-Hub-Signature-256", "")
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    # Constant-time: a timing difference would let a caller guess the signature byte by byte.
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized(
            "invalid webhook signature",
            [{"field": "X-Hub-Signature-256", "message": "missing or does not match the body"}],
        )


def repository_names(event: str, payload: dict[str, Any]) -> list[str]:
    """Full names (owner/name) the delivery is about; a rename or transfer adds the old one."""
    repository = payload.get("repository")
    if not isinstance(repository, dict) or not isinstance(repository.get("full_name"), str):
        return []
    names = [repository["full_name"]]
    if event != "repository" or "/" not in names[0]:
        return names
    owner, name = names[0].split("/", 1)
    changes = payload.get("changes") or {}
    if payload.get("action") == "renamed":
        old_name = _dig(changes, "repository", "name", "from")
        if isinstance(old_name, str):
            names.append(f"{owner}/{old_name}")
    if payload.get("action") == "transferred":
        previous = _dig(changes, "owner", "from") or {}
        old_owner = _dig(previous, "user", "login") or _dig(previous, "organization", "login")
        if isinstance(old_owner, str):
            names.append(f"{old_owner}/{name}")
    return names


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data
