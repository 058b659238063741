"""API tokens: created once (the secret is shown once), stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from registry.db import utcnow
from registry.errors import InvalidInput, NotFound, Unauthorized
from registry.models import ApiToken, Deployment, Module, WebSession

ROLES = ("publisher", "deployment", "admin")
PREFIX = "sva_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the role and the scope of a valid token."""

    token_id: int
    role: str
    module_slug: str | None = None
    deployment_id: int | None = None
    #: The token's last use is over a minute ago: the edge records this use after the request.
    touch_due: bool = field(default=False, compare=False)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_write_module(self, slug: str) -> bool:
        return self.is_admin or (self.role == "publisher" and self.module_slug in (None, slug))

    def may_register_modules(self) -> bool:
        # A publisher scoped to one module may crawl and update it, never add others.
        return self.is_admin or (self.role == "publisher" and self.module_slug is None)

    def may_write_deployment(self, deployment_id: int) -> bool:
        return self.is_admin or (self.role == "deployment" and self.deployment_id == deployment_id)

    def may_create_deployment(self) -> bool:
        return self.is_admin or (self.role == "deployment" and self.deployment_id is None)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session,
    role: str,
    *,
    module: str | None = None,
    deployment: int | None = None,
    note: str = "",
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the secret (shown once, never stored)."""
    problems = []
    if role not in ROLES:
        problems.append({"field": "role", "message": f"must be one of {', '.join(ROLES)}"})
    if module is not None and role != "publisher":
        problems.append({"field": "module", "message": "only publisher tokens have a module"})
    if deployment is not None and role != "deployment":
        problems.append(
            {"field": "deployment", "message": "only deployment tokens have a deployment"}
        )
    if (
        module is not None
        and session.scalar(select(Module.id).where(Module.slug == module)) is None
    ):
        problems.append({"field": "module", "message": f"no module {module!r}"})
    if deployment is not None and session.get(Deployment, deployment) is None:
        problems.append({"field": "deployment", "message": f"no deployment {deployment}"})
    if problems:
        raise InvalidInput("cannot create the token", problems)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        token_hash=hash_token(secret),
        role=role,
        module_slug=module,
        deployment_id=deployment,
        note=note,
    )
    session.add(token)
    session.flush()
    return token, secret


#: ``last_used_at`` is refreshed at most this often: an authenticated read writes nothing.
TOUCH_INTERVAL = timedelta(minutes=1)


def authenticate(session: Session, secret: str) -> Principal:
    """The principal of a valid, unrevoked token; Unauthorized otherwise. Reads only."""
    return authenticate_hash(session, hash_token(secret))


def authenticate_hash(session: Session, token_hash: str) -> Principal:
    """The principal of the valid, unrevoked token with this hash; Unauthorized otherwise."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    if token is None or token.revoked_at is not None:
        raise Unauthorized("invalid or revoked token")
    return Principal(
        token.id,
        token.role,
        token.module_slug,
        token.deployment_id,
        touch_due=_touch_due(token.last_used_at, utcnow()),
    )


def _touch_due(last_used: datetime | None, now: datetime) -> bool:
    return last_used is None or now - last_used >= TOUCH_INTERVAL


def touch_token(session: Session, token_id: int, now: datetime | None = None) -> bool:
    """Record that the token was used (unless it was within the last minute); True if written.

    Meant for a transaction of its own, after the request's: a read never waits for it.
    """
    now = now or utcnow()
    result = session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_INTERVAL),
        )
        .values(last_used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)).all())


def revoke_token(session: Session, token_id: int) -> ApiToken:
    """Revoke the token and end every page login made with it."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.execute(delete(WebSession).where(WebSession.token_hash == token.token_hash))
    return token
