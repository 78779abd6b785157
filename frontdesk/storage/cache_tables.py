"""The answer cache: answers the pipeline gave to a fresh question, kept per tenant,
release digest, knowledge version and intent model so a change to any of them makes
every older entry unreachable. Shared by replicas because it lives in the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.storage.tables import Base, UTCDateTime, utcnow


class AnswerCacheRow(Base):
    __tablename__ = "answer_cache"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id",
            "release",
            "knowledge_version",
            "intent_model",
            "language",
            "reply_language",
            "question_hash",
            name="uq_answer_cache_key",
        ),
        Index("ix_answer_cache_lookup", "tenant_id", "release", "knowledge_version", "language"),
        Index("ix_answer_cache_used", "tenant_id", "used_at"),
        Index("ix_answer_cache_conversation", "conversation_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    release: Mapped[str] = mapped_column(String(64))  # the release's content digest
    knowledge_version: Mapped[int] = mapped_column(Integer)
    intent_model: Mapped[str] = mapped_column(String(64))  # "" without an active model
    language: Mapped[str] = mapped_column(String(8))
    reply_language: Mapped[str] = mapped_column(String(8))
    question_hash: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)  # redacted, normalised
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    embedding_model: Mapped[str | None] = mapped_column(String(120))
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    confidence: Mapped[float] = mapped_column(Float)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The conversation the answer was first given in: erasing its customer erases it.
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    hits: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
