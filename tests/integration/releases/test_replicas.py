"""Two real HTTP servers on one database: a change made through one replica is in
effect on the other within 5 s, without a restart, and a conversation gets the same
release from both."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.http import serve
from frontdesk.testing.releases import release_document
from frontdesk.testing.wait import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def replicas(frontdesk: Frontdesk, settings: Settings) -> Iterator[tuple[str, str]]:
    """Each replica builds its own Frontdesk from the settings, as ``frontdesk serve``."""
    with serve(create_app(settings)) as first, serve(create_app(settings)) as second:
        yield first, second


def _reply(base: str, key: str, conversation_id: str | None = None) -> dict:
    auth = {"Authorization": f"Bearer {key}"}
    if conversation_id is None:
        conversation_id = httpx.post(f"{base}/v1/conversations", json={}, headers=auth).json()["id"]
    reply = httpx.post(
        f"{base}/v1/conversations/{conversation_id}/messages",
        json={"text": "hello"},
        headers=auth,
        timeout=30,
    )
    assert reply.status_code == 201, reply.text
    return {**reply.json(), "conversation_id": conversation_id}


def test_a_promotion_through_one_replica_reaches_the_other_without_restart(
    replicas: tuple[str, str], acme
) -> None:
    first, second = replicas
    admin = acme.auth("admin")
    assert _reply(second, acme.widget)["release_id"] == "default@1"
    created = httpx.post(f"{first}/v1/releases", json=release_document("strict"), headers=admin)
    assert created.status_code == 201, created.text
    promoted = httpx.post(
        f"{first}/v1/releases/strict@1/promote", json={"force": True}, headers=admin, timeout=60
    )
    assert promoted.status_code == 200, promoted.text
    changed = time.monotonic()
    wait_for(
        lambda: _reply(second, acme.widget)["release_id"] == "strict@1",
        timeout_s=5,
        interval_s=0.1,
        what="the second replica to serve strict@1",
    )
    assert time.monotonic() - changed < 5
    status = httpx.get(f"{second}/v1/releases/status", headers=admin).json()
    assert status["serving"]["production"] == "strict@1"

    httpx.post(f"{first}/v1/releases", json=release_document("wide"), headers=admin)
    started = httpx.post(
        f"{first}/v1/rollouts",
        json={"candidate": "wide@2", "mode": "ab", "share": 50},
        headers=admin,
    )
    assert started.status_code == 201, started.text
    time.sleep(1.5)  # past one poll of the second replica
    for _ in range(6):  # each conversation gets one release, whichever replica answers
        one = _reply(first, acme.widget)
        other = _reply(second, acme.widget, one["conversation_id"])
        assert one["release_id"] == other["release_id"]
        assert one["release_id"] in {"strict@1", "wide@2"}
