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


def test_the_monthly_rollups_migration_fills_months_from_existing_days(
    empty_database_url, tmp_path
) -> None:
    """0019 re-keys stats_daily and sums its rows per month into stats_monthly; its
    downgrade puts stats_daily back, rows kept."""
    from datetime import UTC, datetime

    import sqlalchemy as sa
    from alembic import command
    from alembic.script import ScriptDirectory

    frontdesk = Frontdesk(_settings(empty_database_url, tmp_path))
    config = frontdesk.database._alembic_config()
    before = ScriptDirectory.from_config(config).get_revision("0019_ops19").down_revision
    daily = sa.table(
        "stats_daily",
        *(sa.column(c) for c in ("tenant_id", "release_id", "name", "count", "total")),
        sa.column("day", sa.DateTime(timezone=True)),
    )

    def run(*steps: tuple[str, str]) -> None:
        with frontdesk.database.engine.begin() as connection:
            config.attributes["connection"] = connection
            for step, revision in steps:
                getattr(command, step)(config, revision)

    try:
        run(("upgrade", str(before)))
        tenant = frontdesk.tenants.create_tenant("acme").id
        days = [datetime(2026, m, d, tzinfo=UTC) for m, d in ((1, 5), (1, 31), (2, 1), (12, 9))]
        with frontdesk.database.engine.begin() as connection:
            connection.execute(
                daily.insert(),
                [
                    {
                        "tenant_id": tenant,
                        "day": day,
                        "release_id": release,
                        "name": "turns",
                        "count": 3,
                        "total": 1.5,
                    }
                    for day in days
                    for release in ("r1", "r2")
                ],
            )
        run(("upgrade", "head"))
        inspector = inspect(frontdesk.database.engine)
        assert inspector.get_pk_constraint("stats_daily")["constrained_columns"] == [
            "tenant_id",
            "day",
            "name",
            "release_id",
        ]
        with frontdesk.database.engine.connect() as connection:
            months = connection.execute(
                sa.text(
                    "SELECT release_id, count, total FROM stats_monthly ORDER BY month, release_id"
                )
            ).all()
        assert [tuple(row) for row in months] == [
            ("r1", 6, 3.0),
            ("r2", 6, 3.0),
            ("r1", 3, 1.5),
            ("r2", 3, 1.5),
            ("r1", 3, 1.5),
            ("r2", 3, 1.5),
        ]
        run(("downgrade", str(before)))
        inspector = inspect(frontdesk.database.engine)
        assert "stats_monthly" not in inspector.get_table_names()
        assert inspector.get_pk_constraint("stats_daily")["constrained_columns"] == [
            "tenant_id",
            "day",
            "release_id",
            "name",
        ]
        with frontdesk.database.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT count(*) FROM stats_daily")).scalar_one()
        assert kept == 8
    finally:
        frontdesk.close()
