"""Components, their versions and capabilities; modules and their releases."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, UTCDateTime, utcnow
from registry.models.types import JSONValue

if TYPE_CHECKING:
    from registry.models.mirrors import ModuleMirror


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
    # What the crawler reads of its repository's source (crawlers.appsource.SourceRules as
    # JSON, plus ``capabilitiesOf``: the component whose capabilities the operations are).
    sources: Mapped[JSONValue | None] = mapped_column(JSON)
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
    # The community's description sections (usage scenario, actors, ...): the shape of
    # registry.metadata.profile.PROFILE_FIELDS, shown as sections of the module page.
    profile: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(300), default="")
    # {field path: {"source", "at", "ref"?, "weak"?}}: who set each field (docs/sources.md).
    provenance: Mapped[JSONValue] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    releases: Mapped[list[Release]] = relationship(
        back_populates="module", cascade="all, delete-orphan"
    )
    mirrors: Mapped[list[ModuleMirror]] = relationship(
        back_populates="module", cascade="all, delete-orphan", order_by="ModuleMirror.url"
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
    # The repository whose tag made this release (None: from a file, or stored before this was
    # recorded); only a crawl of that repository may withdraw it.
    source_repository: Mapped[str | None] = mapped_column(String(300))
    problems: Mapped[JSONValue] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship(back_populates="releases")
