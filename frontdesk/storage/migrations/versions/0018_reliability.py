"""jobs name the process that runs them in-process

Revision ID: 0018_reliability
Revises: 0013_answer_cache
Create Date: 2026-12-06 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_reliability"
down_revision = "0017_shadow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The in-process queue's jobs die with their process: a job whose owner is gone
    # (kill -9 included) is failed by the next process instead of staying queued forever.
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("owner", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("owner")
