"""Time to erase one customer with 1,000 conversations (issue 24), on SQLite and PostgreSQL.

    .venv/bin/python bench/erasure.py [--backend sqlite|postgres|both] [--conversations 1000]
        [--others 20000] [--write]

A migrated database gets a tenant whose customer ``crm-bench`` has ``--conversations``
conversations, each with what a real one leaves: a customer message (its encrypted
original in the details), the assistant's reply with a trace, the e-mail address's keyed
digest, a thumbs rating; every fifth one a handoff ticket with an agent's note, an agent's
reply, a CSAT with a comment and webhook events (handoff, resolution, feedback); every
tenth an answer cache entry; and a name their ticket taught the name list. Beside them,
``--others`` conversations of other customers of the same tenant (the same shape), so
every delete has to find its rows among many. Rows are written straight into the tables
(the pipeline would take an hour for 21,000 conversations; erasure only reads what is
stored).

Then ``PrivacyService.erase`` by customer id is timed (one transaction, the receipt
recorded, the SQLite log checkpointed), and again by identifier for a second customer of
``--conversations`` conversations; the receipt's counts are checked against what was
seeded. PostgreSQL: the server at ``--pg`` (a database ``privacy24b_erasure`` is created
and dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk.guards import TextVault  # noqa: E402
from frontdesk.guards.pii.identifiers import IdentifierHasher  # noqa: E402
from frontdesk.privacy import ErasureRequest, PrivacyService  # noqa: E402
from frontdesk.releases.config import default_release  # noqa: E402
from frontdesk.settings import Settings  # noqa: E402
from frontdesk.storage.cache_tables import AnswerCacheRow  # noqa: E402
from frontdesk.storage.console_tables import TicketNoteRow  # noqa: E402
from frontdesk.storage.db import Database  # noqa: E402
from frontdesk.storage.ids import new_id  # noqa: E402
from frontdesk.storage.ops_tables import WebhookDeliveryRow, WebhookRow  # noqa: E402
from frontdesk.storage.tables import (  # noqa: E402
    ConversationRow,
    CustomerIdentifierRow,
    FeedbackRow,
    TenantNameRow,
    TenantRow,
    TicketRow,
    TurnRow,
    utcnow,
)

RESULTS = ROOT / "bench" / "results" / "erasure.json"
SECRET = b"bench-secret-0123456789abcdef"
PG_DATABASE = "privacy24b_erasure"
BATCH = 2000


@contextmanager
def migrated(database_url: str) -> Iterator[Database]:
    """A migrated database at ``database_url`` (a scratch data directory beside it)."""
    folder = Path(tempfile.mkdtemp(prefix="frontdesk-erasure-"))
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=folder,
        database_url=database_url.replace("{folder}", str(folder)),
        secret_key=SECRET.decode(),
    )
    database = Database(settings)
    database.migrate()
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with migrated("sqlite:///{folder}/frontdesk.db") as database:
        yield database


@contextmanager
def postgres_database(server: str) -> Iterator[Database]:
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE}"))
        connection.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    try:
        with migrated(f"{server}/{PG_DATABASE}") as database:
            yield database
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE}"))
        admin.dispose()


class Seeder:
    """Rows of many conversations, written in batches."""

    def __init__(self, database: Database, tenant_id: str, vault: TextVault) -> None:
        self.database = database
        self.tenant_id = tenant_id
        self.vault = vault
        self.hasher = IdentifierHasher(SECRET)
        self.webhook = new_id()
        self.rows: dict[type, list[dict[str, Any]]] = {}
        self.original = vault.encrypt("I'm a customer, mail me at someone@example.com")

    def add(self, table: type, **row: Any) -> None:
        self.rows.setdefault(table, []).append(row)

    def conversation(self, number: int, customer: str, email: str) -> None:
        tenant, now = self.tenant_id, utcnow() - timedelta(minutes=number)
        cid, question, answer = new_id(), new_id(), new_id()
        self.add(
            ConversationRow, id=cid, tenant_id=tenant, status="bot", channel="widget",
            customer_id=customer, metadata_={}, created_at=now, updated_at=now,
        )  # fmt: skip
        self.add(
            TurnRow, id=question, tenant_id=tenant, conversation_id=cid, seq=1,
            speaker="customer", text="How much does the Plus plan cost? mail me at <EMAIL>",
            status="done", trace=[], citations=[], created_at=now,
            details={"original_encrypted": self.original, "language": "en"},
        )  # fmt: skip
        self.add(
            TurnRow, id=answer, tenant_id=tenant, conversation_id=cid, seq=2,
            speaker="assistant", text="Plus costs 9.99 euros a month.", outcome="answered",
            in_reply_to=question, status="done", release_id="r1", created_at=now,
            trace=[{"stage": "retrieve", "duration_ms": 3.0}] * 8,
            citations=[{"chunk_id": "c1", "title": "Plans"}], details={"cache": "miss"},
        )  # fmt: skip
        self.add(
            CustomerIdentifierRow, tenant_id=tenant, digest=self.hasher.digest(email),
            conversation_id=cid,
        )  # fmt: skip
        self.add(
            FeedbackRow, id=new_id(), tenant_id=tenant, conversation_id=cid, turn_id=answer,
            kind="thumbs", value=1, comment="", created_at=now,
        )  # fmt: skip
        if number % 10 == 0:
            self.add(
                AnswerCacheRow, id=new_id(), tenant_id=tenant, release="r1",
                knowledge_version=1, intent_model="", language="en", reply_language="en",
                question_hash=new_id(), question="how much does the plus plan cost",
                answer="Plus costs 9.99 euros a month.", citations=[], confidence=0.9,
                details={}, conversation_id=cid, created_at=now, used_at=now,
            )  # fmt: skip
        if number % 5 == 0:
            ticket = new_id()
            self.add(
                TicketRow, id=ticket, tenant_id=tenant, conversation_id=cid,
                status="resolved", reason="customer_request", summary="Customer asks for a "
                "person about <EMAIL>", created_at=now, updated_at=now,
            )  # fmt: skip
            self.add(
                TicketNoteRow, id=new_id(), tenant_id=tenant, ticket_id=ticket,
                author_id="a1", author_name="Agent", text=f"called back on {email}",
                created_at=now,
            )  # fmt: skip
            self.add(
                TurnRow, id=new_id(), tenant_id=tenant, conversation_id=cid, seq=3,
                speaker="agent", text="Hi, done.", status="done", trace=[], citations=[],
                details={}, created_at=now,
            )  # fmt: skip
            self.add(
                FeedbackRow, id=new_id(), tenant_id=tenant, conversation_id=cid, turn_id=None,
                kind="csat", value=4, comment="thanks <PERSON>", created_at=now,
            )  # fmt: skip
            for event in ("handoff.created", "conversation.resolved", "feedback.created"):
                event_id = new_id()
                self.add(
                    WebhookDeliveryRow, id=new_id(), tenant_id=tenant, webhook_id=self.webhook,
                    event_id=event_id, event_type=event, status="delivered",
                    payload={"id": event_id, "type": event, "data": {"conversation_id": cid}},
                    next_attempt_at=now, created_at=now,
                )  # fmt: skip
            self.add(
                TenantNameRow, tenant_id=tenant, name=f"customer {number} {customer}",
                source="ticket", conversation_id=cid, created_at=now,
            )  # fmt: skip

    def flush(self) -> None:
        order = (
            ConversationRow, TurnRow, CustomerIdentifierRow, FeedbackRow, AnswerCacheRow,
            TicketRow, TicketNoteRow, WebhookDeliveryRow, TenantNameRow,
        )  # fmt: skip
        with self.database.transaction() as session:
            for table in order:
                rows = self.rows.pop(table, [])
                for start in range(0, len(rows), BATCH):
                    session.execute(insert(table), rows[start : start + BATCH])


def seed(database: Database, conversations: int, others: int) -> tuple[str, dict[str, int]]:
    tenant_id = new_id()
    now = utcnow()
    with database.transaction() as session:
        session.add(TenantRow(id=tenant_id, name="bench", settings={}, created_at=now))
    vault = TextVault(SECRET)
    seeder = Seeder(database, tenant_id, vault)
    with database.transaction() as session:
        session.add(
            WebhookRow(
                id=seeder.webhook, tenant_id=tenant_id, url="https://hooks.example.com/x",
                events=["*"], secret_encrypted=vault.encrypt("s"), description="",
                created_at=now,
            )
        )  # fmt: skip
    plan = [("crm-bench", "bench.customer@example.com", conversations)]
    plan += [("crm-second", "second.customer@example.com", conversations)]
    plan += [(f"crm-{i}", f"customer{i}@example.com", 1) for i in range(others)]
    number = 0
    for customer, email, count in plan:
        for _ in range(count):
            seeder.conversation(number, customer, email)
            number += 1
            if number % 1000 == 0:
                seeder.flush()
    seeder.flush()
    expected = {
        "conversations": conversations,
        "turns": conversations * 2 + conversations // 5,
        "feedback": conversations + conversations // 5,
        "identifiers": conversations,
        "tickets": conversations // 5,
        "notes": conversations // 5,
        "webhook_events": 3 * (conversations // 5),
        "cache_entries": conversations // 10,
        "names": conversations // 5,
    }
    return tenant_id, expected


def measure(database: Database, conversations: int, others: int) -> dict[str, Any]:
    started = time.perf_counter()
    tenant_id, expected = seed(database, conversations, others)
    seeded_s = time.perf_counter() - started
    service = PrivacyService(database, TextVault(SECRET), IdentifierHasher(SECRET))
    timings = {}
    receipts = {}
    for scope, request in (
        ("customer", ErasureRequest(customer_id="crm-bench")),
        ("identifier", ErasureRequest(identifier="second.customer@example.com")),
    ):
        started = time.perf_counter()
        receipt = service.erase(tenant_id, request, actor="bench")
        timings[scope] = round(time.perf_counter() - started, 3)
        removed = receipt["removed"]
        wrong = {k: (removed.get(k), v) for k, v in expected.items() if removed.get(k) != v}
        if wrong:
            raise SystemExit(f"receipt ({scope}) does not match what was seeded: {wrong}")
        receipts[scope] = removed
    with database.transaction() as session:
        left = session.execute(
            text("SELECT count(*) FROM conversations WHERE tenant_id = :t"), {"t": tenant_id}
        ).scalar_one()
    if left != others:
        raise SystemExit(f"{left} conversations left, expected the {others} others")
    return {
        "seconds": timings,
        "seeded_conversations": 2 * conversations + others,
        "seed_seconds": round(seeded_s, 1),
        "removed": receipts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--others", type=int, default=20000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    result: dict[str, Any] = {
        **stamp(default_release(), split="-", dataset="synthetic rows"),
        "conversations": args.conversations,
        "others": args.others,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": platform.machine(),
    }
    print("| backend | erase by customer id | erase by e-mail | conversations in the tenant |")
    print("|---|---|---|---|")
    for backend in backends:
        opener = sqlite_database() if backend == "sqlite" else postgres_database(args.pg)
        with opener as database:
            measured = measure(database, args.conversations, args.others)
        result[backend] = measured
        print(
            f"| {backend} | {measured['seconds']['customer']:.2f} s | "
            f"{measured['seconds']['identifier']:.2f} s | {measured['seeded_conversations']:,} |"
        )
    if args.write:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
