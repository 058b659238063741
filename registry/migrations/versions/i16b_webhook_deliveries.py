"""webhook deliveries: handled delivery ids (GitLab's X-Gitlab-Event-UUID), for deduplication

Revision ID: i16b
Revises: i18a
Create Date: 2026-12-04 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db

revision = "i16b"
down_revision = "i18a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forge", sa.String(length=32), nullable=False),
        sa.Column("delivery_id", sa.String(length=100), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("received_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint(
            "forge", "delivery_id", name=op.f("uq_webhook_deliveries_forge_delivery_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
