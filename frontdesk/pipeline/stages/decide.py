"""Decide: answer, or say honestly that there is no grounded answer."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.domain.conversation import Outcome
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.stages.generate import NO_EVIDENCE_ANSWER
from frontdesk.pipeline.state import TurnState


@dataclass
class ThresholdDecider:
    """Answer when the cited evidence is close enough to the question.

    ``min_confidence`` is compared with the generator's confidence (for the extractive
    generator: the cosine of question and cited passage); chosen on the demo help
    center's answerable/unanswerable questions until calibration lands.
    """

    name: str
    min_confidence: float = 0.45

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError("min_confidence must be between 0 and 1")

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        if state.outcome is not None:  # an earlier stage already decided (e.g. a guard)
            return StageReport(detail={"decided_by": "earlier_stage"})
        if state.citations and state.confidence >= self.min_confidence:
            state.outcome = Outcome.ANSWERED
            return StageReport(scores={"confidence": state.confidence})
        state.outcome = Outcome.NO_ANSWER
        if state.citations:  # evidence too weak: never show a guess
            state.answer, state.citations = NO_EVIDENCE_ANSWER, []
        no_knowledge = "retrieve:no_knowledge" in state.flags
        state.escalation_reason = "no_knowledge" if no_knowledge else "low_confidence"
        return StageReport(scores={"confidence": state.confidence}, flags=[state.escalation_reason])
