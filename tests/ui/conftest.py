"""Helpers for the page tests: find demo deployments, log in with a token, read CSRF tokens."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.models import Deployment
from registry.services.tokens import create_token


def deployment_id(session, name: str) -> int:  # type: ignore[no-untyped-def]
    found = session.scalar(select(Deployment.id).where(Deployment.name == name))
    assert found is not None, name
    return found


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, "no CSRF token in the page"
    return match.group(1)


def login(client, secret: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"token": secret, "csrf_token": csrf_from(page)})
    assert response.status_code == 302


@pytest.fixture()
def token_for(demo):  # type: ignore[no-untyped-def]
    """Create a token (committed in the test's rolled-back transaction) and return its secret."""

    def make(role: str, **scope) -> str:  # type: ignore[no-untyped-def]
        _, secret = create_token(demo, role, **scope)
        demo.commit()
        return secret

    return make
