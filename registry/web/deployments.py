"""Deployments API (DESIGN §5): CRUD of deployments and their compatibility answers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, request

from registry.compat import DeploymentState
from registry.errors import InvalidInput
from registry.models import Deployment
from registry.serialize import deployment_dict
from registry.services import compatibility as compat
from registry.services import deployments as service
from registry.services.events import data_versions
from registry.web.auth import current_principal, require, require_principal
from registry.web.common import get_session, get_settings, int_arg, json_response

deployments = Blueprint("deployments", __name__, url_prefix="/api/v1")
CACHE_KEY = "registry.compatibility"


@deployments.get("/deployments")
def list_deployments() -> Response:
    page = service.list_deployments(
        get_session(),
        current_principal(),
        state=request.args.get("state") or None,
        limit=int_arg("limit", 50, 1, 500),
        offset=int_arg("offset", 0, 0, 10**9),
    )
    body = {
        "items": [deployment_dict(d) for d in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }
    return json_response(body, last_modified=_changed_at("deployments"))


@deployments.post("/deployments")
def create_deployment() -> Response:
    principal = require_principal()
    require(principal.may_create_deployment(), "this token may not register deployments")
    session = get_session()
    created = service.create_deployment(session, _json_body(), principal)
    session.commit()
    response = json_response(deployment_dict(created), status=201)
    response.headers["Location"] = f"/api/v1/deployments/{created.id}"
    return response


@deployments.get("/deployments/<int:deployment_id>")
def get_deployment(deployment_id: int) -> Response:
    found = service.get_deployment(get_session(), deployment_id, current_principal())
    return json_response(deployment_dict(found), last_modified=found.updated_at)


@deployments.put("/deployments/<int:deployment_id>")
def update_deployment(deployment_id: int) -> Response:
    session = get_session()
    _writable(deployment_id)
    updated = service.update_deployment(session, deployment_id, _json_body())
    session.commit()
    return json_response(deployment_dict(updated))


@deployments.delete("/deployments/<int:deployment_id>")
def delete_deployment(deployment_id: int) -> Response:
    session = get_session()
    _writable(deployment_id)
    service.delete_deployment(session, deployment_id)
    session.commit()
    return Response(status=204)


def _writable(deployment_id: int) -> Deployment:
    """The deployment if the caller may write it: 401 without a token, 404 when the caller
    cannot see it, 403 when it may see but not write it."""
    principal = require_principal()
    found = service.get_deployment(get_session(), deployment_id, principal)
    require(
        principal.may_write_deployment(deployment_id),
        f"this token may not change deployment {deployment_id}",
    )
    return found


def _json_body() -> Any:
    """The request body as parsed JSON, or InvalidInput saying why it is none."""
    raw = request.get_data(cache=True, as_text=True)
    if not raw.strip():
        raise InvalidInput(
            "the body must be a deployment document as JSON",
            [{"field": "", "message": "empty body"}],
        )
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            "the body is not valid JSON",
            [{"field": "", "line": error.lineno, "column": error.colno, "message": error.msg}],
        ) from None


def _changed_at(scope: str) -> datetime | None:
    return data_versions(get_session())[scope][1]


@deployments.get("/deployments/<int:deployment_id>/compatibility")
def deployment_compatibility(deployment_id: int) -> Response:
    found, state, cache = _deployment_state(deployment_id)
    body = compat.compatibility_answer(cache, get_session(), state, found.id)
    return json_response(body, last_modified=_verdict_time(cache, found))


@deployments.get("/deployments/<int:deployment_id>/compatibility/<slug>")
def deployment_module_compatibility(deployment_id: int, slug: str) -> Response:
    found, state, cache = _deployment_state(deployment_id)
    body = compat.module_answer(cache, get_session(), state, slug)
    return json_response(body, last_modified=_verdict_time(cache, found))


@deployments.get("/deployments/<int:deployment_id>/upgrade-plan")
def deployment_upgrade_plan(deployment_id: int) -> Response:
    found, state, cache = _deployment_state(deployment_id)
    component, to = _required_args("component", "to")
    report = cache.component_upgrade(get_session(), state, component, to)
    body = {"deployment": found.id, **report.to_dict()}
    return json_response(body, last_modified=_verdict_time(cache, found))


@deployments.get("/compatibility")
def what_if() -> Response:
    query = compat.what_if_from_query(list(request.args.items(multi=True)))
    cache = _compat_cache()
    state = compat.state_from_document(query.document)
    body = compat.compatibility_answer(cache, get_session(), state, None, query.modules)
    body["query"] = query.document
    return json_response(body, last_modified=cache.snapshot(get_session()).changed_at)


def _compat_cache() -> compat.CompatibilityCache:
    """The process's compatibility cache (created on first use from the policy settings)."""
    cache: compat.CompatibilityCache | None = current_app.extensions.get(CACHE_KEY)
    if cache is None:
        policy = compat.policy_from_settings(get_settings())
        cache = current_app.extensions.setdefault(CACHE_KEY, compat.CompatibilityCache(policy))
    assert cache is not None
    return cache


def _deployment_state(
    deployment_id: int,
) -> tuple[Deployment, DeploymentState, compat.CompatibilityCache]:
    found = service.get_deployment(get_session(), deployment_id, current_principal())
    return found, compat.state_from_document(found.document), _compat_cache()


def _verdict_time(cache: compat.CompatibilityCache, deployment: Deployment) -> datetime | None:
    times = [cache.snapshot(get_session()).changed_at, deployment.updated_at]
    return max((t for t in times if t is not None), default=None)


def _required_args(*names: str) -> list[str]:
    """The values of required query parameters; InvalidInput naming every missing one."""
    values = [request.args.get(name, "").strip() for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise InvalidInput(
            f"missing query parameter(s): {', '.join(missing)}",
            [{"field": name, "message": "required"} for name in missing],
        )
    return values
