"""Hybrid retrieval: BM25 and dense candidates, fused, optionally reranked.

    query ─┬─► expand (KB vocabulary) ─► BM25 top-N ─┐
           └─► embed ─► body vectors top-N ──────────┼─► union ─► score every candidate on
                      └► title vectors top-N ────────┘   every signal ─► fuse ─► rerank top-M

Every candidate is scored on every signal (not only the lists it came from), so fusion
and the reranker see complete features. Titles (FAQ questions, article and section
titles) get their own vector: a paraphrased question matches the FAQ question better than
the question+answer text, and the dense signal is the better of the two cosines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.pipeline.protocols import Embedder
from frontdesk.pipeline.state import Passage
from frontdesk.retrieval.bm25 import BM25Index, BM25Options
from frontdesk.retrieval.dense import DenseIndex
from frontdesk.retrieval.expansion import ExpansionOptions, QueryExpander
from frontdesk.retrieval.fusion import Normalization, convex, rrf
from frontdesk.retrieval.protocols import Reranker
from frontdesk.retrieval.rerank import compute_features
from frontdesk.retrieval.text import analyze
from frontdesk.retrieval.types import Candidate, Chunk

Vectors = npt.NDArray[np.float32]


class HybridOptions(BaseModel):
    """Retrieval parameters of a release; ``model_dump()`` is what the release stores."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    candidates: int = Field(default=50, ge=1, le=1000)  # taken from each retriever
    fusion: Literal["convex", "rrf"] = "convex"
    weight_bm25: float = Field(default=0.4, ge=0.0)
    weight_dense: float = Field(default=0.6, ge=0.0)
    bm25_normalization: Normalization = "max"
    dense_normalization: Normalization = "minmax"
    rrf_k: float = Field(default=60.0, gt=0.0)
    title_vectors: bool = True
    bm25_k1: float = Field(default=1.2, ge=0.0)
    bm25_b: float = Field(default=0.75, ge=0.0, le=1.0)
    spelling: bool = True
    feedback_docs: int = Field(default=0, ge=0)
    feedback_terms: int = Field(default=8, ge=0)
    feedback_weight: float = Field(default=0.3, ge=0.0)
    rerank_depth: int = Field(default=30, ge=1)  # top fused candidates given to the reranker


class HybridRetriever:
    """In-process hybrid retriever over chunks; see the module docstring for the flow."""

    def __init__(
        self,
        embedder: Embedder,
        options: HybridOptions | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.embedder = embedder
        self.options = options or HybridOptions()
        self.reranker = reranker
        opts = self.options
        self.bm25 = BM25Index(BM25Options(k1=opts.bm25_k1, b=opts.bm25_b))
        self.expander = QueryExpander(
            self.bm25,
            ExpansionOptions(
                spelling=opts.spelling,
                feedback_docs=opts.feedback_docs,
                feedback_terms=opts.feedback_terms,
                feedback_weight=opts.feedback_weight,
            ),
        )
        self._dense: DenseIndex | None = None
        self._titles: DenseIndex | None = None
        self._chunks: dict[str, Chunk] = {}

    def __len__(self) -> int:
        return len(self._chunks)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._chunks

    def config(self) -> dict[str, Any]:
        return {"retriever": "hybrid", "options": self.options.model_dump()}

    def warm_up(self) -> None:
        self.embedder.warm_up()
        if self.reranker is not None:
            self.reranker.warm_up()

    def get(self, chunk_id: str) -> Chunk | None:
        return self._chunks.get(chunk_id)

    def add(
        self,
        chunks: Sequence[Chunk],
        vectors: Vectors | None = None,
        title_vectors: Mapping[str, Vectors] | None = None,
    ) -> None:
        """Index ``chunks`` (replacing ids already present).

        ``vectors`` are the stored body vectors (``embedder.embed([c.embedding_text()])``)
        and ``title_vectors`` maps :func:`title_text` to its vector; what is not given is
        embedded here.
        """
        if not chunks:
            return
        if len({c.id for c in chunks}) != len(chunks):
            raise ValueError("duplicate chunk ids in one add() call")
        if vectors is None:
            vectors = self.embedder.embed([c.embedding_text() for c in chunks])
        dense = self._dense_index(int(vectors.shape[1]))
        self.remove(c.id for c in chunks)
        dense.add([c.id for c in chunks], vectors)
        self.bm25.add((c.id, c.keyword_text()) for c in chunks)
        for chunk in chunks:
            self._chunks[chunk.id] = chunk
        if self.options.title_vectors:
            self._add_titles(chunks, title_vectors or {})

    def remove(self, ids: Iterable[str]) -> None:
        gone = [i for i in ids if i in self._chunks]
        if not gone:
            return
        self.bm25.remove(gone)
        for index in (self._dense, self._titles):
            if index is not None:
                index.remove(gone)
        for chunk_id in gone:
            del self._chunks[chunk_id]

    def search(self, query: str, k: int = 5, *, keyword_query: str | None = None) -> list[Passage]:
        """The ``k`` best passages for ``query``, best first, ``score`` from the last stage.

        ``keyword_query`` replaces the text BM25 sees (e.g. a condensed conversation) while
        the dense side embeds ``query``.
        """
        candidates = self.rank(query, k, keyword_query=keyword_query)
        return [_passage(c) for c in candidates[:k]]

    def rank(self, query: str, k: int, *, keyword_query: str | None = None) -> list[Candidate]:
        """Like :meth:`search` but returns the candidates with all their signals."""
        fused = self.candidates(query, keyword_query=keyword_query)
        if self.reranker is None or not fused:
            return fused[:k]
        depth = max(k, self.options.rerank_depth)
        head = fused[:depth]
        compute_features(query, head, self.bm25.idf)
        return self.reranker.rerank(query, head)[:k]

    def candidates(self, query: str, *, keyword_query: str | None = None) -> list[Candidate]:
        """Every candidate from either retriever with every signal, best fused first."""
        if not self._chunks or not query.strip():
            return []
        opts = self.options
        n = opts.candidates
        kw_text = keyword_query if keyword_query is not None else query
        terms: Mapping[str, float] = (
            self.expander.expand(kw_text)
            if opts.spelling or opts.feedback_docs
            else Counter(analyze(kw_text))
        )
        vector = self.embedder.embed([query])[0]
        assert self._dense is not None
        keyword_hits = self.bm25.search_terms(terms, n)
        body_hits = self._dense.search(vector, n)
        title_hits = self._titles.search(vector, n) if self._titles is not None else []
        ids = list(dict.fromkeys(i for i, _ in (*keyword_hits, *body_hits, *title_hits)))
        bm25 = self.bm25.score_ids(terms, ids)
        body = self._dense.score_ids(vector, ids)
        titles = self._titles.score_ids(vector, ids) if self._titles is not None else {}
        dense = {i: max(body[i], titles.get(i, -1.0)) for i in ids}
        if opts.fusion == "rrf":
            bm25_order = [i for i, _ in keyword_hits]
            dense_order = sorted(ids, key=lambda i: -dense[i])[:n]
            fused = rrf(
                [bm25_order, dense_order],
                k=opts.rrf_k,
                weights=[opts.weight_bm25, opts.weight_dense],
            )
        else:
            fused = convex(
                [bm25, dense],
                [opts.weight_bm25, opts.weight_dense],
                normalization=[opts.bm25_normalization, opts.dense_normalization],
            )
        bm25_rank = {i: r for r, (i, _) in enumerate(keyword_hits, start=1)}
        dense_rank = {i: r for r, i in enumerate(sorted(ids, key=lambda i: -dense[i]), start=1)}
        out = [
            Candidate(
                chunk=self._chunks[i],
                bm25=bm25[i],
                dense=body[i],
                dense_title=titles.get(i, body[i]),
                bm25_rank=bm25_rank.get(i, 0),
                dense_rank=dense_rank[i],
                fused=fused.get(i, 0.0),
                score=fused.get(i, 0.0),
            )
            for i in ids
        ]
        out.sort(key=lambda c: (-c.fused, c.chunk.id))
        return out

    def _dense_index(self, dimension: int) -> DenseIndex:
        if self._dense is None:
            self._dense = DenseIndex(dimension)
        elif self._dense.dimension != dimension:
            raise ValueError(
                f"vectors of dimension {dimension} do not fit an index of {self._dense.dimension}"
            )
        return self._dense

    def _add_titles(self, chunks: Sequence[Chunk], given: Mapping[str, Vectors]) -> None:
        titled = [c for c in chunks if title_text(c)]
        if not titled:
            return
        missing = sorted({title_text(c) for c in titled} - set(given))
        known = dict(given)
        if missing:
            known.update(zip(missing, self.embedder.embed(missing), strict=True))
        assert self._dense is not None
        if self._titles is None:
            self._titles = DenseIndex(self._dense.dimension)
        self._titles.add([c.id for c in titled], np.stack([known[title_text(c)] for c in titled]))


def title_text(chunk: Chunk) -> str:
    """What a chunk's title vector encodes: its title and heading path."""
    return " > ".join(p for p in (chunk.title, *chunk.heading_path) if p)


def _passage(cand: Candidate) -> Passage:
    chunk = cand.chunk
    return Passage(
        chunk_id=chunk.id,
        text=chunk.text,
        title=chunk.title,
        score=cand.score,
        url=chunk.url,
        heading_path=chunk.heading_path,
        metadata={
            **chunk.metadata,
            "position": chunk.position,
            "bm25": cand.bm25,
            "dense": cand.dense,
            "dense_title": cand.dense_title,
            "fused": cand.fused,
        },
    )
