"""The deployment checks against the registry: what is not real is refused and says why
(unknown modules with "did you mean", releases that do not exist unless a local build, SPDX ids
with the nearest id, an AGS another deployment uses); slugs are folded once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.errors import InvalidInput
from registry.models import Deployment
from registry.services import deployments as service

BASE = {
    "schemaVersion": 1,
    "name": "Prüfhausen",
    "components": {"app": "4.3.0"},
    "modules": {"chatbot": "4.3.0"},
}


def _problems(session, document, deployment_id=None) -> list[dict]:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        service.checked_document(session, document, deployment_id=deployment_id)
    return caught.value.details


def test_a_real_document_passes(demo) -> None:  # type: ignore[no-untyped-def]
    assert service.checked_document(demo, BASE)["modules"] == {"chatbot": "4.3.0"}


def test_every_demo_deployment_passes_its_own_checks(demo) -> None:  # type: ignore[no-untyped-def]
    stored = demo.scalars(select(Deployment)).all()
    assert len(stored) >= 10
    for deployment in stored:
        document = deployment.document or {}
        assert service.registry_problems(demo, document, deployment_id=deployment.id) == []


def test_unknown_module_is_named_with_the_nearest_slugs(demo) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(demo, BASE | {"modules": {"chatbott": "4.3.0", "foo": "1.0"}})
    by_value = {p["value"]: p for p in problems}
    assert by_value["chatbott"]["code"] == "module-unknown"
    assert by_value["chatbott"]["field"] == "modules.chatbott"
    assert "chatbot" in by_value["chatbott"]["suggestion"].split(", ")
    assert "did you mean chatbot" in by_value["chatbott"]["message"]
    assert by_value["foo"]["code"] == "module-unknown"


def test_slugs_are_case_folded_once(demo) -> None:  # type: ignore[no-untyped-def]
    document = service.checked_document(demo, BASE | {"modules": {"Chatbot ": "4.3.0"}})
    assert document["modules"] == {"chatbot": "4.3.0"}
    twice = _problems(demo, BASE | {"modules": {"Chatbot": "4.3.0", "chatbot": "4.3.0"}})
    assert [p["code"] for p in twice] == ["module-twice"]


def test_a_version_that_is_no_release_is_refused_unless_a_local_build(demo) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(demo, BASE | {"modules": {"chatbot": "1.0"}})
    assert [(p["code"], p["module"], p["value"], p["newest"]) for p in problems] == [
        ("release-unknown", "chatbot", "1.0", problems[0]["newest"])
    ]
    assert problems[0]["newest"]  # the newest real release is named
    local = service.checked_document(demo, BASE | {"modules": {"chatbot": "4.3.0+bernau"}})
    assert local["modules"] == {"chatbot": "4.3.0+bernau"}


@pytest.mark.parametrize(
    ("written", "nearest"),
    [
        ("GPL", "GPL-3.0-or-later"),
        ("gpl-3.0-or-later", "GPL-3.0-or-later"),  # only the case is wrong
        ("GPL-3.0+", "GPL-3.0-or-later"),  # an alias, not the id
        ("EUPL", "EUPL-1.2"),
        ("Apache 2", "Apache-2.0"),
    ],
)
def test_licenses_must_be_spdx_ids_and_the_nearest_is_named(demo, written, nearest) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(demo, BASE | {"licenses": ["MIT", written]})
    assert [(p["code"], p["field"], p["value"]) for p in problems] == [
        ("license-unknown", "licenses[1]", written)
    ]
    assert nearest in problems[0]["suggestion"].split(", ")


def test_custom_license_refs_are_accepted(demo) -> None:  # type: ignore[no-untyped-def]
    service.checked_document(demo, BASE | {"licenses": ["MIT", "LicenseRef-Kommune-1"]})


def test_an_ags_of_another_deployment_is_refused_but_not_its_own(demo) -> None:  # type: ignore[no-untyped-def]
    first = service.create_deployment(demo, BASE | {"ags": "12069017", "state": "BB"})
    problems = _problems(demo, BASE | {"name": "Zweite", "ags": "12069017"})
    assert [(p["code"], p["value"], p["other"]) for p in problems] == [
        ("ags-taken", "12069017", "Prüfhausen")
    ]
    # Saving a deployment again with its own AGS is fine.
    service.checked_document(demo, BASE | {"ags": "12069017"}, deployment_id=first.id)


def test_a_private_deployment_with_the_ags_is_not_named(demo) -> None:  # type: ignore[no-untyped-def]
    service.create_deployment(demo, BASE | {"ags": "12069017", "visibility": "private"})
    problems = _problems(demo, BASE | {"name": "Zweite", "ags": "12069017"})
    assert [(p["code"], p["other"]) for p in problems] == [("ags-taken", "")]


def test_document_and_registry_problems_are_reported_together(demo) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(demo, BASE | {"channel": "nightly", "modules": {"foo": "1.0"}})
    assert {p["field"] for p in problems} == {"channel", "modules.foo"}


def test_the_api_refuses_unreal_modules_with_the_same_problems(client, demo) -> None:  # type: ignore[no-untyped-def]
    from registry.services.tokens import create_token

    _, secret = create_token(demo, "admin")
    demo.commit()
    response = client.post(
        "/api/v1/deployments",
        json=BASE | {"modules": {"foo": "1.0"}},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400
    details = response.get_json()["error"]["details"]
    assert [(d["code"], d["value"]) for d in details] == [("module-unknown", "foo")]
