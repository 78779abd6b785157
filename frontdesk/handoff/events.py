"""What handoff tells the live streams: the agents' queue (``AGENTS``) and each
conversation's own topic. Published after the change commits, never inside it."""

from __future__ import annotations

from typing import Any

from frontdesk.domain.agents import TicketNote
from frontdesk.domain.conversation import ConversationStatus, Turn
from frontdesk.domain.handoff import Ticket
from frontdesk.domain.public import TurnPublic, for_customer
from frontdesk.live.bus import AGENTS, EventBus, conversation_topic


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "conversation_id": ticket.conversation_id,
        "status": ticket.status.value,
        "reason": ticket.reason,
        "priority": ticket.priority.value,
        "summary": ticket.summary,
        "assignee": None
        if ticket.assignee_key_id is None
        else {"key_id": ticket.assignee_key_id, "name": ticket.assignee_name},
        "created_at": ticket.created_at.isoformat(),
        "updated_at": ticket.updated_at.isoformat(),
        "resolved_at": ticket.resolved_at.isoformat() if ticket.resolved_at else None,
        "customer_left_at": (
            ticket.customer_left_at.isoformat() if ticket.customer_left_at else None
        ),
    }


def note_json(note: TicketNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "ticket_id": note.ticket_id,
        "author": {"id": note.author_id, "name": note.author_name},
        "text": note.text,
        "created_at": note.created_at.isoformat(),
    }


class HandoffEvents:
    def __init__(self, events: EventBus) -> None:
        self._events = events

    def ticket(self, tenant_id: str, ticket: Ticket) -> None:
        self._events.publish(tenant_id, AGENTS, "ticket", ticket_json(ticket))

    def note(self, tenant_id: str, note: TicketNote) -> None:
        """An internal note: to the agents only, never to a conversation's topic."""
        self._events.publish(tenant_id, AGENTS, "note", note_json(note))

    def turn(self, tenant_id: str, turn: Turn) -> None:
        """A new turn, for the conversation's viewers (the widget among them: no guard
        internals) and the agents."""
        public = TurnPublic.of(turn)
        viewers = for_customer(public).model_dump(mode="json")
        self._events.publish(tenant_id, conversation_topic(turn.conversation_id), "turn", viewers)
        self._events.publish(tenant_id, AGENTS, "turn", public.model_dump(mode="json"))

    def status(
        self,
        tenant_id: str,
        conversation_id: str,
        status: ConversationStatus,
        ticket_id: str | None,
    ) -> None:
        self._events.publish(
            tenant_id,
            conversation_topic(conversation_id),
            "status",
            {"status": status.value, "ticket_id": ticket_id},
        )
