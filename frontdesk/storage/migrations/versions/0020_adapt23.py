"""retrieval encoders adapted per tenant

Revision ID: 0020_adapt23
Revises: 0019_ml17
Create Date: 2026-12-06 18:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_adapt23"
down_revision = "0019_ml17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The ONNX encoders `knowledge adapt` trained on a tenant's own pairs; at most one
    # active per tenant, older ones kept so a revert or roll-forward needs no training.
    op.create_table(
        "retrieval_adapters",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("artifact", sa.LargeBinary(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "version", name="uq_retrieval_adapters_version"),
    )
    op.create_index("ix_retrieval_adapters_tenant", "retrieval_adapters", ["tenant_id", "active"])


def downgrade() -> None:
    op.drop_index("ix_retrieval_adapters_tenant", table_name="retrieval_adapters")
    op.drop_table("retrieval_adapters")
