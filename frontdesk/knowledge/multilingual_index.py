"""The tenant's knowledge indexed a second time with a multilingual encoder, searched
only for questions that are not in English.

English questions keep the default index (same results, same speed). The multilingual
index is built on a tenant's first non-English question (or ahead, by ``prebuild``) from
the same chunks, with passage vectors from the on-disk :class:`VectorCache`, so a rebuild
after new knowledge embeds only the new texts.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from frontdesk.knowledge.vector_cache import VectorCache
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever, title_text
from frontdesk.retrieval.multilingual import CosineScale, PassageQueryEmbedder, QuerySide
from frontdesk.retrieval.types import Chunk, Passage

# Fitted by bench/multilingual.py on English covidqa_faq query-passage pairs embedded by
# both encoders (multilingual cosine -> all-MiniLM-L6-v2 cosine).
DEFAULT_SCALE = CosineScale(slope=4.2891, intercept=-3.2089)


class MultilingualIndexes:
    """One multilingual hybrid index per tenant and knowledge version."""

    def __init__(
        self,
        encoder: PassageQueryEmbedder,
        cache_path: Path,
        scale: CosineScale = DEFAULT_SCALE,
    ) -> None:
        self.encoder = encoder
        self.scale = scale
        self._cache = VectorCache(cache_path, encoder.model_id, encoder.dimension)
        self._indexes: dict[str, tuple[int, HybridRetriever]] = {}
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        self.encoder.warm_up()

    def search(
        self,
        tenant_id: str,
        version: int,
        chunks: Sequence[Chunk],
        options: HybridOptions,
        query: str,
        k: int,
    ) -> list[Passage]:
        index = self._index(tenant_id, version, chunks, options)
        return self.scale.passages(index.search(query, k))

    def _index(
        self, tenant_id: str, version: int, chunks: Sequence[Chunk], options: HybridOptions
    ) -> HybridRetriever:
        cached = self._indexes.get(tenant_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._lock:
            cached = self._indexes.get(tenant_id)
            if cached is not None and cached[0] >= version:
                return cached[1]
            # Spelling correction snaps words to the knowledge base's (English) vocabulary:
            # for a question in another language it turns words into unrelated ones.
            index = HybridRetriever(
                QuerySide(self.encoder), options.model_copy(update={"spelling": False})
            )
            if chunks:
                embed = self.encoder.embed_passages
                vectors = self._cache.vectors([c.embedding_text() for c in chunks], embed)
                titles = sorted({title_text(c) for c in chunks} - {""})
                title_vectors = dict(zip(titles, self._cache.vectors(titles, embed), strict=True))
                index.add(chunks, vectors, title_vectors)
            self._indexes[tenant_id] = (version, index)
            return index
