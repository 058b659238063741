"""Deployments API (the HTTP contract): CRUD of deployments and their compatibility answers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from registry import shapes
from registry.compat import DeploymentState
from registry.models import Deployment
from registry.serialize import deployment_dict
from registry.services import compatibility as compat
from registry.services import deployments as service
from registry.services.tokens import Principal
from registry.web.auth import current_principal, require, require_principal
from registry.web.caching import cached_json, make_entry
from registry.web.common import get_session, get_settings, json_response
from registry.web.contract import operation
from registry.web.errors import PreconditionFailed

deployments = Blueprint("deployments", __name__, url_prefix="/api/v1")
CACHE_KEY = "registry.compatibility"
# The data scopes each answer depends on: a write bumps one, the cached answer then misses.
CATALOG = ("catalog",)
DEPLOYMENTS = ("deployments",)
VERDICTS = ("catalog", "deployments")


ID = {"deployment_id": "deployment id"}
#: Where a created deployment leads (OpenAPI links, followed by the stateful schemathesis run).
NEW_ID = {"deployment_id": "$response.body#/id"}
CREATED_LINKS = {
    "GetDeployment": ("deployments.get_deployment", NEW_ID),
    "UpdateDeployment": ("deployments.update_deployment", NEW_ID),
    "SetCapabilities": ("deployments.set_capabilities", NEW_ID),
    "Compatibility": ("deployments.deployment_compatibility", NEW_ID),
    "DeleteDeployment": ("deployments.delete_deployment", NEW_ID),
}


@deployments.get("/deployments")
@operation(
    "Deployments the caller may see (private ones only with a token for them)",
    tag="deployments",
    query=shapes.DeploymentQuery,
    ok=shapes.DeploymentPage,
    cached=True,
    auth="optional",
)
def list_deployments(query: shapes.DeploymentQuery) -> Response:
    principal = current_principal()

    def build() -> dict[str, Any]:
        page = service.list_deployments(
            get_session(), principal, state=query.state, limit=query.limit, offset=query.offset
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
@operation(
    "Register a deployment (its document as JSON)",
    tag="deployments",
    body=shapes.DeploymentDocument,
    ok=shapes.Deployment,
    status=201,
    location=True,
    auth="bearer",
    errors=(409,),
    links=CREATED_LINKS,
)
def create_deployment(body: shapes.DeploymentDocument) -> Response:
    principal = require_principal()
    require(principal.may_create_deployment(), "this token may not register deployments")
    session = get_session()
    created = service.create_deployment(session, body.root, principal)
    session.commit()
    response = json_response(deployment_dict(created), status=201)
    response.headers["Location"] = f"/api/v1/deployments/{created.id}"
    return response


@deployments.get("/deployments/<int:deployment_id>")
@operation(
    "One deployment",
    tag="deployments",
    ok=shapes.Deployment,
    cached=True,
    auth="optional",
    errors=(404,),
    parameters=ID,
)
def get_deployment(deployment_id: int) -> Response:
    found = service.get_deployment(get_session(), deployment_id, current_principal())
    return cached_json(DEPLOYMENTS, lambda: deployment_dict(found), principal_key=_private(found))


@deployments.put("/deployments/<int:deployment_id>")
@operation(
    "Replace a deployment's document",
    tag="deployments",
    body=shapes.DeploymentDocument,
    ok=shapes.Deployment,
    auth="bearer",
    errors=(404, 409, 412),
    parameters=ID,
)
def update_deployment(deployment_id: int, body: shapes.DeploymentDocument) -> Response:
    session = get_session()
    _writable(deployment_id)
    updated = service.update_deployment(session, deployment_id, body.root)
    session.commit()
    return _stored(updated)


@deployments.delete("/deployments/<int:deployment_id>")
@operation(
    "Delete a deployment",
    tag="deployments",
    status=204,
    auth="bearer",
    errors=(404, 412),
    parameters=ID,
)
def delete_deployment(deployment_id: int) -> Response:
    session = get_session()
    _writable(deployment_id)
    service.delete_deployment(session, deployment_id)
    session.commit()
    return Response(status=204)


@deployments.put("/deployments/<int:deployment_id>/capabilities/<component>")
@operation(
    "Set a component's capabilities of a deployment",
    tag="deployments",
    description='The body is `{"capabilities": [...]}` or a GraphQL introspection result '
    '(`{"data": {"__schema": ...}}`, its root fields count).',
    body=shapes.CapabilitiesBody,
    ok=shapes.Deployment,
    auth="bearer",
    errors=(404, 412),
    parameters={**ID, "component": "component name"},
)
def set_capabilities(deployment_id: int, component: str, body: shapes.CapabilitiesBody) -> Response:
    session = get_session()
    _writable(deployment_id)
    names = compat.capabilities_from_body(body.model_dump(exclude_unset=True))
    updated = service.set_component_capabilities(session, deployment_id, component, names)
    session.commit()
    return _stored(updated)


def _writable(deployment_id: int) -> Deployment:
    """The deployment if the caller may write it: 401 without a token, 404 when the caller
    cannot see it, 403 when it may see but not write it, 412 when ``If-Match`` names another
    version than the stored one (the row stays locked until the write commits)."""
    principal = require_principal()
    found = service.get_deployment(get_session(), deployment_id, principal, for_update=True)
    require(
        principal.may_write_deployment(deployment_id),
        f"this token may not change deployment {deployment_id}",
    )
    _check_if_match(found)
    return found


def _check_if_match(found: Deployment) -> None:
    if not request.if_match or request.if_match.star_tag:
        return
    current = deployment_etag(found)
    # The tags we send are weak (gzip); If-Match compares the opaque part of each.
    if current not in request.if_match.as_set(include_weak=True):
        raise PreconditionFailed(
            f"deployment {found.id} changed since you read it: get it again and retry",
            [{"field": "If-Match", "message": f'the current ETag is W/"{current}"'}],
        )


def deployment_etag(deployment: Deployment) -> str:
    """The ETag GET /deployments/<id> sends for the stored deployment."""
    return make_entry(deployment_dict(deployment), None, "application/json").etag


def _stored(deployment: Deployment) -> Response:
    """The deployment as a 200 answer, with its new ETag for the next If-Match."""
    response = json_response(deployment_dict(deployment))
    response.set_etag(deployment_etag(deployment), weak=True)
    return response


@deployments.get("/deployments/<int:deployment_id>/compatibility")
@operation(
    "Verdicts for every module",
    tag="compatibility",
    ok=shapes.Compatibility,
    cached=True,
    auth="optional",
    errors=(404,),
    parameters=ID,
)
def deployment_compatibility(deployment_id: int) -> Response:
    found, state, cache = _deployment_state(deployment_id)
    return cached_json(
        VERDICTS,
        lambda: compat.compatibility_answer(cache, get_session(), state, found.id),
        principal_key=_private(found),
    )


@deployments.get("/deployments/<int:deployment_id>/compatibility/<slug>")
@operation(
    "The verdict for one module",
    tag="compatibility",
    ok=shapes.Verdict,
    cached=True,
    auth="optional",
    errors=(404,),
    parameters={**ID, "slug": "module slug"},
)
def deployment_module_compatibility(deployment_id: int, slug: str) -> Response:
    found, state, cache = _deployment_state(deployment_id)
    return cached_json(
        VERDICTS,
        lambda: compat.module_answer(cache, get_session(), state, slug),
        principal_key=_private(found),
    )


@deployments.get("/deployments/<int:deployment_id>/upgrade-plan")
@operation(
    "What happens to the installed modules when a component is upgraded",
    tag="compatibility",
    query=shapes.UpgradeQuery,
    ok=shapes.ComponentUpgrade,
    cached=True,
    auth="optional",
    errors=(404,),
    parameters=ID,
)
def deployment_upgrade_plan(deployment_id: int, query: shapes.UpgradeQuery) -> Response:
    found, state, cache = _deployment_state(deployment_id)

    def build() -> dict[str, Any]:
        return compat.upgrade_plan_answer(
            cache, get_session(), state, found.id, component=query.component, to=query.to
        )

    return cached_json(VERDICTS, build, principal_key=_private(found))


@deployments.get("/compatibility")
@operation(
    "What-if: verdicts for a hypothetical deployment given as query parameters",
    tag="compatibility",
    query=shapes.WhatIfQuery,
    ok=shapes.Compatibility,
    cached=True,
    errors=(404,),
)
def what_if(query: shapes.WhatIfQuery) -> Response:
    def build() -> dict[str, Any]:
        # The model checked the parameters; any component name is one, so the service reads all.
        asked = compat.what_if_from_query(list(request.args.items(multi=True)))
        state = compat.state_from_document(asked.document)
        body = compat.compatibility_answer(
            _compat_cache(), get_session(), state, None, asked.modules
        )
        body["query"] = asked.document
        return body

    return cached_json(CATALOG, build)


@deployments.post("/compatibility")
@operation(
    "What-if for a whole deployment document sent as the body (not stored)",
    tag="compatibility",
    query=shapes.ModulesQuery,
    body=shapes.DeploymentDocument,
    ok=shapes.Compatibility,
    errors=(404,),
)
def what_if_document(query: shapes.ModulesQuery, body: shapes.DeploymentDocument) -> Response:
    modules = [m for value in query.module for m in value.split(",") if m]
    answer = compat.document_answer(_compat_cache(), get_session(), body.root, modules or None)
    return json_response(answer)


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
