"""Times and logs every HTTP request by route template (never the raw path: ids would
explode the label set, and a path may carry what a customer typed), and gives each one a
request id: the caller's ``X-Request-ID`` when sane, else a new one, returned in the
response's ``X-Request-ID`` and on every log line written while serving it."""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdesk.monitoring import context
from frontdesk.monitoring.metrics import Metrics
from frontdesk.monitoring.tracing import Tracing, end_request

log = logging.getLogger(__name__)


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
        header = dict(scope.get("headers") or []).get(b"x-request-id")
        request = context.start(
            context.request_id_from(header.decode("latin-1") if header else None)
        )

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request.request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        frontdesk = getattr(scope["app"].state, "frontdesk", None)
        tracing: Tracing | None = getattr(frontdesk, "tracing", None)
        method = scope.get("method", "")
        try:
            with tracing.request(method) if tracing is not None else nullcontext() as span:
                try:
                    await self.app(scope, receive, record_status)
                finally:
                    if span is not None:
                        route = _template(scope)
                        end_request(span, method, route, status, request.request_id, request.tenant)
        finally:
            template = _template(scope)
            metrics: Metrics | None = getattr(frontdesk, "metrics", None)
            elapsed = time.perf_counter() - started
            if metrics is not None:
                metrics.requests.labels(route=template, method=method, status=str(status)).observe(
                    elapsed
                )
            log.log(
                logging.WARNING if status >= 500 else logging.INFO,
                "request handled method=%s route=%s status=%d duration_ms=%.1f",
                method,
                template,
                status,
                elapsed * 1000,
            )


def _template(scope: Scope) -> str:
    return getattr(scope.get("route"), "path", None) or "unmatched"
