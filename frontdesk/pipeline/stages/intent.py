"""Intent: classify the message, then route it by the release's policy for that intent.

Routes: ``answer`` (from the knowledge base, the default), ``canned`` (a fixed reply),
``handoff`` (a person takes over), ``clarify`` (ask a clarifying question). A tenant
without a trained model skips classification and every message is answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from frontdesk.domain.conversation import Outcome
from frontdesk.domain.replies import CLARIFY_REPLY, HANDOFF_ANSWER
from frontdesk.pipeline.protocols import IntentModels, StageReport
from frontdesk.pipeline.state import TurnState

Route = Literal["answer", "canned", "handoff", "clarify"]
OUT_OF_SCOPE = "out_of_scope"


@dataclass
class IntentRouter:
    name: str
    service: IntentModels
    routes: dict[str, Route] = field(default_factory=dict)
    canned: dict[str, str] = field(default_factory=dict)
    out_of_scope_route: Route = "answer"
    model_version: str | None = None  # None: the tenant's active model

    def __post_init__(self) -> None:
        for label, route in self.routes.items():
            if route not in ("answer", "canned", "handoff", "clarify"):
                raise ValueError(f"intent {label!r}: unknown route {route!r}")
            if route == "canned" and not self.canned.get(label):
                raise ValueError(f"intent {label!r} routes to a canned reply but has none")

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        model = self.service.active_model(state.tenant_id, self.model_version)
        if model is None:
            state.details["route"] = "answer"
            return StageReport(flags=["no_model"])
        prediction = model.predict(state.text)
        label = OUT_OF_SCOPE if prediction.out_of_scope else prediction.label
        route = (
            self.out_of_scope_route if prediction.out_of_scope else self.routes.get(label, "answer")
        )
        state.details.update(
            intent=label,
            intent_confidence=round(prediction.confidence, 4),
            out_of_scope=prediction.out_of_scope,
            route=route,
            intent_model=model.version,
        )
        if route == "canned":
            state.answer, state.confidence = self.canned[label], 1.0
            state.outcome = Outcome.ANSWERED
        elif route == "handoff":
            state.answer, state.outcome = HANDOFF_ANSWER, Outcome.HANDOFF
            state.escalation_reason = f"intent:{label}"
        elif route == "clarify":
            state.answer = self.canned.get(label) or CLARIFY_REPLY
            state.outcome = Outcome.CLARIFY
        return StageReport(
            scores={"intent_confidence": round(prediction.confidence, 4)},
            flags=["out_of_scope"] if prediction.out_of_scope else [],
            detail={"intent": label, "route": route},
        )
