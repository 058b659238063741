"""Municipal deployments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base, UTCDateTime, utcnow
from registry.models.types import JSONValue


class Deployment(Base):
    """One municipality's installation, stored as its deployment document plus key columns."""

    __tablename__ = "deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    ags: Mapped[str | None] = mapped_column(String(8))
    state: Mapped[str | None] = mapped_column(String(2))
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    channel: Mapped[str] = mapped_column(String(16), default="stable")
    document: Mapped[JSONValue] = mapped_column(JSON)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
