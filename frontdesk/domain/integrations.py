"""Help desks Frontdesk plugs into: a tenant's Chatwoot connection and the Chatwoot
messages it has seen (no secrets in these records: the token stays in storage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ChatwootIntegration:
    """``state``: ``ok``, ``unauthorized`` (the token was refused: configure a new one)
    or ``unreachable`` (the last call failed; messages wait and are retried)."""

    tenant_id: str
    base_url: str
    account_id: int
    state: str
    last_error: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ChatwootMessage:
    """A Chatwoot message by id. ``kind``: customer, agent or posted; ``status`` of a
    customer's: received, delivering (replies in ``actions`` not all sent), done, failed
    (gave up: ``last_error`` says why)."""

    tenant_id: str
    message_id: int
    chatwoot_conversation_id: int
    kind: str
    status: str
    event: dict[str, Any]
    turn_id: str | None
    outcome: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    done_at: datetime | None
    actions: list[dict[str, Any]] = field(default_factory=list)
