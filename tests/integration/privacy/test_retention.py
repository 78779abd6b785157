"""Retention policies: conversations older than a tenant's retention_days are erased by
the CLI and by the sweep every server runs; recent ones, those a person still handles
and other tenants' stay."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import update

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.tables import ConversationRow, utcnow
from frontdesk.testing.http import serve
from frontdesk.testing.wait import wait_for

# The venv this test runs in, wherever the checkout is.
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")


def _conversation(client: TestClient, tenant, text: str) -> str:
    cid = str(client.post("/v1/conversations", headers=tenant.auth("widget")).json()["id"])
    client.post(
        f"/v1/conversations/{cid}/messages", json={"text": text}, headers=tenant.auth("widget")
    )
    return cid


def _age(frontdesk: Frontdesk, conversation_id: str, days: int) -> None:
    with frontdesk.database.transaction() as session:
        session.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id)
            .values(updated_at=utcnow() - timedelta(days=days))
        )


def _exists(client: TestClient, tenant, conversation_id: str) -> bool:
    found = client.get(f"/v1/conversations/{conversation_id}", headers=tenant.auth("admin"))
    return found.status_code == 200


def test_retention_erases_old_conversations_only(
    client: TestClient, frontdesk: Frontdesk, acme, globex, cli_env
) -> None:
    old = _conversation(client, acme, "where is my parcel?")
    held = _conversation(client, acme, "I want to talk to a real person please")
    recent = _conversation(client, acme, "how do I reset my password?")
    elsewhere = _conversation(client, globex, "where is my parcel?")
    for conversation in (old, held, elsewhere):
        _age(frontdesk, conversation, days=40)
    client.patch("/v1/tenant/settings", json={"retention_days": 30}, headers=acme.auth("admin"))
    bad = client.patch(
        "/v1/tenant/settings", json={"retention_days": 0}, headers=acme.auth("admin")
    )
    assert bad.status_code == 422

    ran = subprocess.run(
        [FRONTDESK, "privacy", "retention", "--json"],
        capture_output=True, text=True, env=cli_env, check=True,
    )  # fmt: skip
    receipts = json.loads(ran.stdout.splitlines()[-1])
    assert list(receipts) == [acme.id]  # globex has no policy
    assert receipts[acme.id]["removed"]["conversations"] == 1
    assert not _exists(client, acme, old)
    assert _exists(client, acme, held)  # a person still handles it
    assert _exists(client, acme, recent)
    assert _exists(client, globex, elsewhere)
    audit = client.get("/v1/privacy/erasures", headers=acme.auth("admin")).json()
    assert [(a["scope"], a["actor"]) for a in audit] == [("retention", "retention")]


def test_every_server_sweeps_on_its_own(
    frontdesk: Frontdesk, client: TestClient, acme, settings: Settings
) -> None:
    old = _conversation(client, acme, "where is my parcel?")
    _age(frontdesk, old, days=10)
    client.patch("/v1/tenant/settings", json={"retention_days": 7}, headers=acme.auth("admin"))
    fast = settings.model_copy(update={"retention_interval_s": 0.2})
    replica = Frontdesk(fast)
    try:
        with serve(create_app(fast, instance=replica)) as base:
            url = f"{base}/v1/conversations/{old}"
            wait_for(
                lambda: httpx.get(url, headers=acme.auth("admin")).status_code == 404,
                timeout_s=30,
                what="the sweep erasing the old conversation",
            )
    finally:
        replica.close()
