"""The append-only event log and the data-version counters caches key on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base, UTCDateTime, utcnow
from registry.models.types import JSONValue


class Event(Base):
    """Append-only log; feeds are views of it."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    module_slug: Mapped[str | None] = mapped_column(String(63), index=True)
    version: Mapped[str | None] = mapped_column(String(64))
    deployment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DataVersion(Base):
    """Monotonic counters bumped by every write of a scope; caches key their entries on them."""

    __tablename__ = "data_versions"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
