"""The in-process job queue (the embedded default) on the real databases: named tasks
with JSON payloads, tenants taking turns, cancellation, retries with backoff."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from frontdesk.jobs.tasks import TaskContext
from frontdesk.runtime import Frontdesk
from frontdesk.services.tasks import ingest_payload, ingest_task
from frontdesk.testing.wait import wait_for


def documents(n: int, prefix: str) -> list[tuple[str, bytes]]:
    return [
        (
            f"{prefix}/doc-{i}.md",
            f"# {prefix} article {i}\n\nParcel {i} of {prefix} ships from depot {i * 7}. "
            f"Ask about route {i} and locker {i * 3}.\n".encode(),
        )
        for i in range(n)
    ]


def test_one_tenants_bulk_ingest_does_not_hold_another_tenants_document(
    frontdesk: Frontdesk, acme, globex
) -> None:
    bulk = frontdesk.jobs.submit(acme.id, "ingest", ingest_payload(documents(150, "a")), 150)
    wait_for(lambda: frontdesk.jobs.get(acme.id, bulk.id).done > 0, timeout_s=60)
    submitted = time.monotonic()
    single = frontdesk.jobs.submit(globex.id, "ingest", ingest_payload(documents(1, "g")), 1)
    done = frontdesk.jobs.wait(single.id, timeout=120)
    waited = time.monotonic() - submitted
    assert done.status == "succeeded", done
    assert done.result["added"] == ["g/doc-0.md"]
    behind = frontdesk.jobs.get(acme.id, bulk.id)
    assert behind.status == "running"  # still has slices to go: globex did not wait for it
    assert behind.done < behind.total
    assert waited < 10, waited
    finished = frontdesk.jobs.wait(bulk.id, timeout=600)
    assert (finished.status, finished.done) == ("succeeded", 150)
    assert sorted(finished.result["added"]) == sorted(uri for uri, _ in documents(150, "a"))


def test_a_slice_of_an_upload_stops_taking_files_after_its_time(
    frontdesk: Frontdesk, acme, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload yields to other tenants after about a second of work, not after a fixed
    number of files; a file slower than the whole slice still goes through alone."""
    ingest = frontdesk.knowledge.ingest_bytes

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.4)
        return ingest(*args, **kwargs)

    monkeypatch.setattr(frontdesk.knowledge, "ingest_bytes", slow)
    context = TaskContext(acme.id, "job", 0, 20, lambda *_: None)
    payload = ingest_payload(documents(20, "a"))
    piece = ingest_task(frontdesk.knowledge, slice_s=1.0).run(context, payload)
    assert piece.rest is not None
    taken = 20 - len(piece.rest["files"])
    assert 2 <= taken <= 3, taken  # files started at 0, 0.4+ and maybe 0.8+ s
    assert len(piece.result["added"]) == taken
    assert piece.rest["files"] == payload["files"][taken:]
    one = ingest_task(frontdesk.knowledge, slice_s=0.0).run(context, piece.rest)
    assert one.rest is not None
    assert len(one.result["added"]) == 1
    assert one.rest["files"] == payload["files"][taken + 1 :]


def test_a_cancelled_job_stops_and_keeps_what_it_finished(frontdesk: Frontdesk, acme) -> None:
    job = frontdesk.jobs.submit(acme.id, "ingest", ingest_payload(documents(100, "a")), 100)
    wait_for(lambda: frontdesk.jobs.get(acme.id, job.id).done > 0, timeout_s=60)
    assert frontdesk.jobs.cancel(acme.id, job.id).status in {"cancelling", "cancelled"}
    ended = frontdesk.jobs.wait(job.id, timeout=60)
    assert ended.status == "cancelled"
    assert 0 < ended.done < 100
    stored = len(frontdesk.knowledge.list_documents(acme.id))
    assert stored == ended.done  # each finished document is kept, nothing after the stop


def test_a_queued_job_cancelled_never_runs(frontdesk: Frontdesk, acme, globex) -> None:
    ahead = frontdesk.jobs.submit(acme.id, "ingest", ingest_payload(documents(30, "a")), 30)
    queued = frontdesk.jobs.submit(globex.id, "ingest", ingest_payload(documents(5, "g")), 5)
    assert frontdesk.jobs.cancel(globex.id, queued.id).status == "cancelled"
    frontdesk.jobs.wait(ahead.id, timeout=300)
    assert frontdesk.jobs.get(globex.id, queued.id).status == "cancelled"
    assert frontdesk.knowledge.list_documents(globex.id) == []


SQLITE_TRAP = (
    "CREATE TRIGGER trap BEFORE INSERT ON documents BEGIN SELECT RAISE(ABORT, 'trap'); END"
)
POSTGRES_TRAP = (
    "CREATE FUNCTION trap() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'trap'; END $$ "
    "LANGUAGE plpgsql",
    "CREATE TRIGGER trap BEFORE INSERT ON documents FOR EACH ROW EXECUTE FUNCTION trap()",
)


def _trap(url: str, on: bool) -> None:
    sqlite = url.startswith("sqlite")
    if on:
        statements = (SQLITE_TRAP,) if sqlite else POSTGRES_TRAP
    else:
        statements = (
            ("DROP TRIGGER trap",)
            if sqlite
            else ("DROP TRIGGER trap ON documents", "DROP FUNCTION trap")
        )
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def test_a_failing_job_is_retried_with_backoff_and_succeeds(frontdesk: Frontdesk, acme) -> None:
    url = frontdesk.settings.resolved_database_url
    _trap(url, on=True)
    try:
        job = frontdesk.jobs.submit(acme.id, "ingest", ingest_payload(documents(2, "a")), 2)
        first = wait_for(
            lambda: (j := frontdesk.jobs.get(acme.id, job.id)).error and j, timeout_s=60
        )
        assert first.error is not None
        assert first.error.startswith("attempt 1 failed")
        assert first.status == "queued"  # waiting out its backoff
    finally:
        _trap(url, on=False)
    done = frontdesk.jobs.wait(job.id, timeout=60)
    assert (done.status, done.error, len(done.result["added"])) == ("succeeded", None, 2)


def test_a_payload_that_is_not_json_is_refused(frontdesk: Frontdesk, acme) -> None:
    from frontdesk.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="not JSON"):
        frontdesk.jobs.submit(acme.id, "ingest", {"files": [b"raw"]}, 1)


def test_stopping_the_server_fails_the_jobs_it_had_not_finished(settings, acme) -> None:
    """Stopping waits for the slice in hand only; the rest would be lost with the
    process, so the job says so instead of staying ``running`` forever."""
    frontdesk = Frontdesk(settings)
    frontdesk.warm_up()
    job = frontdesk.jobs.submit(acme.id, "ingest", ingest_payload(documents(200, "a")), 200)
    wait_for(lambda: frontdesk.jobs.get(acme.id, job.id).done > 0, timeout_s=60)
    started = time.monotonic()
    frontdesk.jobs.shutdown()
    assert time.monotonic() - started < 30
    stopped = frontdesk.jobs.get(acme.id, job.id)
    frontdesk.close()
    assert stopped.status == "failed"
    assert stopped.error is not None
    assert "server stopped" in stopped.error
    assert stopped.done < 200
