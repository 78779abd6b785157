"""multilingual passage vectors in the database

Revision ID: 0019_ml17
Revises: 0019_privacy24
Create Date: 2026-12-06 11:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_ml17"
down_revision = "0019_privacy24"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Vectors of the multilingual encoder, so a restart loads them instead of
    # re-embedding the help center (minutes on two cores).
    op.create_table(
        "passage_vectors",
        sa.Column(
            "tenant_id",
            sa.String(32),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("model", sa.String(120), primary_key=True),
        sa.Column("text_hash", sa.String(64), primary_key=True),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("passage_vectors")
