"""The API contract: each route declares its models once; validation and OpenAPI follow.

A view is decorated with :func:`operation`, naming its query model, body model, answer model and
the errors it can give. The decorator validates the request (content type, JSON limits, the
models) before the view runs and hands the view ``query=`` and ``body=`` as validated models;
:func:`openapi_document` walks the app's routes and derives the OpenAPI 3.1 document from the
same declarations. docs/api-contract.md shows how to add a route.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Literal
from urllib.parse import parse_qs

from flask import Flask, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from registry import shapes
from registry.errors import InvalidInput
from registry.web import openapi, strict_json
from registry.web.auth import require_principal
from registry.web.errors import UnsupportedMediaType

JSON = "application/json"
#: Who may call: anyone, anyone (a token shows more), a bearer token, a signed delivery.
Auth = Literal["public", "optional", "bearer", "signed"]

ERROR_DESCRIPTIONS = {
    400: "Invalid input; `details` names every problem with its field.",
    401: "No valid token (missing, malformed, unknown or revoked).",
    403: "The token is valid but outside its role or scope.",
    404: "No such resource (or a private deployment without a token that may see it).",
    409: "Conflicts with an existing resource; `details` name it.",
    412: "If-Match named another version of the resource: reload it and try again.",
    413: "The request body is larger than the configured limit.",
    415: "The body must be sent as application/json.",
}
#: Errors every operation with a body can give, besides its own.
BODY_ERRORS = (400, 413, 415)


@dataclass(frozen=True)
class Operation:
    """What one route takes and gives; see :func:`operation`."""

    summary: str
    tag: str
    ok: type[BaseModel] | None = None
    status: int = 200
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    auth: Auth = "public"
    cached: bool = False
    media: str = JSON
    description: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    location: bool = False
    form_body: bool = False
    extra_responses: Mapping[int, tuple[type[BaseModel] | None, str]] = field(default_factory=dict)
    raw_schema: Mapping[str, Any] | None = None
    links: Mapping[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)


def operation(summary: str, *, tag: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Declare a route's contract; apply it below ``@blueprint.get/post/...``.

    Options are the fields of :class:`Operation`: ``ok`` (answer model) and ``status``,
    ``query`` and ``body`` (request models: the view gets ``query=`` and ``body=``),
    ``errors`` (statuses besides those the options imply), ``auth``, ``cached`` (answers 304 to
    conditional requests), ``media``, ``parameters`` (descriptions of path parameters),
    ``headers`` (required request headers and their descriptions), ``location`` (a 201 with a
    Location header), ``extra_responses``, ``raw_schema`` (the answer's schema when it is not
    JSON, e.g. an SVG). A view without a body model gets the raw body checked by nobody: give
    it one.
    """
    spec = Operation(summary, tag, **options)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def validated(**view_args: Any) -> Any:
            if spec.auth == "bearer":
                # Who asks comes first: without a token, the body is nobody's business.
                require_principal()
            if spec.query is not None:
                view_args["query"] = parse_query(spec.query)
            if spec.body is not None and spec.auth != "signed":
                # A signed body is parsed by the view, after it checked the signature.
                view_args["body"] = parse_body(spec.body, form=spec.form_body)
            return view(**view_args)

        validated.__contract__ = spec  # type: ignore[attr-defined]
        return validated

    return decorate


# ---- request validation --------------------------------------------------------------------


def parse_query(model: type[BaseModel]) -> Any:
    """The query string as ``model``; InvalidInput naming every bad parameter."""
    values: dict[str, Any] = {}
    for name in request.args:
        given = [v for v in request.args.getlist(name) if v != ""]
        if given:
            values[name] = given if _is_list(model, name) else given[-1]
    return validate(model, values, "query parameter")


def _is_list(model: type[BaseModel], name: str) -> bool:
    for key, info in model.model_fields.items():
        if name in (key, info.alias):
            return getattr(info.annotation, "__origin__", None) is list
    return False


def parse_body(model: type[BaseModel], *, form: bool = False) -> Any:
    """The request body, checked as JSON within the limits and validated as ``model``."""
    return validate(model, read_json(form=form), "body")


def read_json(*, form: bool = False) -> Any:
    """The body as JSON; 415 unless sent as application/json (``form``: or form-encoded)."""
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded" and form:
        # From the cached bytes: a signature check may have read them already.
        fields = parse_qs(_text(request.get_data(cache=True)), max_num_fields=10)
        text = fields.get("payload", [""])[0]
    elif mimetype == JSON:
        text = _text(request.get_data(cache=True))
    else:
        raise UnsupportedMediaType(
            "the body must be sent with Content-Type: application/json",
            [{"field": "Content-Type", "message": f"got {mimetype or 'none'!r}"}],
        )
    return strict_json.loads(text)


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            "the body is not UTF-8", [{"field": "", "message": f"byte {error.start}"}]
        ) from None


def validate(model: type[BaseModel], data: Any, where: str) -> Any:
    """``data`` as ``model``; InvalidInput with one detail per problem pydantic found."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [
            {"field": ".".join(str(p) for p in problem["loc"]), "message": problem["msg"]}
            for problem in error.errors(include_url=False, include_input=False)
        ]
        raise InvalidInput(f"invalid {where}", problems) from None


# ---- the OpenAPI document ------------------------------------------------------------------

DOCUMENTED_PREFIXES = ("/api/", "/badges/", "/healthz")
_CONVERTER = re.compile(r"<(?:([a-z]+):)?([a-z_]+)>")
_PARAM_TYPES = {"int": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}
REF = "#/components/schemas/{model}"


def operations(
    app: Flask, legacy: Mapping[str, Any] | None = None
) -> list[tuple[str, str, Operation, dict[str, str]]]:
    """(OpenAPI path, method, operation, {parameter: converter}) for every route declared with
    @operation; LookupError for a route that is neither declared nor in ``legacy`` paths."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(DOCUMENTED_PREFIXES):
            continue
        spec = getattr(app.view_functions[rule.endpoint], "__contract__", None)
        path = _CONVERTER.sub(r"{\2}", rule.rule)
        if spec is None:
            if path in (legacy or {}):
                continue
            raise LookupError(f"route {rule.rule} has no @operation contract")
        converters = {name: kind or "string" for kind, name in _CONVERTER.findall(rule.rule)}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((path, method.lower(), spec, {**converters, "": rule.endpoint}))
    return found


def openapi_document(app: Flask, base_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s routes, derived from their contracts."""
    legacy_paths, legacy_schemas = openapi.legacy_parts()
    routes = operations(app, legacy_paths)
    refs, schemas = _schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for path, method, spec, converters in routes:
        paths.setdefault(path, {})[method] = _operation(spec, dict(converters), refs)
    paths.update(legacy_paths)
    _name_legacy_operations(app, paths)
    schemas.update(legacy_schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SVA Module Registry API",
            "version": "1",
            "summary": "Modules, releases, deployments and compatibility of the Smart Village App.",
            "description": 'JSON, UTF-8. Every error is `{"error": {"code", "message", '
            '"details"}}`. Reads send ETag and Last-Modified and answer conditional requests '
            "with 304; answers are gzip-compressed when the client accepts it. Bodies are "
            "JSON (application/json) within limits: nesting depth "
            f"{strict_json.LIMITS.depth}, strings of {strict_json.LIMITS.string_chars} "
            f"characters, integers of {strict_json.LIMITS.integer_digits} digits, lists of "
            f"{strict_json.LIMITS.list_items} items; no NUL characters, lone surrogates or "
            "duplicate keys.",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": (base_url or "/").rstrip("/") or "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `sva-registry token create` (role publisher, "
                    "deployment or admin, optionally scoped to a module or deployment).",
                }
            },
            "schemas": schemas,
        },
    }


def _name_legacy_operations(app: Flask, paths: dict[str, dict[str, Any]]) -> None:
    """Give every hand-written operation its Flask endpoint as ``operationId``, as the derived
    ones have (links and clients find operations by it)."""
    for rule in app.url_map.iter_rules():
        item = paths.get(_CONVERTER.sub(r"{\2}", rule.rule), {})
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            spec = item.get(method.lower())
            if isinstance(spec, dict):
                spec.setdefault("operationId", rule.endpoint)


def _schemas(
    routes: list[tuple[str, str, Operation, dict[str, str]]],
) -> tuple[dict[tuple[type[BaseModel], str], Any], dict[str, Any]]:
    wanted: set[tuple[type[BaseModel], Literal["validation", "serialization"]]] = {
        (shapes.Error, "serialization")
    }
    for _path, _method, spec, _converters in routes:
        for model in (spec.ok, *(m for m, _ in spec.extra_responses.values())):
            if model is not None:
                wanted.add((model, "serialization"))
        if spec.body is not None:
            wanted.add((spec.body, "validation"))
    ordered = sorted(wanted, key=lambda pair: (pair[0].__name__, pair[1]))
    refs, top = models_json_schema(ordered, ref_template=REF)
    return dict(refs), _clean(top.get("$defs", {}))


def _clean(schemas: dict[str, Any]) -> dict[str, Any]:
    # "title" repeats the name; dropping it keeps the document small and readable.
    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "title" or isinstance(v, dict)}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return {name: strip(schema) for name, schema in sorted(schemas.items())}


def _operation(
    spec: Operation, converters: dict[str, str], refs: dict[tuple[type[BaseModel], str], Any]
) -> dict[str, Any]:
    endpoint = converters.pop("")
    document: dict[str, Any] = {
        "operationId": endpoint,
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": _parameters(spec, converters),
        "responses": _responses(spec, refs),
    }
    if spec.description:
        document["description"] = spec.description
    if spec.auth == "bearer":
        document["security"] = [{"bearerAuth": []}]
    elif spec.auth == "optional":
        document["security"] = [{}, {"bearerAuth": []}]
    if spec.body is not None:
        content = {JSON: {"schema": copy.deepcopy(refs[(spec.body, "validation")])}}
        document["requestBody"] = {"required": True, "content": content}
    return document


def _parameters(spec: Operation, converters: dict[str, str]) -> list[dict[str, Any]]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": spec.parameters.get(name, name.replace("_", " ")),
            "schema": dict(_PARAM_TYPES.get(kind, {"type": "string"})),
        }
        for name, kind in converters.items()
    ]
    if spec.query is not None:
        schema = spec.query.model_json_schema(mode="validation")
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            description = prop.pop("description", name)
            prop.pop("title", None)
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "description": description,
                    "schema": prop,
                }
            )
    if 412 in spec.errors:
        parameters.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": False,
                "description": "the ETag read before: the write fails with 412 if it changed",
                "schema": {"type": "string"},
            }
        )
    parameters.extend(
        {
            "name": name,
            "in": "header",
            "required": True,
            "description": text,
            "schema": {"type": "string"},
        }
        for name, text in spec.headers.items()
    )
    return parameters


def _responses(spec: Operation, refs: dict[tuple[type[BaseModel], str], Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {str(spec.status): _answer(spec.ok, spec, refs, spec.summary)}
    if spec.location:
        responses[str(spec.status)]["headers"] = {"Location": {"schema": {"type": "string"}}}
    if spec.links:
        responses[str(spec.status)]["links"] = {
            name: {"operationId": target, "parameters": dict(parameters)}
            for name, (target, parameters) in spec.links.items()
        }
    for status, (model, description) in spec.extra_responses.items():
        responses[str(status)] = _answer(model, spec, refs, description)
    if spec.cached:
        responses["304"] = {
            "description": "Not modified (conditional request matched the ETag or date)."
        }
    for status in sorted(set(spec.errors) | _implied_errors(spec)):
        responses[str(status)] = {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {JSON: {"schema": copy.deepcopy(refs[(shapes.Error, "serialization")])}},
        }
    return responses


def _answer(
    model: type[BaseModel] | None,
    spec: Operation,
    refs: dict[tuple[type[BaseModel], str], Any],
    description: str,
) -> dict[str, Any]:
    if model is None and spec.raw_schema is None:
        return {"description": description}
    schema = (
        dict(spec.raw_schema) if model is None else copy.deepcopy(refs[(model, "serialization")])
    )
    return {"description": description, "content": {spec.media: {"schema": schema}}}


def _implied_errors(spec: Operation) -> set[int]:
    implied: set[int] = set()
    if spec.body is not None:
        implied.update(BODY_ERRORS)
    if spec.query is not None:
        implied.add(400)
    if spec.auth == "bearer":
        implied.update((401, 403))
    if spec.auth in ("optional", "signed"):
        implied.add(401)
    return implied
