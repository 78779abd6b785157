"""Conversations: create, read, and answer a customer message.

Posting a message runs in short steps so no database lock is held while the pipeline
thinks: (1) screen it (input guards redact PII; only the redacted text is ever stored, the
original kept encrypted when it held PII); (2) store the customer turn as ``pending`` and
commit — from here the message is acknowledged and never lost; (3) run the rest of the
pipeline; (4) store the assistant turn and mark the customer turn answered, in one
transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdesk.domain.conversation import (
    Conversation,
    ConversationStatus,
    Outcome,
    Speaker,
    Turn,
)
from frontdesk.errors import ConflictError, InvalidInputError, PermissionDeniedError
from frontdesk.guards import TextVault
from frontdesk.handoff.service import HandoffService
from frontdesk.handoff.tickets import open_ticket_in, priority_for
from frontdesk.monitoring.metrics import Metrics
from frontdesk.operations import rollups
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import HistoryTurn, TurnState
from frontdesk.storage.db import Database
from frontdesk.storage.repos import conversations as repo
from frontdesk.storage.repos import tenants as tenants_repo
from frontdesk.storage.tables import utcnow

HISTORY_TURNS = 10
# A pending turn older than this was orphaned by a crashed worker: a retry may take it over.
STALE_PENDING = timedelta(seconds=60)


class ReplyObserver(Protocol):
    """Follows one message while it is answered (the streaming API): ``accepted`` once
    the customer turn is stored, then the generator's draft (``delta``/``reset``)."""

    def accepted(self, customer: Turn) -> None: ...

    def delta(self, text: str) -> None: ...

    def reset(self) -> None: ...


@dataclass(frozen=True, slots=True)
class PostedReply:
    turn: Turn
    replayed: bool  # True when an Idempotency-Key retry returned the stored turn
    queued: bool = False  # a person handles the conversation: ``turn`` is the customer's


@dataclass(frozen=True, slots=True)
class _Accepted:
    customer: Turn
    history: list[Turn]
    replay: Turn | None = None
    queued: bool = False
    reopened: bool = False


def validated_text(text: str, max_chars: int) -> str:
    """A customer message as the pipeline gets it (also in ``frontdesk eval``): stripped,
    not empty, at most ``max_chars``."""
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError("text must not be empty", field="text")
    if len(stripped) > max_chars:
        raise InvalidInputError(
            f"text is {len(stripped)} characters; the limit is {max_chars}", field="text"
        )
    return stripped


class ConversationService:
    def __init__(
        self,
        database: Database,
        pipeline: Pipeline,
        max_message_chars: int,
        vault: TextVault,
        handoff: HandoffService,
        metrics: Metrics,
    ) -> None:
        self._db = database
        self._pipeline = pipeline
        self._max_chars = max_message_chars
        self._vault = vault
        self._handoff = handoff
        self._metrics = metrics

    def create(
        self,
        tenant_id: str,
        *,
        channel: str = "api",
        created_by_key: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Conversation:
        with self._db.transaction() as session:
            return repo.create(
                session,
                tenant_id,
                channel=channel,
                created_by_key=created_by_key,
                metadata=metadata or {},
            )

    def get(self, tenant_id: str, conversation_id: str) -> Conversation:
        with self._db.transaction() as session:
            return repo.get(session, tenant_id, conversation_id)

    def reveal_original(self, tenant_id: str, conversation_id: str, turn_id: str) -> str:
        """The unredacted customer message, if the tenant allows agents to see it."""
        with self._db.transaction() as session:
            turn = repo.get_turn(session, tenant_id, conversation_id, turn_id)  # 404 first
            if not tenants_repo.get_tenant(session, tenant_id).settings.reveal_pii_to_agents:
                raise PermissionDeniedError(
                    "this tenant does not reveal original messages to agents "
                    "(admin setting reveal_pii_to_agents)"
                )
        token = turn.details.get("original_encrypted")
        if not isinstance(token, str):
            return turn.text  # nothing was redacted: the stored text is the original
        return self._vault.decrypt(token)

    def list_recent(self, tenant_id: str, limit: int = 50, offset: int = 0) -> list[Conversation]:
        with self._db.transaction() as session:
            return repo.list_recent(session, tenant_id, limit, offset)

    def post_message(
        self,
        tenant_id: str,
        conversation_id: str,
        text: str,
        idempotency_key: str | None = None,
        observer: ReplyObserver | None = None,
    ) -> PostedReply:
        text = validated_text(text, self._max_chars)
        request_hash = hashlib.sha256(text.encode()).hexdigest()
        state = TurnState(tenant_id=tenant_id, conversation_id=conversation_id, text=text)
        trace = self._pipeline.screen(state)
        stored_details: dict[str, Any] = {}
        if state.text != text:
            stored_details["original_encrypted"] = self._vault.encrypt(text)
        accepted = self._accept(
            tenant_id, conversation_id, state.text, idempotency_key, request_hash, stored_details
        )
        if accepted.replay is not None:
            return PostedReply(accepted.replay, replayed=True, queued=accepted.queued)
        customer = accepted.customer
        if observer is not None and not accepted.queued:
            observer.accepted(customer)
            state.drafts = observer
        if accepted.reopened:
            self._handoff.publish_reopened(tenant_id, conversation_id)
        if accepted.queued:
            self._handoff.publish_customer_turn(tenant_id, customer)
            return PostedReply(customer, replayed=False, queued=True)
        state.history = [
            HistoryTurn(
                t.speaker.value,
                t.text,
                t.outcome.value if t.outcome else None,
                route=t.details.get("route"),
            )
            for t in accepted.history
        ]
        trace += self._pipeline.answer(state)
        summary = None
        if state.outcome is Outcome.HANDOFF:  # before the lock: an LLM summary takes time
            reason = state.escalation_reason or "low_confidence"
            summary = self._handoff.draft_summary(tenant_id, conversation_id, reason, state.details)
        with self._db.transaction() as session:
            repo.lock(session, tenant_id, conversation_id)
            if not repo.claim_pending(session, tenant_id, customer.id):
                existing = repo.reply_to(session, tenant_id, customer.id)
                if existing is not None:  # a concurrent retry answered first
                    return PostedReply(existing, replayed=True)
                raise ConflictError("this message is already being answered; retry shortly")
            reply = repo.append_turn(
                session,
                tenant_id,
                conversation_id,
                speaker=Speaker.ASSISTANT,
                text=state.answer,
                outcome=state.outcome,
                in_reply_to=customer.id,
                release_id=self._pipeline.release_id,
                trace=[stage.to_dict() for stage in trace],
                citations=[c.to_dict() for c in state.citations],
                details={
                    "confidence": round(state.confidence, 4),
                    "escalation_reason": state.escalation_reason,
                    "flags": state.flags,
                    "query": state.query,
                    **state.details,
                },
            )
            rollups.record_turn(session, tenant_id, reply)
            ticket = None
            if state.outcome is Outcome.HANDOFF:
                reason = state.escalation_reason or "low_confidence"
                priority = priority_for(reason, state.details.get("priority"))
                ticket = open_ticket_in(
                    session, tenant_id, conversation_id, reason, priority, summary=summary
                )
        self._metrics.observe_turn(reply)
        if ticket is not None:
            self._handoff.publish_handoff(tenant_id, ticket, None)
        return PostedReply(reply, replayed=False)

    def _accept(
        self,
        tenant_id: str,
        conversation_id: str,
        text: str,
        idempotency_key: str | None,
        request_hash: str,
        details: dict[str, Any],
    ) -> _Accepted:
        """Store the customer turn (or find the keyed one), with the history before it;
        ``replay`` is the stored reply of a completed retry. In a conversation a person
        handles the turn is stored and ``queued``: the assistant stays silent."""
        for _attempt in range(3):
            try:
                with self._db.transaction() as session:
                    conversation = repo.lock(session, tenant_id, conversation_id)
                    if idempotency_key is not None:
                        found = repo.find_by_idempotency_key(
                            session, tenant_id, conversation_id, idempotency_key
                        )
                        if found is not None:
                            return self._retry(session, tenant_id, found, request_hash)
                    human = conversation.status is ConversationStatus.HUMAN
                    reopened = conversation.status is ConversationStatus.CLOSED
                    if reopened:  # they write again after resolution: the assistant answers
                        repo.set_status(session, tenant_id, conversation_id, ConversationStatus.BOT)
                    customer = repo.append_turn(
                        session,
                        tenant_id,
                        conversation_id,
                        speaker=Speaker.CUSTOMER,
                        text=text,
                        status="done" if human else "pending",
                        idempotency_key=idempotency_key,
                        request_hash=request_hash if idempotency_key else None,
                        details=details,
                    )
                    if human:
                        return _Accepted(customer, [], queued=True)
                    history = repo.recent_history(
                        session, tenant_id, conversation_id, customer.seq, HISTORY_TURNS
                    )
                    return _Accepted(customer, history, reopened=reopened)
            except IntegrityError:
                continue  # a concurrent request took the same seq or key: look again
        raise ConflictError("too many concurrent messages in this conversation; retry")

    def _retry(
        self,
        session: Session,
        tenant_id: str,
        found: tuple[Turn, str | None, str],
        request_hash: str,
    ) -> _Accepted:
        customer, stored_hash, status = found
        if stored_hash != request_hash:
            raise ConflictError(
                "this Idempotency-Key was already used with a different message; "
                "use a new key for a new message"
            )
        reply = repo.reply_to(session, tenant_id, customer.id)
        if reply is not None:
            return _Accepted(customer, [], replay=reply)
        if status == "done":  # stored while a person handled the conversation
            return _Accepted(customer, [], replay=customer, queued=True)
        if status == "pending" and utcnow() - customer.created_at < STALE_PENDING:
            raise ConflictError("the original request is still being answered; retry shortly")
        # The worker that accepted it died before replying: answer it now.
        history = repo.recent_history(
            session, tenant_id, customer.conversation_id, customer.seq, HISTORY_TURNS
        )
        return _Accepted(customer, history)
