"""Search inside PostgreSQL vs the in-process index: nDCG@10 on covidqa_faq and mtrag_un.

    .venv/bin/python bench/pg_quality.py [--keyword-match-limit N|none]

Both searches read the same rows of one PostgreSQL + pgvector database (started from
Python), with the same document vectors (bench/.cache/embeddings.npz, shared with
bench/retrieval.py) and the default retrieval options of the release; queries are those of
bench/retrieval.py (mtrag_un condensed with its history), embedded for real. Writes
bench/results/pg-quality.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from pg_common import create_tenant, insert_chunks, pgvector_database
from retrieval_common import CachingEmbedder, hit_metrics, latency_stats, ranking_metrics
from retrieval_data import load_all
from stamp import stamp

from frontdesk.knowledge.index import StoredKnowledge
from frontdesk.knowledge.pg_index import PgKnowledge
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder
from frontdesk.releases.config import default_release
from frontdesk.retrieval.hybrid import HybridOptions

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/datasets"))
    parser.add_argument("--cache", type=Path, default=REPO / "bench" / ".cache" / "embeddings.npz")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "pg-quality.json")
    parser.add_argument(
        "--keyword-match-limit",
        type=lambda v: None if v == "none" else int(v),
        default=HybridOptions().keyword_match_limit,
        help="the PostgreSQL search's (default: the release's); 'none': no limit",
    )
    args = parser.parse_args()
    pg_options = HybridOptions(keyword_match_limit=args.keyword_match_limit)
    embedder = CachingEmbedder(OnnxEmbedder(), args.cache)
    results: dict[str, Any] = {}
    with pgvector_database() as database:
        for ds in load_all(args.data):
            embedder.caching = True
            vectors = embedder.embed([c.embedding_text() for c in ds.chunks])
            embedder.save()
            tenant = create_tenant(database, ds.name)
            insert_chunks(database, tenant, ds.chunks, vectors, embedder.model_id)
            embedder.caching = False
            texts = [q.as_query("condensed") for q in ds.queries]
            golds = [q.gold for q in ds.queries]
            metric = hit_metrics if ds.name == "covidqa_faq" else ranking_metrics
            row: dict[str, Any] = {"chunks": len(ds.chunks), "queries": len(texts)}
            for name, search in (
                ("in_process", StoredKnowledge(database, embedder, HybridOptions())),
                ("postgres", PgKnowledge(database, embedder, pg_options)),
            ):
                search.search(tenant, "warm up", 1)  # builds the index / syncs the rows
                rankings, seconds = [], []
                for text in texts:
                    started = time.perf_counter()
                    found = search.search(tenant, text, 10)
                    seconds.append(time.perf_counter() - started)
                    rankings.append([str(p.metadata["document_id"]) for p in found])
                row[name] = {**metric(rankings, golds), **latency_stats(seconds)}
            row["ndcg@10_difference"] = round(
                row["postgres"]["ndcg@10"] - row["in_process"]["ndcg@10"], 4
            )
            results[ds.name] = row
    print(f"{'dataset':<14}{'backend':<12}{'nDCG@10':>9}{'R@10':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for name, row in results.items():
        for backend in ("in_process", "postgres"):
            r = row[backend]
            print(
                f"{name:<14}{backend:<12}{r['ndcg@10']:>9.4f}{r['recall@10']:>8.4f}"
                f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
            )
    out = {
        "datasets": results,
        "postgres_keyword_match_limit": args.keyword_match_limit,
        **stamp(default_release(), split="all", dataset="covidqa_faq, mtrag_un"),
    }
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
