"""FRONTDESK_LOG_FORMAT=json: one object per line with the request id and tenant, the
X-Request-ID header accepted and returned, and none of the PII or keys a whole flow sent."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from frontdesk.monitoring.logs import JsonFormatter, formatter

PII = ("jane.doe@example.com", "+49 30 1234567", "4111 1111 1111 1111", "Jane Doe")


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter("json"))
    logger = logging.getLogger("frontdesk")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield out
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_json_lines_carry_request_ids_and_never_pii_or_keys(
    client: TestClient, acme, json_logs: io.StringIO
) -> None:
    widget = acme.auth("widget")
    cid = client.post("/v1/conversations", headers=widget).json()["id"]
    text = (
        f"I am {PII[3]}, mail {PII[0]} or call {PII[1]}; card {PII[2]}. "
        "I want to talk to a real person please"
    )
    posted = client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": text},
        headers={**widget, "X-Request-ID": "support-ticket-42"},
    )
    assert posted.status_code == 201
    assert posted.headers["x-request-id"] == "support-ticket-42"
    odd = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert odd.headers["x-request-id"] != "bad id\twith spaces"
    assert len(odd.headers["x-request-id"]) == 32
    ticket = client.get("/v1/tickets", headers=acme.auth("agent")).json()[0]
    client.post(
        f"/v1/tickets/{ticket['id']}/reply", json={"text": "Hi Jane"}, headers=acme.auth("agent")
    )
    client.get("/v1/keys", headers=acme.auth("admin"))
    client.get("/v1/tickets", headers={"Authorization": "Bearer fdk_not-a-real-key"})

    output = json_logs.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    assert lines
    assert all({"time", "level", "logger", "event"} <= set(line) for line in lines)
    request = next(
        line
        for line in lines
        if line["event"] == "request handled" and line.get("request_id") == "support-ticket-42"
    )
    assert request["route"] == "/v1/conversations/{conversation_id}/messages"
    assert request["status"] == 201
    assert request["method"] == "POST"
    assert isinstance(request["duration_ms"], float)
    assert request["tenant"] == acme.id
    handoff = next(line for line in lines if line["event"] == "handoff created")
    assert handoff["request_id"] == "support-ticket-42"
    assert handoff["conversation"] == cid
    # The card also without spaces (not "4111" alone: a random hex request id may hold it).
    card = "4111111111111111"
    for secret in (*PII, card, acme.widget, acme.agent, acme.admin, "fdk_not-a-real-key"):
        assert secret not in output, secret


def test_exceptions_become_an_error_field_without_their_message() -> None:
    customer = "jane" + "@example.com"  # not in the source line a frame shows
    try:
        raise ValueError(f"boom: {customer}")  # messages may quote customer text
    except ValueError:
        record = logging.LogRecord(
            "frontdesk.x", logging.ERROR, __file__, 1, "failed job=%s", ("j1",), exc_info=True
        )
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "failed"
    assert line["job"] == "j1"
    assert "raise ValueError" in line["error"]  # the frames say where
    assert "builtins.ValueError: (message withheld" in line["error"]
    assert "jane@example.com" not in line["error"]
