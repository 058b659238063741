"""The OpenAPI 3.1 document of the HTTP API (DESIGN §5), built from small helpers.

A test compares its paths with the app's routes and validates it; schemathesis checks that the
answers keep to it.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from registry.compat import CODES, NOTICE_CODES, STEP_KINDS
from registry.metadata.slugs import SLUG_PATTERN
from registry.services.modules import EDITABLE

JSON = "application/json"
SCHEMAS = Path(__file__).resolve().parent.parent / "metadata" / "schemas"

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str) -> Schema:
    return {"type": [kind, "null"]}


def obj(required: list[str], properties: dict[str, Schema], **extra: Any) -> Schema:
    return {"type": "object", "required": required, "properties": properties, **extra}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


TEXT = obj(["de", "en"], {"de": {"type": "string"}, "en": {"type": "string"}})

ERROR = obj(
    ["error"],
    {
        "error": obj(
            ["code", "message", "details"],
            {
                "code": {"type": "string", "examples": ["not-found", "invalid-input"]},
                "message": {"type": "string"},
                "details": array({}),
            },
        )
    },
)

MODULE = obj(
    ["slug", "name", "summary", "kind", "repository", "license", "flags", "newest"],
    {
        "slug": {"type": "string", "pattern": SLUG_PATTERN},
        "name": TEXT,
        "summary": TEXT,
        "description": TEXT,
        "topic": nullable("string"),
        "kind": {"enum": ["in-app", "standalone"]},
        "host": {
            "oneOf": [
                {"type": "null"},
                obj(
                    ["component", "path"],
                    {"component": nullable("string"), "path": nullable("string")},
                ),
            ]
        },
        "repository": nullable("string"),
        "tagPrefix": {"type": "string"},
        "license": nullable("string"),
        "developmentStatus": {"type": "string"},
        "maintainers": array({}),
        "platforms": array({}),
        "flags": obj(
            ["hidden", "deprecated", "archived", "gone"],
            {
                "hidden": {"type": "boolean"},
                "deprecated": {"type": "boolean"},
                "successor": nullable("string"),
                "archived": {"type": "boolean"},
                "gone": {"type": "boolean"},
            },
        ),
        "extra": {"type": "object"},
        "source": {"type": "string"},
        "provenance": {
            "type": "object",
            "description": "per field path: the source that set it, when, from which file",
            "additionalProperties": obj(
                ["source", "at"],
                {
                    "source": {"type": "string"},
                    "at": {"type": "string", "format": "date-time"},
                    "ref": {"type": "string"},
                    "weak": {"type": "boolean"},
                },
            ),
        },
        "newest": {
            **nullable("string"),
            "description": "newest release neither yanked nor withdrawn",
        },
        "releaseCount": {"type": "integer", "minimum": 0},
    },
)

MIRROR = obj(
    ["url", "forge", "status", "missingTags", "checkedAt"],
    {
        "url": {"type": "string"},
        "forge": {"type": "string", "examples": ["gitlab", "github"]},
        "status": {"enum": ["in-sync", "behind", "unreachable", "unchecked"]},
        "missingTags": {
            **array({"type": "string"}),
            "description": "tags of the primary repository the mirror lacks or has at another "
            "commit",
        },
        "checkedAt": {**nullable("string"), "format": "date-time"},
        "behindSince": {**nullable("string"), "format": "date-time"},
        "source": {"type": "string", "description": "who named the mirror (admin, an import)"},
    },
)

ADOPTER = obj(
    ["name", "source", "reportedAt", "deployment"],
    {
        "name": {"type": "string"},
        "source": {"type": "string"},
        "reportedAt": nullable("string"),
        "deployment": nullable("integer"),
    },
)

MODULE_DETAIL = {
    "allOf": [
        ref("Module"),
        obj(
            ["mirrors", "health", "adoption"],
            {
                "mirrors": array(ref("Mirror")),
                "health": ref("Health"),
                "adoption": obj(
                    ["registeredDeployments", "reportedAdopters", "takenOver"],
                    {
                        "registeredDeployments": {
                            "type": "integer",
                            "minimum": 0,
                            "description": "public deployments that state they run it",
                        },
                        "reportedAdopters": array(ADOPTER),
                        "takenOver": array(ADOPTER),
                    },
                    description="reported adopters are named by admin-doku or publiccode.yml "
                    "(versions unknown); takenOver ones are registered as a deployment",
                ),
            },
        ),
    ],
}

# The editable fields of a module (export shape); at least one.
MODULE_EDIT: Schema = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {key: MODULE["properties"][key] for key in sorted(EDITABLE)},
}

RANGE = obj(
    ["range", "normalized"], {"range": nullable("string"), "normalized": nullable("string")}
)

RELEASE = obj(
    [
        "version",
        "tag",
        "sha",
        "date",
        "prerelease",
        "yanked",
        "license",
        "requires",
        "dependsOn",
        "problems",
    ],
    {
        "version": {"type": "string"},
        "tag": nullable("string"),
        "tags": array({"type": "string"}),
        "sha": nullable("string"),
        "date": {**nullable("string"), "format": "date-time"},
        "prerelease": {"type": "boolean"},
        "yanked": {"type": "boolean"},
        "yankedReason": nullable("string"),
        "withdrawn": {"type": "boolean"},
        "license": obj(
            ["declared", "detected"],
            {"declared": nullable("string"), "detected": nullable("string")},
        ),
        "requires": {
            "type": "object",
            "additionalProperties": {
                **RANGE,
                "properties": {**RANGE["properties"], "capabilities": array({"type": "string"})},
            },
        },
        "dependsOn": {"type": "object", "additionalProperties": RANGE},
        "metadataSource": {"type": "string"},
        "sourceRepository": {
            **nullable("string"),
            "description": "the repository whose tag made this release",
        },
        "problems": array({}),
    },
)

COMPONENT = obj(
    ["name", "title", "repository", "capabilities", "newest"],
    {
        "name": {"type": "string"},
        "title": TEXT,
        "description": TEXT,
        "repository": nullable("string"),
        "tagPrefix": {"type": "string"},
        "versioning": {"type": "string"},
        "capabilities": array(
            obj(["name"], {"name": {"type": "string"}, "source": {"type": "string"}})
        ),
        "versionCount": {"type": "integer", "minimum": 0},
        "newest": nullable("string"),
    },
)

COMPONENT_VERSION = obj(
    ["version", "tag", "sha", "date", "prerelease", "support"],
    {
        "version": {"type": "string"},
        "tag": nullable("string"),
        "sha": nullable("string"),
        "date": {**nullable("string"), "format": "date-time"},
        "prerelease": {"type": "boolean"},
        "support": {"type": "string"},
    },
)

CRAWL = obj(
    ["id", "repository", "requestedAt"],
    {
        "id": {"type": "integer"},
        "repository": {"type": "string"},
        "reason": {"type": "string"},
        "requestedAt": {"type": "string", "format": "date-time"},
        "doneAt": {**nullable("string"), "format": "date-time"},
    },
)

REGISTER = obj(
    ["repository"],
    {
        "repository": {
            "type": "string",
            "description": "https://<configured forge>/OWNER/NAME; nothing else is accepted",
            "pattern": r"^https://[^/?#@:\s]+/[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}/?$",
            "examples": ["https://github.com/smart-village-solutions/smart-village-app-humhub-ext"],
        },
        "slug": {"type": "string", "pattern": SLUG_PATTERN},
        "kind": {"enum": ["standalone", "in-app"], "default": "standalone"},
        "host": obj(
            ["component", "path"], {"component": {"type": "string"}, "path": {"type": "string"}}
        ),
        "tagPrefix": {
            "type": "string",
            "description": "tags of this module start with it (Studio plugins)",
        },
    },
    additionalProperties=False,
)

REASON = obj(
    ["code"],
    {
        "code": {
            "enum": [*CODES, "module-pinned"],
            "description": "module-pinned: in details only",
        },
        "component": {"type": "string"},
        "module": {"type": "string"},
        "required": {},
        "actual": {},
        "details": {
            **array(
                obj(
                    ["version", "reasons"],
                    {"version": {"type": "string"}, "reasons": array({"type": "object"})},
                )
            ),
            "description": "dependency-unsatisfiable: each release of the module in the range, "
            "newest first, with its own reasons (none: usable alone, not together)",
        },
    },
)

KNOWN_STATE = obj(
    ["kind"],
    {
        "kind": {"enum": ["version", "deployment", "introspection"]},
        "version": nullable("string"),
        "commit": nullable("string"),
        "source": nullable("string"),
    },
)

PLAN_STEP = obj(
    ["kind"],
    {
        "kind": {"enum": list(STEP_KINDS)},
        "component": {"type": "string"},
        "module": {"type": "string"},
        "from": nullable("string"),
        "to": nullable("string"),
        "endOfLife": {
            "type": "boolean",
            "description": "update/downgrade/add to an end-of-life version",
        },
        "capabilities": array({"type": "string"}),
        "offeredBy": {"oneOf": [{"type": "null"}, KNOWN_STATE]},
        "code": {
            "type": "string",
            "description": "impossible: yanked, prerelease, metadata-invalid, license-not-allowed, "
            "no-known-version, capability-unknown or dependency-unsatisfiable",
        },
        "required": {},
        "actual": nullable("string"),
        "details": array({"type": "object"}),
    },
)

NOTICE = obj(
    ["code", "component", "actual"],
    {
        "code": {"enum": list(NOTICE_CODES)},
        "component": nullable("string"),
        "actual": nullable("string"),
    },
)

VERDICT = obj(
    ["module", "adoptable", "newest", "blocked", "upgradePlan"],
    {
        "module": {"type": "string"},
        "adoptable": {**array({"type": "string"}), "description": "newest first"},
        "newest": nullable("string"),
        "blocked": array(
            obj(["version", "reasons"], {"version": {"type": "string"}, "reasons": array(REASON)})
        ),
        "upgradePlan": {
            "oneOf": [
                {"type": "null"},
                obj(
                    ["version", "steps", "possible"],
                    {
                        "version": {"type": "string"},
                        "steps": array(PLAN_STEP),
                        "possible": {"type": "boolean"},
                    },
                ),
            ]
        },
        "notices": {**array(NOTICE), "description": "the deployment's notices (one-module answer)"},
    },
)

SUMMARY_GROUP = obj(
    ["steps", "possible", "modules"],
    {
        "steps": array({"type": "object", "description": "plan steps, each with its kind"}),
        "possible": {"type": "boolean"},
        "modules": array({"type": "string"}),
    },
)

COMPATIBILITY = obj(
    ["deployment", "modules", "notices"],
    {
        "deployment": {**nullable("integer"), "description": "null for a what-if query"},
        "modules": array(ref("Verdict")),
        "summary": obj(
            ["runs", "adoptableNow", "blocked", "groups", "best"],
            {
                "runs": {"type": "integer", "description": "modules the deployment runs"},
                "adoptableNow": {
                    "type": "integer",
                    "description": "modules it does not run and could adopt now",
                },
                "blocked": {"type": "integer", "description": "modules with no adoptable release"},
                "groups": array(SUMMARY_GROUP),
                "best": {
                    "oneOf": [SUMMARY_GROUP, {"type": "null"}],
                    "description": "the one component upgrade that unlocks the most modules",
                },
            },
        ),
        "notices": array(NOTICE),
        "query": {"type": "object", "description": "the hypothetical deployment (what-if only)"},
    },
)

UPGRADE_REPORT = obj(
    ["deployment", "component", "from", "to", "ok", "update", "blocked", "notices"],
    {
        "notices": {**array(NOTICE), "description": "about the deployment after the change"},
        "deployment": {"type": "integer"},
        "component": {"type": "string"},
        "from": nullable("string"),
        "to": {"type": "string"},
        "ok": array({"type": "object"}),
        "update": array({"type": "object"}),
        "blocked": array({"type": "object"}),
    },
)

DEPLOYMENT = {
    "type": "object",
    "required": ["id", "name"],
    "description": "The deployment document (see DeploymentDocument) with id and timestamps.",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "visibility": {"enum": ["public", "private"]},
        "demo": {"type": "boolean"},
        "createdAt": {**nullable("string"), "format": "date-time"},
        "updatedAt": {**nullable("string"), "format": "date-time"},
    },
}


def page_of(item: Schema) -> Schema:
    return obj(
        ["items", "total", "limit", "offset"],
        {
            "items": array(item),
            "total": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "next": {"type": "string", "description": "relative URL of the next page"},
        },
    )


FEED_ITEM = obj(
    ["id", "url", "title", "content_text", "date_published"],
    {
        "id": {"type": "string", "description": "stable tag: URI of the event"},
        "url": {"type": "string"},
        "title": {"type": "string"},
        "content_text": {"type": "string"},
        "date_published": {"type": "string", "format": "date-time"},
        "tags": array({"type": "string"}),
        "_sva": {"type": "object", "description": "the event as data (kind, module, version, ...)"},
    },
)

FEED = obj(
    ["version", "title", "items"],
    {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string"},
        "feed_url": {"type": "string"},
        "next_url": {"type": "string"},
        "description": {"type": "string"},
        "language": {"type": "string"},
        "items": array(ref("FeedItem")),
    },
    description="JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), newest first.",
)

COUNT = {"type": "integer", "minimum": 0}
DASHBOARD = obj(
    ["dashboardVersion", "counts", "adoption", "atRisk", "crawlHealth"],
    {
        "dashboardVersion": {"const": 1},
        "counts": obj(
            ["modules", "releases", "components", "deployments", "events"],
            dict.fromkeys(("modules", "releases", "components", "deployments", "events"), COUNT),
        ),
        "adoption": array(
            obj(
                ["module", "newest", "deployments", "onNewest", "versions"],
                {
                    "module": {"type": "string"},
                    "newest": nullable("string"),
                    "deployments": COUNT,
                    "onNewest": COUNT,
                    "versions": array(
                        obj(
                            ["version", "deployments", "status"],
                            {
                                "version": {"type": "string"},
                                "deployments": COUNT,
                                "status": {
                                    "enum": ["ok", "yanked", "withdrawn", "invalid", "unknown"]
                                },
                            },
                        )
                    ),
                },
            )
        ),
        "atRisk": obj(
            [
                "deploymentsOnYankedOrWithdrawn",
                "deploymentsOnInvalid",
                "deploymentsOnBlocked",
                "deploymentsAtRisk",
                "shareAtRisk",
                "items",
            ],
            {
                "deploymentsOnYankedOrWithdrawn": COUNT,
                "deploymentsOnInvalid": COUNT,
                "deploymentsOnBlocked": {
                    **COUNT,
                    "description": "running a version the compatibility rules block for them",
                },
                "deploymentsAtRisk": COUNT,
                "shareAtRisk": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1,
                    "description": "deploymentsAtRisk / counts.deployments",
                },
                "items": array(
                    obj(
                        ["module", "version", "status", "deployments"],
                        {
                            "module": {"type": "string"},
                            "version": {"type": "string"},
                            "status": {"enum": ["yanked", "withdrawn", "invalid", "blocked"]},
                            "deployments": array({"type": "integer"}),
                            "reasons": {
                                **array({"type": "string"}),
                                "description": "reason codes (status blocked only)",
                            },
                        },
                    )
                ),
            },
        ),
        "advisories": obj(
            ["open", "deploymentsAffected", "byModule"],
            {
                "open": COUNT,
                "deploymentsAffected": COUNT,
                "byModule": {
                    "type": "object",
                    "additionalProperties": obj(
                        ["advisories", "deploymentsAffected"],
                        {"advisories": array({"type": "string"}), "deploymentsAffected": COUNT},
                    ),
                },
            },
        ),
        "crawlHealth": obj(
            ["repositories", "ok", "failing", "rateLimited", "gone", "neverCrawled", "items"],
            {
                **dict.fromkeys(
                    ("repositories", "ok", "failing", "rateLimited", "gone", "neverCrawled"), COUNT
                ),
                "items": array(
                    obj(
                        ["repository", "lastSuccess", "lastError", "resumeAfter", "status"],
                        {
                            "repository": {"type": "string"},
                            "lastAttempt": {**nullable("string"), "format": "date-time"},
                            "lastSuccess": {**nullable("string"), "format": "date-time"},
                            "lastError": nullable("string"),
                            "resumeAfter": {**nullable("string"), "format": "date-time"},
                            "gone": {"type": "boolean"},
                            "status": {
                                "enum": ["ok", "failing", "rate-limited", "gone", "never-crawled"]
                            },
                        },
                    )
                ),
            },
        ),
    },
)

HOOK_RESULT = obj(
    ["event"],
    {
        "event": {"type": "string"},
        "queued": array(
            obj(["id", "repository"], {"id": {"type": "integer"}, "repository": {"type": "string"}})
        ),
        "ignored": {"type": "boolean"},
        "ok": {"type": "boolean"},
        "duplicate": {
            "type": "boolean",
            "description": "the delivery id was handled before; nothing queued",
        },
        "hookId": {},
    },
)


def deployment_document_schema() -> Schema:
    """The deployment file's JSON Schema (draft 2020-12, as OpenAPI 3.1 uses)."""
    schema: Schema = json.loads((SCHEMAS / "deployment.schema.json").read_text(encoding="utf-8"))
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    return schema


# ---- operations ---------------------------------------------------------------------------


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
LIMIT = param(
    "limit", "query", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "page size"
)
OFFSET = param(
    "offset", "query", {"type": "integer", "minimum": 0, "default": 0}, "items to skip (see `next`)"
)
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


def paths() -> dict[str, Any]:
    """Every route of DESIGN §5."""
    deployment_body = ref("DeploymentDocument")
    what_if_params = [
        param(
            "app",
            "query",
            {"type": "string"},
            "a component version, e.g. app=4.2.1 (any component name works)",
        ),
        param(
            "mainserver.capabilities",
            "query",
            {"type": "string"},
            "comma-separated capabilities of a component (<component>.capabilities)",
        ),
        param(
            "module",
            "query",
            {"type": "string"},
            "only these modules (comma-separated or repeated)",
        ),
        param("channel", "query", {"enum": ["stable", "prerelease"]}, "release channel"),
        param("licenses", "query", {"type": "string"}, "allowed SPDX ids, comma-separated"),
    ]
    return {
        "/api/v1/modules": {
            "get": read(
                "Modules, by slug, one page of them",
                ref("ModulePage"),
                params=[
                    param(
                        "q",
                        "query",
                        {"type": "string"},
                        "free text in slug, names, summaries, topic",
                    ),
                    param("topic", "query", {"type": "string"}, "topic"),
                    param("status", "query", {"type": "string"}, "development status"),
                    LIMIT,
                    OFFSET,
                ],
                errors=("400",),
                tag="modules",
            ),
            "post": write(
                "Register a module by its repository URL and queue its first crawl",
                {
                    "201": {
                        "description": "Registered; `crawl` is the queued crawl request.",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": {
                            JSON: {
                                "schema": {
                                    "allOf": [
                                        ref("Module"),
                                        obj(["crawl"], {"crawl": ref("CrawlRequest")}),
                                    ]
                                }
                            }
                        },
                    }
                },
                body=ref("ModuleRegistration"),
                errors=("400", "401", "403", "409", "413"),
                tag="modules",
            ),
        },
        "/api/v1/modules/{slug}": {
            "get": read(
                "One module, with its mirrors",
                ref("ModuleDetail"),
                params=[SLUG],
                errors=("404",),
                tag="modules",
            ),
            "put": write(
                "An admin's edit: the fields given get the source `admin` (highest); a new "
                "repository is recorded as an event and queued for a crawl",
                ok(ref("ModuleDetail"), "Stored."),
                body=ref("ModuleEdit"),
                params=[SLUG],
                errors=("400", "401", "403", "404", "413"),
                tag="modules",
            ),
        },
        "/api/v1/modules/{slug}/releases": {
            "get": read(
                "Releases of a module, newest first",
                obj(
                    ["module", "items"],
                    {"module": {"type": "string"}, "items": array(ref("Release"))},
                ),
                params=[SLUG],
                errors=("404",),
                tag="modules",
            )
        },
        "/api/v1/modules/{slug}/crawl": {
            "post": write(
                "Queue a crawl of the module's repository (publisher of the module or admin)",
                ok(
                    obj(
                        ["module", "crawl"],
                        {"module": {"type": "string"}, "crawl": ref("CrawlRequest")},
                    ),
                    "Queued (or already waiting).",
                    "202",
                ),
                params=[SLUG],
                errors=("400", "401", "403", "404"),
                tag="modules",
            )
        },
        "/api/v1/components": {
            "get": read(
                "Components", obj(["items"], {"items": array(ref("Component"))}), tag="components"
            )
        },
        "/api/v1/components/{name}/versions": {
            "get": read(
                "Known versions of a component, newest first",
                obj(
                    ["component", "items"],
                    {"component": {"type": "string"}, "items": array(ref("ComponentVersion"))},
                ),
                params=[param("name", "path", {"type": "string"}, "component name")],
                errors=("404",),
                tag="components",
            )
        },
        "/api/v1/deployments": {
            "get": read(
                "Deployments the caller may see (private ones only with a token for them)",
                page_of(ref("Deployment")),
                params=[
                    param("state", "query", {"type": "string"}, "state code, e.g. BB"),
                    LIMIT,
                    OFFSET,
                ],
                errors=("400", "401"),
                tag="deployments",
                security=OPTIONAL_BEARER,
            ),
            "post": write(
                "Register a deployment (its document as JSON)",
                {
                    "201": {
                        "description": "Stored, with its id.",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": {JSON: {"schema": ref("Deployment")}},
                    }
                },
                body=deployment_body,
                errors=("400", "401", "403", "409", "413"),
                tag="deployments",
            ),
        },
        "/api/v1/deployments/{deployment_id}": {
            "get": read(
                "One deployment",
                ref("Deployment"),
                params=[DEPLOYMENT_ID],
                errors=("401", "404"),
                tag="deployments",
                security=OPTIONAL_BEARER,
            ),
            "put": write(
                "Replace a deployment's document",
                ok(ref("Deployment"), "Stored."),
                body=deployment_body,
                params=[DEPLOYMENT_ID],
                errors=("400", "401", "403", "404", "409", "413"),
                tag="deployments",
            ),
            "delete": write(
                "Delete a deployment",
                {"204": {"description": "Deleted."}},
                params=[DEPLOYMENT_ID],
                errors=("401", "403", "404"),
                tag="deployments",
            ),
        },
        "/api/v1/deployments/{deployment_id}/capabilities/{component}": {
            "put": write(
                "Set a component's capabilities of a deployment",
                ok(ref("Deployment"), "Stored."),
                body={
                    "oneOf": [
                        obj(["capabilities"], {"capabilities": array({"type": "string"})}),
                        obj(
                            ["data"],
                            {"data": obj(["__schema"], {"__schema": {"type": "object"}})},
                            description="a GraphQL introspection result (root fields count)",
                        ),
                    ]
                },
                params=[
                    DEPLOYMENT_ID,
                    param("component", "path", {"type": "string"}, "component name"),
                ],
                errors=("400", "401", "403", "404", "413"),
                tag="deployments",
            )
        },
        "/api/v1/deployments/{deployment_id}/compatibility": {
            "get": read(
                "Verdicts for every module",
                ref("Compatibility"),
                params=[DEPLOYMENT_ID],
                errors=("401", "404"),
                tag="compatibility",
                security=OPTIONAL_BEARER,
            )
        },
        "/api/v1/deployments/{deployment_id}/compatibility/{slug}": {
            "get": read(
                "The verdict for one module",
                ref("Verdict"),
                params=[DEPLOYMENT_ID, SLUG],
                errors=("401", "404"),
                tag="compatibility",
                security=OPTIONAL_BEARER,
            )
        },
        "/api/v1/deployments/{deployment_id}/upgrade-plan": {
            "get": read(
                "What happens to the installed modules when a component is upgraded",
                ref("ComponentUpgrade"),
                params=[
                    DEPLOYMENT_ID,
                    param(
                        "component",
                        "query",
                        {"type": "string"},
                        "component to upgrade",
                        required=True,
                    ),
                    param("to", "query", {"type": "string"}, "target version", required=True),
                ],
                errors=("400", "401", "404"),
                tag="compatibility",
                security=OPTIONAL_BEARER,
            )
        },
        "/api/v1/deployments/{deployment_id}/feed.json": {
            "get": read(
                "A deployment's feed: newly adoptable versions, yanks that affect it",
                ref("Feed"),
                params=[DEPLOYMENT_ID],
                errors=("401", "404"),
                tag="feeds",
                media="application/feed+json",
                security=OPTIONAL_BEARER,
            )
        },
        "/api/v1/compatibility": {
            "get": read(
                "What-if: verdicts for a hypothetical deployment given as query parameters",
                ref("Compatibility"),
                params=what_if_params,
                errors=("400", "404"),
                tag="compatibility",
            ),
            "post": {
                "summary": "What-if for a whole deployment document sent as the body (not stored)",
                "tags": ["compatibility"],
                "parameters": [what_if_params[2]],
                "requestBody": {"required": True, "content": {JSON: {"schema": deployment_body}}},
                "responses": {
                    **ok(ref("Compatibility"), "Verdicts for the document's deployment."),
                    **{code: ERRORS[code] for code in ("400", "404", "413")},
                },
            },
        },
        "/api/v1/feed.json": {
            "get": read(
                "Registry events as JSON Feed 1.1, newest first",
                ref("Feed"),
                params=[
                    param(
                        "since",
                        "query",
                        {"type": "string", "format": "date-time"},
                        "only events at or after this time",
                    ),
                    param("cursor", "query", {"type": "string"}, "opaque position from `next_url`"),
                    param(
                        "limit",
                        "query",
                        {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                        "page size",
                    ),
                ],
                errors=("400",),
                tag="feeds",
                media="application/feed+json",
            )
        },
        "/api/v1/dashboard.json": {
            "get": read("Summary for dashboards (docs/dashboard.md)", ref("Dashboard"), tag="feeds")
        },
        "/api/v1/openapi.json": {"get": read("This document", {"type": "object"}, tag="meta")},
        "/api/v1/hooks/github": {
            "post": {
                "summary": "GitHub webhook: queues a crawl of the repository an event is about",
                "tags": ["hooks"],
                "description": "Signed with X-Hub-Signature-256 (HMAC-SHA256 of the body with the "
                "configured secret). Handles ping, release, create, push and repository events; "
                "unknown repositories are accepted and ignored.",
                "parameters": [
                    param(
                        "X-GitHub-Event", "header", {"type": "string"}, "event name", required=True
                    ),
                    param(
                        "X-Hub-Signature-256",
                        "header",
                        {"type": "string"},
                        "sha256=<hex HMAC>",
                        required=True,
                    ),
                ],
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": {"type": "object"}}},
                },
                "responses": {
                    **ok(ref("HookResult"), "ping answered"),
                    **ok(ref("HookResult"), "Accepted; `queued` lists the crawl requests.", "202"),
                    "400": ERRORS["400"],
                    "401": error("Missing or wrong signature, or no secret configured."),
                    "413": ERRORS["413"],
                },
            }
        },
        "/api/v1/hooks/gitlab": {
            "post": {
                "summary": "GitLab webhook: queues a crawl of the project an event is about",
                "tags": ["hooks"],
                "description": "X-Gitlab-Token must be the configured secret token. Handles Tag "
                "Push, Push and Release hooks and System hooks about projects (push, tag push, "
                "rename, transfer); a redelivered X-Gitlab-Event-UUID queues nothing again; "
                "unknown projects are accepted and nothing is done.",
                "parameters": [
                    param("X-Gitlab-Event", "header", {"type": "string"}, "event", required=True),
                    param("X-Gitlab-Token", "header", {"type": "string"}, "secret", required=True),
                    param("X-Gitlab-Event-UUID", "header", {"type": "string"}, "delivery id"),
                ],
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": {"type": "object"}}},
                },
                "responses": {
                    **ok(ref("HookResult"), "Accepted; `queued` lists the crawl requests.", "202"),
                    "400": ERRORS["400"],
                    "401": error("Missing or wrong token, or no secret configured."),
                    "413": ERRORS["413"],
                },
            }
        },
        "/badges/{slug}.svg": badge_route(
            "Shields-style badge: newest version and the app range it needs"
        ),
        "/healthz": {
            "get": {
                "summary": "Liveness and database check",
                "tags": ["meta"],
                "responses": ok(obj(["status"], {"status": {"const": "ok"}}), "Healthy."),
            }
        },
    }


@cache
def _document() -> dict[str, Any]:
    # Imported here, not at the top: the advisories and platform parts build on the helpers
    # above (they import this module).
    from registry.web import openapi_advisories, openapi_platform  # noqa: PLC0415

    # The knowledge routes live in their own file, which builds on the helpers above.
    from registry.web import openapi_knowledge as knowledge  # noqa: PLC0415  (imports this file)

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SVA Module Registry API",
            "version": "1",
            "summary": "Modules, releases, deployments and compatibility of the Smart Village App.",
            "description": 'JSON, UTF-8. Every error is `{"error": {"code", "message", '
            '"details"}}`. Reads send ETag and Last-Modified and answer conditional requests '
            "with 304; answers are gzip-compressed when the client accepts it.",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            **paths(),
            **openapi_advisories.paths(),
            **openapi_platform.paths(),
            **knowledge.knowledge_paths(),
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `sva-registry token create` (role publisher, "
                    "deployment or admin, optionally scoped to a module or deployment).",
                }
            },
            "schemas": {
                "Error": ERROR,
                "Module": MODULE,
                "ModulePage": page_of(ref("Module")),
                "ModuleDetail": MODULE_DETAIL,
                "ModuleEdit": MODULE_EDIT,
                "Mirror": MIRROR,
                "ModuleRegistration": REGISTER,
                "CrawlRequest": CRAWL,
                "Release": RELEASE,
                "Component": COMPONENT,
                "ComponentVersion": COMPONENT_VERSION,
                "Deployment": DEPLOYMENT,
                "DeploymentDocument": deployment_document_schema(),
                "Verdict": VERDICT,
                "Compatibility": COMPATIBILITY,
                "ComponentUpgrade": UPGRADE_REPORT,
                "Feed": FEED,
                "FeedItem": FEED_ITEM,
                "Dashboard": DASHBOARD,
                "HookResult": HOOK_RESULT,
                **openapi_advisories.schemas(),
                **knowledge.SCHEMAS,
            },
        },
    }


def openapi_document(base_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document (a fresh copy), with ``base_url`` as its server when given."""
    document = copy.deepcopy(_document())
    if base_url:
        document["servers"] = [{"url": base_url.rstrip("/") or "/"}]
    return document
