"""Passage vectors of a second encoder (the multilingual one, or a tenant's adapted one),
kept per tenant, and the adapted encoders themselves.

The default embedder's vectors live on ``chunks``; the multilingual encoder's are derived
data a restart would otherwise recompute for minutes, so they are stored here, keyed by
tenant, model and the SHA-256 of the embedded text (chunk ids change on every re-ingest,
texts mostly do not). Shared by replicas because it lives in the database; erased with
the tenant.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.storage.tables import ArtifactColumns, Base, UTCDateTime


class PassageVectorRow(Base):
    __tablename__ = "passage_vectors"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(120), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, the model's dimension


class RetrievalAdapterRow(ArtifactColumns, Base):
    """A retrieval encoder adapted to the tenant's own pairs (int8 ONNX bytes) and
    whether the tenant's dense retrieval uses it. Its passage vectors are kept while it is
    active or the previous one (``activated_at``)."""

    __tablename__ = "retrieval_adapters"
    __table_args__ = (
        UniqueConstraint("tenant_id", "version", name="uq_retrieval_adapters_version"),
        Index("ix_retrieval_adapters_tenant", "tenant_id", "active"),
    )

    # When it last became the active one: the previous adapter is the latest other one.
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
