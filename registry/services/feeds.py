"""JSON Feed 1.1 views of the event log (https://www.jsonfeed.org/version/1.1/).

Events about private deployments and hidden modules never appear: the registry feed is public.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

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
}


@dataclass(frozen=True)
class FeedQuery:
    """Which slice of the log a feed request asks for."""

    since: datetime | None = None
    cursor: tuple[datetime, int] | None = None
    limit: int = 50


def parse_since(raw: str | None) -> datetime | None:
    """An ISO 8601 time (naive means UTC); InvalidInput on field ``since`` otherwise."""
    if raw is None or raw == "":
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise InvalidInput(
            "query parameter 'since' must be an ISO 8601 time",
            [{"field": "since", "message": f"not an ISO 8601 time: {raw!r}"}],
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


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
        at = datetime.fromisoformat(when)
        if at.tzinfo is None:
            raise ValueError(when)
        return at, int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "query parameter 'cursor' is not a cursor this feed gave out",
            [{"field": "cursor", "message": f"invalid cursor: {raw!r}"}],
        ) from None


def public_events(session: Session, query: FeedQuery) -> tuple[list[Event], bool]:
    """Events visible to everyone, newest first; and whether more follow."""
    public_ids = select(Deployment.id).where(Deployment.visibility == "public")
    hidden = select(Module.slug).where(Module.hidden.is_(True))
    statement = select(Event).where(
        or_(Event.deployment_id.is_(None), Event.deployment_id.in_(public_ids)),
        or_(Event.module_slug.is_(None), Event.module_slug.not_in(hidden)),
    )
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
        "id": f"tag:{urlsplit(base).hostname or 'sva-registry'},2026:event/{event.id}",
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
    fields = {"module": event.module_slug or "registry", "version": event.version or ""}
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
