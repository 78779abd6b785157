"""per-tenant person names for redaction (customers' names from their tickets)

Revision ID: 0019_privacy24
Revises: 0019_ops19
Create Date: 2026-12-06 11:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_privacy24"
down_revision = "0019_ops19"
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
        sa.Column("conversation_id", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tenant_names_conversation_id", "tenant_names", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_tenant_names_conversation_id", table_name="tenant_names")
    op.drop_table("tenant_names")
