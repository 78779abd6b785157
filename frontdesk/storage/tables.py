"""Table definitions. Every table below ``tenants`` carries ``tenant_id``; repositories
always filter on it, so a query can never see another tenant's rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite would hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC values")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class TenantRow(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # Per-tenant switches, e.g. {"reveal_pii_to_agents": true}.
    settings: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The named agent this key signs in as (console_tables.AgentRow), if any.
    agent_id: Mapped[str | None] = mapped_column(String(32), index=True)


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_tenant_created", "tenant_id", "created_at"),
        Index("ix_conversations_tenant_customer", "tenant_id", "customer_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="bot")
    channel: Mapped[str] = mapped_column(String(16), default="api")
    created_by_key: Mapped[str | None] = mapped_column(String(32))
    # The tenant's own id for the customer, when the integration gives one: what erasure
    # and data-subject access requests are asked by.
    customer_id: Mapped[str | None] = mapped_column(String(128))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CustomerIdentifierRow(Base):
    """A keyed hash (HMAC) of an e-mail address or phone number a customer wrote in a
    conversation: the message text is stored redacted, so this is how an erasure request
    "everything about jane@example.com" finds their conversations, without storing it."""

    __tablename__ = "customer_identifiers"
    __table_args__ = (Index("ix_customer_identifiers_conversation", "conversation_id"),)

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )


class TenantNameRow(Base):
    """A person name the input guard redacts in this tenant's messages wherever it stands:
    a customer's own name learned from their ticket (``source`` ``ticket``), or one the
    tenant added (``tenant``). Stored casefolded, tenant-scoped."""

    __tablename__ = "tenant_names"
    __table_args__ = (Index("ix_tenant_names_customer_id", "tenant_id", "customer_id"),)

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # ticket | tenant
    # The conversation whose ticket taught it (erasing or expiring that conversation
    # removes the name); none for names from ingested ticket files or the tenant.
    conversation_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # The customer id of the ingested ticket that taught it (its ``customer_id`` field):
    # an erasure by that customer id removes the name.
    customer_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ErasureRow(Base):
    """The audit record of one erasure: who asked, by what (the subject only as a keyed
    hash), and what was removed."""

    __tablename__ = "erasures"
    __table_args__ = (Index("ix_erasures_tenant_created", "tenant_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(16))  # customer | conversation | identifier
    subject_digest: Mapped[str] = mapped_column(String(64))
    removed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TurnRow(Base):
    """A customer, assistant or agent message. Assistant turns carry the trace."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_turns_conversation_seq"),
        # NULL keys never collide, so only keyed requests are deduplicated.
        UniqueConstraint("conversation_id", "idempotency_key", name="uq_turns_idempotency"),
        Index("ix_turns_tenant_conversation", "tenant_id", "conversation_id"),
        # The dashboard's unanswered questions: a tenant's replies in a time range.
        Index("ix_turns_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    in_reply_to: Mapped[str | None] = mapped_column(String(32))
    # pending → answered: a customer turn whose reply is not yet stored stays pending.
    status: Mapped[str] = mapped_column(String(16), default="done")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    release_id: Mapped[str | None] = mapped_column(String(64))
    trace: Mapped[list[Any]] = mapped_column(JSON, default=list)
    citations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DocumentRow(Base):
    """One ingested file (or upload): its current text version is ``content_hash``."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("tenant_id", "uri", name="uq_documents_tenant_uri"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    uri: Mapped[str] = mapped_column(String(1000))
    external_id: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    content_hash: Mapped[str] = mapped_column(String(64))
    embedding_model: Mapped[str] = mapped_column(String(200))
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChunkRow(Base):
    """A retrievable piece of a document, with its embedding (float32 bytes).

    ``status`` is ``active``, ``quarantined`` (it carries instructions aimed at the
    assistant: stored for review, never served) or ``released`` (an admin reviewed it)."""

    __tablename__ = "chunks"
    __table_args__ = (
        Index("ix_chunks_tenant_document", "tenant_id", "document_id"),
        Index("ix_chunks_tenant_status", "tenant_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    heading_path: Mapped[list[Any]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    tokens: Mapped[int] = mapped_column(Integer)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    quarantine_reason: Mapped[str | None] = mapped_column(Text)
    quarantine_score: Mapped[float | None] = mapped_column(Float)
    quarantine_excerpt: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KnowledgeVersionRow(Base):
    """Bumped on every knowledge change, so each replica knows when to rebuild its index."""

    __tablename__ = "knowledge_versions"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)


class JobRow(Base):
    """A background job (ingestion) and its progress."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_tenant_created", "tenant_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    # The process running it (in-process queue): when that process is gone, so is the job.
    owner: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ArtifactColumns:
    """The columns of a tenant's versioned model artifacts (intent models, retrieval
    adapters): the bytes, the training report, and whether it is the active one.
    ``version`` is the artifact's content hash (:mod:`frontdesk.storage.repos.artifacts`)."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(64))
    artifact: Mapped[bytes] = mapped_column(LargeBinary)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    if TYPE_CHECKING:  # the declarative constructor of the mapped classes

        def __init__(self, **values: Any) -> None: ...


class IntentModelRow(ArtifactColumns, Base):
    """A trained intent model (a portable zip artifact) and whether it is the tenant's
    active one."""

    __tablename__ = "intent_models"
    __table_args__ = (UniqueConstraint("tenant_id", "version", name="uq_intent_models_version"),)


class TicketRow(Base):
    """A handoff: the conversation is with a human until the ticket is resolved."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_tenant_status", "tenant_id", "status", "created_at"),
        Index("ix_tickets_conversation", "conversation_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    reason: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    summary: Mapped[str] = mapped_column(Text, default="")
    assignee_key_id: Mapped[str | None] = mapped_column(String(32))
    assignee_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The customer said they left (the widget's "Start new"); cleared if they write again.
    customer_left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FeedbackRow(Base):
    """Thumbs on an answer, or a CSAT score for a conversation."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_tenant_created", "tenant_id", "created_at"),
        Index("ix_feedback_conversation", "conversation_id"),  # erasure, cascades
        # One rating per answer and one CSAT per conversation, also when two arrive at once.
        Index("uq_feedback_rating", "tenant_id", "conversation_id", "rating_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    turn_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # thumbs | csat
    value: Mapped[int] = mapped_column(Integer)  # thumbs: 1 up, -1 down; csat: 1..5
    comment: Mapped[str] = mapped_column(Text, default="")
    release_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What is rated: "thumbs:<turn id>" or "csat:" (see :func:`rating_key`).
    rating_key: Mapped[str] = mapped_column(String(64), server_default="")


def rating_key(kind: str, turn_id: str | None) -> str:
    return f"{kind}:{turn_id or ''}"


class AuditRow(Base):
    """Append-only: who did what to which release or rollout, with before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_tenant_id", "tenant_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EvalSetRow(Base):
    """The tenant's labelled question set (JSONL) that gates promotion to production."""

    __tablename__ = "eval_sets"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    rows: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
