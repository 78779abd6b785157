"""The in-process job queue (the embedded default) on the real databases: named tasks
with JSON payloads, tenants taking turns, cancellation, retries with backoff."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from frontdesk.jobs.inprocess import InProcessQueue
from frontdesk.jobs.tasks import TaskContext
from frontdesk.runtime import Frontdesk
from frontdesk.services.tasks import ingest_task, submit_ingest
from frontdesk.storage.repos import jobs as jobs_repo
from frontdesk.testing.wait import wait_for


def documents(n: int, prefix: str, paragraphs: int = 1) -> list[tuple[str, bytes]]:
    """``n`` markdown documents of ``paragraphs`` distinct paragraphs each (distinct, so no
    embedding comes from the test settings' memo)."""

    def body(i: int) -> str:
        return "\n\n".join(
            f"Parcel {i} of {prefix} ships from depot {i * 7 + p}. "
            f"Ask about route {i} and locker {i * 3 + p}, leg {p}."
            for p in range(paragraphs)
        )

    return [
        (f"{prefix}/doc-{i}.md", f"# {prefix} article {i}\n\n{body(i)}\n".encode())
        for i in range(n)
    ]


def test_one_tenants_bulk_ingest_does_not_hold_another_tenants_document(
    frontdesk: Frontdesk, acme, globex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bulk that cannot finish before globex's one document on any machine: 150 long
    # documents took under a second on an idle one, so each now takes at least 30 ms
    # (4.5 s in all; globex's one document waits 30 ms too).
    monkeypatch.setattr(frontdesk.knowledge, "ingest_bytes", _slowed(frontdesk, 0.03))
    bulk = submit_ingest(frontdesk.jobs, acme.id, documents(150, "a", paragraphs=20))
    wait_for(lambda: frontdesk.jobs.get(acme.id, bulk.id).done > 0, timeout_s=60)
    submitted = time.monotonic()
    single = submit_ingest(frontdesk.jobs, globex.id, documents(1, "g"))
    done = frontdesk.jobs.wait(single.id, timeout=120)
    waited = time.monotonic() - submitted
    assert done.status == "succeeded", done
    assert done.result["added"] == ["g/doc-0.md"]
    behind = frontdesk.jobs.get(acme.id, bulk.id)
    # still has slices to go: globex did not wait for it
    assert behind.status == "running", (behind, waited)
    assert behind.done < behind.total, (behind, waited)
    assert waited < 10, (behind, waited)
    finished = frontdesk.jobs.wait(bulk.id, timeout=600)
    assert (finished.status, finished.done) == ("succeeded", 150)
    assert sorted(finished.result["added"]) == sorted(f"a/doc-{i}.md" for i in range(150))


def _slowed(frontdesk: Frontdesk, seconds: float) -> Any:
    ingest = frontdesk.knowledge.ingest_bytes

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return ingest(*args, **kwargs)

    return slow


def _stored_job(frontdesk: Frontdesk, tenant_id: str, files: list[tuple[str, bytes]]) -> str:
    """A job record with its files stored, not queued: for running the task by hand."""
    with frontdesk.database.transaction() as session:
        job = jobs_repo.create(session, tenant_id, "ingest", len(files))
        jobs_repo.add_files(session, tenant_id, job.id, files)
    return job.id


def test_a_slice_of_an_upload_stops_taking_files_after_its_time(
    frontdesk: Frontdesk, acme, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload yields to other tenants after about a second of work, not after a fixed
    number of files; a file slower than the whole slice still goes through alone."""
    monkeypatch.setattr(frontdesk.knowledge, "ingest_bytes", _slowed(frontdesk, 0.4))
    job_id = _stored_job(frontdesk, acme.id, documents(20, "a"))
    context = TaskContext(acme.id, job_id, 0, 20, lambda *_: None)
    task = ingest_task(frontdesk.knowledge, frontdesk.database, slice_s=1.0)
    piece = task.run(context, {"next": 0, "count": 20})
    assert piece.rest is not None
    taken = piece.rest["next"]
    assert 2 <= taken <= 3, taken  # files started at 0, 0.4+ and maybe 0.8+ s
    assert piece.result["added"] == [uri for uri, _ in documents(taken, "a")]
    assert piece.rest == {"next": taken, "count": 20}
    one = ingest_task(frontdesk.knowledge, frontdesk.database, slice_s=0.0).run(context, piece.rest)
    assert one.result["added"] == [f"a/doc-{taken}.md"]
    assert one.rest == {"next": taken + 1, "count": 20}


def test_an_uploads_slices_carry_a_position_and_take_each_file_once(
    frontdesk: Frontdesk, acme, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are stored once with the job; every re-queued slice's payload is a
    position (it was the whole remaining list: about 16 MB a slice at 10,000 documents),
    each file is ingested once, and the stored files go when the job ends."""
    n = 400
    payloads: list[dict[str, Any]] = []
    queue = frontdesk.jobs
    assert isinstance(queue, InProcessQueue)
    run = queue._runner.run

    def watched(tenant_id: str, job_id: str, task: str, payload: dict[str, Any], *a: Any) -> Any:
        payloads.append(payload)
        return run(tenant_id, job_id, task, payload, *a)

    monkeypatch.setattr(queue._runner, "run", watched)
    monkeypatch.setattr(frontdesk.knowledge, "ingest_bytes", _slowed(frontdesk, 0.01))
    job = submit_ingest(frontdesk.jobs, acme.id, documents(n, "a"))
    done = frontdesk.jobs.wait(job.id, timeout=600)
    assert (done.status, done.done, done.total) == ("succeeded", n, n)
    assert len(payloads) >= 3, len(payloads)  # several slices, each re-queued
    assert [p["next"] for p in payloads] == sorted({p["next"] for p in payloads})
    assert max(len(json.dumps(p)) for p in payloads) < 64
    added = done.result["added"]
    assert sorted(added) == sorted(uri for uri, _ in documents(n, "a"))
    assert len(added) == len(set(added)) == n  # none twice
    assert len(frontdesk.knowledge.list_documents(acme.id)) == n
    with frontdesk.database.transaction() as session:
        assert jobs_repo.file_count(session, job.id) == 0


def test_an_upload_queued_with_its_files_in_the_payload_still_runs(
    frontdesk: Frontdesk, acme
) -> None:
    """A job queued by an earlier release (``{"files": [...]}``) finishes after an upgrade."""
    files = [
        {"uri": uri, "data": base64.b64encode(data).decode()} for uri, data in documents(3, "a")
    ]
    job = frontdesk.jobs.submit(acme.id, "ingest", {"files": files}, 3)
    done = frontdesk.jobs.wait(job.id, timeout=120)
    assert (done.status, sorted(done.result["added"])) == (
        "succeeded",
        [f"a/doc-{i}.md" for i in range(3)],
    )


def test_a_cancelled_job_stops_and_keeps_what_it_finished(frontdesk: Frontdesk, acme) -> None:
    job = submit_ingest(frontdesk.jobs, acme.id, documents(100, "a"))
    wait_for(lambda: frontdesk.jobs.get(acme.id, job.id).done > 0, timeout_s=60)
    assert frontdesk.jobs.cancel(acme.id, job.id).status in {"cancelling", "cancelled"}
    ended = frontdesk.jobs.wait(job.id, timeout=60)
    assert ended.status == "cancelled"
    assert 0 < ended.done < 100
    stored = len(frontdesk.knowledge.list_documents(acme.id))
    assert stored == ended.done  # each finished document is kept, nothing after the stop
    with frontdesk.database.transaction() as session:
        assert jobs_repo.file_count(session, job.id) == 0  # the rest of the upload is gone


def test_a_queued_job_cancelled_never_runs(frontdesk: Frontdesk, acme, globex) -> None:
    ahead = submit_ingest(frontdesk.jobs, acme.id, documents(30, "a"))
    queued = submit_ingest(frontdesk.jobs, globex.id, documents(5, "g"))
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
        job = submit_ingest(frontdesk.jobs, acme.id, documents(2, "a"))
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
    # Texts no earlier test embedded: the test settings' embedding memo would otherwise
    # finish the whole ingest before the server is stopped.
    job = submit_ingest(frontdesk.jobs, acme.id, documents(200, f"stop-{uuid.uuid4().hex[:8]}"))
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
