"""a ticket remembers when its customer left the conversation (the widget's "Start new")

Revision ID: 0021_ux3_customer_left
Revises: 0020_privacy24b
Create Date: 2026-12-06 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_ux3_customer_left"
down_revision = "0020_privacy24b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tickets", sa.Column("customer_left_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("tickets", "customer_left_at")
