"""Liveness and readiness probes (no authentication)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from frontdesk.api.deps import FrontdeskDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(frontdesk: FrontdeskDep) -> JSONResponse:
    """``{"status": "ok"|"degraded"|"unavailable", "checks": {...}}``: 200 while the
    replica serves (``degraded``: Redis unreachable, rate limits per replica), 503 when it
    cannot (database unreachable, migrations behind, models loading)."""
    status, checks = frontdesk.readiness()
    return JSONResponse(
        {"status": status, "checks": checks},
        status_code=503 if status == "unavailable" else 200,
    )


@router.get("/metrics", response_class=Response)
def metrics(frontdesk: FrontdeskDep) -> Response:
    """Prometheus metrics: turns by outcome, stage latencies, guard flags, escalations,
    feedback and HTTP requests (aggregates only; no tenant data)."""
    return Response(
        frontdesk.metrics.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8"
    )
