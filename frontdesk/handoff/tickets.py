"""Tickets: opening one when a conversation goes to a person, the agents' queue, an
agent's replies, assignment, resolution and hand-back. Every change is one transaction,
published to the live streams after it commits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontdesk.domain.agents import actor_of
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
from frontdesk.domain.tenant import KeyRole, Principal
from frontdesk.errors import ConflictError, InvalidInputError, PermissionDeniedError
from frontdesk.handoff import priority as priorities
from frontdesk.handoff.decide import is_frustrated
from frontdesk.handoff.events import HandoffEvents
from frontdesk.handoff.notice import handoff_notice
from frontdesk.handoff.summaries import SummaryWriter, summarize
from frontdesk.handoff.ticket_names import learn_from_greeting, learn_from_metadata
from frontdesk.monitoring.metrics import Metrics
from frontdesk.operations import rollups
from frontdesk.operations.webhooks import enqueue_event
from frontdesk.storage.db import Database
from frontdesk.storage.repos import agents as agents_repo
from frontdesk.storage.repos import audit
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as repo
from frontdesk.storage.tables import utcnow

log = logging.getLogger(__name__)
# Ordering or filtering by the computed priority happens here, over at most this many of
# the tickets matching the other filters (oldest first, so the longest waits are in).
PRIORITY_SCAN = 5000

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
    conversation = conversations_repo.get(session, tenant_id, conversation_id)
    turns = conversation.turns
    learn_from_metadata(session, tenant_id, conversation_id, conversation.metadata)
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
            text, language = handoff_notice(session, tenant_id, conversation)
            turn = conversations_repo.append_turn(
                session,
                tenant_id,
                conversation_id,
                speaker=Speaker.ASSISTANT,
                text=text,
                outcome=Outcome.HANDOFF,
                details={"escalation_reason": reason, **language},
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
        owner_id: str | None = None,
        text: str | None = None,
    ) -> list[Ticket]:
        """The queue. Priorities are the computed ones (``priority.effective``), so the
        priority filter and order apply after the database's other filters."""
        if status is not None and status not in {ACTIVE, *(s.value for s in TicketStatus)}:
            raise InvalidInputError(f"unknown status {status!r}", field="status")
        if priority is not None and priority not in {p.value for p in Priority}:
            raise InvalidInputError(f"unknown priority {priority!r}", field="priority")
        if order not in TICKET_ORDERS:
            raise InvalidInputError(f"unknown order {order!r}", field="order")
        text = (text or "").strip() or None
        before = utcnow() - timedelta(seconds=older_than_s) if older_than_s else None
        by_priority = priority is not None or order == "priority"
        query = TicketQuery(
            status,
            reason,
            None,
            before,
            "priority" if by_priority else order,
            PRIORITY_SCAN if by_priority else limit,
            owner_id,
            text,
        )
        with self._db.transaction() as session:
            found = repo.list_tickets(session, tenant_id, query)
        now = utcnow()
        tickets = [priorities.effective(t, now) for t in found]
        if priority is not None:
            tickets = [t for t in tickets if t.priority.value == priority]
        if order == "priority":
            tickets.sort(key=priorities.rank)
        elif by_priority:
            tickets.sort(key=lambda t: (t.created_at, t.id), reverse=True)
        return tickets[:limit]

    def view(self, tenant_id: str, ticket_id: str) -> TicketView:
        with self._db.transaction() as session:
            ticket = repo.get_ticket(session, tenant_id, ticket_id)
            conversation = conversations_repo.get(session, tenant_id, ticket.conversation_id)
        return TicketView(priorities.effective(ticket, utcnow()), conversation)

    def current_ticket(self, tenant_id: str, conversation_id: str) -> Ticket | None:
        with self._db.transaction() as session:
            return repo.latest_ticket(session, tenant_id, conversation_id)

    def assign(self, principal: Principal, ticket_id: str, agent_id: str | None = None) -> Ticket:
        """Give the ticket to the caller, or to the named agent ``agent_id``. Anyone takes
        an unassigned ticket and passes on their own; only an admin takes one from
        another agent (409 for an agent, as when two race for it)."""
        tenant_id = principal.tenant_id
        with self._db.transaction() as session:
            ticket = repo.get_ticket(session, tenant_id, ticket_id)
            if agent_id is None:
                target = (principal.owner_id, principal.display_name)
            else:
                agent = agents_repo.get(session, tenant_id, agent_id)
                if not agent.active:
                    raise InvalidInputError(f"{agent.name} is disabled", field="agent_id")
                target = (agent.id, agent.name)
            current = ticket.assignee_key_id
            if ticket.status is TicketStatus.RESOLVED:
                raise ConflictError("this ticket is already resolved")
            if current == target[0]:
                return ticket
            if (
                current is not None
                and current != principal.owner_id
                and principal.role is not KeyRole.ADMIN
            ):
                raise ConflictError(
                    f"this ticket is already assigned to {ticket.assignee_name or 'another agent'}"
                )
            ticket = repo.set_owner(session, tenant_id, ticket_id, target, expected=current)
            self._audit(session, principal, "ticket.assign", ticket_id, current, target)
        self._log_assigned(principal, ticket)
        self._events.ticket(tenant_id, ticket)
        return ticket

    def unassign(self, principal: Principal, ticket_id: str) -> Ticket:
        """Put the ticket back in the queue; its owner or an admin may."""
        tenant_id = principal.tenant_id
        with self._db.transaction() as session:
            ticket = repo.get_ticket(session, tenant_id, ticket_id)
            current = ticket.assignee_key_id
            if ticket.status is TicketStatus.RESOLVED:
                raise ConflictError("this ticket is already resolved")
            if current is None:
                return ticket
            if current != principal.owner_id and principal.role is not KeyRole.ADMIN:
                raise PermissionDeniedError(
                    "only the ticket's owner or an admin may put it back in the queue"
                )
            ticket = repo.set_owner(session, tenant_id, ticket_id, None, expected=current)
            self._audit(session, principal, "ticket.unassign", ticket_id, current, None)
        log.info("ticket unassigned tenant=%s ticket=%s", tenant_id, ticket_id)
        self._events.ticket(tenant_id, ticket)
        return ticket

    def customer_wrote(self, tenant_id: str, turn: Turn) -> None:
        """A customer wrote while a person handles the conversation: a frustrated
        message raises the ticket to at least high."""
        if not is_frustrated(turn.text, []):
            return
        with self._db.transaction() as session:
            ticket = repo.current_ticket(session, tenant_id, turn.conversation_id)
            if ticket is None:
                return
            raised = priorities.at_least(ticket.priority, Priority.HIGH)
            if raised is ticket.priority:
                return
            repo.raise_priority(session, tenant_id, ticket.id, raised)
            ticket = repo.get_ticket(session, tenant_id, ticket.id)
        self._events.ticket(tenant_id, ticket)

    @staticmethod
    def _audit(
        session: Session,
        principal: Principal,
        action: str,
        ticket_id: str,
        before: str | None,
        after: tuple[str, str] | None,
    ) -> None:
        owner: dict[str, Any] | None = None if after is None else {"id": after[0], "name": after[1]}
        audit.append(
            session,
            principal.tenant_id,
            actor_of(principal),
            action,
            ticket_id,
            before={"assignee": before},
            after={"assignee": owner},
        )

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
                session, tenant_id, ticket_id, principal.owner_id, principal.display_name
            )
            if was_assigned_to != principal.owner_id:
                owner = (principal.owner_id, principal.display_name)
                self._audit(session, principal, "ticket.assign", ticket_id, None, owner)
            turn = conversations_repo.append_turn(
                session,
                tenant_id,
                ticket.conversation_id,
                speaker=Speaker.AGENT,
                text=text,
                details={
                    "agent": {
                        "key_id": principal.key_id,
                        "agent_id": principal.agent_id,
                        "name": principal.display_name,
                    }
                },
            )
            repo.touch(session, tenant_id, ticket_id)
            learn_from_greeting(session, tenant_id, ticket.conversation_id, text)
        if was_assigned_to != principal.owner_id:
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
            ticket.assignee_key_id,
        )
