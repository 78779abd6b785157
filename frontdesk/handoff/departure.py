"""A customer leaving a conversation (the widget's "Start new", an app closing its chat).

With a ticket waiting for a person, the ticket stays in the agents' queue, marked as left,
for an agent to read and resolve (their reply would reach nobody); if the customer writes
again in that conversation the mark goes. Without one, the conversation is closed, as a
resolved one is: writing again reopens it with the assistant."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from frontdesk.domain.conversation import ConversationStatus
from frontdesk.domain.handoff import Ticket
from frontdesk.handoff import priority
from frontdesk.handoff.events import HandoffEvents
from frontdesk.storage.db import Database
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as repo
from frontdesk.storage.tables import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Departure:
    conversation_id: str
    status: ConversationStatus  # the conversation's status afterwards
    ticket: Ticket | None  # its unresolved ticket, now marked as left


class Departures:
    def __init__(self, database: Database, events: HandoffEvents) -> None:
        self._db = database
        self._events = events

    def leave(self, tenant_id: str, conversation_id: str) -> Departure:
        """The customer left; saying so twice changes nothing more."""
        with self._db.transaction() as session:
            conversation = conversations_repo.lock(session, tenant_id, conversation_id)
            status = conversation.status
            changed = repo.set_customer_left(session, tenant_id, conversation_id, True)
            ticket = changed or repo.current_ticket(session, tenant_id, conversation_id)
            closing = ticket is None and status is ConversationStatus.BOT
            if closing:
                status = ConversationStatus.CLOSED
                conversations_repo.set_status(session, tenant_id, conversation_id, status)
        if changed is not None:
            log.info(
                "customer left tenant=%s conversation=%s ticket=%s",
                tenant_id,
                conversation_id,
                changed.id,
            )
            self._events.ticket(tenant_id, priority.effective(changed, utcnow()))
        if closing:
            self._events.status(tenant_id, conversation_id, status, None)
        return Departure(conversation_id, status, ticket)

    def came_back(self, tenant_id: str, conversation_id: str) -> None:
        """The customer wrote again in a conversation a person handles: not left."""
        with self._db.transaction() as session:
            changed = repo.set_customer_left(session, tenant_id, conversation_id, False)
        if changed is not None:
            self._events.ticket(tenant_id, priority.effective(changed, utcnow()))
