"""A customer leaving a conversation (POST /v1/conversations/{id}/leave, the widget's
"Start new"): a ticket waiting for a person stays in the queue marked as left, for an
agent to resolve, never forgotten there; without one the conversation closes."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _conversation(client: TestClient, headers: dict[str, str]) -> str:
    return str(client.post("/v1/conversations", headers=headers).json()["id"])


def test_leaving_marks_the_waiting_ticket_until_an_agent_resolves_it(client, acme) -> None:
    widget, agent = acme.auth("widget"), acme.auth("agent")
    cid = _conversation(client, widget)
    ticket = client.post(f"/v1/conversations/{cid}/handoff", headers=widget).json()
    assert ticket["customer_left_at"] is None

    left = client.post(f"/v1/conversations/{cid}/leave", headers=widget)
    assert left.status_code == 200
    assert left.json() == {
        "conversation_id": cid,
        "status": "human",
        "ticket": {"id": ticket["id"], "status": "open"},
    }
    queue = client.get("/v1/tickets?status=active", headers=agent).json()
    assert [t["id"] for t in queue] == [ticket["id"]]
    marked = queue[0]["customer_left_at"]
    assert marked is not None
    assert queue[0]["priority"] == "low"  # nobody waits for the answer: the end of the queue
    detail = client.get(f"/v1/tickets/{ticket['id']}", headers=agent).json()
    assert detail["customer_left_at"] == marked

    again = client.post(f"/v1/conversations/{cid}/leave", headers=widget)
    assert again.status_code == 200
    assert (
        client.get(f"/v1/tickets/{ticket['id']}", headers=agent).json()["customer_left_at"]
        == marked
    )

    resolved = client.post(f"/v1/tickets/{ticket['id']}/resolve", headers=agent)
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert client.get("/v1/tickets?status=active", headers=agent).json() == []


def test_writing_again_after_leaving_takes_the_mark_away(client, acme) -> None:
    widget, agent = acme.auth("widget"), acme.auth("agent")
    cid = _conversation(client, widget)
    ticket = client.post(f"/v1/conversations/{cid}/handoff", headers=widget).json()
    client.post(f"/v1/conversations/{cid}/leave", headers=widget).raise_for_status()
    queued = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "Sorry, still here"}, headers=widget
    )
    assert queued.status_code == 202
    assert (
        client.get(f"/v1/tickets/{ticket['id']}", headers=agent).json()["customer_left_at"] is None
    )


def test_leaving_a_conversation_with_the_assistant_closes_it(client, acme) -> None:
    widget = acme.auth("widget")
    cid = _conversation(client, widget)
    left = client.post(f"/v1/conversations/{cid}/leave", headers=widget).json()
    assert left == {"conversation_id": cid, "status": "closed", "ticket": None}
    assert client.get(f"/v1/conversations/{cid}", headers=widget).json()["status"] == "closed"


def test_leaving_is_tenant_scoped_and_checks_the_id(client, acme, globex) -> None:
    theirs = _conversation(client, globex.auth("widget"))
    ticket = client.post(f"/v1/conversations/{theirs}/handoff", headers=globex.auth("widget"))
    foreign = client.post(f"/v1/conversations/{theirs}/leave", headers=acme.auth("widget"))
    assert foreign.status_code == 404
    assert foreign.json()["error"]["code"] == "not_found"
    unknown = client.post("/v1/conversations/nope/leave", headers=acme.auth("widget"))
    assert unknown.status_code == 404
    unauthenticated = client.post(f"/v1/conversations/{theirs}/leave")
    assert unauthenticated.status_code == 401
    still = client.get(f"/v1/tickets/{ticket.json()['id']}", headers=globex.auth("agent")).json()
    assert still["customer_left_at"] is None
