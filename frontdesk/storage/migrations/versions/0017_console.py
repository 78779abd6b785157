"""console: named agent accounts (api_keys.agent_id), canned replies, ticket notes

Revision ID: 0017_console
Revises: 0013_answer_cache
Create Date: 2026-12-06 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_console"
down_revision = "0013_answer_cache"
branch_labels = None
depends_on = None


def _tenant_fk() -> sa.ForeignKey:
    return sa.ForeignKey("tenants.id", ondelete="CASCADE")


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        _ts("created_at"),
        _ts("disabled_at", nullable=True),
        sa.UniqueConstraint("tenant_id", "email", name="uq_agents_tenant_email"),
    )
    # No foreign key: SQLite cannot add one to an existing table without a rebuild, and
    # agents are disabled, never deleted.
    op.add_column("api_keys", sa.Column("agent_id", sa.String(32), nullable=True))
    op.create_index("ix_api_keys_agent_id", "api_keys", ["agent_id"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("tenant_id", "title", name="uq_canned_replies_tenant_title"),
    )
    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), nullable=False),
        sa.Column(
            "ticket_id",
            sa.String(32),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("author_id", sa.String(32), nullable=False),
        sa.Column("author_name", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_ticket_notes_tenant_ticket", "ticket_notes", ["tenant_id", "ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_notes_tenant_ticket", table_name="ticket_notes")
    op.drop_table("ticket_notes")
    op.drop_table("canned_replies")
    op.drop_index("ix_api_keys_agent_id", table_name="api_keys")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("agent_id")
    op.drop_table("agents")
