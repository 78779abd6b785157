"""Posting a message as server-sent events: the same turn as the JSON route, errors
before the stream as ordinary JSON errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from frontdesk.runtime import Frontdesk
from frontdesk.testing.http import sse_events


def _stream(
    client: TestClient, path: str, text: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], list[tuple[str, Any]]]:
    with client.stream(
        "POST", path, json={"text": text}, headers={**headers, "Accept": "text/event-stream"}
    ) as response:
        if not response.headers["content-type"].startswith("text/event-stream"):
            response.read()
            return response.status_code, dict(response.headers), [("json", response.json())]
        return response.status_code, dict(response.headers), list(sse_events(response.iter_lines()))


def _conversation(client: TestClient, headers: dict[str, str]) -> str:
    return str(client.post("/v1/conversations", headers=headers).json()["id"])


def test_a_streamed_answer_is_accepted_then_final_and_matches_the_stored_turn(
    client: TestClient, frontdesk: Frontdesk, acme, tmp_path: Path
) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text('question,answer\nDo you ship to Norway?,"Yes, Norway is in zone 4."\n')
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    headers = acme.auth("widget")
    conversation = _conversation(client, headers)
    status, response_headers, events = _stream(
        client, f"/v1/conversations/{conversation}/messages", "do you ship to norway?", headers
    )
    assert status == 201
    assert response_headers["cache-control"] == "no-cache"
    names = [name for name, _ in events]
    assert names[0] == "accepted"
    assert names[-1] == "final"
    assert "error" not in names
    final = events[-1][1]
    assert final["outcome"] == "answered"
    assert "Norway is in zone 4" in final["text"]
    assert final["replaced"] is False  # the extractive generator shows no draft
    stored = client.get(f"/v1/conversations/{conversation}", headers=headers).json()
    customer, assistant = stored["turns"]
    assert events[0][1] == {"turn_id": customer["id"], "conversation_id": conversation}
    assert assistant["id"] == final["id"]
    assert assistant["text"] == final["text"]


def test_stream_query_parameter_also_streams(client: TestClient, acme) -> None:
    headers = acme.auth("widget")
    conversation = _conversation(client, headers)
    with client.stream(
        "POST",
        f"/v1/conversations/{conversation}/messages?stream=true",
        json={"text": "hello"},
        headers=headers,
    ) as response:
        events = list(sse_events(response.iter_lines()))
    assert [name for name, _ in events] == ["accepted", "final"]


def test_errors_before_acceptance_are_json_and_store_nothing(
    client: TestClient, acme, globex
) -> None:
    headers = acme.auth("widget")
    theirs = _conversation(client, globex.auth("widget"))
    status, _, events = _stream(client, f"/v1/conversations/{theirs}/messages", "hi", headers)
    assert status == 404
    assert events[0][1]["error"]["code"] == "not_found"
    mine = _conversation(client, headers)
    status, _, events = _stream(client, f"/v1/conversations/{mine}/messages", "   ", headers)
    assert status == 422
    assert events[0][1]["error"]["field"] == "text"
    assert client.get(f"/v1/conversations/{mine}", headers=headers).json()["turns"] == []


def test_an_idempotent_retry_streams_only_the_stored_final_turn(client: TestClient, acme) -> None:
    headers = {**acme.auth("widget"), "Idempotency-Key": "k-1"}
    conversation = _conversation(client, headers)
    path = f"/v1/conversations/{conversation}/messages"
    _, _, first = _stream(client, path, "where is my order?", headers)
    status, response_headers, again = _stream(client, path, "where is my order?", headers)
    assert status == 200
    assert response_headers["idempotent-replayed"] == "true"
    assert [name for name, _ in again] == ["final"]
    assert again[0][1]["id"] == first[-1][1]["id"]


def test_while_a_person_handles_it_the_stream_says_queued(client: TestClient, acme) -> None:
    headers = acme.auth("widget")
    conversation = _conversation(client, headers)
    assert client.post(f"/v1/conversations/{conversation}/handoff", headers=headers).is_success
    status, _, events = _stream(
        client, f"/v1/conversations/{conversation}/messages", "are you there?", headers
    )
    assert status == 202
    assert [name for name, _ in events] == ["final"]
    assert events[0][1]["outcome"] == "queued"
    assert events[0][1]["role"] == "customer"
