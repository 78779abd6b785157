"""What happens after a turn of a running rollout: its figures are recorded, the shadow
candidate answers the same message, and the rollback triggers are checked.

All of it runs on a background worker after the reply is stored. A shadow run also waits
until no customer turn is being answered in this process (it would compete with them for
the CPU), and pauses between its screening and answering stages when one arrives; when
the process is not idle within ``shadow_wait_s``, or the worker falls behind, the shadow
run is dropped and counted rather than queued without bound.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from frontdesk.domain.conversation import Outcome, StageTrace
from frontdesk.domain.release import Arm, Observation, Rollout
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import HistoryTurn, TurnState
from frontdesk.releases.follower import Route
from frontdesk.releases.rollout import RolloutService

log = logging.getLogger(__name__)

_ERROR_FLAGS = ("error", "fallback:extractive")  # a stage raised, or every LLM provider failed
_SAFETY_STAGES = ("input_guard", "output_guard")
# Guard flags that record housekeeping on the input, not a safety decision.
_NOT_SAFETY = ("pii_redacted", "hidden_characters_removed", "homoglyphs_folded")
_SAFETY_REASONS = ("safety", "policy")


def observation(
    arm: Arm, state: TurnState, trace: list[StageTrace], latency_ms: float, turn_id: str | None
) -> Observation:
    """How a turn went, in the figures rollouts compare."""
    flags = [(stage.name, flag) for stage in trace for flag in stage.flags]
    return Observation(
        arm=arm,
        latency_ms=round(latency_ms, 3),
        error=state.escalation_reason == "error" or any(f in _ERROR_FLAGS for _s, f in flags),
        outcome=state.outcome.value if state.outcome else "no_answer",
        confidence=float(state.confidence),
        safety=state.outcome is Outcome.REFUSED
        or state.escalation_reason in _SAFETY_REASONS
        or any(stage in _SAFETY_STAGES and f not in _NOT_SAFETY for stage, f in flags),
        turn_id=turn_id,
    )


@dataclass(frozen=True, slots=True)
class ShadowInput:
    """What the shadow candidate needs to answer the same message."""

    conversation_id: str
    text: str
    history: list[HistoryTurn]
    top_citation: str | None  # production's first citation, to compare


class _BusyGauge:
    """Customer turns being answered in this process. One per process, not per
    ``Frontdesk``: the CPU a shadow run would take is the process's."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self._idle:
            self._count += 1
        try:
            yield
        finally:
            with self._idle:
                self._count -= 1
                if self._count == 0:
                    self._idle.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout_s)


_PROCESS_LOAD = _BusyGauge()


class RolloutTraffic:
    def __init__(
        self,
        rollouts: RolloutService,
        on_withdrawn: Callable[[str], object],
        check_every_s: float = 1.0,
        max_backlog: int = 64,
        shadow_wait_s: float = 5.0,
    ) -> None:
        self._rollouts = rollouts
        self._on_withdrawn = on_withdrawn  # refresh this replica's view of the tenant
        self._check_every_s = check_every_s
        self._max_backlog = max_backlog
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollout")
        self._shadow_wait_s = shadow_wait_s
        self._backlog = 0
        self._checked: dict[str, float] = {}
        self._lock = threading.Lock()
        self.dropped_shadows = 0

    def customer_turn(self) -> contextlib.AbstractContextManager[None]:
        """Mark a customer turn being answered: shadow runs wait until none is."""
        return _PROCESS_LOAD.turn()

    def after_turn(
        self, tenant_id: str, route: Route, served: Observation, shadow: ShadowInput | None
    ) -> None:
        rollout = route.rollout
        if rollout is None:
            return
        with self._lock:
            if self._backlog >= self._max_backlog:
                self.dropped_shadows += 1
                shadow = None  # keep the figures, skip the expensive part
            self._backlog += 1
        self._executor.submit(self._work, tenant_id, route, served, shadow)

    def drain(self, timeout_s: float = 30.0) -> None:
        """Wait until queued work is done (tests, benchmarks, shutdown)."""
        deadline = time.monotonic() + timeout_s
        while self._backlog and time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _work(
        self, tenant_id: str, route: Route, served: Observation, shadow: ShadowInput | None
    ) -> None:
        try:
            rollout = route.rollout
            assert rollout is not None
            self._rollouts.record(tenant_id, rollout.id, served)
            if route.shadow is not None and shadow is not None:
                seen = self._shadow(tenant_id, route.shadow, served, shadow)
                if seen is not None:
                    self._rollouts.record(tenant_id, rollout.id, seen)
                else:
                    with self._lock:
                        self.dropped_shadows += 1
            self._maybe_check(tenant_id, rollout)
        except Exception:
            log.exception("rollout bookkeeping failed tenant=%s", tenant_id)
        finally:
            with self._lock:
                self._backlog -= 1

    def _shadow(
        self, tenant_id: str, pipeline: Pipeline, served: Observation, given: ShadowInput
    ) -> Observation | None:
        """The candidate's answer to the same message, one stage at a time and only while
        no customer waits; None when the process stayed busy."""
        _lower_priority()
        state = TurnState(
            tenant_id=tenant_id,
            conversation_id=given.conversation_id,
            text=given.text,
            history=list(given.history),
        )
        trace: list[StageTrace] = []
        elapsed = 0.0
        for stage in pipeline.stages:
            if state.outcome is not None:
                break
            if not _PROCESS_LOAD.wait_idle(self._shadow_wait_s):
                return None
            started = time.perf_counter()
            trace += Pipeline(pipeline.release_id, [stage]).run(state)
            elapsed += time.perf_counter() - started
        seen = observation(Arm.SHADOW, state, trace, elapsed * 1000, None)
        top = state.citations[0].chunk_id if state.citations else None
        return replace(
            seen,
            turn_id=served.turn_id,
            agrees=seen.outcome == served.outcome,
            same_citation=top == given.top_citation,
        )

    def _maybe_check(self, tenant_id: str, rollout: Rollout) -> None:
        now = time.monotonic()
        if now - self._checked.get(rollout.id, 0.0) < self._check_every_s:
            return
        self._checked[rollout.id] = now
        if self._rollouts.check(rollout) is not None:
            self._on_withdrawn(tenant_id)


def _lower_priority() -> None:
    """Lowest CPU priority for the calling thread (Linux: a thread id is a pid for
    ``setpriority``), so the OS runs customer turns first."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
