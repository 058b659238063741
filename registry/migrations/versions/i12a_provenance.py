"""provenance per module field; the repository each release came from

Revision ID: i12a
Revises: i15a
Create Date: 2026-12-04 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i12a"
down_revision = "i15a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("modules") as batch:
        batch.add_column(sa.Column("provenance", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("releases") as batch:
        batch.add_column(sa.Column("source_repository", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("releases") as batch:
        batch.drop_column("source_repository")
    with op.batch_alter_table("modules") as batch:
        batch.drop_column("provenance")
