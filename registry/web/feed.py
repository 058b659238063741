"""JSON feeds and the dashboard summary: cached, conditional, gzip-compressed reads."""

from __future__ import annotations

from flask import Blueprint, Response, request

from registry.db import utcnow
from registry.services import dashboard as dashboard_service
from registry.services import feeds
from registry.web.caching import cached_json
from registry.web.common import get_session, get_settings, int_arg

feed = Blueprint("feed", __name__)

FEED_MIMETYPE = "application/feed+json"
#: The public feed shows catalogue events, minus hidden modules and private deployments.
FEED_SCOPES = ("events", "catalog", "deployments")


@feed.get("/api/v1/feed.json")
def event_feed() -> Response:
    query = feeds.FeedQuery(
        since=feeds.parse_since(request.args.get("since")),
        cursor=feeds.parse_cursor(request.args.get("cursor")),
        limit=int_arg("limit", 50, 1, 200),
    )
    args = {k: v for k, v in request.args.items() if k in {"since", "limit"}}

    def build() -> dict:  # type: ignore[type-arg]
        return feeds.event_feed(
            get_session(),
            query,
            base_url=get_settings().server.base_url,
            feed_path=request.path,
            args=args,
        )

    return cached_json(FEED_SCOPES, build, mimetype=FEED_MIMETYPE)


@feed.get("/api/v1/dashboard.json")
def dashboard() -> Response:
    # Crawl states change without a catalogue change when a crawl fails: key on them as well.
    return cached_json(
        ("catalog", "deployments", "events"),
        lambda: dashboard_service.dashboard(get_session(), now=utcnow()),
        extra_key=dashboard_service.crawl_marker(get_session()),
    )
