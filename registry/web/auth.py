"""Who is calling: a bearer token (API and pages) or a page login (pages only).

API routes (``/api/``) authenticate by ``Authorization: Bearer`` only: a login cookie, which a
browser sends along with any request to this site, never authorizes an API call.
"""

from __future__ import annotations

from flask import g, request

from registry.errors import Forbidden, Unauthorized
from registry.services.tokens import Principal, authenticate, authenticate_hash
from registry.web.common import get_session
from registry.web.sessions import logged_in_token_hash


def current_principal() -> Principal | None:
    """The caller's principal, or None when anonymous. A bad bearer token is an error (401)."""
    if "principal" in g:
        return g.principal
    secret = _bearer()
    principal = None
    if secret:
        principal = authenticate(get_session(), secret)
    elif not request.path.startswith("/api/"):
        principal = _page_login()
    if principal is not None and principal.touch_due:
        # Recorded after the request, in a transaction of its own (web/__init__.py).
        g.touch_token = principal.token_id
    g.principal = principal
    return principal


def _page_login() -> Principal | None:
    token_hash = logged_in_token_hash(get_session())
    if token_hash is None:
        return None
    try:
        return authenticate_hash(get_session(), token_hash)
    except Unauthorized:
        return None  # revoked since: the visitor is simply logged out


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
