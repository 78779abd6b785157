"""A fake Chatwoot for tests and benchmarks: a real HTTP app answering the two calls a
bot makes (post a message, toggle a conversation's status) the way Chatwoot's API
description says, recording every request; it can be made to refuse the token
(``token``) or to be down (``down``). :func:`message_event` builds the webhook payloads
Chatwoot sends to a bot."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    token: str | None
    body: Any
    status_code: int


@dataclass
class FakeChatwoot:
    token: str = "bot-token"
    down: bool = False
    requests: list[Recorded] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(900_001))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._arrived = threading.Condition(self._lock)

    def accepted(self) -> list[Recorded]:
        """The requests it answered with success (right token, not down)."""
        with self._lock:
            return [r for r in self.requests if r.status_code == 200]

    def wait_for(self, count: int, timeout_s: float = 30.0) -> list[Recorded]:
        """Block until ``count`` requests arrived; all of them."""
        deadline = time.monotonic() + timeout_s
        with self._arrived:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.requests)} of {count} requests arrived")
                self._arrived.wait(left)
            return list(self.requests)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages")
        async def create_message(account_id: int, conversation_id: int, request: Request) -> Any:
            refused = await self._record(request)
            if refused is not None:
                return refused
            body = await request.json()
            return {
                "id": next(self._ids),
                "content": body.get("content"),
                "content_type": body.get("content_type", "text"),
                "content_attributes": body.get("content_attributes", {}),
                "message_type": 1,
                "created_at": int(time.time()),
                "private": bool(body.get("private", False)),
                "conversation_id": conversation_id,
                "account_id": account_id,
            }

        @app.post("/api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status")
        async def toggle_status(account_id: int, conversation_id: int, request: Request) -> Any:
            refused = await self._record(request)
            if refused is not None:
                return refused
            status = (await request.json()).get("status", "open")
            self.statuses[conversation_id] = status
            return {
                "meta": {},
                "payload": {
                    "success": True,
                    "current_status": status,
                    "conversation_id": conversation_id,
                },
            }

        return app

    async def _record(self, request: Request) -> JSONResponse | None:
        try:
            body = await request.json()
        except ValueError:
            body = None
        token = request.headers.get("api_access_token")
        with self._arrived:
            status = 503 if self.down else 401 if token != self.token else 200
            self.requests.append(Recorded(request.method, request.url.path, token, body, status))
            self._arrived.notify_all()
        if status == 503:
            return JSONResponse({"error": "maintenance"}, status_code=503)
        if status == 401:
            return JSONResponse({"error": "Invalid Access Token"}, status_code=401)
        return None


def message_event(
    message_id: int,
    conversation_id: int,
    content: str,
    *,
    message_type: str = "incoming",
    status: str = "pending",
    sender_type: str = "contact",
    private: bool = False,
    account_id: int = 1,
) -> dict[str, Any]:
    """A ``message_created`` webhook payload as Chatwoot sends it to a bot."""
    sender = {"id": 501, "name": "Ada Customer", "type": sender_type}
    if sender_type == "user":
        sender = {"id": 7, "name": "Grace Agent", "type": "user"}
    return {
        "event": "message_created",
        "id": message_id,
        "content": content,
        "created_at": "2026-12-06T04:00:00.000Z",
        "message_type": message_type,
        "content_type": "text",
        "content_attributes": {},
        "private": private,
        "source_id": None,
        "sender": sender,
        "conversation": {
            "id": conversation_id,
            "status": status,
            "inbox_id": 3,
            "channel": "Channel::WebWidget",
            "contact_inbox": {"source_id": "c0ffee"},
            "meta": {"sender": {"id": 501, "name": "Ada Customer"}, "assignee": None},
        },
        "account": {"id": account_id, "name": "Acme Support"},
        "inbox": {"id": 3, "name": "Website"},
    }
