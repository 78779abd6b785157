"""one rating per answer (thumbs) and per conversation (CSAT), enforced by the database

Revision ID: 0021_priv25
Revises: 0021_int23c
Create Date: 2026-12-06 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_priv25"
down_revision = "0021_int23c"
branch_labels = None
depends_on = None

# What is rated: "thumbs:<turn id>" or "csat:" (a CSAT rates the whole conversation).
_KEY = "kind || ':' || coalesce(turn_id, '')"


def upgrade() -> None:
    # Two first ratings sent at once each found no earlier one and both were stored, so
    # the stats counted the rating twice. A key of what is rated, unique per conversation,
    # makes the second writer replace the first instead.
    op.add_column(
        "feedback", sa.Column("rating_key", sa.String(64), nullable=False, server_default="")
    )
    op.execute(f"UPDATE feedback SET rating_key = {_KEY}")
    # Duplicates stored before: the latest rating counts, as the application reads it.
    op.execute(
        "DELETE FROM feedback WHERE EXISTS (SELECT 1 FROM feedback AS later"
        " WHERE later.tenant_id = feedback.tenant_id"
        " AND later.conversation_id = feedback.conversation_id"
        " AND later.rating_key = feedback.rating_key"
        " AND (later.created_at > feedback.created_at"
        " OR (later.created_at = feedback.created_at AND later.id > feedback.id)))"
    )
    op.create_index(
        "uq_feedback_rating",
        "feedback",
        ["tenant_id", "conversation_id", "rating_key"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_feedback_rating", table_name="feedback")
    op.drop_column("feedback", "rating_key")
