"""The knowledge routes of the OpenAPI document: guides, reports, contacts, onboarding."""

from __future__ import annotations

from typing import Any

from registry.web.openapi import (
    DEPLOYMENT_ID,
    JSON,
    OPTIONAL_BEARER,
    SLUG,
    Schema,
    array,
    nullable,
    obj,
    ok,
    param,
    read,
    ref,
    write,
)

TAG = "knowledge"
LANGUAGE = {"enum": ["de", "en"]}
TIME = {"type": "string", "format": "date-time"}
REVIEW = {
    "oneOf": [
        {"type": "null"},
        obj(["at", "by"], {"at": TIME, "by": {**nullable("integer"), "description": "token"}}),
    ],
    "description": "who (admin token id) reviewed it and when ('geprüft'); null: not yet",
}
REVISION = obj(
    ["number", "title", "language", "author", "createdAt"],
    {
        "number": {"type": "integer", "minimum": 1},
        "title": {"type": "string"},
        "language": LANGUAGE,
        "author": obj(
            ["token", "role"],
            {
                "token": {**nullable("integer"), "description": "null: read from the repository"},
                "role": {"enum": ["publisher", "admin", "repository", "demo"]},
            },
        ),
        "createdAt": TIME,
        "body": {"type": "string"},
    },
)
GUIDE = obj(
    ["id", "module", "title", "language", "origin", "reviewed", "hidden", "revisions"],
    {
        "id": {"type": "integer"},
        "module": {"type": "string"},
        "title": {"type": "string"},
        "language": LANGUAGE,
        "origin": {"enum": ["registry", "repository"]},
        "source": {
            "oneOf": [
                {"type": "null"},
                obj(
                    ["path", "ref", "commit"],
                    {
                        "path": {"type": "string"},
                        "ref": nullable("string"),
                        "commit": nullable("string"),
                    },
                ),
            ]
        },
        "reviewed": REVIEW,
        "hidden": {"type": "boolean"},
        "createdAt": TIME,
        "updatedAt": TIME,
        "revisions": array(REVISION),
        "body": {"type": "string", "description": "Markdown"},
        "html": {"type": "string", "description": "the body rendered and sanitized"},
    },
)
GUIDE_BODY = obj(
    ["title", "body", "language"],
    {
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "body": {"type": "string", "minLength": 1, "description": "Markdown"},
        "language": LANGUAGE,
    },
    additionalProperties=False,
)
CONTACT_FIELDS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "role": {"type": "string", "maxLength": 200},
    "email": {"type": "string", "format": "email"},
}
REPORT = obj(
    ["id", "module", "title", "body", "version", "personDays", "deployment", "reviewed"],
    {
        "id": {"type": "integer"},
        "module": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string", "description": "Markdown"},
        "version": {"type": "string"},
        "personDays": {"type": "number", "minimum": 0},
        "contact": {"oneOf": [{"type": "null"}, {"type": "object"}]},
        "deployment": {
            "oneOf": [
                {"type": "null"},
                obj(
                    ["id", "name"],
                    {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "state": nullable("string"),
                    },
                ),
            ],
            "description": "null for a private deployment (reports are shown anonymously)",
        },
        "reviewed": REVIEW,
        "hidden": {"type": "boolean"},
        "createdAt": TIME,
    },
)
REPORT_BODY = obj(
    ["title", "body", "version", "personDays"],
    {
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "body": {"type": "string", "minLength": 1, "description": "Markdown"},
        "version": {"type": "string", "description": "a release of the module"},
        "personDays": {"type": "number", "minimum": 0, "maximum": 10000},
        "contact": obj(["name"], CONTACT_FIELDS, additionalProperties=False),
    },
    additionalProperties=False,
)
MODERATION = obj(
    [],
    {"reviewed": {"type": "boolean"}, "hidden": {"type": "boolean"}},
    additionalProperties=False,
    minProperties=1,
)
OFFER = obj(
    ["name", "role", "email", "deployment", "distance"],
    {
        **CONTACT_FIELDS,
        "deployment": obj(
            ["id", "name", "state"],
            {"id": {"type": "integer"}, "name": {"type": "string"}, "state": nullable("string")},
        ),
        "distance": {
            **nullable("integer"),
            "description": "state borders between asker and contact (0: same state)",
        },
    },
)
CONTACTS = obj(
    ["module", "near", "items", "community"],
    {
        "module": {"type": "string"},
        "near": nullable("string"),
        "items": array(ref("Contact")),
        "community": {
            "oneOf": [
                {"type": "null"},
                obj(
                    ["name", "email", "url"],
                    {
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                        "url": {"type": "string"},
                    },
                ),
            ]
        },
    },
)
STEP = {
    "type": "object",
    "required": ["id", "kind", "done"],
    "properties": {
        "id": {"type": "string", "description": "stable across requests, e.g. update:app:4.3.0"},
        "kind": {
            "enum": [
                "update",
                "downgrade",
                "add",
                "capabilities",
                "module",
                "impossible",
                "plugin",
                "license",
                "read",
                "ask",
                "adopt",
            ]
        },
        "done": {"type": "boolean"},
        "guide": {"type": "integer", "description": "read steps: the guide to read"},
    },
    "description": "plan steps carry the plan's fields (component, from, to, capabilities, "
    "module); license: license, allowed, policy; ask: contacts, community; adopt: to",
}
CHECKLIST = obj(
    ["deployment", "module", "version", "adoptable", "progress", "steps"],
    {
        "deployment": {"type": "integer"},
        "module": {"type": "string"},
        "version": nullable("string"),
        "adoptable": {"type": "boolean"},
        "progress": obj(
            ["done", "total"], {"done": {"type": "integer"}, "total": {"type": "integer"}}
        ),
        "steps": {**array(ref("OnboardingStep")), "description": "in order: first change first"},
    },
)
GUIDE_ID = param("guide_id", "path", {"type": "integer"}, "guide id")
REPORT_ID = param("report_id", "path", {"type": "integer"}, "report id")
SCHEMAS: dict[str, Schema] = {
    "Guide": GUIDE,
    "GuideBody": GUIDE_BODY,
    "Report": REPORT,
    "ReportBody": REPORT_BODY,
    "Moderation": MODERATION,
    "Contact": OFFER,
    "OnboardingStep": STEP,
    "OnboardingChecklist": CHECKLIST,
}


def _list(item: str) -> Schema:
    return obj(["module", "items"], {"module": {"type": "string"}, "items": array(ref(item))})


def _created(item: str, what: str) -> dict[str, Any]:
    return {
        "201": {
            "description": what,
            "headers": {"Location": {"schema": {"type": "string"}}},
            "content": {JSON: {"schema": ref(item)}},
        }
    }


def knowledge_paths() -> dict[str, Any]:
    """The routes of registry/web/knowledge.py."""
    reading = {"tag": TAG, "security": OPTIONAL_BEARER}
    return {
        "/api/v1/modules/{slug}/guides": {
            "get": read(
                "Guides of a module (without bodies)",
                _list("Guide"),
                params=[SLUG],
                errors=("401", "404"),
                **reading,
            ),
            "post": write(
                "Write a guide (a publisher of the module or an admin)",
                _created("Guide", "Stored as its first revision."),
                body=ref("GuideBody"),
                params=[SLUG],
                errors=("400", "401", "403", "404", "413"),
                tag=TAG,
            ),
        },
        "/api/v1/guides/{guide_id}": {
            "get": read(
                "One guide with its Markdown and sanitized HTML",
                ref("Guide"),
                params=[GUIDE_ID],
                errors=("401", "404"),
                **reading,
            ),
            "put": write(
                "Change a guide (a new revision; repository guides change in the repository)",
                ok(ref("Guide"), "Stored."),
                body=ref("GuideBody"),
                params=[GUIDE_ID],
                errors=("400", "401", "403", "404", "409", "413"),
                tag=TAG,
            ),
            "delete": write(
                "Remove a guide from every view (its revisions are kept)",
                {"204": {"description": "Removed."}},
                params=[GUIDE_ID],
                errors=("401", "403", "404", "409"),
                tag=TAG,
            ),
        },
        "/api/v1/guides/{guide_id}/revisions": {
            "get": read(
                "Every revision of a guide, oldest first, with its text",
                obj(["guide", "items"], {"guide": {"type": "integer"}, "items": array(REVISION)}),
                params=[GUIDE_ID],
                errors=("401", "404"),
                **reading,
            )
        },
        "/api/v1/guides/{guide_id}/moderation": {
            "put": write(
                "Mark a guide reviewed or hide it (admins)",
                ok(ref("Guide"), "Stored."),
                body=ref("Moderation"),
                params=[GUIDE_ID],
                errors=("400", "401", "403", "404"),
                tag=TAG,
            )
        },
        "/api/v1/modules/{slug}/reports": {
            "get": read(
                "Experience reports about a module, newest first",
                _list("Report"),
                params=[SLUG],
                errors=("401", "404"),
                **reading,
            ),
            "post": write(
                "Write an experience report (the token of a deployment that runs the module)",
                _created("Report", "Stored."),
                body=ref("ReportBody"),
                params=[SLUG],
                errors=("400", "401", "403", "404", "413"),
                tag=TAG,
            ),
        },
        "/api/v1/reports/{report_id}": {
            "get": read(
                "One experience report",
                ref("Report"),
                params=[REPORT_ID],
                errors=("401", "404"),
                **reading,
            )
        },
        "/api/v1/reports/{report_id}/moderation": {
            "put": write(
                "Mark a report reviewed or hide it (admins)",
                ok(ref("Report"), "Stored."),
                body=ref("Moderation"),
                params=[REPORT_ID],
                errors=("400", "401", "403", "404"),
                tag=TAG,
            )
        },
        "/api/v1/modules/{slug}/contacts": {
            "get": read(
                "Whom to ask about a module: deployments' contacts nearest first, then the "
                "community's central contact",
                CONTACTS,
                params=[
                    SLUG,
                    param("state", "query", {"type": "string"}, "the asker's state, e.g. BB"),
                    param("deployment", "query", {"type": "integer"}, "the asker's deployment"),
                ],
                errors=("401", "404"),
                **reading,
            )
        },
        "/api/v1/deployments/{deployment_id}/contacts/{slug}": {
            "put": write(
                "Offer the deployment as a contact for a module it runs (public deployments)",
                {
                    **_created("Contact", "Offered."),
                    **ok(ref("Contact"), "Changed."),
                },
                body=obj(["name", "email"], CONTACT_FIELDS, additionalProperties=False),
                params=[DEPLOYMENT_ID, SLUG],
                errors=("400", "401", "403", "404", "413"),
                tag=TAG,
            ),
            "delete": write(
                "Withdraw the offer",
                {"204": {"description": "Withdrawn (or there was none)."}},
                params=[DEPLOYMENT_ID, SLUG],
                errors=("401", "403", "404"),
                tag=TAG,
            ),
        },
        "/api/v1/deployments/{deployment_id}/onboarding/{slug}": {
            "get": read(
                "The onboarding checklist of a deployment for a module, in the order to do it",
                ref("OnboardingChecklist"),
                params=[DEPLOYMENT_ID, SLUG],
                errors=("401", "404"),
                **reading,
            )
        },
        "/api/v1/deployments/{deployment_id}/onboarding/{slug}/steps/{step}": {
            "put": write(
                "Tick or untick one step (the deployment's own token)",
                ok(ref("OnboardingStep"), "Stored."),
                body=obj(["done"], {"done": {"type": "boolean"}}, additionalProperties=False),
                params=[
                    DEPLOYMENT_ID,
                    SLUG,
                    param("step", "path", {"type": "string"}, "step id"),
                ],
                errors=("400", "401", "403", "404", "413"),
                tag=TAG,
            )
        },
    }
