"""With Redis gone, Frontdesk says so: /readyz is 503 naming Redis, a request that needs
it (the shared rate limit) is a clear 503, never a 500; it recovers when Redis is back."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest
import redis

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.http import free_port, serve
from frontdesk.testing.wait import wait_for


class RedisServer:
    """A redis-server of our own on a free port, that the test can stop and start."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(up, timeout_s=20, what="redis-server")
        client.close()

    def stop(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed; run make services")
    server = RedisServer()
    server.start()
    yield server
    if server.process is not None:
        server.stop()


@pytest.mark.redis
def test_redis_down_is_a_clear_503_and_readyz_says_so(
    settings: Settings, acme, redis_server: RedisServer
) -> None:
    shared = settings.model_copy(
        update={"redis_url": redis_server.url, "rate_limit_per_minute": 1000}
    )
    frontdesk = Frontdesk(shared)
    frontdesk.warm_up()
    widget = acme.auth("widget")
    try:
        with (
            serve(create_app(instance=frontdesk)) as base,
            httpx.Client(base_url=base, timeout=30) as http,
        ):
            assert http.get("/readyz").json()["checks"]["redis"] == "ok"
            conversation = http.post("/v1/conversations", headers=widget)
            assert conversation.status_code == 201

            redis_server.stop()
            ready = http.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["redis"].startswith("unreachable")
            refused = http.post("/v1/conversations", headers=widget)
            assert refused.status_code == 503, refused.text
            error = refused.json()["error"]
            assert error["code"] == "unavailable"
            assert "Redis" in error["message"]

            redis_server.start()
            assert http.get("/readyz").status_code == 200
            again = http.post("/v1/conversations", headers=widget)
            assert again.status_code == 201
    finally:
        frontdesk.close()


@pytest.mark.redis
def test_a_stored_handoff_is_not_failed_by_a_live_event_redis_cannot_carry(
    settings: Settings, acme, redis_server: RedisServer
) -> None:
    """Live events announce what is already stored: with Redis gone the handoff still
    answers 201 (the ticket is there), and the console finds it in the queue."""
    shared = settings.model_copy(update={"redis_url": redis_server.url})
    frontdesk = Frontdesk(shared)
    frontdesk.warm_up()
    try:
        with (
            serve(create_app(instance=frontdesk)) as base,
            httpx.Client(base_url=base, timeout=30) as http,
        ):
            conversation = http.post("/v1/conversations", headers=acme.auth("widget")).json()
            redis_server.stop()
            handoff = http.post(
                f"/v1/conversations/{conversation['id']}/handoff", headers=acme.auth("widget")
            )
            assert handoff.status_code == 201, handoff.text
            queue = http.get("/v1/tickets", headers=acme.auth("agent")).json()
            assert [t["id"] for t in queue] == [handoff.json()["id"]]
    finally:
        frontdesk.close()
