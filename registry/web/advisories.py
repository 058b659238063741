"""Advisories API: OSV records in and out (docs/advisories.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from registry.services import advisories as service
from registry.services import catalog
from registry.services.feeds import parse_since
from registry.web.api import json_body
from registry.web.auth import require, require_principal
from registry.web.caching import cached_json
from registry.web.common import get_session, json_response

advisories = Blueprint("advisories", __name__, url_prefix="/api/v1")
# Advisory writes bump the catalog version: verdicts and module pages read them too.
SCOPES = ("catalog",)


@advisories.get("/advisories")
def list_advisories() -> Response:
    module = request.args.get("module") or None
    since = parse_since(request.args.get("since"))

    def build() -> dict[str, Any]:
        session = get_session()
        rows = service.list_advisories(session, module=module, since=since)
        return {"items": [service.summary_dict(session, row) for row in rows]}

    return cached_json(SCOPES, build)


@advisories.post("/advisories")
def post_advisory() -> Response:
    principal = require_principal()
    require(
        principal.is_admin or principal.role == "publisher",
        "only admin or publisher tokens post advisories",
    )
    session = get_session()
    result = service.publish_advisory(session, json_body(), principal)
    session.commit()
    body = service.osv_document(session, result.advisory)
    response = json_response(body, status=201 if result.status == "created" else 200)
    response.headers["Location"] = f"/api/v1/advisories/{result.advisory.id}"
    return response


@advisories.get("/advisories/<ident>")
def get_advisory(ident: str) -> Response:
    def build() -> dict[str, Any]:
        session = get_session()
        return service.osv_document(session, service.get_advisory(session, ident))

    return cached_json(SCOPES, build)


@advisories.get("/modules/<slug>/advisories")
def module_advisories(slug: str) -> Response:
    def build() -> dict[str, Any]:
        session = get_session()
        catalog.get_module(session, slug)
        rows = service.list_advisories(session, module=slug)
        return {"module": slug, "items": [service.summary_dict(session, row) for row in rows]}

    return cached_json(SCOPES, build)
