"""platform requirements of component versions, CHANGELOG entries, component source rules

Revision ID: i18a
Revises: i12a
Create Date: 2026-12-04 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db

revision = "i18a"
down_revision = "i12a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("components") as batch:
        batch.add_column(sa.Column("sources", sa.JSON(), nullable=True))
    op.create_table(
        "platform_requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("versions", sa.String(length=200), nullable=False),
        sa.Column("needs", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("range", sa.String(length=200), nullable=True),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f("fk_platform_requirements_component_id_components"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_requirements")),
    )
    op.create_index(
        op.f("ix_platform_requirements_component_id"),
        "platform_requirements",
        ["component_id"],
    )
    op.create_table(
        "component_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("breaking", sa.Boolean(), nullable=False),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f("fk_component_changes_component_id_components"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component_changes")),
    )
    op.create_index(
        op.f("ix_component_changes_component_id"), "component_changes", ["component_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_component_changes_component_id"), table_name="component_changes")
    op.drop_table("component_changes")
    op.drop_index(op.f("ix_platform_requirements_component_id"), table_name="platform_requirements")
    op.drop_table("platform_requirements")
    with op.batch_alter_table("components") as batch:
        batch.drop_column("sources")
