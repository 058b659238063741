"""Deployments API (DESIGN §5): CRUD of deployments and their compatibility answers."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request

from registry.compat import DeploymentState
from registry.errors import InvalidInput
from registry.models import Deployment
from registry.serialize import deployment_dict
from registry.services import compatibility as compat
from registry.services import deployments as service
from registry.services.tokens import Principal
from registry.web.auth import current_principal, require, require_principal
from registry.web.caching import cached_json
from registry.web.common import get_session, get_settings, int_arg, json_response

deployments = Blueprint("deployments", __name__, url_prefix="/api/v1")
CACHE_KEY = "registry.compatibility"
# The data scopes each answer depends on: a write bumps one, the cached answer then misses.
CATALOG = ("catalog",)
DEPLOYMENTS = ("deployments",)
VERDICTS = ("catalog", "deployments")


@deployments.get("/deployments")
def list_deployments() -> Response:
    principal = current_principal()
    state = request.args.get("state") or None
    limit = int_arg("limit", 50, 1, 500)
    offset = int_arg("offset", 0, 0, 10**9)

    def build() -> dict[str, Any]:
        page = service.list_deployments(
            get_session(), principal, state=state, limit=limit, offset=offset
        )
        return {
            "items": [deployment_dict(d) for d in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        }

    # What a list shows depends on the caller (private deployments): key on the token.
    return cached_json(DEPLOYMENTS, build, principal_key=_token_id(principal))


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
    return cached_json(DEPLOYMENTS, lambda: deployment_dict(found), principal_key=_private(found))


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


@deployments.put("/deployments/<int:deployment_id>/capabilities/<component>")
def set_capabilities(deployment_id: int, component: str) -> Response:
    """Set a component's capabilities from ``{"capabilities": [...]}`` or from a GraphQL
    introspection result (``{"data": {"__schema": ...}}``) as the body."""
    session = get_session()
    _writable(deployment_id)
    names = compat.capabilities_from_body(_json_body())
    updated = service.set_component_capabilities(session, deployment_id, component, names)
    session.commit()
    return json_response(deployment_dict(updated))


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


@deployments.get("/deployments/<int:deployment_id>/compatibility")
def deployment_compatibility(deployment_id: int) -> Response:
    found, state, cache = _deployment_state(deployment_id)
    return cached_json(
        VERDICTS,
        lambda: compat.compatibility_answer(cache, get_session(), state, found.id),
        principal_key=_private(found),
    )


@deployments.get("/deployments/<int:deployment_id>/compatibility/<slug>")
def deployment_module_compatibility(deployment_id: int, slug: str) -> Response:
    found, state, cache = _deployment_state(deployment_id)
    return cached_json(
        VERDICTS,
        lambda: compat.module_answer(cache, get_session(), state, slug),
        principal_key=_private(found),
    )


@deployments.get("/deployments/<int:deployment_id>/upgrade-plan")
def deployment_upgrade_plan(deployment_id: int) -> Response:
    found, state, cache = _deployment_state(deployment_id)
    component, to = _required_args("component", "to")

    def build() -> dict[str, Any]:
        return compat.upgrade_plan_answer(
            cache, get_session(), state, found.id, component=component, to=to
        )

    return cached_json(VERDICTS, build, principal_key=_private(found))


@deployments.get("/compatibility")
def what_if() -> Response:
    def build() -> dict[str, Any]:
        query = compat.what_if_from_query(list(request.args.items(multi=True)))
        state = compat.state_from_document(query.document)
        body = compat.compatibility_answer(
            _compat_cache(), get_session(), state, None, query.modules
        )
        body["query"] = query.document
        return body

    return cached_json(CATALOG, build)


@deployments.post("/compatibility")
def what_if_document() -> Response:
    """The what-if for a whole deployment document as the body (nothing is stored)."""
    modules = [m for value in request.args.getlist("module") for m in value.split(",") if m]
    body = compat.document_answer(_compat_cache(), get_session(), _json_body(), modules or None)
    return json_response(body)


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


def _private(deployment: Deployment) -> int | None:
    """The cache key part for answers about a private deployment: the caller's token."""
    if deployment.visibility != "private":
        return None
    return _token_id(current_principal())


def _token_id(principal: Principal | None) -> int | None:
    return None if principal is None else principal.token_id


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
