"""The embedded default: jobs run on threads of the API process (``make run`` stays one
command), taken in turn per tenant, so a tenant with a long backlog gets one slice and then
waits behind every other tenant that has work. Queued work lives in memory: stopping the
server fails the jobs it had not finished (saying so), and so does the next process to look
at a job whose process died (kill -9: each job names its process, whose liveness lock the
operating system or database drops with it); ``frontdesk worker`` keeps jobs in PostgreSQL."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from frontdesk.jobs.queue import JobQueue
from frontdesk.jobs.runner import Continue, JobRunner, Retry
from frontdesk.storage.db import Database
from frontdesk.storage.liveness import Liveness
from frontdesk.storage.repos import jobs as repo
from frontdesk.storage.repos.jobs import JobInfo

log = logging.getLogger(__name__)

STOPPED = (
    "the server stopped before this job finished; submit it again "
    "(or run jobs in frontdesk worker processes: FRONTDESK_JOB_QUEUE=postgres)"
)


@dataclass(frozen=True, slots=True)
class _Item:
    tenant_id: str
    job_id: str
    task: str
    payload: dict[str, Any]
    attempt: int = 1


class InProcessQueue(JobQueue):
    def __init__(
        self,
        database: Database,
        runner: JobRunner,
        threads: int = 1,
        liveness: Liveness | None = None,
    ) -> None:
        super().__init__(database)
        self._runner = runner
        self._liveness = liveness
        self._ready: OrderedDict[str, deque[_Item]] = OrderedDict()  # tenants in turn order
        self._delayed: list[tuple[float, int, _Item]] = []  # retries waiting out a backoff
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._closing = False
        self._abandoned: list[_Item] = []  # slices handed back after shutdown began
        self._threads = [
            threading.Thread(target=self._loop, name=f"frontdesk-job-{n}", daemon=True)
            for n in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def _owner(self) -> str | None:
        return self._liveness.claim() if self._liveness is not None else None

    def _orphaned(self, job: JobInfo) -> bool:
        if job.owner is None or self._liveness is None or self._liveness.is_alive(job.owner):
            return False
        with self._db.transaction() as session:
            repo.set_state(session, job.id, status="failed", error=STOPPED)
        log.warning("job failed job=%s kind=%s: its process is gone", job.id, job.kind)
        return True

    def fail_orphans(self) -> None:
        """Jobs of processes that died (kill -9, power loss) end ``failed``, saying so."""
        try:
            with self._db.transaction() as session:
                unfinished = repo.owned_unfinished(session)
        except SQLAlchemyError:  # not migrated yet: /readyz says so; jobs are read later
            log.warning("orphaned jobs not checked at start: the database is not ready")
            return
        for job in unfinished:
            self._orphaned(job)

    def _enqueue(self, tenant_id: str, job_id: str, task: str, payload: dict[str, Any]) -> None:
        self._put(_Item(tenant_id, job_id, task, payload))

    def _put(self, item: _Item, delay_s: float = 0.0) -> None:
        with self._cond:
            if self._closing:
                self._abandoned.append(item)
            elif delay_s > 0:
                due = time.monotonic() + delay_s
                heapq.heappush(self._delayed, (due, next(self._order), item))
            else:
                self._ready.setdefault(item.tenant_id, deque()).append(item)
            self._cond.notify()

    def _take(self) -> _Item | None:
        with self._cond:
            while not self._closing:
                now = time.monotonic()
                while self._delayed and self._delayed[0][0] <= now:
                    item = heapq.heappop(self._delayed)[2]
                    self._ready.setdefault(item.tenant_id, deque()).append(item)
                if self._ready:
                    tenant, items = next(iter(self._ready.items()))
                    item = items.popleft()
                    if items:
                        self._ready.move_to_end(tenant)  # its next slice waits its turn
                    else:
                        del self._ready[tenant]
                    return item
                wait = self._delayed[0][0] - now if self._delayed else None
                self._cond.wait(timeout=wait)
            return None

    def _loop(self) -> None:
        while (item := self._take()) is not None:
            try:
                outcome = self._runner.run(
                    item.tenant_id, item.job_id, item.task, item.payload, item.attempt
                )
            except Exception:
                # The job's own record could not be read or written (database gone): the
                # thread lives on for the next job; the record says where it stopped.
                log.exception("job runner failed job=%s", item.job_id)
                continue
            if isinstance(outcome, Continue):
                self._put(replace(item, payload=outcome.payload, attempt=1))
            elif isinstance(outcome, Retry):
                self._put(replace(item, attempt=item.attempt + 1), outcome.delay_s)

    def shutdown(self) -> None:
        """Finish the slices running now, then stop. Work still queued here would be lost
        with the process, so its jobs end ``failed`` saying so, not ``running`` forever."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join()
        left = [item for items in self._ready.values() for item in items]
        left += [item for _, _, item in self._delayed] + self._abandoned
        self._ready.clear()
        self._delayed.clear()
        self._abandoned = []
        for item in left:
            with self._db.transaction() as session:
                repo.set_state(
                    session,
                    item.job_id,
                    status="failed",
                    error=STOPPED,
                )
