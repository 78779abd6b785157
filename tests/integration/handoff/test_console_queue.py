"""The queue an agent works from: resolved tickets out of the way, filters by owner and
text, priority computed from reason, sentiment and wait; internal notes; canned replies."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from frontdesk.runtime import Frontdesk
from frontdesk.storage.tables import TicketRow, utcnow


def _ticket(client: TestClient, acme, first: str = "Where is my parcel?", **meta) -> dict:
    body = {"metadata": meta} if meta else {}
    cid = client.post("/v1/conversations", json=body, headers=acme.auth("widget")).json()["id"]
    client.post(
        f"/v1/conversations/{cid}/messages", json={"text": first}, headers=acme.auth("widget")
    )
    return client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget")).json()


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()]


def _age(frontdesk: Frontdesk, ticket_id: str, minutes: int, priority: str) -> None:
    with frontdesk.database.transaction() as session:
        session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket_id)
            .values(created_at=utcnow() - timedelta(minutes=minutes), priority=priority)
        )


def test_queue_filters_by_status_owner_and_text(client, acme, frontdesk: Frontdesk) -> None:
    parcel = _ticket(client, acme, "Where is my parcel? I want a person")
    invoice = _ticket(client, acme, "My invoice is wrong, talk to a human")
    done = _ticket(client, acme, "Refund my parcel please")
    agent = acme.auth("agent")
    client.post(f"/v1/tickets/{invoice['id']}/assign", headers=agent)
    client.post(f"/v1/tickets/{done['id']}/resolve", headers=agent)
    active = _ids(client.get("/v1/tickets?status=active", headers=agent))
    assert sorted(active) == sorted([parcel["id"], invoice["id"]])
    assert _ids(client.get("/v1/tickets?status=active&owner=mine", headers=agent)) == [
        invoice["id"]
    ]
    assert _ids(client.get("/v1/tickets?status=active&owner=unassigned", headers=agent)) == [
        parcel["id"]
    ]
    assert _ids(client.get("/v1/tickets?owner=mine", headers=acme.auth("admin"))) == []
    found = _ids(client.get("/v1/tickets?q=PARCEL", headers=agent))
    assert sorted(found) == sorted([parcel["id"], done["id"]])
    assert _ids(client.get("/v1/tickets?status=active&q=parcel", headers=agent)) == [parcel["id"]]
    assert _ids(client.get(f"/v1/tickets?q={invoice['id']}", headers=agent)) == [invoice["id"]]
    assert _ids(client.get("/v1/tickets?q=100%25", headers=agent)) == []  # % is literal
    bad = client.get("/v1/tickets?owner=everyone", headers=agent)
    assert bad.status_code == 422
    assert client.get("/v1/tickets?q=" + "x" * 201, headers=agent).status_code == 422


def test_priority_rises_with_the_wait_and_a_frustrated_customer(
    client, acme, frontdesk: Frontdesk
) -> None:
    agent = acme.auth("agent")
    fresh = _ticket(client, acme, "question about a parcel")
    waiting = _ticket(client, acme, "question about an invoice")
    long_wait = _ticket(client, acme, "question about a refund")
    _age(frontdesk, fresh["id"], 1, "normal")
    _age(frontdesk, waiting["id"], 20, "normal")
    _age(frontdesk, long_wait["id"], 90, "low")
    queue = client.get("/v1/tickets?status=active&order=priority", headers=agent).json()
    # low + 90 min and normal + 20 min are both high now; the longer wait goes first.
    assert [(t["id"], t["priority"]) for t in queue] == [
        (long_wait["id"], "high"),
        (waiting["id"], "high"),
        (fresh["id"], "normal"),
    ]
    highs = _ids(client.get("/v1/tickets?priority=high", headers=agent))
    assert sorted(highs) == sorted([waiting["id"], long_wait["id"]])
    # Taken: a person is on it, the wait no longer raises it.
    client.post(f"/v1/tickets/{waiting['id']}/assign", headers=agent)
    detail = client.get(f"/v1/tickets/{waiting['id']}", headers=agent).json()
    assert detail["priority"] == "normal"
    # The customer loses patience while waiting: at least high, stored.
    cid = fresh["conversation_id"]
    said = client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": "This is ridiculous, still nobody???"},
        headers=acme.auth("widget"),
    )
    assert said.status_code == 202
    assert client.get(f"/v1/tickets/{fresh['id']}", headers=agent).json()["priority"] == "high"


def test_internal_notes_are_for_agents_only(client, acme, globex) -> None:
    ticket = _ticket(client, acme)
    url = f"/v1/tickets/{ticket['id']}/notes"
    added = client.post(url, json={"text": "VIP customer, be quick"}, headers=acme.auth("agent"))
    assert added.status_code == 201
    assert added.json()["text"] == "VIP customer, be quick"
    assert [n["text"] for n in client.get(url, headers=acme.auth("admin")).json()] == [
        "VIP customer, be quick"
    ]
    assert client.post(url, json={"text": "x"}, headers=acme.auth("widget")).status_code == 403
    assert client.get(url, headers=acme.auth("widget")).status_code == 403
    assert client.get(url, headers=globex.auth("agent")).status_code == 404
    assert client.post(url, json={"text": "   "}, headers=acme.auth("agent")).status_code == 422
    assert client.post(url, json={}, headers=acme.auth("agent")).status_code == 422
    conversation = client.get(
        f"/v1/conversations/{ticket['conversation_id']}", headers=acme.auth("widget")
    )
    assert "VIP customer" not in conversation.text
    staff_view = client.get(f"/v1/tickets/{ticket['id']}", headers=acme.auth("agent"))
    assert "VIP customer" not in staff_view.text


def test_canned_replies_crud_and_fill_variables(client, acme, globex) -> None:
    agent = acme.auth("agent")
    body = {
        "title": "Greeting",
        "body": "Hi {{customer_name}}, {{agent_name}} here ({{ticket_id}}).",
    }
    created = client.post("/v1/canned-replies", json=body, headers=agent)
    assert created.status_code == 201
    reply = created.json()
    assert client.post("/v1/canned-replies", json=body, headers=agent).status_code == 409
    typo = client.post(
        "/v1/canned-replies", json={"title": "Typo", "body": "Hi {{name}}"}, headers=agent
    )
    assert typo.status_code == 422
    assert typo.json()["error"]["field"] == "body"
    assert "{{customer_name}}" in typo.json()["error"]["message"]
    assert client.get("/v1/canned-replies", headers=acme.auth("widget")).status_code == 403
    assert client.get("/v1/canned-replies", headers=globex.auth("agent")).json() == []
    named = _ticket(client, acme, customer_name="Ana")
    anonymous = _ticket(client, acme)
    rendered = client.get(
        f"/v1/tickets/{named['id']}/canned-replies/{reply['id']}", headers=agent
    ).json()
    me = client.get("/v1/tenant/me", headers=agent).json()["name"]
    assert rendered["text"] == f"Hi Ana, {me} here ({named['id']})."
    plain = client.get(f"/v1/tickets/{anonymous['id']}/canned-replies/{reply['id']}", headers=agent)
    assert plain.json()["text"].startswith("Hi there, ")
    renamed = client.patch(
        f"/v1/canned-replies/{reply['id']}", json={"title": "Hello"}, headers=acme.auth("admin")
    )
    assert renamed.json()["title"] == "Hello"
    assert renamed.json()["body"] == body["body"]
    assert (
        client.patch(f"/v1/canned-replies/{reply['id']}", json={}, headers=agent).status_code == 422
    )
    theirs = client.delete(f"/v1/canned-replies/{reply['id']}", headers=globex.auth("admin"))
    assert theirs.status_code == 404
    assert client.delete(f"/v1/canned-replies/{reply['id']}", headers=agent).status_code == 200
    assert client.get("/v1/canned-replies", headers=agent).json() == []
