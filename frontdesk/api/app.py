"""The application factory. No globals: everything hangs off ``app.state``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

import frontdesk
from frontdesk.api.errors import install_error_handlers
from frontdesk.api.openapi import install_openapi
from frontdesk.api.routes import (
    adapters,
    agents,
    alerts,
    canned,
    chat_completions,
    conversations,
    health,
    integrations,
    intents,
    keys,
    knowledge,
    privacy,
    releases,
    rollouts,
    stats,
    tenant,
    tickets,
    webhooks,
)
from frontdesk.gateway.fair_share import TurnSlots, default_slots
from frontdesk.gateway.key_share import KeyShare
from frontdesk.gateway.limits import BodySizeLimit
from frontdesk.gateway.ratelimit import build_rate_limiter
from frontdesk.gateway.text import InvalidTextGuard
from frontdesk.monitoring.http import RequestMetrics
from frontdesk.privacy.schedule import RetentionSweeper
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.web import docs, pages


def _redis_reporter(app: FastAPI, component: str) -> Callable[[bool], None]:
    """Meters a limiter's fall-back to per-replica limits on the running instance."""

    def report(degraded: bool) -> None:
        running: Frontdesk | None = getattr(app.state, "frontdesk", None)
        if running is not None:
            running.metrics.redis_state(component, degraded)

    return report


def create_app(settings: Settings | None = None, *, instance: Frontdesk | None = None) -> FastAPI:
    """Build the API. Pass ``instance`` to serve an already-built :class:`Frontdesk`
    (tests, embedding); otherwise one is built from ``settings`` at start-up."""
    settings = settings or (instance.settings if instance else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = instance is None
        # Turns waiting for a slot wait in a worker thread: with anyio's default 40, a
        # burst from one key would hold every thread and queue the others' requests
        # (even reads) behind it in arrival order. Waiting threads cost little.
        threads = to_thread.current_default_thread_limiter()
        threads.total_tokens = max(threads.total_tokens, app.state.turn_slots.thread_budget())
        running = instance or Frontdesk(settings)
        app.state.frontdesk = running
        await run_in_threadpool(running.warm_up)
        running.start_background()
        if share is not None:
            await run_in_threadpool(share.start)
        retention = RetentionSweeper(running.privacy, settings.retention_interval_s)
        retention.start()
        try:
            yield
        finally:
            retention.stop()
            if share is not None:
                share.close()
            if owned:
                running.close()

    app = FastAPI(
        title="Frontdesk",
        version=frontdesk.__version__,
        description="Self-hostable AI customer support: grounded answers with citations.",
        lifespan=lifespan,
        # Served offline by frontdesk/web/docs.py instead of from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.rate_limiter = build_rate_limiter(
        settings.rate_limit_per_minute,
        settings.redis_url,
        on_change=_redis_reporter(app, "rate_limit"),
    )
    # Requests without a valid key are counted per address: key guessing and anonymous
    # floods get 429.
    app.state.address_limiter = build_rate_limiter(
        settings.auth_failures_per_minute,
        settings.redis_url,
        prefix="frontdesk:rl-anon",
        what="without a valid API key from this address",
        on_change=_redis_reporter(app, "auth_failure_limit"),
    )
    slots = settings.turn_slots or default_slots()
    # With Redis a key's turns are also shared across replicas: replicas sharing a host
    # otherwise run one key's burst on all of them at once. Work-conserving: a key alone
    # still uses every slot (bench/RESULTS.md, "work-conserving").
    share = (
        KeyShare(
            settings.redis_url,
            slots,
            cap=settings.key_turn_slots,
            on_change=_redis_reporter(app, "turn_share"),
        )
        if settings.redis_url and settings.key_turn_share
        else None
    )
    app.state.turn_slots = TurnSlots(slots, share=share)
    install_error_handlers(app)
    app.add_middleware(InvalidTextGuard)  # inside CORS, so its 422 carries CORS headers
    # Keys travel in the Authorization header, never in cookies, so any site may embed the
    # widget; FRONTDESK_CORS_ORIGINS narrows it.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["Idempotent-Replayed", "Retry-After", "X-Request-ID"],
        max_age=600,
    )
    app.add_middleware(RequestMetrics)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        prefix_limits={
            "/v1/knowledge/documents": settings.max_upload_bytes,
            "/v1/intents/train": settings.max_upload_bytes,
            "/v1/releases/eval-set": settings.max_upload_bytes,
            # Chatwoot's events carry the whole conversation and contact around a message.
            "/v1/integrations/chatwoot/": 4 * settings.max_body_bytes,
        },
    )
    app.include_router(health.router)
    app.include_router(conversations.router)
    app.include_router(keys.router)
    app.include_router(knowledge.router)
    app.include_router(intents.router)
    app.include_router(adapters.router)
    app.include_router(tickets.router)
    app.include_router(agents.router)
    app.include_router(canned.router)
    app.include_router(tenant.router)
    app.include_router(privacy.router)
    app.include_router(chat_completions.router)
    app.include_router(releases.router)
    app.include_router(releases.audit_router)
    app.include_router(rollouts.router)
    app.include_router(stats.router)
    app.include_router(alerts.router)
    app.include_router(webhooks.router)
    app.include_router(integrations.router)
    app.include_router(pages.router)
    app.include_router(docs.router)
    install_openapi(app)
    return app
