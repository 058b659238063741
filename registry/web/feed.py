"""JSON feeds and the dashboard summary: cached, conditional, gzip-compressed reads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from registry import shapes
from registry.db import utcnow
from registry.models import Deployment
from registry.services import advisories as advisories_service
from registry.services import compatibility as compat
from registry.services import dashboard as dashboard_service
from registry.services import deployments as deployments_service
from registry.services import feeds
from registry.web.auth import current_principal
from registry.web.caching import cached_json, current_versions
from registry.web.common import get_session, get_settings, public_base_url
from registry.web.contract import operation

feed = Blueprint("feed", __name__)

FEED_MIMETYPE = "application/feed+json"
#: The public feed shows catalogue events, minus hidden modules and private deployments.
FEED_SCOPES = ("events", "catalog", "deployments")
#: The key under which the deployments blueprint keeps the process's compatibility cache.
COMPAT_CACHE_KEY = "registry.compatibility"
BLOCKED_MEMO_KEY = "registry.dashboard_blocked"


@feed.get("/api/v1/feed.json")
@operation(
    "Registry events as JSON Feed 1.1, newest first",
    tag="feeds",
    query=shapes.FeedQuery,
    ok=shapes.Feed,
    cached=True,
    media=FEED_MIMETYPE,
)
def event_feed(query: shapes.FeedQuery) -> Response:
    asked = feeds.FeedQuery(
        since=feeds.parse_since(query.since),
        cursor=feeds.parse_cursor(query.cursor),
        limit=query.limit,
    )
    args = {k: v for k, v in request.args.items() if k in {"since", "limit"}}

    def build() -> dict[str, Any]:
        return feeds.event_feed(
            get_session(),
            asked,
            base_url=public_base_url(),
            feed_path=request.path,
            args=args,
        )

    # The links name the host asked (unless base_url is set): one cache entry per host.
    return cached_json(FEED_SCOPES, build, mimetype=FEED_MIMETYPE, extra_key=public_base_url())


@feed.get("/api/v1/dashboard.json")
@operation(
    "Summary for dashboards (docs/dashboard.md)", tag="feeds", ok=shapes.Dashboard, cached=True
)
def dashboard() -> Response:
    # Crawl states change without a catalogue change when a crawl fails: key on them as well.
    return cached_json(
        ("catalog", "deployments", "events"),
        lambda: dashboard_service.dashboard(
            get_session(), now=utcnow(), blocked=_blocked_installed_versions
        ),
        extra_key=dashboard_service.crawl_marker(get_session()),
    )


@feed.get("/api/v1/deployments/<int:deployment_id>/feed.json")
@operation(
    "A deployment's feed: newly adoptable versions, yanks that affect it",
    tag="feeds",
    ok=shapes.Feed,
    cached=True,
    media=FEED_MIMETYPE,
    auth="optional",
    errors=(404,),
    parameters={"deployment_id": "deployment id"},
)
def deployment_feed(deployment_id: int) -> Response:
    principal = current_principal()
    session = get_session()
    # Not found for a private deployment the caller may not see (no existence leak).
    found = deployments_service.get_deployment(session, deployment_id, principal)

    def build() -> dict[str, Any]:
        installed = dashboard_service.installed(found)
        state = compat.state_from_document(found.document)
        verdicts = compat_cache().verdicts(session, state, _known(session, installed))
        return feeds.deployment_feed(
            session,
            found,
            {slug: tuple(v.adoptable) for slug, v in verdicts.items()},
            installed=installed,
            base_url=public_base_url(),
            feed_path=request.path,
            covered=advisories_service.coverage_by_advisory(session),
        )

    private = found.visibility == "private"
    return cached_json(
        FEED_SCOPES,
        build,
        # Private answers are keyed by the caller's token so no one else is served them.
        principal_key=principal.token_id if private and principal else None,
        mimetype=FEED_MIMETYPE,
        extra_key=public_base_url(),
    )


def _blocked_installed_versions(
    deployment: Deployment, installed: dict[str, str]
) -> dict[str, list[str]]:
    """slug -> reason codes for each version the deployment runs that the rules block for it.

    Memoized per process for the current catalogue and the deployment's last change, so that
    a dashboard rebuilt after an unrelated write (a new event) does not evaluate every public
    deployment again.
    """
    stamp = current_versions()["catalog"]
    memo: dict[Any, Any] = current_app.extensions.setdefault(BLOCKED_MEMO_KEY, {})
    if memo.get("stamp") != stamp:
        memo.clear()
        memo["stamp"] = stamp
    key = (deployment.id, deployment.updated_at)
    if key not in memo:
        memo[key] = _evaluate_blocked(deployment, installed)
    found: dict[str, list[str]] = memo[key]
    return found


def _evaluate_blocked(deployment: Deployment, installed: dict[str, str]) -> dict[str, list[str]]:
    session = get_session()
    state = compat.state_from_document(deployment.document)
    verdicts = compat_cache().verdicts(session, state, _known(session, installed))
    found = {}
    for slug, verdict in verdicts.items():
        reasons = verdict.reasons_for(installed[slug])
        if reasons:
            found[slug] = [reason.code for reason in reasons]
    return found


def compat_cache() -> compat.CompatibilityCache:
    """The process's compatibility cache (shared with the deployments blueprint)."""
    cache: compat.CompatibilityCache | None = current_app.extensions.get(COMPAT_CACHE_KEY)
    if cache is None:
        policy = compat.policy_from_settings(get_settings())
        cache = current_app.extensions.setdefault(
            COMPAT_CACHE_KEY, compat.CompatibilityCache(policy)
        )
    return cache


def _known(session, installed: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    snapshot = compat_cache().snapshot(session)
    return [slug for slug in installed if snapshot.has_module(slug)]
