"""Live updates across replicas through PostgreSQL LISTEN/NOTIFY, for installs without
Redis: every replica already holds a connection to the database.

Each event is published to this replica's subscribers in-process and, for the other
replicas, as NOTIFY on one channel. A notification carries at most 8000 bytes and a turn
with its trace is often larger, so an event's JSON is cut into parts sent in one
transaction (PostgreSQL delivers a transaction's notifications together and in order)
and put together again by the listeners. One listening connection per process, on a
thread of its own, started by the first subscription, hands the other replicas' events
to the in-process bus. A database outage narrows live updates to one replica; the
listener reconnects every ``retry_s``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import psycopg

from frontdesk.backend_health import BackendHealth
from frontdesk.live.bus import Event, MemoryEventBus

log = logging.getLogger(__name__)

CHANNEL = "frontdesk_events"
_PART_CHARS = 1900  # 4 bytes at most per character: a part stays under 8000 bytes


def _plain_url(url: str) -> str:
    """psycopg takes libpq URLs; SQLAlchemy's carry the driver name."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def encode(origin: str, tenant_id: str, topic: str, event: str, data: dict[str, Any]) -> list[str]:
    """The notification payloads of one event: ``origin:message:index:count:text``."""
    body = json.dumps({"t": tenant_id, "topic": topic, "event": event, "data": data}, default=str)
    parts = [body[i : i + _PART_CHARS] for i in range(0, len(body), _PART_CHARS)] or [""]
    message = uuid.uuid4().hex[:12]
    return [f"{origin}:{message}:{n}:{len(parts)}:{part}" for n, part in enumerate(parts)]


class Assembler:
    """Puts events cut into parts together again (parts of one message arrive in order)."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str], list[str]] = {}

    def add(self, payload: str) -> tuple[str, dict[str, Any]] | None:
        """``(origin, event)`` once ``payload`` completes a message, else ``None``."""
        origin, message, index, count, part = payload.split(":", 4)
        key = (origin, message)
        parts = self._pending.setdefault(key, [])
        if int(index) != len(parts):  # a part went missing (reconnect): drop the message
            self._pending.pop(key, None)
            return None
        parts.append(part)
        if len(parts) < int(count):
            return None
        del self._pending[key]
        return origin, json.loads("".join(parts))


class PostgresEventBus:
    """Subscribers on this replica are served in-process; other replicas through NOTIFY.

    PostgreSQL failing is not an outage, as with Redis (:class:`BackendHealth`): this
    replica's subscribers keep getting its events, the change is logged once and reported
    through ``on_change``, publishing skips PostgreSQL for ``retry_s`` after a failure and
    the listener reconnects every ``retry_s``.
    """

    def __init__(
        self,
        database_url: str,
        *,
        on_change: Callable[[bool], None] | None = None,
        retry_s: float = 2.0,
    ) -> None:
        self._url = _plain_url(database_url)
        self._origin = uuid.uuid4().hex[:12]
        self._local = MemoryEventBus()
        self._health = BackendHealth(
            log,
            fell_back="live events reach this replica's streams only: PostgreSQL LISTEN/NOTIFY "
            "failed",
            recovered="live events carried through PostgreSQL again",
            retry_s=retry_s,
            on_change=on_change,
        )
        self._lock = threading.Lock()
        self._publisher: psycopg.Connection[Any] | None = None
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def degraded(self) -> bool:
        return self._health.degraded

    def publish(self, tenant_id: str, topic: str, event: str, data: dict[str, Any]) -> None:
        self._local.publish(tenant_id, topic, event, data)
        payloads = encode(self._origin, tenant_id, topic, event, data)
        with self._lock:
            if self._health.backing_off():
                return  # other replicas miss it; what it announces is stored all the same
            try:
                if self._publisher is None or self._publisher.closed:
                    self._publisher = psycopg.connect(self._url, connect_timeout=2)
                with self._publisher.transaction():
                    for payload in payloads:
                        self._publisher.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
            except psycopg.Error as exc:
                self._close_publisher()
                self._health.failed(exc)
                return
        self._health.succeeded()

    async def subscribe(self, tenant_id: str, topic: str) -> AsyncIterator[Event]:
        self._start_listener()
        async for item in self._local.subscribe(tenant_id, topic):
            yield item

    def _start_listener(self) -> None:
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(
                    target=self._listen_forever, name="live-events-listen", daemon=True
                )
                self._listener.start()

    def _listen_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except psycopg.Error as exc:
                self._health.failed(exc)
            self._stop.wait(self._health.retry_s)

    def _listen(self) -> None:
        assembler = Assembler()
        with psycopg.connect(self._url, autocommit=True, connect_timeout=2) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._health.succeeded()
            while not self._stop.is_set():
                # A timeout, so close() is noticed within a second.
                for notify in connection.notifies(timeout=1.0):
                    completed = assembler.add(notify.payload)
                    if completed is None:
                        continue
                    origin, message = completed
                    if origin != self._origin:  # this replica's own events went out directly
                        self._local.publish(
                            str(message["t"]),
                            str(message["topic"]),
                            str(message["event"]),
                            dict(message["data"]),
                        )

    def _close_publisher(self) -> None:
        if self._publisher is not None:
            with contextlib.suppress(psycopg.Error):
                self._publisher.close()
            self._publisher = None

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self._close_publisher()
        if self._listener is not None:
            self._listener.join(timeout=5)
