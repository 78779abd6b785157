"""integrations: Chatwoot connections, conversation mapping, message log and outbox

Revision ID: 0014_integrations
Revises: 0015_pg_search
Create Date: 2026-12-06 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_integrations"
down_revision = "0015_pg_search"
branch_labels = None
depends_on = None


def _tenant_fk() -> sa.ForeignKey:
    return sa.ForeignKey("tenants.id", ondelete="CASCADE")


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "chatwoot_integrations",
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), primary_key=True),
        sa.Column("base_url", sa.String(2000), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("token_encrypted", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
    )
    op.create_table(
        "chatwoot_conversations",
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), primary_key=True),
        sa.Column("chatwoot_id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("last_posted_hash", sa.String(64), nullable=True),
        _ts("created_at"),
    )
    op.create_index(
        "ix_chatwoot_conversations_conversation", "chatwoot_conversations", ["conversation_id"]
    )
    op.create_table(
        "chatwoot_messages",
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), primary_key=True),
        sa.Column("message_id", sa.BigInteger(), primary_key=True),
        sa.Column("chatwoot_conversation_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content_encrypted", sa.Text(), nullable=True),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("turn_id", sa.String(32), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("done_at", nullable=True),
    )
    op.create_index("ix_chatwoot_messages_due", "chatwoot_messages", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_chatwoot_messages_due", table_name="chatwoot_messages")
    op.drop_table("chatwoot_messages")
    op.drop_index("ix_chatwoot_conversations_conversation", table_name="chatwoot_conversations")
    op.drop_table("chatwoot_conversations")
    op.drop_table("chatwoot_integrations")
