"""shadow samples dropped per rollout

Revision ID: 0017_shadow
Revises: 0013_answer_cache
Create Date: 2026-12-06 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_shadow"
down_revision = "0017_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rollouts") as batch:
        batch.add_column(
            sa.Column("shadow_dropped", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("rollouts") as batch:
        batch.drop_column("shadow_dropped")
