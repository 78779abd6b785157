"""the files a queued job works through, stored once (job_files)

Revision ID: 0022_scale21b
Revises: 0021_priv25
Create Date: 2026-12-07 01:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_scale21b"
down_revision = "0021_priv25"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An upload's slices re-queued the whole remaining file list (about 16 MB a slice at
    # 10,000 documents); the files now sit here once and the payload carries a position.
    op.create_table(
        "job_files",
        sa.Column(
            "job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "tenant_id",
            sa.String(32),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("job_files")
