"""ORM models. Every change here comes with an Alembic revision (tests fail on drift)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, UTCDateTime, utcnow

JSONValue = Any


class Component(Base):
    """A part of the SVA platform with its own version line (app, mainserver, studio, ...)."""

    __tablename__ = "components"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title_de: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    repository: Mapped[str | None] = mapped_column(String(200))
    tag_prefix: Mapped[str] = mapped_column(String(100), default="")
    versioning: Mapped[str] = mapped_column(String(16), default="semver")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[ComponentVersion]] = relationship(
        back_populates="component", cascade="all, delete-orphan"
    )
    capabilities: Mapped[list[ComponentCapability]] = relationship(
        back_populates="component", cascade="all, delete-orphan"
    )


class ComponentVersion(Base):
    __tablename__ = "component_versions"
    __table_args__ = (UniqueConstraint("component_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(64))
    tag: Mapped[str | None] = mapped_column(String(200))
    sha: Mapped[str | None] = mapped_column(String(40))
    date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prerelease: Mapped[bool] = mapped_column(Boolean, default=False)
    support: Mapped[str] = mapped_column(String(16), default="supported")

    component: Mapped[Component] = relationship(back_populates="versions")


class ComponentCapability(Base):
    __tablename__ = "component_capabilities"
    __table_args__ = (UniqueConstraint("component_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200), default="")

    component: Mapped[Component] = relationship(back_populates="capabilities")


class Module(Base):
    """A shareable feature: in-app (inside a host component's repository) or standalone."""

    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name_de: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    summary_de: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="standalone")
    host_component: Mapped[str | None] = mapped_column(String(64))
    host_path: Mapped[str | None] = mapped_column(String(500))
    repository: Mapped[str | None] = mapped_column(String(300))
    tag_prefix: Mapped[str] = mapped_column(String(100), default="")
    license: Mapped[str | None] = mapped_column(String(300))
    development_status: Mapped[str] = mapped_column(String(16), default="concept")
    maintainers: Mapped[JSONValue] = mapped_column(JSON, default=list)
    platforms: Mapped[JSONValue] = mapped_column(JSON, default=list)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    deprecated: Mapped[bool] = mapped_column(Boolean, default=False)
    successor: Mapped[str | None] = mapped_column(String(63))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    gone: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    releases: Mapped[list[Release]] = relationship(
        back_populates="module", cascade="all, delete-orphan"
    )


class Release(Base):
    """One version of a module, with what it requires and where its metadata came from."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("module_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(64))
    tag: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[JSONValue] = mapped_column(JSON, default=list)
    sha: Mapped[str | None] = mapped_column(String(40))
    date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prerelease: Mapped[bool] = mapped_column(Boolean, default=False)
    yanked: Mapped[bool] = mapped_column(Boolean, default=False)
    yanked_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    license_declared: Mapped[str | None] = mapped_column(String(300))
    license_detected: Mapped[str | None] = mapped_column(String(300))
    # {component: {"range": raw|None, "normalized": text|None, "capabilities": [...]}}
    requires: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    # {slug: {"range": raw, "normalized": text}}
    depends_on: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    metadata_source: Mapped[str] = mapped_column(String(64), default="registry")
    problems: Mapped[JSONValue] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship(back_populates="releases")


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


class ApiToken(Base):
    """A bearer token; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    module_slug: Mapped[str | None] = mapped_column(String(63))
    deployment_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DataVersion(Base):
    """Monotonic counters bumped by every write of a scope; caches key their entries on them."""

    __tablename__ = "data_versions"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Lock(Base):
    """A named lease (one crawl per repository, one scheduler) where advisory locks are missing.

    PostgreSQL uses ``pg_try_advisory_lock``; SQLite takes a row here with an expiry, so a
    crashed holder does not block forever.
    """

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
