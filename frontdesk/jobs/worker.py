"""An in-process worker: jobs run on a background thread, progress goes to the database
so any replica (and the API) can report it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from frontdesk.errors import FrontdeskError
from frontdesk.storage.db import Database
from frontdesk.storage.repos import jobs as repo
from frontdesk.storage.repos.jobs import JobInfo

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
Work = Callable[[Progress], dict[str, Any]]


class JobWorker:
    def __init__(self, database: Database, threads: int = 1) -> None:
        self._db = database
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="frontdesk-job")
        self._futures: dict[str, Future[None]] = {}

    def submit(self, tenant_id: str, kind: str, total: int, work: Work) -> JobInfo:
        """Record a queued job and run ``work(progress)`` in the background; its return
        value becomes the job's ``result``."""
        with self._db.transaction() as session:
            job = repo.create(session, tenant_id, kind, total)
        self._futures[job.id] = self._pool.submit(self._run, tenant_id, job, work)
        return job

    def get(self, tenant_id: str, job_id: str) -> JobInfo:
        with self._db.transaction() as session:
            return repo.get(session, tenant_id, job_id)

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Block until a job submitted by this process ends (tests, CLI)."""
        future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _run(self, tenant_id: str, job: JobInfo, work: Work) -> None:
        job_id = job.id
        ids = f"job={job_id} tenant={tenant_id} kind={job.kind}"
        started = time.perf_counter()
        self._update(job_id, status="running")
        log.info("job started %s", ids)

        def progress(done: int, total: int, _current: str) -> None:
            self._update(job_id, done=done, total=total)

        try:
            result = work(progress)
        except FrontdeskError as exc:
            # Bad input (a file that cannot be parsed): the job says why; no stack needed.
            log.warning("job failed %s error=%s", ids, type(exc).__name__)
            self._update(job_id, status="failed", error=exc.message)
        except Exception as exc:
            log.exception("job failed %s", ids)
            # A bug or a database error: its text may hold SQL and the documents' own
            # words, so the job names only the kind of failure; the log has the rest.
            self._update(
                job_id,
                status="failed",
                error=f"internal error ({type(exc).__name__}); the server log has job={job_id}",
            )
        else:
            self._update(job_id, status="succeeded", result=result)
            log.info("job finished %s duration_s=%.1f", ids, time.perf_counter() - started)
        finally:
            self._futures.pop(job_id, None)

    def _update(self, job_id: str, **values: Any) -> None:
        with self._db.transaction() as session:
            repo.set_state(session, job_id, **values)
