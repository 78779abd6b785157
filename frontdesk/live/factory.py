"""Which event bus a process uses: Redis pub/sub when configured, else PostgreSQL
LISTEN/NOTIFY when the database is PostgreSQL, else in-process (one replica)."""

from __future__ import annotations

from collections.abc import Callable

from frontdesk.live.bus import EventBus, MemoryEventBus, RedisEventBus
from frontdesk.live.pg_bus import PostgresEventBus


def build_event_bus(
    redis_url: str | None,
    database_url: str,
    on_change: Callable[[bool], None] | None = None,
) -> EventBus:
    """``on_change(degraded)``: the shared bus (Redis, or PostgreSQL) fell back to this
    replica's own streams, or recovered."""
    if redis_url:
        return RedisEventBus(redis_url, on_change=on_change)
    if database_url.startswith(("postgresql", "postgres://")):
        return PostgresEventBus(database_url, on_change=on_change)
    return MemoryEventBus()
