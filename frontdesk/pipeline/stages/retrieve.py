"""Retrieve: search the tenant's knowledge for the standalone query.

Resolved tickets are searched with everything else but never passed on as passages
(see :mod:`frontdesk.pipeline.stages.evidence`): the search goes ``TICKET_HEADROOM``
deeper so ``top_k`` servable passages remain, and the tickets that matched are recorded
as evidence (``ticket_support``) for the decide stage.

With ``ticket_hop``, a message that reads more like a past ticket than like any article
("booked a pickup and nobody came!!") is also searched for with that ticket's agent reply,
which names the policy that resolved it in the help center's own words; the article passage
that search finds first is marked (``HOP_KEY``) for the generator to answer from first, and
joins the passages if the question alone did not find it. The ticket is never served.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from frontdesk.pipeline.protocols import KnowledgeBase, StageReport
from frontdesk.pipeline.stages.evidence import HOP_KEY, TICKET_HEADROOM, separate, similarity_of
from frontdesk.pipeline.state import Passage, TurnState
from frontdesk.retrieval.multilingual import WARMING
from frontdesk.retrieval.rarity import IDF_COVERAGE, MISSING_IDF
from frontdesk.retrieval.types import ENCODER_KEY


@dataclass
class KnowledgeRetriever:
    name: str
    knowledge: KnowledgeBase
    top_k: int = 5
    ticket_hop: bool = False
    ticket_hop_margin: float = 0.0  # how much closer than any article the ticket must be

    def warm_up(self) -> None:
        self.knowledge.warm_up()

    def run(self, state: TurnState) -> StageReport:
        query = state.query or state.text
        found = self.knowledge.search(
            state.tenant_id, query, self.top_k + TICKET_HEADROOM, language=state.language or "en"
        )
        if self.ticket_hop:
            found = self._hop(state, found)
        return self.report(state, found)

    def _hop(self, state: TurnState, found: list[Passage]) -> list[Passage]:
        """``found`` with the passage a closely matching ticket's reply points to first."""
        evidence = separate(found, self.top_k)
        if not evidence.tickets or not evidence.served:
            return found
        ticket = max(evidence.tickets, key=similarity_of)
        reply = ticket.metadata.get("answer")
        closest = max(similarity_of(p) for p in evidence.served)
        if not isinstance(reply, str) or similarity_of(ticket) <= closest + self.ticket_hop_margin:
            return found
        hopped = separate(
            self.knowledge.search(state.tenant_id, reply, self.top_k + TICKET_HEADROOM), 1
        ).served
        if not hopped:
            return found
        target = hopped[0]
        state.details["ticket_hop"] = target.chunk_id
        marked = {**target.metadata, HOP_KEY: True}
        if any(p.chunk_id == target.chunk_id for p in evidence.served):
            # Found by the question too: it keeps its place and its scores.
            return [
                replace(p, metadata=marked) if p.chunk_id == target.chunk_id else p for p in found
            ]
        # Not among the question's own passages: it takes the last servable place, with the
        # lowest servable scores, so the decide stage's signals are never raised by the hop.
        weakest = evidence.served[-1]
        low = {
            k: weakest.metadata.get(k)
            for k in ("dense", "dense_title", "bm25", IDF_COVERAGE, MISSING_IDF)
        }
        hop = replace(target, score=weakest.score, metadata={**marked, **low})
        kept = [p for p in found if p.chunk_id != weakest.chunk_id]
        served_before = evidence.served[:-1]
        at = max((kept.index(p) for p in served_before), default=-1) + 1
        return [*kept[:at], hop, *kept[at:]]

    def report(self, state: TurnState, found: list[Passage]) -> StageReport:
        """Keep the ``top_k`` best servable passages of ``found`` as the turn's, record
        the tickets among them as evidence, and say what was found (or why nothing was)."""
        evidence = separate(found, self.top_k)
        passages = evidence.served
        state.passages = passages
        state.details["ticket_support"] = round(evidence.ticket_support, 4)
        flags: list[str] = []
        if any(p.metadata.get(WARMING) for p in found):
            # Searched before the multilingual index was complete (see the decide stage).
            state.details[WARMING] = True
            flags.append(WARMING)
        if not passages:
            empty = self.knowledge.chunk_count(state.tenant_id) == 0
            flags.append("no_knowledge" if empty else "no_results")
        detail: dict[str, object] = {"chunk_ids": [p.chunk_id for p in passages]}
        if evidence.tickets:
            detail["tickets"] = evidence.record()
        hop = state.details.get("ticket_hop")
        if hop is not None:
            detail["ticket_hop"] = hop
        encoder = found[0].metadata.get(ENCODER_KEY) if found else None
        if encoder is not None:  # the tenant's adapted retrieval encoder (knowledge adapt)
            detail["encoder"] = encoder
        return StageReport(
            scores={
                "passages": float(len(passages)),
                "top_score": passages[0].score if passages else 0.0,
                "ticket_support": round(evidence.ticket_support, 4),
            },
            flags=flags,
            detail=detail,
        )
