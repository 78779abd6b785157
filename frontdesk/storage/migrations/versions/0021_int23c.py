"""retrieval adapters remember when they were last activated; their vectors searchable in
PostgreSQL (pgvector)

Revision ID: 0021_int23c
Revises: 0021_ux3_customer_left
Create Date: 2026-12-06 21:45:00.000000

``activated_at`` tells which adapter was the previous one (its vectors are kept for a
revert; older versions' vectors are deleted). The adapted search tables are created only
on a PostgreSQL with pgvector, as in ``0015_pg_search``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from frontdesk.storage.search_tables import (
    create_adapted_schema,
    drop_adapted_schema,
    pgvector_available,
)

revision = "0021_int23c"
down_revision = "0021_ux3_customer_left"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "retrieval_adapters",
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
    )
    connection = op.get_bind()
    if connection.dialect.name == "postgresql" and pgvector_available(connection):
        create_adapted_schema(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        drop_adapted_schema(connection)
    op.drop_column("retrieval_adapters", "activated_at")
