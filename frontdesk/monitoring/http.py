"""Times every HTTP request by route template (never the raw path: ids would explode
the label set)."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdesk.monitoring.metrics import Metrics


class RequestMetrics:
    """ASGI middleware; the metrics live on the running Frontdesk (``app.state``), which
    the lifespan creates after the middleware stack is built."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            frontdesk = getattr(scope["app"].state, "frontdesk", None)
            metrics: Metrics | None = getattr(frontdesk, "metrics", None)
            if metrics is not None:
                metrics.requests.labels(
                    route=template, method=scope.get("method", ""), status=str(status)
                ).observe(time.perf_counter() - started)
