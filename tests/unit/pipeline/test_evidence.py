"""Resolved tickets are evidence, never passages a generator sees."""

from __future__ import annotations

from frontdesk.pipeline.stages.evidence import is_ticket, separate
from frontdesk.pipeline.state import Passage


def _passage(chunk_id: str, score: float, **metadata: object) -> Passage:
    return Passage(chunk_id=chunk_id, text="text", title=chunk_id, score=score, metadata=metadata)


def test_tickets_are_set_aside_and_servable_passages_keep_their_order() -> None:
    found = [
        _passage("ticket-1", 0.9, ticket="T-1", question="q", answer="a", dense=0.8),
        _passage("article", 0.8, dense=0.6),
        _passage("faq", 0.7, question="q", answer="a", row=1),
        _passage("ticket-2", 0.6, ticket="T-2", dense=0.5),
        _passage("article-2", 0.5),
    ]
    evidence = separate(found, top_k=2)
    assert [p.chunk_id for p in evidence.served] == ["article", "faq"]
    assert [p.chunk_id for p in evidence.tickets] == ["ticket-1", "ticket-2"]
    assert evidence.ticket_support == 0.8
    assert evidence.record()[0] == {
        "ticket": "T-1",
        "chunk_id": "ticket-1",
        "score": 0.9,
        "similarity": 0.8,
    }


def test_promoted_faq_entries_are_served() -> None:
    # handoff/promotion.py promotes a ticket as an FAQ row: question and answer, no ticket id.
    promoted = _passage("promoted", 0.9, question="Can I?", answer="Yes.", row=1)
    assert not is_ticket(promoted)
    assert separate([promoted], top_k=5).served == [promoted]


def test_no_tickets_means_no_support() -> None:
    evidence = separate([_passage("article", 0.5)], top_k=5)
    assert evidence.tickets == []
    assert evidence.ticket_support == 0.0
    assert evidence.record() == []
