"""Hand-written OpenAPI parts of the routes not declared with models yet (knowledge, platform).

Transitional: ``registry.web.contract.openapi_document`` derives every route with an
``@operation`` from its models and takes the paths and schemas of the other routes from here.
A new route declares ``@operation`` instead (docs/api-contract.md); once the knowledge and
platform routes do, this file goes.
"""

from __future__ import annotations

from typing import Any

JSON = "application/json"

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str) -> Schema:
    return {"type": [kind, "null"]}


def obj(required: list[str], properties: dict[str, Schema], **extra: Any) -> Schema:
    return {"type": "object", "required": required, "properties": properties, **extra}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def param(
    name: str, where: str, schema: Schema, description: str, required: bool = False
) -> Schema:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema,
    }


def error(description: str) -> Schema:
    return {"description": description, "content": {JSON: {"schema": ref("Error")}}}


ERRORS = {
    "400": error("Invalid input; `details` names every problem with its field."),
    "401": error("No valid token (missing, malformed, unknown or revoked)."),
    "403": error("The token is valid but outside its role or scope."),
    "404": error("No such resource (or a private deployment without a token that may see it)."),
    "409": error("Conflicts with an existing resource; `details` name it."),
    "413": error("The request body is larger than the configured limit."),
}
NOT_MODIFIED = {
    "304": {"description": "Not modified (conditional request matched the ETag or date)."}
}
SLUG = param("slug", "path", {"type": "string"}, "module slug")
DEPLOYMENT_ID = param("deployment_id", "path", {"type": "integer"}, "deployment id")
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
OPTIONAL_BEARER: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]


def ok(schema: Schema, description: str, status: str = "200", media: str = JSON) -> dict[str, Any]:
    return {status: {"description": description, "content": {media: {"schema": schema}}}}


def read(
    summary: str,
    schema: Schema,
    *,
    params: list[Schema] | None = None,
    errors: tuple[str, ...] = (),
    tag: str,
    media: str = JSON,
    security: list[Any] | None = None,
) -> dict[str, Any]:
    """A cached GET: 200 with ETag/Last-Modified, 304 on a matching conditional request."""
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "parameters": params or [],
        "responses": {
            **ok(schema, summary, media=media),
            **NOT_MODIFIED,
            **{code: ERRORS[code] for code in errors},
        },
    }
    if security is not None:
        operation["security"] = security
    return operation


def write(
    summary: str,
    responses: dict[str, Any],
    *,
    body: Schema | None = None,
    params: list[Schema] | None = None,
    errors: tuple[str, ...] = ("401", "403"),
    tag: str,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "parameters": params or [],
        "security": BEARER,
        "responses": {**responses, **{code: ERRORS[code] for code in errors}},
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    return operation


def badge_route(summary: str) -> dict[str, Any]:
    """A GET of a module's SVG badge: 200, 304, or a grey 'not found' badge with 404."""
    svg = {"type": "string"}
    return {
        "get": {
            "summary": summary,
            "tags": ["badges"],
            "parameters": [SLUG],
            "responses": {
                **ok(svg, "The badge.", media="image/svg+xml"),
                **NOT_MODIFIED,
                **ok(svg, "A grey 'not found' badge.", "404", media="image/svg+xml"),
            },
        }
    }


def legacy_parts() -> tuple[dict[str, Any], dict[str, Any]]:
    """(paths, schemas) of the routes documented by hand."""
    # Imported here: those files build on the helpers above (they import this module).
    from registry.web import openapi_knowledge, openapi_platform  # noqa: PLC0415

    paths = {**openapi_platform.paths(), **openapi_knowledge.knowledge_paths()}
    return paths, dict(openapi_knowledge.SCHEMAS)
