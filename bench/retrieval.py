"""Retrieval benchmark: Frontdesk BM25, dense, hybrid, hybrid+rerank vs LlamaIndex and Haystack.

    .venv/bin/python bench/retrieval.py [DATASETS] [--out bench/results/retrieval.json]

DATASETS defaults to ../shared/datasets (relative to the repo). Evaluates covidqa_faq
(240 queries over the 213-entry FAQ) and mtrag_un (332 tasks with qrels). Peers run in
bench/.venv-peers (bench/setup-peers.sh) through bench/retrieval_peers.py with the same
embedding model and the same document vectors; skip them with --no-peers.

Speed: every query is embedded for real (no cache) with onnxruntime on ``--threads``
intra-op threads (default 1, the same for every system: on this shared 2-core machine one
thread embeds a short query about twice as fast as two). Frontdesk and the peers are timed
in ``--repeats`` interleaved rounds; latencies are medians over rounds and the q/s ratio
against each peer is the median of the per-round ratios. The 10k-chunk latency and the
ingest throughput come from bench/retrieval_speed.py (skip with --no-speed).

No parameter is fitted on covidqa_faq queries (its pairs.jsonl holds the same 240 user
questions, so it has no separate training split). The linear reranker for covidqa_faq is
trained on mtrag_un; on mtrag_un it is cross-fitted: conversations are split in two folds
by a hash, and each fold is reranked by the model trained on the other fold. Fusion
weights and the condensation budget were chosen on mtrag_un fold 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
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

import retrieval_speed as speed  # noqa: E402
from retrieval_common import (  # noqa: E402
    CachingEmbedder,
    hit_metrics,
    latency_stats,
    ranking_metrics,
)
from retrieval_data import Dataset, Query, load_covidqa, load_mtrag  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk.providers.embedders.onnx_minilm import (  # noqa: E402
    OnnxEmbedder,
    OnnxEmbedderOptions,
    _default_model_path,
    _default_tokenizer_path,
)
from frontdesk.releases.config import default_release  # noqa: E402
from frontdesk.retrieval.bm25 import BM25Index  # noqa: E402
from frontdesk.retrieval.dense import DenseIndex  # noqa: E402
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever  # noqa: E402
from frontdesk.retrieval.rerank import (  # noqa: E402
    LinearReranker,
    compute_features,
    train_linear_reranker,
)

Search = Callable[[int, str], list[str]]  # (query index, query text) -> ranked ids
# Embedding the query and nothing else: the floor of any retriever using this model, so
# "peer q/s / this q/s" bounds the q/s ratio any Frontdesk change could reach.
EMBED_ONLY = "query embedding only"
SPLIT = "Frontdesk hybrid (dense: last turn, BM25: condensed)"


class System:
    """One benchmarked configuration: its query texts and how it searches."""

    def __init__(self, name: str, texts: list[str], search: Search) -> None:
        self.name, self.texts, self.search = name, texts, search
        self.rankings: list[list[str]] = []
        self.runs: list[dict[str, float]] = []

    def time_once(self) -> None:
        latencies, rankings = [], []
        for i, text in enumerate(self.texts):
            start = time.perf_counter()
            rankings.append(self.search(i, text)[:10])
            latencies.append(time.perf_counter() - start)
        self.rankings = self.rankings or rankings
        self.runs.append(latency_stats(latencies))


def median_stats(runs: list[dict[str, float]]) -> dict[str, Any]:
    keys = ("p50_ms", "p95_ms", "qps")
    return {k: round(statistics.median(r[k] for r in runs), 2) for k in keys} | {"runs": runs}


def score(ds: Dataset, rankings: list[list[str]], queries: list[Query]) -> dict[str, Any]:
    golds = [q.gold for q in queries]
    return (hit_metrics if ds.name == "covidqa_faq" else ranking_metrics)(rankings, golds)


def query_texts(ds: Dataset, strategy: str = "condensed") -> list[str]:
    return [q.as_query(strategy) for q in ds.queries]


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


def frontdesk_systems(
    ds: Dataset, embedder: CachingEmbedder, mtrag: Dataset, mtrag_retriever: HybridRetriever
) -> list[System]:
    """Every Frontdesk configuration on ``ds``, indexed (document vectors from the cache)."""
    queries = query_texts(ds)

    def hybrid(options: HybridOptions, reranker: LinearReranker | None = None) -> HybridRetriever:
        retriever = HybridRetriever(embedder, options, reranker)
        embedder.caching = True
        retriever.add(ds.chunks)
        embedder.caching = False
        return retriever

    def ids(retriever: HybridRetriever) -> Search:
        return lambda _, q: [p.chunk_id for p in retriever.search(q, 10)]

    embedder.caching = True
    bm25 = BM25Index()
    bm25.add((c.id, c.keyword_text()) for c in ds.chunks)
    dense = DenseIndex(embedder.dimension)
    dense.add([c.id for c in ds.chunks], embedder.embed([c.embedding_text() for c in ds.chunks]))

    def bm25_search(_: int, q: str) -> list[str]:
        return [i for i, _ in bm25.search(q, 10)]

    def dense_search(_: int, q: str) -> list[str]:
        return [i for i, _ in dense.search(embedder.embed([q])[0], 10)]

    def embed_only(_: int, q: str) -> list[str]:
        embedder.embed([q])
        return []

    default = hybrid(HybridOptions())
    systems = [
        System(EMBED_ONLY, queries, embed_only),
        System("BM25 alone", queries, bm25_search),
        System("dense alone", queries, dense_search),
    ]
    if ds.name == "mtrag_un":
        for strategy, label in (("last", "last turn"), ("all_user", "all user turns")):
            texts = query_texts(ds, strategy)
            systems += [
                System(f"BM25 alone ({label})", texts, bm25_search),
                System(f"dense alone ({label})", texts, dense_search),
                System(f"Frontdesk hybrid ({label})", texts, ids(default)),
            ]
    systems += [System("Frontdesk hybrid", queries, ids(default))]
    if ds.name == "mtrag_un":
        # Not the default protocol (every system gets one query string): the dense side
        # embeds only the last message, BM25 still sees the condensed conversation.
        last = query_texts(ds, "last")

        def split(i: int, q: str) -> list[str]:
            return [p.chunk_id for p in default.search(last[i], 10, keyword_query=q)]

        systems.append(System(SPLIT, queries, split))
    systems += [
        System(
            "Frontdesk hybrid (RRF)",
            queries,
            ids(hybrid(HybridOptions(fusion="rrf", weight_bm25=1, weight_dense=1))),
        ),
        System(
            "Frontdesk hybrid + PRF expansion", queries, ids(hybrid(HybridOptions(feedback_docs=3)))
        ),
    ]
    embedder.caching = True
    if ds.name == "mtrag_un":
        # Cross-fitting: each fold is reranked by the model trained on the other fold.
        models = {
            f: train_linear_reranker(training_groups(mtrag_retriever, mtrag, 1 - f)) for f in (0, 1)
        }
        folded = {f: hybrid(HybridOptions(), models[f]) for f in (0, 1)}

        def reranked(i: int, q: str) -> list[str]:
            return [p.chunk_id for p in folded[ds.queries[i].fold].search(q, 10)]

        systems.append(System("Frontdesk hybrid + rerank", queries, reranked))
    else:
        model = train_linear_reranker(training_groups(mtrag_retriever, mtrag, None))
        model.metadata["trained_on"] = "mtrag_un (all 332 tasks with qrels)"
        path = REPO / "bench" / "results" / "linear-reranker-mtrag.json"
        model.save(path)
        rerank = hybrid(HybridOptions(), LinearReranker.load(path))
        systems.append(System("Frontdesk hybrid + rerank", queries, ids(rerank)))
    embedder.caching = False
    return systems


def peer_spec(args: argparse.Namespace, datasets: list[Dataset]) -> dict[str, Any]:
    return {
        "model_path": str(_default_model_path()),
        "tokenizer_path": str(_default_tokenizer_path()),
        "cache": str(args.cache),
        "threads": args.threads,
        "datasets": [
            {
                "name": ds.name,
                "docs": [{"id": c.id, "text": c.keyword_text()} for c in ds.chunks],
                "queries": query_texts(ds),
            }
            for ds in datasets
        ],
    }


def run_peers(args: argparse.Namespace, spec: dict[str, Any]) -> dict[str, Any] | None:
    """One timed run of every peer system (a subprocess in the peers virtualenv)."""
    python = Path(args.peers_python)
    if not python.exists():
        print(f"peers skipped: {python} missing (run bench/setup-peers.sh)", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        spec_file, out_file = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        subprocess.run(
            [
                str(python),
                str(REPO / "bench" / "retrieval_peers.py"),
                "--spec",
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
    parser.add_argument("--no-speed", action="store_true", help="skip the 10k and ingest tests")
    speed.add_arguments(parser)
    args = parser.parse_args()

    (REPO / "bench" / "results").mkdir(parents=True, exist_ok=True)
    embedder = CachingEmbedder(OnnxEmbedder(OnnxEmbedderOptions(threads=args.threads)), args.cache)
    embedder.warm_up()
    covid, mtrag = load_covidqa(args.datasets), load_mtrag(args.datasets)
    embedder.caching = True
    mtrag_retriever = HybridRetriever(embedder, HybridOptions())
    mtrag_retriever.add(mtrag.chunks)

    systems: dict[str, list[System]] = {}
    for ds in (covid, mtrag):
        print(f"frontdesk: indexing {ds.name}", file=sys.stderr)
        systems[ds.name] = frontdesk_systems(ds, embedder, mtrag, mtrag_retriever)
        embedder.caching = True
        embedder.save()
    embedder.caching = False

    # Rounds interleave Frontdesk and the peers so both see the same machine load; the
    # q/s ratio is taken per round and its median reported.
    spec = peer_spec(args, [covid, mtrag])
    peer_runs: list[dict[str, Any]] = []
    for round_no in range(max(args.repeats, 1)):
        for ds in (covid, mtrag):
            for system in systems[ds.name]:
                system.time_once()
            print(f"round {round_no}: {ds.name} timed", file=sys.stderr)
        peers = None if args.no_peers else run_peers(args, spec)
        if peers is not None:
            peer_runs.append(peers)

    results: dict[str, dict[str, dict[str, Any]]] = {}
    ratios: dict[str, Any] = {}
    for ds in (covid, mtrag):
        rows = results[ds.name] = {}
        for system in systems[ds.name]:
            quality = {} if system.name == EMBED_ONLY else score(ds, system.rankings, ds.queries)
            rows[system.name] = {**quality, **median_stats(system.runs)}
        if not peer_runs:
            continue
        ours = next(s for s in systems[ds.name] if s.name == "Frontdesk hybrid")
        split = next((s for s in systems[ds.name] if s.name == SPLIT), None)
        floor = next(s for s in systems[ds.name] if s.name == EMBED_ONLY)
        ratios[ds.name] = {}
        for name in peer_runs[0]["results"][ds.name]:
            runs = [run["results"][ds.name][name] for run in peer_runs]
            stats = [latency_stats(r["latencies"]) for r in runs]
            rows[name] = {**score(ds, runs[0]["rankings"], ds.queries), **median_stats(stats)}
            per_round = [o["qps"] / p["qps"] for o, p in zip(ours.runs, stats, strict=True)]
            ceiling = [f["qps"] / p["qps"] for f, p in zip(floor.runs, stats, strict=True)]
            ratios[ds.name][name] = {
                "ndcg_ratio": round(rows["Frontdesk hybrid"]["ndcg@10"] / rows[name]["ndcg@10"], 3),
                "qps_ratio": round(statistics.median(per_round), 2),
                "qps_ratio_per_round": [round(r, 2) for r in per_round],
                "qps_ratio_ceiling": round(statistics.median(ceiling), 2),
                "p50_ratio": round(rows[name]["p50_ms"] / rows["Frontdesk hybrid"]["p50_ms"], 2),
            }
            if split is not None:
                ratios[ds.name][name]["qps_ratio_split_query"] = round(
                    statistics.median(
                        o["qps"] / p["qps"] for o, p in zip(split.runs, stats, strict=True)
                    ),
                    2,
                )
    speed_results = None if args.no_speed else speed.run_all(args, embedder)
    print_table(results)
    if ratios:
        print("\nFrontdesk hybrid (default) vs peers (q/s: median of per-round ratios)")
        print(
            "| dataset | peer | nDCG@10 ratio | q/s ratio | q/s ratio ceiling (embedding only) "
            f"| q/s ratio, {SPLIT} |"
        )
        print("|---|---|---|---|---|---|")
        for ds_name, peers in ratios.items():
            for name, r in peers.items():
                print(
                    f"| {ds_name} | {name} | {r['ndcg_ratio']} | {r['qps_ratio']} "
                    f"| {r['qps_ratio_ceiling']} | {r.get('qps_ratio_split_query', '')} |"
                )
    if speed_results:
        print("\nspeed:", json.dumps(speed_results, indent=1))
    payload = {
        **stamp(default_release(), split="all queries", dataset="covidqa_faq, mtrag_un"),
        "command": " ".join(sys.argv),
        "embedder": embedder.model_id,
        "query_onnx_threads": args.threads,
        "repeats": args.repeats,
        "options": HybridOptions().model_dump(),
        "results": results,
        "ratios_vs_peers": ratios,
        "peer_versions": peer_runs[0]["versions"] if peer_runs else None,
        **(speed_results or {}),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
