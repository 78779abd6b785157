"""Erasure and access requests through the API and the CLI, on SQLite and PostgreSQL:
a customer seeded everywhere is gone from every table afterwards, and nobody else is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from frontdesk.runtime import Frontdesk
from frontdesk.storage.tables import Base

# The venv this test runs in, wherever the checkout is.
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")

EMAIL = "jane.doe@example.com"
PHONE = "+49 170 5550123"
CUSTOMER = "crm-4711"
FAQ = "question,answer\nHow much does the Plus plan cost?,Plus costs 9.99 euros a month.\n"


def _say(client: TestClient, cid: str, text: str, headers: dict[str, str]) -> dict:
    response = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": text}, headers=headers
    )
    assert response.status_code in (200, 201, 202), response.text
    return dict(response.json())


def _seed_customer(client: TestClient, tenant, customer_id: str | None) -> str:
    """A conversation that leaves the customer's data in every kind of row."""
    widget, agent = tenant.auth("widget"), tenant.auth("agent")
    body = {"customer_id": customer_id} if customer_id else {}
    cid = client.post("/v1/conversations", json=body, headers=widget).json()["id"]
    answer = _say(client, cid, "How much does the Plus plan cost?", widget)
    client.post(
        f"/v1/conversations/{cid}/feedback",
        json={"turn_id": answer["id"], "rating": "down", "comment": f"mail me at {EMAIL}"},
        headers=widget,
    )
    _say(client, cid, f"I'm Jane Doe, my e-mail is {EMAIL} and phone {PHONE}", widget)
    _say(client, cid, "I want to talk to a real person please", widget)
    ticket = client.get("/v1/tickets?status=active", headers=agent).json()[0]
    client.post(f"/v1/tickets/{ticket['id']}/reply", json={"text": "Hi Jane, done."}, headers=agent)
    client.post(f"/v1/tickets/{ticket['id']}/resolve", headers=agent)
    client.post(
        f"/v1/conversations/{cid}/csat",
        json={"score": 2, "comment": f"Jane Doe, {PHONE}"},
        headers=widget,
    )
    promoted = client.post(
        f"/v1/tickets/{ticket['id']}/promote",
        json={"question": "Can you call me back?", "answer": "Agents can call you back."},
        headers=agent,
    )
    assert promoted.status_code == 201, promoted.text
    return str(cid)


def _rows_mentioning(frontdesk: Frontdesk, tenant_id: str, needles: list[str]) -> list[str]:
    """Every row of every table of the tenant whose columns contain one of ``needles``."""
    found = []
    with frontdesk.database.transaction() as session:
        for table in Base.metadata.sorted_tables:
            query = select(table)
            if "tenant_id" in table.c:
                query = query.where(table.c.tenant_id == tenant_id)
            for row in session.execute(query):
                text = " ".join(str(v) for v in row)
                found += [f"{table.name}: {n}" for n in needles if n.lower() in text.lower()]
    return found


def test_erasing_a_customer_removes_them_everywhere_and_nobody_else(
    client: TestClient, frontdesk: Frontdesk, acme, globex, tmp_path: Path
) -> None:
    for tenant in (acme, globex):
        faq = tmp_path / f"{tenant.name}.csv"
        faq.write_text(FAQ)
        frontdesk.knowledge.ingest_paths(tenant.id, [faq])
    admin = acme.auth("admin")
    erased = _seed_customer(client, acme, CUSTOMER)
    # They come back with a new question: its answer goes into the answer cache (the
    # promotion above changed the knowledge, so their first conversation's entry is gone).
    returning = client.post(
        "/v1/conversations", json={"customer_id": CUSTOMER}, headers=acme.auth("widget")
    ).json()["id"]
    _say(client, returning, "How much does the Plus plan cost?", acme.auth("widget"))
    other = client.post(
        "/v1/conversations", json={"customer_id": "crm-9"}, headers=acme.auth("widget")
    )
    other_id = other.json()["id"]
    served = _say(client, other_id, "How much does the Plus plan cost?", acme.auth("widget"))
    assert served["cache"] == "exact"  # answered from the entry their question made
    elsewhere = _seed_customer(client, globex, CUSTOMER)  # same id, another company

    archive = client.get(f"/v1/privacy/exports/{CUSTOMER}", headers=admin).json()
    assert sorted(c["id"] for c in archive["conversations"]) == sorted([erased, returning])
    first = next(c for c in archive["conversations"] if c["id"] == erased)
    originals = [t.get("original", "") for t in first["turns"]]
    assert any(EMAIL in o for o in originals)  # the access request shows what they wrote
    assert {f["kind"] for f in archive["feedback"]} == {"thumbs", "csat"}
    assert len(archive["tickets"]) == 1
    assert (
        client.get(f"/v1/privacy/exports/{CUSTOMER}", headers=acme.auth("agent")).status_code == 403
    )

    both = client.post(
        "/v1/privacy/erasures", json={"customer_id": CUSTOMER, "identifier": EMAIL}, headers=admin
    )
    assert both.status_code == 422
    assert client.get(f"/v1/conversations/{erased}", headers=admin).status_code == 200

    receipt = client.post("/v1/privacy/erasures", json={"customer_id": CUSTOMER}, headers=admin)
    assert receipt.status_code == 201, receipt.text
    removed = receipt.json()["removed"]
    assert removed["conversations"] == 2
    assert removed["turns"] >= 9  # four customer messages, their replies, the agent's reply
    assert removed["tickets"] == 1
    assert removed["feedback"] == 2
    assert removed["identifiers"] == 2  # the e-mail address and the phone number
    assert removed["knowledge_flagged"] >= 1
    assert removed["cache_entries"] == 1

    assert client.get(f"/v1/conversations/{erased}", headers=admin).status_code == 404
    assert client.get(f"/v1/conversations/{returning}", headers=admin).status_code == 404
    needles = [EMAIL, "5550123", "Jane", CUSTOMER, erased, returning]
    leftovers = _rows_mentioning(frontdesk, acme.id, needles)
    assert leftovers == []
    quarantined = client.get("/v1/knowledge/quarantine", headers=admin).json()
    assert any("erasure" in q["reason"] for q in quarantined)
    # Nobody else: the tenant's other customer and the other company's customer stay.
    assert client.get(f"/v1/conversations/{other_id}", headers=admin).status_code == 200
    assert (
        client.get(f"/v1/conversations/{elsewhere}", headers=globex.auth("admin")).status_code
        == 200
    )
    kept = client.get(f"/v1/privacy/exports/{CUSTOMER}", headers=globex.auth("admin")).json()
    assert [c["id"] for c in kept["conversations"]] == [elsewhere]  # globex's copy is whole

    audit = client.get("/v1/privacy/erasures", headers=admin).json()
    assert [(a["scope"], a["removed"]["conversations"]) for a in audit] == [("customer", 2)]


def test_an_identifier_finds_conversations_without_a_customer_id(
    client: TestClient, frontdesk: Frontdesk, acme, tmp_path: Path
) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    first = _seed_customer(client, acme, None)
    widget = acme.auth("widget")
    second = client.post("/v1/conversations", headers=widget).json()["id"]
    _say(client, second, f"Call me on {PHONE.replace(' ', '')} please", widget)
    admin = acme.auth("admin")
    # Written differently from how the customer wrote it: still the same address.
    receipt = client.post(
        "/v1/privacy/erasures", json={"identifier": EMAIL.upper()}, headers=admin
    ).json()
    assert receipt["removed"]["conversations"] == 1
    assert client.get(f"/v1/conversations/{first}", headers=admin).status_code == 404
    by_phone = client.post(
        "/v1/privacy/erasures", json={"identifier": "0049 (170) 555-0123"}, headers=admin
    )
    assert by_phone.json()["removed"]["conversations"] == 1  # written another way again
    assert client.get(f"/v1/conversations/{second}", headers=admin).status_code == 404
    missing = client.post("/v1/privacy/erasures", json={"conversation_id": "nope"}, headers=admin)
    assert missing.status_code == 404


def test_the_cli_erases_and_exports(
    frontdesk: Frontdesk, acme, client: TestClient, cli_env
) -> None:
    cid = client.post(
        "/v1/conversations", json={"customer_id": CUSTOMER}, headers=acme.auth("widget")
    ).json()["id"]
    _say(client, cid, f"my e-mail is {EMAIL}", acme.auth("widget"))
    exported = subprocess.run(
        [FRONTDESK, "privacy", "export", "--tenant", "acme", "--customer", CUSTOMER],
        capture_output=True, text=True, env=cli_env, check=True,
    )  # fmt: skip
    assert json.loads(exported.stdout)["conversations"][0]["id"] == cid
    erased = subprocess.run(
        [FRONTDESK, "privacy", "erase", "--tenant", "acme", "--conversation", cid,
         "--json"],
        capture_output=True, text=True, env=cli_env, check=True,
    )  # fmt: skip
    assert json.loads(erased.stdout.splitlines()[-1])["removed"]["conversations"] == 1
    bad = subprocess.run(
        [FRONTDESK, "privacy", "erase", "--tenant", "acme"],
        capture_output=True, text=True, env=cli_env,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "exactly one" in bad.stdout + bad.stderr
