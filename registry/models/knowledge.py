"""Community knowledge: guides (with revisions), experience reports, contacts, onboarding marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, UTCDateTime, utcnow
from registry.models.catalog import Module
from registry.models.types import JSONValue


class Guide(Base):
    """A Markdown guide of one module: written in the registry or read from its repository.

    Repository guides (``origin == "repository"``) are keyed by (module, ``doc_key``,
    language) and remember the blob they were read from; registry guides have no key.
    """

    __tablename__ = "guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    origin: Mapped[str] = mapped_column(String(16), default="registry")
    doc_key: Mapped[str | None] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    path: Mapped[str | None] = mapped_column(String(500))
    ref: Mapped[str | None] = mapped_column(String(200))
    commit_sha: Mapped[str | None] = mapped_column(String(40))
    blob_sha: Mapped[str | None] = mapped_column(String(40))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship()
    revisions: Mapped[list[GuideRevision]] = relationship(
        back_populates="guide", cascade="all, delete-orphan", order_by="GuideRevision.number"
    )


class GuideRevision(Base):
    """One state of a guide: what it said, who wrote it (token id and role) and when."""

    __tablename__ = "guide_revisions"
    __table_args__ = (UniqueConstraint("guide_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guides.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    # None for revisions the crawler made from a repository file.
    author_token_id: Mapped[int | None] = mapped_column(Integer)
    author_role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    guide: Mapped[Guide] = relationship(back_populates="revisions")


class Report(Base):
    """An experience report of a deployment about a module it runs."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("deployments.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(64))
    person_days: Mapped[float] = mapped_column(Float)
    # {"name", "role", "email"} as the deployment chose to give it, or null.
    contact: Mapped[JSONValue] = mapped_column(JSON, nullable=True)
    author_token_id: Mapped[int | None] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship()


class Contact(Base):
    """A public deployment's offer to answer questions about one module it runs."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("deployment_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OnboardingMark(Base):
    """A deployment's tick on one step of its onboarding checklist for a module."""

    __tablename__ = "onboarding_marks"
    __table_args__ = (UniqueConstraint("deployment_id", "module_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("deployments.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    token_id: Mapped[int | None] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
