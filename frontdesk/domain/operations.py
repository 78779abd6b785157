"""Alert rules, their history, and webhook subscriptions and deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class AlertMetric(StrEnum):
    """What a rule watches; every one fires when its value goes above the threshold."""

    CONFIDENCE_DROP = "confidence_drop"  # 1 - mean confidence / the previous week's same window
    P95_LATENCY_MS = "p95_latency_ms"
    SAFETY_TRIGGER_RATE = "safety_trigger_rate"
    ESCALATION_RATE = "escalation_rate"
    ERROR_RATE = "error_rate"
    # Share of the tenant's daily LLM token or cost budget used today (UTC), whichever is
    # higher; fires at (not only above) the threshold, so 1.0 means "used up".
    LLM_BUDGET_USED = "llm_budget_used"


class AlertState(StrEnum):
    OK = "ok"
    FIRING = "firing"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class AlertRule:
    id: str
    name: str
    metric: AlertMetric
    threshold: float
    window_minutes: int
    min_sample: int
    enabled: bool
    state: AlertState
    last_value: float | None
    last_sample: int
    last_evaluated_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """A rule changed state (firing or resolved): one line of the alert history."""

    id: str
    rule_id: str
    rule_name: str
    metric: str
    state: AlertState
    value: float | None
    threshold: float
    sample: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    url: str
    events: list[str]
    description: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    status: str  # pending | delivered | failed
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
