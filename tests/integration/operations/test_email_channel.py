"""E-mail as the second channel: a mailto: subscription gets its events through a real
local SMTP server (aiosmtpd), retried while the server is down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from frontdesk.api.app import create_app
from frontdesk.guards import TextVault
from frontdesk.operations.email import EmailSender
from frontdesk.operations.webhooks import WebhookDesk
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.tables import utcnow
from frontdesk.testing.http import free_port


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_mailto_subscriptions_get_events_by_email(
    settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    with_smtp = settings.model_copy(
        update={"smtp_url": f"smtp://127.0.0.1:{port}", "smtp_from": "bot@frontdesk.example"}
    )
    frontdesk = Frontdesk(with_smtp)
    frontdesk.init()
    try:
        frontdesk.tenants.create_tenant("acme")
        admin = {"Authorization": f"Bearer {frontdesk.tenants.issue_key('acme', 'admin')[0]}"}
        widget = {"Authorization": f"Bearer {frontdesk.tenants.issue_key('acme', 'widget')[0]}"}
        with TestClient(create_app(instance=frontdesk)) as client:
            body = {"url": "mailto:ops@acme.example", "events": ["feedback.created"]}
            created = client.post("/v1/webhooks", json=body, headers=admin)
            assert created.status_code == 201, created.text
            bad = {**body, "url": "mailto:not-an-address"}
            assert client.post("/v1/webhooks", json=bad, headers=admin).status_code == 422
            cid = client.post("/v1/conversations", headers=widget).json()["id"]
            client.post(f"/v1/conversations/{cid}/csat", json={"score": 4}, headers=widget)
            assert frontdesk.webhooks.deliver_due() == 1
            (message,) = inbox.messages
            assert message["To"] == "ops@acme.example"
            assert message["From"] == "bot@frontdesk.example"
            assert message["Subject"] == "[Frontdesk] feedback.created"
            payload = json.loads(message.get_payload())
            assert payload["data"]["value"] == 4
            assert message["Message-ID"] == f"<{payload['id']}@frontdesk>"
            log = client.get(f"/v1/webhooks/{created.json()['id']}/deliveries", headers=admin)
            assert log.json()[0]["status"] == "delivered"
    finally:
        frontdesk.close()


def test_an_smtp_server_that_is_down_is_retried(frontdesk: Frontdesk) -> None:
    port = free_port()  # nothing listens here yet
    tenant = frontdesk.tenants.create_tenant("acme")
    desk = WebhookDesk(
        frontdesk.database,
        TextVault(b"x" * 32),
        email=EmailSender(f"smtp://127.0.0.1:{port}", "bot@frontdesk.example"),
    )
    try:
        webhook, _ = desk.create(tenant.id, "mailto:ops@acme.example", ["*"])
        desk.publish(tenant.id, "alert.firing", {"rule_name": "Slow answers"})
        now = utcnow()
        assert desk.deliver_due(now) == 1
        (delivery,) = desk.deliveries(tenant.id, webhook.id)
        assert delivery.status == "pending"
        assert delivery.last_error
        assert "ConnectionRefused" in delivery.last_error
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            assert desk.deliver_due(now + timedelta(seconds=11)) == 1
        finally:
            controller.stop()
        assert inbox.messages[0]["Subject"] == "[Frontdesk] alert.firing: Slow answers"
        assert desk.deliveries(tenant.id, webhook.id)[0].status == "delivered"
    finally:
        desk.close()


def test_mailto_is_refused_without_an_smtp_server(client: TestClient, acme) -> None:
    body = {"url": "mailto:ops@acme.example", "events": ["*"]}
    response = client.post("/v1/webhooks", json=body, headers=acme.auth("admin"))
    assert response.status_code == 422
    assert "FRONTDESK_SMTP_URL" in response.json()["error"]["message"]
