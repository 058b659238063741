"""Reported adopters: municipalities a source names as users of a module, known by name only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base, UTCDateTime, utcnow


class ReportedAdopter(Base):
    """A municipality that a source (admin-doku, publiccode.yml) reports runs a module or a
    component; versions are unknown. A registered deployment of the same municipality (same
    AGS or name key) takes it over when adopters are read."""

    __tablename__ = "reported_adopters"
    __table_args__ = (UniqueConstraint("module_id", "component", "name_key", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One of the two: the module it runs, or (a publiccode.yml of the app) the component.
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("modules.id", ondelete="CASCADE"), index=True
    )
    # "" for a module's adopter (not NULL, so the unique constraint holds for them).
    component: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    ags: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(64))
    ref: Mapped[str] = mapped_column(String(300), default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
