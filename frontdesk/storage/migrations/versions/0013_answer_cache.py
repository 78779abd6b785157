"""answer cache

Revision ID: 0013_answer_cache
Revises: 0016_job_queue
Create Date: 2026-12-06 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_answer_cache"
down_revision = "0016_job_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_cache",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(32),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("release", sa.String(64), nullable=False),
        sa.Column("knowledge_version", sa.Integer(), nullable=False),
        sa.Column("intent_model", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("reply_language", sa.String(8), nullable=False),
        sa.Column("question_hash", sa.String(64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("embedding_model", sa.String(120), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "tenant_id",
            "release",
            "knowledge_version",
            "intent_model",
            "language",
            "reply_language",
            "question_hash",
            name="uq_answer_cache_key",
        ),
    )
    op.create_index(
        "ix_answer_cache_lookup",
        "answer_cache",
        ["tenant_id", "release", "knowledge_version", "language"],
    )
    op.create_index("ix_answer_cache_used", "answer_cache", ["tenant_id", "used_at"])
    op.create_index("ix_answer_cache_conversation", "answer_cache", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_answer_cache_conversation", table_name="answer_cache")
    op.drop_index("ix_answer_cache_used", table_name="answer_cache")
    op.drop_index("ix_answer_cache_lookup", table_name="answer_cache")
    op.drop_table("answer_cache")
