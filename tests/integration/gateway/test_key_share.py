"""A key's turns capped across replicas through the real Redis: two real HTTP servers never
run more than the cap of one key's turns at once, a killed holder's slot comes back after
its lease, and with Redis gone turns go on under each process's own slots."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis
from fastapi import FastAPI

from frontdesk.api.app import create_app
from frontdesk.errors import ServiceUnavailableError
from frontdesk.gateway.key_share import KeyShare
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.http import free_port, serve
from frontdesk.testing.wait import wait_for

REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.redis


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"test:turns:{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)
    client.close()


def test_two_replicas_never_run_more_than_the_cap_of_one_key(
    frontdesk: Frontdesk, settings: Settings, acme, tenant_factory
) -> None:
    """A flood from one key on both servers (4 slots each, 8 turns at once without the
    cap) holds at most 2 slots cluster-wide, reaches 2, and every message is answered
    (waiting, not refused); another key's turns go on beside it."""
    shared = settings.model_copy(
        update={"redis_url": REDIS_URL, "turn_slots": 4, "key_turn_slots": 2}
    )
    flooding = frontdesk.tenants.authenticate(acme.widget).key_id
    apps: list[FastAPI] = [create_app(shared), create_app(shared)]
    other = tenant_factory("other")
    peak = 0
    done = threading.Event()

    def watch() -> None:  # what the two servers hold for the flooding key, added up
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(app.state.turn_slots.share.held(flooding) for app in apps))
            time.sleep(0.0005)

    with serve(apps[0]) as first, serve(apps[1]) as second:
        bases = [first, second]
        # one conversation per message: repeated unanswered questions would hand it over
        conversations = [
            httpx.post(f"{bases[n % 2]}/v1/conversations", headers=acme.auth("widget")).json()["id"]
            for n in range(40)
        ]

        def ask(n: int, auth: dict[str, str], conversation: str | None = None) -> int:
            base = bases[n % 2]
            if conversation is None:
                conversation = conversations[n]
            return httpx.post(
                f"{base}/v1/conversations/{conversation}/messages",
                json={"text": f"How do I reset my password? ({n})"},
                headers=auth,
                timeout=60,
            ).status_code

        others = [
            httpx.post(f"{first}/v1/conversations", headers=other.auth("widget")).json()["id"]
            for _ in range(3)
        ]
        watcher = threading.Thread(target=watch)
        watcher.start()
        with ThreadPoolExecutor(max_workers=24) as pool:
            flood = [pool.submit(ask, n, acme.auth("widget")) for n in range(40)]
            beside = [
                pool.submit(ask, 0, other.auth("widget"), conversation) for conversation in others
            ]
            statuses = [f.result() for f in flood]
            other_statuses = [f.result() for f in beside]
        done.set()
        watcher.join()
        keys = redis.Redis.from_url(REDIS_URL)
        left = keys.zcard(f"frontdesk:turns:{flooding}")
        replicas = keys.zcard("frontdesk:turns:replicas")
    assert statuses == [201] * 40
    assert other_statuses == [201] * 3
    assert peak == 2, peak  # the cap binds, and is reached
    assert left == 0  # every slot given back
    assert replicas >= 2


HOLDER = """
import sys, time
from frontdesk.gateway.key_share import KeyShare
share = KeyShare(sys.argv[1], 1, cap=1, prefix=sys.argv[2], lease_s=1.0)
share.acquire("flood")
print("held", flush=True)
time.sleep(120)
"""


def test_a_killed_holders_slot_is_reclaimed_after_its_lease(prefix: str) -> None:
    """A live holder keeps its slot past its lease (renewed); killed with -9 it cannot give
    it back, and the slot returns when the lease runs out."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, REDIS_URL, prefix], stdout=subprocess.PIPE, text=True
    )
    waiter = KeyShare(REDIS_URL, 1, prefix=prefix, cap=1, lease_s=1.0, wait_s=0.3)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        time.sleep(2.5)  # 2.5 leases: renewed, still held
        with pytest.raises(ServiceUnavailableError):
            waiter.acquire("flood")
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        killed = time.monotonic()
        waiter.wait_s = 5.0
        permit = waiter.acquire("flood")
        reclaimed_after = time.monotonic() - killed
        assert permit.token is not None
        assert reclaimed_after <= 1.5, reclaimed_after  # one lease (1 s) and a poll
        waiter.release(permit)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()
        waiter.close()


def test_the_cap_defaults_to_half_the_live_replicas_slots(prefix: str) -> None:
    """Each replica registers its slots with its heartbeat (every third of a lease) and
    learns the others' there: a replica started first sees the second one's slots soon."""
    shares = [KeyShare(REDIS_URL, 2, prefix=prefix, lease_s=0.6) for _ in range(2)]
    try:
        held = [share.acquire("k") for share in shares]
        wait_for(lambda: [share.cap for share in shares] == [2, 2], timeout_s=5)  # (2+2)//2
        for share, permit in zip(shares, held, strict=True):
            share.release(permit)
    finally:
        for share in shares:
            share.close()
    alone = KeyShare(REDIS_URL, 1, prefix=f"{prefix}:alone")
    try:
        alone.release(alone.acquire("k"))
        assert alone.cap == 1  # at least one
    finally:
        alone.close()


def test_redis_down_falls_back_to_this_process_without_errors(prefix: str) -> None:
    """A Redis that stopped: every turn proceeds at once under this process's slots (the
    cap no longer shared), the change reported once; with Redis back, shared again."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed; run make services")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = redis.Redis.from_url(url)
        wait_for(lambda: _pings(probe), timeout_s=20, what="redis-server")
        probe.close()
        return process

    changes: list[bool] = []
    server = start()
    share = KeyShare(url, 1, cap=1, prefix=prefix, on_change=changes.append, retry_s=0.2)
    try:
        first = share.acquire("k")
        assert first.token is not None
        server.kill()
        server.wait(timeout=10)
        started = time.monotonic()
        permits = [share.acquire("k") for _ in range(3)]  # over the cap of 1: local now
        assert time.monotonic() - started < 5
        assert [p.token for p in permits] == [None, None, None]
        for permit in [first, *permits]:
            share.release(permit)  # no error for the one Redis cannot take back
        assert changes == [True]
        server = start()
        time.sleep(0.3)  # past retry_s
        again = share.acquire("k")
        assert again.token is not None
        assert changes == [True, False]
        share.release(again)
    finally:
        share.close()
        server.kill()
        server.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
