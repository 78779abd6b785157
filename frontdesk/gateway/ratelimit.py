"""Request limits per API key (and per address for requests without a valid key): a
sliding-window counter from the ``limits`` library, so no client gets twice its budget by
straddling a window boundary as a fixed window allows.

With Redis configured every replica counts against one shared budget. Redis is not a
dependency the service stands on: while it is unreachable each replica falls back to its
own in-memory budget (the same limit per replica), logs the change once and reports it
through ``on_change`` (a Prometheus gauge), and goes back to the shared budget when Redis
answers again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from frontdesk.backend_health import BackendHealth
from frontdesk.errors import RateLimitedError

log = logging.getLogger(__name__)

RETRY_REDIS_S = 5.0  # while Redis is down, how often a request tries it again


class RateLimiter(Protocol):
    def hit(self, key: str) -> None:
        """Count one request for ``key``; raise RateLimitedError when over the limit."""
        ...


class NoRateLimit:
    def hit(self, key: str) -> None:
        return None


class SlidingWindowLimiter:
    """``per_minute`` requests in any 60 seconds (a weighted sliding-window counter) over
    one storage: this process's memory, or Redis shared by every replica."""

    def __init__(
        self,
        per_minute: int,
        what: str = "for this API key",
        storage: MemoryStorage | RedisStorage | None = None,
    ) -> None:
        self.per_minute = per_minute
        self.what = what
        self._item = RateLimitItemPerMinute(per_minute)
        self._strategy = SlidingWindowCounterRateLimiter(storage or MemoryStorage())

    def hit(self, key: str) -> None:
        """Raise ``StorageError`` when the storage cannot be reached."""
        if self._strategy.hit(self._item, key):
            return
        reset_at = self._strategy.get_window_stats(self._item, key).reset_time
        raise RateLimitedError(
            f"more than {self.per_minute} requests a minute {self.what}",
            retry_after_s=max(1.0, reset_at - time.time()),
        )


class SharedRateLimiter:
    """One budget in Redis for every replica; this replica's own while Redis is down."""

    def __init__(
        self,
        redis_url: str,
        per_minute: int,
        *,
        prefix: str = "frontdesk:rl",
        what: str = "for this API key",
        on_change: Callable[[bool], None] | None = None,
        retry_s: float = RETRY_REDIS_S,
    ) -> None:
        # Bounded waits: a Redis that stopped answering must not hold every request.
        storage = RedisStorage(
            redis_url,
            key_prefix=prefix,
            wrap_exceptions=True,
            socket_connect_timeout=1,
            socket_timeout=1,
        )
        self.shared = SlidingWindowLimiter(per_minute, what, storage)
        self.local = SlidingWindowLimiter(per_minute, what)
        self._health = BackendHealth(
            log,
            fell_back="rate limits fall back to this replica's memory: Redis unreachable "
            f"prefix={prefix}",
            recovered=f"rate limits shared through Redis again prefix={prefix}",
            retry_s=retry_s,
            on_change=on_change,
        )

    @property
    def degraded(self) -> bool:
        return self._health.degraded

    def hit(self, key: str) -> None:
        if self._health.should_try():
            try:
                self.shared.hit(key)
            except StorageError as exc:
                self._health.failed(exc.storage_error)
            else:
                self._health.succeeded()
                return
        self.local.hit(key)


def build_rate_limiter(
    per_minute: int,
    redis_url: str | None,
    *,
    prefix: str = "frontdesk:rl",
    what: str = "for this API key",
    on_change: Callable[[bool], None] | None = None,
) -> RateLimiter:
    if per_minute <= 0:
        return NoRateLimit()
    if redis_url:
        return SharedRateLimiter(
            redis_url, per_minute, prefix=prefix, what=what, on_change=on_change
        )
    return SlidingWindowLimiter(per_minute, what)
