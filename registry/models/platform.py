"""What component versions themselves need (platform requirements) and their CHANGELOG entries.

A requirement belongs to the versions of one component (``versions``, a range: ``==4.3.0`` for
what the crawler read at one tag, ``>=2.5.0`` for a curated rule) and needs either another
component (a range and/or capabilities) or a content record (a named record with a version
rule, e.g. ``globalSettings`` with ``same-major-at-most``). ``source`` says where it came from:
``crawl`` (derived from the repository) or ``curated`` (an admin, through the API or an import
file); a crawl replaces only its own rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, UTCDateTime, utcnow
from registry.models.catalog import Component
from registry.models.types import JSONValue


class PlatformRequirement(Base):
    """One thing the versions ``versions`` of ``component`` need."""

    __tablename__ = "platform_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), index=True
    )
    versions: Mapped[str] = mapped_column(String(200))
    needs: Mapped[str] = mapped_column(String(16))  # component | content
    target: Mapped[str] = mapped_column(String(200))  # component name or content record name
    range: Mapped[str | None] = mapped_column(String(200))
    capabilities: Mapped[JSONValue] = mapped_column(JSON, default=list)
    rule: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="curated")  # crawl | curated
    origin: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    component: Mapped[Component] = relationship()


class ComponentChange(Base):
    """One CHANGELOG entry of a component version, marked breaking or not."""

    __tablename__ = "component_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    breaking: Mapped[bool] = mapped_column(Boolean, default=False)
    date: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), default="crawl")  # crawl | curated
    origin: Mapped[str] = mapped_column(String(300), default="")

    component: Mapped[Component] = relationship()
