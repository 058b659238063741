"""The JSON API (``/api/v1``): thin views that parse input, call a service, serialize."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from registry.db import utcnow
from registry.errors import InvalidInput
from registry.models import CrawlRequest, Module
from registry.serialize import (
    component_dict,
    component_version_dict,
    iso,
    mirror_dict,
    module_dict,
    release_dict,
    sorted_releases,
    sorted_versions,
)
from registry.services import catalog, modules
from registry.services.adopters import adopter_dict, adoption
from registry.services.health import module_health
from registry.web import openapi as openapi_module
from registry.web import security
from registry.web.auth import require, require_principal
from registry.web.caching import cached_json
from registry.web.common import get_session, get_settings, int_arg, json_response
from registry.web.openapi import openapi_document
from registry.web.ui.queries import adopters

api = Blueprint("api", __name__, url_prefix="/api/v1")
api.record_once(lambda state: security.init_app(state.app))  # type: ignore[arg-type]

# Module lists also depend on guides and reports (the search finds them).
CATALOG = ("catalog", "knowledge")


@api.get("/modules")
def list_modules() -> Response:
    limit = int_arg("limit", 50, 1, 500)
    offset = int_arg("offset", 0, 0, 10**9)
    return cached_json(CATALOG, lambda: _module_page(limit, offset))


def _module_page(limit: int, offset: int) -> dict[str, Any]:
    page = catalog.list_modules(
        get_session(),
        q=request.args.get("q", ""),
        topic=request.args.get("topic") or None,
        status=request.args.get("status") or None,
        limit=limit,
        offset=offset,
    )
    body: dict[str, Any] = {
        "items": [_module_summary(m) for m in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }
    if page.offset + page.limit < page.total:
        body["next"] = _page_url(page.offset + page.limit, page.limit)
    return body


def _module_summary(module: Module) -> dict[str, Any]:
    item = module_dict(module)
    newest = catalog.newest_release(module)
    item["newest"] = newest.version if newest else None
    item["releaseCount"] = len(module.releases)
    return item


def _page_url(offset: int, limit: int) -> str:
    args = request.args.to_dict()
    args.update(offset=str(offset), limit=str(limit))
    return f"{request.path}?{urlencode(args)}"


@api.post("/modules")
def register_module() -> Response:
    principal = require_principal()
    require(principal.may_register_modules(), "only publisher or admin tokens register modules")
    session = get_session()
    registration = modules.register_module(session, json_body(), forges=get_settings().forge_hosts)
    session.commit()
    body = _module_summary(registration.module)
    body["crawl"] = crawl_dict(registration.crawl)
    response = json_response(body, status=201)
    response.headers["Location"] = f"/api/v1/modules/{registration.module.slug}"
    return response


@api.post("/modules/<slug>/crawl")
def crawl_module(slug: str) -> Response:
    principal = require_principal()
    session = get_session()
    found = catalog.get_module(session, slug)
    require(principal.may_write_module(slug), f"this token may not crawl module {slug!r}")
    crawl = modules.queue_module_crawl(session, found, f"requested for module {slug} by API")
    session.commit()
    return json_response({"module": slug, "crawl": crawl_dict(crawl)}, status=202)


def crawl_dict(crawl: CrawlRequest) -> dict[str, Any]:
    return {
        "id": crawl.id,
        "repository": crawl.repository,
        "reason": crawl.reason,
        "requestedAt": iso(crawl.requested_at),
        "doneAt": iso(crawl.done_at),
    }


def json_body() -> Any:
    """The request's JSON body; InvalidInput when it is missing or not JSON."""
    data = request.get_json(silent=True)
    if data is None:
        raise InvalidInput(
            "the body must be JSON (Content-Type: application/json)",
            [{"field": "", "message": "missing or invalid JSON"}],
        )
    return data


@api.get("/modules/<slug>")
def get_module(slug: str) -> Response:
    def build() -> dict[str, Any]:
        session = get_session()
        return _module_detail(session, catalog.get_module(session, slug))

    # Health reads deployments and recent activity as well (keyed by day).
    return cached_json(("catalog", "deployments"), build, extra_key=utcnow().date())


def _module_detail(session: Any, found: Module) -> dict[str, Any]:
    registered = [(a.deployment, a.version) for a in adopters(session, found.slug)]
    seen = adoption(session, found, registered)
    return {
        **_module_summary(found),
        "mirrors": [mirror_dict(m) for m in found.mirrors],
        "health": module_health(session, found),
        "adoption": {
            "registeredDeployments": len(registered),
            "reportedAdopters": [adopter_dict(row) for row in seen.reported],
            "takenOver": [adopter_dict(row, owner) for row, owner in seen.taken_over],
        },
    }


@api.put("/modules/<slug>")
def edit_module(slug: str) -> Response:
    principal = require_principal()
    require(principal.is_admin, "only admin tokens edit modules")
    session = get_session()
    found = catalog.get_module(session, slug)
    forges = get_settings().forge_hosts
    modules.edit_module(session, found, json_body(), forges=forges, by="api")
    session.commit()
    return json_response(_module_detail(session, found))


@api.get("/modules/<slug>/releases")
def module_releases(slug: str) -> Response:
    def build() -> dict[str, Any]:
        found = catalog.get_module(get_session(), slug)
        return {"module": slug, "items": [release_dict(r) for r in sorted_releases(found.releases)]}

    return cached_json(CATALOG, build)


@api.get("/components")
def list_components() -> Response:
    def build() -> dict[str, Any]:
        items = []
        for component in catalog.list_components(get_session()):
            item = component_dict(component, with_versions=False)
            item["versionCount"] = len(component.versions)
            newest = sorted_versions(component.versions)
            item["newest"] = newest[0].version if newest else None
            items.append(item)
        return {"items": items}

    return cached_json(CATALOG, build)


@api.get("/components/<name>/versions")
def component_versions(name: str) -> Response:
    def build() -> dict[str, Any]:
        component = catalog.get_component(get_session(), name)
        items = [component_version_dict(v) for v in sorted_versions(component.versions)]
        return {"component": name, "items": items}

    return cached_json(CATALOG, build)


@api.get("/openapi.json")
def openapi() -> Response:
    # The document depends on no data but the code: cached once per process, dated by its file.
    return cached_json((), openapi_document, last_modified=_openapi_changed())


@cache
def _openapi_changed() -> datetime:
    return datetime.fromtimestamp(Path(openapi_module.__file__).stat().st_mtime, UTC)
