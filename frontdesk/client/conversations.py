"""Conversations and messages, feedback and CSAT, asking for a person (any key)."""

from __future__ import annotations

from frontdesk.api.schemas import (
    ConversationLeft,
    ConversationPublic,
    FeedbackPublic,
    OriginalText,
    TicketPublic,
)
from frontdesk.client.call import Call, body, many, one, route
from frontdesk.domain.public import TurnPublic


@route("POST", "/v1/conversations")
def create_conversation(
    *,
    channel: str | None = None,
    metadata: dict[str, str] | None = None,
    customer_id: str | None = None,
    language: str | None = None,
) -> Call[ConversationPublic]:
    """Open a conversation; ``customer_id`` is your id for the customer."""
    fields = body(channel=channel, metadata=metadata, customer_id=customer_id, language=language)
    return Call(one(ConversationPublic), json=fields)


@route("GET", "/v1/conversations")
def list_conversations(*, limit: int = 50, offset: int = 0) -> Call[list[ConversationPublic]]:
    return Call(many(ConversationPublic), params={"limit": limit, "offset": offset})


@route("GET", "/v1/conversations/{conversation_id}")
def get_conversation(conversation_id: str) -> Call[ConversationPublic]:
    return Call(one(ConversationPublic), {"conversation_id": conversation_id})


@route("POST", "/v1/conversations/{conversation_id}/messages")
def post_message(
    conversation_id: str, text: str, *, idempotency_key: str | None = None
) -> Call[TurnPublic]:
    """Post the customer's message; the assistant's turn (``outcome`` ``queued`` while a
    person handles the conversation). ``stream_message`` streams it instead."""
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    return Call(
        one(TurnPublic), {"conversation_id": conversation_id}, json={"text": text}, headers=headers
    )


@route("POST", "/v1/conversations/{conversation_id}/handoff")
def request_person(conversation_id: str) -> Call[TicketPublic]:
    """The customer asks for a person: a ticket in the agents' queue."""
    return Call(one(TicketPublic), {"conversation_id": conversation_id})


@route("POST", "/v1/conversations/{conversation_id}/leave")
def leave_conversation(conversation_id: str) -> Call[ConversationLeft]:
    """The customer left: a waiting ticket is marked so, else the conversation closes."""
    return Call(one(ConversationLeft), {"conversation_id": conversation_id})


@route("POST", "/v1/conversations/{conversation_id}/feedback")
def thumbs(
    conversation_id: str, turn_id: str, rating: str, *, comment: str | None = None
) -> Call[FeedbackPublic]:
    """Thumbs ``up`` or ``down`` on one assistant turn."""
    fields = body(turn_id=turn_id, rating=rating, comment=comment)
    return Call(one(FeedbackPublic), {"conversation_id": conversation_id}, json=fields)


@route("POST", "/v1/conversations/{conversation_id}/csat")
def csat(conversation_id: str, score: int, *, comment: str | None = None) -> Call[FeedbackPublic]:
    fields = body(score=score, comment=comment)
    return Call(one(FeedbackPublic), {"conversation_id": conversation_id}, json=fields)


@route("GET", "/v1/conversations/{conversation_id}/turns/{turn_id}/original")
def reveal_original(conversation_id: str, turn_id: str) -> Call[OriginalText]:
    ids = {"conversation_id": conversation_id, "turn_id": turn_id}
    return Call(one(OriginalText), ids)
