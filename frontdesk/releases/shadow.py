"""One shadow sample: what the candidate needs to answer a message production already
answered, as JSON so it can cross to a ``frontdesk worker`` process, and the run that
answers it and compares with production (same outcome, same top citation).

Where it runs is decided elsewhere: :mod:`frontdesk.releases.shadow_local` (an idle-gated
thread of the serving process) or :mod:`frontdesk.releases.shadow_queued` (the job queue's
worker processes).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from frontdesk.domain.conversation import StageTrace
from frontdesk.domain.release import Arm, Observation
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import HistoryTurn, TurnState
from frontdesk.releases.observe import observation

# Why a sample was not run (the label of ``frontdesk_shadow_samples_total``).
BACKLOG_FULL = "backlog_full"  # more samples waiting than the runner may hold
BUSY = "busy"  # customers kept the process busy longer than the sample may wait
STALE = "stale"  # a worker took it too late to compare like with like
ENDED = "ended"  # the rollout ended (or moved on) before the sample ran


@dataclass(frozen=True, slots=True)
class ShadowSample:
    tenant_id: str
    rollout_id: str
    conversation_id: str
    text: str  # the customer's message as stored (screened, redacted)
    history: list[HistoryTurn]
    served_turn_id: str | None
    served_outcome: str
    top_citation: str | None  # production's first citation, to compare
    queued_at: float = field(default_factory=time.time)  # wall clock: crosses processes

    def to_payload(self) -> dict[str, Any]:
        return {**asdict(self), "history": [asdict(turn) for turn in self.history]}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ShadowSample:
        history = [HistoryTurn(**turn) for turn in payload.get("history", [])]
        return cls(**{**payload, "history": history})


class ShadowLedger(Protocol):
    """Where shadow samples are counted and their comparisons stored."""

    def ran(self, sample: ShadowSample, seen: Observation) -> None: ...

    def dropped(self, sample: ShadowSample, reason: str) -> None: ...


def run_shadow(
    pipeline: Pipeline,
    sample: ShadowSample,
    may_continue: Callable[[], bool] = lambda: True,
) -> Observation | None:
    """The candidate's answer to the sample's message, compared with production's; one
    stage at a time, each only once ``may_continue()`` (None when it says no)."""
    state = TurnState(
        tenant_id=sample.tenant_id,
        conversation_id=sample.conversation_id,
        text=sample.text,
        history=list(sample.history),
    )
    trace: list[StageTrace] = []
    elapsed = 0.0
    for stage in pipeline.stages:
        if state.outcome is not None:
            break
        if not may_continue():
            return None
        started = time.perf_counter()
        trace += Pipeline(pipeline.release_id, [stage]).run(state)
        elapsed += time.perf_counter() - started
    seen = observation(Arm.SHADOW, state, trace, elapsed * 1000, None)
    top = state.citations[0].chunk_id if state.citations else None
    return replace(
        seen,
        turn_id=sample.served_turn_id,
        agrees=seen.outcome == sample.served_outcome,
        same_citation=top == sample.top_citation,
    )


def lower_priority() -> None:
    """Lowest CPU priority for the calling thread (Linux: a thread id is a pid for
    ``setpriority``), so the OS runs customer turns first."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
