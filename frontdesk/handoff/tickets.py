"""Tickets: opening one when a conversation goes to a person, the agents' queue, an
agent's replies, assignment, resolution and hand-back. Every change is one transaction,
published to the live streams after it commits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from frontdesk.domain.conversation import Conversation, ConversationStatus, Outcome, Speaker, Turn
from frontdesk.domain.handoff import (
    ACTIVE,
    TICKET_ORDERS,
    EscalationReason,
    Priority,
    Ticket,
    TicketQuery,
    TicketStatus,
)
from frontdesk.domain.replies import HANDOFF_ANSWER
from frontdesk.domain.tenant import Principal
from frontdesk.errors import InvalidInputError
from frontdesk.handoff.events import HandoffEvents
from frontdesk.handoff.summaries import SummaryWriter, summarize
from frontdesk.monitoring.metrics import Metrics
from frontdesk.operations import rollups
from frontdesk.operations.webhooks import enqueue_event
from frontdesk.storage.db import Database
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as repo
from frontdesk.storage.tables import utcnow

log = logging.getLogger(__name__)

_PRIORITY_BY_REASON = {
    EscalationReason.SAFETY.value: Priority.URGENT,
    EscalationReason.REQUESTED_HUMAN.value: Priority.HIGH,
    EscalationReason.REPEATED_FAILURE.value: Priority.HIGH,
    EscalationReason.FRUSTRATION.value: Priority.HIGH,
}


@dataclass(frozen=True, slots=True)
class TicketView:
    ticket: Ticket
    conversation: Conversation


def priority_for(reason: str, requested: str | None = None) -> Priority:
    if requested:
        return Priority(requested)
    return _PRIORITY_BY_REASON.get(reason, Priority.NORMAL)


def open_ticket_in(
    session: Session,
    tenant_id: str,
    conversation_id: str,
    reason: str,
    priority: Priority,
    summary: str | None = None,
) -> Ticket:
    """Inside the caller's transaction: switch the conversation to a person and open
    (or reuse) its ticket. The caller holds the conversation lock, so ``summary`` (else
    the extractive one) was written before: never call a model here."""
    turns = conversations_repo.get(session, tenant_id, conversation_id).turns
    ticket = repo.open_ticket(
        session,
        tenant_id,
        conversation_id,
        reason=reason,
        priority=priority,
        summary=summary or summarize(turns, reason),
    )
    conversations_repo.set_status(session, tenant_id, conversation_id, ConversationStatus.HUMAN)
    # The ticket id is the event id: reusing an open ticket queues nothing new.
    enqueue_event(session, tenant_id, "handoff.created", ticket_event(ticket), event_id=ticket.id)
    return ticket


def ticket_event(ticket: Ticket) -> dict[str, object]:
    """A ticket as webhook data: ids, reason, priority, status; no conversation text."""
    return {
        "ticket_id": ticket.id,
        "conversation_id": ticket.conversation_id,
        "reason": ticket.reason,
        "priority": ticket.priority.value,
        "status": ticket.status.value,
    }


class TicketDesk:
    def __init__(
        self,
        database: Database,
        events: HandoffEvents,
        metrics: Metrics,
        summaries: SummaryWriter,
    ) -> None:
        self._db = database
        self._events = events
        self._metrics = metrics
        self._summaries = summaries

    # customer side

    def request_person(self, tenant_id: str, conversation_id: str) -> Ticket:
        """The customer pressed "talk to a person": open a ticket (once)."""
        reason = EscalationReason.REQUESTED_HUMAN.value
        summary = self._summaries.draft(tenant_id, conversation_id, reason)
        with self._db.transaction() as session:
            conversation = conversations_repo.lock(session, tenant_id, conversation_id)
            existing = repo.current_ticket(session, tenant_id, conversation_id)
            if existing is not None and conversation.status is ConversationStatus.HUMAN:
                return existing
            ticket = open_ticket_in(
                session, tenant_id, conversation_id, reason, Priority.HIGH, summary=summary
            )
            turn = conversations_repo.append_turn(
                session,
                tenant_id,
                conversation_id,
                speaker=Speaker.ASSISTANT,
                text=HANDOFF_ANSWER,
                outcome=Outcome.HANDOFF,
                details={"escalation_reason": reason},
            )
            rollups.record_turn(session, tenant_id, turn)
        self._metrics.escalations.labels(reason=reason).inc()
        self.opened(tenant_id, ticket, turn)
        return ticket

    def opened(self, tenant_id: str, ticket: Ticket, turn: Turn | None) -> None:
        """After the transaction that opened ``ticket`` committed: log it and tell the
        agents and the conversation."""
        log.info(
            "handoff created tenant=%s conversation=%s ticket=%s reason=%s priority=%s",
            tenant_id,
            ticket.conversation_id,
            ticket.id,
            ticket.reason,
            ticket.priority.value,
        )
        self._events.ticket(tenant_id, ticket)
        if turn is not None:
            self._events.turn(tenant_id, turn)
        self._events.status(tenant_id, ticket.conversation_id, ConversationStatus.HUMAN, ticket.id)

    # agent side

    def tickets(
        self,
        tenant_id: str,
        *,
        status: str | None = None,
        reason: str | None = None,
        priority: str | None = None,
        older_than_s: int | None = None,
        order: str = "newest",
        limit: int = 100,
    ) -> list[Ticket]:
        if status is not None and status not in {ACTIVE, *(s.value for s in TicketStatus)}:
            raise InvalidInputError(f"unknown status {status!r}", field="status")
        if priority is not None and priority not in {p.value for p in Priority}:
            raise InvalidInputError(f"unknown priority {priority!r}", field="priority")
        if order not in TICKET_ORDERS:
            raise InvalidInputError(f"unknown order {order!r}", field="order")
        before = utcnow() - timedelta(seconds=older_than_s) if older_than_s else None
        query = TicketQuery(status, reason, priority, before, order, limit)
        with self._db.transaction() as session:
            return repo.list_tickets(session, tenant_id, query)

    def view(self, tenant_id: str, ticket_id: str) -> TicketView:
        with self._db.transaction() as session:
            ticket = repo.get_ticket(session, tenant_id, ticket_id)
            conversation = conversations_repo.get(session, tenant_id, ticket.conversation_id)
        return TicketView(ticket, conversation)

    def current_ticket(self, tenant_id: str, conversation_id: str) -> Ticket | None:
        with self._db.transaction() as session:
            return repo.latest_ticket(session, tenant_id, conversation_id)

    def assign(self, principal: Principal, ticket_id: str) -> Ticket:
        with self._db.transaction() as session:
            ticket = repo.assign(
                session, principal.tenant_id, ticket_id, principal.key_id, principal.display_name
            )
        self._log_assigned(principal, ticket)
        self._events.ticket(principal.tenant_id, ticket)
        return ticket

    def reply(self, principal: Principal, ticket_id: str, text: str) -> Turn:
        """An agent's message to the customer; the first reply assigns the ticket."""
        text = text.strip()
        if not text:
            raise InvalidInputError("text must not be empty", field="text")
        tenant_id = principal.tenant_id
        with self._db.transaction() as session:
            ticket = repo.get_ticket(session, tenant_id, ticket_id)
            conversations_repo.lock(session, tenant_id, ticket.conversation_id)
            was_assigned_to = ticket.assignee_key_id
            ticket = repo.assign(
                session, tenant_id, ticket_id, principal.key_id, principal.display_name
            )
            turn = conversations_repo.append_turn(
                session,
                tenant_id,
                ticket.conversation_id,
                speaker=Speaker.AGENT,
                text=text,
                details={"agent": {"key_id": principal.key_id, "name": principal.display_name}},
            )
            repo.touch(session, tenant_id, ticket_id)
        if was_assigned_to != principal.key_id:
            self._log_assigned(principal, ticket)
        self._events.turn(tenant_id, turn)
        self._events.ticket(tenant_id, ticket)
        return turn

    def resolve(self, principal: Principal, ticket_id: str) -> Ticket:
        return self._close(principal, ticket_id, ConversationStatus.CLOSED)

    def hand_back(self, principal: Principal, ticket_id: str) -> Ticket:
        return self._close(principal, ticket_id, ConversationStatus.BOT)

    def _close(self, principal: Principal, ticket_id: str, status: ConversationStatus) -> Ticket:
        tenant_id = principal.tenant_id
        with self._db.transaction() as session:
            ticket = repo.get_ticket(session, tenant_id, ticket_id)
            conversations_repo.lock(session, tenant_id, ticket.conversation_id)
            ticket = repo.resolve(session, tenant_id, ticket_id)
            conversations_repo.set_status(session, tenant_id, ticket.conversation_id, status)
            if status is ConversationStatus.CLOSED:
                enqueue_event(
                    session,
                    tenant_id,
                    "conversation.resolved",
                    ticket_event(ticket),
                    event_id=f"{ticket.id}.resolved",
                )
        log.info(
            "ticket resolved tenant=%s conversation=%s ticket=%s by=%s conversation_status=%s",
            tenant_id,
            ticket.conversation_id,
            ticket.id,
            principal.key_id,
            status.value,
        )
        self._events.ticket(tenant_id, ticket)
        self._events.status(tenant_id, ticket.conversation_id, status, ticket.id)
        return ticket

    @staticmethod
    def _log_assigned(principal: Principal, ticket: Ticket) -> None:
        log.info(
            "ticket assigned tenant=%s conversation=%s ticket=%s assignee=%s",
            principal.tenant_id,
            ticket.conversation_id,
            ticket.id,
            principal.key_id,
        )
