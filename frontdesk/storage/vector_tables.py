"""Passage vectors of a second encoder (the multilingual one), kept per tenant.

The default embedder's vectors live on ``chunks``; the multilingual encoder's are derived
data a restart would otherwise recompute for minutes, so they are stored here, keyed by
tenant, model and the SHA-256 of the embedded text (chunk ids change on every re-ingest,
texts mostly do not). Shared by replicas because it lives in the database; erased with
the tenant.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.storage.tables import Base


class PassageVectorRow(Base):
    __tablename__ = "passage_vectors"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(120), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, the model's dimension
