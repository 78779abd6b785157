"""Publish/subscribe for live updates.

Services publish from worker threads (sync); the API streams to browsers from the event
loop (async). In one process the in-memory bus is enough; with several replicas, Redis
pub/sub carries each event to every replica's subscribers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import redis
import redis.asyncio as aioredis

Event = tuple[str, dict[str, Any]]  # (event name, JSON data)
AGENTS = "agents"  # the tenant-wide topic the agent console listens to

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
    def __init__(self, url: str, prefix: str = "frontdesk:events") -> None:
        self._url = url
        self._prefix = prefix
        # Bounded waits: an unreachable Redis must not hold a request that stored a turn.
        self._client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    def _channel(self, tenant_id: str, topic: str) -> str:
        return f"{self._prefix}:{tenant_id}:{topic}"

    def publish(self, tenant_id: str, topic: str, event: str, data: dict[str, Any]) -> None:
        payload = json.dumps({"event": event, "data": data}, default=str)
        try:
            self._client.publish(self._channel(tenant_id, topic), payload)
        except redis.RedisError as exc:
            # Live updates are best effort: what they announce is already stored, and the
            # console's next poll shows it. Failing the request would not unstore it.
            log.warning(
                "live event dropped tenant=%s topic=%s event=%s error=%s",
                tenant_id,
                topic,
                event,
                type(exc).__name__,
            )

    async def subscribe(self, tenant_id: str, topic: str) -> AsyncIterator[Event]:
        client = aioredis.Redis.from_url(self._url)
        pubsub = client.pubsub()
        await pubsub.subscribe(self._channel(tenant_id, topic))
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                decoded = json.loads(message["data"])
                yield str(decoded["event"]), dict(decoded["data"])
        finally:
            # redis-py leaves PubSub.aclose unannotated; its contract is this signature.
            close_pubsub: Callable[[], Awaitable[None]] = pubsub.aclose
            await close_pubsub()
            await client.aclose()

    def close(self) -> None:
        self._client.close()


def build_event_bus(redis_url: str | None) -> EventBus:
    return RedisEventBus(redis_url) if redis_url else MemoryEventBus()
