"""Backend health, against Redis: a part asks Redis while it answers, backs off while it does not (one
probe per back-off), and tells the fall-back and the recovery once each."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator

import pytest
import redis

from frontdesk.backend_health import BackendHealth
from frontdesk.testing.http import free_port

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RETRY_S = 0.5  # long enough for the checks inside one back-off on a busy machine
log = logging.getLogger("tests.backend_health")


def _ask(health: BackendHealth, client: redis.Redis) -> bool:
    """What a part does: ask Redis when the health says so, report how it went."""
    if not health.should_try():
        return False
    try:
        client.ping()
    except redis.RedisError as exc:
        health.failed(exc)
        return False
    health.succeeded()
    return True


def _health(changes: list[bool]) -> BackendHealth:
    return BackendHealth(
        log,
        fell_back="parts fall back",
        recovered="parts back",
        retry_s=RETRY_S,
        on_change=changes.append,
    )


def _told(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == log.name]


@pytest.fixture
def unreachable() -> Iterator[redis.Redis]:
    """A client of a loopback port nothing listens on: connection refused, for real."""
    client = redis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    yield client
    client.close()


def test_a_refused_connection_falls_back_once_and_backs_off(
    unreachable: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    changes: list[bool] = []
    health = _health(changes)
    assert not health.degraded
    caplog.set_level(logging.WARNING, logger=log.name)

    assert not _ask(health, unreachable)
    assert health.degraded
    assert health.backing_off()
    # Within the back-off nobody asks Redis; the fall-back was told once.
    assert [health.should_try() for _ in range(5)] == [False] * 5
    assert _told(caplog) == ["parts fall back error=ConnectionError"]
    assert changes == [True]

    time.sleep(RETRY_S * 1.5)
    assert not health.backing_off()
    assert not health.backing_off()  # looking claims no probe
    assert health.should_try()  # this caller's probe ...
    assert not health.should_try()  # ... and only this caller's
    health.failed(redis.ConnectionError("still refused"))
    assert _told(caplog) == ["parts fall back error=ConnectionError"]
    assert changes == [True]


@pytest.mark.redis
def test_redis_answering_again_is_told_once(
    unreachable: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    changes: list[bool] = []
    health = _health(changes)
    reachable = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    caplog.set_level(logging.WARNING, logger=log.name)
    try:
        assert _ask(health, reachable)  # up from the start: nothing to tell
        assert changes == []
        assert not _ask(health, unreachable)
        time.sleep(RETRY_S * 1.5)
        assert _ask(health, reachable)
        assert not health.degraded
        # Back to asking Redis every time, with nothing more told.
        assert all(_ask(health, reachable) for _ in range(5))
    finally:
        reachable.close()
    assert _told(caplog) == ["parts fall back error=ConnectionError", "parts back"]
    assert changes == [True, False]
