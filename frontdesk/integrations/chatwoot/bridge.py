"""``ChatwootBridge``: what happens to one event Chatwoot sends to Frontdesk's bot URL.

The event is checked (tenant, secret), then, by what it means (``events.classify``):

- a customer's message is stored once per Chatwoot message id (a duplicate delivery is
  acknowledged and dropped), its text encrypted until it becomes a (redacted) turn, and
  then answered at once in the request (``delivery.py``); if Chatwoot cannot be reached
  the answer waits in the outbox and the retry loop delivers it;
- a person's reply in Chatwoot becomes an agent turn and the conversation a person's:
  the bot stays silent until Chatwoot gives it back (status ``pending``);
- a status change hands the conversation to a person (``open``, ``snoozed``), back to the
  bot (``pending``) or closes it (``resolved``, resolving Frontdesk's ticket);
- anything else (private notes, the bot's own messages coming back, other events) is
  acknowledged and ignored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from frontdesk.domain.conversation import ConversationStatus, Speaker
from frontdesk.domain.integrations import ChatwootMessage
from frontdesk.guards import TextVault
from frontdesk.integrations.chatwoot.config import ChatwootConfig
from frontdesk.integrations.chatwoot.delivery import ChatwootDelivery, conversation_for, digest
from frontdesk.integrations.chatwoot.events import ChatwootEvent, Classified, Meaning, classify
from frontdesk.storage.db import Database
from frontdesk.storage.repos import chatwoot as repo
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as handoff_repo

log = logging.getLogger(__name__)

_STATUS = {
    "open": ConversationStatus.HUMAN,
    "snoozed": ConversationStatus.HUMAN,
    "pending": ConversationStatus.BOT,
    "resolved": ConversationStatus.CLOSED,
}


@dataclass(frozen=True, slots=True)
class Receipt:
    """The answer to Chatwoot: ``status`` is ``answered`` (every reply delivered),
    ``queued`` (a person owns the conversation: recorded, no reply), ``retrying`` (the
    reply waits for Chatwoot), ``failed``, ``recorded`` (an agent's reply or a status
    change), ``duplicate`` or ``ignored``."""

    status: str
    reason: str | None = None
    outcome: str | None = None
    turn_id: str | None = None


class ChatwootBridge:
    def __init__(
        self,
        database: Database,
        config: ChatwootConfig,
        delivery: ChatwootDelivery,
        vault: TextVault,
    ) -> None:
        self._db = database
        self.config = config
        self.delivery = delivery
        self._vault = vault

    def receive(self, tenant_slug: str, secret: str | None, event: ChatwootEvent) -> Receipt:
        tenant_id = self.config.verify(tenant_slug, secret)
        meaning = classify(event)
        if meaning.meaning is Meaning.CUSTOMER:
            return self._customer(tenant_id, event, meaning)
        if meaning.meaning is Meaning.AGENT:
            return self._agent(tenant_id, event, meaning)
        if meaning.meaning is Meaning.STATUS:
            return self._status(tenant_id, meaning)
        return Receipt("ignored", meaning.reason)

    def _customer(self, tenant_id: str, event: ChatwootEvent, meaning: Classified) -> Receipt:
        assert event.id is not None
        assert meaning.conversation_id is not None
        facts = {
            "status": meaning.status,
            "contact_id": event.sender.id if event.sender else None,
            "inbox_id": event.inbox.id if event.inbox else None,
        }
        try:
            with self._db.transaction() as session:
                if repo.has_message(session, tenant_id, event.id):
                    return Receipt("duplicate", "this message id was already received")
                repo.add_message(
                    session,
                    tenant_id,
                    event.id,
                    chatwoot_conversation_id=meaning.conversation_id,
                    kind="customer",
                    status="received",
                    event=facts,
                    content_encrypted=self._vault.encrypt(event.content or ""),
                )
        except IntegrityError:  # the same delivery, concurrently
            return Receipt("duplicate", "this message id was already received")
        processed = self.delivery.process(tenant_id, event.id)
        if processed is None:  # the retry loop claimed it first: it takes it from here
            return Receipt("retrying")
        return _receipt(processed)

    def _agent(self, tenant_id: str, event: ChatwootEvent, meaning: Classified) -> Receipt:
        assert event.id is not None
        assert meaning.conversation_id is not None
        chatwoot_id = meaning.conversation_id
        content = (event.content or "").strip()
        with self._db.transaction() as session:
            if repo.has_message(session, tenant_id, event.id):
                return Receipt("duplicate", "this message id was already received")
            own = content and repo.posted_hash(session, tenant_id, chatwoot_id) == digest(content)
            if own:  # Frontdesk's own reply, posted with a user's token, coming back
                repo.add_message(
                    session,
                    tenant_id,
                    event.id,
                    chatwoot_conversation_id=chatwoot_id,
                    kind="posted",
                    status="done",
                )
                return Receipt("ignored", "Frontdesk's own message")
        conversation_id = conversation_for(self._db, tenant_id, chatwoot_id)
        try:
            with self._db.transaction() as session:
                conversations_repo.lock(session, tenant_id, conversation_id)
                turn = None
                if content:
                    turn = conversations_repo.append_turn(
                        session,
                        tenant_id,
                        conversation_id,
                        speaker=Speaker.AGENT,
                        text=content,
                        details={"agent": {"name": event.sender.name if event.sender else None}},
                    )
                conversations_repo.set_status(
                    session, tenant_id, conversation_id, ConversationStatus.HUMAN
                )
                repo.add_message(
                    session,
                    tenant_id,
                    event.id,
                    chatwoot_conversation_id=chatwoot_id,
                    kind="agent",
                    status="done",
                    turn_id=turn.id if turn else None,
                )
        except IntegrityError:
            return Receipt("duplicate", "this message id was already received")
        log.info(
            "chatwoot agent reply recorded tenant=%s conversation=%s message=%s",
            tenant_id,
            conversation_id,
            event.id,
        )
        return Receipt(
            "recorded", "a person owns the conversation", turn_id=turn.id if turn else None
        )

    def _status(self, tenant_id: str, meaning: Classified) -> Receipt:
        assert meaning.conversation_id is not None
        status = _STATUS.get(meaning.status or "")
        if status is None:
            return Receipt("ignored", f"status {meaning.status}")
        with self._db.transaction() as session:
            conversation_id = repo.find_conversation(session, tenant_id, meaning.conversation_id)
            if conversation_id is None:
                return Receipt("ignored", "a conversation Frontdesk has not seen")
            current = conversations_repo.lock(session, tenant_id, conversation_id).status
            if current is status:
                return Receipt("ignored", "no change")
            conversations_repo.set_status(session, tenant_id, conversation_id, status)
            ticket = handoff_repo.current_ticket(session, tenant_id, conversation_id)
            if ticket is not None and status is not ConversationStatus.HUMAN:
                handoff_repo.resolve(session, tenant_id, ticket.id)  # Chatwoot's agents closed it
        return Receipt("recorded", f"conversation is now {status.value}")


def _receipt(stored: ChatwootMessage) -> Receipt:
    status = stored.status
    if status == "done":
        named = "queued" if stored.outcome == "queued" else "answered"
        return Receipt(named, outcome=stored.outcome, turn_id=stored.turn_id)
    if status == "failed":
        return Receipt("failed", stored.last_error, stored.outcome, stored.turn_id)
    # Still received or delivering: stored, and the retry loop takes it from here.
    return Receipt("retrying", stored.last_error, stored.outcome, stored.turn_id)
