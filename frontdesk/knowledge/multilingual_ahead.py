"""Multilingual passage vectors embedded when knowledge is ingested, not when it is first
served.

The multilingual encoder takes about a minute for the demo help center on two cores. Left
to the server, that minute came after ``frontdesk serve`` started, and a question in
another language asked meanwhile was handed to a person ("one moment"). Embedded at
ingestion (``frontdesk demo``, ``frontdesk ingest``, the upload job) and stored in the
database with the other vectors, the server's first build of the multilingual index only
loads them, as a restart or a new replica does. The vectors are stored before the
document (and the knowledge version that tells servers to rebuild), so a running server's
rebuild finds them too.

Only for tenants answered in a language other than English (``languages``, empty meaning
every catalogue language): a tenant answered only in English pays nothing, and one that
turns other languages on later gets its existing knowledge embedded by a backfill job
(:data:`BACKFILL_TASK`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from frontdesk.knowledge import shipped_vectors
from frontdesk.knowledge.multilingual_index import MultilingualIndexes
from frontdesk.knowledge.stored_vectors import StoredVectors
from frontdesk.pipeline.language import served_languages
from frontdesk.retrieval.types import Chunk
from frontdesk.storage.db import Database
from frontdesk.storage.repos import knowledge as knowledge_repo
from frontdesk.storage.repos import tenants as tenants_repo

log = logging.getLogger(__name__)

# The job that embeds a tenant's existing knowledge when it turns other languages on.
BACKFILL_TASK = "embed_multilingual"


def serves_other_languages(languages: Sequence[str]) -> bool:
    """Whether a tenant with these configured ``languages`` answers beyond English."""
    return any(code != "en" for code in served_languages(languages))


def tenant_serves_other_languages(session: Session, tenant_id: str) -> bool:
    """Whether the tenant answers beyond English: only then is its multilingual index
    prepared ahead (a German question to an English-only tenant still builds it)."""
    return serves_other_languages(tenants_repo.get_tenant(session, tenant_id).settings.languages)


class Backfilled(NamedTuple):
    embedded: int  # texts embedded now
    next: int | None  # the position to go on from; None: done
    chunks: int = 0  # the tenant's servable chunks


class MultilingualAhead:
    """Embeds a tenant's passages with the multilingual encoder ahead of serving.

    ``indexes`` and ``embedding_model`` are called on first use: an English-only tenant's
    ingestion never loads the multilingual encoder."""

    def __init__(
        self,
        database: Database,
        indexes: Callable[[], MultilingualIndexes],
        embedding_model: Callable[[], str],
    ) -> None:
        self._db = database
        self._indexes = indexes
        self._embedding_model = embedding_model

    def wanted(self, tenant_id: str) -> bool:
        with self._db.transaction() as session:
            return tenant_serves_other_languages(session, tenant_id)

    def embed(self, tenant_id: str, chunks: Sequence[Chunk]) -> int:
        """Store the vectors of ``chunks`` not stored yet (none for an English-only
        tenant); how many texts were embedded."""
        if not chunks or not self.wanted(tenant_id):
            return 0
        return self._indexes().store_ahead(tenant_id, chunks)

    def seed(self, tenant_id: str, path: Path) -> int:
        """Store the vectors shipped in ``path`` (:mod:`~frontdesk.knowledge.shipped_vectors`)
        that the tenant has not stored, so ingesting that help center embeds only texts the
        file lacks; how many were stored. Nothing for an English-only tenant, or when the
        file holds another encoder's vectors."""
        if not self.wanted(tenant_id):
            return 0
        encoder = self._indexes().encoder  # its id and dimension: the model is not loaded
        shipped = shipped_vectors.load(path, encoder.model_id, encoder.dimension)
        if not shipped:
            return 0
        store = StoredVectors(self._db, encoder.model_id, encoder.dimension)
        return store.add_missing(tenant_id, shipped)

    def backfill(self, tenant_id: str, start: int = 0, limit: int | None = None) -> Backfilled:
        """:meth:`embed` over the tenant's servable chunks from position ``start`` (at
        most ``limit`` of them): knowledge ingested before the tenant served other
        languages, or before vectors were embedded at ingestion. Costs one read of the
        tenant's chunks when everything is stored already."""
        if not self.wanted(tenant_id):
            return Backfilled(0, None)
        with self._db.transaction() as session:
            stored = knowledge_repo.all_chunks(session, tenant_id, self._embedding_model())
        end = len(stored) if limit is None else min(len(stored), start + limit)
        chunks = [c.as_chunk() for c in stored[start:end]]
        embedded = self._indexes().store_ahead(tenant_id, chunks)
        if embedded:
            log.info("multilingual vectors backfilled tenant=%s (%d texts)", tenant_id, embedded)
        return Backfilled(embedded, end if end < len(stored) else None, len(stored))
