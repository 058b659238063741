"""The JSON API (``/api/v1``): thin views that parse input, call a service, serialize."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, request

from registry.serialize import (
    component_dict,
    component_version_dict,
    module_dict,
    release_dict,
    sorted_releases,
    sorted_versions,
)
from registry.services import catalog
from registry.services.events import data_versions
from registry.web.common import get_session, int_arg, json_response

api = Blueprint("api", __name__, url_prefix="/api/v1")


def _catalog_changed_at():  # type: ignore[no-untyped-def]
    return data_versions(get_session())["catalog"][1]


@api.get("/modules")
def modules() -> Response:
    limit = int_arg("limit", 50, 1, 500)
    offset = int_arg("offset", 0, 0, 10**9)
    page = catalog.list_modules(
        get_session(),
        q=request.args.get("q", ""),
        topic=request.args.get("topic") or None,
        status=request.args.get("status") or None,
        limit=limit,
        offset=offset,
    )
    items = []
    for module in page.items:
        item = module_dict(module)
        newest = catalog.newest_release(module)
        item["newest"] = newest.version if newest else None
        item["releaseCount"] = len(module.releases)
        items.append(item)
    body = {"items": items, "total": page.total, "limit": page.limit, "offset": page.offset}
    if page.offset + page.limit < page.total:
        body["next"] = _page_url(page.offset + page.limit, page.limit)
    return json_response(body, last_modified=_catalog_changed_at())


def _page_url(offset: int, limit: int) -> str:
    args = request.args.to_dict()
    args.update(offset=str(offset), limit=str(limit))
    return f"{request.path}?{urlencode(args)}"


@api.get("/modules/<slug>")
def module(slug: str) -> Response:
    found = catalog.get_module(get_session(), slug)
    body = module_dict(found)
    newest = catalog.newest_release(found)
    body["newest"] = newest.version if newest else None
    body["releaseCount"] = len(found.releases)
    return json_response(body, last_modified=_catalog_changed_at())


@api.get("/modules/<slug>/releases")
def module_releases(slug: str) -> Response:
    found = catalog.get_module(get_session(), slug)
    items = [release_dict(r) for r in sorted_releases(found.releases)]
    return json_response({"module": slug, "items": items}, last_modified=_catalog_changed_at())


@api.get("/components")
def components() -> Response:
    items = []
    for component in catalog.list_components(get_session()):
        item = component_dict(component, with_versions=False)
        item["versionCount"] = len(component.versions)
        newest = sorted_versions(component.versions)
        item["newest"] = newest[0].version if newest else None
        items.append(item)
    return json_response({"items": items}, last_modified=_catalog_changed_at())


@api.get("/components/<name>/versions")
def component_versions(name: str) -> Response:
    component = catalog.get_component(get_session(), name)
    items = [component_version_dict(v) for v in sorted_versions(component.versions)]
    return json_response({"component": name, "items": items}, last_modified=_catalog_changed_at())
