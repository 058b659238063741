"""Server-side page logins: the cookie holds a random id, the database the rest.

The cookie ``sva_session`` carries 32 random bytes and nothing else (``HttpOnly``,
``SameSite=Lax``, ``Secure`` when served over HTTPS). A login stores a ``web_sessions`` row with
the SHA-256 of that id and the hash of the token used; the row ends at logout, at expiry and
when the token is revoked. Visitors who are not logged in get the cookie too (the CSRF token of
the forms derives from it) but no row: an anonymous page view writes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import Response, current_app, g, request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from registry.db import utcnow
from registry.models import ApiToken, WebSession

COOKIE = "sva_session"
LIFETIME = timedelta(days=14)
_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def browser_id() -> str:
    """This browser's random session id (a new one is sent along with the answer)."""
    if "browser_id" not in g:
        sent = request.cookies.get(COOKIE, "")
        if _ID.match(sent):
            g.browser_id = sent
        else:
            g.browser_id = secrets.token_urlsafe(32)
            g.send_cookie = True
    browser: str = g.browser_id
    return browser


def logged_in_token_hash(session: Session) -> str | None:
    """The hash of the token this browser logged in with, if its login is still valid."""
    if "login_token_hash" not in g:
        g.login_token_hash = None
        sent = request.cookies.get(COOKIE, "")
        if _ID.match(sent):
            g.login_token_hash = session.scalar(
                select(WebSession.token_hash)
                .join(ApiToken, ApiToken.token_hash == WebSession.token_hash)
                .where(
                    WebSession.id_hash == _hash(sent),
                    WebSession.expires_at > utcnow(),
                    ApiToken.revoked_at.is_(None),
                )
            )
    found: str | None = g.login_token_hash
    return found


def start_login(session: Session, token_hash: str) -> None:
    """Log this browser in with the token: a new id (the old one is worthless afterwards)."""
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    _forget(session)
    new_id = secrets.token_urlsafe(32)
    session.add(WebSession(id_hash=_hash(new_id), token_hash=token_hash, expires_at=now + LIFETIME))
    g.browser_id = new_id
    g.send_cookie = True
    g.login_token_hash = token_hash


def end_login(session: Session) -> None:
    """Log this browser out: its row is deleted and it gets a new anonymous id."""
    _forget(session)
    g.browser_id = secrets.token_urlsafe(32)
    g.send_cookie = True
    g.login_token_hash = None


def _forget(session: Session) -> None:
    sent = request.cookies.get(COOKIE, "")
    if _ID.match(sent):
        session.execute(delete(WebSession).where(WebSession.id_hash == _hash(sent)))


def csrf_token() -> str:
    """The forms' CSRF token: an HMAC of the browser id with the app's secret key."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"csrf:" + browser_id().encode(), hashlib.sha256).hexdigest()


def is_valid_csrf(sent: str) -> bool:
    sent_cookie = request.cookies.get(COOKIE, "")
    if not sent or not _ID.match(sent_cookie):
        return False
    return hmac.compare_digest(csrf_token(), sent)


def finish_response(response: Response) -> Response:
    """Send a new session cookie when one was made; keep pages of a login out of shared caches."""
    if g.get("send_cookie"):
        response.set_cookie(
            COOKIE,
            g.browser_id,
            max_age=int(LIFETIME.total_seconds()),
            secure=_served_over_https(),
            httponly=True,
            samesite="Lax",
            path="/",
        )
    if g.get("login_token_hash"):
        # A page shown to a logged-in visitor names what only they may see.
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Cookie")
    return response


def _served_over_https() -> bool:
    base_url: str = current_app.config["SETTINGS"].server.base_url
    return request.is_secure or base_url.startswith("https://")
