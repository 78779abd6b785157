"""The database handle: engine from settings, short transactions, migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from frontdesk.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _configure_sqlite(engine: Engine) -> None:
    """WAL for concurrent readers; ``BEGIN IMMEDIATE`` so writers queue on the busy
    timeout instead of failing when two transactions upgrade to write at once;
    ``secure_delete`` so an erased customer's rows are overwritten in the file, not left in
    its free pages."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine per process. Sessions are short: open, do the work, commit."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.resolved_database_url
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(
                self.url, connect_args={"check_same_thread": False}, hide_parameters=True
            )
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(
                self.url, pool_pre_ping=True, pool_size=10, hide_parameters=True
            )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def purge_deleted(self) -> bool:
        """Leave no copy of deleted rows in the database's files, after an erasure:
        SQLite's write-ahead log still holds the pages as they were before the delete until
        it is checkpointed and truncated. PostgreSQL keeps dead rows until (auto)vacuum and
        its WAL until the next checkpoint: nothing to do here. ``False``: a reader kept the
        log from being truncated (the next checkpoint does it)."""
        if not self.is_sqlite:
            return True
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = cursor.fetchone()
            cursor.close()
        finally:
            raw.close()
        return row is None or not row[0]  # (busy, log frames, checkpointed frames)

    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        return config

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        config = self._alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()
