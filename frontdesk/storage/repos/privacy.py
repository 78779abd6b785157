"""What erasure and data-subject access touch: a customer's conversations and everything
hanging off them, always within one tenant."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select, update
from sqlalchemy.orm import Session

from frontdesk.storage.console_tables import TicketNoteRow
from frontdesk.storage.ids import new_id
from frontdesk.storage.integration_tables import ChatwootConversationRow, ChatwootMessageRow
from frontdesk.storage.ops_tables import WebhookDeliveryRow
from frontdesk.storage.repos.answer_cache import erase_for_conversations
from frontdesk.storage.repos.knowledge import bump_version
from frontdesk.storage.repos.tenant_names import remove_customer_names, remove_names
from frontdesk.storage.tables import (
    ChunkRow,
    ConversationRow,
    CustomerIdentifierRow,
    DocumentRow,
    ErasureRow,
    FeedbackRow,
    TenantNameRow,
    TicketRow,
    TurnRow,
    utcnow,
)

PROMOTED = "promoted/"
REVIEW_REASON = (
    "erasure: promoted from a conversation whose customer asked to be erased; "
    "review it (release or delete) before it is served again"
)


def conversation_ids(
    session: Session,
    tenant_id: str,
    *,
    customer_id: str | None = None,
    conversation_id: str | None = None,
    digest: str | None = None,
) -> list[str]:
    """The tenant's conversations of one customer (by the tenant's customer id), one
    conversation, or those where an identifier (by its digest) was written."""
    if customer_id is not None:
        query = select(ConversationRow.id).where(
            ConversationRow.tenant_id == tenant_id, ConversationRow.customer_id == customer_id
        )
    elif conversation_id is not None:
        query = select(ConversationRow.id).where(
            ConversationRow.tenant_id == tenant_id, ConversationRow.id == conversation_id
        )
    else:
        query = select(CustomerIdentifierRow.conversation_id).where(
            CustomerIdentifierRow.tenant_id == tenant_id, CustomerIdentifierRow.digest == digest
        )
    return sorted(set(session.scalars(query)))


def expired_conversations(
    session: Session, tenant_id: str, cutoff: datetime, limit: int
) -> list[str]:
    """Conversations last touched before ``cutoff`` that no person is handling."""
    query = (
        select(ConversationRow.id)
        .where(
            ConversationRow.tenant_id == tenant_id,
            ConversationRow.updated_at < cutoff,
            ConversationRow.status != "human",
        )
        .order_by(ConversationRow.updated_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def erase_conversations(session: Session, tenant_id: str, ids: list[str]) -> Counter[str]:
    """Delete the conversations with their turns, tickets and agents' notes, feedback,
    identifier digests, the names their tickets taught the tenant's name list, the cache
    entries first answered in them, webhook events naming them and a help desk's copies of
    their messages; quarantine knowledge promoted from them for review. Counts per kind."""
    removed: Counter[str] = Counter()
    if not ids:
        return removed
    tickets = list(
        session.scalars(
            select(TicketRow.id).where(
                TicketRow.tenant_id == tenant_id, TicketRow.conversation_id.in_(ids)
            )
        )
    )
    customer_turns = list(
        session.scalars(
            select(TurnRow.id).where(
                TurnRow.tenant_id == tenant_id,
                TurnRow.conversation_id.in_(ids),
                TurnRow.speaker == "customer",
            )
        )
    )
    removed["knowledge_flagged"] = _flag_promoted(session, tenant_id, tickets, customer_turns)
    removed.update(_erase_outboxes(session, tenant_id, ids, tickets))
    # Answers first given to them: their question is their words.
    removed["cache_entries"] = erase_for_conversations(session, tenant_id, ids)
    for kind, table in (
        ("feedback", FeedbackRow),
        ("tickets", TicketRow),
        ("turns", TurnRow),
        ("identifiers", CustomerIdentifierRow),
        ("names", TenantNameRow),  # their name, learned from their ticket
    ):
        result = session.execute(
            delete(table).where(table.tenant_id == tenant_id, table.conversation_id.in_(ids))
        )
        removed[kind] = int(getattr(result, "rowcount", 0) or 0)
    result = session.execute(
        delete(ConversationRow).where(
            ConversationRow.tenant_id == tenant_id, ConversationRow.id.in_(ids)
        )
    )
    removed["conversations"] = int(getattr(result, "rowcount", 0) or 0)
    return removed


def erase_ingested_tickets(session: Session, tenant_id: str, customer_id: str) -> Counter[str]:
    """Delete the resolved tickets of ``customer_id`` ingested as knowledge (rows of a
    tickets file that named them in ``customer_id``: their words, not the tenant's) and the
    names those tickets taught the tenant's name list. Counts per kind."""
    removed = _erase_ticket_chunks(
        session, tenant_id, _ingested_ticket_chunks(tenant_id, customer_id)
    )
    removed["names"] = remove_customer_names(session, tenant_id, customer_id)
    return removed


def erase_ingested_tickets_naming(
    session: Session, tenant_id: str, digest: str, digests_in: Callable[[str], list[str]]
) -> Counter[str]:
    """Delete the ingested resolved tickets whose text holds the e-mail address or phone
    number of ``digest`` (``digests_in``: the digests of the identifiers in a text), also
    those without a customer id, and the names they taught the list: those tied to their
    customer id, and, of the names tied to no customer, those the erased tickets hold and
    no remaining ticket does. Counts per kind."""
    rows = session.execute(
        select(ChunkRow.id, ChunkRow.text, ChunkRow.metadata_).where(
            ChunkRow.tenant_id == tenant_id, ChunkRow.document_id.in_(_ticket_documents(tenant_id))
        )
    ).all()
    mine = {c.id for c in ingested_tickets_naming(session, tenant_id, digest, digests_in)}
    theirs = [(i, text, dict(meta or {})) for i, text, meta in rows if i in mine]
    if not theirs:
        return Counter()
    removed = _erase_ticket_chunks(
        session,
        tenant_id,
        [ChunkRow.tenant_id == tenant_id, ChunkRow.id.in_([i for i, _, _ in theirs])],
    )
    customers = {str(meta["customer_id"]) for _, _, meta in theirs if meta.get("customer_id")}
    names = sum(remove_customer_names(session, tenant_id, c) for c in customers)
    erased = " ".join(text for _, text, _ in theirs).casefold()
    kept = " ".join(text for i, text, _ in rows if i not in {j for j, _, _ in theirs}).casefold()
    unowned = session.scalars(
        select(TenantNameRow.name).where(
            TenantNameRow.tenant_id == tenant_id,
            TenantNameRow.source == "ticket",
            TenantNameRow.customer_id.is_(None),
            TenantNameRow.conversation_id.is_(None),
        )
    ).all()
    learned = [n for n in unowned if _names_in(n, erased) and not _names_in(n, kept)]
    if learned:
        names += remove_names(session, tenant_id, learned)
    removed["names"] = names
    return removed


def ingested_tickets_naming(
    session: Session, tenant_id: str, digest: str, digests_in: Callable[[str], list[str]]
) -> list[ChunkRow]:
    """The tenant's ingested resolved tickets whose text holds the identifier of ``digest``."""
    chunks = session.scalars(
        select(ChunkRow)
        .where(
            ChunkRow.tenant_id == tenant_id, ChunkRow.document_id.in_(_ticket_documents(tenant_id))
        )
        .order_by(ChunkRow.document_id, ChunkRow.position)
    )
    return [c for c in chunks if digest in digests_in(c.text)]


def _names_in(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _erase_ticket_chunks(
    session: Session, tenant_id: str, theirs: list[ColumnElement[bool]]
) -> Counter[str]:
    removed: Counter[str] = Counter()
    documents = list(session.scalars(select(ChunkRow.document_id).where(*theirs).distinct()))
    result = session.execute(delete(ChunkRow).where(*theirs))
    removed["knowledge_tickets"] = int(getattr(result, "rowcount", 0) or 0)
    if removed["knowledge_tickets"]:
        for document in documents:  # the file's chunk count stays true
            left = (
                select(func.count())
                .select_from(ChunkRow)
                .where(ChunkRow.tenant_id == tenant_id, ChunkRow.document_id == document)
            )
            session.execute(
                update(DocumentRow)
                .where(DocumentRow.tenant_id == tenant_id, DocumentRow.id == document)
                .values(chunk_count=left.scalar_subquery())
            )
        bump_version(session, tenant_id)  # every replica and search index drops them
    return removed


def ingested_tickets_of(session: Session, tenant_id: str, customer_id: str) -> list[ChunkRow]:
    return list(
        session.scalars(
            select(ChunkRow)
            .where(*_ingested_ticket_chunks(tenant_id, customer_id))
            .order_by(ChunkRow.document_id, ChunkRow.position)
        )
    )


def _ticket_documents(tenant_id: str) -> Select[str]:
    return select(DocumentRow.id).where(
        DocumentRow.tenant_id == tenant_id, DocumentRow.kind == "tickets"
    )


def _ingested_ticket_chunks(tenant_id: str, customer_id: str) -> list[ColumnElement[bool]]:
    return [
        ChunkRow.tenant_id == tenant_id,
        ChunkRow.document_id.in_(_ticket_documents(tenant_id)),
        ChunkRow.metadata_["customer_id"].as_string() == customer_id,
    ]


def _erase_outboxes(
    session: Session, tenant_id: str, ids: list[str], tickets: list[str]
) -> Counter[str]:
    """What hangs off the conversations outside the conversation tables: agents' notes on
    their tickets, webhook events naming them (sent or not), and a help desk's copies of
    their messages (the Chatwoot event holds the contact's name and e-mail address)."""
    removed: Counter[str] = Counter()
    notes = session.execute(
        delete(TicketNoteRow).where(
            TicketNoteRow.tenant_id == tenant_id, TicketNoteRow.ticket_id.in_(tickets)
        )
    )
    removed["notes"] = int(getattr(notes, "rowcount", 0) or 0)
    events = session.execute(
        delete(WebhookDeliveryRow).where(
            WebhookDeliveryRow.tenant_id == tenant_id,
            WebhookDeliveryRow.payload[("data", "conversation_id")].as_string().in_(ids),
        )
    )
    removed["webhook_events"] = int(getattr(events, "rowcount", 0) or 0)
    chatwoot = select(ChatwootConversationRow.chatwoot_id).where(
        ChatwootConversationRow.tenant_id == tenant_id,
        ChatwootConversationRow.conversation_id.in_(ids),
    )
    messages = session.execute(
        delete(ChatwootMessageRow).where(
            ChatwootMessageRow.tenant_id == tenant_id,
            ChatwootMessageRow.chatwoot_conversation_id.in_(chatwoot),
        )
    )
    removed["helpdesk_messages"] = int(getattr(messages, "rowcount", 0) or 0)
    session.execute(
        delete(ChatwootConversationRow).where(
            ChatwootConversationRow.tenant_id == tenant_id,
            ChatwootConversationRow.conversation_id.in_(ids),
        )
    )
    return removed


def _flag_promoted(
    session: Session, tenant_id: str, tickets: list[str], customer_turns: list[str]
) -> int:
    uris = [f"{PROMOTED}{t}.jsonl" for t in tickets]
    uris += [f"{PROMOTED}ticket-{t}.jsonl" for t in tickets]
    uris += [f"{PROMOTED}question-{t}.jsonl" for t in customer_turns]
    if not uris:
        return 0
    documents = select(DocumentRow.id).where(
        DocumentRow.tenant_id == tenant_id, DocumentRow.uri.in_(uris)
    )
    result = session.execute(
        update(ChunkRow)
        .where(
            ChunkRow.tenant_id == tenant_id,
            ChunkRow.document_id.in_(documents),
            or_(ChunkRow.status != "quarantined", ChunkRow.status.is_(None)),
        )
        .values(status="quarantined", quarantine_reason=REVIEW_REASON, quarantine_score=None)
    )
    flagged = int(getattr(result, "rowcount", 0) or 0)
    if flagged:
        bump_version(session, tenant_id)  # every replica rebuilds its index without them
    return flagged


def record_erasure(
    session: Session,
    tenant_id: str,
    *,
    actor: str,
    scope: str,
    subject_digest: str,
    removed: dict[str, int],
) -> dict[str, Any]:
    row = ErasureRow(
        id=new_id(),
        tenant_id=tenant_id,
        actor=actor,
        scope=scope,
        subject_digest=subject_digest,
        removed=removed,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return {"id": row.id, "created_at": row.created_at.isoformat()}


def list_erasures(session: Session, tenant_id: str, limit: int = 100) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ErasureRow)
        .where(ErasureRow.tenant_id == tenant_id)
        .order_by(ErasureRow.created_at.desc())
        .limit(limit)
    )
    return [
        {
            "id": r.id,
            "actor": r.actor,
            "scope": r.scope,
            "removed": dict(r.removed or {}),
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]


def metadata_of(session: Session, tenant_id: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = session.execute(
        select(ConversationRow.id, ConversationRow.metadata_).where(
            ConversationRow.tenant_id == tenant_id, ConversationRow.id.in_(ids)
        )
    )
    return {str(i): dict(m or {}) for i, m in rows}


def feedback_of(session: Session, tenant_id: str, ids: list[str]) -> list[FeedbackRow]:
    return list(
        session.scalars(
            select(FeedbackRow)
            .where(FeedbackRow.tenant_id == tenant_id, FeedbackRow.conversation_id.in_(ids))
            .order_by(FeedbackRow.created_at)
        )
    )


def tickets_of(session: Session, tenant_id: str, ids: list[str]) -> list[TicketRow]:
    return list(
        session.scalars(
            select(TicketRow)
            .where(TicketRow.tenant_id == tenant_id, TicketRow.conversation_id.in_(ids))
            .order_by(TicketRow.created_at)
        )
    )
