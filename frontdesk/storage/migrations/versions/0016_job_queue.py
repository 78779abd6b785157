"""job queue: procrastinate's tables on PostgreSQL, for ``frontdesk worker``

Revision ID: 0016_job_queue
Revises: 0014_integrations
Create Date: 2026-12-06 04:45:00.000000

The queue's tables are procrastinate's own ``schema.sql`` of the pinned version
(procrastinate==3.10.0), in a PostgreSQL schema of their own, ``procrastinate``: they are
not Frontdesk's models, and its connections reach them through their search_path
(``frontdesk/jobs/pgqueue.py``). Upgrading procrastinate means a new revision that applies its
migration scripts between the two versions. SQLite runs jobs in-process: nothing to add.
"""

from __future__ import annotations

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0016_job_queue"
down_revision = "0014_integrations"
branch_labels = None
depends_on = None

SCHEMA = "procrastinate"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # The driver's own connection: the script holds '%' and ':' that SQLAlchemy's and
    # psycopg's parameter parsing would misread, and several statements.
    driver = bind.connection.driver_connection
    assert driver is not None
    previous = bind.exec_driver_sql("SELECT current_setting('search_path')").scalar_one()
    driver.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    driver.execute(f"SET LOCAL search_path TO {SCHEMA}")
    driver.execute(SchemaManager.get_schema())
    # Alembic records the revision next, in the schema it was in.
    driver.execute(f"SET LOCAL search_path TO {previous}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
