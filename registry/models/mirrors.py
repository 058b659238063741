"""Mirrors: other repositories that carry a module's code (the app on openCode, say).

The registry crawls a module's primary repository only; a mirror is checked now and then for
the same tags at the same commits, and its status is shown beside the module.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, UTCDateTime, utcnow
from registry.models.types import JSONValue

if TYPE_CHECKING:
    from registry.models.catalog import Module

#: ``unchecked`` until the first check; ``behind`` names the primary's tags it lacks (or has at
#: another commit); ``unreachable`` when the mirror could not be read at the last check.
MIRROR_STATUSES = ("in-sync", "behind", "unreachable", "unchecked")


class ModuleMirror(Base):
    """A repository URL that mirrors a module's primary repository, with its last check."""

    __tablename__ = "module_mirrors"
    __table_args__ = (UniqueConstraint("module_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(300))
    # "github", "gitlab" (the forge kind of the URL's host).
    forge: Mapped[str] = mapped_column(String(32), default="")
    # Who named the mirror: "admin", "admin-doku", "publiccode", ...
    source: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="unchecked")
    # Tags of the primary the mirror lacks or has at another commit, at the last check.
    missing_tags: Mapped[JSONValue] = mapped_column(JSON, default=list)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the mirror was first seen behind (kept while it stays behind).
    behind_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship(back_populates="mirrors")
