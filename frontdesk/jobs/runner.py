"""Runs one slice of a job: reads its record, calls the named task, writes progress and
the outcome back, and tells the queue what to do next (nothing, the rest, or a retry).
Both queues (in-process and ``frontdesk worker``) run jobs through this one path."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from frontdesk.errors import FrontdeskError
from frontdesk.jobs.tasks import JobCancelled, TaskContext, TaskRegistry, merge_results
from frontdesk.storage.db import Database
from frontdesk.storage.repos import jobs as repo
from frontdesk.storage.repos.jobs import FINISHED

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Finished:
    pass


@dataclass(frozen=True, slots=True)
class Continue:
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Retry:
    delay_s: float


Outcome = Finished | Continue | Retry


class JobRunner:
    def __init__(self, database: Database, tasks: TaskRegistry) -> None:
        self._db = database
        self._tasks = tasks

    def run(
        self, tenant_id: str, job_id: str, task: str, payload: dict[str, Any], attempt: int = 1
    ) -> Outcome:
        with self._db.transaction() as session:
            job = repo.get(session, tenant_id, job_id)
        if job.status in FINISHED:
            return Finished()  # cancelled while queued, or a duplicate delivery
        if job.status == "cancelling":
            self._update(job_id, status="cancelled")
            return Finished()
        ids = f"job={job_id} tenant={tenant_id} kind={job.kind} attempt={attempt}"
        spec = self._tasks.get(task)
        self._update(job_id, status="running")
        log.info("job slice started %s done=%d total=%d", ids, job.done, job.total)
        started = time.perf_counter()

        def progress(done: int, total: int, _current: str) -> None:
            with self._db.transaction() as session:
                repo.set_state(session, job_id, done=done, total=total)  # this step is done
                cancelling = repo.get(session, tenant_id, job_id).status == "cancelling"
            if cancelling:
                raise JobCancelled

        context = TaskContext(tenant_id, job_id, job.done, job.total, progress)
        try:
            piece = spec.run(context, payload)
        except JobCancelled:
            log.info("job cancelled %s", ids)
            self._update(job_id, status="cancelled")
            return Finished()
        except FrontdeskError as exc:
            # Bad input (a file past the parse limits): the job says why; no stack needed.
            log.warning("job failed %s error=%s", ids, type(exc).__name__)
            self._update(job_id, status="failed", error=exc.message)
            return Finished()
        except Exception as exc:
            if attempt < spec.max_attempts:
                delay = spec.backoff_s * 2 ** (attempt - 1)
                log.warning("job retrying %s error=%s in_s=%.1f", ids, type(exc).__name__, delay)
                self._update(
                    job_id,
                    status="queued",
                    error=f"attempt {attempt} failed ({type(exc).__name__}); retrying",
                )
                return Retry(delay)
            log.exception("job failed %s", ids)
            # A bug or a database error: its text may hold SQL and the documents' own
            # words, so the job names only the kind of failure; the log has the rest.
            self._update(
                job_id,
                status="failed",
                error=f"internal error ({type(exc).__name__}); the server log has job={job_id}",
            )
            return Finished()
        result = merge_results(job.result, piece.result)
        duration = time.perf_counter() - started
        if piece.rest is not None:
            self._update(job_id, result=result, error=None)
            log.info("job slice finished %s duration_s=%.1f", ids, duration)
            return Continue(piece.rest)
        self._update(job_id, status="succeeded", result=result, error=None)
        log.info("job finished %s duration_s=%.1f", ids, duration)
        return Finished()

    def _update(self, job_id: str, **values: Any) -> None:
        with self._db.transaction() as session:
            repo.set_state(session, job_id, **values)
