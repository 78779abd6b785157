"""What happens after a turn of a running rollout: its figures are recorded, a shadow
sample is handed to the shadow runner, and the rollback triggers are checked.

The bookkeeping runs on a background thread after the reply is stored, so none of it is
on the customer's path, and it writes in batches (at most one transaction per
``flush_every_s``): on the embedded SQLite database every write takes the one write lock
customers' turns need too. Shadow samples run where :class:`ShadowRunner` puts them: on
``frontdesk worker`` processes when jobs go through PostgreSQL
(:mod:`~frontdesk.releases.shadow_queued`), else on an idle-gated, bounded thread of this
process (:mod:`~frontdesk.releases.shadow_local`); either way a sample that cannot run
without making customers wait is dropped and counted (metrics and ``rollout status``).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from frontdesk.domain.release import Observation, Rollout
from frontdesk.monitoring.metrics import Metrics
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import HistoryTurn
from frontdesk.releases.follower import Route
from frontdesk.releases.observe import observation
from frontdesk.releases.rollout import RolloutService
from frontdesk.releases.shadow import ShadowSample
from frontdesk.releases.shadow_local import PROCESS_LOAD, LocalShadows

__all__ = ["RolloutTraffic", "ShadowBook", "ShadowInput", "ShadowRunner", "observation"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ShadowInput:
    """What the shadow candidate needs to answer the same message."""

    conversation_id: str
    text: str
    history: list[HistoryTurn]
    top_citation: str | None  # production's first citation, to compare


@dataclass(frozen=True, slots=True)
class _Turn:
    tenant_id: str
    route: Route
    served: Observation
    shadow: ShadowInput | None


class ShadowRunner(Protocol):
    def offer(self, pipeline: Pipeline, sample: ShadowSample) -> None: ...

    def pending(self) -> int: ...

    def close(self) -> None: ...


class _Batch:
    """Observations and dropped-sample counts waiting for the next write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seen: list[tuple[str, str, Observation]] = []
        self.dropped: Counter[tuple[str, str]] = Counter()

    def add(self, tenant_id: str, rollout_id: str, seen: Observation) -> None:
        with self._lock:
            self.seen.append((tenant_id, rollout_id, seen))

    def drop(self, tenant_id: str, rollout_id: str) -> None:
        with self._lock:
            self.dropped[(tenant_id, rollout_id)] += 1

    def take(self) -> tuple[list[tuple[str, str, Observation]], dict[tuple[str, str], int]]:
        with self._lock:
            seen, dropped = self.seen, dict(self.dropped)
            self.seen, self.dropped = [], Counter()
        return seen, dropped


class ShadowBook:
    """Stores a shadow run's comparison and counts samples run and dropped: in metrics
    (this process) and on the rollout (every replica's ``rollout status``)."""

    def __init__(self, batch: _Batch, metrics: Metrics | None, wake: Callable[[], None]) -> None:
        self._batch = batch
        self._metrics = metrics
        self._wake = wake

    def ran(self, sample: ShadowSample, seen: Observation) -> None:
        self._batch.add(sample.tenant_id, sample.rollout_id, seen)
        if self._metrics is not None:
            self._metrics.observe_shadow("run")
        self._wake()

    def dropped(self, sample: ShadowSample, reason: str) -> None:
        log.debug("shadow sample dropped tenant=%s reason=%s", sample.tenant_id, reason)
        self._batch.drop(sample.tenant_id, sample.rollout_id)
        if self._metrics is not None:
            self._metrics.observe_shadow("dropped", reason)
        self._wake()


class RolloutTraffic:
    def __init__(
        self,
        rollouts: RolloutService,
        on_withdrawn: Callable[[str], object],
        check_every_s: float = 1.0,
        metrics: Metrics | None = None,
        flush_every_s: float = 1.0,
    ) -> None:
        self._rollouts = rollouts
        self._on_withdrawn = on_withdrawn  # refresh this replica's view of the tenant
        self._check_every_s = check_every_s
        self._flush_every_s = flush_every_s
        self._inbox: queue.Queue[_Turn] = queue.Queue()
        self._batch = _Batch()
        self.book = ShadowBook(self._batch, metrics, self._ensure_started)
        self.shadows: ShadowRunner = LocalShadows(self.book)
        self._running: dict[str, tuple[str, Rollout]] = {}  # rollout id: (tenant, rollout)
        self._checked: dict[str, float] = {}
        self._cycled = 0.0  # the loop's last flush and check
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def use_shadow_runner(self, runner: ShadowRunner) -> None:
        """Run shadow samples elsewhere (``frontdesk worker`` processes)."""
        self.shadows.close()
        self.shadows = runner

    def customer_turn(self) -> contextlib.AbstractContextManager[None]:
        """Mark a customer turn being answered: local shadow runs wait until none is."""
        return PROCESS_LOAD.turn()

    def after_turn(
        self, tenant_id: str, route: Route, served: Observation, shadow: ShadowInput | None
    ) -> None:
        if route.rollout is None:
            return
        self._inbox.put(_Turn(tenant_id, route, served, shadow))
        self._ensure_started()

    def drain(self, timeout_s: float = 30.0) -> None:
        """Wait until queued bookkeeping and local shadow runs are done and written
        (tests, benchmarks, shutdown)."""
        deadline = time.monotonic() + timeout_s
        while (self._inbox.unfinished_tasks or self.shadows.pending()) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.01)
        self._flush()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.shadows.close()
        self._flush()

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._loop, name="rollout", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                turn = self._inbox.get(timeout=0.2)
            except queue.Empty:
                turn = None
            if turn is not None:
                try:
                    self._take(turn)
                except Exception:
                    log.exception("rollout bookkeeping failed tenant=%s", turn.tenant_id)
                finally:
                    self._inbox.task_done()
            # Its own clock: ``drain`` flushes too, and must not keep postponing the checks.
            if time.monotonic() - self._cycled >= self._flush_every_s:
                self._cycled = time.monotonic()
                try:
                    self._flush()
                    self._check()
                except Exception:
                    log.exception("rollout bookkeeping failed")

    def _take(self, turn: _Turn) -> None:
        rollout = turn.route.rollout
        assert rollout is not None
        self._running[rollout.id] = (turn.tenant_id, rollout)
        self._batch.add(turn.tenant_id, rollout.id, turn.served)
        if turn.route.shadow is not None and turn.shadow is not None:
            sample = ShadowSample(
                tenant_id=turn.tenant_id,
                rollout_id=rollout.id,
                conversation_id=turn.shadow.conversation_id,
                text=turn.shadow.text,
                history=list(turn.shadow.history),
                served_turn_id=turn.served.turn_id,
                served_outcome=turn.served.outcome,
                top_citation=turn.shadow.top_citation,
            )
            self.shadows.offer(turn.route.shadow, sample)

    def _flush(self) -> None:
        with self._flush_lock:
            seen, dropped = self._batch.take()
            if seen or dropped:
                self._rollouts.record_batch(seen, dropped)

    def _check(self) -> None:
        """The rollback triggers of the rollouts this replica saw turns of."""
        now = time.monotonic()
        for rollout_id, (tenant_id, rollout) in list(self._running.items()):
            if now - self._checked.get(rollout_id, 0.0) < self._check_every_s:
                continue
            self._checked[rollout_id] = now
            active = self._rollouts.active(tenant_id)
            if active is None or active.id != rollout_id:
                self._running.pop(rollout_id, None)  # ended (here or on another replica)
                continue
            if self._rollouts.check(rollout) is not None:
                self._running.pop(rollout_id, None)
                self._on_withdrawn(tenant_id)
