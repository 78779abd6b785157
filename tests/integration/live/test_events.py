"""Live updates: the event buses (in-process and real Redis) and server-sent events over a
real HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from frontdesk.api.app import create_app
from frontdesk.live.bus import MemoryEventBus, RedisEventBus
from frontdesk.runtime import Frontdesk
from frontdesk.testing.http import serve

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


class Listener:
    """Reads a server-sent event stream on a thread: ``connected`` is set once the server
    has subscribed it, ``events`` fills as they arrive, ``close`` hangs up at once."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()
        self.connected = threading.Event()
        self._closing = threading.Event()
        self._socket: socket.socket | None = None
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()

    def _read(self, url: str, headers: dict[str, str]) -> None:
        with (
            httpx.Client(timeout=httpx.Timeout(30, read=30)) as http,
            http.stream("GET", url, headers=headers) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            self._socket = response.extensions["network_stream"].get_extra_info("socket")
            name = None
            try:
                for line in response.iter_lines():
                    if line == ": connected":  # sent once the server has subscribed
                        self.connected.set()
                    elif line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: ") and name:
                        self.events.put((name, json.loads(line[6:])))
            except httpx.TransportError:
                if not self._closing.is_set():
                    raise

    def close(self) -> None:
        # Shutting the socket down wakes the blocked read and tells the server at once.
        self._closing.set()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=10)


@pytest.fixture
def listen() -> Iterator[Callable[[str, dict[str, str]], Listener]]:
    listeners: list[Listener] = []

    def start(url: str, headers: dict[str, str]) -> Listener:
        listener = Listener(url, headers)
        listeners.append(listener)
        assert listener.connected.wait(timeout=15), f"{url} did not connect"
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
