"""Live updates: the event buses (in-process and real Redis) and server-sent events over a
real HTTP server."""

from __future__ import annotations

import asyncio
import os
import queue
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from frontdesk.api.app import create_app
from frontdesk.live.bus import MemoryEventBus, RedisEventBus
from frontdesk.runtime import Frontdesk
from frontdesk.testing.http import serve
from frontdesk.testing.listener import Listener

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def _first_event(bus, tenant: str, topic: str) -> tuple[str, dict[str, object]]:
    """The first event the subscription gets while the three are published in rounds: the
    bus says nothing when a subscription is live, so publishing repeats until one arrives."""
    subscription = bus.subscribe(tenant, topic)
    waiter = asyncio.ensure_future(subscription.__anext__())
    deadline = time.monotonic() + 5
    while not waiter.done() and time.monotonic() < deadline:
        await asyncio.to_thread(bus.publish, tenant, "other-topic", "ignored", {})
        await asyncio.to_thread(bus.publish, "other-tenant", topic, "ignored", {})
        await asyncio.to_thread(bus.publish, tenant, topic, "turn", {"text": "hi"})
        await asyncio.wait({waiter}, timeout=0.05)
    result = await asyncio.wait_for(waiter, timeout=1)
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


@pytest.fixture
def server(frontdesk: Frontdesk) -> Iterator[str]:
    with serve(create_app(instance=frontdesk)) as base:
        yield base


@pytest.fixture
def listen() -> Iterator[Callable[[str, dict[str, str]], Listener]]:
    listeners: list[Listener] = []

    def start(url: str, headers: dict[str, str]) -> Listener:
        listener = Listener(url, headers)
        listeners.append(listener)
        assert listener.connected.wait(timeout=15), f"{url} did not connect: {listener.error}"
        return listener

    yield start
    for listener in listeners:
        listener.close()


def _next(events: queue.Queue[tuple[str, dict]], name: str, role: str | None = None) -> dict:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        event, data = events.get(timeout=deadline - time.monotonic())
        if event == name and (role is None or data.get("role") == role):
            return data
    raise AssertionError(f"no {name} event")


def test_console_and_widget_streams_carry_tickets_and_agent_replies(
    server: str, acme, listen: Callable[[str, dict[str, str]], Listener]
) -> None:
    widget, agent = acme.auth("widget"), acme.auth("agent")
    cid = httpx.post(f"{server}/v1/conversations", headers=widget).json()["id"]
    console = listen(f"{server}/v1/events", agent).events
    customer = listen(f"{server}/v1/conversations/{cid}/events", widget).events
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
