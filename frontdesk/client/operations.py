"""Stats, alert rules, webhooks and the Chatwoot integration's configuration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from frontdesk.api.operations_schemas import (
    AlertEventPublic,
    AlertRuleCreate,
    AlertRulePublic,
    AlertRuleUpdate,
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPublic,
    WebhookPublic,
)
from frontdesk.api.routes.integrations import ChatwootConfigure, ChatwootConfigured, ChatwootPublic
from frontdesk.client.call import Call, as_dict, many, nothing, one, route


@route("GET", "/v1/stats/summary")
def stats_summary(
    start: datetime, end: datetime, *, release: str | None = None, bucket: str | None = None
) -> Call[dict[str, Any]]:
    """Figures over whole hours of ``[start, end)`` (time-zone aware)."""
    params = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "release": release,
        "bucket": bucket,
    }
    return Call(as_dict, params=params)


@route("GET", "/v1/stats/fairness")
def stats_fairness(
    *, by: str = "language", days: float = 30, threshold: float = 0.1, min_n: int = 5
) -> Call[dict[str, Any]]:
    """The fairness audit of the stored turns of the last ``days``, segmented ``by``."""
    params = {"by": by, "days": days, "threshold": threshold, "min_n": min_n}
    return Call(as_dict, params=params)


@route("GET", "/v1/alerts/rules")
def list_alert_rules() -> Call[list[AlertRulePublic]]:
    return Call(many(AlertRulePublic))


@route("POST", "/v1/alerts/rules")
def create_alert_rule(rule: AlertRuleCreate) -> Call[AlertRulePublic]:
    return Call(one(AlertRulePublic), json=rule.model_dump(mode="json", exclude_unset=True))


@route("PATCH", "/v1/alerts/rules/{rule_id}")
def update_alert_rule(rule_id: str, changes: AlertRuleUpdate) -> Call[AlertRulePublic]:
    fields = changes.model_dump(mode="json", exclude_unset=True)
    return Call(one(AlertRulePublic), {"rule_id": rule_id}, json=fields)


@route("DELETE", "/v1/alerts/rules/{rule_id}")
def delete_alert_rule(rule_id: str) -> Call[None]:
    return Call(nothing, {"rule_id": rule_id})


@route("GET", "/v1/alerts")
def alert_history(*, rule_id: str | None = None, limit: int = 100) -> Call[list[AlertEventPublic]]:
    return Call(many(AlertEventPublic), params={"rule_id": rule_id, "limit": limit})


@route("GET", "/v1/webhooks")
def list_webhooks() -> Call[list[WebhookPublic]]:
    return Call(many(WebhookPublic))


@route("POST", "/v1/webhooks")
def create_webhook(webhook: WebhookCreate) -> Call[WebhookCreated]:
    fields = webhook.model_dump(mode="json", exclude_unset=True)
    return Call(one(WebhookCreated), json=fields)


@route("DELETE", "/v1/webhooks/{webhook_id}")
def delete_webhook(webhook_id: str) -> Call[None]:
    return Call(nothing, {"webhook_id": webhook_id})


@route("GET", "/v1/webhooks/{webhook_id}/deliveries")
def webhook_deliveries(webhook_id: str, *, limit: int = 100) -> Call[list[WebhookDeliveryPublic]]:
    return Call(many(WebhookDeliveryPublic), {"webhook_id": webhook_id}, params={"limit": limit})


@route("GET", "/v1/integrations/chatwoot")
def get_chatwoot() -> Call[ChatwootPublic]:
    return Call(one(ChatwootPublic))


@route("PUT", "/v1/integrations/chatwoot")
def configure_chatwoot(config: ChatwootConfigure) -> Call[ChatwootConfigured]:
    fields = config.model_dump(mode="json", exclude_unset=True)
    return Call(one(ChatwootConfigured), json=fields)


@route("DELETE", "/v1/integrations/chatwoot")
def remove_chatwoot() -> Call[None]:
    return Call(nothing)
