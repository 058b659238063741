"""Webhook deliveries already handled, so a redelivered event queues nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base, UTCDateTime, utcnow


class WebhookDelivery(Base):
    """One handled delivery: the forge's delivery id (GitLab's ``X-Gitlab-Event-UUID``)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("forge", "delivery_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forge: Mapped[str] = mapped_column(String(32))
    delivery_id: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(100), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
