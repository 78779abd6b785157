"""Chat latency while another tenant's bulk upload is ingested, with jobs in the API
process (the embedded default) and in a separate ``frontdesk worker`` (PostgreSQL queue),
and how long a third tenant's one-document upload waits behind the bulk one.

Real processes over a fresh PostgreSQL database: ``frontdesk serve`` (and ``frontdesk
worker``), ``--clients`` concurrent chat clients posting demo questions for
``--seconds``, first with no upload running (baseline), then during an upload of
``--documents`` distinct synthetic articles.

    .venv/bin/python bench/job_fairness.py --documents 400 --clients 4 --seconds 30
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
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

from stamp import stamp  # noqa: E402

from frontdesk.testing.http import free_port  # noqa: E402
from frontdesk.testing.wait import wait_for  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "job_fairness.json"
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")
ADMIN_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
QUESTIONS = [
    json.loads(line)["question"]
    for line in (ROOT / "examples" / "demo-helpcenter" / "questions.jsonl").read_text().splitlines()
    if line.strip()
][:40]


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([FRONTDESK, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


@contextlib.contextmanager
def _process(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        process = subprocess.Popen([FRONTDESK, *args], env=env, stdout=sink, stderr=sink)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _articles(n: int, tag: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        (
            "files",
            (
                f"{tag}-{i}.md",
                (
                    f"# {tag} notice {i}\n\n"
                    + " ".join(
                        f"Depot {i}-{j} sorts parcels for route {j * i % 97} on weekday {j % 7}."
                        for j in range(40)
                    )
                ).encode(),
                "text/markdown",
            ),
        )
        for i in range(n)
    ]


def _chat_load(base: str, widget: str, clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {widget}"}
        with httpx.Client(base_url=base, timeout=120) as http:
            i = n
            while time.monotonic() < stop:
                cid = http.post("/v1/conversations", headers=headers).json()["id"]
                started = time.perf_counter()
                reply = http.post(
                    f"/v1/conversations/{cid}/messages",
                    json={"text": QUESTIONS[i % len(QUESTIONS)]},
                    headers=headers,
                )
                took = time.perf_counter() - started
                with lock:
                    if reply.status_code in (200, 201):
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
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "errors": errors,
    }


def _scenario(mode: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    name = f"fdbench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": url,
        "FRONTDESK_DATA_DIR": str(work / mode),
        "FRONTDESK_SECRET_KEY": "bench-secret-0123456789abcdef",
        "FRONTDESK_ENV": "test",
        "FRONTDESK_RATE_LIMIT_PER_MINUTE": "0",
        "FRONTDESK_JOB_QUEUE": "inprocess" if mode == "in-process" else "postgres",
    }
    try:
        _cli(env, "init")
        keys = {}
        for tenant in ("chat", "bulk", "small"):
            _cli(env, "tenants", "create", tenant)
            keys[tenant] = {
                role: _cli(env, "keys", "create", "--tenant", tenant, "--role", role).split()[-1]
                for role in ("widget", "admin")
            }
        demo = ROOT / "examples" / "demo-helpcenter"
        _cli(env, "ingest", str(demo / "articles"), str(demo / "faq.csv"), "--tenant", "chat")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(
                _process(env, work / f"{mode}-serve.log", "serve", "--port", str(port))
            )
            if mode == "worker":
                stack.enter_context(_process(env, work / "worker.log", "worker"))

            def ready() -> bool:
                assert server.poll() is None, "the server exited"
                try:
                    return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
                except httpx.TransportError:
                    return False

            wait_for(ready, timeout_s=300, interval_s=0.5, what="the server")
            baseline = _chat_load(base, keys["chat"]["widget"], args.clients, args.seconds)
            with httpx.Client(base_url=base, timeout=300) as http:
                bulk_auth = {"Authorization": f"Bearer {keys['bulk']['admin']}"}
                bulk = http.post(
                    "/v1/knowledge/documents",
                    files=_articles(args.documents, "bulk"),
                    headers=bulk_auth,
                ).json()["id"]
                wait_for(
                    lambda: http.get(f"/v1/jobs/{bulk}", headers=bulk_auth).json()["done"] > 0,
                    timeout_s=300,
                    what="the bulk upload to start",
                )
                small_auth = {"Authorization": f"Bearer {keys['small']['admin']}"}
                sent = time.monotonic()
                small = http.post(
                    "/v1/knowledge/documents", files=_articles(1, "small"), headers=small_auth
                ).json()["id"]
                finished: list[float] = []

                def watch() -> None:  # while the chat load runs
                    with httpx.Client(base_url=base, timeout=300) as watcher:
                        wait_for(
                            lambda: (
                                watcher.get(f"/v1/jobs/{small}", headers=small_auth).json()[
                                    "status"
                                ]
                                == "succeeded"
                            ),
                            timeout_s=600,
                            interval_s=0.1,
                            what="the one-document upload",
                        )
                    finished.append(time.monotonic())

                watching = threading.Thread(target=watch)
                watching.start()
                during = _chat_load(base, keys["chat"]["widget"], args.clients, args.seconds)
                watching.join()
                small_wait = finished[0] - sent
                progress = http.get(f"/v1/jobs/{bulk}", headers=bulk_auth).json()
        return {
            "mode": mode,
            "baseline": baseline,
            "during_ingest": during,
            "p95_ratio": round(during["p95_ms"] / baseline["p95_ms"], 2),
            "one_document_wait_s": round(small_wait, 2),
            "bulk_done_after_chat": f"{progress['done']}/{progress['total']}",
        }
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"fdbench-queue-{uuid.uuid4().hex[:6]}"
    work.mkdir(parents=True)
    rows = [_scenario(mode, args, work) for mode in ("in-process", "worker")]
    print(
        "| jobs | chat p50 / p95 ms (no upload) | chat p50 / p95 ms (during upload) | "
        "p95 ratio | turns/s | errors | 1-document upload waited s |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        b, d = row["baseline"], row["during_ingest"]
        print(
            f"| {row['mode']} | {b['p50_ms']} / {b['p95_ms']} | {d['p50_ms']} / {d['p95_ms']} | "
            f"{row['p95_ratio']} | {d['turns_per_s']} | {d['errors']} | "
            f"{row['one_document_wait_s']} |"
        )
    result = {
        "documents": args.documents,
        "clients": args.clients,
        "seconds": args.seconds,
        "rows": rows,
        **stamp(dataset="examples/demo-helpcenter + synthetic articles"),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
