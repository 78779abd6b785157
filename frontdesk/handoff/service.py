"""``HandoffService``: the one object the API, the CLI and the conversation service use
for handoff, built from the package's parts (tickets, summaries, feedback, promotion,
events); each method is one of theirs."""

from __future__ import annotations

from typing import Any

from frontdesk.domain.conversation import ConversationStatus, Turn
from frontdesk.domain.handoff import Feedback, Ticket
from frontdesk.domain.tenant import Principal
from frontdesk.handoff.events import HandoffEvents
from frontdesk.handoff.feedback import FeedbackBook
from frontdesk.handoff.promotion import FaqWriter, Promoter
from frontdesk.handoff.summaries import SummaryWriter
from frontdesk.handoff.tickets import TicketDesk, TicketView
from frontdesk.live.bus import EventBus
from frontdesk.llm.assist import LlmAssistant
from frontdesk.monitoring.metrics import Metrics
from frontdesk.storage.db import Database


class HandoffService:
    def __init__(
        self,
        database: Database,
        knowledge: FaqWriter,
        events: EventBus,
        metrics: Metrics,
        summarizer: LlmAssistant | None = None,
    ) -> None:
        self.events = HandoffEvents(events)
        self.summaries = SummaryWriter(database, summarizer)
        self.desk = TicketDesk(database, self.events, metrics, self.summaries)
        self.feedback_book = FeedbackBook(database, metrics)
        self.promoter = Promoter(database, knowledge)

    def warm_up(self) -> None:
        self.summaries.warm_up()

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
        limit: int = 100,
    ) -> list[Ticket]:
        return self.desk.tickets(
            tenant_id,
            status=status,
            reason=reason,
            priority=priority,
            older_than_s=older_than_s,
            limit=limit,
        )

    def view(self, tenant_id: str, ticket_id: str) -> TicketView:
        return self.desk.view(tenant_id, ticket_id)

    def current_ticket(self, tenant_id: str, conversation_id: str) -> Ticket | None:
        return self.desk.current_ticket(tenant_id, conversation_id)

    def assign(self, principal: Principal, ticket_id: str) -> Ticket:
        return self.desk.assign(principal, ticket_id)

    def reply(self, principal: Principal, ticket_id: str, text: str) -> Turn:
        return self.desk.reply(principal, ticket_id, text)

    def resolve(self, principal: Principal, ticket_id: str) -> Ticket:
        return self.desk.resolve(principal, ticket_id)

    def hand_back(self, principal: Principal, ticket_id: str) -> Ticket:
        return self.desk.hand_back(principal, ticket_id)

    def promote(self, principal: Principal, ticket_id: str, question: str, answer: str) -> str:
        return self.promoter.promote(principal, ticket_id, question, answer)

    # events of the conversation service

    def publish_handoff(self, tenant_id: str, ticket: Ticket, turn: Turn | None) -> None:
        self.desk.opened(tenant_id, ticket, turn)

    def publish_customer_turn(self, tenant_id: str, turn: Turn) -> None:
        """A customer wrote in a conversation a person handles: tell the agents (and the
        customer's other open tabs)."""
        self.events.turn(tenant_id, turn)

    def publish_reopened(self, tenant_id: str, conversation_id: str) -> None:
        """A customer wrote again in a closed conversation: the assistant answers again."""
        self.events.status(tenant_id, conversation_id, ConversationStatus.BOT, None)
