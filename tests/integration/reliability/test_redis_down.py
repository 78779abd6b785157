"""With Redis gone, Frontdesk says so and keeps serving: /readyz is 200 ``degraded``
naming Redis, turns and handoffs go on under per-replica rate limits, never a 500; the
shared limits come back with Redis."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.http import serve
from frontdesk.testing.listener import Listener
from frontdesk.testing.redis_server import RedisServer
from frontdesk.testing.wait import wait_for


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed; run make services")
    server = RedisServer()
    server.start()
    yield server
    if server.process is not None:
        server.stop()


def _fallback_gauge(http: httpx.Client, component: str) -> float | None:
    for line in http.get("/metrics").text.splitlines():
        if line.startswith(f'frontdesk_redis_fallback{{component="{component}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return None


@pytest.mark.redis
def test_redis_down_is_degraded_not_an_outage(
    settings: Settings, acme, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Changed requirement (issue 21): Redis is optional. With it gone /readyz stays 200
    saying ``degraded`` and why, turns keep working under per-replica rate limits (logged
    once, metered), nothing answers 500, and the shared limits come back with Redis."""
    shared = settings.model_copy(
        update={"redis_url": redis_server.url, "rate_limit_per_minute": 1000, "key_turn_slots": 2}
    )
    frontdesk = Frontdesk(shared)
    frontdesk.warm_up()
    widget = acme.auth("widget")
    statuses: list[int] = []
    try:
        with (
            serve(create_app(instance=frontdesk)) as base,
            httpx.Client(base_url=base, timeout=30) as http,
        ):
            ready = http.get("/readyz")
            assert (ready.status_code, ready.json()["status"]) == (200, "ok")
            assert ready.json()["checks"]["redis"] == "ok"
            conversation = http.post("/v1/conversations", headers=widget)
            assert conversation.status_code == 201

            redis_server.stop()
            ready = http.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["status"] == "degraded"
            assert ready.json()["checks"]["redis"].startswith("unreachable")
            assert "rate limits and turn shares are per replica" in ready.json()["checks"]["redis"]
            for n in range(5):
                created = http.post("/v1/conversations", headers=widget)
                turn = http.post(
                    f"/v1/conversations/{created.json()['id']}/messages",
                    json={"text": f"How do I reset my password? ({n})"},
                    headers=widget,
                )
                statuses += [created.status_code, turn.status_code]
                assert created.status_code == 201, created.text
                assert turn.status_code in (200, 201), turn.text
                assert turn.json()["outcome"] in {"answered", "no_answer", "handoff"}
            falling_back = [r.getMessage() for r in caplog.records if "fall back" in r.getMessage()]
            # once per part per transition, not once per request
            assert len([m for m in falling_back if m.startswith("rate limits")]) == 1
            assert len([m for m in falling_back if m.startswith("turn shares")]) == 1
            assert _fallback_gauge(http, "rate_limit") == 1.0
            assert _fallback_gauge(http, "turn_share") == 1.0

            redis_server.start()
            assert http.get("/readyz").json()["status"] == "ok"

            def shared_again() -> bool:
                response = http.post("/v1/conversations", headers=widget)
                statuses.append(response.status_code)
                return _fallback_gauge(http, "rate_limit") == 0.0

            wait_for(shared_again, timeout_s=30, interval_s=0.5, what="shared rate limits")
            assert any("through Redis again" in r.getMessage() for r in caplog.records)
    finally:
        frontdesk.close()
    assert 500 not in statuses
    assert set(statuses) <= {200, 201}, statuses


@pytest.mark.redis
def test_rate_limits_hold_per_replica_while_redis_is_down(
    settings: Settings, acme, redis_server: RedisServer
) -> None:
    """The fall-back is a limit, not an open door: each replica keeps its own budget."""
    shared = settings.model_copy(update={"redis_url": redis_server.url, "rate_limit_per_minute": 4})
    frontdesk = Frontdesk(shared)
    frontdesk.warm_up()
    try:
        with (
            serve(create_app(instance=frontdesk)) as base,
            httpx.Client(base_url=base, timeout=30) as http,
        ):
            redis_server.stop()
            answers = [
                http.post("/v1/conversations", headers=acme.auth("widget")).status_code
                for _ in range(6)
            ]
    finally:
        frontdesk.close()
    assert answers == [201] * 4 + [429] * 2


@pytest.mark.redis
def test_a_stored_handoff_is_not_failed_by_a_live_event_redis_cannot_carry(
    settings: Settings, acme, redis_server: RedisServer
) -> None:
    """Live events announce what is already stored: with Redis gone the handoff still
    answers 201 (the ticket is there), the console finds it in the queue, and a console
    on the same replica is told at once."""
    shared = settings.model_copy(update={"redis_url": redis_server.url})
    frontdesk = Frontdesk(shared)
    frontdesk.warm_up()
    try:
        with (
            serve(create_app(instance=frontdesk)) as base,
            httpx.Client(base_url=base, timeout=30) as http,
        ):
            conversation = http.post("/v1/conversations", headers=acme.auth("widget")).json()
            redis_server.stop()
            console = Listener(f"{base}/v1/events", acme.auth("agent"))
            assert console.connected.wait(timeout=15), console.error
            handoff = http.post(
                f"/v1/conversations/{conversation['id']}/handoff", headers=acme.auth("widget")
            )
            assert handoff.status_code == 201, handoff.text
            queue = http.get("/v1/tickets", headers=acme.auth("agent")).json()
            assert [t["id"] for t in queue] == [handoff.json()["id"]]
            # This replica's own console still hears it live: the bus narrowed, not failed.
            event, data = console.events.get(timeout=10)
            assert (event, data["id"]) == ("ticket", handoff.json()["id"])
            console.close()
    finally:
        frontdesk.close()
