"""Conversations and their turns, always filtered by tenant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from frontdesk.domain.conversation import (
    Conversation,
    ConversationStatus,
    Outcome,
    Speaker,
    Turn,
)
from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import ConversationRow, CustomerIdentifierRow, TurnRow, utcnow


def _turn(row: TurnRow) -> Turn:
    return from_row(
        Turn,
        row,
        speaker=Speaker(row.speaker),
        outcome=Outcome(row.outcome) if row.outcome else None,
        trace=list(row.trace or []),
        citations=list(row.citations or []),
        details=dict(row.details or {}),
    )


def _conversation(row: ConversationRow, turns: list[Turn]) -> Conversation:
    return from_row(
        Conversation,
        row,
        status=ConversationStatus(row.status),
        turns=turns,
        metadata=dict(row.metadata_ or {}),
    )


def create(
    session: Session,
    tenant_id: str,
    *,
    channel: str,
    created_by_key: str | None,
    metadata: dict[str, Any],
    customer_id: str | None = None,
) -> Conversation:
    now = utcnow()
    row = ConversationRow(
        id=new_id(),
        tenant_id=tenant_id,
        status=ConversationStatus.BOT.value,
        channel=channel,
        created_by_key=created_by_key,
        customer_id=customer_id,
        metadata_=metadata,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _conversation(row, [])


def _row(session: Session, tenant_id: str, conversation_id: str, lock: bool) -> ConversationRow:
    query = select(ConversationRow).where(
        ConversationRow.id == conversation_id, ConversationRow.tenant_id == tenant_id
    )
    if lock:  # serialise appends to one conversation (PostgreSQL; SQLite locks the file)
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise NotFoundError(f"conversation {conversation_id!r} not found")
    return row


def get(session: Session, tenant_id: str, conversation_id: str) -> Conversation:
    row = _row(session, tenant_id, conversation_id, lock=False)
    turns = session.scalars(
        select(TurnRow)
        .where(TurnRow.tenant_id == tenant_id, TurnRow.conversation_id == conversation_id)
        .order_by(TurnRow.seq)
    )
    return _conversation(row, [_turn(t) for t in turns])


def lock(session: Session, tenant_id: str, conversation_id: str) -> Conversation:
    """The conversation (without turns), locked for appending until the transaction ends."""
    return _conversation(_row(session, tenant_id, conversation_id, lock=True), [])


def set_status(
    session: Session, tenant_id: str, conversation_id: str, status: ConversationStatus
) -> None:
    session.execute(
        update(ConversationRow)
        .where(ConversationRow.id == conversation_id, ConversationRow.tenant_id == tenant_id)
        .values(status=status.value, updated_at=utcnow())
    )


def get_turn(session: Session, tenant_id: str, conversation_id: str, turn_id: str) -> Turn:
    row = session.scalar(
        select(TurnRow).where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.conversation_id == conversation_id,
            TurnRow.id == turn_id,
        )
    )
    if row is None:
        raise NotFoundError(f"turn {turn_id!r} not found in this conversation")
    return _turn(row)


def list_recent(session: Session, tenant_id: str, limit: int, offset: int) -> list[Conversation]:
    rows = session.scalars(
        select(ConversationRow)
        .where(ConversationRow.tenant_id == tenant_id)
        .order_by(ConversationRow.created_at.desc(), ConversationRow.id)
        .limit(limit)
        .offset(offset)
    )
    return [_conversation(r, []) for r in rows]


def append_turn(
    session: Session,
    tenant_id: str,
    conversation_id: str,
    *,
    speaker: Speaker,
    text: str,
    status: str = "done",
    outcome: Outcome | None = None,
    in_reply_to: str | None = None,
    idempotency_key: str | None = None,
    request_hash: str | None = None,
    release_id: str | None = None,
    trace: list[dict[str, Any]] | None = None,
    citations: list[dict[str, Any]] | None = None,
    details: dict[str, Any] | None = None,
) -> Turn:
    """Append a turn; the caller must hold the conversation lock (see :func:`lock`)."""
    last = session.scalar(
        select(func.max(TurnRow.seq)).where(TurnRow.conversation_id == conversation_id)
    )
    now = utcnow()
    row = TurnRow(
        id=new_id(),
        tenant_id=tenant_id,
        conversation_id=conversation_id,
        seq=(last or 0) + 1,
        speaker=speaker.value,
        text=text,
        status=status,
        outcome=outcome.value if outcome else None,
        in_reply_to=in_reply_to,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        release_id=release_id,
        trace=trace or [],
        citations=citations or [],
        details=details or {},
        created_at=now,
    )
    session.add(row)
    session.execute(
        update(ConversationRow)
        .where(ConversationRow.id == conversation_id, ConversationRow.tenant_id == tenant_id)
        .values(updated_at=now)
    )
    session.flush()
    return _turn(row)


def find_by_idempotency_key(
    session: Session, tenant_id: str, conversation_id: str, key: str
) -> tuple[Turn, str | None, str] | None:
    """The customer turn a keyed request created, its request hash and its status."""
    row = session.scalar(
        select(TurnRow).where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.conversation_id == conversation_id,
            TurnRow.idempotency_key == key,
        )
    )
    return None if row is None else (_turn(row), row.request_hash, row.status)


def reply_to(session: Session, tenant_id: str, turn_id: str) -> Turn | None:
    row = session.scalar(
        select(TurnRow)
        .where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.in_reply_to == turn_id,
            TurnRow.speaker == Speaker.ASSISTANT.value,
        )
        .order_by(TurnRow.seq)
    )
    return None if row is None else _turn(row)


def claim_pending(session: Session, tenant_id: str, turn_id: str) -> bool:
    """Mark a pending customer turn answered; False if another worker already did."""
    result = session.execute(
        update(TurnRow)
        .where(TurnRow.tenant_id == tenant_id, TurnRow.id == turn_id, TurnRow.status == "pending")
        .values(status="answered")
    )
    return bool(getattr(result, "rowcount", 0))


def recent_history(
    session: Session, tenant_id: str, conversation_id: str, before_seq: int, limit: int
) -> list[Turn]:
    rows = session.scalars(
        select(TurnRow)
        .where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.conversation_id == conversation_id,
            TurnRow.seq < before_seq,
        )
        .order_by(TurnRow.seq.desc())
        .limit(limit)
    )
    return [_turn(r) for r in reversed(list(rows))]


def merge_turn_details(
    session: Session, tenant_id: str, turn_id: str, details: dict[str, Any]
) -> None:
    """Add ``details`` to a turn's (the language decided after the turn was stored)."""
    row = session.scalar(
        select(TurnRow).where(TurnRow.tenant_id == tenant_id, TurnRow.id == turn_id)
    )
    if row is not None:
        row.details = {**(row.details or {}), **details}


def find_turn(session: Session, tenant_id: str, turn_id: str) -> Turn:
    """A turn of any of the tenant's conversations (404 for another tenant's)."""
    row = session.scalar(
        select(TurnRow).where(TurnRow.tenant_id == tenant_id, TurnRow.id == turn_id)
    )
    if row is None:
        raise NotFoundError(f"turn {turn_id!r} not found")
    return _turn(row)


def unanswered(
    session: Session, tenant_id: str, limit: int
) -> list[tuple[Turn, str, dict[str, Any]]]:
    """Customer turns the assistant had no grounded answer for, newest first, each with
    the standalone question it was searched as (a follow-up with the earlier questions it
    leans on: "ok and to austria?" alone asks nothing) and the reply's details (its
    route, intent and flags)."""
    reply = aliased(TurnRow)
    rows = session.execute(
        select(TurnRow, reply.details)
        .join(reply, reply.in_reply_to == TurnRow.id)
        .where(
            TurnRow.tenant_id == tenant_id,
            reply.tenant_id == tenant_id,
            TurnRow.speaker == Speaker.CUSTOMER.value,
            reply.outcome == Outcome.NO_ANSWER.value,
        )
        .order_by(TurnRow.created_at.desc())
        .limit(limit)
    )
    found: list[tuple[Turn, str, dict[str, Any]]] = []
    for row, details in rows:
        query = (details or {}).get("query")
        searched = query if isinstance(query, str) and query else row.text
        found.append((_turn(row), searched, dict(details or {})))
    return found


def add_identifiers(
    session: Session, tenant_id: str, conversation_id: str, digests: list[str]
) -> None:
    """Index the keyed hashes of contact details written in the conversation (new ones
    only: a customer repeating their e-mail address must not fail the turn)."""
    if not digests:
        return
    known = set(
        session.scalars(
            select(CustomerIdentifierRow.digest).where(
                CustomerIdentifierRow.tenant_id == tenant_id,
                CustomerIdentifierRow.conversation_id == conversation_id,
            )
        )
    )
    for digest in sorted(set(digests) - known):
        session.add(
            CustomerIdentifierRow(
                tenant_id=tenant_id, digest=digest, conversation_id=conversation_id
            )
        )
    session.flush()


def latest_of_customer(
    session: Session, tenant_id: str, customer_id: str, channel: str
) -> tuple[str, int] | None:
    """The customer's most recent conversation on ``channel`` and how many messages they
    wrote in it (to tell a continued chat from a new one)."""
    row = session.scalar(
        select(ConversationRow)
        .where(
            ConversationRow.tenant_id == tenant_id,
            ConversationRow.customer_id == customer_id,
            ConversationRow.channel == channel,
        )
        .order_by(ConversationRow.created_at.desc(), ConversationRow.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    written = session.scalar(
        select(func.count())
        .select_from(TurnRow)
        .where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.conversation_id == row.id,
            TurnRow.speaker == Speaker.CUSTOMER.value,
        )
    )
    return row.id, int(written or 0)
