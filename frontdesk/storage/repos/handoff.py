"""Tickets and feedback, always filtered by tenant."""

from __future__ import annotations

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdesk.domain.handoff import (
    ACTIVE,
    UNASSIGNED,
    Feedback,
    Priority,
    Ticket,
    TicketQuery,
    TicketStatus,
)
from frontdesk.errors import ConflictError, NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import FeedbackRow, TicketRow, rating_key, utcnow


def _ticket(row: TicketRow) -> Ticket:
    return from_row(Ticket, row, status=TicketStatus(row.status), priority=Priority(row.priority))


def open_ticket(
    session: Session,
    tenant_id: str,
    conversation_id: str,
    *,
    reason: str,
    priority: Priority,
    summary: str,
) -> Ticket:
    """The conversation's unresolved ticket, or a new one (never two open at once: the
    caller holds the conversation lock)."""
    existing = current_ticket(session, tenant_id, conversation_id)
    if existing is not None:
        return existing
    now = utcnow()
    row = TicketRow(
        id=new_id(),
        tenant_id=tenant_id,
        conversation_id=conversation_id,
        status=TicketStatus.OPEN.value,
        reason=reason,
        priority=priority.value,
        summary=summary,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _ticket(row)


def current_ticket(session: Session, tenant_id: str, conversation_id: str) -> Ticket | None:
    row = session.scalar(
        select(TicketRow)
        .where(
            TicketRow.tenant_id == tenant_id,
            TicketRow.conversation_id == conversation_id,
            TicketRow.status != TicketStatus.RESOLVED.value,
        )
        .order_by(TicketRow.created_at.desc())
    )
    return None if row is None else _ticket(row)


def latest_ticket(session: Session, tenant_id: str, conversation_id: str) -> Ticket | None:
    row = session.scalar(
        select(TicketRow)
        .where(TicketRow.tenant_id == tenant_id, TicketRow.conversation_id == conversation_id)
        .order_by(TicketRow.created_at.desc())
    )
    return None if row is None else _ticket(row)


def get_ticket(session: Session, tenant_id: str, ticket_id: str, lock: bool = False) -> Ticket:
    query = select(TicketRow).where(TicketRow.tenant_id == tenant_id, TicketRow.id == ticket_id)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise NotFoundError(f"ticket {ticket_id!r} not found")
    return _ticket(row)


_PRIORITY_RANK = case(
    {p.value: rank for rank, p in enumerate(reversed(Priority))},
    value=TicketRow.priority,
    else_=len(Priority),
)


def list_tickets(session: Session, tenant_id: str, query: TicketQuery) -> list[Ticket]:
    select_ = select(TicketRow).where(TicketRow.tenant_id == tenant_id)
    if query.status == ACTIVE:
        select_ = select_.where(TicketRow.status != TicketStatus.RESOLVED.value)
    elif query.status:
        select_ = select_.where(TicketRow.status == query.status)
    if query.reason:
        select_ = select_.where(TicketRow.reason == query.reason)
    if query.priority:
        select_ = select_.where(TicketRow.priority == query.priority)
    if query.created_before is not None:
        select_ = select_.where(TicketRow.created_at <= query.created_before)
    if query.owner_id == UNASSIGNED:
        select_ = select_.where(TicketRow.assignee_key_id.is_(None))
    elif query.owner_id:
        select_ = select_.where(TicketRow.assignee_key_id == query.owner_id)
    if query.text:
        # Literal search: the user's % and _ are not wildcards.
        escaped = query.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        select_ = select_.where(
            TicketRow.summary.ilike(f"%{escaped}%", escape="\\")
            | (TicketRow.id == query.text)
            | (TicketRow.conversation_id == query.text)
        )
    if query.order == "priority":
        select_ = select_.order_by(_PRIORITY_RANK, TicketRow.created_at.asc(), TicketRow.id)
    else:
        select_ = select_.order_by(TicketRow.created_at.desc(), TicketRow.id)
    return [_ticket(r) for r in session.scalars(select_.limit(query.limit))]


def assign(session: Session, tenant_id: str, ticket_id: str, key_id: str, name: str) -> Ticket:
    """Assign atomically: one conditional UPDATE, so two agents can never both win."""
    result = session.execute(
        update(TicketRow)
        .where(
            TicketRow.tenant_id == tenant_id,
            TicketRow.id == ticket_id,
            TicketRow.status != TicketStatus.RESOLVED.value,
            (TicketRow.assignee_key_id.is_(None)) | (TicketRow.assignee_key_id == key_id),
        )
        .values(
            assignee_key_id=key_id,
            assignee_name=name,
            status=TicketStatus.ASSIGNED.value,
            updated_at=utcnow(),
        )
    )
    ticket = get_ticket(session, tenant_id, ticket_id)
    if not getattr(result, "rowcount", 0):
        if ticket.status is TicketStatus.RESOLVED:
            raise ConflictError("this ticket is already resolved")
        raise ConflictError(
            f"this ticket is already assigned to {ticket.assignee_name or 'another agent'}"
        )
    return ticket


def set_owner(
    session: Session,
    tenant_id: str,
    ticket_id: str,
    owner: tuple[str, str] | None,
    expected: str | None,
) -> Ticket:
    """Give the ticket to ``owner`` (id, name), or to nobody, if it is still unresolved
    and still owned by ``expected`` (None: nobody): a conditional UPDATE, so a concurrent
    change makes this one fail with 409 instead of silently overwriting it."""
    owner_is = (
        TicketRow.assignee_key_id.is_(None)
        if expected is None
        else TicketRow.assignee_key_id == expected
    )
    result = session.execute(
        update(TicketRow)
        .where(
            TicketRow.tenant_id == tenant_id,
            TicketRow.id == ticket_id,
            TicketRow.status != TicketStatus.RESOLVED.value,
            owner_is,
        )
        .values(
            assignee_key_id=None if owner is None else owner[0],
            assignee_name=None if owner is None else owner[1],
            status=(TicketStatus.OPEN if owner is None else TicketStatus.ASSIGNED).value,
            updated_at=utcnow(),
        )
    )
    ticket = get_ticket(session, tenant_id, ticket_id)
    if not getattr(result, "rowcount", 0):
        if ticket.status is TicketStatus.RESOLVED:
            raise ConflictError("this ticket is already resolved")
        raise ConflictError("this ticket changed hands meanwhile; reload it")
    return ticket


def raise_priority(session: Session, tenant_id: str, ticket_id: str, priority: Priority) -> None:
    session.execute(
        update(TicketRow)
        .where(TicketRow.tenant_id == tenant_id, TicketRow.id == ticket_id)
        .values(priority=priority.value, updated_at=utcnow())
    )


def resolve(session: Session, tenant_id: str, ticket_id: str) -> Ticket:
    now = utcnow()
    result = session.execute(
        update(TicketRow)
        .where(
            TicketRow.tenant_id == tenant_id,
            TicketRow.id == ticket_id,
            TicketRow.status != TicketStatus.RESOLVED.value,
        )
        .values(status=TicketStatus.RESOLVED.value, resolved_at=now, updated_at=now)
    )
    ticket = get_ticket(session, tenant_id, ticket_id)
    if not getattr(result, "rowcount", 0):
        raise ConflictError("this ticket is already resolved")
    return ticket


def set_customer_left(
    session: Session, tenant_id: str, conversation_id: str, left: bool
) -> Ticket | None:
    """Mark (or unmark) the conversation's unresolved ticket as left by its customer; the
    ticket when that changed it, else None (none open, or already so)."""
    ticket = current_ticket(session, tenant_id, conversation_id)
    if ticket is None or (ticket.customer_left_at is not None) is left:
        return None
    now = utcnow()
    session.execute(
        update(TicketRow)
        .where(TicketRow.tenant_id == tenant_id, TicketRow.id == ticket.id)
        .values(customer_left_at=now if left else None, updated_at=now)
    )
    return get_ticket(session, tenant_id, ticket.id)


def touch(session: Session, tenant_id: str, ticket_id: str) -> None:
    session.execute(
        update(TicketRow)
        .where(TicketRow.tenant_id == tenant_id, TicketRow.id == ticket_id)
        .values(updated_at=utcnow())
    )


def _feedback(row: FeedbackRow) -> Feedback:
    return from_row(Feedback, row)


def add_feedback(
    session: Session,
    tenant_id: str,
    conversation_id: str,
    *,
    kind: str,
    value: int,
    comment: str,
    turn_id: str | None,
    release_id: str | None,
) -> tuple[Feedback, list[Feedback]]:
    """Store a rating; returns it and the one it replaced. A conversation has one CSAT and
    an answer one thumbs: a second replaces the first (the customer changed their mind,
    the latest counts), keeping its id. Two first ratings at once: the unique index
    ``uq_feedback_rating`` lets one insert; the other waits for it and replaces it."""
    key = rating_key(kind, turn_id)
    existing = _rating(session, tenant_id, conversation_id, key)
    if existing is None:
        row = FeedbackRow(
            id=new_id(),
            tenant_id=tenant_id,
            conversation_id=conversation_id,
            turn_id=turn_id,
            kind=kind,
            value=value,
            comment=comment,
            release_id=release_id,
            rating_key=key,
            created_at=utcnow(),
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return _feedback(row), []
        except IntegrityError:  # a concurrent first rating won: this one replaces it
            existing = _rating(session, tenant_id, conversation_id, key)
            if existing is None:
                raise
    replaced = [_feedback(existing)]
    existing.value, existing.comment, existing.release_id = value, comment, release_id
    existing.created_at = utcnow()
    session.flush()
    return _feedback(existing), replaced


def _rating(session: Session, tenant_id: str, conversation_id: str, key: str) -> FeedbackRow | None:
    return session.scalars(
        select(FeedbackRow)
        .where(
            FeedbackRow.tenant_id == tenant_id,
            FeedbackRow.conversation_id == conversation_id,
            FeedbackRow.rating_key == key,
        )
        .with_for_update()
    ).one_or_none()


def list_feedback(session: Session, tenant_id: str, limit: int) -> list[Feedback]:
    rows = session.scalars(
        select(FeedbackRow)
        .where(FeedbackRow.tenant_id == tenant_id)
        .order_by(FeedbackRow.created_at.desc())
        .limit(limit)
    )
    return [_feedback(r) for r in rows]
