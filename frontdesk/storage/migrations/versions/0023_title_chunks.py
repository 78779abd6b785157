"""chunk_search: an index on (title_id, chunk_id) for the title half of the search

Revision ID: 0023_title_chunks
Revises: 0022_scale21b
Create Date: 2026-12-07 20:10:00.000000

It replaces the index on title_id alone, whose lookups it serves too. PostgreSQL with the
search tables only (elsewhere they are created with it).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0023_title_chunks"
down_revision = "0022_scale21b"
branch_labels = None
depends_on = None


def _has_chunk_search() -> bool:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return False
    found = connection.execute(text("SELECT to_regclass('chunk_search') IS NOT NULL")).scalar()
    return bool(found)


def upgrade() -> None:
    if _has_chunk_search():
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_chunk_search_title_chunk"
            " ON chunk_search (title_id, chunk_id)"
        )
        op.execute("DROP INDEX IF EXISTS ix_chunk_search_title")


def downgrade() -> None:
    if _has_chunk_search():
        op.execute("CREATE INDEX IF NOT EXISTS ix_chunk_search_title ON chunk_search (title_id)")
        op.execute("DROP INDEX IF EXISTS ix_chunk_search_title_chunk")
