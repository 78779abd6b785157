"""Retrieval benchmark: Frontdesk BM25, dense, hybrid, hybrid+rerank vs LlamaIndex and Haystack.

    .venv/bin/python bench/retrieval.py [DATASETS] [--out bench/results/retrieval.json]

DATASETS defaults to ../shared/datasets (relative to the repo). Evaluates covidqa_faq
(240 queries over the 213-entry FAQ) and mtrag_un (332 tasks with qrels). Peers run in
bench/.venv-peers (bench/setup-peers.sh) through bench/retrieval_peers.py with the same
embedding model and the same document vectors; skip them with --no-peers.

No parameter is fitted on covidqa_faq queries (its pairs.jsonl holds the same 240 user
questions, so it has no separate training split). The linear reranker for covidqa_faq is
trained on mtrag_un; on mtrag_un it is cross-fitted: conversations are split in two folds
by a hash, and each fold is reranked by the model trained on the other fold. Fusion
weights and the condensation budget were chosen on mtrag_un fold 0.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from retrieval_common import (  # noqa: E402
    CachingEmbedder,
    hit_metrics,
    latency_stats,
    ranking_metrics,
)
from retrieval_data import Dataset, Query, load_covidqa, load_mtrag  # noqa: E402

from frontdesk.providers.embedders.onnx_minilm import (  # noqa: E402
    OnnxEmbedder,
    _default_model_path,
    _default_tokenizer_path,
)
from frontdesk.retrieval.bm25 import BM25Index  # noqa: E402
from frontdesk.retrieval.dense import DenseIndex  # noqa: E402
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever  # noqa: E402
from frontdesk.retrieval.rerank import (  # noqa: E402
    LinearReranker,
    compute_features,
    train_linear_reranker,
)

Search = Callable[[str], list[str]]


def timed(search: Search, queries: list[str]) -> tuple[list[list[str]], list[float]]:
    rankings, latencies = [], []
    for query in queries:
        start = time.perf_counter()
        rankings.append(search(query)[:10])
        latencies.append(time.perf_counter() - start)
    return rankings, latencies


def score(ds: Dataset, rankings: list[list[str]], queries: list[Query]) -> dict[str, Any]:
    golds = [q.gold for q in queries]
    return (hit_metrics if ds.name == "covidqa_faq" else ranking_metrics)(rankings, golds)


def query_texts(ds: Dataset, strategy: str = "condensed") -> list[str]:
    return [q.as_query(strategy) for q in ds.queries]  # type: ignore[arg-type]


def training_groups(
    retriever: HybridRetriever, ds: Dataset, fold: int | None
) -> list[tuple[list[Any], set[str]]]:
    groups = []
    depth = retriever.options.rerank_depth
    for q in ds.queries:
        if fold is not None and q.fold != fold:
            continue
        text = q.as_query("condensed")
        head = retriever.candidates(text)[:depth]
        compute_features(text, head, retriever.bm25.idf)
        groups.append((head, q.gold))
    return groups


def run_frontdesk(
    ds: Dataset, embedder: CachingEmbedder, mtrag: Dataset, mtrag_retriever: HybridRetriever
) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    queries = query_texts(ds)

    def record(name: str, search: Search, texts: list[str] | None = None) -> None:
        embedder.caching = False
        rankings, latencies = timed(search, texts or queries)
        rows[name] = {**score(ds, rankings, ds.queries), **latency_stats(latencies)}
        print(f"  {ds.name}: {name}: nDCG@10 {rows[name]['ndcg@10']}", file=sys.stderr)

    embedder.caching = True
    bm25 = BM25Index()
    bm25.add((c.id, c.keyword_text()) for c in ds.chunks)
    dense = DenseIndex(embedder.dimension)
    dense.add([c.id for c in ds.chunks], embedder.embed([c.embedding_text() for c in ds.chunks]))
    hybrid = HybridRetriever(embedder, HybridOptions())
    embedder.caching = True
    hybrid.add(ds.chunks)

    record("BM25 alone", lambda q: [i for i, _ in bm25.search(q, 10)])
    record("dense alone", lambda q: [i for i, _ in dense.search(embedder.embed([q])[0], 10)])
    if ds.name == "mtrag_un":
        for strategy, label in (("last", "last turn"), ("all_user", "all user turns")):
            texts = query_texts(ds, strategy)
            record(f"BM25 alone ({label})", lambda q: [i for i, _ in bm25.search(q, 10)], texts)
            record(
                f"dense alone ({label})",
                lambda q: [i for i, _ in dense.search(embedder.embed([q])[0], 10)],
                texts,
            )
            record(
                f"Frontdesk hybrid ({label})",
                lambda q: [p.chunk_id for p in hybrid.search(q, 10)],
                texts,
            )
    record("Frontdesk hybrid", lambda q: [p.chunk_id for p in hybrid.search(q, 10)])
    rrf = HybridRetriever(embedder, HybridOptions(fusion="rrf", weight_bm25=1, weight_dense=1))
    embedder.caching = True
    rrf.add(ds.chunks)
    record("Frontdesk hybrid (RRF)", lambda q: [p.chunk_id for p in rrf.search(q, 10)])
    expanded = HybridRetriever(embedder, HybridOptions(feedback_docs=3))
    embedder.caching = True
    expanded.add(ds.chunks)
    record(
        "Frontdesk hybrid + PRF expansion", lambda q: [p.chunk_id for p in expanded.search(q, 10)]
    )

    embedder.caching = True
    if ds.name == "mtrag_un":
        # Cross-fitting: each fold is reranked by the model trained on the other fold.
        models = {
            f: train_linear_reranker(training_groups(mtrag_retriever, mtrag, 1 - f)) for f in (0, 1)
        }
        rankings: list[list[str]] = []
        latencies: list[float] = []
        embedder.caching = False
        for q, text in zip(ds.queries, queries, strict=True):
            hybrid.reranker = models[q.fold]
            start = time.perf_counter()
            rankings.append([p.chunk_id for p in hybrid.search(text, 10)])
            latencies.append(time.perf_counter() - start)
        rows["Frontdesk hybrid + rerank"] = {
            **score(ds, rankings, ds.queries),
            **latency_stats(latencies),
        }
        hybrid.reranker = None
    else:
        model = train_linear_reranker(training_groups(mtrag_retriever, mtrag, None))
        model.metadata["trained_on"] = "mtrag_un (all 332 tasks with qrels)"
        model.save(REPO / "bench" / "results" / "linear-reranker-mtrag.json")
        reranked = HybridRetriever(
            embedder,
            HybridOptions(),
            reranker=LinearReranker.load(REPO / "bench" / "results" / "linear-reranker-mtrag.json"),
        )
        embedder.caching = True
        reranked.add(ds.chunks)
        record("Frontdesk hybrid + rerank", lambda q: [p.chunk_id for p in reranked.search(q, 10)])
    return rows


def scale_test(mtrag: Dataset, embedder: CachingEmbedder, copies: int) -> dict[str, Any]:
    """Hybrid query latency over ~10k chunks (the mtrag pool repeated, vectors reused)."""
    from dataclasses import replace

    embedder.caching = True
    chunks = [replace(c, id=f"{c.id}#{n}") for n in range(copies) for c in mtrag.chunks]
    retriever = HybridRetriever(embedder, HybridOptions())
    start = time.perf_counter()
    retriever.add(chunks)
    index_s = time.perf_counter() - start
    queries = query_texts(mtrag)[:150]
    embedder.caching = False
    retriever.search(queries[0], 10)  # compile the BM25 postings once
    _, latencies = timed(lambda q: [p.chunk_id for p in retriever.search(q, 10)], queries)
    return {
        "chunks": len(chunks),
        "index_s_with_cached_vectors": round(index_s, 2),
        **latency_stats(latencies),
    }


def run_peers(
    args: argparse.Namespace, datasets: list[Dataset], cache: Path
) -> dict[str, Any] | None:
    python = Path(args.peers_python)
    if not python.exists():
        print(f"peers skipped: {python} missing (run bench/setup-peers.sh)", file=sys.stderr)
        return None
    spec = {
        "model_path": str(_default_model_path()),
        "tokenizer_path": str(_default_tokenizer_path()),
        "cache": str(cache),
        "datasets": [
            {
                "name": ds.name,
                "docs": [{"id": c.id, "text": c.keyword_text()} for c in ds.chunks],
                "queries": query_texts(ds),
            }
            for ds in datasets
        ],
    }
    with tempfile.TemporaryDirectory() as tmp:
        spec_file, out_file = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        subprocess.run(
            [
                str(python),
                str(REPO / "bench" / "retrieval_peers.py"),
                str(spec_file),
                "--out",
                str(out_file),
            ],
            check=True,
        )
        data: dict[str, Any] = json.loads(out_file.read_text(encoding="utf-8"))
    return data


def print_table(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    cols = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "p50_ms", "p95_ms", "qps"]
    for ds, rows in results.items():
        print(f"\n{ds}")
        print(f"| system | {' | '.join(cols)} |")
        print("|---|" + "---|" * len(cols))
        for name, row in rows.items():
            print(f"| {name} | " + " | ".join(str(row.get(c, "")) for c in cols) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "datasets", nargs="?", type=Path, default=REPO.parent / "shared" / "datasets"
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "retrieval.json")
    parser.add_argument(
        "--cache",
        type=Path,
        default=REPO / "bench" / ".cache" / "embeddings.npz",
        help="document-vector cache shared with the peers run",
    )
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument(
        "--peers-python", default=str(REPO / "bench" / ".venv-peers" / "bin" / "python")
    )
    parser.add_argument("--scale-copies", type=int, default=9, help="0 skips the 10k-chunk test")
    args = parser.parse_args()

    (REPO / "bench" / "results").mkdir(parents=True, exist_ok=True)
    embedder = CachingEmbedder(OnnxEmbedder(), args.cache)
    embedder.warm_up()
    covid, mtrag = load_covidqa(args.datasets), load_mtrag(args.datasets)
    embedder.caching = True
    mtrag_retriever = HybridRetriever(embedder, HybridOptions())
    mtrag_retriever.add(mtrag.chunks)

    results: dict[str, dict[str, dict[str, Any]]] = {}
    for ds in (covid, mtrag):
        print(f"frontdesk: {ds.name}", file=sys.stderr)
        results[ds.name] = run_frontdesk(ds, embedder, mtrag, mtrag_retriever)
        embedder.caching = True
        embedder.save()

    peers = None if args.no_peers else run_peers(args, [covid, mtrag], args.cache)
    ratios: dict[str, Any] = {}
    if peers is not None:
        for ds in (covid, mtrag):
            for name, run in peers["results"][ds.name].items():
                results[ds.name][name] = {
                    **score(ds, run["rankings"], ds.queries),
                    **latency_stats(run["latencies"]),
                }
            ours = results[ds.name]["Frontdesk hybrid"]  # the default configuration
            ratios[ds.name] = {
                name: {
                    "ndcg_ratio": round(ours["ndcg@10"] / max(row["ndcg@10"], 1e-9), 3),
                    "qps_ratio": round(ours["qps"] / max(row["qps"], 1e-9), 2),
                }
                for name, row in results[ds.name].items()
                if name.startswith(("LlamaIndex", "Haystack"))
            }
    scale = scale_test(mtrag, embedder, args.scale_copies) if args.scale_copies else None
    print_table(results)
    if ratios:
        print("\nFrontdesk hybrid (default) vs peers:", json.dumps(ratios, indent=1))
    if scale:
        print("\nscale:", json.dumps(scale))
    payload = {
        "command": " ".join(sys.argv),
        "embedder": embedder.model_id,
        "options": HybridOptions().model_dump(),
        "results": results,
        "ratios_vs_peers": ratios,
        "peer_versions": peers["versions"] if peers else None,
        "scale": scale,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
