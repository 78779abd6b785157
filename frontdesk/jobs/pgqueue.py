"""Jobs queued in PostgreSQL and run by ``frontdesk worker`` processes, with
procrastinate: its workers take jobs with ``FOR UPDATE SKIP LOCKED``, wake on
LISTEN/NOTIFY, run synchronous tasks on threads (``--concurrency``), and find the jobs of
a worker that died.

Fairness: a job is queued at priority ``-(its tenant's unfinished jobs)`` and long work
goes back in slices, so a tenant's first job runs ahead of another tenant's backlog.
Retries are deferred with their backoff (``schedule_in``). Every slice runs through
:class:`~frontdesk.jobs.runner.JobRunner`, as in-process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from procrastinate import App, PsycopgConnector
from psycopg.conninfo import make_conninfo

from frontdesk.jobs.queue import JobQueue
from frontdesk.jobs.runner import Continue, JobRunner, Retry
from frontdesk.storage.db import Database
from frontdesk.storage.repos import jobs as repo

log = logging.getLogger(__name__)

TASK = "frontdesk.job"


SCHEMA = "procrastinate"  # where migration 0016_job_queue put the queue's tables


def conninfo(database_url: str) -> str:
    """libpq connection info from an SQLAlchemy URL (``postgresql+psycopg://``), whose
    sessions find procrastinate's tables and functions in their own schema."""
    scheme, sep, rest = database_url.partition("://")
    url = f"postgresql{sep}{rest}" if scheme.startswith("postgresql") else database_url
    return make_conninfo(url, options=f"-c search_path={SCHEMA}")


class PostgresQueue(JobQueue):
    def __init__(self, database: Database, runner: JobRunner, database_url: str) -> None:
        super().__init__(database)
        self._runner = runner
        self.app = App(connector=PsycopgConnector(conninfo=conninfo(database_url)))
        self._task = self.app.task(name=TASK, pass_context=False)(self._run)
        self._open = False
        self._open_lock = threading.Lock()

    def _priority(self, tenant_id: str) -> int:
        with self._db.transaction() as session:
            return -repo.unfinished(session, tenant_id)

    def _ensure_open(self) -> None:
        with self._open_lock:
            if not self._open:
                self.app.open()
                self._open = True

    def register(self, name: str, queue: str, run: Callable[[dict[str, Any]], None]) -> None:
        """A task outside the jobs table (no job record, no retries): ``run(payload)`` in
        whichever worker takes it from ``queue``."""

        def task(payload: dict[str, Any]) -> None:
            run(payload)

        self.app.task(name=name, queue=queue, pass_context=False)(task)

    def defer(self, name: str, queue: str, payload: dict[str, Any], priority: int = 0) -> None:
        """Queue ``payload`` for the task ``name`` registered with :meth:`register`."""
        self._ensure_open()
        self.app.configure_task(name=name, queue=queue, priority=priority).defer(payload=payload)

    def _defer(self, args: dict[str, Any], delay_s: float = 0.0) -> None:
        self._ensure_open()
        deferrer = self._task.configure(
            priority=self._priority(str(args["tenant_id"])),
            schedule_in={"seconds": int(delay_s)} if delay_s >= 1 else None,
        )
        deferrer.defer(**args)

    def _enqueue(self, tenant_id: str, job_id: str, task: str, payload: dict[str, Any]) -> None:
        self._defer({"tenant_id": tenant_id, "job_id": job_id, "task": task, "payload": payload})

    def _run(
        self, tenant_id: str, job_id: str, task: str, payload: dict[str, Any], attempt: int = 1
    ) -> None:
        outcome = self._runner.run(tenant_id, job_id, task, payload, attempt)
        args = {"tenant_id": tenant_id, "job_id": job_id, "task": task}
        if isinstance(outcome, Continue):
            self._defer({**args, "payload": outcome.payload})
        elif isinstance(outcome, Retry):
            self._defer({**args, "payload": payload, "attempt": attempt + 1}, outcome.delay_s)

    def run_worker(self, concurrency: int, queues: list[str] | None = None) -> None:
        """Run jobs until SIGINT/SIGTERM (``frontdesk worker``); from ``queues`` only
        when given (``default`` holds the jobs, ``shadow`` rollouts' shadow samples)."""
        log.info("worker started concurrency=%d queues=%s", concurrency, queues or "all")
        self._open = True  # the worker opens the app; deferring from tasks goes through it
        self.app.run_worker(concurrency=concurrency, queues=queues, delete_jobs="successful")

    def shutdown(self) -> None:
        if self._open:
            self.app.close()
            self._open = False
