"""Reranking over cheap features: a linear ranking model trained with scikit-learn.

The features are the signals retrieval already has (BM25, dense cosine of body and title,
ranks, fused score) plus lexical checks (query-term coverage weighted by idf, title
overlap, length). The model is pairwise logistic regression (RankNet with a linear
scorer): trained on differences between a relevant and a non-relevant candidate of the
same query, so it learns an ordering, not a calibrated probability. It is stored as JSON
(feature names, scaling, weights); scoring needs only numpy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from frontdesk.errors import ConfigurationError
from frontdesk.retrieval.text import analyze
from frontdesk.retrieval.types import Candidate

FORMAT = "frontdesk-linear-reranker/1"

FEATURES = (
    "bm25_norm",
    "bm25_log",
    "bm25_rr",
    "dense",
    "dense_gap",
    "dense_rr",
    "title_dense",
    "title_dense_gap",
    "fused_norm",
    "coverage",
    "idf_coverage",
    "title_overlap",
    "log_length",
)


def compute_features(
    query: str,
    candidates: Sequence[Candidate],
    idf: Callable[[str], float] | None = None,
) -> None:
    """Fill ``candidate.features`` for every candidate, relative to the whole list."""
    if not candidates:
        return
    terms = set(analyze(query))
    weights = {t: (idf(t) if idf is not None else 1.0) for t in terms}
    total_weight = sum(weights.values()) or 1.0
    top_bm25 = max(c.bm25 for c in candidates) or 1.0
    top_dense = max(c.dense for c in candidates)
    titles = [c.dense_title if c.chunk.title else c.dense for c in candidates]
    top_title = max(titles)
    top_fused = max(c.fused for c in candidates) or 1.0
    bm25_rank = _ranks([c.bm25 for c in candidates])
    dense_rank = _ranks([c.dense for c in candidates])
    for i, cand in enumerate(candidates):
        text_terms = set(analyze(cand.chunk.keyword_text()))
        title_terms = set(analyze(" ".join((cand.chunk.title, *cand.chunk.heading_path))))
        matched = terms & text_terms
        cand.features = {
            "bm25_norm": cand.bm25 / top_bm25,
            "bm25_log": math.log1p(max(cand.bm25, 0.0)),
            "bm25_rr": 1.0 / bm25_rank[i],
            "dense": cand.dense,
            "dense_gap": cand.dense - top_dense,
            "dense_rr": 1.0 / dense_rank[i],
            "title_dense": titles[i],
            "title_dense_gap": titles[i] - top_title,
            "fused_norm": cand.fused / top_fused,
            "coverage": len(matched) / len(terms) if terms else 0.0,
            "idf_coverage": sum(weights[t] for t in matched) / total_weight,
            "title_overlap": len(terms & title_terms) / len(terms) if terms else 0.0,
            "log_length": math.log1p(len(text_terms)),
        }


def _ranks(values: Sequence[float]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    return ranks


class LinearReranker:
    """Scores candidates with a linear model over :data:`FEATURES`; see module docstring."""

    def __init__(
        self,
        weights: Sequence[float],
        mean: Sequence[float],
        scale: Sequence[float],
        features: Sequence[str] = FEATURES,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if not (len(weights) == len(mean) == len(scale) == len(features)):
            raise ConfigurationError("reranker weights, mean, scale and features differ in length")
        unknown = set(features) - set(FEATURES)
        if unknown:
            raise ConfigurationError(f"reranker uses unknown features: {sorted(unknown)}")
        self.features = tuple(features)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.metadata = metadata or {}

    def warm_up(self) -> None:
        """Nothing to load: the model is a few numbers."""

    def rerank(self, query: str, candidates: list[Candidate]) -> list[Candidate]:
        if not candidates:
            return []
        if any(not c.features for c in candidates):
            compute_features(query, candidates)
        matrix = np.array([[c.features[f] for f in self.features] for c in candidates])
        scores = ((matrix - self.mean) / self.scale) @ self.weights
        for cand, score in zip(candidates, scores, strict=True):
            cand.score = float(score)
        return sorted(candidates, key=lambda c: (-c.score, c.chunk.id))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(self.features),
            "weights": self.weights.tolist(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "metadata": self.metadata,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearReranker:
        if data.get("format") != FORMAT:
            raise ConfigurationError(f"not a {FORMAT} model (format={data.get('format')!r})")
        return cls(
            weights=data["weights"],
            mean=data["mean"],
            scale=data["scale"],
            features=data["features"],
            metadata=data.get("metadata", {}),
        )

    @classmethod
    def load(cls, path: str | Path) -> LinearReranker:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"cannot read reranker model {path}: {exc}") from exc
        return cls.from_dict(data)


def train_linear_reranker(
    groups: Sequence[tuple[Sequence[Candidate], set[str]]],
    *,
    c: float = 1.0,
    max_pairs_per_query: int = 200,
    seed: int = 0,
    features: Sequence[str] = FEATURES,
    metadata: dict[str, Any] | None = None,
) -> LinearReranker:
    """Fit on ``(candidates with features, relevant chunk ids)`` per training query.

    Queries whose candidates hold no relevant chunk (or only relevant ones) teach nothing
    about ordering and are skipped.
    """
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    rows: list[np.ndarray[Any, np.dtype[np.float64]]] = []
    for candidates, relevant in groups:
        matrix = np.array([[cand.features[f] for f in features] for cand in candidates])
        pos = [i for i, cand in enumerate(candidates) if cand.chunk.id in relevant]
        neg = [i for i, cand in enumerate(candidates) if cand.chunk.id not in relevant]
        if not pos or not neg:
            continue
        pairs = [(p, n) for p in pos for n in neg]
        if len(pairs) > max_pairs_per_query:
            picked = rng.choice(len(pairs), size=max_pairs_per_query, replace=False)
            pairs = [pairs[i] for i in picked]
        rows.extend(matrix[p] - matrix[n] for p, n in pairs)
    if not rows:
        raise ConfigurationError("no training query has both relevant and other candidates")
    diffs = np.array(rows)
    scale = diffs.std(axis=0)
    scale[scale == 0] = 1.0
    # Symmetric pairs (x, 1) and (-x, 0) make a no-intercept model exact.
    x = np.vstack([diffs / scale, -diffs / scale])
    y = np.concatenate([np.ones(len(diffs)), np.zeros(len(diffs))])
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    model.fit(x, y)
    return LinearReranker(
        weights=model.coef_[0].tolist(),
        mean=[0.0] * len(features),
        scale=scale.tolist(),
        features=features,
        metadata={"pairs": len(diffs), "c": c, **(metadata or {})},
    )
