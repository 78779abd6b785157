"""The Zendesk and Freshdesk recipe of docs/integrations.md (``examples/helpdesk_handoff.py``)
run for real: Frontdesk sends a signed ``handoff.created`` webhook to the recipe's
receiver, which reads the ticket from Frontdesk's API and opens one in a fake Zendesk or
Freshdesk (real local HTTP servers), once per event."""

from __future__ import annotations

import base64
import importlib.util
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from frontdesk.api.app import create_app
from frontdesk.operations.webhooks import body_of, sign
from frontdesk.runtime import Frontdesk
from frontdesk.testing import http

RECIPE = Path(__file__).resolve().parents[3] / "examples" / "helpdesk_handoff.py"


def _recipe() -> ModuleType:
    spec = importlib.util.spec_from_file_location("helpdesk_handoff", RECIPE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeHelpdesk:
    """Zendesk's and Freshdesk's ticket creation endpoints, recording each request."""

    def __init__(self) -> None:
        self.tickets: list[tuple[str, str, dict[str, Any]]] = []

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/api/v2/tickets.json")
        async def zendesk(request: Request) -> dict[str, Any]:
            self.tickets.append(("zendesk", request.headers["authorization"], await request.json()))
            return {"ticket": {"id": 35436, "status": "new"}}

        @app.post("/api/v2/tickets", status_code=201)
        async def freshdesk(request: Request) -> dict[str, Any]:
            self.tickets.append(
                ("freshdesk", request.headers["authorization"], await request.json())
            )
            return {"id": 1, "status": 2}

        return app


@pytest.fixture
def helpdesk() -> Iterator[tuple[FakeHelpdesk, str]]:
    fake = FakeHelpdesk()
    with http.serve(fake.app()) as base:
        yield fake, base


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("desk", ["zendesk", "freshdesk"])
def test_a_handoff_opens_one_ticket_in_the_help_desk(
    frontdesk: Frontdesk, acme, helpdesk, desk: str
) -> None:
    recipe = _recipe()
    fake, desk_url = helpdesk
    with (
        http.serve(create_app(instance=frontdesk)) as frontdesk_url,
        httpx.Client(timeout=10) as client,
    ):
        env = {
            "FRONTDESK_URL": frontdesk_url,
            "FRONTDESK_AGENT_KEY": acme.agent,
            "HELPDESK": desk,
            "ZENDESK_URL": desk_url,
            "ZENDESK_EMAIL": "bot@acme.com",
            "ZENDESK_TOKEN": "zendesk-api-token",
            "FRESHDESK_URL": desk_url,
            "FRESHDESK_KEY": "freshdesk-api-key",
            "FRESHDESK_REQUESTER": "support-bot@acme.com",
        }
        server = ThreadingHTTPServer(("127.0.0.1", 0), recipe.make_handler(env, client))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            receiver = f"http://127.0.0.1:{server.server_address[1]}/"
            _, env["WEBHOOK_SECRET"] = frontdesk.webhooks.create(
                acme.id, receiver, ["handoff.created"]
            )
            conversation = frontdesk.conversations.create(acme.id)
            frontdesk.conversations.post_message(
                acme.id, conversation.id, "My parcel never arrived, order 4711"
            )
            ticket = frontdesk.handoff.request_person(acme.id, conversation.id)
            assert frontdesk.webhooks.deliver_due() == 1
            webhook = frontdesk.webhooks.subscriptions(acme.id)[0]
            [delivery] = frontdesk.webhooks.deliveries(acme.id, webhook.id)
            assert delivery.status == "delivered"

            # The same event again (a lost response makes Frontdesk resend it): no new ticket.
            body = body_of(delivery.payload)
            signature = sign(env["WEBHOOK_SECRET"], int(time.time()), body)
            resent = client.post(receiver, content=body, headers={"Frontdesk-Signature": signature})
            assert resent.status_code == 204
            forged = client.post(
                receiver, content=body, headers={"Frontdesk-Signature": "t=1,v1=0"}
            )
            assert forged.status_code == 400
        finally:
            server.shutdown()
            server.server_close()

    [(kind, auth, sent)] = fake.tickets
    assert kind == desk
    if desk == "zendesk":
        assert auth == _basic("bot@acme.com/token", "zendesk-api-token")
        assert sent["ticket"]["external_id"] == ticket.id
        assert sent["ticket"]["priority"] == "high"
        assert sent["ticket"]["subject"] == "Customer handed over by Frontdesk: requested_human"
        text = sent["ticket"]["comment"]["body"]
    else:
        assert auth == _basic("freshdesk-api-key", "X")
        assert sent["priority"] == 3
        assert sent["status"] == 2
        assert sent["email"] == "support-bot@acme.com"
        text = sent["description"].replace("<br>", "\n")
    assert "Summary:\n" + ticket.summary in text
    assert "customer: My parcel never arrived, order 4711" in text
    assert ticket.id in text
