"""Security advisories: OSV records and the modules each one names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, UTCDateTime, utcnow
from registry.models.types import JSONValue


class Advisory(Base):
    """One OSV record, stored as given (validated), keyed by its registry id ``SVA-...``."""

    __tablename__ = "advisories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    modified: Mapped[datetime] = mapped_column(UTCDateTime)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn: Mapped[datetime | None] = mapped_column(UTCDateTime)
    severity: Mapped[str | None] = mapped_column(String(16))
    record: Mapped[JSONValue] = mapped_column(JSON)
    # "api", "import" or "github:<owner/name>" (repository security advisories).
    source: Mapped[str] = mapped_column(String(300), default="api")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    modules: Mapped[list[AdvisoryModule]] = relationship(
        back_populates="advisory", cascade="all, delete-orphan"
    )


class AdvisoryModule(Base):
    """A module an advisory names (``affected[].package`` with ecosystem ``SVA``)."""

    __tablename__ = "advisory_modules"

    advisory_id: Mapped[str] = mapped_column(
        ForeignKey("advisories.id", ondelete="CASCADE"), primary_key=True
    )
    module_slug: Mapped[str] = mapped_column(String(63), primary_key=True, index=True)

    advisory: Mapped[Advisory] = relationship(back_populates="modules")
