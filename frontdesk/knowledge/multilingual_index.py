"""The tenant's knowledge indexed a second time with a multilingual encoder, searched
only for questions that are not in English.

English questions keep the default index (same results, same speed). The multilingual
encoder is slow (minutes for a help center on two cores), so the index is built in the
background: ahead at start-up (``prebuild``), and again whenever the knowledge changes
for a tenant that has one. A question waits at most ``wait_s`` for a build; after that it
searches the index it has (results limited to chunks that still exist and are servable)
or, before the first build finishes, gets ``None`` and the caller searches the default
index. Passage vectors come from a :class:`VectorStore` (the database's, in the server), so
a restart or a rebuild embeds only new texts and loads the others.

Ingestion embeds and stores the vectors ahead for tenants answered in other languages
(:mod:`frontdesk.knowledge.multilingual_ahead`, :meth:`MultilingualIndexes.store_ahead`),
so a build normally only loads them. A first build that still has to embed (a German
question to an English-only tenant, knowledge ingested with ``multilingual_prebuild`` off:
minutes on two cores) publishes the part embedded so far every ``PARTIAL_EVERY`` chunks,
so questions in other languages are answered from what is ready instead of from the
English-only default index; what such a partial index finds is marked
(:data:`~frontdesk.retrieval.multilingual.WARMING`), as is the default index's fallback.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import numpy as np

from frontdesk.knowledge.vector_cache import Vectors, VectorStore
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever, title_text
from frontdesk.retrieval.multilingual import (
    CosineScale,
    PassageQueryEmbedder,
    QuerySide,
    warming,
)
from frontdesk.retrieval.types import Chunk, Passage

log = logging.getLogger(__name__)

# Fitted by bench/multilingual.py on English covidqa_faq query-passage pairs embedded by
# both encoders (multilingual cosine -> all-MiniLM-L6-v2 cosine).
DEFAULT_SCALE = CosineScale(slope=4.2891, intercept=-3.2089)
# Chunks per step of a build; a first build that embeds publishes its index after each.
# ~64 chunks and their titles take ~15 s on an idle two-core machine.
PARTIAL_EVERY = 64

_Key = tuple[str, HybridOptions]


class _Closing(Exception):
    """The application is closing: a build stops between two batches."""


class MultilingualIndexes:
    """One multilingual hybrid index per tenant and retrieval options, at the newest
    knowledge version built so far."""

    def __init__(
        self,
        encoder: PassageQueryEmbedder,
        store: VectorStore,
        scale: CosineScale = DEFAULT_SCALE,
        wait_s: float | None = None,
    ) -> None:
        """``wait_s``: how long a search waits for a build (``None``: as long as it takes)."""
        self.encoder = encoder
        self.scale = scale
        self.wait_s = wait_s
        self._store = store
        self._indexes: dict[_Key, tuple[int, HybridRetriever]] = {}
        self._partial: set[_Key] = set()  # indexes of a first build still embedding
        self._builds: dict[_Key, threading.Thread] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()

    def warm_up(self) -> None:
        self.encoder.warm_up()

    def close(self, timeout_s: float = 30.0) -> None:
        """Stop the builds between two batches and wait for them, so none touches the
        database after the application closed it (a connection checked out of a disposed
        pool is left open until the garbage collector finds it)."""
        self._closing.set()
        with self._lock:
            running = list(self._builds.values())
        for thread in running:
            thread.join(timeout_s)

    def store_ahead(self, tenant_id: str, chunks: Sequence[Chunk]) -> int:
        """Embed and store the passage vectors (bodies and titles) of ``chunks`` that are
        not stored yet, so a later build only loads them; how many texts were embedded."""
        embedded = 0

        def embed(batch: list[str]) -> Vectors:
            nonlocal embedded
            embedded += len(batch)
            return self.encoder.embed_passages(batch)

        # The encoder loads on the first text to embed: none when all are stored.
        self._store.vectors(tenant_id, passage_texts(chunks), embed)
        return embedded

    def has_index(self, tenant_id: str, options: HybridOptions) -> bool:
        return (tenant_id, _own(options)) in self._indexes

    def prebuild(
        self, tenant_id: str, version: int, chunks: Sequence[Chunk], options: HybridOptions
    ) -> threading.Thread | None:
        """Start building the tenant's index in the background unless it is current or
        being built; returns the build's thread."""
        key = (tenant_id, _own(options))
        with self._lock:
            built = self._indexes.get(key)
            if built is not None and built[0] >= version:
                return None
            running = self._builds.get(key)
            if running is not None and running.is_alive():
                return running
            if self._closing.is_set():
                return None
            thread = threading.Thread(
                target=self._build,
                args=(key, version, list(chunks)),
                name=f"multilingual-index-{tenant_id[:8]}",
                daemon=True,  # a cache: losing a half-built index at exit costs nothing
            )
            self._builds[key] = thread
            thread.start()
            return thread

    def search(
        self,
        tenant_id: str,
        version: int,
        chunks: Sequence[Chunk],
        options: HybridOptions,
        query: str,
        k: int,
    ) -> list[Passage] | None:
        """The best ``k`` passages, or ``None`` when no index could be had within
        ``wait_s`` (the build goes on)."""
        key = (tenant_id, _own(options))
        built, partial = self._current(key)
        stale = built is None or built[0] < version
        # Waiting "as long as it takes" (frontdesk eval) means for the complete index.
        if stale or (partial and self.wait_s is None):
            thread = (
                self.prebuild(tenant_id, version, chunks, options)
                if stale
                else self._builds.get(key)
            )
            if thread is not None:
                thread.join(self.wait_s)
            built, partial = self._current(key)
        if built is None:
            return None
        built_version, index = built
        if built_version == version:
            found = index.search(query, k)
        else:
            # An older index may hold chunks deleted or quarantined since: never serve those.
            servable = {chunk.id for chunk in chunks}
            found = [p for p in index.search(query, k * 2) if p.chunk_id in servable][:k]
        passages = self.scale.passages(found)
        return warming(passages) if partial else passages

    def _current(self, key: _Key) -> tuple[tuple[int, HybridRetriever] | None, bool]:
        """The index a search uses now, and whether it is a first build's partial one."""
        with self._lock:
            return self._indexes.get(key), key in self._partial

    def _build(self, key: _Key, version: int, chunks: list[Chunk]) -> None:
        tenant_id, options = key
        texts = [c.embedding_text() for c in chunks]
        embedded = False

        def embed(batch: list[str]) -> Vectors:
            nonlocal embedded
            if self._closing.is_set():
                raise _Closing
            embedded = True
            return self.encoder.embed_passages(batch)

        try:
            # Loaded here, off the request path: the first question needs it for its vector.
            self.encoder.warm_up()
            # Shortest texts first: a partial index then holds as many chunks as it can
            # (FAQ entries, short and the most asked, come early); the complete index
            # keeps the knowledge's order.
            order = sorted(range(len(chunks)), key=lambda i: len(texts[i]))
            vectors: dict[int, Vectors] = {}
            title_vectors: dict[str, Vectors] = {}
            for start in range(0, len(order), PARTIAL_EVERY):
                step = order[start : start + PARTIAL_EVERY]
                found = self._store.vectors(tenant_id, [texts[i] for i in step], embed)
                vectors.update(zip(step, found, strict=True))
                titles = sorted({title_text(chunks[i]) for i in step} - {""})
                new = [t for t in titles if t not in title_vectors]
                title_vectors.update(
                    zip(new, self._store.vectors(tenant_id, new, embed), strict=True)
                )
                if embedded and start + PARTIAL_EVERY < len(order):
                    ready = sorted(vectors)
                    self._publish_partial(
                        key, version, [chunks[i] for i in ready],
                        [vectors[i] for i in ready], title_vectors,
                    )  # fmt: skip
            index = self._index(
                chunks, [vectors[i] for i in range(len(chunks))], title_vectors, options
            )
        except _Closing:
            self._drop_partial(key)
            return
        except Exception:  # a failed build leaves the last index (or the default) in use
            log.exception("multilingual index build failed tenant=%s v%s", tenant_id, version)
            self._drop_partial(key)
            return
        with self._lock:
            current = self._indexes.get(key)
            newest = current is None or key in self._partial or current[0] < version
            if newest:
                self._indexes[key] = (version, index)
                self._partial.discard(key)
        if newest:
            try:  # vectors of edited or deleted knowledge go; a failure only keeps them
                self._store.keep_only(tenant_id, [*texts, *title_vectors])
            except Exception:
                log.exception("stale multilingual vectors not pruned tenant=%s", tenant_id)
        log.info(
            "multilingual index built tenant=%s v%s (%d chunks)", tenant_id, version, len(chunks)
        )

    def _index(
        self,
        chunks: Sequence[Chunk],
        vectors: list[Vectors],
        title_vectors: dict[str, Vectors],
        options: HybridOptions,
    ) -> HybridRetriever:
        # Spelling correction snaps words to the knowledge base's (English)
        # vocabulary: for a question in another language it turns words into others.
        index = HybridRetriever(QuerySide(self.encoder), options)
        if chunks:
            index.add(chunks, np.stack(vectors), dict(title_vectors))
        return index

    def _publish_partial(
        self,
        key: _Key,
        version: int,
        chunks: Sequence[Chunk],
        vectors: list[Vectors],
        title_vectors: dict[str, Vectors],
    ) -> None:
        """Serve what is embedded so far, unless an earlier complete index serves."""
        with self._lock:
            if key in self._indexes and key not in self._partial:
                return
        index = self._index(chunks, vectors, title_vectors, key[1])
        with self._lock:
            if key not in self._indexes or key in self._partial:
                self._indexes[key] = (version, index)
                self._partial.add(key)
        log.info("multilingual index partial tenant=%s (%d chunks)", key[0], len(chunks))

    def _drop_partial(self, key: _Key) -> None:
        """A stopped first build leaves no partial index behind (the next search starts
        another build, which loads what this one stored)."""
        with self._lock:
            if key in self._partial:
                self._partial.discard(key)
                self._indexes.pop(key, None)


def passage_texts(chunks: Sequence[Chunk]) -> list[str]:
    """Every text a build embeds for ``chunks``: their bodies, then their titles."""
    titles = sorted({title_text(c) for c in chunks} - {""})
    return [*(c.embedding_text() for c in chunks), *titles]


def _own(options: HybridOptions) -> HybridOptions:
    return options.model_copy(update={"spelling": False})
