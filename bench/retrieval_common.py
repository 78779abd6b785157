"""Helpers shared by bench/retrieval.py (project venv) and bench/retrieval_peers.py (peers venv).

Only numpy and the project's OnnxEmbedder are used here, so both environments can import it.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder

Vectors = npt.NDArray[np.float32]


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class CachingEmbedder:
    """Wraps OnnxEmbedder; caches document vectors on disk while ``caching`` is on.

    Every system indexes the same cached document vectors (identical model, identical
    numbers); with ``caching`` off (during queries) it is a plain pass-through, so query
    latency always includes a real embedding.
    """

    def __init__(self, inner: OnnxEmbedder, cache_file: Path) -> None:
        self.inner = inner
        self.cache_file = cache_file
        self.caching = True
        self._cache: dict[str, Vectors] = {}
        self._dirty = False
        if cache_file.exists():
            with np.load(cache_file) as data:
                keys = data["keys"]
                vectors = data["vectors"]
                self._cache = {str(k): vectors[i] for i, k in enumerate(keys)}

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def warm_up(self) -> None:
        self.inner.warm_up()

    def embed(self, texts: list[str]) -> Vectors:
        if not self.caching:
            return self.inner.embed(texts)
        keys = [text_key(t) for t in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}.items()
        )
        if missing:
            vectors = self.inner.embed([t for _, t in missing])
            for (key, _), vector in zip(missing, vectors, strict=True):
                self._cache[key] = vector
            self._dirty = True
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if not self._dirty:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(sorted(self._cache))
        vectors = np.stack([self._cache[k] for k in keys])
        tmp = self.cache_file.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors)
        tmp.replace(self.cache_file)
        self._dirty = False


def latency_stats(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "qps": 0.0}
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "qps": round(len(ordered) / sum(ordered), 1),
    }


def ranking_metrics(rankings: list[list[str]], golds: list[set[str]]) -> dict[str, Any]:
    """Recall@1/5/10 (share of relevant ids found), MRR@10, nDCG@10 (binary gains)."""
    totals = {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0}
    for ranking, gold in zip(rankings, golds, strict=True):
        for k in (1, 5, 10):
            totals[f"recall@{k}"] += len(set(ranking[:k]) & gold) / len(gold)
        for rank, item in enumerate(ranking[:10], start=1):
            if item in gold:
                totals["mrr@10"] += 1.0 / rank
                break
        dcg = sum(1.0 / math.log2(r + 1) for r, i in enumerate(ranking[:10], 1) if i in gold)
        ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(gold), 10) + 1))
        totals["ndcg@10"] += dcg / ideal
    n = max(len(golds), 1)
    return {key: round(value / n, 4) for key, value in totals.items()}


def hit_metrics(rankings: list[list[str]], golds: list[set[str]]) -> dict[str, Any]:
    """FAQ matching: Recall@k as a hit rate (any gold id in the top k)."""
    out = ranking_metrics(rankings, golds)
    for k in (1, 5, 10):
        hits = sum(1 for r, g in zip(rankings, golds, strict=True) if set(r[:k]) & g)
        out[f"recall@{k}"] = round(hits / max(len(golds), 1), 4)
    return out


def main() -> None:
    """Raw model throughput: ``OnnxEmbedder.embed`` over mtrag_un passages, no library."""
    import argparse
    import json
    import time

    parser = argparse.ArgumentParser(
        description="Helpers for bench/retrieval.py; run alone it measures the raw embedding "
        "throughput (passages/s) of the model on mtrag_un passages at 1 and all threads."
    )
    parser.add_argument(
        "datasets",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "datasets",
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--passages", type=int, default=200)
    args = parser.parse_args()
    corpus = args.datasets / "mtrag_un" / "corpus.jsonl"
    with corpus.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()][: args.passages]
    from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedderOptions

    out: dict[str, Any] = {"passages": len(texts)}
    for threads in (1, 0):
        embedder = OnnxEmbedder(OnnxEmbedderOptions(threads=threads))
        embedder.warm_up()
        start = time.perf_counter()
        embedder.embed(texts)
        out[f"passages_per_s_threads_{threads or 'all'}"] = round(
            len(texts) / (time.perf_counter() - start), 1
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
