"""Retrieval speed at scale and ingest throughput (also run by bench/retrieval.py).

    .venv/bin/python bench/retrieval_speed.py [DATASETS] [--out bench/results/retrieval-speed.json]

- **10k chunks**: a 10,000-chunk index of real, distinct text (mtrag_un passages re-chunked
  at ~96 word pieces, the covidqa_faq entries, banking77 training utterances as short
  distractors; see ``retrieval_data.load_scale_corpus``), queried with the 332 mtrag_un
  conversations and the 240 covidqa_faq questions. Latency includes embedding the query.
  Quality at scale is reported too: covidqa hit metrics (its FAQ ids are in the index) and
  mtrag passage-level metrics (chunk hits mapped to their passage, first hit kept).
- **Ingest**: chunks/s of the raw model (``OnnxEmbedder.embed`` over the chunk texts,
  i.e. tokenizer + onnxruntime + pooling) against the library's ingestion path (parse and
  chunk the passages, embed bodies and titles, index, first search compiles BM25), on the
  same passages, alternating the two ``--repeats`` times; medians and their ratio.
- **App ingest** (``--app-ingest``): ``Frontdesk.knowledge.ingest_paths`` into a fresh
  SQLite file on examples/demo-helpcenter/articles, against the raw model on the texts
  of the chunks it stored.
"""

from __future__ import annotations

import argparse
import json
import statistics
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
from retrieval_data import (  # noqa: E402
    _jsonl,
    _split_title,
    load_covidqa,
    load_mtrag,
    load_scale_corpus,
)

from frontdesk.providers.embedders.onnx_minilm import (  # noqa: E402
    OnnxEmbedder,
    OnnxEmbedderOptions,
)
from frontdesk.retrieval.chunking import ChunkingOptions, chunk_text  # noqa: E402
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever  # noqa: E402
from frontdesk.retrieval.types import Chunk  # noqa: E402

Search = Callable[[str], list[str]]


def timed_runs(search: Search, queries: list[str], repeats: int) -> dict[str, Any]:
    """Runs every query ``repeats`` times; stats are medians over the runs.

    Returns the first run's top-10 rankings (the search is deterministic) under
    ``rankings`` and each run's stats under ``runs``.
    """
    runs: list[dict[str, float]] = []
    rankings: list[list[str]] = []
    for run in range(max(repeats, 1)):
        latencies = []
        for query in queries:
            start = time.perf_counter()
            ranking = search(query)[:10]
            latencies.append(time.perf_counter() - start)
            if run == 0:
                rankings.append(ranking)
        runs.append(latency_stats(latencies))
    summary = {
        key: round(statistics.median(r[key] for r in runs), 2)
        for key in ("p50_ms", "p95_ms", "qps")
    }
    return {**summary, "runs": runs, "rankings": rankings}


def scale_test(root: Path, embedder: CachingEmbedder, repeats: int) -> dict[str, Any]:
    """Hybrid (default options) over 10,000 real chunks: latency and quality."""
    chunks, parent = load_scale_corpus(root)
    covid, mtrag = load_covidqa(root), load_mtrag(root)
    embedder.caching = True  # document vectors from the shared on-disk cache
    retriever = HybridRetriever(embedder, HybridOptions())
    start = time.perf_counter()
    retriever.add(chunks)
    add_s = time.perf_counter() - start
    embedder.save()
    queries = [q.as_query("condensed") for q in mtrag.queries] + [q.text for q in covid.queries]
    embedder.caching = False
    start = time.perf_counter()
    retriever.search(queries[0], 10)  # the first search compiles the BM25 postings
    first_s = time.perf_counter() - start
    run = timed_runs(lambda q: [p.chunk_id for p in retriever.search(q, 10)], queries, repeats)
    rankings = run.pop("rankings")
    embedder.caching = True
    embedder.embed(queries)  # now cached: the same searches without the query embedding
    retrieval_only = timed_runs(
        lambda q: [p.chunk_id for p in retriever.search(q, 10)], queries, repeats
    )
    embedder.caching = False
    n = len(mtrag.queries)
    passages = [list(dict.fromkeys(parent.get(i, i) for i in ranking)) for ranking in rankings[:n]]
    mtrag_quality = ranking_metrics(passages, [q.gold for q in mtrag.queries])
    covid_quality = hit_metrics(rankings[n:], [q.gold for q in covid.queries])
    return {
        "chunks": len(chunks),
        "distinct_texts": len({c.text for c in chunks}),
        "queries": len(queries),
        "index_add_s_cached_vectors": round(add_s, 3),
        "first_search_s": round(first_s, 3),
        **run,
        "without_query_embedding": {
            k: retrieval_only[k] for k in ("p50_ms", "p95_ms", "qps", "runs")
        },
        "ndcg@10_mtrag_passages": mtrag_quality["ndcg@10"],
        "ndcg@10_covidqa": covid_quality["ndcg@10"],
        "recall@1_covidqa": covid_quality["recall@1"],
    }


def _passages(root: Path, count: int) -> list[tuple[str, str, str]]:
    rows = _jsonl(root / "mtrag_un" / "corpus.jsonl")[:count]
    return [(row["id"], *_split_title(row["text"])) for row in rows]


def _chunks(passages: list[tuple[str, str, str]]) -> list[Chunk]:
    options = ChunkingOptions()
    return [
        Chunk(id=f"{pid}#{piece.position}", text=piece.text, title=title, position=piece.position)
        for pid, title, body in passages
        for piece in chunk_text(body, "plain", options)[1]
    ]


def _ingest(retriever: HybridRetriever, passages: list[tuple[str, str, str]]) -> None:
    """The library's ingestion path: chunk, embed bodies and titles, index, compile."""
    retriever.add(_chunks(passages))
    retriever.search("warm up the keyword index", 1)


def ingest_test(root: Path, passages: int, repeats: int, threads: int) -> dict[str, Any]:
    """Raw embedding throughput vs the library's ingestion path on the same passages."""
    embedder = OnnxEmbedder(OnnxEmbedderOptions(threads=threads))
    embedder.warm_up()
    docs = _passages(root, passages)
    texts = [c.embedding_text() for c in _chunks(docs)]
    chunk_count = len(texts)
    raw, lib = [], []
    for _ in range(max(repeats, 1)):
        start = time.perf_counter()
        embedder.embed(texts)
        raw.append(len(texts) / (time.perf_counter() - start))
        start = time.perf_counter()
        _ingest(HybridRetriever(embedder, HybridOptions()), docs)
        lib.append(chunk_count / (time.perf_counter() - start))
    raw_cps, lib_cps = statistics.median(raw), statistics.median(lib)
    return {
        "passages": len(docs),
        "chunks": chunk_count,
        "onnx_threads": threads or "all cores",
        "raw_embed_chunks_per_s": round(raw_cps, 1),
        "library_ingest_chunks_per_s": round(lib_cps, 1),
        "ratio": round(lib_cps / raw_cps, 3),
        "raw_runs": [round(x, 1) for x in raw],
        "library_runs": [round(x, 1) for x in lib],
    }


def app_ingest_test(articles: Path, repeats: int) -> dict[str, Any]:
    """The app's DB-backed ingestion (fresh SQLite each time) vs the raw model."""
    from frontdesk.runtime import Frontdesk
    from frontdesk.settings import Settings
    from frontdesk.storage.repos import knowledge as repo

    app_rates, raw_rates, chunk_count = [], [], 0
    for _ in range(max(repeats, 1)):
        with tempfile.TemporaryDirectory() as tmp:
            fd = Frontdesk(Settings(database_url=f"sqlite:///{tmp}/bench.db"))
            fd.init()
            embedder = fd.resources.embedder()
            embedder.warm_up()
            tenant = fd.tenants.create_tenant("bench")
            start = time.perf_counter()
            fd.knowledge.ingest_paths(tenant.id, [articles])
            elapsed = time.perf_counter() - start
            with fd.database.transaction() as session:
                stored = repo.all_chunks(session, tenant.id, embedder.model_id)
            texts = [
                Chunk(
                    id=c.id, text=c.text, title=c.title, heading_path=c.heading_path
                ).embedding_text()
                for c in stored
            ]
            start = time.perf_counter()
            embedder.embed(texts)
            raw_rates.append(len(texts) / (time.perf_counter() - start))
            app_rates.append(len(stored) / elapsed)
            chunk_count = len(stored)
    app_cps, raw_cps = statistics.median(app_rates), statistics.median(raw_rates)
    return {
        "path": str(articles.relative_to(REPO)) if articles.is_relative_to(REPO) else str(articles),
        "chunks": chunk_count,
        "raw_embed_chunks_per_s": round(raw_cps, 1),
        "app_ingest_chunks_per_s": round(app_cps, 1),
        "ratio": round(app_cps / raw_cps, 3),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="onnxruntime intra-op threads for query embedding, every system (0: all cores)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="latency runs; medians reported")
    parser.add_argument(
        "--ingest-passages", type=int, default=300, help="mtrag passages ingested (0 skips)"
    )
    parser.add_argument(
        "--ingest-threads", type=int, default=0, help="onnxruntime threads for ingestion"
    )
    parser.add_argument("--app-ingest", action="store_true", help="also time the app's ingest")


def run_all(args: argparse.Namespace, embedder: CachingEmbedder) -> dict[str, Any]:
    out: dict[str, Any] = {"scale": scale_test(args.datasets, embedder, args.repeats)}
    print("scale:", json.dumps(out["scale"]), file=sys.stderr)
    if args.ingest_passages:
        out["ingest"] = ingest_test(
            args.datasets, args.ingest_passages, args.repeats, args.ingest_threads
        )
        print("ingest:", json.dumps(out["ingest"]), file=sys.stderr)
    if args.app_ingest:
        articles = REPO / "examples" / "demo-helpcenter" / "articles"
        out["app_ingest"] = app_ingest_test(articles, args.repeats)
        print("app ingest:", json.dumps(out["app_ingest"]), file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "datasets", nargs="?", type=Path, default=REPO.parent / "shared" / "datasets"
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "bench" / "results" / "retrieval-speed.json"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=REPO / "bench" / ".cache" / "embeddings.npz",
        help="document-vector cache shared with bench/retrieval.py",
    )
    add_arguments(parser)
    args = parser.parse_args()
    embedder = CachingEmbedder(OnnxEmbedder(OnnxEmbedderOptions(threads=args.threads)), args.cache)
    embedder.warm_up()
    payload = {
        "command": " ".join(sys.argv),
        "embedder": embedder.model_id,
        **run_all(args, embedder),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
