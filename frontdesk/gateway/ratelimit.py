"""Fixed-window request limits per API key (and per address for requests without a valid
key): in-process, or shared through Redis so every replica counts against the same
budget."""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis

from frontdesk.errors import RateLimitedError, ServiceUnavailableError

WINDOW_S = 60


class RateLimiter(Protocol):
    def hit(self, key: str) -> None:
        """Count one request for ``key``; raise RateLimitedError when over the limit."""
        ...


class NoRateLimit:
    def hit(self, key: str) -> None:
        return None


class MemoryRateLimiter:
    def __init__(self, per_minute: int, what: str = "for this API key") -> None:
        self.per_minute = per_minute
        self.what = what
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        now = time.time()
        window = int(now // WINDOW_S)
        with self._lock:
            if len(self._counts) > 10_000:  # drop finished windows
                self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        if count > self.per_minute:
            raise RateLimitedError(
                f"more than {self.per_minute} requests a minute {self.what}",
                retry_after_s=(window + 1) * WINDOW_S - now,
            )


class RedisRateLimiter:
    def __init__(
        self,
        client: redis.Redis,
        per_minute: int,
        prefix: str = "frontdesk:rl",
        what: str = "for this API key",
    ) -> None:
        self.client = client
        self.per_minute = per_minute
        self.prefix = prefix
        self.what = what

    def hit(self, key: str) -> None:
        now = time.time()
        window = int(now // WINDOW_S)
        name = f"{self.prefix}:{key}:{window}"
        pipe = self.client.pipeline()
        pipe.incr(name)
        pipe.expire(name, WINDOW_S * 2)
        try:
            count = int(pipe.execute()[0])
        except redis.RedisError as exc:
            # Fail closed: without the shared count no replica can hold the limit.
            raise ServiceUnavailableError(
                "rate limits are kept in Redis (FRONTDESK_REDIS_URL), which is unreachable "
                f"({type(exc).__name__}); retry shortly"
            ) from None
        if count > self.per_minute:
            raise RateLimitedError(
                f"more than {self.per_minute} requests a minute {self.what}",
                retry_after_s=(window + 1) * WINDOW_S - now,
            )


def build_rate_limiter(
    per_minute: int,
    redis_url: str | None,
    *,
    prefix: str = "frontdesk:rl",
    what: str = "for this API key",
) -> RateLimiter:
    if per_minute <= 0:
        return NoRateLimit()
    if redis_url:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        return RedisRateLimiter(client, per_minute, prefix, what)
    return MemoryRateLimiter(per_minute, what)
