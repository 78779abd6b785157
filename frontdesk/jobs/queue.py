"""The job queue interface, and what every queue shares: the job's record in the
database (which the jobs API reads, from any replica), cancellation, waiting.

``submit`` stores a queued job and hands ``(task name, JSON payload)`` to the queue:
in-process threads for the embedded default (:mod:`frontdesk.jobs.inprocess`), or
PostgreSQL run by ``frontdesk worker`` processes (:mod:`frontdesk.jobs.pgqueue`).
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from frontdesk.errors import ConflictError, InvalidInputError
from frontdesk.storage.db import Database
from frontdesk.storage.repos import jobs as repo
from frontdesk.storage.repos.jobs import FINISHED, JobInfo


class JobQueue(ABC):
    """Implement ``_enqueue`` (and ``shutdown``); get the rest."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def submit(
        self,
        tenant_id: str,
        task: str,
        payload: dict[str, Any],
        total: int,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> JobInfo:
        """Record a queued job of ``task`` (whose kind it is) and queue it. ``files``
        (``(uri, bytes)``) are stored with the job, once, for the task to read by
        position: a payload crosses processes at every slice, so it stays small."""
        try:
            json.dumps(payload)
        except (TypeError, ValueError) as exc:
            # Payloads cross processes: what cannot be JSON cannot be queued.
            raise InvalidInputError(f"job payload is not JSON: {exc}", field="payload") from None
        with self._db.transaction() as session:
            job = repo.create(session, tenant_id, task, total, owner=self._owner())
            repo.add_files(session, tenant_id, job.id, files)
        self._enqueue(tenant_id, job.id, task, payload)
        return job

    def _owner(self) -> str | None:
        """The process a job's fate is tied to, if any (queued work in its memory)."""
        return None

    @abstractmethod
    def _enqueue(self, tenant_id: str, job_id: str, task: str, payload: dict[str, Any]) -> None:
        """Have ``task`` run on ``payload`` for the job, fairly between tenants."""

    def get(self, tenant_id: str, job_id: str) -> JobInfo:
        with self._db.transaction() as session:
            job = repo.get(session, tenant_id, job_id)
        if job.status not in FINISHED and self._orphaned(job):
            with self._db.transaction() as session:
                return repo.get(session, tenant_id, job_id)
        return job

    def _orphaned(self, job: JobInfo) -> bool:
        """Whether an unfinished job can never finish (and now says so)."""
        return False

    def cancel(self, tenant_id: str, job_id: str) -> JobInfo:
        """A queued job will not run; a running one stops at its next progress step."""
        with self._db.transaction() as session:
            job = repo.get(session, tenant_id, job_id)
            if job.status in FINISHED:
                raise ConflictError(f"job {job_id!r} has already {job.status}")
            repo.set_state(
                session, job_id, status="cancelled" if job.status == "queued" else "cancelling"
            )
            return repo.get(session, tenant_id, job_id)

    def wait(self, job_id: str, timeout: float | None = None) -> JobInfo:
        """Block until the job has finished (tests, CLI); TimeoutError after ``timeout``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._db.transaction() as session:
                job = repo.get_any_tenant(session, job_id)
            if job.status in FINISHED:
                return job
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} did not finish within {timeout}s")
            time.sleep(0.05)

    def fail_orphans(self) -> None:
        """Settle jobs that died with another process (at a server's start)."""
        return  # PostgreSQL keeps a queued job for the next worker: nothing to settle

    def shutdown(self) -> None:
        return None
