"""Outbound webhooks to a real local HTTP receiver: signed, retried with backoff while
the receiver is down, delivered once per event id, logged; the subscription API."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from frontdesk.operations.webhooks import retry_delay, sign, verify
from frontdesk.runtime import Frontdesk
from frontdesk.storage.tables import utcnow
from frontdesk.testing import http
from frontdesk.testing.webhooks import WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[tuple[WebhookReceiver, str]]:
    hook = WebhookReceiver()
    with http.serve(hook.app()) as base:
        yield hook, f"{base}/hook"


def _subscribe(client: TestClient, acme, url: str, events: list[str]) -> dict[str, str]:
    response = client.post(
        "/v1/webhooks", json={"url": url, "events": events}, headers=acme.auth("admin")
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _conversation(client: TestClient, acme) -> str:
    return str(client.post("/v1/conversations", headers=acme.auth("widget")).json()["id"])


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"id":"e1"}'
    header = sign("whsec_x", 1700000000, body)
    expected = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert verify("whsec_x", header, body, 1700000010)
    assert not verify("whsec_x", header, body + b" ", 1700000010)
    assert not verify("whsec_y", header, body, 1700000010)
    assert not verify("whsec_x", header, body, 1700009999)  # too old
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 10, 20)] == [
        10,
        20,
        40,
        3600,
        3600,
    ]


def test_handoff_feedback_and_resolution_events_arrive_signed_once(
    client: TestClient, frontdesk: Frontdesk, acme, globex, receiver
) -> None:
    hook, url = receiver
    created = _subscribe(client, acme, url, ["*"])
    hook.secret = created["secret"]
    assert created["secret"].startswith("whsec_")
    _subscribe(client, globex, url, ["handoff.created"])  # another tenant's: never called

    cid = _conversation(client, acme)
    ticket = client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget")).json()
    again = client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget"))
    assert again.json()["id"] == ticket["id"]
    client.post(f"/v1/conversations/{cid}/csat", json={"score": 2}, headers=acme.auth("widget"))
    resolved = client.post(f"/v1/tickets/{ticket['id']}/resolve", headers=acme.auth("agent"))
    assert resolved.status_code == 200

    assert frontdesk.webhooks.deliver_due() == 3
    assert frontdesk.webhooks.deliver_due() == 0
    types = sorted(event["type"] for event in hook.events.values())
    assert types == ["conversation.resolved", "feedback.created", "handoff.created"]
    assert hook.rejected == 0
    assert hook.duplicates == 0
    handoff = next(e for e in hook.events.values() if e["type"] == "handoff.created")
    assert handoff["id"] == ticket["id"]
    assert handoff["data"]["conversation_id"] == cid
    assert handoff["data"]["reason"] == "requested_human"

    listed = client.get(
        f"/v1/webhooks/{created['id']}/deliveries", headers=acme.auth("admin")
    ).json()
    assert {d["status"] for d in listed} == {"delivered"}
    assert all(d["attempts"] == 1 and d["last_status_code"] == 204 for d in listed)


def test_a_receiver_down_for_ten_minutes_gets_every_event_exactly_once_after(
    client: TestClient, frontdesk: Frontdesk, acme, receiver
) -> None:
    hook, url = receiver
    created = _subscribe(client, acme, url, ["feedback.created"])
    hook.secret = created["secret"]
    hook.down = True
    cid = _conversation(client, acme)
    for score in (1, 2, 3, 4, 5):
        client.post(
            f"/v1/conversations/{cid}/csat", json={"score": score}, headers=acme.auth("widget")
        )
    start = utcnow()
    now = start
    while now < start + timedelta(minutes=10):  # the sender loop, every 15 s of fake time
        frontdesk.webhooks.deliver_due(now)
        now += timedelta(seconds=15)
    assert hook.events == {}
    failing = client.get(f"/v1/webhooks/{created['id']}/deliveries", headers=acme.auth("admin"))
    rows = failing.json()
    assert {d["status"] for d in rows} == {"pending"}
    # Backoff: 10 s, 20 s, 40 s, 80 s, 160 s, 320 s, ... -> 6 attempts in 10 minutes.
    assert {d["attempts"] for d in rows} == {6}
    assert {d["last_error"] for d in rows} == {"HTTP 503"}

    hook.down = False
    while now < start + timedelta(minutes=30):
        frontdesk.webhooks.deliver_due(now)
        now += timedelta(seconds=15)
    assert len(hook.events) == 5
    assert hook.duplicates == 0
    assert hook.rejected == 0
    assert sorted(e["data"]["value"] for e in hook.events.values()) == [1, 2, 3, 4, 5]
    done = client.get(f"/v1/webhooks/{created['id']}/deliveries", headers=acme.auth("admin"))
    assert {d["status"] for d in done.json()} == {"delivered"}


def test_an_unreachable_receiver_is_retried_then_given_up_after_a_day(
    client: TestClient, frontdesk: Frontdesk, acme
) -> None:
    created = _subscribe(client, acme, f"http://127.0.0.1:{http.free_port()}/hook", ["*"])
    cid = _conversation(client, acme)
    client.post(f"/v1/conversations/{cid}/csat", json={"score": 3}, headers=acme.auth("widget"))
    start = utcnow()
    now, attempts = start, 0
    while now < start + timedelta(days=1, hours=2):
        attempts += frontdesk.webhooks.deliver_due(now)
        now += timedelta(minutes=5)
    rows = client.get(f"/v1/webhooks/{created['id']}/deliveries", headers=acme.auth("admin")).json()
    assert len(rows) == 1
    assert rows[0]["status"] == "failed"
    assert rows[0]["attempts"] == attempts
    assert 20 <= attempts <= 40  # hourly once the backoff is capped, for a day
    assert rows[0]["last_error"].startswith("ConnectError")


def test_the_webhooks_api_checks_roles_input_and_tenants(client: TestClient, acme, globex) -> None:
    admin = acme.auth("admin")
    body = {"url": "https://hooks.example.com/fd", "events": ["alert.firing"]}
    assert client.post("/v1/webhooks", json=body, headers=acme.auth("agent")).status_code == 403
    for bad in (
        {**body, "url": "ftp://hooks.example.com"},
        {**body, "url": "not a url"},
        {**body, "events": []},
        {**body, "events": ["alert.exploded"]},
        {**body, "extra": 1},
    ):
        response = client.post("/v1/webhooks", json=bad, headers=admin)
        assert response.status_code == 422, bad
    assert client.get("/v1/webhooks", headers=admin).json() == []
    created = client.post("/v1/webhooks", json=body, headers=admin).json()
    listed = client.get("/v1/webhooks", headers=admin).json()
    assert [w["id"] for w in listed] == [created["id"]]
    assert "secret" not in json.dumps(listed)
    url = f"/v1/webhooks/{created['id']}"
    assert client.get(f"{url}/deliveries", headers=globex.auth("admin")).status_code == 404
    assert client.delete(url, headers=globex.auth("admin")).status_code == 404
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get("/v1/webhooks", headers=admin).json() == []


def test_alert_state_changes_become_webhook_events(
    client: TestClient, frontdesk: Frontdesk, acme, receiver
) -> None:
    from frontdesk.operations.rollups import latency_bucket
    from frontdesk.storage.repos import stats as stats_repo

    hook, url = receiver
    hook.secret = _subscribe(client, acme, url, ["alert.firing", "alert.resolved"])["secret"]
    now = utcnow()
    with frontdesk.database.transaction() as session:
        stats_repo.add(
            session,
            acme.id,
            "r1",
            now,
            {"turns": (100, 0.0), f"latency:{latency_bucket(7000):03d}": (100, 700000.0)},
        )
    frontdesk.alerts.evaluate_due(now)
    frontdesk.webhooks.deliver_due(now)
    (event,) = hook.events.values()
    assert event["type"] == "alert.firing"
    assert event["data"]["metric"] == "p95_latency_ms"
    assert event["data"]["value"] > 5000
    history = client.get("/v1/alerts", headers=acme.auth("agent")).json()
    assert event["id"] == history[0]["id"]
