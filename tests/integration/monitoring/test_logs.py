"""The service's log lines: the events a team needs, with ids, never what anyone typed."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

SECRET_TEXT = "my card 4111 and I want to talk to a real person please"


def _messages(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


def test_handoff_and_ticket_events_are_logged_with_ids_and_no_message_text(
    client: TestClient, acme, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="frontdesk")
    cid = client.post("/v1/conversations", headers=acme.auth("widget")).json()["id"]
    turn = client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": SECRET_TEXT},
        headers=acme.auth("widget"),
    ).json()
    assert turn["outcome"] == "handoff"
    ticket = client.get("/v1/tickets", headers=acme.auth("agent")).json()[0]
    agent = acme.auth("agent")
    client.post(f"/v1/tickets/{ticket['id']}/reply", json={"text": "Hi, I'm Sam."}, headers=agent)
    client.post(f"/v1/tickets/{ticket['id']}/resolve", headers=agent)

    tickets = _messages(caplog, "frontdesk.handoff.tickets")
    assert tickets[0] == (
        f"handoff created tenant={acme.id} conversation={cid} ticket={ticket['id']} "
        "reason=requested_human priority=high"
    )
    assert tickets[1].startswith(f"ticket assigned tenant={acme.id} conversation={cid}")
    assert tickets[2].startswith(f"ticket resolved tenant={acme.id} conversation={cid}")
    requests = _messages(caplog, "frontdesk.monitoring.http")
    assert (
        "request handled method=POST route=/v1/conversations/{conversation_id}/messages status=201"
        in " ".join(requests)
    )
    everything = " ".join(r.getMessage() for r in caplog.records)
    assert "4111" not in everything
    assert "real person" not in everything
    assert "Sam" not in everything
