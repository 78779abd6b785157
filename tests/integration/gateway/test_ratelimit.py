"""Rate limits per key, in-process and shared through the real Redis."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from frontdesk.errors import RateLimitedError
from frontdesk.gateway.ratelimit import MemoryRateLimiter, RedisRateLimiter

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_memory_limiter_admits_the_budget_then_refuses() -> None:
    limiter = MemoryRateLimiter(per_minute=3)
    for _ in range(3):
        limiter.hit("k1")
    with pytest.raises(RateLimitedError) as refused:
        limiter.hit("k1")
    assert 0 < refused.value.retry_after_s <= 60
    limiter.hit("k2")  # other keys have their own budget


@pytest.mark.redis
def test_redis_limiter_shares_one_budget_between_replicas() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"fdtest:{uuid.uuid4().hex}"
    replica_a = RedisRateLimiter(client, per_minute=4, prefix=prefix)
    replica_b = RedisRateLimiter(redis.Redis.from_url(REDIS_URL), per_minute=4, prefix=prefix)
    try:
        replica_a.hit("key")
        replica_b.hit("key")
        replica_a.hit("key")
        replica_b.hit("key")
        with pytest.raises(RateLimitedError):
            replica_a.hit("key")
        assert client.ttl(next(iter(client.scan_iter(f"{prefix}:*")))) > 0
    finally:
        for name in client.scan_iter(f"{prefix}:*"):
            client.delete(name)


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
