"""A webhook receiver for tests and benchmarks: a real HTTP app that checks each
request's signature, keeps the events it accepted once per event id, and can be made
to fail (``down``) to exercise retries."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request, Response

from frontdesk.operations.webhooks import verify


@dataclass
class WebhookReceiver:
    secret: str = ""
    down: bool = False
    attempts: int = 0
    rejected: int = 0
    duplicates: int = 0
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            body = await request.body()
            with self._lock:
                self.attempts += 1
                if self.down:
                    return Response(status_code=503)
                header = request.headers.get("frontdesk-signature", "")
                if not verify(self.secret, header, body, int(time.time())):
                    self.rejected += 1
                    return Response(status_code=400)
                event = json.loads(body)
                if event["id"] != request.headers.get("frontdesk-event-id"):
                    self.rejected += 1
                    return Response(status_code=400)
                if event["id"] in self.events:
                    self.duplicates += 1
                else:
                    self.events[event["id"]] = event
            return Response(status_code=204)

        return app
