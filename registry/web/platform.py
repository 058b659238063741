"""Platform API: what component versions themselves need, and their CHANGELOG entries."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from registry.services import platform as service
from registry.web.api import json_body
from registry.web.auth import require, require_principal
from registry.web.caching import cached_json
from registry.web.common import get_session, json_response

platform = Blueprint("platform", __name__, url_prefix="/api/v1")
CATALOG = ("catalog",)


@platform.get("/components/<name>/requirements")
def component_requirements(name: str) -> Response:
    def build() -> dict[str, Any]:
        return {"component": name, "items": service.requirements_of(get_session(), name)}

    return cached_json(CATALOG, build)


@platform.post("/components/<name>/requirements")
def add_component_requirement(name: str) -> Response:
    require(require_principal().is_admin, "only admins curate platform requirements")
    session = get_session()
    row = service.add_requirement(session, name, json_body())
    session.commit()
    return json_response(service.requirement_dict(row, name), status=201)


@platform.delete("/components/<name>/requirements/<int:requirement_id>")
def delete_component_requirement(name: str, requirement_id: int) -> Response:
    require(require_principal().is_admin, "only admins curate platform requirements")
    session = get_session()
    service.delete_requirement(session, name, requirement_id)
    session.commit()
    return Response(status=204)


@platform.get("/components/<name>/changes")
def component_changes(name: str) -> Response:
    def build() -> dict[str, Any]:
        return {"component": name, "items": service.changes_of(get_session(), name)}

    return cached_json(CATALOG, build)


@platform.post("/platform/import")
def import_platform_file() -> Response:
    require(require_principal().is_admin, "only admins import platform files")
    session = get_session()
    added = service.import_platform(session, json_body(), "<request>")
    session.commit()
    return json_response({"added": added})
