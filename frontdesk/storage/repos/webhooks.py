"""Webhook subscriptions and their delivery outbox, always filtered by tenant (except the
due-delivery scan of the sender, which then works row by row)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontdesk.domain.operations import Webhook, WebhookDelivery
from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.ops_tables import WebhookDeliveryRow, WebhookRow
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import utcnow


def _webhook(row: WebhookRow) -> Webhook:
    return from_row(Webhook, row, events=list(row.events or []))


def _delivery(row: WebhookDeliveryRow) -> WebhookDelivery:
    return from_row(WebhookDelivery, row, payload=dict(row.payload or {}))


def create(
    session: Session,
    tenant_id: str,
    *,
    url: str,
    events: list[str],
    secret_encrypted: str,
    description: str,
) -> Webhook:
    row = WebhookRow(
        id=new_id(),
        tenant_id=tenant_id,
        url=url,
        events=events,
        secret_encrypted=secret_encrypted,
        description=description,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _webhook(row)


def _row(session: Session, tenant_id: str, webhook_id: str) -> WebhookRow:
    row = session.scalar(
        select(WebhookRow).where(WebhookRow.tenant_id == tenant_id, WebhookRow.id == webhook_id)
    )
    if row is None:
        raise NotFoundError(f"webhook {webhook_id!r} not found")
    return row


def get(session: Session, tenant_id: str, webhook_id: str) -> Webhook:
    return _webhook(_row(session, tenant_id, webhook_id))


def secret_of(session: Session, tenant_id: str, webhook_id: str) -> str:
    return _row(session, tenant_id, webhook_id).secret_encrypted


def list_webhooks(session: Session, tenant_id: str) -> list[Webhook]:
    rows = session.scalars(
        select(WebhookRow).where(WebhookRow.tenant_id == tenant_id).order_by(WebhookRow.created_at)
    )
    return [_webhook(r) for r in rows]


def delete(session: Session, tenant_id: str, webhook_id: str) -> None:
    session.delete(_row(session, tenant_id, webhook_id))


def add_deliveries(
    session: Session,
    tenant_id: str,
    webhook_ids: list[str],
    *,
    event_id: str,
    event_type: str,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """One pending delivery per subscription; an event id already queued for a
    subscription is skipped (idempotent by event id)."""
    if not webhook_ids:
        return
    rows = [
        {
            "id": new_id(),
            "tenant_id": tenant_id,
            "webhook_id": webhook_id,
            "event_id": event_id,
            "event_type": event_type,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for webhook_id in sorted(webhook_ids)
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(WebhookDeliveryRow)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["webhook_id", "event_id"])
    )


def list_deliveries(
    session: Session, tenant_id: str, webhook_id: str, limit: int
) -> list[WebhookDelivery]:
    _row(session, tenant_id, webhook_id)  # 404 for another tenant's webhook
    rows = session.scalars(
        select(WebhookDeliveryRow)
        .where(
            WebhookDeliveryRow.tenant_id == tenant_id, WebhookDeliveryRow.webhook_id == webhook_id
        )
        .order_by(WebhookDeliveryRow.created_at.desc(), WebhookDeliveryRow.id)
        .limit(limit)
    )
    return [_delivery(r) for r in rows]


def due(session: Session, now: datetime, limit: int) -> list[tuple[str, str]]:
    """(tenant id, delivery id) of pending deliveries due now, oldest first."""
    rows = session.execute(
        select(WebhookDeliveryRow.tenant_id, WebhookDeliveryRow.id)
        .where(WebhookDeliveryRow.status == "pending", WebhookDeliveryRow.next_attempt_at <= now)
        .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.created_at)
        .limit(limit)
    )
    return [(str(t), str(i)) for t, i in rows]


def claim(
    session: Session, tenant_id: str, delivery_id: str, now: datetime, lease_until: datetime
) -> WebhookDelivery | None:
    """Take one attempt of a due delivery (compare-and-set on ``next_attempt_at``, so one
    replica sends it); the lease keeps others off while the request is in flight."""
    result = session.execute(
        update(WebhookDeliveryRow)
        .where(
            WebhookDeliveryRow.tenant_id == tenant_id,
            WebhookDeliveryRow.id == delivery_id,
            WebhookDeliveryRow.status == "pending",
            WebhookDeliveryRow.next_attempt_at <= now,
        )
        .values(next_attempt_at=lease_until, attempts=WebhookDeliveryRow.attempts + 1)
    )
    if not getattr(result, "rowcount", 0):
        return None
    row = session.scalar(
        select(WebhookDeliveryRow).where(
            WebhookDeliveryRow.tenant_id == tenant_id, WebhookDeliveryRow.id == delivery_id
        )
    )
    return None if row is None else _delivery(row)


def finish(
    session: Session,
    tenant_id: str,
    delivery_id: str,
    *,
    status: str,
    status_code: int | None,
    error: str | None,
    next_attempt_at: datetime,
    delivered_at: datetime | None,
) -> None:
    session.execute(
        update(WebhookDeliveryRow)
        .where(WebhookDeliveryRow.tenant_id == tenant_id, WebhookDeliveryRow.id == delivery_id)
        .values(
            status=status,
            last_status_code=status_code,
            last_error=error,
            next_attempt_at=next_attempt_at,
            delivered_at=delivered_at,
        )
    )
