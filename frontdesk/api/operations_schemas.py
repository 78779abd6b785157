"""Request and response bodies of the alert and webhook API."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from frontdesk.domain.operations import (
    AlertEvent,
    AlertMetric,
    AlertRule,
    Webhook,
    WebhookDelivery,
)


class AlertRuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    metric: AlertMetric
    threshold: StrictFloat = Field(ge=0, description="Fires when the metric goes above this.")
    window_minutes: StrictInt = Field(60, ge=1, le=7 * 24 * 60)
    min_sample: StrictInt = Field(50, ge=1, description="Turns needed in the window to judge.")
    enabled: StrictBool = True  # 0 and 1 are not switches


class AlertRuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=100)
    threshold: StrictFloat | None = Field(None, ge=0)
    window_minutes: StrictInt | None = Field(None, ge=1, le=7 * 24 * 60)
    min_sample: StrictInt | None = Field(None, ge=1)
    enabled: StrictBool | None = None


class AlertRulePublic(BaseModel):
    id: str
    name: str
    metric: str
    threshold: float
    window_minutes: int
    min_sample: int
    enabled: bool
    state: str = Field(description="ok, firing or resolved")
    last_value: float | None
    last_sample: int
    last_evaluated_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, rule: AlertRule) -> AlertRulePublic:
        return cls.model_validate(asdict(rule))


class AlertEventPublic(BaseModel):
    id: str
    rule_id: str
    rule_name: str
    metric: str
    state: str
    value: float | None
    threshold: float
    sample: int
    created_at: datetime

    @classmethod
    def of(cls, event: AlertEvent) -> AlertEventPublic:
        return cls.model_validate(asdict(event))


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000)
    events: list[str] = Field(
        min_length=1,
        description="alert.firing, alert.resolved, handoff.created, conversation.resolved, "
        "feedback.created, release.created, release.labelled, release.promoted, "
        "release.rolled_back, rollout.started, rollout.finished, or '*' for all",
    )
    description: str = Field("", max_length=200)


class WebhookPublic(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str
    created_at: datetime

    @classmethod
    def of(cls, webhook: Webhook) -> WebhookPublic:
        return cls.model_validate(asdict(webhook))


class WebhookCreated(WebhookPublic):
    secret: str = Field(description="Signing secret; shown only now.")


class WebhookDeliveryPublic(BaseModel):
    id: str
    event_id: str
    event_type: str
    status: str = Field(description="pending, delivered or failed")
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> WebhookDeliveryPublic:
        return cls.model_validate(asdict(delivery))
