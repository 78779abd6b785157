"""The tenant's knowledge as a searchable index, rebuilt when the knowledge changes.

Each process keeps one in-memory hybrid index per tenant, built from the chunks and
vectors in the database. A per-tenant version number (bumped by every ingestion or
deletion) tells every replica, on its next search, that its index is stale.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
import numpy.typing as npt
from sqlalchemy.exc import SQLAlchemyError

from frontdesk.knowledge.multilingual_index import MultilingualIndexes
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever, title_text
from frontdesk.retrieval.multilingual import warming
from frontdesk.retrieval.protocols import Embedder, Reranker
from frontdesk.retrieval.types import Chunk, Passage
from frontdesk.storage.db import Database
from frontdesk.storage.repos import knowledge as repo

Vector = npt.NDArray[np.float32]
log = logging.getLogger(__name__)


class StoredKnowledge:
    """Implements :class:`frontdesk.pipeline.protocols.KnowledgeBase` over the database."""

    def __init__(
        self,
        database: Database,
        embedder: Embedder,
        options: HybridOptions | None = None,
        reranker: Reranker | None = None,
        multilingual: MultilingualIndexes | None = None,
        prebuild_multilingual: bool = True,
    ) -> None:
        """``prebuild_multilingual``: build the multilingual indexes in the background at
        ``warm_up`` (otherwise on a tenant's first non-English question)."""
        self._db = database
        self._prebuild_multilingual = prebuild_multilingual
        self._multilingual = multilingual
        self._chunks: dict[str, tuple[int, list[Chunk]]] = {}  # what the indexes were built from
        self._embedder = embedder
        self._options = options or HybridOptions()
        self._reranker = reranker
        self._indexes: dict[str, tuple[int, HybridRetriever]] = {}
        self._title_vectors: dict[str, Vector] = {}  # title text → vector, across rebuilds
        self._lock = threading.Lock()

    def warm_up(self, prebuild_tenants: int = 100) -> None:
        """Load the models and build the indexes of up to ``prebuild_tenants`` tenants, so
        no customer waits for an index build (others build on their first search)."""
        self._embedder.warm_up()
        if self._reranker is not None:
            self._reranker.warm_up()
        try:
            with self._db.transaction() as session:
                tenant_ids = repo.tenants_with_knowledge(session, prebuild_tenants)
        except SQLAlchemyError:  # not migrated yet: /readyz says so; build on first search
            log.warning("knowledge indexes not prebuilt: the database is not ready")
            return
        for tenant_id in tenant_ids:
            self._index(tenant_id)
            if self._multilingual is not None and self._prebuild_multilingual:
                version, chunks = self._chunks[tenant_id]
                self._multilingual.prebuild(tenant_id, version, chunks, self._options)

    def search(self, tenant_id: str, query: str, k: int, language: str = "en") -> list[Passage]:
        """``language`` is the question's: other than English, and with a multilingual
        index configured, the search runs over that index (cross-language)."""
        index = self._index(tenant_id)
        if index is None:
            return []
        if language != "en" and self._multilingual is not None:
            version, chunks = self._chunks[tenant_id]
            found = self._multilingual.search(tenant_id, version, chunks, self._options, query, k)
            if found is not None:
                return found
            # Still building after its wait: the default index answers fewer non-English
            # questions, but now rather than in minutes (marked, for the decide stage).
            log.info("multilingual index not ready, default index searched tenant=%s", tenant_id)
            return warming(index.search(query, k))
        return index.search(query, k)

    def chunk_count(self, tenant_id: str) -> int:
        with self._db.transaction() as session:
            return repo.chunk_count(session, tenant_id)

    def _index(self, tenant_id: str) -> HybridRetriever | None:
        with self._db.transaction() as session:
            current = repo.version(session, tenant_id)
        if current == 0:
            return None
        cached = self._indexes.get(tenant_id)
        if cached is not None and cached[0] == current:
            return cached[1]
        with self._lock:  # one rebuild at a time; others wait and reuse it
            cached = self._indexes.get(tenant_id)
            if cached is not None and cached[0] >= current:
                return cached[1]
            with self._db.transaction() as session:
                version = repo.version(session, tenant_id)
                stored = repo.all_chunks(session, tenant_id, self._embedder.model_id)
            index = HybridRetriever(self._embedder, self._options, self._reranker)
            if stored:
                chunks = [
                    Chunk(
                        id=c.id,
                        text=c.text,
                        title=c.title,
                        url=c.url,
                        heading_path=c.heading_path,
                        position=c.position,
                        metadata={**c.metadata, "document_id": c.document_key},
                    )
                    for c in stored
                ]
                index.add(chunks, np.stack([c.vector for c in stored]), self._titles(chunks))
            else:
                chunks = []
            self._chunks[tenant_id] = (version, chunks)
            self._indexes[tenant_id] = (version, index)
            multilingual = self._multilingual
            if multilingual is not None and multilingual.has_index(tenant_id, self._options):
                # This tenant gets non-English questions: refresh theirs in the background.
                multilingual.prebuild(tenant_id, version, chunks, self._options)
            return index

    def _titles(self, chunks: list[Chunk]) -> dict[str, Vector]:
        """Title vectors, embedding only titles not seen in an earlier rebuild."""
        titles = {title_text(c) for c in chunks} - {""}
        missing = sorted(titles - self._title_vectors.keys())
        if missing:
            self._title_vectors.update(zip(missing, self._embedder.embed(missing), strict=True))
        return {t: self._title_vectors[t] for t in titles}
