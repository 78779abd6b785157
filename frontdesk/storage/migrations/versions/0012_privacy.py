"""customer ids, identifier digests and erasure records

Revision ID: 0012_privacy
Revises: 0007
Create Date: 2026-12-06 01:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_privacy"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.String(length=128), nullable=True))
        batch_op.create_index(
            "ix_conversations_tenant_customer", ["tenant_id", "customer_id"], unique=False
        )
    op.create_table(
        "customer_identifiers",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "digest", "conversation_id"),
    )
    op.create_index(
        "ix_customer_identifiers_conversation", "customer_identifiers", ["conversation_id"]
    )
    op.create_table(
        "erasures",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject_digest", sa.String(length=64), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasures_tenant_created", "erasures", ["tenant_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_erasures_tenant_created", table_name="erasures")
    op.drop_table("erasures")
    op.drop_index("ix_customer_identifiers_conversation", table_name="customer_identifiers")
    op.drop_table("customer_identifiers")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_tenant_customer")
        batch_op.drop_column("customer_id")
