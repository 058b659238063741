"""advisories: OSV records and the modules they name

Revision ID: i15a
Revises: i16a
Create Date: 2026-12-04 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db

revision = "i15a"
down_revision = "i16a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advisories",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("modified", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisories")),
    )
    op.create_table(
        "advisory_modules",
        sa.Column("advisory_id", sa.String(length=64), nullable=False),
        sa.Column("module_slug", sa.String(length=63), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisory_id"],
            ["advisories.id"],
            name=op.f("fk_advisory_modules_advisory_id_advisories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("advisory_id", "module_slug", name=op.f("pk_advisory_modules")),
    )
    op.create_index(
        op.f("ix_advisory_modules_module_slug"), "advisory_modules", ["module_slug"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_advisory_modules_module_slug"), table_name="advisory_modules")
    op.drop_table("advisory_modules")
    op.drop_table("advisories")
