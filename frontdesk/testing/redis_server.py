"""A redis-server of a test's or a benchmark's own, to stop and start again: Redis outages
made for real, not mocked."""

from __future__ import annotations

import subprocess

import redis

from frontdesk.testing.http import free_port
from frontdesk.testing.wait import wait_for


class RedisServer:
    """A redis-server on a free loopback port, without persistence; ``url`` stays the same
    across :meth:`stop` and :meth:`start`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it and return once it answers PING (:class:`TimeoutError` after 20 s)."""
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

        try:
            wait_for(up, timeout_s=20, what="redis-server")
        finally:
            client.close()

    def stop(self) -> None:
        """Kill it at once, as a crash would (nothing when it is not running)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
