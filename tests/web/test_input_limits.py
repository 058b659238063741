"""Bad input on every JSON write route: a 4xx in the one error shape, and nothing written.

Each case is an attack from the probe of the running registry: deep nesting (a RecursionError
before), huge integers, lone surrogates, NUL characters, duplicate keys, JSON sent as text/plain.
"""

import hashlib
import hmac

import pytest
from sqlalchemy import func, select

from registry.models import CrawlRequest, Deployment, Event, Module
from registry.services import deployments as service
from registry.services.tokens import create_token
from registry.web import strict_json

SECRET = "webhook-secret"  # what the settings fixture configures
DOCUMENT = {"schemaVersion": 1, "name": "Bad Belzig", "components": {"app": "4.2.1"}}

NESTED = "[" * 100_000 + "]" * 100_000
BAD_BODIES = {
    "nested": NESTED,
    "nested-objects": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "huge-integer": '{"schemaVersion": ' + "9" * 5000 + "}",
    "lone-surrogate": '{"schemaVersion": 1, "name": "\\ud800x"}',
    "nul": '{"schemaVersion": 1, "name": "a\\u0000b"}',
    "duplicate-key": '{"schemaVersion": 1, "name": "A", "name": "B"}',
    "nan": '{"schemaVersion": NaN, "name": "A"}',
    "long-string": '{"schemaVersion": 1, "name": "' + "x" * 70_000 + '"}',
    "long-list": '{"capabilities": [' + ",".join(['"a"'] * 10_001) + "]}",
}


@pytest.fixture()
def admin(session):
    _row, secret = create_token(session, "admin")
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def deployment_id(session):
    found = service.create_deployment(session, DOCUMENT)
    session.commit()
    return found.id


def write_routes(deployment_id):
    return [
        ("post", "/api/v1/modules"),
        ("post", "/api/v1/deployments"),
        ("put", f"/api/v1/deployments/{deployment_id}"),
        ("put", f"/api/v1/deployments/{deployment_id}/capabilities/mainserver"),
        ("post", "/api/v1/compatibility"),
    ]


def counts(session):
    return [session.scalar(select(func.count()).select_from(t)) for t in TABLES]


TABLES = (Deployment, Module, CrawlRequest, Event)


def assert_error_shape(response, status=400):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["details"], "details name the problem"


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_every_json_write_route_refuses_bad_bodies(client, session, admin, deployment_id, name):
    before = counts(session)
    for method, url in write_routes(deployment_id):
        response = getattr(client, method)(
            url, data=BAD_BODIES[name], headers=admin, content_type="application/json"
        )
        assert_error_shape(response)
    assert counts(session) == before


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_signed_webhook_refuses_bad_bodies(client, session, name):
    body = BAD_BODIES[name].encode("utf-8", "surrogatepass")
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    before = counts(session)
    response = client.post(
        "/api/v1/hooks/github",
        data=body,
        headers={
            "X-GitHub-Event": "push",
            "X-Hub-Signature-256": signature,
            "X-GitHub-Delivery": f"limits-{name}",
            "Content-Type": "application/json",
        },
    )
    assert_error_shape(response)
    assert counts(session) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_json_is_taken_only_as_application_json(
    client, session, admin, deployment_id, content_type
):
    before = counts(session)
    for method, url in write_routes(deployment_id):
        response = getattr(client, method)(
            url, data='{"schemaVersion": 1, "name": "X"}', headers=admin, content_type=content_type
        )
        assert_error_shape(response, 415)
        assert response.get_json()["error"]["code"] == "unsupported-media-type"
    assert counts(session) == before


def test_the_limits_are_those_the_document_states(client):
    described = client.get("/api/v1/openapi.json").get_json()["info"]["description"]
    assert f"nesting depth {strict_json.LIMITS.depth}" in described


def test_nesting_within_the_limit_is_fine():
    depth = strict_json.LIMITS.depth
    assert strict_json.loads("[" * depth + "]" * depth) == _nested(depth)
    # Brackets inside strings nest nothing.
    assert strict_json.loads('{"a": "' + "[" * 1000 + '"}') == {"a": "[" * 1000}


def _nested(depth):
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value
