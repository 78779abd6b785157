"""Load held by real `frontdesk serve` processes: sustained turns/s at p95 <= 2 s, and the
rate limit at 10x burst across replicas.

    .venv/bin/python bench/load.py [--step-s 30] [--rates 0.5 1 2 3 4 6]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
        [--redis redis://127.0.0.1:6379/11]

1. Embedded default: one process on SQLite (the demo help center loaded).
2. PostgreSQL with 2 replicas: two processes sharing one PostgreSQL database and Redis
   (rate limits and live updates shared).

Each setup climbs a ladder of open-loop arrival rates (a new conversation and one demo
question per arrival, sent to the replicas in turn; each step `--step-s` seconds), and
"held" is the highest rate whose message p95 stays <= 2 s with no error. Keys are spread
so the default rate limit (120/min per key) stays on and out of the way.

3. Burst, on the 2 replicas: one widget key sends 10x its limit (1,200 messages in 60 s,
   to both replicas) while an in-limit key keeps asking at 0.5 turns/s; accepted flood
   messages must stay <= the limit (Redis shares it), and the in-limit key's p95 is
   compared to the same traffic unloaded, as a ratio. The replicas get one turn slot per
   CPU they share (`FRONTDESK_TURN_SLOTS`, unless set) and, through Redis, the default
   share per key across replicas (`FRONTDESK_KEY_TURN_SHARE`, `FRONTDESK_KEY_TURN_SLOTS`,
   passed on when set: `FRONTDESK_KEY_TURN_SHARE=false` runs without it).

Everything runs on loopback; every loop is bounded in count and time. Writes
bench/results/load.json with the git commit.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from stamp import stamp

from frontdesk.testing.http import free_port
from frontdesk.testing.wait import wait_for

ROOT = Path(__file__).resolve().parents[1]
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")
QUESTIONS = [
    json.loads(line)["question"]
    for line in (ROOT / "examples" / "demo-helpcenter" / "questions.jsonl").read_text().splitlines()
    if line.strip()
]
OUT = ROOT / "bench" / "results" / "load.json"
LIMIT = 120  # the default FRONTDESK_RATE_LIMIT_PER_MINUTE
TARGET_P95_S = 2.0


def p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextlib.contextmanager
def replicas(env: dict[str, str], count: int, log_dir: Path) -> Iterator[list[str]]:
    """``count`` `frontdesk serve` processes on one database; yields their base URLs."""
    processes: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for n in range(count):
            port = free_port()
            with (log_dir / f"replica{n}.log").open("ab") as sink:
                processes.append(
                    subprocess.Popen(
                        [FRONTDESK, "serve", "--host", "127.0.0.1", "--port", str(port)],
                        env=env,
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                    )
                )
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):

            def ready(base: str = base, process: subprocess.Popen[bytes] = process) -> bool:
                assert process.poll() is None, f"a replica exited; see {log_dir}"
                try:
                    return httpx.get(f"{base}/readyz", timeout=5).status_code == 200
                except httpx.TransportError:
                    return False

            wait_for(ready, timeout_s=300, interval_s=0.5, what=f"{base}/readyz")
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def setup(env: dict[str, str]) -> str:
    """Migrate, create the demo tenant with its help center; return its admin key."""
    done = subprocess.run(
        [FRONTDESK, "demo"], env=env, capture_output=True, text=True, timeout=1800, check=True
    )
    for line in (done.stdout + done.stderr).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "admin":
            return parts[1]
    raise RuntimeError(f"no admin key in: {done.stdout} {done.stderr[-2000:]}")


def widget_keys(base: str, admin: str, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {admin}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
        return [
            http.post("/v1/keys", json={"role": "widget", "name": f"load {n}"}).json()["key"]
            for n in range(count)
        ]


class Traffic:
    """Open-loop turns: each arrival opens a conversation and asks one question."""

    def __init__(self, bases: list[str], keys: list[str], opener: str | None = None) -> None:
        # ``opener``: a key that opens the conversations, so that only the messages count
        # against ``keys``' limit (at 1 turn a second, opening with the same key is 120
        # requests a minute: the whole limit).
        self.bases, self.keys, self.opener = bases, keys, opener
        self.clients = [httpx.Client(base_url=b, timeout=120) for b in bases]
        self.lock = threading.Lock()
        self.count = 0

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def turn(self, key: str | None = None) -> tuple[float, int, float]:
        """Latency of the message, its status, and when it was sent (perf_counter)."""
        with self.lock:
            n = self.count
            self.count += 1
        client = self.clients[n % len(self.clients)]
        headers = {"Authorization": f"Bearer {key or self.keys[n % len(self.keys)]}"}
        opening = {"Authorization": f"Bearer {self.opener}"} if self.opener else headers
        try:
            created = client.post("/v1/conversations", headers=opening)
            if created.status_code != 201:
                return 0.0, created.status_code, time.perf_counter()
            started = time.perf_counter()
            reply = client.post(
                f"/v1/conversations/{created.json()['id']}/messages",
                json={"text": random.choice(QUESTIONS)},
                headers=headers,
            )
            return time.perf_counter() - started, reply.status_code, started
        except httpx.TransportError:
            return 0.0, 0, time.perf_counter()

    def open_loop(self, rate: float, seconds: float, key: str | None = None) -> dict[str, Any]:
        """Arrivals every 1/rate s for ``seconds``; waits for every answer."""
        arrivals = max(1, round(rate * seconds))
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=64) as pool:
            futures = []
            for n in range(arrivals):
                delay = started + n / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(self.turn, key))
            results = [f.result() for f in futures]
        elapsed = time.perf_counter() - started
        ok = [latency for latency, status, _ in results if status == 201]
        return {
            "rate": rate,
            "turns": len(results),
            "ok": len(ok),
            "errors": len(results) - len(ok),
            "statuses": sorted({status for _, status, _ in results}),
            "p50_s": round(p(ok, 0.5), 3),
            "p95_s": round(p(ok, 0.95), 3),
            "completed_per_s": round(len(ok) / elapsed, 2),
            # (seconds after the step began that the message was sent, its latency)
            "samples": [
                [round(sent - started, 2), round(latency, 3)]
                for latency, status, sent in results
                if status == 201
            ],
        }


def ladder(traffic: Traffic, rates: list[float], step_s: float) -> dict[str, Any]:
    steps = []
    held = 0.0
    for rate in rates:
        step = traffic.open_loop(rate, step_s)
        steps.append(step)
        print(f"  {rate:>5.1f}/s: p50 {step['p50_s']:.2f} s, p95 {step['p95_s']:.2f} s, "
              f"{step['ok']}/{step['turns']} ok", flush=True)  # fmt: skip
        if step["errors"] or step["p95_s"] > TARGET_P95_S:
            break
        held = rate
    return {"held_turns_per_s": held, "steps": steps}


def burst(
    bases: list[str],
    flood_key: str,
    traffic: Traffic,
    seconds: float,
    in_limit_rate: float,
    setup_key: str,
) -> dict[str, Any]:
    """One key sends 10x its per-minute limit within ``seconds`` to both replicas while
    ``traffic`` (an in-limit key) keeps asking, ``in_limit_rate`` turns a second. The flood's
    conversations are opened with ``setup_key``, an idle key: at 1 turn a second the
    in-limit key has no room left in its own minute for them."""
    total = 10 * LIMIT
    admin_side = httpx.Client(base_url=bases[0], timeout=60)
    conversations = [
        admin_side.post(
            "/v1/conversations", headers={"Authorization": f"Bearer {setup_key}"}
        ).json()["id"]
        for _ in range(20)
    ]
    admin_side.close()
    statuses: dict[int, int] = {}
    accepted_at: list[float] = []  # when each accepted flood request was sent
    lock = threading.Lock()
    clients = [httpx.Client(base_url=b, timeout=120) for b in bases]

    def flood(n: int) -> None:
        sent = time.monotonic()
        try:
            status = (
                clients[n % len(clients)]
                .post(
                    f"/v1/conversations/{conversations[n % len(conversations)]}/messages",
                    json={"text": random.choice(QUESTIONS)},
                    headers={"Authorization": f"Bearer {flood_key}"},
                )
                .status_code
            )
        except httpx.TransportError:
            status = 0
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            if status in {200, 201, 202}:
                accepted_at.append(sent)

    def flood_all() -> None:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=16) as pool:
            for n in range(total):
                delay = started + n * seconds / total - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(flood, n)

    flooder = threading.Thread(target=flood_all)
    started = time.monotonic()
    flooder.start()
    in_limit = traffic.open_loop(in_limit_rate, seconds)
    flooder.join()
    flood_s = time.monotonic() - started
    for client in clients:
        client.close()
    accepted = sum(count for status, count in statuses.items() if status in {200, 201, 202})
    return {
        "flood_sent": total,
        "flood_seconds": seconds,
        "flood_statuses": {str(k): v for k, v in sorted(statuses.items())},
        "flood_accepted": accepted,
        "flood_lasted_s": round(flood_s, 1),  # the last answers come after the 60 s
        # The limit is a sliding window: at most LIMIT in any 60 s, across both replicas.
        "flood_accepted_max_in_60s": max_in_window(sorted(accepted_at), 60.0),
        "limit_per_minute": LIMIT,
        "in_limit": in_limit,
    }


def max_in_window(times: list[float], width: float) -> int:
    """The most of ``times`` (sorted) inside any window ``width`` long."""
    best, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= width:
            first += 1
        best = max(best, last - first + 1)
    return best


def load_average() -> list[float]:
    return [round(x, 1) for x in os.getloadavg()]


def run_setup(
    name: str, env: dict[str, str], count: int, args: argparse.Namespace, log_dir: Path
) -> dict[str, Any]:
    print(f"{name}: setting up", flush=True)
    admin = setup(env)
    with replicas(env, count, log_dir) as bases:
        keys = widget_keys(bases[0], admin, 12)  # 12 keys x 120/min: ladder stays in-limit
        traffic = Traffic(bases, keys[:10])
        try:
            traffic.open_loop(1.0, 10)  # warm every replica's caches
            print(f"{name}: ladder (load average {load_average()})", flush=True)
            result: dict[str, Any] = {"replicas": count, **ladder(traffic, args.rates, args.step_s)}
            if count > 1:
                print(f"{name}: unloaded in-limit traffic, then 10x burst", flush=True)
                alone = Traffic(bases, [keys[10]], opener=keys[1])
                unloaded = alone.open_loop(args.in_limit_rate, args.burst_s)
                loaded = burst(
                    bases, keys[11], alone, args.burst_s, args.in_limit_rate, setup_key=keys[0]
                )
                alone.close()
                ratio = loaded["in_limit"]["p95_s"] / unloaded["p95_s"]
                result["burst"] = {**loaded, "unloaded": unloaded, "p95_ratio": round(ratio, 2)}
                print(
                    f"  flood accepted {loaded['flood_accepted']} of {loaded['flood_sent']} in "
                    f"{loaded['flood_lasted_s']} s, at most {loaded['flood_accepted_max_in_60s']}"
                    f" in any 60 s (limit {LIMIT}/min); in-limit p95 "
                    f"{loaded['in_limit']['p95_s']:.2f} s vs unloaded "
                    f"{unloaded['p95_s']:.2f} s: x{ratio:.2f}",
                    flush=True,
                )
        finally:
            traffic.close()
    result["load_average_after"] = load_average()
    # the turn slots per replica, and the share per key across them (unset: the default)
    result["slots_env"] = {
        name: env[name]
        for name in ("FRONTDESK_TURN_SLOTS", "FRONTDESK_KEY_TURN_SHARE", "FRONTDESK_KEY_TURN_SLOTS")
        if name in env
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[0.5, 1, 2, 3, 4, 6])
    parser.add_argument("--step-s", type=float, default=30.0)
    parser.add_argument("--burst-s", type=float, default=60.0)
    # The in-limit key's turns a second, unloaded and during the burst: at 0.5 a phase has
    # 30 samples and its p95 is the second-slowest turn; 1.0 gives 60.
    parser.add_argument("--in-limit-rate", type=float, default=0.5)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    base_env = {
        **os.environ,
        "FRONTDESK_ENV": "test",
        "FRONTDESK_SECRET_KEY": "load-bench-secret-0123456789abcdef",
        "FRONTDESK_MULTILINGUAL_PREBUILD": "false",
    }
    results: dict[str, Any] = {"load_average_before": load_average()}
    with tempfile.TemporaryDirectory(prefix="frontdesk-load-") as tmp:
        work = Path(tmp)
        if args.only in (None, "sqlite"):
            env = {
                **base_env,
                "FRONTDESK_DATA_DIR": str(work / "sqlite"),
                "FRONTDESK_DATABASE_URL": f"sqlite:///{work / 'sqlite.db'}",
            }
            results["sqlite_1_replica"] = run_setup("sqlite", env, 1, args, work)
        if args.only in (None, "postgres"):
            driver = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
            admin = create_engine(driver, isolation_level="AUTOCOMMIT")
            name = f"reliab_load_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                import redis

                redis.Redis.from_url(args.redis).flushdb()
                url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
                env = {
                    **base_env,
                    "FRONTDESK_DATA_DIR": str(work / "pg"),
                    "FRONTDESK_DATABASE_URL": url,
                    "FRONTDESK_REDIS_URL": args.redis,
                    # both replicas share this host's CPUs (docs: replicas on one host)
                    "FRONTDESK_TURN_SLOTS": os.environ.get(
                        "FRONTDESK_TURN_SLOTS", str(max(1, (os.cpu_count() or 2) // 2))
                    ),
                }
                results["postgres_2_replicas"] = run_setup("postgres", env, 2, args, work)
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    results |= stamp(dataset="examples/demo-helpcenter questions.jsonl")
    results["command"] = "bench/load.py " + " ".join(sys.argv[1:])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
