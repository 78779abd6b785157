"""What a customer typed never reaches the server's log, even when a request fails deep
in the database with that text as a statement parameter."""

from __future__ import annotations

import logging
import sys

import httpx
import pytest
from sqlalchemy import create_engine, text

from frontdesk.monitoring.logs import WithheldMessageFormatter
from frontdesk.services.tasks import submit_ingest

from .conftest import served_process

SECRET = "my code word is Zebra-4417-Quokka"


POSTGRES_TRAP = [
    "CREATE FUNCTION trap() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'trapped'; END $$ "
    "LANGUAGE plpgsql",
    "CREATE TRIGGER trap BEFORE INSERT ON turns FOR EACH ROW EXECUTE FUNCTION trap()",
]
# SQLite resolves a trigger's tables when it fires: the dropped one fails the INSERT.
SQLITE_TRAP = [
    "CREATE TABLE trap (x INTEGER)",
    "CREATE TRIGGER trap BEFORE INSERT ON turns BEGIN INSERT INTO trap VALUES (1); END",
    "DROP TABLE trap",
]


def _trap_inserts(url: str, on: bool, table: str = "turns") -> None:
    """Make every INSERT into ``table`` fail inside the driver (not as a constraint)."""
    sqlite = url.startswith("sqlite")
    if on:
        statements = SQLITE_TRAP if sqlite else POSTGRES_TRAP
    else:
        statements = (
            ["DROP TRIGGER trap"]
            if sqlite
            else ["DROP TRIGGER trap ON turns", "DROP FUNCTION trap"]
        )
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in (s.replace(" turns", f" {table}") for s in statements):
            connection.execute(text(statement))
    engine.dispose()


@pytest.mark.slow
def test_a_failing_request_logs_no_customer_text(served_env, settings, tmp_path) -> None:
    log = tmp_path / "server.log"
    with served_process(served_env, log) as served:
        headers = {"Authorization": f"Bearer {served.widget}"}
        with httpx.Client(base_url=served.base, headers=headers, timeout=60) as http:
            conversation = http.post("/v1/conversations").json()["id"]
            url = settings.resolved_database_url
            _trap_inserts(url, on=True)
            try:
                failed = http.post(
                    f"/v1/conversations/{conversation}/messages", json={"text": SECRET}
                )
            finally:
                _trap_inserts(url, on=False)
        assert failed.status_code == 500
        assert "Zebra" not in failed.text
        assert failed.json()["error"]["code"] == "internal_error"
    output = served.log_text()
    assert "unhandled error" in output  # the failure was logged, with its traceback...
    assert "Traceback" in output
    assert "Zebra" not in output  # ...but not what the customer wrote


def test_the_formatter_keeps_frames_and_types_but_withholds_messages() -> None:
    formatter = WithheldMessageFormatter()
    try:
        try:
            raise KeyError(SECRET)
        except KeyError as inner:
            raise ValueError(f"could not parse {SECRET!r}") from inner
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "failed %s", ("x",), sys.exc_info()
        )
    line = formatter.format(record)
    assert line.splitlines()[0].endswith("failed x")
    assert "builtins.ValueError" in line
    assert "builtins.KeyError" in line
    assert "test_the_formatter_keeps_frames" in line
    assert "Zebra" not in line


def test_a_job_failing_in_the_database_reports_no_sql_or_document_text(
    frontdesk, settings, acme
) -> None:
    _trap_inserts(settings.resolved_database_url, on=True, table="documents")
    try:
        job = submit_ingest(frontdesk.jobs, acme.id, [("a.md", f"# Codes\n\n{SECRET}".encode())])
        frontdesk.jobs.wait(job.id, timeout=120)
    finally:
        _trap_inserts(settings.resolved_database_url, on=False, table="documents")
    failed = frontdesk.jobs.get(acme.id, job.id)
    assert failed.status == "failed", failed
    assert failed.error is not None
    assert failed.error.startswith("internal error (")
    assert job.id in failed.error
    assert "Zebra" not in failed.error
    assert "INSERT" not in failed.error
