"""kill -9 of a served process under concurrent load, twice, on SQLite and PostgreSQL:
every acknowledged turn, ticket, feedback and job is in the database exactly once after
the restart; every message that was in flight is answered exactly once when retried with
its Idempotency-Key; every acknowledged job ends (never ``queued`` or ``running`` forever).

The client keeps a ledger of what the server acknowledged (a 2xx it received); the check
reads the database directly, not through the API that is under test."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from frontdesk.testing.wait import wait_for

from .conftest import ServedProcess, served_process, serving

CUSTOMERS = 3  # threads posting conversations, messages, feedback and handoffs
ROUNDS = 2
# Acknowledged before each kill (at least): enough that work is in flight when it lands.
TURNS_PER_ROUND = 6
JOBS_PER_ROUND = 2


@dataclass
class Ledger:
    """What the server acknowledged, and what it was sent but never answered."""

    turns: list[tuple[str, str, str, str]] = field(default_factory=list)  # conv, key, cust, reply
    unanswered: list[tuple[str, str, str]] = field(default_factory=list)  # conv, key, text
    tickets: list[tuple[str, str]] = field(default_factory=list)  # id, conversation
    feedback: list[tuple[str, str, str]] = field(default_factory=list)  # id, conversation, kind
    jobs: list[str] = field(default_factory=list)
    in_flight: int = 0  # messages sent and not yet answered
    lock: threading.Lock = field(default_factory=threading.Lock)

    def counts(self) -> tuple[int, int]:
        with self.lock:
            return len(self.turns), len(self.jobs)

    def reached(self, turns: int, jobs: int) -> bool:
        acknowledged_turns, acknowledged_jobs = self.counts()
        return acknowledged_turns >= turns and acknowledged_jobs >= jobs

    def sending(self, delta: int) -> None:
        with self.lock:
            self.in_flight += delta


def _customer(served: ServedProcess, ledger: Ledger, stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {served.widget}"}
    with httpx.Client(base_url=served.base, headers=headers, timeout=120) as http:
        while not stop.is_set():
            try:
                conversation = http.post("/v1/conversations").json()["id"]
            except httpx.TransportError:
                return  # the server is gone
            key, message = uuid.uuid4().hex, f"Where is my parcel {uuid.uuid4().hex[:6]}?"
            ledger.sending(+1)
            try:
                reply = http.post(
                    f"/v1/conversations/{conversation}/messages",
                    json={"text": message},
                    headers={"Idempotency-Key": key},
                )
            except httpx.TransportError:
                with ledger.lock:
                    ledger.unanswered.append((conversation, key, message))
                return
            finally:
                ledger.sending(-1)
            assert reply.status_code == 201, reply.text
            turn = reply.json()
            with ledger.lock:
                ledger.turns.append((conversation, key, turn["in_reply_to"], turn["id"]))
            try:
                for kind, path, body in (
                    ("thumbs", "feedback", {"turn_id": turn["id"], "rating": "up"}),
                    ("csat", "csat", {"score": 4, "comment": "quick"}),
                ):
                    done = http.post(f"/v1/conversations/{conversation}/{path}", json=body)
                    assert done.status_code == 201, done.text
                    with ledger.lock:
                        ledger.feedback.append((done.json()["id"], conversation, kind))
                ticket = http.post(f"/v1/conversations/{conversation}/handoff")
                assert ticket.status_code == 201, ticket.text
                with ledger.lock:
                    ledger.tickets.append((ticket.json()["id"], conversation))
            except httpx.TransportError:
                return


def _admin(served: ServedProcess, ledger: Ledger, stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {served.admin}"}
    with httpx.Client(base_url=served.base, headers=headers, timeout=120) as http:
        while not stop.is_set():
            name = f"returns-{uuid.uuid4().hex[:8]}.md"
            body = f"# Returns {name}\n\nReturn any item within 30 days for a refund.\n"
            try:
                job = http.post("/v1/knowledge/documents", files={"files": (name, body.encode())})
            except httpx.TransportError:
                return
            assert job.status_code == 202, job.text
            with ledger.lock:
                ledger.jobs.append(job.json()["id"])
            stop.wait(0.5)


def _load_then_kill(served: ServedProcess, ledger: Ledger) -> None:
    """Load from several threads; kill -9 once this round's quota is acknowledged, at a
    moment when a message is in flight."""
    turns, jobs = ledger.counts()
    stop = threading.Event()
    threads = [
        threading.Thread(target=_customer, args=(served, ledger, stop)) for _ in range(CUSTOMERS)
    ]
    threads.append(threading.Thread(target=_admin, args=(served, ledger, stop)))
    for thread in threads:
        thread.start()
    try:
        wait_for(
            lambda: (
                (
                    ledger.reached(turns + TURNS_PER_ROUND, jobs + JOBS_PER_ROUND)
                    and ledger.in_flight > 0
                )
                or not any(t.is_alive() for t in threads)
            ),
            timeout_s=600,
            interval_s=0.05,
            what="acknowledged work under load",
        )
    finally:
        served.process.kill()  # SIGKILL: no shutdown hook runs
        served.process.wait(timeout=30)
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
    assert ledger.reached(turns + TURNS_PER_ROUND, jobs + JOBS_PER_ROUND), "a thread failed"


def _one(connection, sql: str, **params: str) -> list[tuple]:
    return [tuple(row) for row in connection.execute(text(sql), params)]


def _check_database(url: str, ledger: Ledger) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            for conversation, key, customer, reply in ledger.turns:
                stored = _one(
                    db,
                    "SELECT id FROM turns WHERE conversation_id = :c AND idempotency_key = :k",
                    c=conversation,
                    k=key,
                )
                assert stored == [(customer,)], (conversation, key, stored)
                replies = _one(
                    db,
                    "SELECT id FROM turns WHERE in_reply_to = :t AND speaker = 'assistant'",
                    t=customer,
                )
                assert replies == [(reply,)], (customer, replies)
            for ticket, conversation in ledger.tickets:
                stored = _one(db, "SELECT conversation_id FROM tickets WHERE id = :t", t=ticket)
                assert stored == [(conversation,)]
            for feedback, conversation, kind in ledger.feedback:
                stored = _one(
                    db, "SELECT conversation_id, kind FROM feedback WHERE id = :f", f=feedback
                )
                assert stored == [(conversation, kind)]
            for job in ledger.jobs:
                assert len(_one(db, "SELECT id FROM jobs WHERE id = :j", j=job)) == 1
            # Nothing twice anywhere, acknowledged or not.
            for sql in (
                "SELECT in_reply_to FROM turns WHERE speaker = 'assistant' AND in_reply_to "
                "IS NOT NULL GROUP BY in_reply_to HAVING COUNT(*) > 1",
                "SELECT conversation_id FROM tickets GROUP BY conversation_id HAVING COUNT(*) > 1",
                "SELECT conversation_id, kind FROM feedback GROUP BY conversation_id, kind "
                "HAVING COUNT(*) > 1",
            ):
                assert _one(db, sql) == [], sql
    finally:
        engine.dispose()


@pytest.mark.slow
def test_acknowledged_work_survives_kill_9_under_load_exactly_once(
    served_env, settings, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    ledger = Ledger()
    with served_process(served_env, log) as served:
        widget, admin = served.widget, served.admin
        _load_then_kill(served, ledger)
    for _ in range(ROUNDS - 1):
        with serving(served_env, log, widget, admin) as served:
            _load_then_kill(served, ledger)

    with serving(served_env, log, widget, admin) as served:
        url = settings.resolved_database_url
        _check_database(url, ledger)
        headers = {"Authorization": f"Bearer {widget}"}
        with httpx.Client(base_url=served.base, headers=headers, timeout=120) as http:
            for conversation, key, message in ledger.unanswered:
                retry = http.post(
                    f"/v1/conversations/{conversation}/messages",
                    json={"text": message},
                    headers={"Idempotency-Key": key},
                )
                # 201: answered now (taken over, or never stored); 200: it was answered.
                assert retry.status_code in {200, 201}, retry.text
                turn = retry.json()
                ledger.turns.append((conversation, key, turn["in_reply_to"], turn["id"]))
            admin_headers = {"Authorization": f"Bearer {admin}"}

            def jobs_ended() -> bool:
                statuses = [
                    http.get(f"/v1/jobs/{job}", headers=admin_headers).json()["status"]
                    for job in ledger.jobs
                ]
                return all(status in {"succeeded", "failed"} for status in statuses)

            wait_for(jobs_ended, timeout_s=300, interval_s=1, what="every acknowledged job ended")
        _check_database(url, ledger)
    assert ledger.unanswered, "no message was in flight at a kill: the test tested nothing"
    output = served.log_text()
    assert "Traceback" not in output
    assert "Where is my parcel" not in output  # what customers wrote stays out of the log
    print(
        f"kill -9 x{ROUNDS}: acknowledged turns {len(ledger.turns)} (of which retried after "
        f"the kill {len(ledger.unanswered)}), tickets {len(ledger.tickets)}, feedback "
        f"{len(ledger.feedback)}, jobs {len(ledger.jobs)}: all present exactly once"
    )
