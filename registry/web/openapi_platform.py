"""The OpenAPI paths of the platform API (``registry/web/platform.py``)."""

from __future__ import annotations

from typing import Any

from registry.web.openapi import Schema, array, nullable, obj, ok, param, read, write

NAME = param("name", "path", {"type": "string"}, "component name")

REQUIREMENT_BODY = obj(
    ["versions"],
    {
        "versions": {"type": "string", "description": "the versions that need it (a range)"},
        "component": obj(
            ["name"],
            {
                "name": {"type": "string"},
                "range": nullable("string"),
                "capabilities": array({"type": "string"}),
            },
        ),
        "content": obj(
            ["name", "rule"],
            {"name": {"type": "string"}, "rule": {"enum": ["same-major-at-most", "at-most"]}},
        ),
        "note": {"type": "string"},
    },
    description="exactly one of component, content",
)
REQUIREMENT: Schema = {
    **REQUIREMENT_BODY,
    "required": ["id", "of", "versions", "source", "origin", "note"],
    "properties": {
        **REQUIREMENT_BODY["properties"],
        "id": {"type": "integer"},
        "of": {"type": "string"},
        "source": {"enum": ["crawl", "curated"]},
        "origin": {"type": "string"},
    },
}
CHANGE = obj(
    ["component", "version", "text", "breaking", "date", "source", "origin"],
    {
        "component": {"type": "string"},
        "version": {"type": "string"},
        "text": {"type": "string"},
        "breaking": {"type": "boolean"},
        "date": nullable("string"),
        "source": {"enum": ["crawl", "curated"]},
        "origin": {"type": "string"},
    },
)


def paths() -> dict[str, Any]:
    """Paths of the platform API."""
    listing = {"component": {"type": "string"}}
    return {
        "/api/v1/components/{name}/requirements": {
            "get": read(
                "What the versions of a component themselves need (crawled and curated)",
                obj(["component", "items"], {**listing, "items": array(REQUIREMENT)}),
                params=[NAME],
                errors=("404",),
                tag="components",
            ),
            "post": write(
                "Add a curated requirement (admin)",
                ok(REQUIREMENT, "Stored.", status="201"),
                body=REQUIREMENT_BODY,
                params=[NAME],
                errors=("400", "401", "403", "404", "413"),
                tag="components",
            ),
        },
        "/api/v1/components/{name}/requirements/{requirement_id}": {
            "delete": write(
                "Delete a curated requirement (admin)",
                {"204": {"description": "Deleted."}},
                params=[NAME, param("requirement_id", "path", {"type": "integer"}, "its id")],
                errors=("400", "401", "403", "404"),
                tag="components",
            )
        },
        "/api/v1/components/{name}/changes": {
            "get": read(
                "CHANGELOG entries of a component's versions, newest first",
                obj(["component", "items"], {**listing, "items": array(CHANGE)}),
                params=[NAME],
                errors=("404",),
                tag="components",
            )
        },
        "/api/v1/platform/import": {
            "post": write(
                "Import a curated platform file (admin; all or nothing)",
                ok(obj(["added"], {"added": {"type": "object"}}), "Imported."),
                body=obj(
                    ["schemaVersion", "components"],
                    {"schemaVersion": {"const": 1}, "components": {"type": "object"}},
                ),
                errors=("400", "401", "403", "413"),
                tag="components",
            )
        },
    }
