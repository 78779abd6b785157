"""The pipeline runner records every stage and survives a broken one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from frontdesk.domain.conversation import Outcome, StageTrace
from frontdesk.domain.replies import FALLBACK_ANSWER
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import TurnState


@dataclass
class Recorder:
    name: str
    seen: list[str]

    def warm_up(self) -> None:
        self.seen.append(f"warm:{self.name}")

    def run(self, state: TurnState) -> StageReport:
        self.seen.append(self.name)
        return StageReport(scores={"x": 1.0}, flags=["noted"])


@dataclass
class Broken:
    name: str = "broken"

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        raise RuntimeError("boom")


def _state() -> TurnState:
    return TurnState(tenant_id="t", conversation_id="c", text="hello")


def test_stages_run_in_order_and_each_is_traced() -> None:
    seen: list[str] = []
    pipeline = Pipeline("r@1", [Recorder("a", seen), Recorder("b", seen)])
    pipeline.warm_up()
    state = _state()
    trace = pipeline.run(state)
    assert seen == ["warm:a", "warm:b", "a", "b"]
    assert [t.name for t in trace] == ["a", "b"]
    assert all(t.duration_ms >= 0 and t.scores == {"x": 1.0} for t in trace)
    assert state.flags == ["a:noted", "b:noted"]


def test_a_failing_stage_yields_an_honest_fallback_not_an_exception() -> None:
    seen: list[str] = []
    pipeline = Pipeline("r@1", [Recorder("a", seen), Broken(), Recorder("c", seen)])
    state = _state()
    trace = pipeline.run(state)
    assert [t.name for t in trace] == ["a", "broken"]
    assert trace[1].flags == ["error"]
    assert trace[1].detail == {"error": "RuntimeError"}
    assert seen == ["a"]
    assert state.outcome is Outcome.NO_ANSWER
    assert state.answer == FALLBACK_ANSWER
    assert state.escalation_reason == "error"


def test_duplicate_stage_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        Pipeline("r@1", [Recorder("a", []), Recorder("a", [])])


def test_a_shortcut_that_answers_replaces_the_stages_and_one_that_declines_does_not() -> None:
    seen: list[str] = []
    pipeline = Pipeline("r@1", [Recorder("a", seen), Recorder("b", seen)])

    def hit(state: TurnState) -> list[StageTrace]:
        state.answer, state.outcome = "from the cache", Outcome.ANSWERED
        return [StageTrace(name="cache", duration_ms=0.1)]

    state = _state()
    assert [t.name for t in pipeline.answer(state, hit)] == ["cache"]
    assert seen == []
    assert state.answer == "from the cache"
    assert state.details["language_steps"]["localised"] == "cached"
    state = _state()
    assert [t.name for t in pipeline.answer(state, lambda _: None)] == ["a", "b"]
    assert seen == ["a", "b"]


def test_a_hook_after_a_stage_that_answers_skips_the_rest() -> None:
    seen: list[str] = []
    pipeline = Pipeline("r@1", [Recorder("a", seen), Recorder("b", seen)], digest="d1")

    def hit(state: TurnState) -> list[StageTrace]:
        state.answer, state.outcome = "from the cache", Outcome.ANSWERED
        return [StageTrace(name="cache", duration_ms=0.1)]

    state = _state()
    assert [t.name for t in pipeline.answer(state, after={"a": hit})] == ["a", "cache"]
    assert seen == ["a"]
    assert state.answer == "from the cache"
    assert [t.name for t in pipeline.answer(_state(), after={"a": lambda _: None})] == ["a", "b"]
    assert pipeline.digest == "d1"
    assert Pipeline("r@1", [Recorder("a", [])]).digest == "r@1"
