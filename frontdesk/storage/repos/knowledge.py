"""Documents, chunks and the per-tenant knowledge version.

Quarantined chunks are stored but never handed to an index (:func:`all_chunks`) until an
admin releases them; a release survives re-ingesting the document as long as the chunk's
text is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from frontdesk.errors import ConflictError, NotFoundError
from frontdesk.retrieval.types import Chunk
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import ChunkRow, DocumentRow, KnowledgeVersionRow, utcnow


class QuarantineContent(Protocol):
    """Why a screened chunk is held back from serving."""

    @property
    def reason(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def excerpt(self) -> str: ...


class ChunkContent(Protocol):
    """One parsed chunk to store (what :mod:`frontdesk.knowledge.loaders` produces)."""

    @property
    def text(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def heading_path(self) -> tuple[str, ...]: ...
    @property
    def position(self) -> int: ...
    @property
    def tokens(self) -> int: ...
    @property
    def url(self) -> str | None: ...
    @property
    def metadata(self) -> dict[str, Any]: ...
    @property
    def quarantine(self) -> QuarantineContent | None: ...


class DocumentContent(Protocol):
    """One parsed document to store; storage sits below the loaders, so it names only the
    fields it writes."""

    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def chunks(self) -> Sequence[ChunkContent]: ...
    @property
    def external_id(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: str
    uri: str
    external_id: str | None
    kind: str
    title: str
    url: str | None
    content_hash: str
    embedding_model: str
    chunk_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredChunk:
    id: str
    document_id: str
    document_key: str  # the external id where one was given, else the document id
    title: str
    url: str | None
    heading_path: tuple[str, ...]
    position: int
    text: str
    metadata: dict[str, Any]
    vector: npt.NDArray[np.float32]

    def as_chunk(self) -> Chunk:
        """The chunk as the retrievers index it (its document's key in the metadata)."""
        return Chunk(
            id=self.id,
            text=self.text,
            title=self.title,
            url=self.url,
            heading_path=self.heading_path,
            position=self.position,
            metadata={**self.metadata, "document_id": self.document_key},
        )


@dataclass(frozen=True, slots=True)
class QuarantinedChunk:
    chunk_id: str
    document_id: str
    document_uri: str
    title: str
    position: int
    status: str  # quarantined | released
    reason: str
    score: float | None
    excerpt: str
    reviewed_by: str | None
    reviewed_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "chunk_id": self.chunk_id,
            "reason": self.reason,
            "score": self.score,
            "title": self.title,
            "excerpt": self.excerpt,
            "document_uri": self.document_uri,
            "position": self.position,
            "status": self.status,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
        }


def _info(row: DocumentRow) -> DocumentInfo:
    return from_row(DocumentInfo, row)


def find_document(session: Session, tenant_id: str, uri: str) -> DocumentInfo | None:
    row = session.scalar(
        select(DocumentRow).where(DocumentRow.tenant_id == tenant_id, DocumentRow.uri == uri)
    )
    return None if row is None else _info(row)


def list_documents(session: Session, tenant_id: str, uri_prefix: str = "") -> list[DocumentInfo]:
    query = select(DocumentRow).where(DocumentRow.tenant_id == tenant_id)
    if uri_prefix:
        query = query.where(DocumentRow.uri.startswith(uri_prefix, autoescape=True))
    return [_info(r) for r in session.scalars(query.order_by(DocumentRow.uri))]


def replace_document(
    session: Session,
    tenant_id: str,
    uri: str,
    loaded: DocumentContent,
    vectors: npt.NDArray[np.float32],
    embedding_model: str,
) -> DocumentInfo:
    """Insert or replace a document and all its chunks; the caller's transaction makes it
    atomic, so a failure leaves the previous version (or nothing) in place."""
    now = utcnow()
    row = session.scalar(
        select(DocumentRow).where(DocumentRow.tenant_id == tenant_id, DocumentRow.uri == uri)
    )
    released: dict[str, tuple[str | None, datetime | None]] = {}
    if row is None:
        row = DocumentRow(id=new_id(), tenant_id=tenant_id, uri=uri, created_at=now)
        session.add(row)
    else:
        reviewed = session.execute(
            select(ChunkRow.text, ChunkRow.reviewed_by, ChunkRow.reviewed_at).where(
                ChunkRow.document_id == row.id, ChunkRow.status == "released"
            )
        )
        released = {text: (by, at) for text, by, at in reviewed}
        session.execute(delete(ChunkRow).where(ChunkRow.document_id == row.id))
    row.kind, row.title, row.url = loaded.kind, loaded.title[:500], loaded.url
    row.external_id = loaded.external_id
    row.content_hash, row.embedding_model = loaded.content_hash, embedding_model
    row.chunk_count, row.updated_at = len(loaded.chunks), now
    session.flush()
    for chunk, vector in zip(loaded.chunks, vectors, strict=True):
        stored = ChunkRow(
            id=new_id(),
            tenant_id=tenant_id,
            document_id=row.id,
            position=chunk.position,
            title=chunk.title[:500],
            url=chunk.url,
            heading_path=list(chunk.heading_path),
            text=chunk.text,
            tokens=chunk.tokens,
            metadata_=chunk.metadata,
            vector=np.asarray(vector, dtype=np.float32).tobytes(),
            status="active",
        )
        if chunk.quarantine is not None:
            stored.status = "quarantined"
            stored.quarantine_reason = chunk.quarantine.reason
            stored.quarantine_score = chunk.quarantine.score
            stored.quarantine_excerpt = chunk.quarantine.excerpt
            if chunk.text in released:
                stored.status = "released"
                stored.reviewed_by, stored.reviewed_at = released[chunk.text]
        session.add(stored)
    bump_version(session, tenant_id)
    session.flush()
    return _info(row)


def delete_document(session: Session, tenant_id: str, document_id: str) -> DocumentInfo:
    row = session.scalar(
        select(DocumentRow).where(DocumentRow.tenant_id == tenant_id, DocumentRow.id == document_id)
    )
    if row is None:
        raise NotFoundError(f"document {document_id!r} not found")
    info = _info(row)
    session.execute(delete(ChunkRow).where(ChunkRow.document_id == row.id))
    session.delete(row)
    bump_version(session, tenant_id)
    return info


def bump_version(session: Session, tenant_id: str) -> None:
    updated = session.execute(
        update(KnowledgeVersionRow)
        .where(KnowledgeVersionRow.tenant_id == tenant_id)
        .values(version=KnowledgeVersionRow.version + 1)
    )
    if not getattr(updated, "rowcount", 0):
        session.add(KnowledgeVersionRow(tenant_id=tenant_id, version=1))


def version(session: Session, tenant_id: str) -> int:
    found = session.scalar(
        select(KnowledgeVersionRow.version).where(KnowledgeVersionRow.tenant_id == tenant_id)
    )
    return int(found or 0)


def tenants_with_knowledge(session: Session, limit: int) -> list[str]:
    """Tenants whose knowledge changed most often first (a proxy for the busiest)."""
    rows = session.scalars(
        select(KnowledgeVersionRow.tenant_id)
        .where(KnowledgeVersionRow.version > 0)
        .order_by(KnowledgeVersionRow.version.desc())
        .limit(limit)
    )
    return list(rows)


def chunk_count(session: Session, tenant_id: str) -> int:
    """Chunks that can be served (quarantined ones are not)."""
    return int(
        session.scalar(
            select(func.count()).where(
                ChunkRow.tenant_id == tenant_id, ChunkRow.status != "quarantined"
            )
        )
        or 0
    )


def all_chunks(session: Session, tenant_id: str, embedding_model: str) -> list[StoredChunk]:
    """Every servable chunk of the tenant whose vector is in ``embedding_model``'s space
    (quarantined chunks are left out)."""
    rows = session.execute(
        select(ChunkRow, DocumentRow.external_id)
        .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
        .where(
            ChunkRow.tenant_id == tenant_id,
            DocumentRow.embedding_model == embedding_model,
            ChunkRow.status != "quarantined",
        )
        .order_by(ChunkRow.document_id, ChunkRow.position)
    )
    return [_stored(row, external_id) for row, external_id in rows]


def _stored(row: ChunkRow, external_id: str | None) -> StoredChunk:
    return from_row(
        StoredChunk,
        row,
        document_key=external_id or row.document_id,
        heading_path=tuple(row.heading_path or ()),
        metadata=dict(row.metadata_ or {}),
        vector=np.frombuffer(row.vector, dtype=np.float32),
    )


def list_quarantined(
    session: Session, tenant_id: str, *, include_released: bool = False
) -> list[QuarantinedChunk]:
    """Chunks held back for review (and, with ``include_released``, those released)."""
    statuses = ["quarantined", "released"] if include_released else ["quarantined"]
    rows = session.execute(
        select(ChunkRow, DocumentRow.uri)
        .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
        .where(ChunkRow.tenant_id == tenant_id, ChunkRow.status.in_(statuses))
        .order_by(DocumentRow.uri, ChunkRow.position)
    )
    return [_quarantined(row, uri) for row, uri in rows]


def release_chunk(
    session: Session, tenant_id: str, chunk_id: str, reviewer: str
) -> QuarantinedChunk:
    """Make a quarantined chunk servable; releasing twice is harmless."""
    found = session.execute(
        select(ChunkRow, DocumentRow.uri)
        .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
        .where(ChunkRow.tenant_id == tenant_id, ChunkRow.id == chunk_id)
    ).first()
    if found is None:
        raise NotFoundError(f"chunk {chunk_id!r} not found")
    row, uri = found
    if row.status == "active":
        raise ConflictError(f"chunk {chunk_id!r} is not quarantined; there is nothing to release")
    if row.status == "quarantined":
        row.status, row.reviewed_by, row.reviewed_at = "released", reviewer[:100], utcnow()
        bump_version(session, tenant_id)
        session.flush()
    return _quarantined(row, uri)


def _quarantined(row: ChunkRow, uri: str) -> QuarantinedChunk:
    return from_row(
        QuarantinedChunk,
        row,
        chunk_id=row.id,
        document_uri=uri,
        reason=row.quarantine_reason or "",
        score=row.quarantine_score,
        excerpt=row.quarantine_excerpt or "",
    )


def ticket_rows(session: Session, tenant_id: str) -> list[dict[str, Any]]:
    """The metadata (``ticket``, ``question``, ``answer``) and title of every ingested
    resolved-ticket chunk of the tenant, without vectors."""
    rows = session.execute(
        select(ChunkRow.metadata_, ChunkRow.title)
        .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
        .where(ChunkRow.tenant_id == tenant_id, DocumentRow.kind == "tickets")
        .order_by(ChunkRow.document_id, ChunkRow.position)
    )
    return [
        {**dict(metadata or {}), "title": title}
        for metadata, title in rows
        if (metadata or {}).get("ticket") is not None
    ]
