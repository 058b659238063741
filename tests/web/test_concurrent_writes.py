"""Concurrent writers against the WSGI app with a connection each (SQLite and PostgreSQL).

The probe saw 40-60 % of 20 concurrent writes on SQLite fail with "database is locked" and one
unbound deployment token make two deployments. Here every writer commits for real.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from registry import create_app
from registry.config import DatabaseSettings
from registry.db import make_session_factory, session_scope
from registry.migrate import upgrade
from registry.models import ApiToken, Deployment
from registry.services.tokens import create_token

WRITERS = 20


@pytest.fixture()
def live_app(settings, cli_database_url):
    """An app on a database of its own: each request gets its own pooled connection."""
    own = replace(settings, database=DatabaseSettings(url=cli_database_url))
    app = create_app(own)
    engine = app.extensions["registry.engine"]
    upgrade(engine)
    yield app
    engine.dispose()


def make_token(app, role):
    with session_scope(make_session_factory(app.extensions["registry.engine"])) as session:
        _row, secret = create_token(session, role)
    return {"Authorization": f"Bearer {secret}"}


def scalar(app, statement):
    with session_scope(make_session_factory(app.extensions["registry.engine"])) as session:
        return session.scalar(statement)


def document(number):
    return {"schemaVersion": 1, "name": f"Gemeinde {number}", "components": {"app": "4.2.1"}}


def test_twenty_concurrent_writers_all_succeed_and_nothing_is_lost(live_app):
    admin = make_token(live_app, "admin")

    def write(number):
        client = live_app.test_client()
        created = client.post("/api/v1/deployments", json=document(number), headers=admin)
        if created.status_code != 201:
            return created.status_code, None
        url = created.headers["Location"]
        updated = client.put(url, json=dict(document(number), state="BB"), headers=admin)
        listed = client.get("/api/v1/deployments", headers=admin)
        return (created.status_code, updated.status_code, listed.status_code), url

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(write, range(WRITERS)))

    assert [status for status, _ in results] == [(201, 200, 200)] * WRITERS
    assert scalar(live_app, select(func.count()).select_from(Deployment)) == WRITERS
    states = scalar(
        live_app, select(func.count()).select_from(Deployment).where(Deployment.state == "BB")
    )
    assert states == WRITERS


def test_one_unbound_token_used_ten_times_at_once_makes_one_deployment(live_app):
    token = make_token(live_app, "deployment")

    def create(number):
        client = live_app.test_client()
        return client.post("/api/v1/deployments", json=document(number), headers=token).status_code

    with ThreadPoolExecutor(10) as pool:
        statuses = sorted(pool.map(create, range(10)))

    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 403, 409}
    assert scalar(live_app, select(func.count()).select_from(Deployment)) == 1
    bound = scalar(live_app, select(ApiToken.deployment_id).where(ApiToken.role == "deployment"))
    assert bound == scalar(live_app, select(Deployment.id))
