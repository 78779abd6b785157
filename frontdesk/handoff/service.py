"""Handoff to people: tickets, agent replies, resolution, hand-back, promotion to
knowledge, and customer feedback. Every change is one transaction, published to the live
streams after it commits.

A release with a ``summarizer`` has a language model write the ticket summary. It is
written before the transaction that locks the conversation (a model may take seconds)
and passed to :func:`open_ticket_in`; when no provider answers, the extractive
:func:`summarize` is used, as without a summarizer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontdesk.domain.conversation import Conversation, ConversationStatus, Outcome, Speaker, Turn
from frontdesk.domain.handoff import EscalationReason, Feedback, Priority, Ticket, TicketStatus
from frontdesk.domain.replies import HANDOFF_ANSWER
from frontdesk.domain.tenant import Principal
from frontdesk.errors import InvalidInputError
from frontdesk.live.bus import AGENTS, EventBus, conversation_topic
from frontdesk.llm.assist import LlmAssistant
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.monitoring.metrics import Metrics
from frontdesk.releases.config import SummarizerSpec
from frontdesk.services.knowledge import KnowledgeService
from frontdesk.storage.db import Database
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as repo
from frontdesk.storage.tables import utcnow

log = logging.getLogger(__name__)

SUMMARY_CHARS = 600
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


def summarize(turns: list[Turn], reason: str) -> str:
    """An extractive summary: what the customer asked first and last, and why the
    assistant handed over, so an agent can start without reading everything."""
    asked = [t.text for t in turns if t.speaker is Speaker.CUSTOMER]
    parts = []
    if asked:
        parts.append(f"Customer asked: {asked[0]}")
        if len(asked) > 1:
            parts.append(f"Latest message: {asked[-1]}")
    answered = sum(1 for t in turns if t.outcome is Outcome.ANSWERED)
    unanswered = sum(1 for t in turns if t.outcome is Outcome.NO_ANSWER)
    parts.append(
        f"Handed over: {reason.replace('_', ' ')} "
        f"({answered} answered, {unanswered} unanswered before)."
    )
    summary = " ".join(parts)
    return summary if len(summary) <= SUMMARY_CHARS else summary[: SUMMARY_CHARS - 1] + "…"


def priority_for(reason: str, requested: str | None = None) -> Priority:
    if requested:
        return Priority(requested)
    return _PRIORITY_BY_REASON.get(reason, Priority.NORMAL)


def summarizer_for(
    spec: SummarizerSpec | None,
    breakers: BreakerBoard,
    local_models: LocalModelPool | None = None,
) -> LlmAssistant | None:
    """The release's summary writer, sharing the process's provider breakers and local
    model servers."""
    if spec is None:
        return None
    return LlmAssistant(
        providers=spec.providers,
        max_tokens=spec.max_tokens,
        deadline_s=spec.deadline_s,
        breakers=breakers,
        local_models=local_models,
    )


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
    return ticket


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
    }


class HandoffService:
    def __init__(
        self,
        database: Database,
        knowledge: KnowledgeService,
        events: EventBus,
        metrics: Metrics,
        summarizer: LlmAssistant | None = None,
    ) -> None:
        self._db = database
        self._knowledge = knowledge
        self._events = events
        self._metrics = metrics
        self._summarizer = summarizer

    def warm_up(self) -> None:
        """Connect the summary writer (starting a local model's server) before traffic."""
        if self._summarizer is not None:
            self._summarizer.warm_up()

    def close(self) -> None:
        if self._summarizer is not None:
            self._summarizer.close()

    def draft_summary(
        self,
        tenant_id: str,
        conversation_id: str,
        reason: str,
        details: dict[str, Any] | None = None,
    ) -> str | None:
        """The summarizer's ticket summary, or ``None`` for the extractive one (no
        summarizer, no provider answered, or a person already has the conversation).
        Call it outside any transaction; what happened goes to
        ``details["handoff_summary"]``."""
        if self._summarizer is None:
            return None
        with self._db.transaction() as session:
            conversation = conversations_repo.get(session, tenant_id, conversation_id)
        if conversation.status is ConversationStatus.HUMAN:
            return None  # its open ticket is reused with the summary it has
        drafted = self._summarizer.handoff_summary(conversation.turns, reason, limit=SUMMARY_CHARS)
        if drafted.value is None:
            log.warning("handoff summary is extractive: the summarizer failed %s", drafted.flags)
        if details is not None:
            details["handoff_summary"] = {
                "source": "extractive" if drafted.value is None else "llm",
                "flags": drafted.flags,
                **drafted.record(),
            }
        return drafted.value

    # customer side

    def request_person(self, tenant_id: str, conversation_id: str) -> Ticket:
        """The customer pressed "talk to a person": open a ticket (once)."""
        reason = EscalationReason.REQUESTED_HUMAN.value
        summary = self.draft_summary(tenant_id, conversation_id, reason)
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
        self._metrics.escalations.labels(reason=reason).inc()
        self.publish_handoff(tenant_id, ticket, turn)
        return ticket

    def add_thumbs(
        self, tenant_id: str, conversation_id: str, turn_id: str, rating: str, comment: str
    ) -> Feedback:
        if rating not in ("up", "down"):
            raise InvalidInputError("rating must be 'up' or 'down'", field="rating")
        with self._db.transaction() as session:
            turn = conversations_repo.get_turn(session, tenant_id, conversation_id, turn_id)
            if turn.speaker is not Speaker.ASSISTANT:
                raise InvalidInputError("feedback is given on assistant answers", field="turn_id")
            feedback = repo.add_feedback(
                session,
                tenant_id,
                conversation_id,
                kind="thumbs",
                value=1 if rating == "up" else -1,
                comment=comment,
                turn_id=turn_id,
                release_id=turn.release_id,
            )
        self._metrics.observe_feedback(feedback.kind, feedback.value)
        return feedback

    def add_csat(self, tenant_id: str, conversation_id: str, score: int, comment: str) -> Feedback:
        if not 1 <= score <= 5:
            raise InvalidInputError("score must be between 1 and 5", field="score")
        with self._db.transaction() as session:
            conversations_repo.get(session, tenant_id, conversation_id)
            feedback = repo.add_feedback(
                session,
                tenant_id,
                conversation_id,
                kind="csat",
                value=score,
                comment=comment,
                turn_id=None,
                release_id=None,
            )
        self._metrics.observe_feedback(feedback.kind, feedback.value)
        return feedback

    def feedback(self, tenant_id: str, limit: int = 1000) -> list[Feedback]:
        with self._db.transaction() as session:
            return repo.list_feedback(session, tenant_id, limit)

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
        if status is not None and status not in {s.value for s in TicketStatus}:
            raise InvalidInputError(f"unknown status {status!r}", field="status")
        if priority is not None and priority not in {p.value for p in Priority}:
            raise InvalidInputError(f"unknown priority {priority!r}", field="priority")
        before = utcnow() - timedelta(seconds=older_than_s) if older_than_s else None
        with self._db.transaction() as session:
            return repo.list_tickets(
                session,
                tenant_id,
                status=status,
                reason=reason,
                priority=priority,
                created_before=before,
                limit=limit,
            )

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
        self._events.publish(principal.tenant_id, AGENTS, "ticket", ticket_json(ticket))
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
        self._publish_turn(tenant_id, turn)
        self._events.publish(tenant_id, AGENTS, "ticket", ticket_json(ticket))
        return turn

    def resolve(self, principal: Principal, ticket_id: str) -> Ticket:
        return self._close(principal, ticket_id, ConversationStatus.CLOSED)

    def hand_back(self, principal: Principal, ticket_id: str) -> Ticket:
        return self._close(principal, ticket_id, ConversationStatus.BOT)

    def promote(self, principal: Principal, ticket_id: str, question: str, answer: str) -> str:
        """Turn a resolved answer into an FAQ entry; returns the new document's id."""
        question, answer = question.strip(), answer.strip()
        if not question:
            raise InvalidInputError("question must not be empty", field="question")
        if not answer:
            raise InvalidInputError("answer must not be empty", field="answer")
        with self._db.transaction() as session:
            repo.get_ticket(session, principal.tenant_id, ticket_id)
        row = json.dumps({"question": question, "answer": answer}, ensure_ascii=False)
        outcome = self._knowledge.ingest_bytes(
            principal.tenant_id, f"promoted/{ticket_id}.jsonl", (row + "\n").encode()
        )
        uri = (outcome.added or outcome.updated or outcome.unchanged)[0]
        document = next(
            d for d in self._knowledge.list_documents(principal.tenant_id) if d.uri == uri
        )
        return document.id

    def _close(self, principal: Principal, ticket_id: str, status: ConversationStatus) -> Ticket:
        tenant_id = principal.tenant_id
        with self._db.transaction() as session:
            ticket = repo.get_ticket(session, tenant_id, ticket_id)
            conversations_repo.lock(session, tenant_id, ticket.conversation_id)
            ticket = repo.resolve(session, tenant_id, ticket_id)
            conversations_repo.set_status(session, tenant_id, ticket.conversation_id, status)
        self._events.publish(tenant_id, AGENTS, "ticket", ticket_json(ticket))
        self._events.publish(
            tenant_id,
            conversation_topic(ticket.conversation_id),
            "status",
            {"status": status.value, "ticket_id": ticket.id},
        )
        return ticket

    # events

    def publish_handoff(self, tenant_id: str, ticket: Ticket, turn: Turn | None) -> None:
        self._events.publish(tenant_id, AGENTS, "ticket", ticket_json(ticket))
        if turn is not None:
            self._publish_turn(tenant_id, turn)
        self._events.publish(
            tenant_id,
            conversation_topic(ticket.conversation_id),
            "status",
            {"status": ConversationStatus.HUMAN.value, "ticket_id": ticket.id},
        )

    def publish_customer_turn(self, tenant_id: str, turn: Turn) -> None:
        """A customer wrote in a conversation a person handles: tell the agents (and the
        customer's other open tabs)."""
        self._publish_turn(tenant_id, turn)

    def publish_reopened(self, tenant_id: str, conversation_id: str) -> None:
        """A customer wrote again in a closed conversation: the assistant answers again."""
        self._events.publish(
            tenant_id,
            conversation_topic(conversation_id),
            "status",
            {"status": ConversationStatus.BOT.value, "ticket_id": None},
        )

    def _publish_turn(self, tenant_id: str, turn: Turn) -> None:
        data = turn_json(turn)
        self._events.publish(tenant_id, conversation_topic(turn.conversation_id), "turn", data)
        self._events.publish(tenant_id, AGENTS, "turn", data)


def turn_json(turn: Turn) -> dict[str, Any]:
    from frontdesk.api.schemas import TurnPublic

    return TurnPublic.of(turn).model_dump(mode="json")
