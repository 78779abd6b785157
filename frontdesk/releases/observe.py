"""How a turn went, in the figures rollouts compare (errors, safety, confidence, latency)."""

from __future__ import annotations

from frontdesk.domain.conversation import Outcome, StageTrace
from frontdesk.domain.release import Arm, Observation
from frontdesk.pipeline.state import TurnState

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
