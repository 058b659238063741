"""GitLab webhook deliveries: which known projects an event names, deduplicated by delivery id.

Handled: ``Tag Push Hook``, ``Push Hook``, ``Release Hook`` (project hooks) and the ``System
Hook`` events about projects (push, tag push, rename, transfer). A project the registry does not
crawl is ignored, and nothing is recorded for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.models import CrawlRequest, CrawlState, WebhookDelivery
from registry.services.crawl_queue import enqueue_crawl, known_repositories

#: X-Gitlab-Event values that can change what a crawl finds.
GITLAB_EVENTS = ("Tag Push Hook", "Push Hook", "Release Hook", "System Hook")
#: System hook ``event_name`` values about a project's tags, releases or path.
SYSTEM_EVENTS = ("push", "tag_push", "repository_update", "project_rename", "project_transfer")


@dataclass(frozen=True)
class GitLabDelivery:
    """What a delivery did: crawls queued, or why nothing was done."""

    event: str
    queued: tuple[CrawlRequest, ...] = ()
    ignored: bool = False
    duplicate: bool = False


def project_paths(event: str, payload: dict[str, Any]) -> list[str]:
    """Paths (``group/sub/name``) a delivery is about; a rename or transfer adds the old one."""
    project = _project(payload)
    paths = [project.get("path_with_namespace"), payload.get("path_with_namespace")]
    if event == "System Hook":
        paths.append(payload.get("old_path_with_namespace"))
    return list(dict.fromkeys(p.strip("/") for p in paths if isinstance(p, str) and p.strip("/")))


def _project(payload: dict[str, Any]) -> dict[str, Any]:
    project = payload.get("project")
    return project if isinstance(project, dict) else {}


def _project_id(payload: dict[str, Any]) -> int | None:
    project = _project(payload)
    for value in (payload.get("project_id"), project.get("id")):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _by_project_id(session: Session, host: str, project_id: int) -> list[str]:
    """Crawl states of this GitLab whose project has ``project_id`` (moved without a hook)."""
    prefix = f"https://{host.lower()}/"
    found = []
    for repository, known in session.execute(
        select(CrawlState.repository, CrawlState.known).where(CrawlState.forge == "gitlab")
    ):
        info = (known or {}).get("repository") or {}
        if repository.lower().startswith(prefix) and info.get("id") == project_id:
            found.append(repository)
    return found


def handle_gitlab_delivery(
    session: Session,
    *,
    host: str,
    event: str,
    delivery_id: str,
    payload: dict[str, Any],
) -> GitLabDelivery:
    """Queue a crawl of every known project the delivery names (once per delivery id)."""
    if event not in GITLAB_EVENTS:
        return GitLabDelivery(event, ignored=True)
    if event == "System Hook" and payload.get("event_name") not in SYSTEM_EVENTS:
        return GitLabDelivery(event, ignored=True)
    urls = [f"https://{host.lower()}/{path}" for path in project_paths(event, payload)]
    repositories = known_repositories(session, urls)
    project_id = _project_id(payload)
    if not repositories and project_id is not None:
        repositories = _by_project_id(session, host, project_id)
    if not repositories:
        return GitLabDelivery(event)
    if delivery_id and not _first_delivery(session, delivery_id, event):
        return GitLabDelivery(event, duplicate=True)
    queued = tuple(
        enqueue_crawl(session, repository, f"gitlab {event.lower()}") for repository in repositories
    )
    return GitLabDelivery(event, queued=queued)


def _first_delivery(session: Session, delivery_id: str, event: str) -> bool:
    """Record the delivery; False when it was handled before (GitLab redelivers on timeouts)."""
    seen = session.scalar(
        select(WebhookDelivery.id).where(
            WebhookDelivery.forge == "gitlab", WebhookDelivery.delivery_id == delivery_id[:100]
        )
    )
    if seen is not None:
        return False
    try:
        # A savepoint: a concurrent redelivery loses only this insert.
        with session.begin_nested():
            session.add(WebhookDelivery(forge="gitlab", delivery_id=delivery_id[:100], event=event))
    except IntegrityError:
        return False
    return True


__all__ = ["GITLAB_EVENTS", "GitLabDelivery", "handle_gitlab_delivery", "project_paths"]
