"""``/v1/stats/summary``: how the assistant did over a time range (agents and admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from frontdesk.api.deps import FrontdeskDep, StaffKey
from frontdesk.operations.summary import SummaryQuery

router = APIRouter(tags=["operations"])


@router.get("/v1/stats/summary")
def stats_summary(
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    start: Annotated[datetime, Query(alias="from", description="ISO 8601 with a time zone")],
    end: Annotated[datetime, Query(alias="to", description="ISO 8601 with a time zone")],
    release: Annotated[str | None, Query(max_length=64)] = None,
    bucket: Literal["hour", "day", "week"] | None = None,
) -> dict[str, Any]:
    """Turns, rates, latency percentiles, confidence, safety triggers, feedback, LLM
    tokens and cost over whole hours of ``[from, to)``, a ``series`` per bucket, and the
    most frequent unanswered and escalated questions (PII-redacted, grouped)."""
    return frontdesk.stats.summary(
        SummaryQuery(principal.tenant_id, start, end, release or None, bucket)
    )
