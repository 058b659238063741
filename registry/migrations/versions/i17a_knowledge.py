"""knowledge: guides with revisions, experience reports, contacts, onboarding marks; module profile

Revision ID: i17a
Revises: i16b
Create Date: 2026-12-04 20:15:23.400278
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import registry.db

revision = "i17a"
down_revision = "i16b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployments.id"],
            name=op.f("fk_contacts_deployment_id_deployments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_contacts_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint(
            "deployment_id", "module_id", name=op.f("uq_contacts_deployment_id_module_id")
        ),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_module_id"), ["module_id"], unique=False)

    op.create_table(
        "guides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("doc_key", sa.String(length=63), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("ref", sa.String(length=200), nullable=True),
        sa.Column("commit_sha", sa.String(length=40), nullable=True),
        sa.Column("blob_sha", sa.String(length=40), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_guides_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides")),
    )
    with op.batch_alter_table("guides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guides_module_id"), ["module_id"], unique=False)

    op.create_table(
        "onboarding_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployments.id"],
            name=op.f("fk_onboarding_marks_deployment_id_deployments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_onboarding_marks_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_marks")),
        sa.UniqueConstraint(
            "deployment_id",
            "module_id",
            "step",
            name=op.f("uq_onboarding_marks_deployment_id_module_id_step"),
        ),
    )
    with op.batch_alter_table("onboarding_marks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onboarding_marks_deployment_id"), ["deployment_id"], unique=False
        )

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("person_days", sa.Float(), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=True),
        sa.Column("author_token_id", sa.Integer(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployments.id"],
            name=op.f("fk_reports_deployment_id_deployments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_reports_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reports_deployment_id"), ["deployment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reports_module_id"), ["module_id"], unique=False)

    op.create_table(
        "guide_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("author_token_id", sa.Integer(), nullable=True),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("created_at", registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["guide_id"],
            ["guides.id"],
            name=op.f("fk_guide_revisions_guide_id_guides"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_revisions")),
        sa.UniqueConstraint("guide_id", "number", name=op.f("uq_guide_revisions_guide_id_number")),
    )
    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profile", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("modules", schema=None) as batch_op:
        batch_op.drop_column("profile")

    op.drop_table("guide_revisions")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_module_id"))
        batch_op.drop_index(batch_op.f("ix_reports_deployment_id"))

    op.drop_table("reports")
    with op.batch_alter_table("onboarding_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onboarding_marks_deployment_id"))

    op.drop_table("onboarding_marks")
    with op.batch_alter_table("guides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guides_module_id"))

    op.drop_table("guides")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_module_id"))

    op.drop_table("contacts")
