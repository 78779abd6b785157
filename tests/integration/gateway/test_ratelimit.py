"""Rate limits per key, in-process and shared through the real Redis."""

from __future__ import annotations

import contextlib
import os
import uuid

import limits.storage.memory
import pytest
import redis

from frontdesk.errors import RateLimitedError
from frontdesk.gateway.ratelimit import SharedRateLimiter, SlidingWindowLimiter
from frontdesk.testing.http import free_port

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_memory_limiter_admits_the_budget_then_refuses() -> None:
    limiter = SlidingWindowLimiter(per_minute=3)
    for _ in range(3):
        limiter.hit("k1")
    with pytest.raises(RateLimitedError) as refused:
        limiter.hit("k1")
    assert 1 <= refused.value.retry_after_s <= 120
    limiter.hit("k2")  # other keys have their own budget


class Clock:
    """The ``time`` module as ``limits``' memory storage sees it, at a time we set."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


def test_a_window_boundary_does_not_double_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed window admits 10 at 0:59.5 and 10 more at 1:00.5; the sliding window
    counts the first 10 into the next minute, so at most one more gets in."""
    clock = Clock(60 * 1000 + 59.5)
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    limiter = SlidingWindowLimiter(per_minute=10)
    admitted = 0
    for _ in range(20):
        with contextlib.suppress(RateLimitedError):
            limiter.hit("key")
            admitted += 1
    assert admitted == 10
    clock.now += 1.0  # the next fixed minute has begun
    for _ in range(20):
        with contextlib.suppress(RateLimitedError):
            limiter.hit("key")
            admitted += 1
    assert admitted <= 11
    clock.now += 60.0  # a whole minute later the budget is back
    limiter.hit("key")


@pytest.mark.redis
def test_redis_limiter_shares_one_budget_between_replicas() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"fdtest:{uuid.uuid4().hex}"
    replica_a = SharedRateLimiter(REDIS_URL, per_minute=4, prefix=prefix)
    replica_b = SharedRateLimiter(REDIS_URL, per_minute=4, prefix=prefix)
    try:
        replica_a.hit("key")
        replica_b.hit("key")
        replica_a.hit("key")
        replica_b.hit("key")
        with pytest.raises(RateLimitedError):
            replica_a.hit("key")
        with pytest.raises(RateLimitedError):
            replica_b.hit("key")
        assert not replica_a.degraded
        assert not replica_b.degraded
        assert client.ttl(next(iter(client.scan_iter(f"{prefix}:*")))) > 0
    finally:
        for name in client.scan_iter(f"{prefix}:*"):
            client.delete(name)


def test_an_unreachable_redis_falls_back_to_this_replicas_budget() -> None:
    """Nothing listens on the port: the limiter says so once and keeps limiting."""
    changes: list[bool] = []
    limiter = SharedRateLimiter(
        f"redis://127.0.0.1:{free_port()}/0", per_minute=3, on_change=changes.append
    )
    for _ in range(3):
        limiter.hit("key")
    with pytest.raises(RateLimitedError):
        limiter.hit("key")
    assert limiter.degraded
    assert changes == [True]


def test_the_api_answers_429_with_retry_after(frontdesk, acme) -> None:
    from fastapi.testclient import TestClient

    from frontdesk.api.app import create_app

    settings = frontdesk.settings.model_copy(update={"rate_limit_per_minute": 2})
    app = create_app(settings, instance=frontdesk)
    with TestClient(app) as client:
        for _ in range(2):
            assert client.post("/v1/conversations", headers=acme.auth("widget")).status_code == 201
        refused = client.post("/v1/conversations", headers=acme.auth("widget"))
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
