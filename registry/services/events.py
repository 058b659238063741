"""The append-only event log and the data-version counters that caches key on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.db import utcnow
from registry.models import DataVersion, Event

#: Scopes of data versions: a write bumps its scope, caches compare counters.
SCOPES = ("catalog", "deployments", "events", "knowledge")


def record_event(
    session: Session,
    kind: str,
    *,
    module: str | None = None,
    version: str | None = None,
    deployment: int | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """Append one event (in the caller's transaction)."""
    event = Event(
        kind=kind,
        module_slug=module,
        version=version,
        deployment_id=deployment,
        data=data or {},
        created_at=at or utcnow(),
    )
    session.add(event)
    bump(session, "events")
    return event


def bump(session: Session, scope: str) -> None:
    """Mark data of ``scope`` as changed so that cached answers are recomputed."""
    # An UPDATE with counter + 1 stays correct when two transactions bump at once.
    if _increment(session, scope):
        return
    try:
        # The first bump of a scope inserts its row; a concurrent first bump may win that race
        # (unique scope), and then this one increments the row the other inserted.
        with session.begin_nested():
            session.add(DataVersion(scope=scope, counter=1, changed_at=utcnow()))
    except IntegrityError:
        _increment(session, scope)


def _increment(session: Session, scope: str) -> bool:
    result = session.execute(
        update(DataVersion)
        .where(DataVersion.scope == scope)
        .values(counter=DataVersion.counter + 1, changed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def data_versions(session: Session) -> dict[str, tuple[int, datetime | None]]:
    """Current counter and change time per scope."""
    rows = session.scalars(select(DataVersion)).all()
    found = {row.scope: (row.counter, row.changed_at) for row in rows}
    return {scope: found.get(scope, (0, None)) for scope in SCOPES}
