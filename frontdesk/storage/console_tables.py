"""Tables of the agent console: named agent accounts, canned replies and internal notes
on tickets. Every row carries ``tenant_id``; an API key may belong to an agent
(``api_keys.agent_id``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.storage.tables import Base, UTCDateTime, utcnow


class AgentRow(Base):
    """A person; ``password_hash`` is an argon2id hash (empty: key-only account)."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("tenant_id", "email", name="uq_agents_tenant_email"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CannedReplyRow(Base):
    __tablename__ = "canned_replies"
    __table_args__ = (
        UniqueConstraint("tenant_id", "title", name="uq_canned_replies_tenant_title"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TicketNoteRow(Base):
    __tablename__ = "ticket_notes"
    __table_args__ = (
        Index("ix_ticket_notes_tenant_ticket", "tenant_id", "ticket_id"),
        Index("ix_ticket_notes_ticket", "ticket_id"),  # a ticket's deletion cascades here
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(String(32))
    author_name: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
