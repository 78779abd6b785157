"""Internal notes on tickets, always filtered by tenant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.domain.agents import TicketNote
from frontdesk.storage.console_tables import TicketNoteRow
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import utcnow


def add(
    session: Session, tenant_id: str, ticket_id: str, author: tuple[str, str], text: str
) -> TicketNote:
    row = TicketNoteRow(
        id=new_id(),
        tenant_id=tenant_id,
        ticket_id=ticket_id,
        author_id=author[0],
        author_name=author[1][:100],
        text=text,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return from_row(TicketNote, row)


def list_for(session: Session, tenant_id: str, ticket_id: str) -> list[TicketNote]:
    rows = session.scalars(
        select(TicketNoteRow)
        .where(TicketNoteRow.tenant_id == tenant_id, TicketNoteRow.ticket_id == ticket_id)
        .order_by(TicketNoteRow.created_at, TicketNoteRow.id)
    )
    return [from_row(TicketNote, r) for r in rows]
