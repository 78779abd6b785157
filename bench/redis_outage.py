"""Chat turns while Redis goes away and comes back: two API replicas, one PostgreSQL.

    .venv/bin/python bench/redis_outage.py [--clients 8] [--phase-s 20]

Two real ``frontdesk serve`` replicas over one PostgreSQL database (a throwaway database
on FRONTDESK_BENCH_POSTGRES_URL's server, dropped afterwards) share a redis-server of the
benchmark's own (rate limits on, set high enough never to refuse: the limiter goes through
Redis on every request). ``--clients`` threads chat with the demo help center through
both replicas in turn for three phases of ``--phase-s`` seconds: Redis up, Redis killed,
Redis started again. Counted per phase: turns, failed turns (anything but 201, or 202
once handed over), p50/p95 latency, and what /readyz said. Writes bench/results/redis-outage.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from retrieval_common import latency_stats
from stack_common import fresh_database
from stamp import stamp

from frontdesk.testing.http import free_port
from frontdesk.testing.redis_server import RedisServer

REPO = Path(__file__).resolve().parent.parent
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")
OK = (201, 202)  # answered, or stored for the person a handed-over conversation waits for
QUESTIONS = [
    "How do I reset my password?",
    "Can I get a refund for my last order?",
    "How long does shipping take?",
    "Do you offer a student discount?",
    "How do I change my delivery address?",
    "What payment methods do you accept?",
]


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [FRONTDESK, *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"frontdesk {' '.join(args)}: {done.stderr[-2000:]}")
    return done.stdout


@contextmanager
def _replica(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [FRONTDESK, "serve", "--host", "127.0.0.1", "--port", str(port)],
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
                if httpx.get(f"{base}/readyz", timeout=5).json().get("status") == "ok":
                    break
            except (httpx.TransportError, ValueError):
                pass
            time.sleep(0.5)
        else:
            raise TimeoutError(f"replica {log.stem} did not become ready")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


def _client(
    bases: list[str], widget: str, stop: threading.Event, out: list[tuple[float, int, float]]
) -> None:
    headers = {"Authorization": f"Bearer {widget}"}
    turn = itertools.count()
    with httpx.Client(timeout=60) as http:
        cid: str | None = None
        while not stop.is_set():
            n = next(turn)
            base = bases[n % len(bases)]
            started = time.perf_counter()
            try:
                if cid is None or n % 5 == 0:  # a new customer now and then
                    created = http.post(f"{base}/v1/conversations", headers=headers)
                    cid = created.json()["id"] if created.status_code == 201 else None
                if cid is None:
                    status = 0
                else:
                    status = http.post(
                        f"{base}/v1/conversations/{cid}/messages",
                        json={"text": QUESTIONS[n % len(QUESTIONS)]},
                        headers=headers,
                    ).status_code
            except httpx.HTTPError:
                status = -1
            out.append((time.monotonic(), status, time.perf_counter() - started))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--phase-s", type=float, default=20.0)
    parser.add_argument(
        "--out", type=Path, default=REPO / "bench" / "results" / "redis-outage.json"
    )
    args = parser.parse_args()
    admin = os.environ.get(
        "FRONTDESK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    folder = Path(tempfile.mkdtemp(prefix="frontdesk-bench-redis-"))
    server = RedisServer()
    server.start()
    with ExitStack() as stack:
        stack.callback(server.stop)
        url = stack.enter_context(fresh_database(admin))
        env = {
            **os.environ,
            "FRONTDESK_DATABASE_URL": url,
            "FRONTDESK_REDIS_URL": server.url,
            "FRONTDESK_DATA_DIR": str(folder / "data"),
            "FRONTDESK_SECRET_KEY": "bench-secret-0123456789abcdef",
            "FRONTDESK_ENV": "test",
            "FRONTDESK_RATE_LIMIT_PER_MINUTE": "1000000",
            "FRONTDESK_MULTILINGUAL_PREBUILD": "false",
        }
        _cli(env, "init")
        _cli(env, "tenants", "create", "acme")
        _cli(
            env,
            "ingest",
            str(REPO / "examples" / "demo-helpcenter" / "articles"),
            "--tenant",
            "acme",
        )
        widget = _cli(env, "keys", "create", "--tenant", "acme", "--role", "widget").split()[-1]
        bases = [stack.enter_context(_replica(env, folder / f"replica-{n}.log")) for n in range(2)]
        turns: list[tuple[float, int, float]] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=_client, args=(bases, widget, stop, turns))
            for _ in range(args.clients)
        ]
        marks = [time.monotonic()]
        for thread in threads:
            thread.start()
        ready: dict[str, list[str]] = {}

        def readyz(phase: str) -> None:
            ready[phase] = [httpx.get(f"{b}/readyz", timeout=10).json()["status"] for b in bases]

        time.sleep(args.phase_s)
        readyz("redis up")
        server.stop()
        marks.append(time.monotonic())
        time.sleep(args.phase_s)
        readyz("redis down")
        server.start()
        marks.append(time.monotonic())
        time.sleep(args.phase_s)
        readyz("redis back")
        stop.set()
        for thread in threads:
            thread.join()
        marks.append(time.monotonic())

    phases = []
    for name, start, end in zip(
        ("redis up", "redis down", "redis back"), marks[:-1], marks[1:], strict=True
    ):
        inside = [t for t in turns if start <= t[0] < end]
        phases.append(
            {
                "phase": name,
                "turns": len(inside),
                "failed": sum(1 for t in inside if t[1] not in OK),
                "statuses": sorted({t[1] for t in inside}),
                "readyz": ready[name],
                **latency_stats([t[2] for t in inside if t[1] in OK]),
            }
        )
    print(
        f"{args.clients} chat clients over 2 replicas, {args.phase_s:.0f} s per phase\n"
        "| phase | turns | failed | p50 ms | p95 ms | /readyz (both replicas) |\n"
        "|---|---|---|---|---|---|"
    )
    for row in phases:
        print(
            f"| {row['phase']} | {row['turns']} | {row['failed']} | {row['p50_ms']} "
            f"| {row['p95_ms']} | {', '.join(row['readyz'])} |"
        )
    results = {"clients": args.clients, "phase_s": args.phase_s, "phases": phases, **stamp()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
