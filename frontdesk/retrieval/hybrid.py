"""Hybrid retrieval: BM25 and dense candidates, fused, optionally reranked.

    query ─┬─► expand (KB vocabulary) ─► BM25 top-N ─┐
           └─► embed ─► body vectors top-N ──────────┼─► union ─► score every candidate on
                      └► title vectors top-N ────────┘   every signal ─► fuse ─► rerank top-M

Every candidate is scored on every signal (not only the lists it came from), so fusion
and the reranker see complete features. Each signal is computed once per query over the
whole collection with numpy and read back for the candidates (see :meth:`_score`).
Titles (FAQ questions, article and section titles) get their own vector: a paraphrased
question matches the FAQ question better than the question+answer text, and the dense
signal is the better of the two cosines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.retrieval.bm25 import BM25Index, BM25Options
from frontdesk.retrieval.compounds import joined_text
from frontdesk.retrieval.dense import DenseIndex, top_rows
from frontdesk.retrieval.expansion import ExpansionOptions, QueryExpander
from frontdesk.retrieval.fusion import Normalization, normalize_array, rrf
from frontdesk.retrieval.protocols import Embedder, Reranker
from frontdesk.retrieval.rarity import annotate, term_weights
from frontdesk.retrieval.rerank import compute_features
from frontdesk.retrieval.text import analyze
from frontdesk.retrieval.titles import TitleIndex
from frontdesk.retrieval.types import Candidate, Chunk, Passage

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
    # The search inside PostgreSQL only (the in-process index scores every chunk in numpy,
    # and ignores both). keyword_match_limit bounds a search's keyword work whatever the
    # tenant's size: the query's rarest terms whose document frequencies add up to at most
    # this (at least the rarest) pick the chunks, at most this many of them are BM25-scored
    # on every query term (None: every chunk with any query term, as in process). Tenants
    # of a few thousand chunks never reach it (bench/RESULTS.md, issue 21).
    keyword_match_limit: int | None = Field(default=1000, ge=1)
    # pgvector's hnsw.ef_search for the vector scans (None: by the tenant's size, see
    # frontdesk.knowledge.pg_index.ef_search): higher finds more of the exact nearest
    # neighbours, more slowly.
    hnsw_ef_search: int | None = Field(default=None, ge=1, le=1000)


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
        self._titles: TitleIndex | None = None
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
        query = self._joined(query)
        candidates = self.rank(query, k, keyword_query=keyword_query)
        passages = [_passage(c) for c in candidates[:k]]
        terms = [self.expander.correction(t) or t for t in analyze(query)]
        annotate(passages, term_weights(terms, self.bm25.document_frequency, len(self.bm25)))
        return passages

    def rank(self, query: str, k: int, *, keyword_query: str | None = None) -> list[Candidate]:
        """Like :meth:`search` but returns the candidates with all their signals."""
        scored = self._score(query, keyword_query)
        if scored is None:
            return []
        if self.reranker is None:
            return scored.top(k)
        head = scored.top(max(k, self.options.rerank_depth))
        compute_features(query, head, self.bm25.idf)
        return self.reranker.rerank(query, head)[:k]

    def candidates(self, query: str, *, keyword_query: str | None = None) -> list[Candidate]:
        """Every candidate from either retriever with every signal, best fused first."""
        scored = self._score(query, keyword_query)
        return [] if scored is None else scored.top(len(scored.ids))

    def _joined(self, text: str) -> str:
        """``text`` with words written apart that the knowledge base writes as one joined
        ("pick up" -> "pickup")."""
        return joined_text(text, lambda term: self.bm25.document_frequency(term) > 0)

    def _score(self, query: str, keyword_query: str | None) -> _Scored | None:
        """Union of the three top-N lists, each member scored on every signal and fused.

        Each signal is computed once over the whole collection (one scatter-add per query
        term, one matrix-vector product per vector index) and read back for the union, so
        the cost is flat in the number of candidates; :class:`Candidate` objects are only
        built for the results actually returned.
        """
        if not self._chunks or not query.strip():
            return None
        assert self._dense is not None
        opts = self.options
        n = opts.candidates
        query = self._joined(query)  # "pick up" -> "pickup": both sides search the joined form
        kw_text = self._joined(keyword_query) if keyword_query is not None else query
        terms: Mapping[str, float] = (
            self.expander.expand(kw_text)
            if opts.spelling or opts.feedback_docs
            else Counter(analyze(kw_text))
        )
        vector = self.embedder.embed([query])[0]
        bm25_all = self.bm25.scores(terms)
        body_all = self._dense.similarities(vector)
        titles = self._titles
        title_all = titles.similarities(vector) if titles is not None else None

        keyword_ids: list[str] = []
        if bm25_all is not None:
            bm25_ids = self.bm25.ids
            keyword_ids = [bm25_ids[r] for r in top_rows(bm25_all, n) if bm25_all[r] > 0.0]
        dense_ids = self._dense.ids
        union = dict.fromkeys(keyword_ids)
        union.update(dict.fromkeys(dense_ids[r] for r in top_rows(body_all, n)))
        if titles is not None and title_all is not None:
            union.update(dict.fromkeys(titles.ids[r] for r in top_rows(title_all, n)))
        ids = list(union)

        body = body_all[[self._dense.row(i) for i in ids]].astype(np.float64)
        if bm25_all is None:
            bm25 = np.zeros(len(ids))
        else:
            bm25_rows = np.array([self.bm25.row(i) for i in ids], dtype=np.int64)
            bm25 = np.where(bm25_rows >= 0, bm25_all[bm25_rows], 0.0).astype(np.float64)
        if titles is not None and title_all is not None:
            title_rows = np.array([titles.row(i) for i in ids], dtype=np.int64)
            has_title = title_rows >= 0
            title = np.where(has_title, title_all[title_rows], body).astype(np.float64)
            dense = np.maximum(body, np.where(has_title, title, -1.0))
        else:
            title, dense = body, body
        dense_order = np.argsort(-dense, kind="stable")
        dense_rank = np.empty(len(ids), dtype=np.int64)
        dense_rank[dense_order] = np.arange(1, len(ids) + 1)
        if opts.fusion == "rrf":
            by_id = rrf(
                [keyword_ids, [ids[j] for j in dense_order[:n]]],
                k=opts.rrf_k,
                weights=[opts.weight_bm25, opts.weight_dense],
            )
            fused = np.array([by_id.get(i, 0.0) for i in ids])
        else:
            fused = np.zeros(len(ids))
            for values, weight, method in (
                (bm25, opts.weight_bm25, opts.bm25_normalization),
                (dense, opts.weight_dense, opts.dense_normalization),
            ):
                if weight != 0.0:
                    fused = fused + weight * normalize_array(values, method)
        return _Scored(
            chunks=self._chunks,
            ids=ids,
            bm25=bm25.tolist(),
            body=body.tolist(),
            title=title.tolist(),
            bm25_rank={chunk_id: r for r, chunk_id in enumerate(keyword_ids, start=1)},
            dense_rank=dense_rank.tolist(),
            fused=fused.tolist(),
        )

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
        assert self._dense is not None
        if self._titles is None:
            self._titles = TitleIndex(self._dense.dimension)
        stored = self._titles
        missing = sorted({title_text(c) for c in titled} - set(given) - stored.titles())
        known = dict(given)
        if missing:
            known.update(zip(missing, self.embedder.embed(missing), strict=True))
        stored.add([c.id for c in titled], [title_text(c) for c in titled], known)


@dataclass(frozen=True, slots=True)
class _Scored:
    """One query's candidates (parallel lists) before :class:`Candidate` objects exist."""

    chunks: Mapping[str, Chunk]
    ids: list[str]
    bm25: list[float]
    body: list[float]
    title: list[float]
    bm25_rank: dict[str, int]
    dense_rank: list[int]
    fused: list[float]

    def top(self, k: int) -> list[Candidate]:
        """The ``k`` best fused candidates (ties by chunk id), best first."""
        fused, ids = self.fused, self.ids
        order = sorted(range(len(ids)), key=lambda j: (-fused[j], ids[j]))[:k]
        return [
            Candidate(
                chunk=self.chunks[ids[j]],
                bm25=self.bm25[j],
                dense=self.body[j],
                dense_title=self.title[j],
                bm25_rank=self.bm25_rank.get(ids[j], 0),
                dense_rank=self.dense_rank[j],
                fused=fused[j],
                score=fused[j],
            )
            for j in order
        ]


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
