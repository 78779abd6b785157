"""Canned replies, always filtered by tenant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.domain.agents import CannedReply
from frontdesk.errors import ConflictError, NotFoundError
from frontdesk.storage.console_tables import CannedReplyRow
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import utcnow


def _taken(session: Session, tenant_id: str, title: str, other_than: str | None = None) -> bool:
    query = select(CannedReplyRow.id).where(
        CannedReplyRow.tenant_id == tenant_id, CannedReplyRow.title == title
    )
    if other_than is not None:
        query = query.where(CannedReplyRow.id != other_than)
    return session.scalar(query) is not None


def create(session: Session, tenant_id: str, title: str, body: str, author: str) -> CannedReply:
    if _taken(session, tenant_id, title):
        raise ConflictError(f"a canned reply titled {title!r} already exists")
    now = utcnow()
    row = CannedReplyRow(
        id=new_id(),
        tenant_id=tenant_id,
        title=title,
        body=body,
        created_by=author[:100],
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return from_row(CannedReply, row)


def _row(session: Session, tenant_id: str, reply_id: str) -> CannedReplyRow:
    row = session.scalar(
        select(CannedReplyRow).where(
            CannedReplyRow.tenant_id == tenant_id, CannedReplyRow.id == reply_id
        )
    )
    if row is None:
        raise NotFoundError(f"canned reply {reply_id!r} not found")
    return row


def get(session: Session, tenant_id: str, reply_id: str) -> CannedReply:
    return from_row(CannedReply, _row(session, tenant_id, reply_id))


def list_all(session: Session, tenant_id: str) -> list[CannedReply]:
    rows = session.scalars(
        select(CannedReplyRow)
        .where(CannedReplyRow.tenant_id == tenant_id)
        .order_by(CannedReplyRow.title)
    )
    return [from_row(CannedReply, r) for r in rows]


def update(
    session: Session, tenant_id: str, reply_id: str, title: str | None, body: str | None
) -> CannedReply:
    row = _row(session, tenant_id, reply_id)
    if title is not None:
        if _taken(session, tenant_id, title, other_than=reply_id):
            raise ConflictError(f"a canned reply titled {title!r} already exists")
        row.title = title
    if body is not None:
        row.body = body
    row.updated_at = utcnow()
    session.flush()
    return from_row(CannedReply, row)


def delete(session: Session, tenant_id: str, reply_id: str) -> CannedReply:
    row = _row(session, tenant_id, reply_id)
    reply = from_row(CannedReply, row)
    session.delete(row)
    return reply
