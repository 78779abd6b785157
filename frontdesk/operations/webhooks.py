"""Outbound webhooks: subscriptions, the outbox, signing and delivery with retries.

An event is written to the outbox (one delivery row per matching subscription) in the
same transaction as the change it reports, so it is never lost nor sent for a change
that rolled back. A sender loop on each replica claims due rows one attempt at a time,
POSTs them and retries failures with exponential backoff for a day.

Each request carries ``Frontdesk-Signature: t=UNIX,v1=HEX`` with
``HEX = HMAC-SHA256(secret, f"{t}.{body}")`` (Stripe's scheme) and the event id in
``Frontdesk-Event-Id``; a receiver verifies the signature, rejects stale ``t`` and
drops ids it has already seen (a delivery may repeat if a response is lost).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session

from frontdesk.domain.operations import Webhook, WebhookDelivery
from frontdesk.errors import InvalidInputError
from frontdesk.guards import TextVault
from frontdesk.operations.email import EmailSender
from frontdesk.storage.db import Database
from frontdesk.storage.ids import new_id
from frontdesk.storage.repos import webhooks as repo
from frontdesk.storage.tables import utcnow
from frontdesk.tls import client_tls

log = logging.getLogger(__name__)
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")

EVENT_TYPES = (
    "alert.firing",
    "alert.resolved",
    "handoff.created",
    "conversation.resolved",
    "feedback.created",
    "release.created",
    "release.labelled",
    "release.promoted",
    "release.rolled_back",
    "rollout.started",
    "rollout.finished",
)
FIRST_RETRY = timedelta(seconds=10)
MAX_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=1)
LEASE = timedelta(seconds=60)  # longer than the request timeout
TIMEOUT_S = 10.0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Frontdesk-Signature`` header value for ``body`` sent at ``timestamp``."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = 300) -> bool:
    """What a receiver does (and the tests): a valid, fresh signature."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def retry_delay(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s … doubling up to an hour between attempts."""
    delay: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_RETRY)


def enqueue_event(
    session: Session,
    tenant_id: str,
    event_type: str,
    data: dict[str, Any],
    *,
    event_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """Queue ``event_type`` for the tenant's subscriptions to it, in the caller's
    transaction; returns the event id."""
    event_id = event_id or new_id()
    now = now or utcnow()
    targets = [
        w.id
        for w in repo.list_webhooks(session, tenant_id)
        if event_type in w.events or "*" in w.events
    ]
    payload = {"id": event_id, "type": event_type, "created_at": now.isoformat(), "data": data}
    repo.add_deliveries(
        session,
        tenant_id,
        targets,
        event_id=event_id,
        event_type=event_type,
        payload=payload,
        now=now,
    )
    return event_id


def _checked_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e != "*" and e not in EVENT_TYPES]
    if not chosen or unknown:
        raise InvalidInputError(
            f"events must name some of: {', '.join(EVENT_TYPES)} (or '*')"
            + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
            field="events",
        )
    return chosen


def _checked_url(url: str, email: bool) -> str:
    url = url.strip()
    if url.startswith("mailto:"):
        if not email:
            raise InvalidInputError(
                "e-mail subscriptions need an SMTP server (FRONTDESK_SMTP_URL)", field="url"
            )
        if not _EMAIL.match(url[len("mailto:") :]):
            raise InvalidInputError("mailto: needs one e-mail address", field="url")
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError("url must be an absolute http(s) URL or mailto:", field="url")
    return url


class WebhookDesk:
    """Subscriptions (create, list, delete), their delivery log, and the sender."""

    def __init__(
        self,
        database: Database,
        vault: TextVault,
        client: httpx.Client | None = None,
        email: EmailSender | None = None,
    ) -> None:
        self._db = database
        self._vault = vault
        self._client = client or httpx.Client(
            timeout=TIMEOUT_S, follow_redirects=False, verify=client_tls()
        )
        self._email = email

    def close(self) -> None:
        self._client.close()

    def create(
        self, tenant_id: str, url: str, events: Iterable[str], description: str = ""
    ) -> tuple[Webhook, str]:
        """A new subscription and its signing secret (returned this once)."""
        secret = "whsec_" + secrets.token_urlsafe(32)
        with self._db.transaction() as session:
            webhook = repo.create(
                session,
                tenant_id,
                url=_checked_url(url, self._email is not None),
                events=_checked_events(events),
                secret_encrypted=self._vault.encrypt(secret),
                description=description,
            )
        return webhook, secret

    def subscriptions(self, tenant_id: str) -> list[Webhook]:
        with self._db.transaction() as session:
            return repo.list_webhooks(session, tenant_id)

    def delete(self, tenant_id: str, webhook_id: str) -> None:
        with self._db.transaction() as session:
            repo.delete(session, tenant_id, webhook_id)

    def deliveries(
        self, tenant_id: str, webhook_id: str, limit: int = 100
    ) -> list[WebhookDelivery]:
        with self._db.transaction() as session:
            return repo.list_deliveries(session, tenant_id, webhook_id, limit)

    def publish(self, tenant_id: str, event_type: str, data: dict[str, Any]) -> str:
        """Queue an event outside any other transaction."""
        with self._db.transaction() as session:
            return enqueue_event(session, tenant_id, event_type, data)

    def deliver_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """Send every due delivery this replica can claim; returns how many it sent."""
        now = now or utcnow()
        with self._db.transaction() as session:
            due = repo.due(session, now, limit)
        sent = 0
        for tenant_id, delivery_id in due:
            with self._db.transaction() as session:
                delivery = repo.claim(session, tenant_id, delivery_id, now, now + LEASE)
                if delivery is None:
                    continue  # another replica has it
                webhook = repo.get(session, tenant_id, delivery.webhook_id)
                secret = self._vault.decrypt(repo.secret_of(session, tenant_id, webhook.id))
            self._attempt(tenant_id, webhook, secret, delivery, now)
            sent += 1
        return sent

    def _attempt(
        self,
        tenant_id: str,
        webhook: Webhook,
        secret: str,
        delivery: WebhookDelivery,
        now: datetime,
    ) -> None:
        body = body_of(delivery.payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Frontdesk-Webhooks/1",
            "Frontdesk-Event-Id": delivery.event_id,
            "Frontdesk-Event-Type": delivery.event_type,
            "Frontdesk-Signature": sign(secret, int(utcnow().timestamp()), body),
        }
        status_code: int | None = None
        error: str | None = None
        try:
            if webhook.url.startswith("mailto:"):
                if self._email is None:
                    raise smtplib.SMTPException("no SMTP server configured (FRONTDESK_SMTP_URL)")
                self._email.send_event(webhook.url[len("mailto:") :], delivery.payload)
            else:
                response = self._client.post(webhook.url, content=body, headers=headers)
                status_code = response.status_code
                if not response.is_success:
                    error = f"HTTP {status_code}"
        except (httpx.HTTPError, smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        delivered = error is None
        gave_up = not delivered and now + retry_delay(delivery.attempts) - delivery.created_at > (
            GIVE_UP_AFTER
        )
        status = "delivered" if delivered else ("failed" if gave_up else "pending")
        with self._db.transaction() as session:
            repo.finish(
                session,
                tenant_id,
                delivery.id,
                status=status,
                status_code=status_code,
                error=error,
                next_attempt_at=now + retry_delay(delivery.attempts),
                delivered_at=now if delivered else None,
            )
        log.info(
            "webhook delivery tenant=%s webhook=%s event=%s type=%s attempt=%s status=%s code=%s",
            tenant_id,
            webhook.id,
            delivery.event_id,
            delivery.event_type,
            delivery.attempts,
            status,
            status_code,
        )
