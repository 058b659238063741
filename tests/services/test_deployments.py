"""Deployments service: validation lists every problem and stores nothing, visibility, events."""

import pytest
from sqlalchemy import func, select

from registry.errors import InvalidInput, NotFound
from registry.models import ApiToken, Deployment, Event
from registry.services import deployments as service
from registry.services.events import data_versions
from registry.services.tokens import Principal, create_token

MUSTERHAUSEN = {
    "schemaVersion": 1,
    "name": "Musterhausen",
    "ags": "12069020",
    "state": "BB",
    "visibility": "public",
    "channel": "stable",
    "components": {
        "app": "4.2.1",
        "mainserver": {"commit": "04d9eb41", "capabilities": ["search"]},
    },
    "modules": {"maengelmelder": "4.2.1"},
    "licenses": ["GPL-3.0-or-later", "EUPL-1.2", "MIT"],
}


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_create_stores_document_and_key_columns(session):
    created = service.create_deployment(session, MUSTERHAUSEN)
    session.commit()
    stored = session.get(Deployment, created.id)
    assert stored.document == MUSTERHAUSEN
    assert (stored.name, stored.ags, stored.state, stored.visibility, stored.channel) == (
        "Musterhausen",
        "12069020",
        "BB",
        "public",
        "stable",
    )


def test_create_records_event_and_bumps_deployments(session):
    before = data_versions(session)["deployments"][0]
    created = service.create_deployment(session, MUSTERHAUSEN)
    events = session.scalars(select(Event).where(Event.deployment_id == created.id)).all()
    assert [e.kind for e in events] == [service.ADDED]
    assert data_versions(session)["deployments"][0] == before + 1


def test_invalid_document_lists_every_problem_and_stores_nothing(session):
    bad = {
        "schemaVersion": 2,
        "name": "",
        "ags": "99123456",  # no state has code 99
        "channel": "nightly",
        "components": {"app": "four"},
        "licenses": ["Not-A-License"],
    }
    before = (_count(session, Deployment), _count(session, Event))
    with pytest.raises(InvalidInput) as caught:
        service.create_deployment(session, bad)
    fields = {problem.field for problem in caught.value.problems}
    assert {"schemaVersion", "name", "ags", "channel", "components.app", "licenses[0]"} <= fields
    assert (_count(session, Deployment), _count(session, Event)) == before


def test_update_records_changed_options(session):
    created = service.create_deployment(session, MUSTERHAUSEN)
    changed = dict(MUSTERHAUSEN, channel="prerelease", modules={})
    service.update_deployment(session, created.id, changed)
    event = session.scalars(
        select(Event).where(
            Event.kind == service.OPTIONS_CHANGED, Event.deployment_id == created.id
        )
    ).one()
    assert event.data["changed"] == ["channel", "modules"]
    assert session.get(Deployment, created.id).channel == "prerelease"


def test_update_without_change_records_nothing(session):
    created = service.create_deployment(session, MUSTERHAUSEN)
    before = data_versions(session)["deployments"][0]
    service.update_deployment(session, created.id, dict(MUSTERHAUSEN))
    assert data_versions(session)["deployments"][0] == before
    assert not session.scalars(select(Event).where(Event.kind == service.OPTIONS_CHANGED)).all()


def test_invalid_update_keeps_the_old_document(session):
    created = service.create_deployment(session, MUSTERHAUSEN)
    with pytest.raises(InvalidInput):
        service.update_deployment(session, created.id, dict(MUSTERHAUSEN, state="XX"))
    assert session.get(Deployment, created.id).document == MUSTERHAUSEN


def test_update_and_delete_of_missing_deployment_are_not_found(session):
    with pytest.raises(NotFound):
        service.update_deployment(session, 999_999, MUSTERHAUSEN)
    with pytest.raises(NotFound):
        service.delete_deployment(session, 999_999)


def test_delete_removes_and_records(session):
    created = service.create_deployment(session, MUSTERHAUSEN)
    service.delete_deployment(session, created.id)
    assert session.get(Deployment, created.id) is None
    kinds = session.scalars(select(Event.kind).where(Event.deployment_id == created.id)).all()
    assert kinds == [service.ADDED, service.REMOVED]


def test_private_deployment_visible_only_to_admin_and_own_token(session):
    private = service.create_deployment(session, dict(MUSTERHAUSEN, visibility="private"))
    public = service.create_deployment(session, dict(MUSTERHAUSEN, name="Offen", ags="12069021"))
    admin = Principal(1, "admin")
    own = Principal(2, "deployment", deployment_id=private.id)
    other = Principal(3, "deployment", deployment_id=public.id)
    for principal in (None, other):
        with pytest.raises(NotFound):
            service.get_deployment(session, private.id, principal)
        ids = [d.id for d in service.list_deployments(session, principal).items]
        assert private.id not in ids and public.id in ids
    for principal in (admin, own):
        assert service.get_deployment(session, private.id, principal) is private
        assert private.id in [d.id for d in service.list_deployments(session, principal).items]


def test_private_event_names_nothing(session):
    private = service.create_deployment(session, dict(MUSTERHAUSEN, visibility="private"))
    event = session.scalars(select(Event).where(Event.deployment_id == private.id)).one()
    assert "Musterhausen" not in str(event.data)


def test_list_pages_and_filters_by_state(session):
    for index in range(3):
        service.create_deployment(
            session, dict(MUSTERHAUSEN, name=f"D{index}", ags=f"1206903{index}")
        )
    service.create_deployment(session, dict(MUSTERHAUSEN, name="Kiel", state="SH", ags="01002000"))
    page = service.list_deployments(session, state="BB", limit=2, offset=0)
    assert page.total == 3 and len(page.items) == 2
    assert [d.name for d in service.list_deployments(session, state="SH").items] == ["Kiel"]


def test_unbound_deployment_token_is_bound_to_what_it_creates(session):
    token, _secret = create_token(session, "deployment")
    principal = Principal(token.id, "deployment")
    created = service.create_deployment(session, MUSTERHAUSEN, principal)
    assert session.get(ApiToken, token.id).deployment_id == created.id


def test_delete_revokes_the_deployments_tokens(session):
    created = service.create_deployment(session, MUSTERHAUSEN)
    token, _secret = create_token(session, "deployment", deployment=created.id)
    other = service.create_deployment(session, dict(MUSTERHAUSEN, name="Other", ags="12069022"))
    kept, _ = create_token(session, "deployment", deployment=other.id)
    service.delete_deployment(session, created.id)
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is not None
    assert session.get(ApiToken, kept.id).revoked_at is None
