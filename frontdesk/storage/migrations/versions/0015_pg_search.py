"""search inside PostgreSQL: pgvector and full-text tables beside chunks

Revision ID: 0015_pg_search
Revises: 0011_operations
Create Date: 2026-12-06 04:30:00.000000

PostgreSQL only, and only where the server has pgvector: on SQLite, and on a PostgreSQL
without pgvector, nothing changes (search stays in process; the tables are created by the
first search once pgvector is installed). The tables are a derived index, filled from
``chunks`` by the first search of each tenant.
"""

from __future__ import annotations

from alembic import op

from frontdesk.storage.search_tables import create_schema, drop_schema, pgvector_available

revision = "0015_pg_search"
down_revision = "0011_operations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql" or not pgvector_available(connection):
        return
    create_schema(connection, adapted=False)  # retrieval_adapters comes in 0020


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    drop_schema(connection)
