"""``/v1/conversations``: create, read, and post customer messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from frontdesk.api.deps import AnyKey, FrontdeskDep, StaffKey, TurnSlotsDep
from frontdesk.api.reply_stream import stream_reply
from frontdesk.api.schemas import (
    ConversationCreate,
    ConversationLeft,
    ConversationPublic,
    CsatCreate,
    FeedbackPublic,
    MessageCreate,
    OriginalText,
    ThumbsCreate,
    TicketPublic,
    TicketRef,
    TurnPublic,
)
from frontdesk.api.sse import event_stream
from frontdesk.domain.public import for_customer
from frontdesk.domain.tenant import KeyRole, Principal
from frontdesk.errors import InvalidInputError
from frontdesk.live.bus import conversation_topic
from frontdesk.services.conversations import PostedReply, ReplyObserver

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
        customer_id=body.customer_id,
        browser_language=body.language,
    )
    return ConversationPublic.of(conversation)


@router.get("", response_model=list[ConversationPublic])
def list_conversations(
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ConversationPublic]:
    found = frontdesk.conversations.list_recent(principal.tenant_id, limit, offset)
    return [ConversationPublic.of(c) for c in found]


@router.get("/{conversation_id}", response_model=ConversationPublic)
def get_conversation(
    conversation_id: str, frontdesk: FrontdeskDep, principal: AnyKey
) -> ConversationPublic:
    conversation = frontdesk.conversations.get(principal.tenant_id, conversation_id)
    ticket = frontdesk.handoff.current_ticket(principal.tenant_id, conversation_id)
    public = ConversationPublic.of(conversation)
    if principal.role is KeyRole.WIDGET:
        public.turns = [for_customer(turn) for turn in public.turns]
    if ticket is not None:
        public.ticket = TicketRef(id=ticket.id, status=ticket.status.value)
    return public


@router.post(
    "/{conversation_id}/messages",
    status_code=201,
    response_model=TurnPublic,
    responses={
        200: {"description": "An Idempotency-Key retry: the stored reply"},
        202: {"description": "A person handles the conversation: the message is queued"},
        201: {
            "description": "The assistant's turn; with `Accept: text/event-stream` (or "
            "`?stream=true`) server-sent events `accepted`, `delta`, `reset`, then `final` "
            "(this body plus `replaced`) or `error`.",
            "content": {"text/event-stream": {}},
        },
    },
)
def post_message(
    conversation_id: str,
    body: MessageCreate,
    request: Request,
    response: Response,
    frontdesk: FrontdeskDep,
    principal: AnyKey,
    slots: TurnSlotsDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    stream: Annotated[bool, Query(description="Answer as server-sent events")] = False,
) -> TurnPublic | StreamingResponse:
    """Post a customer message and get the assistant's turn, with its trace."""
    if idempotency_key is not None and not idempotency_key.strip():
        raise InvalidInputError("Idempotency-Key must not be blank", field="Idempotency-Key")

    def post(observer: ReplyObserver | None = None) -> PostedReply:
        with slots.turn(principal.key_id):
            return frontdesk.conversations.post_message(
                principal.tenant_id, conversation_id, body.text, idempotency_key, observer=observer
            )

    def rendered(posted: PostedReply) -> tuple[int, TurnPublic, dict[str, str]]:
        return _rendered(posted, principal)

    if stream or "text/event-stream" in request.headers.get("accept", ""):
        return stream_reply(post, rendered)
    status, turn, headers = rendered(post())
    response.status_code = status
    response.headers.update(headers)
    return turn


def _rendered(posted: PostedReply, principal: Principal) -> tuple[int, TurnPublic, dict[str, str]]:
    """Status, body and headers of a posted message's reply (JSON or streamed alike);
    the widget gets no guard internals."""
    headers = {"Idempotent-Replayed": "true"} if posted.replayed else {}
    turn = TurnPublic.of(posted.turn)
    if principal.role is KeyRole.WIDGET:
        turn = for_customer(turn)
    if posted.queued:  # a person handles this conversation: stored, the bot stays silent
        turn.outcome = "queued"
        return 202, turn, headers
    return (200 if posted.replayed else 201), turn, headers


@router.post("/{conversation_id}/handoff", status_code=201, response_model=TicketPublic)
def request_person(
    conversation_id: str, frontdesk: FrontdeskDep, principal: AnyKey
) -> TicketPublic:
    """The customer asks for a person: the conversation goes to the agents' queue."""
    return TicketPublic.of(frontdesk.handoff.request_person(principal.tenant_id, conversation_id))


@router.post("/{conversation_id}/leave", response_model=ConversationLeft)
def leave(conversation_id: str, frontdesk: FrontdeskDep, principal: AnyKey) -> ConversationLeft:
    """The customer left the conversation (the widget's "Start new"). A ticket waiting for
    a person stays in the agents' queue marked ``customer_left_at``, for an agent to
    resolve; without one the conversation is closed. Writing again undoes either; saying
    it twice changes nothing more."""
    left = frontdesk.handoff.leave(principal.tenant_id, conversation_id)
    ticket = None
    if left.ticket is not None:
        ticket = TicketRef(id=left.ticket.id, status=left.ticket.status.value)
    return ConversationLeft(
        conversation_id=left.conversation_id, status=left.status.value, ticket=ticket
    )


@router.post("/{conversation_id}/feedback", status_code=201, response_model=FeedbackPublic)
def thumbs(
    conversation_id: str, body: ThumbsCreate, frontdesk: FrontdeskDep, principal: AnyKey
) -> FeedbackPublic:
    """Thumbs up or down on one assistant answer, with an optional comment. A second
    rating of the same answer replaces the first (same id; the stats count the latest)."""
    feedback = frontdesk.handoff.add_thumbs(
        principal.tenant_id, conversation_id, body.turn_id, body.rating, body.comment
    )
    return FeedbackPublic.of(feedback)


@router.post("/{conversation_id}/csat", status_code=201, response_model=FeedbackPublic)
def csat(
    conversation_id: str, body: CsatCreate, frontdesk: FrontdeskDep, principal: AnyKey
) -> FeedbackPublic:
    """Customer satisfaction, 1 to 5, for the conversation. A second score replaces the
    first (same id; the stats count the latest)."""
    feedback = frontdesk.handoff.add_csat(
        principal.tenant_id, conversation_id, body.score, body.comment
    )
    return FeedbackPublic.of(feedback)


@router.get("/{conversation_id}/events", response_class=StreamingResponse)
def conversation_events(
    conversation_id: str, request: Request, frontdesk: FrontdeskDep, principal: AnyKey
) -> StreamingResponse:
    """Live events of one conversation (server-sent events): ``turn`` (an agent's reply)
    and ``status`` (``human``, ``bot`` or ``closed``)."""
    frontdesk.conversations.get(principal.tenant_id, conversation_id)  # 404 if not theirs
    topic = conversation_topic(conversation_id)
    return event_stream(request, frontdesk.events.subscribe(principal.tenant_id, topic))


@router.get("/{conversation_id}/turns/{turn_id}/original", response_model=OriginalText)
def reveal_original(
    conversation_id: str, turn_id: str, frontdesk: FrontdeskDep, principal: StaffKey
) -> OriginalText:
    """The customer's message before PII redaction, decrypted — only where the tenant
    enabled ``reveal_pii_to_agents``."""
    text = frontdesk.conversations.reveal_original(principal.tenant_id, conversation_id, turn_id)
    return OriginalText(turn_id=turn_id, text=text)
