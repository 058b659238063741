"""Advisories API: OSV records in and out (docs/advisories.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from registry import shapes
from registry.services import advisories as service
from registry.services import catalog
from registry.services.feeds import parse_since
from registry.web.auth import require, require_principal
from registry.web.caching import cached_json
from registry.web.common import get_session, json_response
from registry.web.contract import operation

advisories = Blueprint("advisories", __name__, url_prefix="/api/v1")
# Advisory writes bump the catalog version: verdicts and module pages read them too.
SCOPES = ("catalog",)


@advisories.get("/advisories")
@operation(
    "Security advisories (OSV records), newest modified first",
    tag="advisories",
    query=shapes.AdvisoryQuery,
    ok=shapes.Advisories,
    cached=True,
)
def list_advisories(query: shapes.AdvisoryQuery) -> Response:
    module = query.module
    since = parse_since(query.since)

    def build() -> dict[str, Any]:
        session = get_session()
        rows = service.list_advisories(session, module=module, since=since)
        return {"items": [service.summary_dict(session, row) for row in rows]}

    return cached_json(SCOPES, build)


@advisories.post("/advisories")
@operation(
    "Publish an OSV record (admin, or a publisher of every module it names); a later "
    "`modified` replaces the stored record",
    tag="advisories",
    body=shapes.OsvRecord,
    ok=shapes.OsvRecord,
    status=201,
    location=True,
    description="Answers 201 for a new advisory, 200 when it replaced or equals a stored one.",
    extra_responses={200: (shapes.OsvRecord, "Stored (replaced, or unchanged when equal).")},
    auth="bearer",
    errors=(404, 409),
)
def post_advisory(body: shapes.OsvRecord) -> Response:
    principal = require_principal()
    require(
        principal.is_admin or principal.role == "publisher",
        "only admin or publisher tokens post advisories",
    )
    session = get_session()
    result = service.publish_advisory(session, body.root, principal)
    session.commit()
    body = service.osv_document(session, result.advisory)
    response = json_response(body, status=201 if result.status == "created" else 200)
    response.headers["Location"] = f"/api/v1/advisories/{result.advisory.id}"
    return response


@advisories.get("/advisories/<ident>")
@operation(
    "One advisory as OSV, with the covered releases in `database_specific.affectedReleases`",
    tag="advisories",
    ok=shapes.OsvRecord,
    cached=True,
    errors=(404,),
    parameters={"ident": "advisory id (SVA-...)"},
)
def get_advisory(ident: str) -> Response:
    def build() -> dict[str, Any]:
        session = get_session()
        return service.osv_document(session, service.get_advisory(session, ident))

    return cached_json(SCOPES, build)


@advisories.get("/modules/<slug>/advisories")
@operation(
    "Advisories naming a module",
    tag="advisories",
    ok=shapes.ModuleAdvisories,
    cached=True,
    errors=(404,),
    parameters={"slug": "module slug"},
)
def module_advisories(slug: str) -> Response:
    def build() -> dict[str, Any]:
        session = get_session()
        catalog.get_module(session, slug)
        rows = service.list_advisories(session, module=slug)
        return {"module": slug, "items": [service.summary_dict(session, row) for row in rows]}

    return cached_json(SCOPES, build)
