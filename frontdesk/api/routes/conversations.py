"""``/v1/conversations``: create, read, and post customer messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from frontdesk.api.deps import AnyKey, FrontdeskDep, StaffKey
from frontdesk.api.schemas import (
    ConversationCreate,
    ConversationPublic,
    MessageCreate,
    TurnPublic,
)
from frontdesk.errors import InvalidInputError

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


@router.post("", status_code=201, response_model=ConversationPublic)
def create_conversation(
    frontdesk: FrontdeskDep, principal: AnyKey, body: ConversationCreate | None = None
) -> ConversationPublic:
    body = body or ConversationCreate()
    conversation = frontdesk.conversations.create(
        principal.tenant_id,
        channel=body.channel,
        created_by_key=principal.key_id,
        metadata=body.metadata,
    )
    return ConversationPublic.of(conversation)


@router.get("", response_model=list[ConversationPublic])
def list_conversations(
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ConversationPublic]:
    found = frontdesk.conversations.list_recent(principal.tenant_id, limit, offset)
    return [ConversationPublic.of(c) for c in found]


@router.get("/{conversation_id}", response_model=ConversationPublic)
def get_conversation(
    conversation_id: str, frontdesk: FrontdeskDep, principal: AnyKey
) -> ConversationPublic:
    return ConversationPublic.of(frontdesk.conversations.get(principal.tenant_id, conversation_id))


@router.post(
    "/{conversation_id}/messages",
    status_code=201,
    response_model=TurnPublic,
    responses={200: {"description": "An Idempotency-Key retry: the stored reply"}},
)
def post_message(
    conversation_id: str,
    body: MessageCreate,
    response: Response,
    frontdesk: FrontdeskDep,
    principal: AnyKey,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> TurnPublic:
    """Post a customer message and get the assistant's turn, with its trace."""
    if idempotency_key is not None and not idempotency_key.strip():
        raise InvalidInputError("Idempotency-Key must not be blank", field="Idempotency-Key")
    posted = frontdesk.conversations.post_message(
        principal.tenant_id, conversation_id, body.text, idempotency_key
    )
    if posted.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return TurnPublic.of(posted.turn)
