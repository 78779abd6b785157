"""Chatwoot connections, the conversation mapping and the message log, always filtered
by tenant (except the due-message scan of the retry loop, which then works row by row)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdesk.domain.integrations import ChatwootIntegration, ChatwootMessage
from frontdesk.errors import NotFoundError
from frontdesk.storage.integration_tables import (
    ChatwootConversationRow,
    ChatwootIntegrationRow,
    ChatwootMessageRow,
)
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import utcnow

NOT_CONFIGURED = (
    "this tenant has no Chatwoot integration; "
    "configure it with: frontdesk integrations chatwoot configure"
)


def _integration(row: ChatwootIntegrationRow) -> ChatwootIntegration:
    return from_row(ChatwootIntegration, row)


def _message(row: ChatwootMessageRow) -> ChatwootMessage:
    return from_row(
        ChatwootMessage, row, event=dict(row.event or {}), actions=list(row.actions or [])
    )


def _integration_row(session: Session, tenant_id: str) -> ChatwootIntegrationRow:
    row = session.get(ChatwootIntegrationRow, tenant_id)
    if row is None:
        raise NotFoundError(NOT_CONFIGURED)
    return row


def save_integration(
    session: Session,
    tenant_id: str,
    *,
    base_url: str,
    account_id: int,
    token_encrypted: str,
    secret_hash: str | None,
) -> ChatwootIntegration:
    """Create or replace the connection; ``secret_hash`` None keeps the current one."""
    now = utcnow()
    row = session.get(ChatwootIntegrationRow, tenant_id)
    if row is None:
        if secret_hash is None:
            raise ValueError("a new integration needs a secret")
        row = ChatwootIntegrationRow(tenant_id=tenant_id, created_at=now, secret_hash=secret_hash)
        session.add(row)
    elif secret_hash is not None:
        row.secret_hash = secret_hash
    row.base_url = base_url
    row.account_id = account_id
    row.token_encrypted = token_encrypted
    row.state = "ok"  # a new token gets a fresh start
    row.last_error = None
    row.updated_at = now
    session.flush()
    return _integration(row)


def has_integration(session: Session, tenant_id: str) -> bool:
    return session.get(ChatwootIntegrationRow, tenant_id) is not None


def get_integration(session: Session, tenant_id: str) -> ChatwootIntegration:
    return _integration(_integration_row(session, tenant_id))


def credentials(session: Session, tenant_id: str) -> tuple[ChatwootIntegration, str, str]:
    """The connection, its encrypted token and its secret hash."""
    row = _integration_row(session, tenant_id)
    return _integration(row), row.token_encrypted, row.secret_hash


def delete_integration(session: Session, tenant_id: str) -> None:
    session.delete(_integration_row(session, tenant_id))


def set_state(session: Session, tenant_id: str, state: str, error: str | None) -> None:
    session.execute(
        update(ChatwootIntegrationRow)
        .where(ChatwootIntegrationRow.tenant_id == tenant_id)
        .values(state=state, last_error=error, updated_at=utcnow())
    )


def find_conversation(session: Session, tenant_id: str, chatwoot_id: int) -> str | None:
    return session.scalar(
        select(ChatwootConversationRow.conversation_id).where(
            ChatwootConversationRow.tenant_id == tenant_id,
            ChatwootConversationRow.chatwoot_id == chatwoot_id,
        )
    )


def map_conversation(
    session: Session, tenant_id: str, chatwoot_id: int, conversation_id: str
) -> None:
    session.add(
        ChatwootConversationRow(
            tenant_id=tenant_id,
            chatwoot_id=chatwoot_id,
            conversation_id=conversation_id,
            created_at=utcnow(),
        )
    )
    session.flush()


def set_posted_hash(session: Session, tenant_id: str, chatwoot_id: int, digest: str) -> None:
    session.execute(
        update(ChatwootConversationRow)
        .where(
            ChatwootConversationRow.tenant_id == tenant_id,
            ChatwootConversationRow.chatwoot_id == chatwoot_id,
        )
        .values(last_posted_hash=digest)
    )


def posted_hash(session: Session, tenant_id: str, chatwoot_id: int) -> str | None:
    return session.scalar(
        select(ChatwootConversationRow.last_posted_hash).where(
            ChatwootConversationRow.tenant_id == tenant_id,
            ChatwootConversationRow.chatwoot_id == chatwoot_id,
        )
    )


def has_message(session: Session, tenant_id: str, message_id: int) -> bool:
    return session.get(ChatwootMessageRow, (tenant_id, message_id)) is not None


def add_message(
    session: Session,
    tenant_id: str,
    message_id: int,
    *,
    chatwoot_conversation_id: int,
    kind: str,
    status: str,
    event: dict[str, Any] | None = None,
    content_encrypted: str | None = None,
    turn_id: str | None = None,
) -> None:
    """Record a message; the caller checked ``has_message`` in this transaction (a
    concurrent duplicate fails on the primary key)."""
    now = utcnow()
    session.add(
        ChatwootMessageRow(
            tenant_id=tenant_id,
            message_id=message_id,
            chatwoot_conversation_id=chatwoot_conversation_id,
            kind=kind,
            status=status,
            event=event or {},
            content_encrypted=content_encrypted,
            turn_id=turn_id,
            actions=[],
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            done_at=None if status in ("received", "delivering") else now,
        )
    )
    session.flush()


def get_message(session: Session, tenant_id: str, message_id: int) -> ChatwootMessage:
    row = session.get(ChatwootMessageRow, (tenant_id, message_id))
    if row is None:
        raise NotFoundError(f"Chatwoot message {message_id} not found")
    return _message(row)


def content_of(session: Session, tenant_id: str, message_id: int) -> str | None:
    row = session.get(ChatwootMessageRow, (tenant_id, message_id))
    return None if row is None else row.content_encrypted


def list_messages(session: Session, tenant_id: str, limit: int) -> list[ChatwootMessage]:
    rows = session.scalars(
        select(ChatwootMessageRow)
        .where(ChatwootMessageRow.tenant_id == tenant_id)
        .order_by(ChatwootMessageRow.created_at.desc(), ChatwootMessageRow.message_id.desc())
        .limit(limit)
    )
    return [_message(r) for r in rows]


def due(session: Session, now: datetime, limit: int) -> list[tuple[str, int]]:
    """(tenant id, message id) of customer messages not yet fully handled, due now."""
    rows = session.execute(
        select(ChatwootMessageRow.tenant_id, ChatwootMessageRow.message_id)
        .where(
            ChatwootMessageRow.status.in_(("received", "delivering")),
            ChatwootMessageRow.next_attempt_at <= now,
        )
        .order_by(ChatwootMessageRow.next_attempt_at, ChatwootMessageRow.created_at)
        .limit(limit)
    )
    return [(str(t), int(m)) for t, m in rows]


def claim(
    session: Session, tenant_id: str, message_id: int, now: datetime, lease_until: datetime
) -> ChatwootMessage | None:
    """Take one attempt at a due message (compare-and-set on ``next_attempt_at``); the
    lease keeps other replicas and requests off it while it is worked on."""
    result = session.execute(
        update(ChatwootMessageRow)
        .where(
            ChatwootMessageRow.tenant_id == tenant_id,
            ChatwootMessageRow.message_id == message_id,
            ChatwootMessageRow.status.in_(("received", "delivering")),
            ChatwootMessageRow.next_attempt_at <= now,
        )
        .values(next_attempt_at=lease_until, attempts=ChatwootMessageRow.attempts + 1)
    )
    if not getattr(result, "rowcount", 0):
        return None
    return get_message(session, tenant_id, message_id)


def update_message(session: Session, tenant_id: str, message_id: int, **values: Any) -> None:
    session.execute(
        update(ChatwootMessageRow)
        .where(
            ChatwootMessageRow.tenant_id == tenant_id,
            ChatwootMessageRow.message_id == message_id,
        )
        .values(**values)
    )
