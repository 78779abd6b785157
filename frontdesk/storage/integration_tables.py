"""Tables for help desks Frontdesk plugs into (Chatwoot): each tenant's connection, the
mapping of the help desk's conversations to ours, and every help-desk message seen or
posted (the dedupe key, and the outbox of what to send back). Every row carries
``tenant_id``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.storage.tables import Base, UTCDateTime, utcnow


class ChatwootIntegrationRow(Base):
    """A tenant's Chatwoot account: where its API is, the access token (encrypted with the
    server secret), the keyed hash of the secret inbound events must carry, and the state
    of the last call (``ok``, ``unauthorized``, ``unreachable``)."""

    __tablename__ = "chatwoot_integrations"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    base_url: Mapped[str] = mapped_column(String(2000))
    account_id: Mapped[int] = mapped_column(BigInteger)
    token_encrypted: Mapped[str] = mapped_column(Text)
    secret_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="ok")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatwootConversationRow(Base):
    """A Chatwoot conversation and the Frontdesk conversation it is answered in;
    ``last_posted_hash`` is the digest of what Frontdesk is posting there, written before
    it posts, so the message coming back as an event is known as Frontdesk's own."""

    __tablename__ = "chatwoot_conversations"
    __table_args__ = (Index("ix_chatwoot_conversations_conversation", "conversation_id"),)

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    chatwoot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    last_posted_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatwootMessageRow(Base):
    """One Chatwoot message, by its id: a customer's (``customer``: answered, its replies
    in ``actions`` until they are delivered), an agent's (``agent``) or one Frontdesk
    posted (``posted``). The customer's text is kept encrypted only until it is stored as
    a turn (redacted). ``next_attempt_at`` is the claim that keeps replicas from sending
    twice, as in the webhook outbox."""

    __tablename__ = "chatwoot_messages"
    __table_args__ = (Index("ix_chatwoot_messages_due", "status", "next_attempt_at"),)

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    chatwoot_conversation_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    content_encrypted: Mapped[str | None] = mapped_column(Text)
    event: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    turn_id: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(16))
    actions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
