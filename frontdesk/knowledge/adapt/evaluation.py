"""nDCG@10 of held-out questions over a tenant's passages, for one encoder.

``ndcg`` is what serving does: the hybrid retriever with the release's options (BM25 and
body and title vectors, fused); ``dense_ndcg`` is the encoder alone (the better of a
passage's body and title cosines), reported beside it because fusion dilutes the change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever, title_text
from frontdesk.retrieval.protocols import Embedder
from frontdesk.retrieval.types import Chunk

Vectors = npt.NDArray[np.float32]
DEPTH = 10


@dataclass(frozen=True, slots=True)
class Scores:
    ndcg: float
    dense_ndcg: float


def ndcg_at_10(rankings: Sequence[Sequence[str]], golds: Sequence[set[str]]) -> float:
    """Mean nDCG@10 with binary gains."""
    total = 0.0
    for ranking, gold in zip(rankings, golds, strict=True):
        dcg = sum(1.0 / math.log2(r + 1) for r, i in enumerate(ranking[:DEPTH], 1) if i in gold)
        ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(gold), DEPTH) + 1))
        total += dcg / ideal
    return round(total / max(len(golds), 1), 4)


def score(
    embedder: Embedder,
    chunks: Sequence[Chunk],
    golds: Mapping[str, set[str]],
    options: HybridOptions,
    body_vectors: Vectors | None = None,
    known: Mapping[str, Vectors] | None = None,
) -> Scores:
    """Held-out ``golds`` (question -> relevant chunk ids) ranked over ``chunks`` with
    ``embedder``. ``body_vectors`` are the chunks' (the stored ones, for the base
    encoder); ``known`` maps texts (bodies, titles) to vectors already computed."""
    computed = dict(known or {})
    if body_vectors is None:
        missing = [c.embedding_text() for c in chunks if c.embedding_text() not in computed]
        computed.update(_embedded(embedder, missing))
        body_vectors = np.stack([computed[c.embedding_text()] for c in chunks])
    body = body_vectors
    titles = sorted({title_text(c) for c in chunks} - {""})
    computed.update(_embedded(embedder, [t for t in titles if t not in computed]))
    title_vectors = {t: computed[t] for t in titles}
    index = HybridRetriever(embedder, options)
    index.add(list(chunks), body, title_vectors)
    questions = list(golds)
    hybrid = [[p.chunk_id for p in index.search(q, DEPTH)] for q in questions]
    dense = _dense_rankings(embedder, chunks, body, title_vectors, questions)
    expected = [golds[q] for q in questions]
    return Scores(ndcg_at_10(hybrid, expected), ndcg_at_10(dense, expected))


def _embedded(embedder: Embedder, texts: list[str]) -> dict[str, Vectors]:
    return dict(zip(texts, embedder.embed(texts), strict=True)) if texts else {}


def _dense_rankings(
    embedder: Embedder,
    chunks: Sequence[Chunk],
    body: Vectors,
    title_vectors: Mapping[str, Vectors],
    questions: list[str],
) -> list[list[str]]:
    queries = embedder.embed(questions)
    similarity = queries @ body.T
    for column, chunk in enumerate(chunks):
        title = title_text(chunk)
        if title:
            similarity[:, column] = np.maximum(
                similarity[:, column], queries @ title_vectors[title]
            )
    return [[chunks[i].id for i in np.argsort(-row, kind="stable")[:DEPTH]] for row in similarity]
