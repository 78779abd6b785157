"""Shadow samples run by ``frontdesk worker`` processes (``FRONTDESK_JOB_QUEUE=postgres``),
off the serving replicas altogether.

A replica queues each sample on the ``shadow`` queue, at the lowest priority, from its
bookkeeping thread after the reply was sent. A worker answers it with the candidate the
registry names for the sample's rollout, on a thread at the lowest CPU priority (and, for
a worker given only this queue, the whole process at ``nice 19``: model runtimes have
threads of their own). A sample a worker takes more than ``max_age_s`` after it was
queued is dropped and counted: the backlog of a worker that cannot keep up is bounded by
age, and its comparison would no longer be like with like (the knowledge may have moved).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from frontdesk.jobs.pgqueue import PostgresQueue
from frontdesk.pipeline.runner import Pipeline
from frontdesk.releases.follower import ReleaseFollower
from frontdesk.releases.shadow import (
    ENDED,
    STALE,
    ShadowLedger,
    ShadowSample,
    lower_priority,
    run_shadow,
)

log = logging.getLogger(__name__)

SHADOW_TASK = "frontdesk.shadow"
SHADOW_QUEUE = "shadow"
SHADOW_PRIORITY = -(10**9)  # behind every job: jobs are queued at -(unfinished jobs)


class QueuedShadows:
    """The replica's side: queue samples for the workers."""

    def __init__(self, queue: PostgresQueue, ledger: ShadowLedger) -> None:
        self._queue = queue
        self._ledger = ledger

    def offer(self, pipeline: Pipeline, sample: ShadowSample) -> None:
        del pipeline  # the worker builds the candidate from the registry
        self._queue.defer(SHADOW_TASK, SHADOW_QUEUE, sample.to_payload(), SHADOW_PRIORITY)

    def pending(self) -> int:
        return 0  # nothing runs here

    def close(self) -> None:
        return None


class ShadowTask:
    """The worker's side: answer one queued sample with the rollout's candidate."""

    def __init__(
        self, follower: ReleaseFollower, ledger: ShadowLedger, max_age_s: float = 60.0
    ) -> None:
        self._follower = follower
        self._ledger = ledger
        self._max_age_s = max_age_s

    def register(self, queue: PostgresQueue) -> None:
        queue.register(SHADOW_TASK, SHADOW_QUEUE, self)

    def __call__(self, payload: dict[str, Any]) -> None:
        sample = ShadowSample.from_payload(payload)
        try:
            self._run(sample)
        except Exception:
            # A failed shadow run must not be retried into a pile: log it and move on.
            log.exception("shadow run failed tenant=%s", sample.tenant_id)

    def _run(self, sample: ShadowSample) -> None:
        if time.time() - sample.queued_at > self._max_age_s:
            self._ledger.dropped(sample, STALE)
            return
        candidate = self._candidate(sample)
        if candidate is None:
            self._ledger.dropped(sample, ENDED)
            return
        lower_priority()
        seen = run_shadow(candidate, sample)
        assert seen is not None  # nothing here stops a run part-way
        self._ledger.ran(sample, seen)

    def _candidate(self, sample: ShadowSample) -> Pipeline | None:
        """The candidate of the sample's rollout while it runs (this worker's view
        refreshed when it is older than the rollout)."""
        view = self._follower.view(sample.tenant_id)
        if view.rollout is None or view.rollout.id != sample.rollout_id:
            view = self._follower.refresh(sample.tenant_id)
        if view.rollout is None or view.rollout.id != sample.rollout_id:
            return None
        return view.candidate
