"""The PostgreSQL event bus on the real server: events cross between buses through
LISTEN/NOTIFY, and a connection the server kills narrows live updates to this replica
(told once) until the bus reconnects (told once)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from frontdesk.live.bus import Event
from frontdesk.live.pg_bus import PostgresEventBus
from frontdesk.runtime import Frontdesk
from frontdesk.testing.wait import wait_for
from tests.conftest import make_settings

pytestmark = pytest.mark.postgres

RETRY_S = 0.5  # long enough for the checks inside one back-off on a busy machine
FELL_BACK = "live events reach this replica's streams only: PostgreSQL LISTEN/NOTIFY failed"
RECOVERED = "live events carried through PostgreSQL again"
LOGGER = "frontdesk.live.pg_bus"


@pytest.fixture
def database(postgres: Any) -> str:
    """A fresh database: NOTIFY is per database, so no other test's events get in."""
    return str(postgres.create()).replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def buses(database: str) -> Iterator[list[PostgresEventBus]]:
    made: list[PostgresEventBus] = []
    yield made
    for bus in made:
        bus.close()


def _bus(
    buses: list[PostgresEventBus], database: str, name: str, changes: list[bool]
) -> PostgresEventBus:
    # The application name lets the test find (and kill) this bus's own connections.
    bus = PostgresEventBus(
        f"{database}?application_name={name}", on_change=changes.append, retry_s=RETRY_S
    )
    buses.append(bus)
    return bus


def _backends(database: str, name: str, listening: bool) -> list[int]:
    """The server processes of the bus named ``name``: its listener's or its publisher's."""
    with psycopg.connect(database, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
            " AND (query LIKE 'LISTEN%%') = %s",
            (name, listening),
        ).fetchall()
    return [int(pid) for (pid,) in rows]


def _kill(database: str, pids: list[int]) -> None:
    with psycopg.connect(database, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _told(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


async def _heard(
    sender: PostgresEventBus, receiver: PostgresEventBus, data: dict[str, Any]
) -> Event:
    """What ``receiver`` hears of ``data`` published on ``sender``: publishing repeats until
    it arrives, as the listener says nothing when its LISTEN is in place."""
    subscription = receiver.subscribe("t1", "agents")
    waiter = asyncio.ensure_future(subscription.__anext__())
    deadline = time.monotonic() + 15
    while not waiter.done() and time.monotonic() < deadline:
        await asyncio.to_thread(sender.publish, "t1", "agents", "turn", data)
        await asyncio.wait({waiter}, timeout=0.2)
    result = await asyncio.wait_for(waiter, timeout=1)
    await subscription.aclose()
    return result


def test_a_large_event_reaches_another_bus_whole(
    database: str, buses: list[PostgresEventBus]
) -> None:
    sender = _bus(buses, database, "fdtest_sender", [])
    receiver = _bus(buses, database, "fdtest_receiver", [])
    data = {"text": "é" * 5000 + "🙂" * 3000, "id": uuid.uuid4().hex}  # several NOTIFY parts
    assert asyncio.run(_heard(sender, receiver, data)) == ("turn", data)


def test_a_killed_publisher_falls_back_once_and_reconnects_after_the_back_off(
    database: str, buses: list[PostgresEventBus], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    changes: list[bool] = []
    bus = _bus(buses, database, "fdtest_publisher", changes)
    bus.publish("t1", "agents", "turn", {"n": 0})  # connects: nothing to tell
    assert not bus.degraded
    _kill(database, _backends(database, "fdtest_publisher", listening=False))

    bus.publish("t1", "agents", "turn", {"n": 1})
    assert bus.degraded
    assert changes == [True]
    [fell_back] = _told(caplog)
    assert fell_back.startswith(f"{FELL_BACK} error=")
    # Within the back-off PostgreSQL is not asked again, and nothing more is told.
    for n in range(5):
        bus.publish("t1", "agents", "turn", {"n": n})
    assert _backends(database, "fdtest_publisher", listening=False) == []
    assert changes == [True]

    time.sleep(RETRY_S * 1.5)
    bus.publish("t1", "agents", "turn", {"n": 2})
    assert not bus.degraded
    assert len(_backends(database, "fdtest_publisher", listening=False)) == 1
    assert changes == [True, False]
    assert _told(caplog) == [fell_back, RECOVERED]


def test_a_killed_listener_falls_back_once_and_hears_again_after_it_reconnects(
    database: str, buses: list[PostgresEventBus], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    changes: list[bool] = []
    sender = _bus(buses, database, "fdtest_sender", [])
    receiver = _bus(buses, database, "fdtest_listener", changes)
    assert asyncio.run(_heard(sender, receiver, {"n": 1})) == ("turn", {"n": 1})
    [listener] = _backends(database, "fdtest_listener", listening=True)

    _kill(database, [listener])
    wait_for(lambda: receiver.degraded, timeout_s=10, what="the listener's fall-back")
    # It reconnects on its own after the back-off: a new server process, told once.
    wait_for(
        lambda: (
            not receiver.degraded
            and _backends(database, "fdtest_listener", listening=True) not in ([], [listener])
        ),
        timeout_s=10,
        what="the listener's reconnection",
    )
    assert changes == [True, False]
    [fell_back, recovered] = _told(caplog)
    assert fell_back.startswith(f"{FELL_BACK} error=")
    assert recovered == RECOVERED
    assert asyncio.run(_heard(sender, receiver, {"n": 2})) == ("turn", {"n": 2})


def _fallback_gauge(frontdesk: Frontdesk) -> float | None:
    return frontdesk.metrics.registry.get_sample_value(
        "frontdesk_redis_fallback", {"component": "live_events"}
    )


def test_a_frontdesk_without_redis_meters_its_postgresql_bus_falling_back(
    postgres_migrated: str, tmp_path: Path
) -> None:
    """As with Redis: the fall-back of the PostgreSQL bus is in /metrics, not only logged."""
    frontdesk = Frontdesk(make_settings(postgres_migrated, tmp_path))
    try:
        assert isinstance(frontdesk.events, PostgresEventBus)
        frontdesk.events.publish("t1", "agents", "turn", {"n": 0})  # connects
        assert _fallback_gauge(frontdesk) in (None, 0.0)
        url = postgres_migrated.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as admin:
            # Every connection but this one: the bus's publisher is among them.
            pids = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            ).fetchall()
        _kill(url, [int(pid) for (pid,) in pids])

        frontdesk.events.publish("t1", "agents", "turn", {"n": 1})
        assert frontdesk.events.degraded
        assert _fallback_gauge(frontdesk) == 1.0
        assert (
            frontdesk.metrics.registry.get_sample_value(
                "frontdesk_redis_fallbacks_total", {"component": "live_events"}
            )
            == 1.0
        )
    finally:
        frontdesk.close()
