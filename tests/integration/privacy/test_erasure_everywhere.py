"""After an erasure by customer id, nothing the system keeps still names the customer:
every table of the database (also those outside the ORM, such as PostgreSQL's search
tables), the knowledge index, the database's files on disk (SQLite: the file and its
write-ahead log), every file under the data directory, and the log records written on the
way. Before the erasure the same search finds them, so the search can fail."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from frontdesk.runtime import Frontdesk

EMAIL = "jane.doe@example.com"
PHONE = "+49 170 5550123"
CUSTOMER = "crm-4711"
FAQ = "question,answer\nHow much does the Plus plan cost?,Plus costs 9.99 euros a month.\n"
# A resolved ticket the tenant exported from its old help desk, with the customer's id.
TICKET = {
    "id": "T-9",
    "customer_id": CUSTOMER,
    "subject": "Parcel late",
    "customer_message": f"My parcel is late. Thanks, Jane Doe ({EMAIL})",
    "agent_reply": "Hi Jane, we opened an investigation.",
}


def _post(client: TestClient, url: str, body: dict, headers: dict[str, str]) -> dict:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def _seed(client: TestClient, tenant) -> list[str]:
    """Two conversations of the customer touching every kind of row; their ids."""
    widget, agent = tenant.auth("widget"), tenant.auth("agent")
    first = _post(client, "/v1/conversations", {"customer_id": CUSTOMER}, widget)["id"]
    answer = _post(
        client, f"/v1/conversations/{first}/messages", {"text": "How much does the Plus plan cost?"}, widget
    )  # fmt: skip
    _post(
        client,
        f"/v1/conversations/{first}/feedback",
        {"turn_id": answer["id"], "rating": "down", "comment": f"mail me at {EMAIL}"},
        widget,
    )
    _post(
        client,
        f"/v1/conversations/{first}/messages",
        {"text": f"I'm Jane Doe, my e-mail is {EMAIL} and phone {PHONE}"},
        widget,
    )
    _post(
        client, f"/v1/conversations/{first}/messages", {"text": "I want to talk to a real person please"}, widget
    )  # fmt: skip
    ticket = client.get("/v1/tickets?status=active", headers=agent).json()[0]["id"]
    # Agents' words are not redacted: the note names them in plain text.
    _post(client, f"/v1/tickets/{ticket}/notes", {"text": f"Jane Doe, call {PHONE}"}, agent)
    _post(client, f"/v1/tickets/{ticket}/reply", {"text": "Hi Jane, done."}, agent)
    _post(client, f"/v1/tickets/{ticket}/resolve", {}, agent)
    for score in (2, 4):  # changed their mind: one row, the latest
        _post(
            client, f"/v1/conversations/{first}/csat", {"score": score, "comment": "Jane"}, widget
        )
    _post(
        client,
        f"/v1/tickets/{ticket}/promote",
        {"question": "Can you call me back?", "answer": "Agents can call you back."},
        agent,
    )
    second = _post(client, "/v1/conversations", {"customer_id": CUSTOMER}, widget)["id"]
    _post(
        client, f"/v1/conversations/{second}/messages", {"text": "How much does the Plus plan cost?"}, widget
    )  # fmt: skip
    return [str(first), str(second)]


def _tables_naming(frontdesk: Frontdesk, needles: list[str]) -> list[str]:
    """Every row of every table in the database (read as text) that holds a needle."""
    engine = frontdesk.database.engine
    found = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                values = " ".join(str(v) for v in row if not isinstance(v, bytes | memoryview))
                found += [f"{table}: {n}" for n in needles if n.lower() in values.lower()]
    return sorted(set(found))


def _files_naming(paths: list[Path], needles: list[str]) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes().lower()
        found += [f"{path.name}: {n}" for n in needles if n.lower().encode() in data]
    return sorted(set(found))


def _files(frontdesk: Frontdesk) -> list[Path]:
    """The data directory's files, and the SQLite database with its WAL beside it."""
    files = [p for p in frontdesk.settings.data_dir.rglob("*") if p.is_file()]
    if frontdesk.database.is_sqlite:
        database = Path(frontdesk.database.url.removeprefix("sqlite:///"))
        files += [p for p in database.parent.glob(database.name + "*") if p.is_file()]
    return files


def test_nothing_names_an_erased_customer_afterwards(
    client: TestClient,
    frontdesk: Frontdesk,
    acme,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    faq = tmp_path / "faq.csv"
    faq.write_text(FAQ)
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps(TICKET) + "\n")
    frontdesk.knowledge.ingest_paths(acme.id, [faq, tickets])
    admin = acme.auth("admin")
    hook = {"url": "https://hooks.example.com/frontdesk", "events": ["*"]}
    _post(client, "/v1/webhooks", hook, admin)
    conversations = _seed(client, acme)

    needles = [EMAIL, "5550123", "Jane", CUSTOMER, *conversations]
    before = _tables_naming(frontdesk, needles)
    # The search can find each of them: agents' notes and the ingested ticket hold the
    # address, turns and webhook events the conversation ids.
    for needle in needles:
        assert any(found.endswith(f": {needle}") for found in before), (needle, before)
    assert any(EMAIL in p.text for p in frontdesk.search(acme.id, "Jane Doe parcel late", 10))
    if frontdesk.database.is_sqlite:
        frontdesk.database.purge_deleted()
        assert _files_naming(_files(frontdesk), [EMAIL, CUSTOMER])

    receipt = _post(client, "/v1/privacy/erasures", {"customer_id": CUSTOMER}, admin)
    removed = receipt["removed"]
    assert removed["conversations"] == 2
    assert removed["feedback"] == 2  # the thumbs and the one CSAT
    assert removed["notes"] == 1
    assert removed["webhook_events"] >= 3  # handoff, resolution, feedback
    assert removed["knowledge_tickets"] == 1
    assert removed["knowledge_flagged"] >= 1

    hits = frontdesk.search(acme.id, "Jane Doe parcel late", 10)  # the index is rebuilt
    assert not [p.text for p in hits if "Jane" in p.text or EMAIL in p.text]
    assert _tables_naming(frontdesk, needles) == []
    if frontdesk.database.is_sqlite:
        # Deleted rows are overwritten in the file and the log is truncated.
        assert _files_naming(_files(frontdesk), needles) == []
    # Logs carry ids, never what the customer wrote or who they are.
    logged = caplog.text.lower()
    assert [n for n in (EMAIL, "5550123", "jane", CUSTOMER) if n.lower() in logged] == []


def test_an_erasure_by_e_mail_finds_ingested_tickets_without_a_customer_id(
    client: TestClient, frontdesk: Frontdesk, acme, tmp_path: Path
) -> None:
    """A help desk export often has no customer id, only what the customer wrote: the
    ticket with their address goes, with the names it taught; another customer's stays."""
    theirs = {key: value for key, value in TICKET.items() if key != "customer_id"}
    other = {
        "id": "T-10",
        "subject": "Refund",
        "customer_message": "Where is my refund? Regards, Tuomas Virtanen (+358 40 1234567)",
        "agent_reply": "Hi Tuomas, it is on its way.",
    }
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps(theirs) + "\n" + json.dumps(other) + "\n")
    frontdesk.knowledge.ingest_paths(acme.id, [tickets])
    names_before = dict(frontdesk.tenants.names(acme.id))
    assert "jane doe" in names_before or "jane" in names_before, names_before
    assert _tables_naming(frontdesk, [EMAIL]), "the search must find the address first"
    archive = frontdesk.privacy.export(acme.id, identifier=EMAIL)  # their access request
    assert [t["ticket"] for t in archive["knowledge_tickets"]] == ["T-9"]

    receipt = _post(
        client, "/v1/privacy/erasures", {"identifier": EMAIL.upper()}, acme.auth("admin")
    )

    assert receipt["removed"]["knowledge_tickets"] == 1
    assert receipt["removed"]["names"] >= 1
    assert _tables_naming(frontdesk, [EMAIL, "Jane"]) == []
    hits = frontdesk.search(acme.id, "Jane Doe parcel late refund", 10)
    assert not [p.text for p in hits if "Jane" in p.text]
    assert [p for p in hits if "Tuomas" in p.text]  # the other customer's ticket stays
    names_after = dict(frontdesk.tenants.names(acme.id))
    assert not [n for n in names_after if "jane" in n], names_after
    assert [n for n in names_after if "tuomas" in n] == [n for n in names_before if "tuomas" in n]
