"""Customer feedback: thumbs on an answer, CSAT for a conversation, and the export."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from frontdesk.domain.conversation import Speaker, Turn
from frontdesk.domain.handoff import Feedback
from frontdesk.errors import InvalidInputError
from frontdesk.monitoring.metrics import Metrics
from frontdesk.operations import rollups
from frontdesk.operations.webhooks import enqueue_event
from frontdesk.storage.db import Database
from frontdesk.storage.ids import new_id
from frontdesk.storage.repos import answer_cache as cache_repo
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as repo

# (tenant id, text) -> the text with PII redacted, as a customer message would be stored.
Redactor = Callable[[str, str], str]


class FeedbackBook:
    """Comments are customer text: redacted like messages before they are stored. One
    CSAT per conversation and one thumbs per answer: a second one replaces the first
    (a customer may change their mind; the stats count the latest once), also when two
    arrive at once (the database's unique index decides which was first)."""

    def __init__(
        self, database: Database, metrics: Metrics, redact: Redactor | None = None
    ) -> None:
        self._db = database
        self._metrics = metrics
        self._redact = redact

    def _clean(self, tenant_id: str, comment: str) -> str:
        if not comment.strip() or self._redact is None:
            return comment
        return self._redact(tenant_id, comment)

    def add_thumbs(
        self, tenant_id: str, conversation_id: str, turn_id: str, rating: str, comment: str
    ) -> Feedback:
        if rating not in ("up", "down"):
            raise InvalidInputError("rating must be 'up' or 'down'", field="rating")
        comment = self._clean(tenant_id, comment)
        with self._db.transaction() as session:
            turn = conversations_repo.get_turn(session, tenant_id, conversation_id, turn_id)
            if turn.speaker is not Speaker.ASSISTANT:
                raise InvalidInputError("feedback is given on assistant answers", field="turn_id")
            feedback, replaced = repo.add_feedback(
                session,
                tenant_id,
                conversation_id,
                kind="thumbs",
                value=1 if rating == "up" else -1,
                comment=comment,
                turn_id=turn_id,
                release_id=turn.release_id,
            )
            rollups.record_feedback(session, tenant_id, feedback, replaced)
            _enqueue(session, tenant_id, feedback, replaced)
            evicted = _evict_cached(session, tenant_id, turn) if rating == "down" else 0
        self._observe(feedback, replaced)
        self._metrics.observe_cache_evictions(evicted)
        return feedback

    def add_csat(self, tenant_id: str, conversation_id: str, score: int, comment: str) -> Feedback:
        if not 1 <= score <= 5:
            raise InvalidInputError("score must be between 1 and 5", field="score")
        comment = self._clean(tenant_id, comment)
        with self._db.transaction() as session:
            conversations_repo.get(session, tenant_id, conversation_id)
            feedback, replaced = repo.add_feedback(
                session,
                tenant_id,
                conversation_id,
                kind="csat",
                value=score,
                comment=comment,
                turn_id=None,
                release_id=None,
            )
            rollups.record_feedback(session, tenant_id, feedback, replaced)
            _enqueue(session, tenant_id, feedback, replaced)
        self._observe(feedback, replaced)
        return feedback

    def _observe(self, feedback: Feedback, replaced: list[Feedback]) -> None:
        """/metrics counts a rating once: its first value, then each change apart."""
        before = replaced[0].value if replaced else None
        self._metrics.observe_feedback(feedback.kind, feedback.value, before)

    def recent(self, tenant_id: str, limit: int = 1000) -> list[Feedback]:
        with self._db.transaction() as session:
            return repo.list_feedback(session, tenant_id, limit)


def _evict_cached(session: Session, tenant_id: str, turn: Turn) -> int:
    """A thumbs-down on an answer served from the answer cache, or stored into it, evicts
    that entry: a wrong cached answer must not be served to the next customer."""
    entry = turn.details.get("cache_entry")
    if turn.details.get("cache") not in ("miss", "exact", "semantic"):
        return 0
    return cache_repo.evict(
        session,
        tenant_id,
        entry_id=str(entry) if entry else None,
        conversation_id=turn.conversation_id,
        answer=turn.text,
    )


def _enqueue(
    session: Session, tenant_id: str, feedback: Feedback, replaced: list[Feedback]
) -> None:
    """``feedback.created`` for webhooks; the comment is customer text and stays out. A
    changed rating keeps its feedback id and is a new event (``replaced``: the value it
    had)."""
    data = {
        "feedback_id": feedback.id,
        "conversation_id": feedback.conversation_id,
        "turn_id": feedback.turn_id,
        "kind": feedback.kind,
        "value": feedback.value,
        "release_id": feedback.release_id,
    }
    if replaced:
        data["replaced"] = replaced[0].value
    event_id = new_id() if replaced else feedback.id
    enqueue_event(session, tenant_id, "feedback.created", data, event_id=event_id)
