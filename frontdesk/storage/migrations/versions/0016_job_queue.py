"""job queue: procrastinate's tables on PostgreSQL, for ``frontdesk worker``

Revision ID: 0016_job_queue
Revises: 0011_operations
Create Date: 2026-12-06 04:45:00.000000

The queue's schema is procrastinate's own ``schema.sql`` of the pinned version
(procrastinate==3.10.0). Upgrading procrastinate means a new revision that applies its
migration scripts between the two versions. SQLite runs jobs in-process: nothing to add.
"""

from __future__ import annotations

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0016_job_queue"
down_revision = "0011_operations"
branch_labels = None
depends_on = None

_DROP = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
    procrastinate_jobs, procrastinate_workers CASCADE;
DROP TYPE IF EXISTS procrastinate_job_status, procrastinate_job_event_type CASCADE;
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # The driver's own connection: the script holds '%' and ':' that SQLAlchemy's and
    # psycopg's parameter parsing would misread, and several statements.
    bind.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # Dropping its types CASCADE drops the functions that take them.
    bind.connection.driver_connection.execute(_DROP)  # type: ignore[union-attr]
