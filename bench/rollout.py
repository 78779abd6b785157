"""Rollout benchmark (issue 18): automatic rollback and shadow overhead, against two live
replicas on one database with simulated customer traffic.

    .venv/bin/python bench/rollout.py [--aa-turns 5000] [--concurrency 4] [--shadow-turns 400]

Two Frontdesk servers (uvicorn on 127.0.0.1, each its own ``Frontdesk`` built from the
same settings, as ``frontdesk serve`` twice; in one process, so they share the loaded
models and the GIL) serve one SQLite database holding the labelled help center of
tests/data/eval_helpcenter. Simulated customers (``--concurrency`` threads) open
conversations of one or two messages drawn from the help center's questions and send
each message to either replica at random, as a load balancer would. Every admin action
goes through the first replica's API; the second follows the registry.

Scenarios, each a rollout of a candidate against the default release with the default
triggers (min sample 50, window 500):

1. ``aa``: an identical candidate, A/B 50%, ``--aa-turns`` turns: any rollback is false.
2. ``llm_down``: canary 5%, the candidate's only LLM provider refuses connections.
3. ``slow``: canary 5%, the candidate's provider answers after 2 s.
4. ``low_confidence``: canary 5%, a stricter decide setting (bias -2.5 instead of -1.44).
   For 2-4: turns and seconds from the start to the rollback, and how many customers
   (conversations) the candidate answered.
5. ``shadow``: production p95 over HTTP without a rollout and with an identical candidate
   shadowing 100% of turns, in alternating blocks of ``--shadow-turns`` open-loop
   arrivals at ``--shadow-rate`` per second (about half the 2-core machine's capacity),
   in two set-ups side by side (``--shadow-modes``): ``embedded`` (SQLite, shadow runs on
   the replicas' idle-gated thread, dropped when the process stays busy) and ``worker``
   (PostgreSQL at ``--postgres``, FRONTDESK_JOB_QUEUE=postgres, shadow samples run by one
   ``frontdesk worker --queue shadow`` process at nice 19 on the same machine). Shadow
   samples run vs dropped are reported for each.

``--only`` runs some scenarios; their results replace those in an existing results file.

Writes bench/results/rollout.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import bench_settings  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402
from frontdesk.api.app import create_app  # noqa: E402
from frontdesk.releases.config import default_release  # noqa: E402
from frontdesk.settings import Settings  # noqa: E402
from frontdesk.testing.http import serve  # noqa: E402
from frontdesk.testing.releases import llm_document, release_document  # noqa: E402

HELPCENTER = ROOT / "tests" / "data" / "eval_helpcenter"
OUT = ROOT / "bench" / "results" / "rollout.json"
ANSWER = {
    "sufficient": True,
    "answer": "You can reset it from the sign-in page [1].",
    "citations": [1],
}


class _SlowProvider(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that answers well, after 2 s."""

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(2.0)
        body = json.dumps(
            {
                "model": "slow",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": json.dumps(ANSWER)},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def slow_provider() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


@dataclass
class Turn:
    at: float
    conversation: str
    release: str | None
    latency_ms: float
    ok: bool


class Traffic:
    """Simulated customers spread over the replicas."""

    def __init__(self, replicas: list[str], widget_key: str, questions: list[str]) -> None:
        self.replicas = replicas
        self.questions = questions
        self.clients = [
            httpx.Client(base_url=r, headers={"Authorization": f"Bearer {widget_key}"}, timeout=120)
            for r in replicas
        ]

    def run(
        self, turns: int, concurrency: int, stop: Callable[[], bool] = lambda: False
    ) -> list[Turn]:
        done: list[Turn] = []
        lock = threading.Lock()
        remaining = [turns]

        def customer(seed: int) -> None:
            rng = random.Random(seed)
            while True:
                with lock:
                    if remaining[0] <= 0 or stop():
                        return
                    messages = min(remaining[0], rng.choice((1, 2)))
                    remaining[0] -= messages
                created = rng.choice(self.clients).post("/v1/conversations")
                conversation = created.json()["id"]
                for _ in range(messages):
                    client = rng.choice(self.clients)
                    started = time.perf_counter()
                    reply = client.post(
                        f"/v1/conversations/{conversation}/messages",
                        json={"text": rng.choice(self.questions)},
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    ok = reply.status_code in (201, 202)
                    body = reply.json() if ok else {}
                    with lock:
                        done.append(
                            Turn(time.time(), conversation, body.get("release_id"), elapsed, ok)
                        )

        with ThreadPoolExecutor(concurrency) as pool:
            for index in range(concurrency):
                pool.submit(customer, index + int(time.time()))
        return done

    def paced(self, turns: int, rate: float) -> list[Turn]:
        """Open-loop arrivals: one new customer message every ``1/rate`` seconds, however
        long answers take (support traffic does not wait for the server)."""
        done: list[Turn] = []
        lock = threading.Lock()
        rng = random.Random(int(time.time()))

        def arrive(question: str, client: httpx.Client) -> None:
            conversation = client.post("/v1/conversations").json()["id"]
            started = time.perf_counter()
            reply = client.post(
                f"/v1/conversations/{conversation}/messages", json={"text": question}
            )
            elapsed = (time.perf_counter() - started) * 1000
            ok = reply.status_code in (201, 202)
            body = reply.json() if ok else {}
            with lock:
                done.append(Turn(time.time(), conversation, body.get("release_id"), elapsed, ok))

        start = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            for index in range(turns):
                delay = start + index / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(arrive, rng.choice(self.questions), rng.choice(self.clients))
        return done

    def close(self) -> None:
        for client in self.clients:
            client.close()


class Admin:
    def __init__(self, base: str, key: str) -> None:
        self.http = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=300
        )

    def create(self, document: dict[str, Any]) -> str:
        response = self.http.post("/v1/releases", json=document)
        response.raise_for_status()
        return str(response.json()["id"])

    def start(self, candidate: str, mode: str, share: float) -> dict[str, Any]:
        response = self.http.post(
            "/v1/rollouts", json={"candidate": candidate, "mode": mode, "share": share}
        )
        response.raise_for_status()
        return dict(response.json())

    def status(self) -> dict[str, Any]:
        return dict(self.http.get("/v1/rollouts").json())

    def close(self) -> None:
        self.http.close()

    def stop(self) -> None:
        if self.status()["state"] == "running":
            self.http.post("/v1/rollouts/stop").raise_for_status()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)] if ordered else 0.0


def brief(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if "stats" not in k}


def aa_scenario(admin: Admin, traffic: Traffic, turns: int, concurrency: int) -> dict[str, Any]:
    """An identical candidate at A/B 50%: any rollback is a false one."""
    candidate = admin.create(release_document("same"))
    admin.start(candidate, "ab", 50)
    started = time.time()
    done = traffic.run(turns, concurrency)
    status = admin.status()
    admin.stop()
    return {
        "turns": len(done),
        "seconds": round(time.time() - started, 1),
        "candidate_turns": sum(t.release == candidate for t in done),
        "false_rollbacks": int(status["state"] != "running"),
        "state": status["state"],
        "trigger": status["trigger"],
        "candidate_stats": status["candidate_stats"],
        "production_stats": status["production_stats"],
        "errors_http": sum(not t.ok for t in done),
    }


def rollback_scenario(
    admin: Admin, traffic: Traffic, document: dict[str, Any], concurrency: int, max_turns: int
) -> dict[str, Any]:
    candidate = admin.create(document)
    started = admin.start(candidate, "canary", 5)
    t0 = time.time()
    state = {"rolled_back_at": None}

    def rolled_back() -> bool:
        if state["rolled_back_at"] is None and admin.status()["state"] != "running":
            state["rolled_back_at"] = time.time()
        return state["rolled_back_at"] is not None

    watcher_stop = threading.Event()

    def watch() -> None:
        while not watcher_stop.is_set() and not rolled_back():
            time.sleep(0.25)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    turns = traffic.run(max_turns, concurrency, stop=lambda: state["rolled_back_at"] is not None)
    watcher_stop.set()
    watcher.join()
    status = admin.status()
    end = state["rolled_back_at"]
    before = [t for t in turns if end is None or t.at <= end]
    by_candidate = [t for t in turns if t.release == candidate]
    after = traffic.run(40, concurrency) if end is not None else []
    admin.stop()
    return {
        "candidate": candidate,
        "rollout": started["id"],
        "state": status["state"],
        "trigger": status["trigger"],
        "turns_to_rollback": len(before) if end else None,
        "seconds_to_rollback": round(end - t0, 1) if end else None,
        "candidate_turns": len(by_candidate),
        "customers_saw_candidate": len({t.conversation for t in by_candidate}),
        "candidate_turns_after_rollback": sum(t.release == candidate for t in after),
        "errors_http": sum(not t.ok for t in turns),
        "candidate_stats": status["candidate_stats"],
        "production_stats": status["production_stats"],
    }


def shadow_scenario(admin: Admin, traffic: Traffic, turns: int, rate: float) -> dict[str, Any]:
    """Production latency in alternating blocks without and with a shadowing candidate."""
    candidate = admin.create(release_document("shadowed"))
    blocks: dict[str, list[float]] = {"off": [], "on": []}
    samples = {"run": 0, "dropped": 0}
    agreement: list[float] = []
    for block in ("off", "on", "off", "on"):
        if block == "on":
            admin.start(candidate, "shadow", 100)
            time.sleep(1.5)  # both replicas past a poll
        done = traffic.paced(turns, rate)
        blocks[block] += [t.latency_ms for t in done if t.ok]
        if block == "on":
            # Let queued samples finish (no traffic now) so the next block starts quiet.
            deadline = time.time() + 120
            while time.time() < deadline:
                counted = admin.status()["shadow_samples"]
                if counted["run"] + counted["dropped"] >= len(done):
                    break
                time.sleep(1.0)
            status = admin.status()
            for key in samples:
                samples[key] += status["shadow_samples"][key]
            if status["candidate_stats"]["agreement"] is not None:
                agreement.append(status["candidate_stats"]["agreement"])
            admin.stop()
            time.sleep(1.5)
    off, on = p95(blocks["off"]), p95(blocks["on"])
    return {
        "arrivals_per_s": rate,
        "turns_per_arm": len(blocks["on"]),
        "p95_ms_without": round(off, 1),
        "p95_ms_with_shadow": round(on, 1),
        "p50_ms_without": round(statistics.median(blocks["off"]), 1),
        "p50_ms_with_shadow": round(statistics.median(blocks["on"]), 1),
        "p95_overhead": round(on / off - 1, 4),
        "p50_overhead": round(
            statistics.median(blocks["on"]) / statistics.median(blocks["off"]) - 1, 4
        ),
        "shadow_samples": samples,
        "agreement": agreement,
    }


@contextmanager
def live(settings: Settings, questions: list[str]) -> Iterator[tuple[Admin, Traffic, list[str]]]:
    """Two replicas on a database holding the help center; the admin and the customers."""
    setup = Frontdesk(settings)
    setup.init()
    tenant = setup.tenants.create_tenant("acme")
    setup.knowledge.ingest_paths(
        tenant.id,
        [HELPCENTER / "articles", HELPCENTER / "faq.csv", HELPCENTER / "tickets.jsonl"],
    )
    admin_key, _ = setup.tenants.issue_key("acme", "admin")
    widget_key, _ = setup.tenants.issue_key("acme", "widget")
    setup.close()
    with ExitStack() as stack:
        replicas = [stack.enter_context(serve(create_app(settings))) for _ in range(2)]
        admin = Admin(replicas[0], admin_key)
        traffic = Traffic(replicas, widget_key, questions)
        try:
            yield admin, traffic, replicas
        finally:
            traffic.close()
            admin.close()


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A throwaway database on the PostgreSQL server at ``admin_url``."""
    from sqlalchemy import create_engine, make_url, text

    base = make_url(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"shadow_bench_{uuid.uuid4().hex[:8]}"
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@contextmanager
def shadow_worker(settings: Settings, log: Path) -> Iterator[None]:
    """``frontdesk worker --queue shadow`` (nice 19 by default) on the same database."""
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": str(settings.database_url),
        "FRONTDESK_DATA_DIR": str(log.parent / "worker-data"),
        "FRONTDESK_SECRET_KEY": settings.secret_key.get_secret_value()
        if settings.secret_key is not None
        else "",
    }
    binary = str(Path(sys.executable).parent / "frontdesk")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [binary, "worker", "--queue", "shadow"], env=env, stdout=sink, stderr=sink
        )
    try:
        deadline = time.time() + 600
        while b"Frontdesk worker:" not in log.read_bytes():  # models loaded: measure after
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the shadow worker did not start: {log.read_text()}")
            time.sleep(0.5)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aa-turns", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--shadow-turns", type=int, default=400, help="per block (4 blocks)")
    parser.add_argument("--shadow-rate", type=float, default=3.0, help="arrivals per second")
    parser.add_argument("--max-turns", type=int, default=4000, help="cap per rollback scenario")
    parser.add_argument("--only", default="aa,llm_down,slow,low_confidence,shadow")
    parser.add_argument("--shadow-modes", default="embedded,worker")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "FRONTDESK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server for the worker set-up (a database is created and dropped)",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    rows = [json.loads(line) for line in (HELPCENTER / "eval.jsonl").read_text().splitlines()]
    questions = [row["text"] for row in rows]
    results: dict[str, Any] = {"concurrency": args.concurrency}
    scenarios = {
        "llm_down": llm_document(
            "down", "http://127.0.0.1:9/v1", max_retries=0, connect_timeout_s=0.5
        ),
        "slow": None,  # needs the slow provider's address
        "low_confidence": release_document("unsure", decide={"bias": -2.5}),
    }
    embedded = "shadow" in only and "embedded" in args.shadow_modes
    if only & {"aa", *scenarios} or embedded:
        with (
            tempfile.TemporaryDirectory() as tmp,
            live(bench_settings(Path(tmp)), questions) as (admin, traffic, _replicas),
            slow_provider() as provider,
        ):
            traffic.run(40, args.concurrency)  # warm both replicas
            if "aa" in only:
                results["aa"] = aa_scenario(admin, traffic, args.aa_turns, args.concurrency)
                print(json.dumps({"aa": brief(results["aa"])}), flush=True)
            scenarios["slow"] = llm_document(
                "slow", provider, max_retries=0, read_timeout_s=10, deadline_s=10
            )
            for name, document in scenarios.items():
                if name in only and document is not None:
                    results[name] = rollback_scenario(
                        admin, traffic, document, args.concurrency, args.max_turns
                    )
                    print(json.dumps({name: results[name]}), flush=True)
            if embedded:
                results.setdefault("shadow", {})["embedded"] = shadow_scenario(
                    admin, traffic, args.shadow_turns, args.shadow_rate
                )
                print(json.dumps({"shadow": results["shadow"]}), flush=True)
    if "shadow" in only and "worker" in args.shadow_modes:
        with tempfile.TemporaryDirectory() as tmp, postgres_database(args.postgres) as url:
            settings = bench_settings(Path(tmp)).model_copy(
                update={"database_url": url, "job_queue": "postgres"}
            )
            with (
                live(settings, questions) as (admin, traffic, _replicas),
                shadow_worker(settings, Path(tmp) / "worker.log"),
            ):
                traffic.run(40, args.concurrency)
                results.setdefault("shadow", {})["worker"] = shadow_scenario(
                    admin, traffic, args.shadow_turns, args.shadow_rate
                )
                print(json.dumps({"shadow": results["shadow"]}), flush=True)
    stamped = stamp(release=default_release(), dataset="tests/data/eval_helpcenter")
    for name in only & set(results):
        results[name]["git_commit"] = stamped["git_commit"]  # scenarios may be rerun apart
    if only >= {"aa", "llm_down", "slow", "low_confidence", "shadow"}:
        results |= stamped
    else:  # a partial run replaces its scenarios in the last full run's results
        results = {**json.loads(OUT.read_text()), **{k: results[k] for k in only & set(results)}}
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))


def table(results: dict[str, Any]) -> str:
    lines = [
        "| scenario | outcome | turns to rollback | seconds | customers who saw the candidate |",
        "|---|---|---|---|---|",
    ]
    if "aa" in results:
        aa = results["aa"]
        lines.append(
            f"| A/A, {aa['turns']} turns | {aa['false_rollbacks']} false rollbacks | - | "
            f"{aa['seconds']} | {aa['candidate_turns']} turns (A/B 50%) |"
        )
    for name in ("llm_down", "slow", "low_confidence"):
        if name in results:
            r = results[name]
            trigger = (r["trigger"] or {}).get("trigger")
            lines.append(
                f"| {name} | {r['state']} ({trigger}) | {r['turns_to_rollback']} | "
                f"{r['seconds_to_rollback']} | {r['customers_saw_candidate']} |"
            )
    for mode, s in results.get("shadow", {}).items():
        if not isinstance(s, dict) or "p95_overhead" not in s:
            continue
        n = s["shadow_samples"]
        lines.append(
            f"| shadow 100%, {mode} | p95 {s['p95_ms_without']} → {s['p95_ms_with_shadow']} ms "
            f"({s['p95_overhead']:+.1%}); samples run {n['run']}, dropped {n['dropped']} "
            f"| - | - | none (shadow) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
