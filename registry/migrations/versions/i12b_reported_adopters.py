"""reported adopters: municipalities named by admin-doku and publiccode.yml as users

Revision ID: i12b
Revises: i17a
Create Date: 2026-12-04 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db

revision = "i12b"
down_revision = "i17a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reported_adopters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("component", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("ags", sa.String(length=8), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.Column("reported_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_reported_adopters_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_adopters")),
        sa.UniqueConstraint(
            "module_id",
            "component",
            "name_key",
            "source",
            name=op.f("uq_reported_adopters_module_id_component_name_key_source"),
        ),
    )
    op.create_index(
        op.f("ix_reported_adopters_module_id"), "reported_adopters", ["module_id"], unique=False
    )
    op.create_index(
        op.f("ix_reported_adopters_name_key"), "reported_adopters", ["name_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reported_adopters_name_key"), table_name="reported_adopters")
    op.drop_index(op.f("ix_reported_adopters_module_id"), table_name="reported_adopters")
    op.drop_table("reported_adopters")
