"""``frontdesk migrate-to``: an embedded (SQLite) install used for real through the API is
copied into a real PostgreSQL with pgvector, every table verified by count and checksum,
and the copy then serves: the same keys work, and search finds what the source found."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from frontdesk.api.app import create_app
from frontdesk.cli.main import app
from frontdesk.errors import ConfigurationError, ConflictError
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.storage.transfer import checksum, copy_database, tables
from frontdesk.testing.releases import release_document
from frontdesk.testing.wait import wait_for
from tests.conftest import PostgresDatabases, TenantKeys, make_settings, make_tenant, psycopg_url

FAQ = (
    b"question,answer,url\n"
    b"How do I get a refund?,Refunds are paid back to the original card within 5 days.,\n"
    b"Where is my parcel?,Track your parcel with the tracking number in your e-mail.,\n"
    b"Can I change the delivery address?,Yes: change it in the app until the parcel ships.,\n"
)
HOURS = b"# Opening hours\n\nWe are open 9 to 5 on weekdays, and 10 to 2 on Saturdays.\n"
QUERIES = ("how can I get my money back", "when are you open on saturday", "track my parcel")


@pytest.fixture
def source(tmp_path: Path) -> Iterator[tuple[Settings, dict[str, TenantKeys]]]:
    """An embedded install with two tenants, knowledge, conversations, a ticket and
    feedback, all made through the API."""
    settings = make_settings(f"sqlite:///{tmp_path / 'frontdesk.db'}", tmp_path / "data")
    frontdesk = Frontdesk(settings)
    frontdesk.init()
    frontdesk.warm_up()
    tenants = {name: make_tenant(frontdesk, name) for name in ("acme", "globex")}
    try:
        with TestClient(create_app(instance=frontdesk)) as client:
            for name, keys in tenants.items():
                frontdesk.knowledge.ingest_bytes(keys.id, "faq.csv", FAQ)
                uploaded = client.post(
                    "/v1/knowledge/documents",
                    files={"files": ("hours.md", HOURS)},
                    headers=keys.auth("admin"),
                )
                assert uploaded.status_code == 202, uploaded.text
                job = f"/v1/jobs/{uploaded.json()['id']}"
                wait_for(
                    lambda job=job, keys=keys: (
                        client.get(job, headers=keys.auth("admin")).json()["status"] == "succeeded"
                    ),
                    timeout_s=120,
                    what="the upload's ingest job",
                )
                created = client.post(
                    "/v1/releases",
                    json=release_document(f"strict-{name}"),
                    headers=keys.auth("admin"),
                )
                assert created.status_code == 201, created.text
                widget = keys.auth("widget")
                cid = client.post("/v1/conversations", headers=widget).json()["id"]
                answer = client.post(
                    f"/v1/conversations/{cid}/messages",
                    json={"text": f"How do I get a refund? ({name})"},
                    headers=widget,
                ).json()
                feedback = client.post(
                    f"/v1/conversations/{cid}/feedback",
                    json={"turn_id": answer["id"], "rating": "up", "comment": "clear"},
                    headers=widget,
                )
                assert feedback.status_code == 201, feedback.text
                assert client.post(
                    f"/v1/conversations/{cid}/csat", json={"score": 5}, headers=widget
                ).is_success
                handoff = client.post(f"/v1/conversations/{cid}/handoff", headers=widget)
                assert handoff.is_success, handoff.text
        yield settings, tenants
    finally:
        frontdesk.close()


def _checksums(settings: Settings) -> dict[str, tuple[int, str]]:
    database = Database(settings)
    try:
        with database.engine.connect() as connection:
            return {table.name: checksum(connection, table) for table in tables()}
    finally:
        database.dispose()


def _found(frontdesk: Frontdesk, tenant_id: str) -> list[list[str]]:
    return [[p.chunk_id for p in frontdesk.search(tenant_id, query, 3)] for query in QUERIES]


@pytest.mark.slow
@pytest.mark.postgres
def test_an_embedded_install_moves_to_postgresql_whole(
    source: tuple[Settings, dict[str, TenantKeys]],
    pgvector: PostgresDatabases,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, tenants = source
    before = _checksums(settings)
    for name in ("tenants", "api_keys", "documents", "chunks", "conversations", "turns"):
        assert before[name][0] > 0, name
    for name in ("tickets", "feedback", "alert_rules", "audit_log"):
        assert before[name][0] > 0, name
    source_app = Frontdesk(settings)
    source_app.warm_up()
    expected = {keys.name: _found(source_app, keys.id) for keys in tenants.values()}
    source_app.close()

    target_url = pgvector.create()
    for name, value in {
        "FRONTDESK_DATABASE_URL": settings.resolved_database_url,
        "FRONTDESK_DATA_DIR": str(settings.data_dir),
        "FRONTDESK_SECRET_KEY": "test-secret-0123456789abcdef",
        "FRONTDESK_ENV": "test",
    }.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["migrate-to", target_url])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "copied and verified" in result.output
    assert "search rows built in PostgreSQL for 2 tenants" in result.output

    target_settings = make_settings(target_url, tmp_path / "target-data")
    assert _checksums(target_settings) == before
    engine = create_engine(psycopg_url(target_url))
    with engine.connect() as connection:
        built = connection.execute(text("SELECT count(*) FROM chunk_search")).scalar_one()
    engine.dispose()
    assert built == before["chunks"][0]
    target = Frontdesk(target_settings)
    try:
        target.warm_up()
        assert {keys.name: _found(target, keys.id) for keys in tenants.values()} == expected
        with TestClient(create_app(instance=target)) as client:
            acme = tenants["acme"]
            tickets = client.get("/v1/tickets", headers=acme.auth("agent"))
            assert tickets.status_code == 200, tickets.text
            assert len(tickets.json()) == 1
            # Audit ids come from a sequence: it must continue after the copied rows.
            created = client.post(
                "/v1/releases", json=release_document("after-the-move"), headers=acme.auth("admin")
            )
            assert created.status_code == 201, created.text
            entries = client.get("/v1/audit", headers=acme.auth("admin")).json()["entries"]
            assert [entry["id"] for entry in entries] == [3, 1]
    finally:
        target.close()

    again = CliRunner().invoke(app, ["migrate-to", target_url, "--no-search"])
    assert isinstance(again.exception, ConflictError)
    assert "not empty" in again.exception.message
    assert "--replace" in again.exception.message
    replaced = CliRunner().invoke(app, ["migrate-to", target_url, "--replace", "--no-search"])
    assert replaced.exit_code == 0, (replaced.output, replaced.exception)


@pytest.mark.postgres
def test_a_failed_copy_leaves_the_target_empty_and_names_the_table(
    tmp_path: Path, postgres: PostgresDatabases
) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'frontdesk.db'}", tmp_path / "data")
    source = Database(settings)
    source.migrate()
    with source.engine.begin() as connection:
        # SQLite does not enforce VARCHAR lengths; PostgreSQL does.
        connection.execute(
            text("INSERT INTO tenants (id, name, settings, created_at) VALUES (:id, :n, '{}', :c)"),
            {"id": "t1", "n": "x" * 100, "c": "2026-12-06 00:00:00.000000"},
        )
    target_url = postgres.create()
    target = Database(make_settings(target_url, tmp_path / "target"))
    with pytest.raises(
        ConfigurationError, match="copying table tenants failed, nothing was written"
    ):
        copy_database(source, target)
    engine = create_engine(psycopg_url(target_url))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM tenants")).scalar_one() == 0
    engine.dispose()
    source.dispose()
    target.dispose()


def test_the_target_must_be_postgresql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["migrate-to", f"sqlite:///{tmp_path / 'copy.db'}"])
    assert result.exit_code != 0
    assert "not a PostgreSQL URL" in str(result.exception) + result.output


@pytest.mark.postgres
def test_sql_null_and_json_null_stay_apart(tmp_path: Path, postgres: PostgresDatabases) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'frontdesk.db'}", tmp_path / "data")
    source = Database(settings)
    source.migrate()
    with source.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tenants (id, name, settings, created_at) VALUES ('t1', 'acme', '{}', :c)"
            ),
            {"c": "2026-12-06 00:00:00.000000"},
        )
        connection.execute(
            text(
                "INSERT INTO audit_log (tenant_id, actor, role, action, target, before, after,"
                " created_at) VALUES ('t1', 'key:1', 'admin', 'create', 'r@1', NULL, 'null', :c)"
            ),
            {"c": "2026-12-06 00:00:00.000000"},
        )
    target_url = postgres.create()
    target = Database(make_settings(target_url, tmp_path / "target"))
    report = copy_database(source, target)
    assert report.verified
    with target.engine.connect() as connection:
        before_is_null, after_is_null = connection.execute(
            text("SELECT before IS NULL, after IS NULL FROM audit_log")
        ).one()
    assert (before_is_null, after_is_null) == (True, False)
    with source.engine.begin() as connection:  # the checksum sees the difference
        connection.execute(text("UPDATE audit_log SET after = NULL"))
    [audit] = [t for t in tables() if t.name == "audit_log"]
    with source.engine.connect() as left, target.engine.connect() as right:
        assert checksum(left, audit) != checksum(right, audit)
    source.dispose()
    target.dispose()
