"""Crawl state per repository, immutable tag snapshots, queued crawls and leases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, UTCDateTime, utcnow
from registry.models.types import JSONValue


class CrawlState(Base):
    """Per repository: ETags, last success or error, rate-limit notes, aliases, per-tag cache."""

    __tablename__ = "crawl_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    repository: Mapped[str] = mapped_column(String(300), unique=True)
    forge: Mapped[str] = mapped_column(String(64), default="github")
    etags: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    aliases: Mapped[JSONValue] = mapped_column(JSON, default=list)
    seen_blobs: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    skipped_tags: Mapped[JSONValue] = mapped_column(JSON, default=list)
    last_attempt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    resume_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gone: Mapped[bool] = mapped_column(Boolean, default=False)
    stats: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    # The last crawl's repository info, tag list, release list and default-branch facts: what a
    # 304 answer stands for (crawlers.base.KnownState without ETags and per-tag facts).
    known: Mapped[JSONValue] = mapped_column(JSON, default=dict)

    tags: Mapped[list[TagSnapshot]] = relationship(
        back_populates="crawl_state", cascade="all, delete-orphan"
    )


class TagSnapshot(Base):
    """Immutable facts of one tagged commit (tree facts, metadata, license), fetched once ever."""

    __tablename__ = "tag_snapshots"
    __table_args__ = (UniqueConstraint("crawl_state_id", "sha"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_state_id: Mapped[int] = mapped_column(ForeignKey("crawl_states.id", ondelete="CASCADE"))
    sha: Mapped[str] = mapped_column(String(40))
    data: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    crawl_state: Mapped[CrawlState] = relationship(back_populates="tags")


class CrawlRequest(Base):
    """A queued crawl (from the API or a webhook), run by the scheduler process."""

    __tablename__ = "crawl_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    repository: Mapped[str] = mapped_column(String(300), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)


class Lock(Base):
    """A named lease (one crawl per repository, one scheduler) where advisory locks are missing.

    PostgreSQL uses ``pg_try_advisory_lock``; SQLite takes a row here with an expiry, so a
    crashed holder does not block forever.
    """

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
