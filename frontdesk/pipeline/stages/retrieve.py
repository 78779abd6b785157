"""Retrieve: search the tenant's knowledge for the standalone query.

Resolved tickets are searched with everything else but never passed on as passages
(see :mod:`frontdesk.pipeline.stages.evidence`): the search goes ``TICKET_HEADROOM``
deeper so ``top_k`` servable passages remain, and the tickets that matched are recorded
as evidence (``ticket_support``) for the decide stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.pipeline.protocols import KnowledgeBase, StageReport
from frontdesk.pipeline.stages.evidence import TICKET_HEADROOM, separate
from frontdesk.pipeline.state import Passage, TurnState


@dataclass
class KnowledgeRetriever:
    name: str
    knowledge: KnowledgeBase
    top_k: int = 5

    def warm_up(self) -> None:
        self.knowledge.warm_up()

    def run(self, state: TurnState) -> StageReport:
        query = state.query or state.text
        found = self.knowledge.search(
            state.tenant_id, query, self.top_k + TICKET_HEADROOM, language=state.language or "en"
        )
        return self.report(state, found)

    def report(self, state: TurnState, found: list[Passage]) -> StageReport:
        """Keep the ``top_k`` best servable passages of ``found`` as the turn's, record
        the tickets among them as evidence, and say what was found (or why nothing was)."""
        evidence = separate(found, self.top_k)
        passages = evidence.served
        state.passages = passages
        state.details["ticket_support"] = round(evidence.ticket_support, 4)
        flags: list[str] = []
        if not passages:
            empty = self.knowledge.chunk_count(state.tenant_id) == 0
            flags.append("no_knowledge" if empty else "no_results")
        detail: dict[str, object] = {"chunk_ids": [p.chunk_id for p in passages]}
        if evidence.tickets:
            detail["tickets"] = evidence.record()
        return StageReport(
            scores={
                "passages": float(len(passages)),
                "top_score": passages[0].score if passages else 0.0,
                "ticket_support": round(evidence.ticket_support, 4),
            },
            flags=flags,
            detail=detail,
        )
