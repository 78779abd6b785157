"""``/v1/webhooks``: signed outbound event subscriptions (admin) and their delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from frontdesk.api.deps import AdminKey, FrontdeskDep
from frontdesk.api.operations_schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPublic,
    WebhookPublic,
)

router = APIRouter(prefix="/v1/webhooks", tags=["operations"])


@router.get("", response_model=list[WebhookPublic])
def list_webhooks(frontdesk: FrontdeskDep, principal: AdminKey) -> list[WebhookPublic]:
    return [WebhookPublic.of(w) for w in frontdesk.webhooks.subscriptions(principal.tenant_id)]


@router.post("", status_code=201, response_model=WebhookCreated)
def create_webhook(
    body: WebhookCreate, frontdesk: FrontdeskDep, principal: AdminKey
) -> WebhookCreated:
    """Subscribe ``url`` to ``events``. The response's ``secret`` (shown once) verifies
    ``Frontdesk-Signature: t=UNIX,v1=HEX``, HEX = HMAC-SHA256(secret, f"{t}.{body}")."""
    webhook, secret = frontdesk.webhooks.create(
        principal.tenant_id, body.url, body.events, body.description
    )
    return WebhookCreated(secret=secret, **WebhookPublic.of(webhook).model_dump())


@router.delete("/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: str, frontdesk: FrontdeskDep, principal: AdminKey) -> Response:
    frontdesk.webhooks.delete(principal.tenant_id, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=list[WebhookDeliveryPublic])
def list_deliveries(
    webhook_id: str,
    frontdesk: FrontdeskDep,
    principal: AdminKey,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[WebhookDeliveryPublic]:
    """Each event sent (or still being retried) to this webhook, newest first."""
    deliveries = frontdesk.webhooks.deliveries(principal.tenant_id, webhook_id, limit)
    return [WebhookDeliveryPublic.of(d) for d in deliveries]
