"""The contract every ``generate`` stage keeps, as a check a plugin's tests can call.

``check_generator(stage)`` runs the stage on a grounded turn, on a turn with nothing
retrieved and on a question the passages do not answer, and raises ``AssertionError``
naming the broken promise. The built-in generators (extractive and LLM, with healthy,
broken and dead providers) are checked with it in tests/integration/llm/.
"""

from __future__ import annotations

from dataclasses import replace

from frontdesk.pipeline.protocols import Stage, StageReport
from frontdesk.pipeline.state import Passage, TurnState

PASSAGES = (
    Passage(
        chunk_id="refunds-1",
        title="Refunds",
        text=(
            "Refunds are issued within 5 business days to the original payment method. "
            "Store credit is available instantly."
        ),
        score=0.82,
        metadata={"dense": 0.71, "document_id": "kb-12"},
    ),
    Passage(
        chunk_id="shipping-2",
        title="Shipping to Norway",
        text="Parcels to Norway arrive in 5 to 7 business days and shipping costs 12 euros.",
        score=0.41,
        metadata={"dense": 0.35, "document_id": "kb-40"},
    ),
)


def _turn(text: str, passages: tuple[Passage, ...]) -> TurnState:
    return TurnState(
        tenant_id="t1", conversation_id="c1", text=text, query=text, passages=list(passages)
    )


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
    grounded = _turn("How long do refunds take?", PASSAGES)
    _check_report(stage, grounded, stage.run(grounded))
    assert grounded.outcome is None, f"{stage.name}: deciding is the decide stage's job"

    empty = _turn("How long do refunds take?", ())
    _check_report(stage, empty, stage.run(empty))
    assert not empty.citations, f"{stage.name}: nothing retrieved, nothing to cite"

    unrelated = _turn("Can I pay with cryptocurrency?", (replace(PASSAGES[0], score=0.05),))
    _check_report(stage, unrelated, stage.run(unrelated))
    return [grounded, empty, unrelated]
