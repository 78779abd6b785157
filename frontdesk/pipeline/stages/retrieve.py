"""Retrieve: search the tenant's knowledge for the standalone query."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.pipeline.protocols import KnowledgeBase, StageReport
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
        return self.report(state, self.knowledge.search(state.tenant_id, query, self.top_k))

    def report(self, state: TurnState, passages: list[Passage]) -> StageReport:
        """Keep ``passages`` as the turn's and say what was found (or why nothing was)."""
        state.passages = passages
        flags: list[str] = []
        if not passages:
            empty = self.knowledge.chunk_count(state.tenant_id) == 0
            flags.append("no_knowledge" if empty else "no_results")
        return StageReport(
            scores={
                "passages": float(len(passages)),
                "top_score": passages[0].score if passages else 0.0,
            },
            flags=flags,
            detail={"chunk_ids": [p.chunk_id for p in passages]},
        )
