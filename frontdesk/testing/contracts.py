"""The contract every ``generate`` stage keeps, as a check a plugin's tests can call.

``check_generator(stage)`` runs the stage on a grounded turn, on a turn with nothing
retrieved and on a question the passages do not answer, and raises ``AssertionError``
naming the broken promise. The built-in generators (extractive and LLM, with healthy,
broken and dead providers) are checked with it in tests/integration/llm/.
"""

from __future__ import annotations

from dataclasses import replace

from frontdesk.pipeline.protocols import Stage, StageReport
from frontdesk.pipeline.state import TurnState
from frontdesk.testing.turns import sample_turn


def _check_report(stage: Stage, state: TurnState, report: object) -> None:
    assert isinstance(report, StageReport), f"{stage.name}: run() must return a StageReport"
    assert state.answer.strip(), f"{stage.name}: every turn needs an answer text"
    assert 0.0 <= state.confidence <= 1.0, f"{stage.name}: confidence {state.confidence}"
    retrieved = {p.chunk_id for p in state.passages}
    numbers = [c.number for c in state.citations]
    assert numbers == list(range(1, len(numbers) + 1)), (
        f"{stage.name}: citations must be numbered 1..k, got {numbers}"
    )
    for citation in state.citations:
        assert citation.chunk_id in retrieved, (
            f"{stage.name}: cited {citation.chunk_id}, which was not retrieved"
        )
        assert f"[{citation.number}]" in state.answer, (
            f"{stage.name}: citation [{citation.number}] is not shown in the answer"
        )
    if not state.citations:
        assert state.confidence == 0.0, f"{stage.name}: an uncited answer must have no evidence"


def check_generator(stage: Stage) -> list[TurnState]:
    """Run the contract on ``stage``; returns the turns it ran, for further asserts."""
    grounded = sample_turn("How long do refunds take?")
    _check_report(stage, grounded, stage.run(grounded))
    assert grounded.outcome is None, f"{stage.name}: deciding is the decide stage's job"

    empty = sample_turn("How long do refunds take?")
    empty.passages = []
    _check_report(stage, empty, stage.run(empty))
    assert not empty.citations, f"{stage.name}: nothing retrieved, nothing to cite"

    unrelated = sample_turn("Can I pay with cryptocurrency?")
    unrelated.passages = [replace(unrelated.passages[0], score=0.05)]
    _check_report(stage, unrelated, stage.run(unrelated))
    return [grounded, empty, unrelated]
