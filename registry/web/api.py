"""The JSON API (``/api/v1``): thin views that parse input, call a service, serialize."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request

from registry import shapes
from registry.db import utcnow
from registry.models import Module
from registry.serialize import (
    component_dict,
    component_version_dict,
    crawl_dict,
    mirror_dict,
    module_dict,
    release_dict,
    sorted_releases,
    sorted_versions,
)
from registry.services import catalog, modules, transfer
from registry.services.adopters import adopter_dict, adoption
from registry.services.health import module_health
from registry.web import contract, security
from registry.web.auth import require, require_principal
from registry.web.caching import cached_json
from registry.web.common import get_session, get_settings, json_response
from registry.web.contract import operation
from registry.web.ui.queries import adopters

api = Blueprint("api", __name__, url_prefix="/api/v1")
api.record_once(lambda state: security.init_app(state.app))  # type: ignore[arg-type]

# Module lists also depend on guides and reports (the search finds them).
CATALOG = ("catalog", "knowledge")


@api.get("/modules")
@operation(
    "Modules, by slug, one page of them",
    tag="modules",
    query=shapes.ModuleQuery,
    ok=shapes.ModulePage,
    cached=True,
)
def list_modules(query: shapes.ModuleQuery) -> Response:
    return cached_json(CATALOG, lambda: _module_page(query))


def _module_page(query: shapes.ModuleQuery) -> dict[str, Any]:
    page = catalog.list_modules(
        get_session(),
        q=query.q,
        topic=query.topic,
        status=query.status,
        limit=query.limit,
        offset=query.offset,
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
@operation(
    "Register a module by its repository URL and queue its first crawl",
    tag="modules",
    body=shapes.ModuleRegistration,
    ok=shapes.RegisteredModule,
    status=201,
    location=True,
    auth="bearer",
    errors=(409,),
    links={
        "GetModule": ("api.get_module", {"slug": "$response.body#/slug"}),
        "Releases": ("api.module_releases", {"slug": "$response.body#/slug"}),
        "Crawl": ("api.crawl_module", {"slug": "$response.body#/slug"}),
    },
)
def register_module(body: shapes.ModuleRegistration) -> Response:
    principal = require_principal()
    require(principal.may_register_modules(), "only publisher or admin tokens register modules")
    session = get_session()
    data = body.model_dump(by_alias=True, exclude_unset=True)
    registration = modules.register_module(session, data, forges=get_settings().forge_hosts)
    session.commit()
    body = _module_summary(registration.module)
    body["crawl"] = crawl_dict(registration.crawl)
    response = json_response(body, status=201)
    response.headers["Location"] = f"/api/v1/modules/{registration.module.slug}"
    return response


@api.post("/modules/<slug>/crawl")
@operation(
    "Queue a crawl of the module's repository (publisher of the module or admin)",
    tag="modules",
    ok=shapes.QueuedCrawl,
    status=202,
    auth="bearer",
    errors=(400, 404),
    parameters={"slug": "module slug"},
)
def crawl_module(slug: str) -> Response:
    principal = require_principal()
    session = get_session()
    found = catalog.get_module(session, slug)
    require(principal.may_write_module(slug), f"this token may not crawl module {slug!r}")
    crawl = modules.queue_module_crawl(session, found, f"requested for module {slug} by API")
    session.commit()
    return json_response({"module": slug, "crawl": crawl_dict(crawl)}, status=202)


def json_body() -> Any:
    """The request's JSON body within the input limits (for routes without a body model)."""
    return contract.read_json()


@api.get("/modules/<slug>")
@operation(
    "One module, with its mirrors",
    tag="modules",
    ok=shapes.ModuleDetail,
    cached=True,
    errors=(404,),
    parameters={"slug": "module slug"},
)
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
@operation(
    "An admin's edit: the fields given get the source `admin` (highest); a new repository is "
    "recorded as an event and queued for a crawl",
    tag="modules",
    body=shapes.ModuleEdit,
    ok=shapes.ModuleDetail,
    auth="bearer",
    errors=(404,),
    parameters={"slug": "module slug"},
)
def edit_module(slug: str, body: shapes.ModuleEdit) -> Response:
    principal = require_principal()
    require(principal.is_admin, "only admin tokens edit modules")
    session = get_session()
    found = catalog.get_module(session, slug)
    forges = get_settings().forge_hosts
    edit = body.model_dump(by_alias=True, exclude_unset=True)
    modules.edit_module(session, found, edit, forges=forges, by="api")
    session.commit()
    return json_response(_module_detail(session, found))


@api.get("/modules/<slug>/releases")
@operation(
    "Releases of a module, newest first",
    tag="modules",
    ok=shapes.Releases,
    cached=True,
    errors=(404,),
    parameters={"slug": "module slug"},
)
def module_releases(slug: str) -> Response:
    def build() -> dict[str, Any]:
        found = catalog.get_module(get_session(), slug)
        return {"module": slug, "items": [release_dict(r) for r in sorted_releases(found.releases)]}

    return cached_json(CATALOG, build)


@api.get("/modules/<slug>/publiccode.yml")
@operation(
    "The module's publiccode.yml (standard 0.4), made from what the registry stores",
    tag="modules",
    media="text/yaml",
    raw_schema={"type": "string"},
    cached=True,
    errors=(404, 409),
    parameters={"slug": "module slug"},
)
def module_publiccode(slug: str) -> Response:
    return cached_json(
        CATALOG,
        lambda: transfer.export_publiccode(get_session(), slug),
        mimetype="text/yaml",
        text=True,
    )


@api.get("/components")
@operation("Components", tag="components", ok=shapes.Components, cached=True)
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
@operation(
    "Known versions of a component, newest first",
    tag="components",
    ok=shapes.ComponentVersions,
    cached=True,
    errors=(404,),
    parameters={"name": "component name"},
)
def component_versions(name: str) -> Response:
    def build() -> dict[str, Any]:
        component = catalog.get_component(get_session(), name)
        items = [component_version_dict(v) for v in sorted_versions(component.versions)]
        return {"component": name, "items": items}

    return cached_json(CATALOG, build)


@api.get("/openapi.json")
@operation("This document", tag="meta", ok=shapes.OpenApiDocument, cached=True)
def openapi() -> Response:
    # The document depends on no data but the code: dated by the contract's and shapes' files.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return cached_json((), lambda: contract.openapi_document(app), last_modified=_code_changed())


@cache
def _code_changed() -> datetime:
    files = (contract.__file__, shapes.__file__, __file__)
    return datetime.fromtimestamp(max(Path(f).stat().st_mtime for f in files), UTC)
