"""``/v1/stats/summary``: how the assistant did over a time range, and
``/v1/stats/fairness``: whether a group of customers is served worse (agents and admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from frontdesk.api.deps import FrontdeskDep, StaffKey
from frontdesk.evaluation.fairness import audit
from frontdesk.evaluation.segments import from_turns
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


@router.get("/v1/stats/fairness")
def stats_fairness(
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    by: Annotated[
        str,
        Query(
            min_length=1,
            max_length=64,
            description="language, channel, release or a conversation metadata key (tier)",
        ),
    ] = "language",
    days: Annotated[float, Query(gt=0, le=366)] = 30,
    threshold: Annotated[float, Query(ge=0, le=1)] = 0.1,
    min_n: Annotated[int, Query(ge=1, le=100_000)] = 5,
) -> dict[str, Any]:
    """The fairness audit of the stored turns of the last ``days`` (as ``frontdesk audit
    fairness``): per segment ``n``, escalation and refusal rates with 95% Wilson intervals,
    CSAT, p50 latency and the ``gap`` to the best segment; ``flagged`` lists the gaps above
    ``threshold`` that the intervals confirm."""
    observations = from_turns(frontdesk.database, principal.tenant_id, by, days)
    return {"by": by, "days": days, **audit(observations, threshold=threshold, min_n=min_n)}
