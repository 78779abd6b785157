"""What happens after a turn of a running rollout: its figures are recorded, a shadow
sample is handed to the shadow runner, and the rollback triggers are checked.

The bookkeeping runs on a background thread after the reply is stored, so none of it is
on the customer's path. Shadow samples run where :class:`ShadowRunner` puts them: on
``frontdesk worker`` processes when jobs go through PostgreSQL
(:mod:`~frontdesk.releases.shadow_queued`), else on an idle-gated, bounded thread of this
process (:mod:`~frontdesk.releases.shadow_local`); either way a sample that cannot run
without making customers wait is dropped and counted (metrics and ``rollout status``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


class ShadowRunner(Protocol):
    def offer(self, pipeline: Pipeline, sample: ShadowSample) -> None: ...

    def pending(self) -> int: ...

    def close(self) -> None: ...


class ShadowBook:
    """Stores a shadow run's comparison and counts samples run and dropped: in metrics
    (this process) and on the rollout (every replica's ``rollout status``)."""

    def __init__(self, rollouts: RolloutService, metrics: Metrics | None) -> None:
        self._rollouts = rollouts
        self._metrics = metrics

    def ran(self, sample: ShadowSample, seen: Observation) -> None:
        self._rollouts.record(sample.tenant_id, sample.rollout_id, seen)
        if self._metrics is not None:
            self._metrics.observe_shadow("run")

    def dropped(self, sample: ShadowSample, reason: str) -> None:
        log.info("shadow sample dropped tenant=%s reason=%s", sample.tenant_id, reason)
        if self._metrics is not None:
            self._metrics.observe_shadow("dropped", reason)
        try:
            self._rollouts.count_dropped(sample.tenant_id, sample.rollout_id)
        except Exception:
            log.exception("counting a dropped shadow sample failed tenant=%s", sample.tenant_id)


class RolloutTraffic:
    def __init__(
        self,
        rollouts: RolloutService,
        on_withdrawn: Callable[[str], object],
        check_every_s: float = 1.0,
        metrics: Metrics | None = None,
    ) -> None:
        self._rollouts = rollouts
        self._on_withdrawn = on_withdrawn  # refresh this replica's view of the tenant
        self._check_every_s = check_every_s
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollout")
        self.book = ShadowBook(rollouts, metrics)
        self.shadows: ShadowRunner = LocalShadows(self.book)
        self._backlog = 0
        self._checked: dict[str, float] = {}
        self._lock = threading.Lock()

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
        with self._lock:
            self._backlog += 1
        self._executor.submit(self._work, tenant_id, route, served, shadow)

    def drain(self, timeout_s: float = 30.0) -> None:
        """Wait until queued bookkeeping and local shadow runs are done (tests,
        benchmarks, shutdown)."""
        deadline = time.monotonic() + timeout_s
        while (self._backlog or self.shadows.pending()) and time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.shadows.close()

    def _work(
        self, tenant_id: str, route: Route, served: Observation, shadow: ShadowInput | None
    ) -> None:
        try:
            rollout = route.rollout
            assert rollout is not None
            self._rollouts.record(tenant_id, rollout.id, served)
            if route.shadow is not None and shadow is not None:
                sample = ShadowSample(
                    tenant_id=tenant_id,
                    rollout_id=rollout.id,
                    conversation_id=shadow.conversation_id,
                    text=shadow.text,
                    history=list(shadow.history),
                    served_turn_id=served.turn_id,
                    served_outcome=served.outcome,
                    top_citation=shadow.top_citation,
                )
                self.shadows.offer(route.shadow, sample)
            self._maybe_check(tenant_id, rollout)
        except Exception:
            log.exception("rollout bookkeeping failed tenant=%s", tenant_id)
        finally:
            with self._lock:
                self._backlog -= 1

    def _maybe_check(self, tenant_id: str, rollout: Rollout) -> None:
        now = time.monotonic()
        if now - self._checked.get(rollout.id, 0.0) < self._check_every_s:
            return
        self._checked[rollout.id] = now
        if self._rollouts.check(rollout) is not None:
            self._on_withdrawn(tenant_id)
