"""Who is calling: a bearer token (API) or a token login kept in the signed session (pages)."""

from __future__ import annotations

from flask import g, request, session

from registry.errors import Forbidden, Unauthorized
from registry.services.tokens import Principal, authenticate
from registry.web.common import get_session

SESSION_KEY = "token"


def current_principal() -> Principal | None:
    """The caller's principal, or None when anonymous. A bad token is an error (401)."""
    if "principal" in g:
        return g.principal
    secret = _bearer() or session.get(SESSION_KEY)
    principal = authenticate(get_session(), secret) if secret else None
    g.principal = principal
    return principal


def require_principal() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Unauthorized("this needs a token: send 'Authorization: Bearer <token>'")
    return principal


def require(allowed: bool, message: str) -> None:
    """Raise Forbidden (403) unless ``allowed``; call after require_principal()."""
    if not allowed:
        raise Forbidden(message)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    return value.strip()
