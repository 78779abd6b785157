"""Acknowledging a customer message: the customer turn stored (or, for an
Idempotency-Key retry, the stored one found) with the history before it, in one short
transaction, so from here the message is never lost. A retry of a message whose process
died takes it over; one still being answered by a live process gets 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdesk.domain.conversation import BROWSER_LANGUAGE, ConversationStatus, Speaker, Turn
from frontdesk.errors import ConflictError
from frontdesk.operations.budgets import budget_status
from frontdesk.storage.db import Database
from frontdesk.storage.liveness import Liveness
from frontdesk.storage.repos import conversations as repo
from frontdesk.storage.repos import tenants as tenants_repo
from frontdesk.storage.tables import utcnow

HISTORY_TURNS = 10
# A keyed pending turn names the process answering it (``owner``): a retry takes it over
# at once when that process is dead (crashed, killed), and in any case once the turn is
# older than this (an owner alive but stuck).
STALE_PENDING = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Accepted:
    customer: Turn
    history: list[Turn]
    replay: Turn | None = None
    queued: bool = False
    reopened: bool = False
    # What the pipeline needs to decide and localise the language (tenant, conversation).
    tenant_languages: tuple[str, ...] = ()
    language_prior: str | None = None
    message_overrides: dict[str, dict[str, str]] | None = None
    llm_budget_exhausted: bool = False  # the tenant's daily LLM budget is used up


class TurnAcceptance:
    def __init__(self, database: Database, liveness: Liveness | None = None) -> None:
        self._db = database
        self._liveness = liveness
        self.answering: set[str] = set()  # customer turns this process is answering now

    def accept(
        self,
        tenant_id: str,
        conversation_id: str,
        text: str,
        idempotency_key: str | None,
        request_hash: str,
        details: dict[str, Any],
        identifiers: list[str],
    ) -> Accepted:
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
                    repo.add_identifiers(session, tenant_id, conversation_id, identifiers)
                    if human:
                        return Accepted(customer, [], queued=True)
                    history = repo.recent_history(
                        session, tenant_id, conversation_id, customer.seq, HISTORY_TURNS
                    )
                    settings = tenants_repo.get_tenant(session, tenant_id).settings
                    prior = conversation.metadata.get(BROWSER_LANGUAGE)
                    return Accepted(
                        customer,
                        history,
                        reopened=reopened,
                        tenant_languages=settings.languages,
                        language_prior=prior if isinstance(prior, str) else None,
                        message_overrides=settings.messages,
                        llm_budget_exhausted=budget_status(
                            session, tenant_id, settings, utcnow()
                        ).exhausted,
                    )
            except IntegrityError:
                continue  # a concurrent request took the same seq or key: look again
        raise ConflictError("too many concurrent messages in this conversation; retry")

    def _retry(
        self,
        session: Session,
        tenant_id: str,
        found: tuple[Turn, str | None, str],
        request_hash: str,
    ) -> Accepted:
        customer, stored_hash, status = found
        if stored_hash != request_hash:
            raise ConflictError(
                "this Idempotency-Key was already used with a different message; "
                "use a new key for a new message"
            )
        reply = repo.reply_to(session, tenant_id, customer.id)
        if reply is not None:
            return Accepted(customer, [], replay=reply)
        if status == "done":  # stored while a person handled the conversation
            return Accepted(customer, [], replay=customer, queued=True)
        if status == "pending" and self._still_answered(customer):
            raise ConflictError("the original request is still being answered; retry shortly")
        # The process that accepted it died (or is stuck) before replying: answer it now.
        history = repo.recent_history(
            session, tenant_id, customer.conversation_id, customer.seq, HISTORY_TURNS
        )
        return Accepted(customer, history)

    def _still_answered(self, customer: Turn) -> bool:
        """Whether a live process is answering this pending turn right now."""
        if utcnow() - customer.created_at >= STALE_PENDING:
            return False
        owner = customer.details.get("owner")
        if not isinstance(owner, str) or self._liveness is None:
            return True  # no owner recorded: only age tells
        if owner == self._liveness.instance_id:
            return customer.id in self.answering
        return self._liveness.is_alive(owner)
