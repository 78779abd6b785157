"""tenant names learned from an ingested ticket file remember the ticket's customer id

Revision ID: 0020_privacy24b
Revises: 0019_ml17
Create Date: 2026-12-06 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_privacy24b"
down_revision = "0019_ml17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An erasure by customer id removes the names their ingested tickets taught the list.
    op.add_column("tenant_names", sa.Column("customer_id", sa.String(128), nullable=True))
    op.create_index("ix_tenant_names_customer_id", "tenant_names", ["tenant_id", "customer_id"])


def downgrade() -> None:
    op.drop_index("ix_tenant_names_customer_id", table_name="tenant_names")
    op.drop_column("tenant_names", "customer_id")
