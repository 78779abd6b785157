"""per-tenant person names for redaction (customers' names from their tickets)

Revision ID: 0019_privacy24
Revises: 0018_reliability
Create Date: 2026-12-06 11:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_privacy24"
down_revision = "0018_reliability"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_names",
        sa.Column(
            "tenant_id",
            sa.String(32),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tenant_names")
