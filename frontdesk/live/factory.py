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
    if redis_url:
        return RedisEventBus(redis_url, on_change=on_change)
    if database_url.startswith(("postgresql", "postgres://")):
        return PostgresEventBus(database_url)
    return MemoryEventBus()
