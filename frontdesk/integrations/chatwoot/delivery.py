"""A customer's Chatwoot message from stored to answered: run it through the conversation
service (the same pipeline, guards, handoff and idempotency as the API), turn the reply
into Chatwoot calls (``replies.py``) and deliver them one by one.

Each step is stored before the next starts, so a crash or an unreachable Chatwoot loses
nothing: the message row is claimed with a lease (``next_attempt_at``), the turn is
stored under the idempotency key ``chatwoot:<message id>`` (a retry finds it instead of
answering twice), and each delivered call is removed from ``actions`` (a retry never
posts a reply twice). Failures wait with backoff — 10 s doubling to an hour; a refused
token (401/403) waits at least 5 minutes and marks the integration ``unauthorized``
until a new token is configured — and are given up after a day (``failed``; the turn
and any handoff ticket stay in Frontdesk). A call Chatwoot rejects for good (another
4xx, such as a deleted conversation) fails at once."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from frontdesk.domain.conversation import ConversationStatus, Outcome, Turn
from frontdesk.domain.integrations import ChatwootMessage
from frontdesk.errors import ConflictError, FrontdeskError
from frontdesk.guards import TextVault
from frontdesk.handoff.service import HandoffService
from frontdesk.integrations.chatwoot.client import ChatwootCallError, ChatwootClient
from frontdesk.integrations.chatwoot.config import ChatwootConfig
from frontdesk.integrations.chatwoot.events import HUMAN_STATUSES
from frontdesk.integrations.chatwoot.replies import actions_for
from frontdesk.monitoring.metrics import Metrics
from frontdesk.services.conversations import ConversationService
from frontdesk.storage.db import Database
from frontdesk.storage.repos import chatwoot as repo
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.tables import utcnow

log = logging.getLogger(__name__)

CHANNEL = "chatwoot"
LEASE = timedelta(seconds=120)  # longer than a pipeline run and the calls' timeouts
FIRST_RETRY = timedelta(seconds=10)
MAX_RETRY = timedelta(hours=1)
UNAUTHORIZED_RETRY = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(days=1)


def retry_delay(attempts: int, kind: str) -> timedelta:
    delay: timedelta = min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)
    return max(delay, UNAUTHORIZED_RETRY) if kind == "unauthorized" else delay


def digest(content: str) -> str:
    return hashlib.sha256(content.strip().encode()).hexdigest()


class ChatwootDelivery:
    def __init__(
        self,
        database: Database,
        config: ChatwootConfig,
        conversations: ConversationService,
        handoff: HandoffService,
        vault: TextVault,
        metrics: Metrics,
        client: ChatwootClient | None = None,
    ) -> None:
        self._db = database
        self._config = config
        self._conversations = conversations
        self._handoff = handoff
        self._vault = vault
        self._metrics = metrics
        self._client = client or ChatwootClient()

    def close(self) -> None:
        self._client.close()

    def process(
        self, tenant_id: str, message_id: int, now: datetime | None = None
    ) -> ChatwootMessage | None:
        """Claim the message if it is due and take it as far as it goes; the message
        afterwards, or None when it was not due (another worker has it)."""
        now = now or utcnow()
        with self._db.transaction() as session:
            message = repo.claim(session, tenant_id, message_id, now, now + LEASE)
            content = repo.content_of(session, tenant_id, message_id)
        if message is None:
            return None
        try:
            if message.status == "received":
                message = self._answer(message, content)
            if message.status == "delivering":
                self._deliver(message, now)
        except ConflictError:  # the turn is being answered elsewhere right now: later
            self._retry_later(message, now, "unreachable", "turn being answered")
        except FrontdeskError as exc:  # e.g. a message over the length limit: never answerable
            self._finish(message, "failed", error=f"{type(exc).__name__}: {exc.message}")
            log.warning(
                "chatwoot message failed tenant=%s message=%s error=%s",
                tenant_id,
                message_id,
                type(exc).__name__,
            )
        with self._db.transaction() as session:
            return repo.get_message(session, tenant_id, message_id)

    def process_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """One pass of the retry loop over every tenant's due messages."""
        now = now or utcnow()
        with self._db.transaction() as session:
            due = repo.due(session, now, limit)
        return sum(1 for tenant_id, message_id in due if self.process(tenant_id, message_id, now))

    def _answer(self, message: ChatwootMessage, token: str | None) -> ChatwootMessage:
        tenant_id, chatwoot_id = message.tenant_id, message.chatwoot_conversation_id
        conversation_id = self._conversation(message)
        if message.event.get("status") in HUMAN_STATUSES:  # a person owns it in Chatwoot
            self.set_status(tenant_id, conversation_id, ConversationStatus.HUMAN)
        posted = self._conversations.post_message(
            tenant_id,
            conversation_id,
            self._vault.decrypt(token or ""),
            idempotency_key=f"chatwoot:{message.message_id}",
        )
        if posted.queued:
            self._finish(message, "done", turn_id=posted.turn.id, outcome="queued")
            return replace(message, status="done")
        actions = actions_for(chatwoot_id, posted.turn, self._ticket(tenant_id, posted.turn))
        answered = replace(
            message,
            status="delivering",
            turn_id=posted.turn.id,
            outcome=posted.turn.outcome.value if posted.turn.outcome else None,
            actions=actions,
        )
        with self._db.transaction() as session:
            repo.update_message(
                session,
                tenant_id,
                message.message_id,
                content_encrypted=None,  # stored (redacted) as a turn now
                status=answered.status,
                turn_id=answered.turn_id,
                outcome=answered.outcome,
                actions=actions,
            )
        return answered

    def _ticket(self, tenant_id: str, turn: Turn) -> Any:
        if turn.outcome is not Outcome.HANDOFF:
            return None
        return self._handoff.current_ticket(tenant_id, turn.conversation_id)

    def _conversation(self, message: ChatwootMessage) -> str:
        """The Frontdesk conversation of the message's Chatwoot conversation, created
        (with the mapping, in one transaction) the first time."""
        return conversation_for(
            self._db,
            message.tenant_id,
            message.chatwoot_conversation_id,
            contact=message.event.get("contact_id"),
            inbox=message.event.get("inbox_id"),
        )

    def set_status(self, tenant_id: str, conversation_id: str, status: ConversationStatus) -> None:
        with self._db.transaction() as session:
            conversations_repo.lock(session, tenant_id, conversation_id)
            conversations_repo.set_status(session, tenant_id, conversation_id, status)

    def _deliver(self, message: ChatwootMessage, now: datetime) -> None:
        tenant_id, chatwoot_id = message.tenant_id, message.chatwoot_conversation_id
        calls = self._metrics.integration_calls
        integration, token = self._config.connection(tenant_id)
        actions = list(message.actions)
        while actions:
            action = actions[0]
            body: dict[str, Any] = action["body"]
            if "content" in body and not body.get("private"):
                with self._db.transaction() as session:  # before posting: know the echo
                    repo.set_posted_hash(session, tenant_id, chatwoot_id, digest(body["content"]))
            try:
                answer = self._client.post(
                    integration.base_url, integration.account_id, token, action["path"], body
                )
            except ChatwootCallError as exc:
                self._metrics.integration_calls.labels(
                    integration="chatwoot", result=exc.kind
                ).inc()
                self._config.record_state(tenant_id, _state(exc.kind), exc.detail)
                if exc.kind == "rejected":
                    self._finish(message, "failed", error=exc.detail)
                else:
                    self._retry_later(message, now, exc.kind, exc.detail)
                log.warning(
                    "chatwoot call failed tenant=%s message=%s path=%s result=%s code=%s",
                    tenant_id,
                    message.message_id,
                    action["path"],
                    exc.kind,
                    exc.status_code,
                )
                return
            calls.labels(integration="chatwoot", result="ok").inc()
            actions.pop(0)
            with self._db.transaction() as session:
                repo.update_message(session, tenant_id, message.message_id, actions=actions)
                _record_posted(session, message, answer)
        if integration.state != "ok":
            self._config.record_state(tenant_id, "ok", None)
        self._finish(message, "done")
        log.info(
            "chatwoot message delivered tenant=%s message=%s outcome=%s attempts=%s",
            tenant_id,
            message.message_id,
            message.outcome,
            message.attempts,
        )

    def _retry_later(self, message: ChatwootMessage, now: datetime, kind: str, error: str) -> None:
        delay = retry_delay(message.attempts, kind)
        if now + delay - message.created_at > GIVE_UP_AFTER:
            self._finish(message, "failed", error=f"gave up after a day: {error}")
            return
        with self._db.transaction() as session:
            repo.update_message(
                session,
                message.tenant_id,
                message.message_id,
                next_attempt_at=now + delay,
                last_error=error,
            )

    def _finish(self, message: ChatwootMessage, status: str, **values: Any) -> None:
        with self._db.transaction() as session:
            repo.update_message(
                session,
                message.tenant_id,
                message.message_id,
                status=status,
                done_at=utcnow(),
                content_encrypted=None,
                actions=[],
                **({"last_error": None} if status == "done" else {}),
                **values,
            )


def _state(kind: str) -> str:
    return kind if kind in ("unauthorized", "unreachable") else "ok"


def _record_posted(session: Any, message: ChatwootMessage, answer: dict[str, Any]) -> None:
    """Chatwoot's id of a message Frontdesk posted: its echo event is then a duplicate."""
    posted_id = answer.get("id")
    if isinstance(posted_id, int) and not repo.has_message(session, message.tenant_id, posted_id):
        repo.add_message(
            session,
            message.tenant_id,
            posted_id,
            chatwoot_conversation_id=message.chatwoot_conversation_id,
            kind="posted",
            status="done",
            turn_id=message.turn_id,
        )


def conversation_for(
    database: Database,
    tenant_id: str,
    chatwoot_id: int,
    *,
    contact: Any = None,
    inbox: Any = None,
) -> str:
    for _attempt in range(3):
        try:
            with database.transaction() as session:
                found = repo.find_conversation(session, tenant_id, chatwoot_id)
                if found is not None:
                    return found
                created = conversations_repo.create(
                    session,
                    tenant_id,
                    channel=CHANNEL,
                    created_by_key=None,
                    metadata={"chatwoot_conversation_id": chatwoot_id, "chatwoot_inbox_id": inbox},
                    customer_id=f"chatwoot:{contact}" if contact is not None else None,
                )
                repo.map_conversation(session, tenant_id, chatwoot_id, created.id)
                return created.id
        except IntegrityError:
            continue  # another event mapped it first: read theirs
    raise ConflictError("could not map the Chatwoot conversation; retry")
