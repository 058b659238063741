"""server-side web sessions

Revision ID: i13a
Revises: i12b
Create Date: 2026-12-04 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db

revision = "i13a"
down_revision = "i12b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_web_sessions_id_hash")),
    )
    op.create_index(
        op.f("ix_web_sessions_token_hash"), "web_sessions", ["token_hash"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_web_sessions_token_hash"), table_name="web_sessions")
    op.drop_table("web_sessions")
