"""The conversations API: create, post, fetch, idempotency, and bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response

from frontdesk.runtime import Frontdesk


def _new_conversation(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post("/v1/conversations", headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _send(
    client: TestClient, acme, conversation_id: str, text: str, role: str = "widget"
) -> Response:
    """Post ``text`` as the widget would (or with another role's key)."""
    return client.post(
        f"/v1/conversations/{conversation_id}/messages",
        json={"text": text},
        headers=acme.auth(role),
    )


def test_posting_a_message_returns_the_assistant_turn_with_its_trace(client, acme) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))
    # Staff see the whole trace; the widget's copy leaves the guards out (see tests of it).
    response = _send(client, acme, conversation_id, "How do I reset my password?", "agent")
    assert response.status_code == 201, response.text
    turn = response.json()
    assert turn["role"] == "assistant"
    assert turn["conversation_id"] == conversation_id
    assert turn["outcome"] == "no_answer"  # no knowledge ingested: says so, never guesses
    assert "knowledge" in turn["text"]
    names = [stage["name"] for stage in turn["trace"]]
    assert names == [
        "input_guard",
        "smalltalk",
        "context",
        "needs_person",
        "intent",
        "retrieve",
        "generate",
        "output_guard",
        "decide",
    ]
    assert all(stage["duration_ms"] >= 0 for stage in turn["trace"])
    retrieve = next(s for s in turn["trace"] if s["name"] == "retrieve")
    assert "no_knowledge" in retrieve["flags"]


def test_fetching_a_conversation_returns_both_turns_in_order(client, acme) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))
    posted = _send(client, acme, conversation_id, "Where is my order?", "agent").json()
    fetched = client.get(f"/v1/conversations/{conversation_id}", headers=acme.auth("agent"))
    assert fetched.status_code == 200
    turns = fetched.json()["turns"]
    assert [(t["seq"], t["role"]) for t in turns] == [(1, "customer"), (2, "assistant")]
    assert turns[0]["text"] == "Where is my order?"
    assert turns[1]["id"] == posted["id"]
    assert turns[1]["in_reply_to"] == turns[0]["id"]
    assert turns[1]["trace"] == posted["trace"]


def test_idempotent_retry_returns_the_same_turn_not_a_second_one(client, acme) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))
    headers = {**acme.auth("widget"), "Idempotency-Key": "retry-1"}
    url = f"/v1/conversations/{conversation_id}/messages"
    first = client.post(url, json={"text": "Hello there"}, headers=headers)
    second = client.post(url, json={"text": "Hello there"}, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    turns = client.get(f"/v1/conversations/{conversation_id}", headers=acme.auth("agent"))
    assert len(turns.json()["turns"]) == 2


def test_reusing_an_idempotency_key_with_another_message_is_a_conflict(client, acme) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))
    headers = {**acme.auth("widget"), "Idempotency-Key": "k"}
    url = f"/v1/conversations/{conversation_id}/messages"
    assert client.post(url, json={"text": "first"}, headers=headers).status_code == 201
    response = client.post(url, json={"text": "second"}, headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    turns = client.get(f"/v1/conversations/{conversation_id}", headers=acme.auth("agent"))
    assert len(turns.json()["turns"]) == 2


def test_the_same_key_in_another_conversation_is_a_new_message(client, acme) -> None:
    headers = {**acme.auth("widget"), "Idempotency-Key": "same"}
    for _ in range(2):
        conversation_id = _new_conversation(client, acme.auth("widget"))
        response = client.post(
            f"/v1/conversations/{conversation_id}/messages", json={"text": "hi"}, headers=headers
        )
        assert response.status_code == 201


def test_unknown_conversation_is_404(client, acme) -> None:
    response = client.post(
        "/v1/conversations/doesnotexist/messages", json={"text": "hi"}, headers=acme.auth("widget")
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get("/v1/conversations/nope", headers=acme.auth("agent")).status_code == 404


def test_malformed_json_is_422_and_stores_nothing(client, acme, frontdesk: Frontdesk) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))
    url = f"/v1/conversations/{conversation_id}/messages"
    bad = client.post(
        url,
        content=b'{"text": ',
        headers={**acme.auth("widget"), "Content-Type": "application/json"},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_input"
    missing = client.post(url, json={"txt": "typo"}, headers=acme.auth("widget"))
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] in {"text", "txt"}
    blank = client.post(url, json={"text": "   "}, headers=acme.auth("widget"))
    assert blank.status_code == 422
    assert blank.json()["error"]["field"] == "text"
    assert frontdesk.conversations.get(acme.id, conversation_id).turns == []


def test_a_message_over_the_character_limit_is_422_naming_the_field(client, acme) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))
    response = _send(client, acme, conversation_id, "x" * 5000)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "text"


def test_a_body_over_the_size_limit_is_413_and_stores_nothing(client, acme, frontdesk) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))
    response = _send(client, acme, conversation_id, "x" * 70_000)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert frontdesk.conversations.get(acme.id, conversation_id).turns == []


def test_a_streamed_body_without_length_over_the_limit_is_413(client, acme) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))

    def chunks():
        for _ in range(20):
            yield b"x" * 8192

    response = client.post(
        f"/v1/conversations/{conversation_id}/messages",
        content=chunks(),
        headers={**acme.auth("widget"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_follow_up_uses_the_previous_question_as_context(client, acme) -> None:
    conversation_id = _new_conversation(client, acme.auth("widget"))
    url = f"/v1/conversations/{conversation_id}/messages"
    client.post(
        url, json={"text": "How do I change my shipping address?"}, headers=acme.auth("widget")
    )
    turn = client.post(url, json={"text": "and for that one?"}, headers=acme.auth("widget")).json()
    context = next(s for s in turn["trace"] if s["name"] == "context")
    assert context["detail"]["used_history"] is True
