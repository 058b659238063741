"""Curated platform requirements: the admin API, the import file, the deployment's content."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.models import Component, PlatformRequirement
from registry.services.tokens import create_token

GLOBAL_SETTINGS = {
    "versions": ">=2.5.0",
    "content": {"name": "globalSettings", "rule": "same-major-at-most"},
    "note": "the app sends its version with the globalSettings query since v2.5.0",
}
PLATFORM_FILE = {
    "schemaVersion": 1,
    "components": {
        "app": {
            "requirements": [GLOBAL_SETTINGS],
            "changes": [{"version": "5.0.0", "text": "BUS via sva-bus-server", "breaking": True}],
        }
    },
}


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def admin(session):
    session.add_all([Component(name="app"), Component(name="mainserver", versioning="commit")])
    _token, secret = create_token(session, "admin")
    session.commit()
    return _bearer(secret)


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(PlatformRequirement))


def test_admin_adds_lists_and_deletes_a_curated_requirement(client, admin, session):
    created = client.post(
        "/api/v1/components/app/requirements", json=GLOBAL_SETTINGS, headers=admin
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["content"] == {"name": "globalSettings", "rule": "same-major-at-most"}
    assert body["source"] == "curated" and body["of"] == "app"
    listed = client.get("/api/v1/components/app/requirements").get_json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    gone = client.delete(f"/api/v1/components/app/requirements/{body['id']}", headers=admin)
    assert gone.status_code == 204
    assert _count(session) == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"versions": "not a range", "content": {"name": "x", "rule": "at-most"}}, ["versions"]),
        ({"versions": ">=1", "content": {"name": "x", "rule": "newest"}}, ["content.rule"]),
        ({"versions": ">=1"}, [""]),  # neither component nor content
        ({"versions": ">=1", "component": {"name": "mainserver"}}, ["component"]),  # nothing asked
        (
            {"versions": ">=1", "component": {"name": "m", "range": "~>", "capabilities": [3]}},
            ["component.range", "component.capabilities"],  # every problem at once
        ),
    ],
)
def test_bad_requirements_name_every_problem(client, admin, session, body, fields):
    answer = client.post("/api/v1/components/app/requirements", json=body, headers=admin)
    assert answer.status_code == 400
    named = [
        d["field"].removeprefix("requirement").lstrip(".")
        for d in answer.get_json()["error"]["details"]
    ]
    assert named == fields
    assert _count(session) == 0


def test_writes_need_an_admin_and_a_known_component(client, admin, session):
    _t, publisher = create_token(session, "publisher")
    session.commit()
    path = "/api/v1/components/app/requirements"
    assert client.post(path, json=GLOBAL_SETTINGS).status_code == 401
    assert client.post(path, json=GLOBAL_SETTINGS, headers=_bearer(publisher)).status_code == 403
    missing = client.post(
        "/api/v1/components/nope/requirements", json=GLOBAL_SETTINGS, headers=admin
    )
    assert missing.status_code == 404
    assert client.delete(f"{path}/999", headers=admin).status_code == 404


def test_a_crawled_requirement_cannot_be_deleted(client, admin, session):
    app = session.scalars(select(Component).where(Component.name == "app")).one()
    row = PlatformRequirement(
        component_id=app.id, versions="==4.3.0", needs="component", target="mainserver",
        capabilities=["search"], source="crawl", origin="src/queries@v4.3.0", note="",
    )  # fmt: skip
    session.add(row)
    session.commit()
    answer = client.delete(f"/api/v1/components/app/requirements/{row.id}", headers=admin)
    assert answer.status_code == 400
    assert _count(session) == 1


def test_import_file_is_all_or_nothing_and_idempotent(client, admin, session):
    bad = {
        "schemaVersion": 1,
        "components": {
            "app": {"requirements": [GLOBAL_SETTINGS, {"versions": ">=5"}]},
            "nope": {"requirements": []},
        },
    }
    refused = client.post("/api/v1/platform/import", json=bad, headers=admin)
    assert refused.status_code == 400
    fields = [d["field"] for d in refused.get_json()["error"]["details"]]
    assert fields == ["components.app.requirements[1]", "components.nope"]
    assert _count(session) == 0
    first = client.post("/api/v1/platform/import", json=PLATFORM_FILE, headers=admin)
    assert first.get_json() == {"added": {"requirements": 1, "changes": 1}}
    again = client.post("/api/v1/platform/import", json=PLATFORM_FILE, headers=admin)
    assert again.get_json() == {"added": {"requirements": 0, "changes": 0}}
    changes = client.get("/api/v1/components/app/changes").get_json()["items"]
    assert [(c["version"], c["breaking"], c["source"]) for c in changes] == [
        ("5.0.0", True, "curated")
    ]


DOCUMENT = {"schemaVersion": 1, "name": "Musterhausen", "components": {"app": "4.2.0"}}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ({"globalSettings": ["4.2.0", "5.0.0"]}, None),
        ({"globalSettings": []}, None),  # known: there is none
        ({"globalSettings": ["4.2.x"]}, "content.globalSettings[0]"),  # no version
        ({"globalSettings": "4.2.0"}, "content.globalSettings"),  # not a list
        ({"global settings": ["4.2.0"]}, "content"),  # no record name
    ],
)
def test_deployment_content_records(session, content, problem):
    from registry.errors import InvalidInput
    from registry.services.deployments import validated_document

    if problem is None:
        assert validated_document({**DOCUMENT, "content": content})["content"] == content
        return
    with pytest.raises(InvalidInput) as raised:
        validated_document({**DOCUMENT, "content": content})
    fields = [
        p.to_dict()["field"] if hasattr(p, "to_dict") else p["field"] for p in raised.value.problems
    ]
    assert any(f.startswith(problem) for f in fields), fields


def test_the_form_reads_and_writes_content_records(app):
    from registry.web.ui.deployment_form import document_from_form, form_from_document

    document = {**DOCUMENT, "content": {"globalSettings": ["4.2.0", "5.0.0"]}}
    form = form_from_document(document)
    assert form.values["content"] == "globalSettings = 4.2.0, 5.0.0"
    assert document_from_form(form)["content"] == {"globalSettings": ["4.2.0", "5.0.0"]}
    form.values["content"] = ""
    assert "content" not in document_from_form(form)  # empty: unknown
    form.values["content"] = "globalSettings 4.2.0"
    with app.test_request_context("/?lang=en"):
        document_from_form(form)
    assert form.errors["content"] == [
        'Line 1: write "record = version, version", not "globalSettings 4.2.0".'
    ]


def test_cli_imports_the_curated_platform_file(cli_database_url):
    from pathlib import Path

    from click.testing import CliRunner

    from registry.cli import cli

    curated = Path(__file__).resolve().parents[2] / "registry" / "demo" / "sva-platform.yml"
    env = {"SVA_REGISTRY_DATABASE_URL": cli_database_url}
    assert CliRunner().invoke(cli, ["load-demo"], env=env).exit_code == 0
    first = CliRunner().invoke(cli, ["platform", "import", str(curated)], env=env)
    assert first.exit_code == 0, first.output
    # The demo carries the curated rule already: importing it again adds nothing.
    assert "0 requirements, 0 changes added" in first.output
