"""Live updates: the event buses (in-process and real Redis) and server-sent events over a
real HTTP server."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from frontdesk.api.app import create_app
from frontdesk.live.bus import MemoryEventBus, RedisEventBus
from frontdesk.runtime import Frontdesk

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def _first_event(bus, tenant: str, topic: str) -> tuple[str, dict[str, object]]:
    subscription = bus.subscribe(tenant, topic)
    waiter = asyncio.ensure_future(subscription.__anext__())
    await asyncio.sleep(0.2)  # subscribed before anything is published
    await asyncio.to_thread(bus.publish, tenant, "other-topic", "ignored", {})
    await asyncio.to_thread(bus.publish, "other-tenant", topic, "ignored", {})
    await asyncio.to_thread(bus.publish, tenant, topic, "turn", {"text": "hi"})
    result = await asyncio.wait_for(waiter, timeout=5)
    await subscription.aclose()
    return result


def test_memory_bus_delivers_to_the_right_tenant_and_topic() -> None:
    assert asyncio.run(_first_event(MemoryEventBus(), "t1", "agents")) == ("turn", {"text": "hi"})


@pytest.mark.redis
def test_redis_bus_delivers_across_clients() -> None:
    bus = RedisEventBus(REDIS_URL, prefix=f"fdtest:{uuid.uuid4().hex}")
    try:
        assert asyncio.run(_first_event(bus, "t1", "agents")) == ("turn", {"text": "hi"})
    finally:
        bus.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(frontdesk: Frontdesk) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(instance=frontdesk), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    yield base
    instance.should_exit = True
    thread.join(timeout=10)


def _listen(
    url: str, headers: dict[str, str], events: queue.Queue[tuple[str, dict]], stop: threading.Event
) -> None:
    with (
        httpx.Client(timeout=httpx.Timeout(30, read=30)) as http,
        http.stream("GET", url, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                events.put((name, json.loads(line[6:])))


def _next(events: queue.Queue[tuple[str, dict]], name: str, role: str | None = None) -> dict:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        event, data = events.get(timeout=deadline - time.monotonic())
        if event == name and (role is None or data.get("role") == role):
            return data
    raise AssertionError(f"no {name} event")


def test_console_and_widget_streams_carry_tickets_and_agent_replies(server: str, acme) -> None:
    widget, agent = acme.auth("widget"), acme.auth("agent")
    cid = httpx.post(f"{server}/v1/conversations", headers=widget).json()["id"]
    stop = threading.Event()
    console: queue.Queue[tuple[str, dict]] = queue.Queue()
    customer: queue.Queue[tuple[str, dict]] = queue.Queue()
    threads = [
        threading.Thread(
            target=_listen, args=(f"{server}/v1/events", agent, console, stop), daemon=True
        ),
        threading.Thread(
            target=_listen,
            args=(f"{server}/v1/conversations/{cid}/events", widget, customer, stop),
            daemon=True,
        ),
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    ticket = httpx.post(f"{server}/v1/conversations/{cid}/handoff", headers=widget).json()
    assert _next(console, "ticket")["id"] == ticket["id"]
    assert _next(customer, "status")["status"] == "human"
    httpx.post(
        f"{server}/v1/conversations/{cid}/messages", json={"text": "are you there?"}, headers=widget
    )
    assert _next(console, "turn", role="customer")["text"] == "are you there?"
    httpx.post(
        f"{server}/v1/tickets/{ticket['id']}/reply", json={"text": "Yes, Sam here."}, headers=agent
    )
    assert _next(customer, "turn", role="agent")["text"] == "Yes, Sam here."
    httpx.post(f"{server}/v1/tickets/{ticket['id']}/resolve", headers=agent)
    assert _next(customer, "status")["status"] == "closed"
    stop.set()


def test_streams_check_the_key_and_the_tenant(server: str, acme, globex) -> None:
    cid = httpx.post(f"{server}/v1/conversations", headers=acme.auth("widget")).json()["id"]
    assert httpx.get(f"{server}/v1/events", headers=acme.auth("widget")).status_code == 403
    assert (
        httpx.get(
            f"{server}/v1/conversations/{cid}/events", headers=globex.auth("widget")
        ).status_code
        == 404
    )
    assert httpx.get(f"{server}/v1/events").status_code == 401
