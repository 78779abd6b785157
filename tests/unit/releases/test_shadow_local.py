"""The embedded shadow runner: off the request thread, only while no customer turn is in
flight, a bounded backlog that drops and counts, and every run compared with production."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from frontdesk.domain.conversation import Citation, Outcome
from frontdesk.domain.release import Observation
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import HistoryTurn, TurnState
from frontdesk.releases.shadow import BACKLOG_FULL, BUSY, ShadowSample
from frontdesk.releases.shadow_local import BusyGauge, LocalShadows
from frontdesk.testing.wait import wait_for


@dataclass
class AnswerStage:
    """Answers with one citation, on whatever thread runs it; may be held at a gate."""

    name: str = "answer"
    gate: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)
    threads: list[str] = field(default_factory=list)

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        self.threads.append(threading.current_thread().name)
        self.started.set()
        self.gate.wait(10)
        state.outcome = Outcome.ANSWERED
        state.answer = "Reset it from the sign-in page [1]."
        state.citations = [Citation(1, "chunk-reset", "Reset your password")]
        return StageReport()


class RecordingLedger:
    def __init__(self) -> None:
        self.runs: list[Observation] = []
        self.drops: list[str] = []

    def ran(self, sample: ShadowSample, seen: Observation) -> None:
        self.runs.append(seen)

    def dropped(self, sample: ShadowSample, reason: str) -> None:
        self.drops.append(reason)


def sample(served_outcome: str = "answered", top: str | None = "chunk-reset") -> ShadowSample:
    return ShadowSample(
        tenant_id="t1",
        rollout_id="r1",
        conversation_id="c1",
        text="how do I reset my password?",
        history=[HistoryTurn("customer", "hi")],
        served_turn_id="turn-1",
        served_outcome=served_outcome,
        top_citation=top,
    )


def test_a_shadow_run_waits_for_no_customer_in_flight_and_runs_off_the_request_thread() -> None:
    stage, ledger, load = AnswerStage(), RecordingLedger(), BusyGauge()
    stage.gate.set()
    runner = LocalShadows(ledger, max_backlog=4, wait_s=10, load=load)
    try:
        with load.turn():  # a customer turn is being answered
            runner.offer(Pipeline("cand@1", [stage]), sample())
            assert not stage.started.wait(0.5)  # nothing runs while the customer waits
        wait_for(lambda: len(ledger.runs) == 1, timeout_s=10, what="the shadow run")
        assert stage.threads == ["shadow"]
        assert threading.current_thread().name not in stage.threads
    finally:
        runner.close()


def test_a_full_backlog_drops_and_counts_instead_of_queueing() -> None:
    stage, ledger = AnswerStage(), RecordingLedger()
    runner = LocalShadows(ledger, max_backlog=2, wait_s=10, load=BusyGauge())
    pipeline = Pipeline("cand@1", [stage])
    try:
        runner.offer(pipeline, sample())
        assert stage.started.wait(10)  # the runner holds the first sample
        for _ in range(5):
            runner.offer(pipeline, sample())  # two fit, three do not
        assert ledger.drops == [BACKLOG_FULL] * 3
        assert runner.pending() == 3
        stage.gate.set()
        wait_for(lambda: runner.pending() == 0, timeout_s=10, what="the backlog to run")
        assert len(ledger.runs) == 3
    finally:
        runner.close()


def test_a_process_busy_for_longer_than_the_wait_drops_the_sample() -> None:
    stage, ledger, load = AnswerStage(), RecordingLedger(), BusyGauge()
    stage.gate.set()
    runner = LocalShadows(ledger, max_backlog=2, wait_s=0.2, load=load)
    try:
        with load.turn():
            runner.offer(Pipeline("cand@1", [stage]), sample())
            wait_for(lambda: ledger.drops == [BUSY], timeout_s=10, what="the busy drop")
        assert not stage.started.is_set()
        assert ledger.runs == []
    finally:
        runner.close()


def test_a_shadow_run_is_compared_with_production() -> None:
    stage, ledger = AnswerStage(), RecordingLedger()
    stage.gate.set()
    runner = LocalShadows(ledger, max_backlog=4, wait_s=10, load=BusyGauge())
    pipeline = Pipeline("cand@1", [stage])
    try:
        runner.offer(pipeline, sample("answered", "chunk-reset"))
        runner.offer(pipeline, sample("handoff", "chunk-other"))
        wait_for(lambda: len(ledger.runs) == 2, timeout_s=10, what="both runs")
    finally:
        runner.close()
    same, different = ledger.runs
    assert (same.arm.value, same.turn_id, same.outcome) == ("shadow", "turn-1", "answered")
    assert (same.agrees, same.same_citation) == (True, True)
    assert (different.agrees, different.same_citation) == (False, False)


def test_a_sample_survives_the_trip_to_a_worker_as_json() -> None:
    import json

    original = sample()
    again = ShadowSample.from_payload(json.loads(json.dumps(original.to_payload())))
    assert again == original
