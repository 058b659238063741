"""crawl state: known lists for 304 answers; locks table for SQLite leases

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_states") as batch:
        batch.add_column(sa.Column("known", sa.JSON(), nullable=False, server_default="{}"))
    op.create_table(
        "locks",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_locks")),
    )


def downgrade() -> None:
    op.drop_table("locks")
    with op.batch_alter_table("crawl_states") as batch:
        batch.drop_column("known")
