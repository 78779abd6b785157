"""Handoff end to end through the API: tickets, agent replies, resolution, feedback."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontdesk.runtime import Frontdesk

FAQ = "question,answer,url\nHow much does the Plus plan cost?,Plus costs 9.99 euros a month.,https://help.example.com/plus\n"


@pytest.fixture
def faq(frontdesk: Frontdesk, acme, tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [path])


def _conversation(client: TestClient, headers: dict[str, str]) -> str:
    return str(client.post("/v1/conversations", headers=headers).json()["id"])


def _say(client: TestClient, cid: str, text: str, headers: dict[str, str]):
    return client.post(f"/v1/conversations/{cid}/messages", json={"text": text}, headers=headers)


def test_asking_for_a_person_opens_one_ticket_and_silences_the_bot(client, acme) -> None:
    cid = _conversation(client, acme.auth("widget"))
    turn = _say(client, cid, "I want to talk to a real person please", acme.auth("widget")).json()
    assert turn["outcome"] == "handoff"
    assert turn["escalation_reason"] == "requested_human"
    conversation = client.get(f"/v1/conversations/{cid}", headers=acme.auth("widget")).json()
    assert conversation["status"] == "human"
    tickets = client.get("/v1/tickets?status=open", headers=acme.auth("agent")).json()
    assert [t["conversation_id"] for t in tickets] == [cid]
    ticket = tickets[0]
    assert ticket["reason"] == "requested_human"
    assert ticket["priority"] == "high"
    assert "talk to a real person" in ticket["summary"]
    assert conversation["ticket"] == {"id": ticket["id"], "status": "open"}
    queued = _say(client, cid, "hello? anyone there?", acme.auth("widget"))
    assert queued.status_code == 202
    assert queued.json()["outcome"] == "queued"
    assert queued.json()["role"] == "customer"
    again = client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget"))
    assert again.json()["id"] == ticket["id"]
    turns = client.get(f"/v1/conversations/{cid}", headers=acme.auth("widget")).json()["turns"]
    assert [t["role"] for t in turns] == ["customer", "assistant", "customer"]


def test_agent_replies_resolves_and_a_resolved_ticket_refuses_replies(client, acme) -> None:
    cid = _conversation(client, acme.auth("widget"))
    ticket = client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget")).json()
    reply = client.post(
        f"/v1/tickets/{ticket['id']}/reply",
        json={"text": "Hi, I'm Sam."},
        headers=acme.auth("agent"),
    )
    assert reply.status_code == 201
    assert reply.json()["role"] == "agent"
    detail = client.get(f"/v1/tickets/{ticket['id']}", headers=acme.auth("agent")).json()
    assert detail["status"] == "assigned"
    assert detail["conversation"]["turns"][-1]["text"] == "Hi, I'm Sam."
    resolved = client.post(f"/v1/tickets/{ticket['id']}/resolve", headers=acme.auth("agent"))
    assert resolved.json()["status"] == "resolved"
    status = client.get(f"/v1/conversations/{cid}", headers=acme.auth("widget")).json()["status"]
    assert status == "closed"
    late = client.post(
        f"/v1/tickets/{ticket['id']}/reply", json={"text": "one more"}, headers=acme.auth("agent")
    )
    assert late.status_code == 409
    assert (
        client.post(f"/v1/tickets/{ticket['id']}/resolve", headers=acme.auth("agent")).status_code
        == 409
    )
    turns = client.get(f"/v1/conversations/{cid}", headers=acme.auth("widget")).json()["turns"]
    assert [t["text"] for t in turns].count("Hi, I'm Sam.") == 1


def test_two_agents_cannot_both_take_a_ticket(client, acme, frontdesk: Frontdesk) -> None:
    second_agent, _ = frontdesk.tenants.issue_key("acme", "agent", "Robin")
    other = {"Authorization": f"Bearer {second_agent}"}
    cid = _conversation(client, acme.auth("widget"))
    ticket = client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget")).json()
    first = client.post(f"/v1/tickets/{ticket['id']}/assign", headers=acme.auth("agent"))
    assert first.status_code == 200
    assert (
        client.post(f"/v1/tickets/{ticket['id']}/assign", headers=acme.auth("agent")).status_code
        == 200
    )
    taken = client.post(f"/v1/tickets/{ticket['id']}/assign", headers=other)
    assert taken.status_code == 409
    blocked = client.post(f"/v1/tickets/{ticket['id']}/reply", json={"text": "mine"}, headers=other)
    assert blocked.status_code == 409
    assert (
        client.get(f"/v1/tickets/{ticket['id']}", headers=other).json()["assignee"]["key_id"]
        == first.json()["assignee"]["key_id"]
    )


def test_hand_back_lets_the_bot_answer_again(client, acme, faq) -> None:
    cid = _conversation(client, acme.auth("widget"))
    ticket = client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget")).json()
    client.post(f"/v1/tickets/{ticket['id']}/handback", headers=acme.auth("agent"))
    turn = _say(client, cid, "How much does the Plus plan cost?", acme.auth("widget"))
    assert turn.status_code == 201
    assert turn.json()["outcome"] == "answered"
    assert "9.99" in turn.json()["text"]


def test_a_promoted_answer_is_cited_from_then_on(client, acme, faq) -> None:
    cid = _conversation(client, acme.auth("widget"))
    ticket = client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget")).json()
    promoted = client.post(
        f"/v1/tickets/{ticket['id']}/promote",
        json={
            "question": "Can I pause my subscription during holidays?",
            "answer": "Yes, you can pause Plus for up to 3 months under Settings, Billing.",
        },
        headers=acme.auth("agent"),
    )
    assert promoted.status_code == 201
    new = _conversation(client, acme.auth("widget"))
    turn = _say(
        client,
        new,
        "is it possible to pause my subscription while on holiday?",
        acme.auth("widget"),
    ).json()
    assert turn["outcome"] == "answered"
    assert "pause Plus for up to 3 months" in turn["text"]
    assert turn["citations"][0]["document_id"] == promoted.json()["document_id"]


def test_repeated_failures_hand_the_conversation_over(client, acme, faq) -> None:
    cid = _conversation(client, acme.auth("widget"))
    first = _say(client, cid, "What is the capital of Australia?", acme.auth("widget")).json()
    assert first["outcome"] == "no_answer"
    second = _say(client, cid, "Which river flows through Vienna?", acme.auth("widget")).json()
    assert second["outcome"] == "handoff"
    assert second["escalation_reason"] == "repeated_failure"


def test_feedback_is_recorded_validated_and_exported(client, acme, faq) -> None:
    cid = _conversation(client, acme.auth("widget"))
    answer = _say(client, cid, "How much does the Plus plan cost?", acme.auth("widget")).json()
    up = client.post(
        f"/v1/conversations/{cid}/feedback",
        json={"turn_id": answer["id"], "rating": "up", "comment": "clear"},
        headers=acme.auth("widget"),
    )
    assert up.status_code == 201
    customer_turn = answer["in_reply_to"]
    wrong = client.post(
        f"/v1/conversations/{cid}/feedback",
        json={"turn_id": customer_turn, "rating": "up"},
        headers=acme.auth("widget"),
    )
    assert wrong.status_code == 422
    bad = client.post(
        f"/v1/conversations/{cid}/csat", json={"score": 6}, headers=acme.auth("widget")
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "score"
    assert (
        client.post(
            f"/v1/conversations/{cid}/csat", json={"score": 5}, headers=acme.auth("widget")
        ).status_code
        == 201
    )
    listed = client.get("/v1/feedback", headers=acme.auth("agent")).json()
    assert sorted((f["kind"], f["value"]) for f in listed) == [("csat", 5), ("thumbs", 1)]
    assert client.get("/v1/feedback", headers=acme.auth("widget")).status_code == 403
    exported = client.get("/v1/feedback?format=csv", headers=acme.auth("agent"))
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines()[0].startswith("id,conversation_id,turn_id,kind,value")
    lines = client.get("/v1/feedback?format=jsonl", headers=acme.auth("agent")).text.splitlines()
    assert len(lines) == 2


def test_tickets_are_tenant_scoped_and_closed_to_widget_keys(client, acme, globex) -> None:
    cid = _conversation(client, acme.auth("widget"))
    ticket = client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget")).json()
    assert client.get("/v1/tickets", headers=acme.auth("widget")).status_code == 403
    assert client.get("/v1/tickets", headers=globex.auth("agent")).json() == []
    for path in ("", "/assign", "/resolve", "/handback"):
        method = "get" if path == "" else "post"
        response = client.request(
            method, f"/v1/tickets/{ticket['id']}{path}", headers=globex.auth("agent")
        )
        assert response.status_code == 404, path
    reply = client.post(
        f"/v1/tickets/{ticket['id']}/reply", json={"text": "x"}, headers=globex.auth("admin")
    )
    assert reply.status_code == 404
    assert (
        client.post(f"/v1/conversations/{cid}/handoff", headers=globex.auth("widget")).status_code
        == 404
    )
    assert (
        client.get(f"/v1/tickets/{ticket['id']}", headers=acme.auth("agent")).json()["status"]
        == "open"
    )


def test_the_queue_hides_resolved_tickets_and_puts_urgent_and_long_waits_first(
    client, acme, faq
) -> None:
    widget, agent = acme.auth("widget"), acme.auth("agent")
    calm = _conversation(client, widget)  # a calm customer the bot failed twice: normal
    _say(client, calm, "What is the capital of Australia?", widget)
    assert _say(client, calm, "Which river flows through Vienna?", widget).json()["outcome"] == (
        "handoff"
    )
    done = _conversation(client, widget)
    resolved = client.post(f"/v1/conversations/{done}/handoff", headers=widget).json()
    client.post(f"/v1/tickets/{resolved['id']}/resolve", headers=agent)
    angry = _conversation(client, widget)
    _say(client, angry, "I will sue you and contact my lawyer about this", widget)
    asked = _conversation(client, widget)
    _say(client, asked, "I want to talk to a real person please", widget)

    queue = client.get("/v1/tickets?status=active&order=priority", headers=agent).json()
    assert [t["conversation_id"] for t in queue] == [angry, asked, calm]
    assert [t["priority"] for t in queue] == ["urgent", "high", "normal"]
    newest = client.get("/v1/tickets", headers=agent).json()  # the default order is unchanged
    assert [t["conversation_id"] for t in newest] == [asked, angry, done, calm]
    bad = client.get("/v1/tickets?order=loudest", headers=agent)
    assert bad.status_code == 422
    assert "order" in bad.text
