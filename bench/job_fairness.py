"""Background jobs against chat, on real processes over a fresh PostgreSQL database.

Fairness (the default): ``--clients`` concurrent chat clients post demo questions for
``--seconds`` with no upload (baseline, after ``--warm-up-s`` unmeasured), then during
another tenant's upload of ``--documents`` distinct synthetic articles; a third tenant's
one-article upload, sent at the start of that second phase, is timed. Jobs run in the API
process (mode ``in-process``, the embedded default) or in one ``frontdesk worker`` (mode
``worker``, PostgreSQL queue). With ``--replicas R`` the clients take turns across R
``frontdesk serve`` processes; the RSS of every process is read at the end. ``--pgvector``
starts a PostgreSQL 18 + pgvector from Python (search inside the database; else the server
named by FRONTDESK_TEST_POSTGRES_URL), ``--redis`` a redis-server of the run's own (rate
limits through it on every request). The upload goes in requests of ``--batch`` files (the
API parses at most 1,000 files a request), one job each. The issue's load scenario:

    .venv/bin/python bench/job_fairness.py --modes worker --replicas 2 --clients 32 \\
        --documents 10000 --seconds 60 --pgvector --redis

Ingest rate (``--ingest-rate``): the same upload of ``--documents`` articles, as one
request (or ``--uploads`` requests), with each number of workers in ``--workers``, no
chat; documents/s and chunks/s from the first request to the last job's end, each on a
fresh database. The slices of one job run one after another, so a second worker can only
take another job.

    .venv/bin/python bench/job_fairness.py --documents 200 --clients 4 --seconds 15
    .venv/bin/python bench/job_fairness.py --ingest-rate --documents 500 --workers 1 2
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from stack_common import (  # noqa: E402
    ADMIN_URL,
    articles,
    cli,
    environment,
    fresh_database,
    memory_mb,
    pgvector_server,
    process,
    redis_server,
    tenant_keys,
    wait_ready,
)
from stamp import stamp  # noqa: E402

from frontdesk.testing.http import free_port  # noqa: E402
from frontdesk.testing.wait import wait_for  # noqa: E402

RESULTS = ROOT / "bench" / "results"
QUESTIONS = [
    json.loads(line)["question"]
    for line in (ROOT / "examples" / "demo-helpcenter" / "questions.jsonl").read_text().splitlines()
    if line.strip()
][:40]


def _chat_load(bases: list[str], widget: str, clients: int, seconds: float) -> dict[str, Any]:
    """Client ``n`` talks to replica ``n mod len(bases)``; a new conversation each turn."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {widget}"}
        with httpx.Client(base_url=bases[n % len(bases)], timeout=120) as http:
            i = n
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    cid = http.post("/v1/conversations", headers=headers).json()["id"]
                    started = time.perf_counter()
                    reply = http.post(
                        f"/v1/conversations/{cid}/messages",
                        json={"text": QUESTIONS[i % len(QUESTIONS)]},
                        headers=headers,
                    )
                    ok = reply.status_code in (200, 201)
                except (httpx.HTTPError, KeyError, ValueError):
                    ok = False
                took = time.perf_counter() - started
                with lock:
                    if ok:
                        latencies.append(took)
                    else:
                        errors += 1
                i += clients

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "turns": len(latencies),
        "turns_per_s": round(len(latencies) / seconds, 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1)
        if latencies
        else None,
        "errors": errors,
    }


@contextlib.contextmanager
def _stack(
    env: dict[str, str], work: Path, replicas: int, workers: int
) -> Iterator[tuple[list[str], dict[str, int]]]:
    """``replicas`` API servers and ``workers`` workers, ready: their URLs and pids."""
    servers, pids = {}, {}
    with contextlib.ExitStack() as stack:
        for n in range(replicas):
            port = free_port()
            server = stack.enter_context(
                process(env, work / f"serve-{n}.log", "serve", "--port", str(port))
            )
            servers[f"http://127.0.0.1:{port}"] = server
            pids[f"serve-{n}"] = server.pid
        for n in range(workers):
            pids[f"worker-{n}"] = stack.enter_context(
                process(env, work / f"worker-{n}.log", "worker")
            ).pid
        for base, server in servers.items():
            wait_ready(base, server)
        yield list(servers), pids


def _job_status(http: httpx.Client, job: str, auth: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = http.get(f"/v1/jobs/{job}", headers=auth).json()
    return found


def _finished(http: httpx.Client, job: str, auth: dict[str, str]) -> dict[str, Any]:
    def status() -> dict[str, Any] | None:
        found = _job_status(http, job, auth)
        return found if found["status"] in ("succeeded", "failed", "cancelled") else None

    ended: dict[str, Any] = wait_for(status, timeout_s=7200, interval_s=0.5, what="the upload")
    return ended


@contextlib.contextmanager
def _services(args: argparse.Namespace) -> Iterator[tuple[str, str | None]]:
    """The PostgreSQL admin URL and Redis URL (None: no Redis) the run uses."""
    with contextlib.ExitStack() as stack:
        admin = stack.enter_context(pgvector_server()) if args.pgvector else ADMIN_URL
        yield admin, stack.enter_context(redis_server()) if args.redis else None


def _upload(
    http: httpx.Client, auth: dict[str, str], documents: int, batch: int, tag: str
) -> list[str]:
    """``documents`` articles in requests of at most ``batch`` files (the API parses at
    most 1,000 files a request: Starlette's multipart limit); the jobs' ids."""
    files = articles(documents, tag)
    jobs = []
    for start in range(0, documents, batch):
        sent = http.post(
            "/v1/knowledge/documents", files=files[start : start + batch], headers=auth
        )
        assert sent.status_code == 202, sent.text
        jobs.append(str(sent.json()["id"]))
    return jobs


def _fairness(mode: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    with _services(args) as (admin, redis_url), fresh_database(admin) as url:
        queue = "inprocess" if mode == "in-process" else "postgres"
        env = environment(url, work, queue, redis_url)
        cli(env, "init")
        keys = {tenant: tenant_keys(env, tenant) for tenant in ("chat", "bulk", "small")}
        demo = ROOT / "examples" / "demo-helpcenter"
        cli(env, "ingest", str(demo / "articles"), str(demo / "faq.csv"), "--tenant", "chat")
        workers = 1 if mode == "worker" else 0
        with _stack(env, work, args.replicas, workers) as (bases, pids):
            widget = keys["chat"]["widget"]
            ready_memory = {name: memory_mb(pid) for name, pid in pids.items()}
            # Unmeasured: each replica's first turns (lazy loads) would inflate the baseline.
            warm_up = _chat_load(bases, widget, args.clients, args.warm_up_s)
            load = {"baseline": os.getloadavg()[0]}
            baseline = _chat_load(bases, widget, args.clients, args.seconds)
            with httpx.Client(base_url=bases[0], timeout=600) as http:
                bulk_auth = {"Authorization": f"Bearer {keys['bulk']['admin']}"}
                uploaded = time.monotonic()
                bulk_jobs = _upload(http, bulk_auth, args.documents, args.batch, "bulk")
                upload_s = time.monotonic() - uploaded
                wait_for(
                    lambda: any(_job_status(http, j, bulk_auth)["done"] > 0 for j in bulk_jobs),
                    timeout_s=600,
                    what="the bulk upload to start",
                )
                small_auth = {"Authorization": f"Bearer {keys['small']['admin']}"}
                sent = time.monotonic()
                small = _upload(http, small_auth, 1, 1, "small")[0]
                finished: list[float] = []

                def watch() -> None:  # while the chat load runs
                    with httpx.Client(base_url=bases[-1], timeout=300) as watcher:
                        wait_for(
                            lambda: (
                                _job_status(watcher, small, small_auth)["status"] == "succeeded"
                            ),
                            timeout_s=600,
                            interval_s=0.1,
                            what="the one-document upload",
                        )
                    finished.append(time.monotonic())

                watching = threading.Thread(target=watch)
                watching.start()
                load["during_ingest"] = os.getloadavg()[0]
                during = _chat_load(bases, widget, args.clients, args.seconds)
                memory = {name: memory_mb(pid) for name, pid in pids.items()}
                watching.join()
                load["end"] = os.getloadavg()[0]
                bulk = [_job_status(http, job, bulk_auth) for job in bulk_jobs]
    done = sum(int(job["done"]) for job in bulk)
    return {
        "mode": mode,
        "replicas": args.replicas,
        "redis": bool(args.redis),
        "pgvector": bool(args.pgvector),
        "warm_up": warm_up,
        "baseline": baseline,
        "during_ingest": during,
        "p95_ratio": round(during["p95_ms"] / baseline["p95_ms"], 2),
        "one_document_wait_s": round(finished[0] - sent, 2),
        "bulk_upload_requests": len(bulk_jobs),
        "bulk_upload_s": round(upload_s, 1),
        "bulk_done_after_chat": f"{done}/{args.documents}",
        "bulk_failed_jobs": sum(job["status"] == "failed" for job in bulk),
        "load_average_1m": {k: round(v, 1) for k, v in load.items()},  # at phase starts, end
        "memory_mb": memory,
        "memory_mb_when_ready": ready_memory,
    }


def _ingest_rate(workers: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    with _services(args) as (admin, redis_url), fresh_database(admin) as url:
        env = environment(url, work, "postgres", redis_url)
        cli(env, "init")
        print(f"workers {workers}: load average {os.getloadavg()[0]:.1f}", flush=True)
        auth = {"Authorization": f"Bearer {tenant_keys(env, 'bulk')['admin']}"}
        files = articles(args.documents, "bulk")
        with (
            _stack(env, work, 1, workers) as (bases, _pids),
            httpx.Client(base_url=bases[0], timeout=600) as http,
        ):
            started = time.monotonic()
            jobs = [
                http.post(
                    "/v1/knowledge/documents", files=files[part :: args.uploads], headers=auth
                ).json()["id"]
                for part in range(args.uploads)
            ]
            ended = [_finished(http, job, auth) for job in jobs]
            took = time.monotonic() - started
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as connection:
            chunks = int(connection.execute(text("SELECT count(*) FROM chunks")).scalar_one())
            documents = int(connection.execute(text("SELECT count(*) FROM documents")).scalar_one())
        engine.dispose()
    assert all(job["status"] == "succeeded" for job in ended), ended
    return {
        "workers": workers,
        "uploads": args.uploads,
        "documents": documents,
        "chunks": chunks,
        "seconds": round(took, 1),
        "documents_per_s": round(documents / took, 2),
        "chunks_per_s": round(chunks / took, 2),
        "load_average_1m_after": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warm-up-s", type=float, default=15.0, help="chat, not measured")
    parser.add_argument("--modes", nargs="+", default=["in-process", "worker"])
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument(
        "--pgvector",
        action="store_true",
        help="a PostgreSQL 18 + pgvector started from Python (search in the database), "
        "not FRONTDESK_TEST_POSTGRES_URL's server",
    )
    parser.add_argument("--redis", action="store_true", help="a redis-server of the run's own")
    parser.add_argument("--batch", type=int, default=1000, help="files per upload request")
    parser.add_argument("--ingest-rate", action="store_true")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--uploads", type=int, default=1, help="--ingest-rate: the documents in this many requests"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    work = Path("/tmp") / f"fdbench-queue-{uuid.uuid4().hex[:6]}"
    if args.ingest_rate:
        rates = []
        for workers in args.workers:
            (work / f"workers-{workers}").mkdir(parents=True)
            rates.append(_ingest_rate(workers, args, work / f"workers-{workers}"))
            print(json.dumps(rates[-1]), flush=True)
        print("| workers | uploads | documents | chunks | s | documents/s | chunks/s |")
        print("|---|---|---|---|---|---|---|")
        for r in rates:
            print(
                f"| {r['workers']} | {r['uploads']} | {r['documents']} | {r['chunks']} | "
                f"{r['seconds']} | {r['documents_per_s']} | {r['chunks_per_s']} |"
            )
        out, result = args.out or RESULTS / "ingest_rate.json", {"rows": rates}
    else:
        rows = []
        for mode in args.modes:
            (work / mode).mkdir(parents=True)
            rows.append(_fairness(mode, args, work / mode))
        print(
            "| jobs | replicas | chat p50 / p95 ms (no upload) | chat p50 / p95 ms (during) | "
            "p95 ratio | turns/s | errors | 1-document upload waited s | RSS MB |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for row in rows:
            b, d = row["baseline"], row["during_ingest"]
            rss = ", ".join(f"{k} {v['rss_mb']}" for k, v in row["memory_mb"].items())
            print(
                f"| {row['mode']} | {row['replicas']} | {b['p50_ms']} / {b['p95_ms']} | "
                f"{d['p50_ms']} / {d['p95_ms']} | {row['p95_ratio']} | {d['turns_per_s']} | "
                f"{d['errors']} | {row['one_document_wait_s']} | {rss} |"
            )
        out, result = (
            args.out or RESULTS / "job_fairness.json",
            {"clients": args.clients, "seconds": args.seconds, "rows": rows},
        )
    result = {"documents": args.documents, **result}
    result.update(stamp(dataset="examples/demo-helpcenter + synthetic articles"))
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
