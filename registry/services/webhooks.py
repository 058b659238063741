"""Webhook deliveries: each delivery id is handled once (GitHub retries and redeliveries)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.db import utcnow
from registry.models import WebhookDelivery

#: How long a delivery id is remembered; GitHub redelivers within hours, not days.
KEEP = timedelta(days=1)
MAX_ID_CHARS = 100


def is_new_delivery(
    session: Session, forge: str, delivery: str, event: str = "", now: datetime | None = None
) -> bool:
    """Record ``delivery``; False when it was recorded within the last day (a repeat).

    Part of the caller's transaction: a delivery whose handling fails is not remembered, so
    GitHub's retry is handled. Concurrent deliveries of one id: the unique column lets one in.
    """
    now = now or utcnow()
    session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.forge == forge, WebhookDelivery.received_at < now - KEEP
        )
    )
    key = delivery[:MAX_ID_CHARS]
    seen = select(WebhookDelivery.id).where(
        WebhookDelivery.forge == forge, WebhookDelivery.delivery_id == key
    )
    if session.scalar(seen):
        return False
    try:
        with session.begin_nested():
            session.add(
                WebhookDelivery(forge=forge, delivery_id=key, event=event[:100], received_at=now)
            )
    except IntegrityError:
        return False
    return True
