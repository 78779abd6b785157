"""Live updates across replicas: two real ``frontdesk serve`` processes over one
PostgreSQL database, with Redis pub/sub or, without Redis, PostgreSQL LISTEN/NOTIFY; an
agent's console streaming from replica A hears a customer message posted through replica
B within a second."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from frontdesk.testing.listener import Listener
from frontdesk.testing.served import served
from frontdesk.testing.wait import wait_for

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")


def _cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [FRONTDESK, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@contextlib.contextmanager
def _replica(env: dict[str, str], log: Path) -> Iterator[str]:
    """A replica once its /readyz says ok (not degraded: the test needs its Redis)."""
    with served(env, log, ready=lambda r: r.json().get("status") == "ok") as server:
        yield server.base


def _next(
    events: queue.Queue[tuple[float, str, dict]],
    match: Callable[[str, dict], bool],
    timeout_s: float,
) -> float | None:
    """When the first event ``match`` accepts arrived (others are skipped), or ``None``."""
    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        try:
            arrived, event, data = events.get(timeout=left)
        except queue.Empty:
            break
        if match(event, data):
            return arrived
    return None


def _environment(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_SECRET_KEY": "test-secret-0123456789abcdef",
        "FRONTDESK_ENV": "test",
    }
    env.pop("FRONTDESK_REDIS_URL", None)
    return env


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_a_console_on_replica_a_hears_a_customer_on_replica_b(postgres, tmp_path: Path) -> None:
    env = _environment(postgres.create(), tmp_path / "data")
    env["FRONTDESK_REDIS_URL"] = REDIS_URL
    _console_hears_customer(env, tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_without_redis_postgresql_notify_carries_the_message(postgres, tmp_path: Path) -> None:
    _console_hears_customer(_environment(postgres.create(), tmp_path / "data"), tmp_path)


def _console_hears_customer(env: dict[str, str], tmp_path: Path) -> None:
    _cli(env, "init")
    _cli(env, "tenants", "create", "acme")
    keys = {
        role: _cli(env, "keys", "create", "--tenant", "acme", "--role", role).split()[-1]
        for role in ("agent", "widget")
    }
    widget = {"Authorization": f"Bearer {keys['widget']}"}
    agent = {"Authorization": f"Bearer {keys['agent']}"}
    with (
        _replica(env, tmp_path / "a.log") as replica_a,
        _replica(env, tmp_path / "b.log") as replica_b,
        httpx.Client(base_url=replica_b, timeout=30) as via_b,
    ):
        console = Listener(f"{replica_a}/v1/events", agent)
        try:
            assert console.connected.wait(timeout=15), console.error
            # ": connected" is sent as the stream subscribes; hand conversations over
            # through B until A's console hears one, so the cross-replica channel is live.
            conversations: list[str] = []

            def handed_over() -> bool:
                cid = via_b.post("/v1/conversations", headers=widget).json()["id"]
                assert via_b.post(f"/v1/conversations/{cid}/handoff", headers=widget).is_success
                conversations.append(cid)
                return _next(console.arrived, lambda event, _: event == "ticket", 0.5) is not None

            wait_for(handed_over, timeout_s=30, what="a ticket from B on A's console")
            cid = conversations[-1]
            latencies = []
            for n in range(5):
                text = f"still there? ({n})"
                sent = time.monotonic()
                posted = via_b.post(
                    f"/v1/conversations/{cid}/messages", json={"text": text}, headers=widget
                )
                assert posted.status_code == 202, posted.text
                arrived = _next(
                    console.arrived,
                    lambda event, data, text=text: (
                        event == "turn" and data["role"] == "customer" and data["text"] == text
                    ),
                    5,
                )
                assert arrived is not None, f"A's console did not hear {text!r}"
                latencies.append(arrived - sent)
        finally:
            console.close()
    print(f"cross-replica live latency s: {[round(x, 3) for x in latencies]}")
    assert max(latencies) < 1.0, latencies
