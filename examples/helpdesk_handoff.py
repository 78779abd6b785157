"""Open a Zendesk or Freshdesk ticket for every Frontdesk handoff.

Subscribe this receiver to ``handoff.created`` (``POST /v1/webhooks``); for each event it
checks the ``Frontdesk-Signature``, drops an event id it has already handled, reads the
ticket (summary, reason, priority and the conversation) from Frontdesk with an agent key,
and creates the help desk's ticket. Run it with:

    FRONTDESK_URL=https://frontdesk.example.com FRONTDESK_AGENT_KEY=fdk_... \\
    WEBHOOK_SECRET=whsec_... HELPDESK=zendesk \\
    ZENDESK_URL=https://acme.zendesk.com ZENDESK_EMAIL=bot@acme.com ZENDESK_TOKEN=... \\
    python helpdesk_handoff.py 8080

or with ``HELPDESK=freshdesk FRESHDESK_URL=https://acme.freshdesk.com FRESHDESK_KEY=...
FRESHDESK_REQUESTER=support-bot@acme.com``. Needs only ``httpx``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

ZENDESK_PRIORITY = {"urgent": "urgent", "high": "high", "normal": "normal", "low": "low"}
FRESHDESK_PRIORITY = {"low": 1, "normal": 2, "high": 3, "urgent": 4}  # Freshdesk's numbers


def verified(secret: str, header: str, body: bytes, tolerance_s: int = 300) -> bool:
    """``Frontdesk-Signature: t=UNIX,v1=HEX``, HEX = HMAC-SHA256(secret, f"{t}.{body}")."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if not parts.get("t", "").isdigit() or abs(time.time() - int(parts["t"])) > tolerance_s:
        return False
    signed = parts["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def transcript(ticket: dict[str, Any]) -> str:
    lines = [f"{t['role']}: {t['text']}" for t in ticket["conversation"]["turns"]]
    return "\n".join(lines)


def description(ticket: dict[str, Any]) -> str:
    return (
        f"Handed over by Frontdesk ({ticket['reason']}).\n\n"
        f"Summary:\n{ticket['summary']}\n\n"
        f"Conversation:\n{transcript(ticket)}\n\n"
        f"Frontdesk ticket {ticket['id']}, conversation {ticket['conversation_id']}"
    )


def zendesk_request(ticket: dict[str, Any]) -> dict[str, Any]:
    """Zendesk: ``POST {ZENDESK_URL}/api/v2/tickets.json``, basic auth
    ``{email}/token:{api token}``."""
    return {
        "ticket": {
            "subject": f"Customer handed over by Frontdesk: {ticket['reason']}",
            "comment": {"body": description(ticket), "public": False},
            "priority": ZENDESK_PRIORITY.get(ticket["priority"], "normal"),
            "external_id": ticket["id"],
            "tags": ["frontdesk", f"frontdesk_{ticket['reason']}"],
        }
    }


def freshdesk_request(ticket: dict[str, Any], requester: str) -> dict[str, Any]:
    """Freshdesk: ``POST {FRESHDESK_URL}/api/v2/tickets``, basic auth ``{api key}:X``;
    a requester is required (the customer's e-mail where you know it)."""
    return {
        "subject": f"Customer handed over by Frontdesk: {ticket['reason']}",
        "description": description(ticket).replace("\n", "<br>"),
        "email": requester,
        "priority": FRESHDESK_PRIORITY.get(ticket["priority"], 2),
        "status": 2,  # open
        "tags": ["frontdesk", ticket["reason"]],
    }


def create_ticket(env: dict[str, str], ticket: dict[str, Any], client: httpx.Client) -> str:
    """Create the help desk's ticket; returns its id."""
    if env["HELPDESK"] == "zendesk":
        response = client.post(
            f"{env['ZENDESK_URL']}/api/v2/tickets.json",
            json=zendesk_request(ticket),
            auth=(f"{env['ZENDESK_EMAIL']}/token", env["ZENDESK_TOKEN"]),
        )
        response.raise_for_status()
        return str(response.json()["ticket"]["id"])
    response = client.post(
        f"{env['FRESHDESK_URL']}/api/v2/tickets",
        json=freshdesk_request(ticket, env["FRESHDESK_REQUESTER"]),
        auth=(env["FRESHDESK_KEY"], "X"),
    )
    response.raise_for_status()
    return str(response.json()["id"])


def handle(env: dict[str, str], event: dict[str, Any], client: httpx.Client) -> str:
    """One verified ``handoff.created`` event: read the ticket, open the help desk's."""
    ticket_id = event["data"]["ticket_id"]
    response = client.get(
        f"{env['FRONTDESK_URL']}/v1/tickets/{ticket_id}",
        headers={"Authorization": f"Bearer {env['FRONTDESK_AGENT_KEY']}"},
    )
    response.raise_for_status()
    return create_ticket(env, response.json(), client)


def make_handler(env: dict[str, str], client: httpx.Client) -> type[BaseHTTPRequestHandler]:
    seen: dict[str, str] = {}  # event id -> help desk ticket id (keep it in a database)

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            signature = self.headers.get("Frontdesk-Signature", "")
            if not verified(env["WEBHOOK_SECRET"], signature, body):
                self.send_response(400)
                self.end_headers()
                return
            event = json.loads(body)
            if event["type"] == "handoff.created" and event["id"] not in seen:
                try:
                    seen[event["id"]] = handle(env, event, client)
                except httpx.HTTPError:
                    self.send_response(502)  # Frontdesk retries the delivery with backoff
                    self.end_headers()
                    return
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # no request lines with ids in them on stdout

    return Receiver


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    with httpx.Client(timeout=10) as client:
        server = ThreadingHTTPServer(("0.0.0.0", port), make_handler(dict(os.environ), client))
        server.serve_forever()


if __name__ == "__main__":
    main()
