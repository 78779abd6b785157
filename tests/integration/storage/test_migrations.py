"""The same migrations build the same schema on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.tables import Base


def _settings(url: str, tmp_path) -> Settings:
    return Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=url,
        secret_key="test-secret-0123456789abcdef",
    )


def test_migrations_run_up_from_empty_and_match_the_models(empty_database_url, tmp_path) -> None:
    frontdesk = Frontdesk(_settings(empty_database_url, tmp_path))
    try:
        assert frontdesk.database.current_revision() is None
        frontdesk.init()
        assert frontdesk.database.current_revision() == frontdesk.database.head_revision()
        inspector = inspect(frontdesk.database.engine)
        for table in Base.metadata.sorted_tables:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
        frontdesk.init()  # a second run is a no-op
        assert frontdesk.database.current_revision() == frontdesk.database.head_revision()
    finally:
        frontdesk.close()


def test_schema_has_no_drift_from_the_models(database_url, tmp_path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    frontdesk = Frontdesk(_settings(database_url, tmp_path))
    try:
        frontdesk.init()
        with frontdesk.database.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
    finally:
        frontdesk.close()
