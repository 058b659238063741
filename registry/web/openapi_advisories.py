"""OpenAPI paths and schemas of the advisories and health routes (merged by openapi.py)."""

from __future__ import annotations

import json
from typing import Any

from registry.web.openapi import (
    SCHEMAS,
    SLUG,
    Schema,
    array,
    badge_route,
    nullable,
    obj,
    ok,
    param,
    read,
    ref,
    write,
)

SEVERITY = {"enum": ["low", "moderate", "high", "critical", None]}

ADVISORY_SUMMARY = obj(
    ["id", "aliases", "summary", "severity", "modified", "modules", "affectedReleases"],
    {
        "id": {"type": "string", "pattern": "^SVA-[0-9]{4}-[0-9]{4,}$"},
        "aliases": array({"type": "string"}),
        "summary": {"type": "string"},
        "severity": SEVERITY,
        "modified": {"type": "string"},
        "published": nullable("string"),
        "withdrawn": nullable("string"),
        "modules": array({"type": "string"}),
        "affectedReleases": {
            "type": "object",
            "additionalProperties": array({"type": "string"}),
            "description": "slug -> the registry's releases the advisory covers",
        },
        "source": {"type": "string"},
    },
)

HEALTH_ASPECT = obj(
    ["level", "reasons"],
    {
        "level": {"type": "integer", "minimum": 0, "maximum": 3},
        "reasons": array(obj(["code"], {"code": {"type": "string"}})),
    },
)
HEALTH = obj(
    ["level", "maintenance", "security", "reuse"],
    {
        "level": {"type": "integer", "minimum": 0, "maximum": 3},
        "maintenance": ref("HealthAspect"),
        "security": ref("HealthAspect"),
        "reuse": ref("HealthAspect"),
    },
)


def osv_schema() -> Schema:
    """The registry's OSV JSON Schema (draft 2020-12, as OpenAPI 3.1 uses)."""
    schema: Schema = json.loads((SCHEMAS / "osv.schema.json").read_text(encoding="utf-8"))
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    # $defs refer to themselves as "#/$defs/..": rewrite to where the schema lives here.
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/OsvRecord/$defs/')
    result: Schema = json.loads(text)
    return result


def schemas() -> dict[str, Any]:
    return {
        "OsvRecord": osv_schema(),
        "AdvisorySummary": ADVISORY_SUMMARY,
        "Health": HEALTH,
        "HealthAspect": HEALTH_ASPECT,
    }


def paths() -> dict[str, Any]:
    items = obj(["items"], {"items": array(ref("AdvisorySummary"))})
    return {
        "/badges/{slug}/health.svg": badge_route(
            "Shields-style badge: the module's health level (0-3) and its aspects"
        ),
        "/api/v1/advisories": {
            "get": read(
                "Security advisories (OSV records), newest modified first",
                items,
                params=[
                    param("module", "query", {"type": "string"}, "only those naming this module"),
                    param(
                        "since",
                        "query",
                        {"type": "string", "format": "date-time"},
                        "only those modified at or after this time",
                    ),
                ],
                errors=("400",),
                tag="advisories",
            ),
            "post": write(
                "Publish an OSV record (admin, or a publisher of every module it names); a "
                "later `modified` replaces the stored record",
                {
                    **ok(ref("OsvRecord"), "Stored (replaced, or unchanged when equal)."),
                    **ok(ref("OsvRecord"), "Stored as a new advisory.", "201"),
                },
                body=ref("OsvRecord"),
                errors=("400", "401", "403", "404", "409", "413"),
                tag="advisories",
            ),
        },
        "/api/v1/advisories/{ident}": {
            "get": read(
                "One advisory as OSV, with the covered releases in "
                "`database_specific.affectedReleases`",
                ref("OsvRecord"),
                params=[param("ident", "path", {"type": "string"}, "advisory id (SVA-...)")],
                errors=("404",),
                tag="advisories",
            )
        },
        "/api/v1/modules/{slug}/advisories": {
            "get": read(
                "Advisories naming a module",
                obj(
                    ["module", "items"],
                    {"module": {"type": "string"}, "items": array(ref("AdvisorySummary"))},
                ),
                params=[SLUG],
                errors=("404",),
                tag="advisories",
            )
        },
    }


__all__ = ["paths", "schemas"]
