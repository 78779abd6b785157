"""``HandoffService``: the one object the API, the CLI and the conversation service use
for handoff, built from the package's parts (tickets, summaries, feedback, promotion,
events); each method is one of theirs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from frontdesk.domain.agents import TicketNote
from frontdesk.domain.conversation import ConversationStatus, Speaker, Turn
from frontdesk.domain.handoff import Feedback, Ticket
from frontdesk.domain.tenant import Principal
from frontdesk.errors import ConfigurationError
from frontdesk.guards.pii.redactor import PiiRedactor
from frontdesk.handoff.departure import Departure, Departures
from frontdesk.handoff.events import HandoffEvents
from frontdesk.handoff.feedback import FeedbackBook, Redactor
from frontdesk.handoff.generalise import FaqDraft, PiiFinder, agent_names, generalise
from frontdesk.handoff.notes import Notebook
from frontdesk.handoff.promotion import FaqSource, FaqWriter, Promoter
from frontdesk.handoff.suggestions import Searcher, Suggester, Suggestion
from frontdesk.handoff.summaries import SummaryWriter, open_questions
from frontdesk.handoff.tickets import TicketDesk, TicketView
from frontdesk.live.bus import EventBus
from frontdesk.llm.assist import LlmAssistant
from frontdesk.monitoring.metrics import Metrics
from frontdesk.retrieval.protocols import Embedder
from frontdesk.storage.db import Database


class HandoffService:
    def __init__(
        self,
        database: Database,
        knowledge: FaqWriter,
        events: EventBus,
        metrics: Metrics,
        summarizer: LlmAssistant | None = None,
        *,
        embedder: Callable[[], Embedder] | None = None,
        search: Searcher | None = None,
        redact: Redactor | None = None,
    ) -> None:
        self.events = HandoffEvents(events)
        self.summaries = SummaryWriter(database, summarizer)
        self.desk = TicketDesk(database, self.events, metrics, self.summaries)
        self.notebook = Notebook(database, self.events)
        self.departures = Departures(database, self.events)
        self.feedback_book = FeedbackBook(database, metrics, redact)
        self.promoter = Promoter(database, knowledge)
        # Names in tickets need NER (signatures, colleagues); loaded on the first draft.
        # Tickets and questions come without a language: a German "Wie" opening a
        # question is not a name (the English NER stays off clearly non-English text).
        self._redactor = PiiRedactor(ner=True, detect_language=True)
        self._redactor_ready = False
        self._redactor_lock = threading.Lock()
        self.suggester = (
            Suggester(database, embedder, search, self._finder)
            if embedder is not None and search is not None
            else None
        )

    def _finder(self) -> PiiFinder:
        with self._redactor_lock:
            if not self._redactor_ready:
                self._redactor.warm_up()
                self._redactor_ready = True
        return self._redactor

    def warm_up(self) -> None:
        self.summaries.warm_up()

    def warm_up_drafting(self) -> None:
        """Load the NER redactor FAQ suggestions and drafts need (seconds), so the first
        "Suggested FAQ entries" does not wait for it; the server calls this in the
        background after start-up (a request arriving meanwhile waits for the same load)."""
        self._finder()

    @property
    def drafting_ready(self) -> bool:
        return self._redactor_ready

    def close(self) -> None:
        self.summaries.close()

    def draft_summary(
        self,
        tenant_id: str,
        conversation_id: str,
        reason: str,
        details: dict[str, Any] | None = None,
    ) -> str | None:
        return self.summaries.draft(tenant_id, conversation_id, reason, details)

    # customer side

    def request_person(self, tenant_id: str, conversation_id: str) -> Ticket:
        return self.desk.request_person(tenant_id, conversation_id)

    def leave(self, tenant_id: str, conversation_id: str) -> Departure:
        return self.departures.leave(tenant_id, conversation_id)

    def add_thumbs(
        self, tenant_id: str, conversation_id: str, turn_id: str, rating: str, comment: str
    ) -> Feedback:
        return self.feedback_book.add_thumbs(tenant_id, conversation_id, turn_id, rating, comment)

    def add_csat(self, tenant_id: str, conversation_id: str, score: int, comment: str) -> Feedback:
        return self.feedback_book.add_csat(tenant_id, conversation_id, score, comment)

    def feedback(self, tenant_id: str, limit: int = 1000) -> list[Feedback]:
        return self.feedback_book.recent(tenant_id, limit)

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
        return self.desk.tickets(
            tenant_id,
            status=status,
            reason=reason,
            priority=priority,
            older_than_s=older_than_s,
            order=order,
            limit=limit,
            owner_id=owner_id,
            text=text,
        )

    def view(self, tenant_id: str, ticket_id: str) -> TicketView:
        return self.desk.view(tenant_id, ticket_id)

    def current_ticket(self, tenant_id: str, conversation_id: str) -> Ticket | None:
        return self.desk.current_ticket(tenant_id, conversation_id)

    def assign(self, principal: Principal, ticket_id: str, agent_id: str | None = None) -> Ticket:
        return self.desk.assign(principal, ticket_id, agent_id)

    def unassign(self, principal: Principal, ticket_id: str) -> Ticket:
        return self.desk.unassign(principal, ticket_id)

    def notes(self, tenant_id: str, ticket_id: str) -> list[TicketNote]:
        return self.notebook.notes(tenant_id, ticket_id)

    def add_note(self, principal: Principal, ticket_id: str, text: str) -> TicketNote:
        return self.notebook.add(principal, ticket_id, text)

    def reply(self, principal: Principal, ticket_id: str, text: str) -> Turn:
        return self.desk.reply(principal, ticket_id, text)

    def resolve(self, principal: Principal, ticket_id: str) -> Ticket:
        return self.desk.resolve(principal, ticket_id)

    def hand_back(self, principal: Principal, ticket_id: str) -> Ticket:
        return self.desk.hand_back(principal, ticket_id)

    def promote(self, principal: Principal, ticket_id: str, question: str, answer: str) -> str:
        return self.promoter.promote(principal, ticket_id, question, answer)

    def faq_draft(self, tenant_id: str, ticket_id: str) -> FaqDraft:
        """A general FAQ entry drafted from the ticket's conversation: the customer's
        messages and the agents' replies, with everything personal taken out."""
        turns = self.desk.view(tenant_id, ticket_id).conversation.turns
        reply = " ".join(t.text for t in turns if t.speaker == Speaker.AGENT)
        return generalise(
            open_questions(turns), reply, self._finder(), agent_names=agent_names(turns)
        )

    def add_faq(
        self, principal: Principal, question: str, answer: str, source: FaqSource | None
    ) -> str:
        return self.promoter.add_faq(principal, question, answer, source)

    def suggestions(self, tenant_id: str, limit: int = 20) -> list[Suggestion]:
        if self.suggester is None:
            raise ConfigurationError("suggestions need the knowledge index's embedder and search")
        return self.suggester.suggest(tenant_id, limit, self.promoter.promoted_sources(tenant_id))

    # events of the conversation service

    def publish_handoff(self, tenant_id: str, ticket: Ticket, turn: Turn | None) -> None:
        self.desk.opened(tenant_id, ticket, turn)

    def publish_customer_turn(self, tenant_id: str, turn: Turn) -> None:
        """A customer wrote in a conversation a person handles: tell the agents (and the
        customer's other open tabs), and raise the ticket's priority if they are upset."""
        self.events.turn(tenant_id, turn)
        self.departures.came_back(tenant_id, turn.conversation_id)
        self.desk.customer_wrote(tenant_id, turn)

    def publish_reopened(self, tenant_id: str, conversation_id: str) -> None:
        """A customer wrote again in a closed conversation: the assistant answers again."""
        self.events.status(tenant_id, conversation_id, ConversationStatus.BOT, None)
