"""Handoff tickets and customer feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class TicketStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


# The queue's statuses: "active" is every ticket still waiting for or held by a person.
ACTIVE = "active"
TICKET_ORDERS = ("newest", "priority")
# The queue's owner filter: ``mine`` is the caller's tickets, ``unassigned`` nobody's.
OWNERS = ("all", "mine", "unassigned")
UNASSIGNED = "unassigned"


@dataclass(frozen=True, slots=True)
class TicketQuery:
    """Which tickets to list, and in what order. ``order="priority"`` is a queue's order:
    urgent first, and within one priority the customer who has waited longest."""

    status: str | None = None  # a TicketStatus value or "active"
    reason: str | None = None
    priority: str | None = None
    created_before: datetime | None = None
    order: str = "newest"
    limit: int = 100
    owner_id: str | None = None  # an assignee's id, or UNASSIGNED
    text: str | None = None  # a word or phrase of the summary, or the ticket's id


class EscalationReason(StrEnum):
    """Why the assistant handed a conversation to a person."""

    LOW_CONFIDENCE = "low_confidence"
    OUT_OF_SCOPE = "out_of_scope"
    REQUESTED_HUMAN = "requested_human"
    POLICY = "policy"
    SAFETY = "safety"
    REPEATED_FAILURE = "repeated_failure"
    FRUSTRATION = "frustration"
    INTENT = "intent"  # the release routes this intent to a person
    # Only a person can do what the customer asks, or should hear it (needs_person stage):
    ACCOUNT_CHANGE = "account_change"  # change the account's e-mail, name, phone, …
    REFUND_REQUEST = "refund_request"  # refund or compensate
    CASE_ACTION = "case_action"  # act on a specific shipment, claim or invoice
    COMPLAINT = "complaint"
    LEGAL_THREAT = "legal_threat"


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str
    tenant_id: str
    conversation_id: str
    status: TicketStatus
    reason: str
    priority: Priority
    summary: str
    # The owner: the named agent's id, or for a key without an agent the key's id.
    assignee_key_id: str | None
    assignee_name: str | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    # When the customer left the conversation while it waited for a person; None: still there.
    customer_left_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Feedback:
    id: str
    conversation_id: str
    turn_id: str | None
    kind: str  # thumbs | csat
    value: int
    comment: str
    release_id: str | None
    created_at: datetime
