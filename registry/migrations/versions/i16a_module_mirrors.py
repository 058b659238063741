"""module mirrors: other repositories that carry a module's code, with their last check

Revision ID: i16a
Revises: 0002
Create Date: 2026-12-04 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db

revision = "i16a"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "module_mirrors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("forge", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("missing_tags", sa.JSON(), nullable=False),
        sa.Column("checked_at", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("behind_since", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_module_mirrors_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_mirrors")),
        sa.UniqueConstraint("module_id", "url", name=op.f("uq_module_mirrors_module_id_url")),
    )
    op.create_index(
        op.f("ix_module_mirrors_module_id"), "module_mirrors", ["module_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_module_mirrors_module_id"), table_name="module_mirrors")
    op.drop_table("module_mirrors")
