"""JSON Feed 1.1 views of the event log (https://www.jsonfeed.org/version/1.1/).

Events about private deployments and hidden modules never appear: the registry feed is public.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from registry.compat.versions import version_key
from registry.errors import InvalidInput
from registry.models import Deployment, Event, Module
from registry.serialize import event_dict, iso

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
FEED_TITLE = "SVA Module Registry"
#: What each event kind means, for people reading the feed.
TITLES = {
    "module-added": "New module {module}",
    "release-published": "{module} {version} published",
    "release-yanked": "{module} {version} yanked",
    "release-withdrawn": "{module} {version} withdrawn",
    "metadata-invalid": "Invalid metadata in {module} {version}",
    "crawl-failed": "Crawl of {module} failed",
    "repository-renamed": "Repository of {module} renamed",
    "repository-gone": "Repository of {module} is gone",
    "repository-archived": "Repository of {module} archived",
    "deployment-added": "New deployment {deployment}",
    "deployment-options-changed": "Deployment {deployment} changed",
    "deployment-removed": "Deployment {deployment} removed",
    "advisory-published": "Security advisory {advisory} for {module}",
    "advisory-updated": "Security advisory {advisory} for {module} updated",
    "advisory-withdrawn": "Security advisory {advisory} for {module} withdrawn",
    "guide-published": "New guide for {module}: {title}",
    "report-published": "New experience report on {module}: {title}",
}


@dataclass(frozen=True)
class FeedQuery:
    """Which slice of the log a feed request asks for."""

    since: datetime | None = None
    cursor: tuple[datetime, int] | None = None
    limit: int = 50


#: The tag URI authority of feed item ids (RFC 4151): the registry's name, not a host.
TAG_AUTHORITY = "registry.smart-village.app"


def parse_since(raw: str | None) -> datetime | None:
    """An ISO 8601 / RFC 3339 time (naive means UTC), in UTC; InvalidInput on ``since``."""
    if raw is None or raw == "":
        return None
    text = raw.strip().upper()
    # An unencoded "+" of an offset arrives as a space ("...T10:00:00 01:00").
    text = re.sub(r"(T[0-9:.]+) ([0-9]{2}:?[0-9]{2})$", r"\1+\2", text)
    try:
        value = datetime.fromisoformat(text)
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 with a positive offset
        raise InvalidInput(
            "query parameter 'since' must be an ISO 8601 time",
            [{"field": "since", "message": f"not an ISO 8601 time: {raw!r}"}],
        ) from None


def encode_cursor(event: Event) -> str:
    text = f"{event.created_at.astimezone(UTC).isoformat()}|{event.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def parse_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """The (time, id) position of an opaque ``cursor``; InvalidInput on field ``cursor``."""
    if raw is None or raw == "":
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        when, _, ident = text.partition("|")
        at, number = datetime.fromisoformat(when), int(ident)
        # Event ids are 32-bit integers (PostgreSQL): a larger one is no cursor of ours.
        if at.tzinfo is None or not 0 <= number < 2**31:
            raise ValueError(text)
        return at.astimezone(UTC), number
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        # OverflowError: year 1 with a positive offset lies before the first representable time
        raise InvalidInput(
            "query parameter 'cursor' is not a cursor this feed gave out",
            [{"field": "cursor", "message": f"invalid cursor: {raw!r}"}],
        ) from None


def is_public_event() -> ColumnElement[bool]:
    """The condition of events anyone may see: of no deployment or of a deployment that is
    public *now* (one made private later takes its events along), of no hidden module."""
    public_ids = select(Deployment.id).where(Deployment.visibility == "public")
    hidden = select(Module.slug).where(Module.hidden.is_(True))
    return and_(
        or_(Event.deployment_id.is_(None), Event.deployment_id.in_(public_ids)),
        or_(Event.module_slug.is_(None), Event.module_slug.not_in(hidden)),
    )


def public_events(session: Session, query: FeedQuery) -> tuple[list[Event], bool]:
    """Events visible to everyone, newest first; and whether more follow."""
    statement = select(Event).where(is_public_event())
    if query.since is not None:
        statement = statement.where(Event.created_at >= query.since)
    if query.cursor is not None:
        at, ident = query.cursor
        statement = statement.where(
            or_(Event.created_at < at, and_(Event.created_at == at, Event.id < ident))
        )
    rows = session.scalars(
        statement.order_by(Event.created_at.desc(), Event.id.desc()).limit(query.limit + 1)
    ).all()
    return list(rows[: query.limit]), len(rows) > query.limit


def event_feed(
    session: Session, query: FeedQuery, *, base_url: str, feed_path: str, args: dict[str, str]
) -> dict[str, Any]:
    """The registry's JSON Feed: one item per public event, newest first, with ``next_url``."""
    events, more = public_events(session, query)
    base = base_url.rstrip("/")
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": f"{FEED_TITLE}: changes",
        "home_page_url": f"{base}/",
        "feed_url": _url(base, feed_path, args),
        "description": "New modules, releases, yanked or withdrawn releases, invalid metadata "
        "and failed crawls of the Smart Village App module registry.",
        "language": "en",
        "items": [event_item(event, base) for event in events],
    }
    if more and events:
        feed["next_url"] = _url(base, feed_path, {**args, "cursor": encode_cursor(events[-1])})
    return feed


def event_item(event: Event, base: str) -> dict[str, Any]:
    """One JSON Feed item; the id is a tag URI that never changes for the event."""
    title = event_title(event)
    item: dict[str, Any] = {
        # The same id whatever host name a client used to fetch the feed.
        "id": f"tag:{TAG_AUTHORITY},2026:event/{event.id}",
        "url": _event_url(event, base),
        "title": title,
        "content_text": _event_text(event, title),
        "date_published": iso(event.created_at),
        "tags": [event.kind],
        "_sva": event_dict(event),
    }
    return item


def event_title(event: Event) -> str:
    template = TITLES.get(event.kind)
    data = event.data or {}
    fields = {
        "module": event.module_slug or "registry",
        "version": event.version or "",
        "deployment": data.get("name") or f"#{event.deployment_id}",
        "advisory": data.get("advisory") or "",
        "title": data.get("title") or "",
    }
    if template is None:
        subject = " ".join(filter(None, [event.module_slug, event.version]))
        return f"{event.kind}: {subject}" if subject else event.kind
    return " ".join(template.format(**fields).split())


def _event_text(event: Event, title: str) -> str:
    data = event.data or {}
    extra = [
        f"{key}: {value}" for key, value in sorted(data.items()) if isinstance(value, (str, int))
    ]
    return ". ".join([title, *extra]) if extra else title


def _event_url(event: Event, base: str) -> str:
    if event.module_slug:
        return f"{base}/api/v1/modules/{event.module_slug}"
    if event.deployment_id is not None:
        return f"{base}/api/v1/deployments/{event.deployment_id}"
    return f"{base}/api/v1/feed.json"


def _url(base: str, path: str, args: dict[str, str]) -> str:
    query = urlencode(sorted(args.items()))
    return f"{base}{path}?{query}" if query else f"{base}{path}"


#: Per deployment: what changes the answer to "what can we adopt, what must we replace".
DEPLOYMENT_KINDS = (
    "release-published",
    "release-yanked",
    "release-withdrawn",
    "advisory-published",
    "advisory-updated",
)
#: (module slug, advisory id) -> the releases of the module the advisory covers now.
AdvisoryCoverage = dict[tuple[str, str], frozenset[str]]
DEPLOYMENT_FEED_ITEMS = 100


def deployment_feed(
    session: Session,
    deployment: Deployment,
    adoptable: dict[str, tuple[str, ...]],
    *,
    installed: dict[str, str],
    base_url: str,
    feed_path: str,
    covered: AdvisoryCoverage | None = None,
) -> dict[str, Any]:
    """A deployment's JSON Feed, newest first (at most 100 items).

    Items: releases of modules it runs that are newer than its version and adoptable now
    (``adoptable`` maps slug -> adoptable versions, from the compatibility service), yanked or
    withdrawn releases of modules it runs, security advisories that cover the release it runs
    (``covered``), and changes of the deployment itself.
    """
    base = base_url.rstrip("/")
    covered = covered or {}
    items = [
        _deployment_item(event, base, installed)
        for event in _deployment_events(session, deployment, installed)
        if _relevant(event, deployment, adoptable, installed, covered)
    ]
    return {
        "version": JSON_FEED_VERSION,
        "title": f"{FEED_TITLE}: {deployment.name}",
        "home_page_url": f"{base}/api/v1/deployments/{deployment.id}",
        "feed_url": f"{base}{feed_path}",
        "description": "Newly adoptable versions, yanked or withdrawn releases and security "
        f"advisories of the modules {deployment.name} runs.",
        "language": "en",
        "items": items[:DEPLOYMENT_FEED_ITEMS],
    }


def _deployment_events(
    session: Session, deployment: Deployment, installed: dict[str, str]
) -> list[Event]:
    hidden = select(Module.slug).where(Module.hidden.is_(True))
    about_modules = and_(
        Event.kind.in_(DEPLOYMENT_KINDS),
        Event.module_slug.in_(sorted(installed)),
        Event.module_slug.not_in(hidden),
    )
    return list(
        session.scalars(
            select(Event)
            .where(or_(about_modules, Event.deployment_id == deployment.id))
            .order_by(Event.created_at.desc(), Event.id.desc())
        ).all()
    )


def _relevant(
    event: Event,
    deployment: Deployment,
    adoptable: dict[str, tuple[str, ...]],
    installed: dict[str, str],
    covered: AdvisoryCoverage,
) -> bool:
    if event.deployment_id == deployment.id:
        return True
    if event.kind.startswith("advisory-"):
        slug, advisory = event.module_slug or "", (event.data or {}).get("advisory", "")
        return installed.get(slug) in covered.get((slug, advisory), frozenset())
    if event.kind != "release-published":
        return True
    slug, version = event.module_slug or "", event.version or ""
    return version in adoptable.get(slug, ()) and _newer(version, installed.get(slug))


def _newer(version: str, than: str | None) -> bool:
    if than is None:
        return True
    try:
        return version_key(version) > version_key(than)
    except (ValueError, TypeError):
        return version != than


def _deployment_item(event: Event, base: str, installed: dict[str, str]) -> dict[str, Any]:
    item = event_item(event, base)
    if event.kind == "release-published":
        item["title"] = f"{event.module_slug} {event.version} can be adopted"
        item["content_text"] = (
            f"{event.module_slug} {event.version} can be adopted "
            f"(running {installed.get(event.module_slug or '', 'none')})."
        )
    elif event.kind.startswith("advisory-"):
        data = event.data or {}
        running = installed.get(event.module_slug or "", "")
        item["title"] = f"{event.module_slug} {running}: security advisory {data.get('advisory')}"
        item["content_text"] = (
            f"The running release {event.module_slug} {running} is covered by "
            f"{data.get('advisory')} ({data.get('severity') or 'severity unknown'}): "
            f"{data.get('summary', '')}"
        )
        item["url"] = f"{base}/api/v1/advisories/{data.get('advisory')}"
        item["_sva"]["affectsInstalled"] = True
    elif event.module_slug in installed:
        running = installed[event.module_slug]
        affects = (
            "affects the running version" if running == event.version else f"running {running}"
        )
        item["content_text"] = f"{item['title']} ({affects})."
        item["_sva"]["affectsInstalled"] = running == event.version
    item["tags"] = [event.kind]
    return item
