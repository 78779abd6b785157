"""Publish/subscribe for live updates.

Services publish from worker threads (sync); the API streams to browsers from the event
loop (async). In one process the in-memory bus is enough; with several replicas, Redis
pub/sub carries each event to the other replicas' subscribers, and a Redis outage narrows
live updates to one replica instead of failing anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import redis
import redis.asyncio as aioredis

from frontdesk.backend_health import BackendHealth

Event = tuple[str, dict[str, Any]]  # (event name, JSON data)
AGENTS = "agents"  # the tenant-wide topic the agent console listens to
_CLOSE_S = 2.0  # the longest a closing subscription waits for Redis

log = logging.getLogger(__name__)


def conversation_topic(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


class EventBus(Protocol):
    def publish(self, tenant_id: str, topic: str, event: str, data: dict[str, Any]) -> None:
        """Send to current subscribers (fire and forget; callable from any thread)."""
        ...

    def subscribe(self, tenant_id: str, topic: str) -> AsyncIterator[Event]:
        """Events published from now on, until the consumer stops iterating."""
        ...

    def close(self) -> None: ...


class MemoryEventBus:
    def __init__(self, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        self._subscribers: dict[
            tuple[str, str], set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]]
        ] = {}
        self._lock = threading.Lock()

    def publish(self, tenant_id: str, topic: str, event: str, data: dict[str, Any]) -> None:
        with self._lock:
            targets = list(self._subscribers.get((tenant_id, topic), ()))
        for loop, queue in targets:
            loop.call_soon_threadsafe(_offer, queue, (event, data))

    async def subscribe(self, tenant_id: str, topic: str) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(self._queue_size)
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.setdefault((tenant_id, topic), set()).add(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subscribers.get((tenant_id, topic), set()).discard(entry)

    def close(self) -> None:
        return None


def _offer(queue: asyncio.Queue[Event], item: Event) -> None:
    if not queue.full():  # a stalled browser loses live events, not the server's memory
        queue.put_nowait(item)


class RedisEventBus:
    """Subscribers on this replica are served in-process; other replicas through Redis
    pub/sub. Each message names the bus it came from, so a replica skips its own echo.

    Redis down is not an outage: this replica's subscribers keep getting this replica's
    events, the change is logged once and reported through ``on_change``, and publishing
    and subscriptions try Redis again every ``retry_s``.
    """

    def __init__(
        self,
        url: str,
        prefix: str = "frontdesk:events",
        *,
        on_change: Callable[[bool], None] | None = None,
        retry_s: float = 2.0,
    ) -> None:
        self._url = url
        self._prefix = prefix
        self._origin = uuid.uuid4().hex
        self._local = MemoryEventBus()
        self._health = BackendHealth(
            log,
            fell_back="live events reach this replica's streams only: Redis unreachable",
            recovered="live events carried through Redis again",
            retry_s=retry_s,
            on_change=on_change,
        )
        # Bounded waits: an unreachable Redis must not hold a request that stored a turn.
        self._client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    @property
    def degraded(self) -> bool:
        return self._health.degraded

    def _channel(self, tenant_id: str, topic: str) -> str:
        return f"{self._prefix}:{tenant_id}:{topic}"

    def publish(self, tenant_id: str, topic: str, event: str, data: dict[str, Any]) -> None:
        self._local.publish(tenant_id, topic, event, data)
        if self._health.backing_off():
            return  # other replicas miss it; what it announces is stored all the same
        payload = json.dumps({"origin": self._origin, "event": event, "data": data}, default=str)
        try:
            self._client.publish(self._channel(tenant_id, topic), payload)
        except redis.RedisError as exc:
            self._health.failed(exc)
        else:
            self._health.succeeded()

    async def subscribe(self, tenant_id: str, topic: str) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(1000)

        async def local() -> None:
            async for item in self._local.subscribe(tenant_id, topic):
                _offer(queue, item)

        async def remote() -> None:
            while True:
                try:
                    await self._listen(self._channel(tenant_id, topic), queue)
                except (redis.RedisError, OSError) as exc:
                    self._health.failed(exc)
                await asyncio.sleep(self._health.retry_s)

        tasks = [asyncio.create_task(local()), asyncio.create_task(remote())]
        try:
            while True:
                yield await queue.get()
        finally:
            for task in tasks:
                task.cancel()
            done, _ = await asyncio.wait(tasks, timeout=2 * _CLOSE_S)
            for task in done:  # retrieved, so a failure is not reported again at exit
                if not task.cancelled():
                    task.exception()

    async def _listen(self, channel: str, queue: asyncio.Queue[Event]) -> None:
        """Other replicas' events on ``channel`` into ``queue``, until the connection fails."""
        client = aioredis.Redis.from_url(self._url, socket_connect_timeout=1)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(channel)
            self._health.succeeded()
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                decoded = json.loads(message["data"])
                if decoded.get("origin") != self._origin:
                    _offer(queue, (str(decoded["event"]), dict(decoded["data"])))
        finally:
            # redis-py leaves PubSub.aclose unannotated; its contract is this signature.
            close_pubsub: Callable[[], Awaitable[None]] = pubsub.aclose
            # Bounded: closing a subscription whose read was just cancelled has been seen
            # to wait forever (a test run hung here), which would leak the stream's task.
            with contextlib.suppress(redis.RedisError, OSError, TimeoutError):
                await asyncio.wait_for(close_pubsub(), _CLOSE_S)
            with contextlib.suppress(redis.RedisError, OSError, TimeoutError):
                await asyncio.wait_for(client.aclose(), _CLOSE_S)

    def close(self) -> None:
        self._client.close()
