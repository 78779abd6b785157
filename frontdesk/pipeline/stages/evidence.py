"""Which retrieved passages may be served to a customer, and what the rest still tells us.

A resolved ticket is one customer's case and one agent's reply to it: names, amounts,
claim numbers and promises of actions taken ("I've refunded it"). It is evidence of what
customers ask and how it was solved, never a reply to someone else. So ticket chunks
(the loader marks them with a ``ticket`` id in their metadata) are taken out of the
passages every generator sees, extractive or LLM, and kept aside as evidence: how
closely a past ticket matches the question (``ticket_support``) is a signal the decide
stage may weigh.

A ticket an agent promoted to knowledge is stored as a generalised FAQ entry (question
and answer, no ``ticket`` id), so it is served like any FAQ entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontdesk.pipeline.state import Passage

TICKET_KEY = "ticket"
# Marks the article passage a matching ticket's reply led to (see the retrieve stage).
HOP_KEY = "ticket_hop"
# How many extra results a retriever asks for so that removing tickets still leaves
# ``top_k`` servable passages in the usual case.
TICKET_HEADROOM = 10


def is_ticket(passage: Passage) -> bool:
    """A resolved ticket's chunk: evidence only, never served."""
    return passage.metadata.get(TICKET_KEY) is not None


@dataclass(frozen=True, slots=True)
class Evidence:
    served: list[Passage]  # articles, FAQ and other knowledge, best first
    tickets: list[Passage]  # resolved tickets that matched, best first

    @property
    def ticket_support(self) -> float:
        """How close the best matching ticket is to the question (its dense cosine)."""
        return max((similarity_of(t) for t in self.tickets), default=0.0)

    def record(self, limit: int = 3) -> list[dict[str, object]]:
        """Which tickets matched, for the trace: ids and scores, never their text."""
        return [
            {
                "ticket": str(t.metadata.get(TICKET_KEY)),
                "chunk_id": t.chunk_id,
                "score": round(t.score, 4),
                "similarity": round(similarity_of(t), 4),
            }
            for t in self.tickets[:limit]
        ]


def separate(passages: Sequence[Passage], top_k: int) -> Evidence:
    """The ``top_k`` best servable passages, and the tickets that ranked among them."""
    served = [p for p in passages if not is_ticket(p)]
    tickets = [p for p in passages if is_ticket(p)]
    return Evidence(served=served[:top_k], tickets=tickets)


def similarity_of(passage: Passage) -> float:
    """The question's cosine to the passage body or title; its fused score without them."""
    dense = [passage.metadata.get(key) for key in ("dense", "dense_title")]
    values = [float(v) for v in dense if isinstance(v, int | float)]
    return max(values) if values else passage.score
