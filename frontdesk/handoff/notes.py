"""Internal notes: what agents tell each other about a ticket. Stored apart from the
conversation's turns, so nothing that shows a customer their conversation can show one."""

from __future__ import annotations

from frontdesk.domain.agents import TicketNote
from frontdesk.domain.tenant import Principal
from frontdesk.errors import InvalidInputError
from frontdesk.handoff.events import HandoffEvents
from frontdesk.storage.db import Database
from frontdesk.storage.repos import handoff as tickets_repo
from frontdesk.storage.repos import notes as repo

MAX_NOTE = 4000


class Notebook:
    def __init__(self, database: Database, events: HandoffEvents) -> None:
        self._db = database
        self._events = events

    def notes(self, tenant_id: str, ticket_id: str) -> list[TicketNote]:
        with self._db.transaction() as session:
            tickets_repo.get_ticket(session, tenant_id, ticket_id)  # 404 for another tenant's
            return repo.list_for(session, tenant_id, ticket_id)

    def add(self, principal: Principal, ticket_id: str, text: str) -> TicketNote:
        text = text.strip()
        if not 1 <= len(text) <= MAX_NOTE:
            raise InvalidInputError(f"a note is 1-{MAX_NOTE} characters", field="text")
        with self._db.transaction() as session:
            tickets_repo.get_ticket(session, principal.tenant_id, ticket_id)
            author = (principal.owner_id, principal.display_name)
            note = repo.add(session, principal.tenant_id, ticket_id, author, text)
        self._events.note(principal.tenant_id, note)
        return note
