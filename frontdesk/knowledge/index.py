"""The tenant's knowledge as a searchable index, rebuilt when the knowledge changes.

Each process keeps one in-memory hybrid index per tenant, built from the chunks and
vectors in the database. A per-tenant version number (bumped by every ingestion or
deletion, and by activating or reverting a retrieval adapter) tells every replica, on its
next search, that its index is stale. A tenant with an active adapter (``knowledge
adapt``) gets an index whose query and passage vectors are its adapted encoder's, and its
passages say so (``ENCODER_KEY``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import numpy as np
import numpy.typing as npt
from sqlalchemy.exc import SQLAlchemyError

from frontdesk.knowledge.adapted import AdaptedEncoders
from frontdesk.knowledge.multilingual_ahead import tenant_serves_other_languages
from frontdesk.knowledge.multilingual_index import MultilingualIndexes
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever, title_text
from frontdesk.retrieval.multilingual import warming
from frontdesk.retrieval.protocols import Embedder, Reranker
from frontdesk.retrieval.types import ENCODER_KEY, Chunk, Passage
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
        adapters: AdaptedEncoders | None = None,
    ) -> None:
        """``prebuild_multilingual``: build the multilingual indexes in the background at
        ``warm_up`` (otherwise on a tenant's first non-English question). ``adapters``:
        the tenants' adapted encoders (None: every tenant searches with ``embedder``)."""
        self._db = database
        self._adapters = adapters
        self._adapted: dict[str, str] = {}  # tenant -> the adapter version its index uses
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
                with self._db.transaction() as session:
                    if not tenant_serves_other_languages(session, tenant_id):
                        continue  # English only: built on a first question in another
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
            return warming(self._marked(tenant_id, index.search(query, k)))
        return self._marked(tenant_id, index.search(query, k))

    def _marked(self, tenant_id: str, found: list[Passage]) -> list[Passage]:
        """Passages found with a tenant's adapted encoder say so (the trace shows it)."""
        adapter = self._adapted.get(tenant_id)
        if adapter is None:
            return found
        marker = f"adapted:{adapter}"
        return [replace(p, metadata={**p.metadata, ENCODER_KEY: marker}) for p in found]

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
                adapter = (
                    None
                    if self._adapters is None
                    else self._adapters.active_version(session, tenant_id)
                )
            index = HybridRetriever(self._embedder, self._options, self._reranker)
            chunks = [c.as_chunk() for c in stored]
            if adapter is not None and stored:
                index = self._adapted_index(tenant_id, adapter, chunks)
            elif stored:
                index.add(chunks, np.stack([c.vector for c in stored]), self._titles(chunks))
            self._chunks[tenant_id] = (version, chunks)
            self._indexes[tenant_id] = (version, index)
            if adapter is not None:
                self._adapted[tenant_id] = adapter
            else:
                self._adapted.pop(tenant_id, None)
            multilingual = self._multilingual
            if multilingual is not None and multilingual.has_index(tenant_id, self._options):
                # This tenant gets non-English questions: refresh theirs in the background.
                multilingual.prebuild(tenant_id, version, chunks, self._options)
            return index

    def _adapted_index(self, tenant_id: str, version: str, chunks: list[Chunk]) -> HybridRetriever:
        """An index whose query, body and title vectors are the tenant's adapted encoder's
        (stored vectors read back; texts added since the adaptation embedded now)."""
        assert self._adapters is not None
        embedder = self._adapters.embedder(tenant_id, version)
        titles = sorted({title_text(c) for c in chunks} - {""})
        texts = [c.embedding_text() for c in chunks]
        vectors = self._adapters.vectors(tenant_id, embedder, texts + titles)
        index = HybridRetriever(embedder, self._options, self._reranker)
        title_vectors = dict(zip(titles, vectors[len(texts) :], strict=True))
        index.add(chunks, vectors[: len(texts)], title_vectors)
        return index

    def _titles(self, chunks: list[Chunk]) -> dict[str, Vector]:
        """Title vectors, embedding only titles not seen in an earlier rebuild."""
        titles = {title_text(c) for c in chunks} - {""}
        missing = sorted(titles - self._title_vectors.keys())
        if missing:
            self._title_vectors.update(zip(missing, self._embedder.embed(missing), strict=True))
        return {t: self._title_vectors[t] for t in titles}
