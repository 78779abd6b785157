"""What a tenant's people approved, read for fine-tuning data: resolved handoffs, answers
rated thumbs-up, promoted FAQ entries and ingested resolved tickets.

Quarantined chunks are never read: erasing a customer quarantines the knowledge promoted
from them, and a training file must not bring it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.domain.conversation import Turn
from frontdesk.domain.handoff import TicketStatus
from frontdesk.errors import NotFoundError
from frontdesk.storage.repos import conversations
from frontdesk.storage.tables import ChunkRow, DocumentRow, FeedbackRow, TicketRow

PROMOTED_PREFIX = "promoted/"  # as frontdesk.handoff.promotion writes them


@dataclass(frozen=True, slots=True)
class ResolvedHandoff:
    """A resolved ticket and its conversation's turns, oldest first."""

    ticket_id: str
    opened_at_seq: int  # the first turn at or after the ticket was opened
    turns: tuple[Turn, ...]


@dataclass(frozen=True, slots=True)
class KnowledgePair:
    """A question and its answer stored as one knowledge chunk (FAQ row or ticket)."""

    chunk_id: str
    question: str
    answer: str
    source: str  # the ticket id, or the ``promoted_from`` key ("" when none)


@dataclass(frozen=True, slots=True)
class ChunkText:
    chunk_id: str
    title: str
    text: str
    url: str | None


def resolved_handoffs(session: Session, tenant_id: str) -> list[ResolvedHandoff]:
    """Every resolved ticket of the tenant with its conversation's turns."""
    tickets = session.execute(
        select(TicketRow.id, TicketRow.conversation_id, TicketRow.created_at)
        .where(TicketRow.tenant_id == tenant_id, TicketRow.status == TicketStatus.RESOLVED.value)
        .order_by(TicketRow.created_at, TicketRow.id)
    ).all()
    found = []
    for ticket_id, conversation_id, opened in tickets:
        turns = tuple(conversations.get(session, tenant_id, conversation_id).turns)
        after = [t.seq for t in turns if t.created_at >= opened]
        found.append(ResolvedHandoff(ticket_id, after[0] if after else 0, turns))
    return found


def thumbs_up_answers(session: Session, tenant_id: str) -> list[tuple[Turn, Turn]]:
    """(customer question, assistant answer) for each answer whose latest thumbs is up."""
    rows = session.execute(
        select(FeedbackRow.turn_id, FeedbackRow.value)
        .where(
            FeedbackRow.tenant_id == tenant_id,
            FeedbackRow.kind == "thumbs",
            FeedbackRow.turn_id.is_not(None),
        )
        .order_by(FeedbackRow.created_at, FeedbackRow.id)
    ).all()
    latest: dict[str, int] = {}
    for turn_id, value in rows:
        if turn_id is not None:
            latest[turn_id] = value  # a later thumbs-down withdraws the approval
    pairs = []
    for turn_id, value in latest.items():
        if value <= 0:
            continue
        try:
            answer = conversations.find_turn(session, tenant_id, turn_id)
            if answer.in_reply_to is None:
                continue
            pairs.append((conversations.find_turn(session, tenant_id, answer.in_reply_to), answer))
        except NotFoundError:  # erased since it was rated
            continue
    return pairs


def promoted_entries(session: Session, tenant_id: str) -> list[KnowledgePair]:
    """FAQ entries agents approved (documents under ``promoted/``)."""
    return _pairs(
        session,
        tenant_id,
        (DocumentRow.kind == "faq") & DocumentRow.uri.startswith(PROMOTED_PREFIX),
        "promoted_from",
    )


def faq_entries(session: Session, tenant_id: str) -> list[KnowledgePair]:
    """Every FAQ entry: loaded from files and promoted by agents."""
    return _pairs(session, tenant_id, DocumentRow.kind == "faq", "promoted_from")


def ingested_tickets(session: Session, tenant_id: str) -> list[KnowledgePair]:
    """Resolved tickets loaded from files (documents of kind ``tickets``)."""
    return _pairs(session, tenant_id, DocumentRow.kind == "tickets", "ticket")


def chunk_texts(session: Session, tenant_id: str, chunk_ids: Sequence[str]) -> list[ChunkText]:
    """The servable chunks among ``chunk_ids``."""
    rows = session.execute(
        select(ChunkRow.id, ChunkRow.title, ChunkRow.text, ChunkRow.url).where(
            ChunkRow.tenant_id == tenant_id,
            ChunkRow.id.in_(list(chunk_ids)),
            ChunkRow.status != "quarantined",
        )
    ).all()
    return [ChunkText(*row) for row in rows]


def _pairs(session: Session, tenant_id: str, which: Any, source_key: str) -> list[KnowledgePair]:
    rows = session.execute(
        select(ChunkRow.id, ChunkRow.metadata_)
        .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
        .where(ChunkRow.tenant_id == tenant_id, ChunkRow.status != "quarantined", which)
        .order_by(DocumentRow.created_at, ChunkRow.document_id, ChunkRow.position)
    ).all()
    found = []
    for chunk_id, metadata in rows:
        values = dict(metadata or {})
        question, answer = values.get("question"), values.get("answer")
        if isinstance(question, str) and isinstance(answer, str):
            found.append(
                KnowledgePair(chunk_id, question, answer, str(values.get(source_key) or ""))
            )
    return found
