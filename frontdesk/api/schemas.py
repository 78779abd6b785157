"""Request and response bodies of the public API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.domain.conversation import Conversation
from frontdesk.domain.handoff import Feedback, Ticket
from frontdesk.domain.public import CitationPublic as CitationPublic
from frontdesk.domain.public import StagePublic as StagePublic
from frontdesk.domain.public import TurnPublic as TurnPublic
from frontdesk.domain.tenant import ApiKeyInfo
from frontdesk.storage.repos.artifacts import ArtifactInfo


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field("api", pattern=r"^[a-z][a-z0-9_-]{0,15}$")
    metadata: dict[str, str] = Field(default_factory=dict, max_length=20)
    customer_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=r"^[^\x00-\x1f]+$",
        description="Your id for the customer: erasure and access requests find them by it.",
    )
    language: str | None = Field(
        None,
        pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$",
        description="The customer's browser language (e.g. de-AT): the conversation's "
        "language until the customer writes enough to tell.",
    )


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The customer's message.")


class TicketRef(BaseModel):
    id: str
    status: str


class ConversationLeft(BaseModel):
    conversation_id: str
    status: str = Field(description="The conversation's status afterwards")
    ticket: TicketRef | None = Field(
        description="Its ticket still waiting for a person, now marked as left by the customer"
    )


class ConversationPublic(BaseModel):
    id: str
    status: str
    channel: str
    created_at: datetime
    updated_at: datetime
    turns: list[TurnPublic]
    ticket: TicketRef | None = None
    customer_id: str | None = None

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationPublic:
        return cls(
            id=conversation.id,
            status=conversation.status.value,
            channel=conversation.channel,
            customer_id=conversation.customer_id,
            created_at=conversation.created_at,
            updated_at=conversation.updated_at,
            turns=[TurnPublic.of(t) for t in conversation.turns],
        )


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(description="admin, agent or widget")
    name: str = Field("", max_length=100)


class KeyPublic(BaseModel):
    id: str
    role: str
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, info: ApiKeyInfo) -> KeyPublic:
        return cls(
            id=info.id,
            role=info.role.value,
            name=info.name,
            prefix=info.prefix,
            created_at=info.created_at,
            revoked_at=info.revoked_at,
            last_used_at=info.last_used_at,
        )


class KeyCreated(KeyPublic):
    key: str = Field(description="The API key. Shown only this once; store it now.")


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class AssigneePublic(BaseModel):
    key_id: str = Field(
        description="The owner's id: the named agent's (GET /v1/agents), else the API key's."
    )
    name: str | None


class TicketPublic(BaseModel):
    id: str
    conversation_id: str
    status: str
    reason: str
    priority: str
    summary: str
    assignee: AssigneePublic | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    customer_left_at: datetime | None = Field(
        None,
        description="When the customer left the conversation (POST /v1/conversations/{id}/"
        "leave) while it waited for a person: a reply would reach nobody, resolve it. "
        "Cleared if they write again.",
    )

    @classmethod
    def of(cls, ticket: Ticket) -> TicketPublic:
        assignee = (
            None
            if ticket.assignee_key_id is None
            else AssigneePublic(key_id=ticket.assignee_key_id, name=ticket.assignee_name)
        )
        return cls(
            id=ticket.id,
            conversation_id=ticket.conversation_id,
            status=ticket.status.value,
            reason=ticket.reason,
            priority=ticket.priority.value,
            summary=ticket.summary,
            assignee=assignee,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            resolved_at=ticket.resolved_at,
            customer_left_at=ticket.customer_left_at,
        )


class TicketDetail(TicketPublic):
    conversation: ConversationPublic


class ReplyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=8000)


class PromoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=1000)
    answer: str = Field(min_length=1, max_length=8000)


class Promoted(BaseModel):
    document_id: str


class FaqSourceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["ticket", "question"]
    id: str = Field(min_length=1, max_length=200)


class FaqCreate(PromoteCreate):
    """An FAQ entry an agent approved; ``source`` is the suggestion's ticket or question."""

    source: FaqSourceBody | None = None


class RemovedPublic(BaseModel):
    kind: str = Field(
        description="greeting, sign_off, pleasantry, name, email, phone, id, "
        "url, amount, action_claim, case_detail or personal_data"
    )
    count: int


class FaqDraftPublic(BaseModel):
    question: str
    answer: str
    removed: list[RemovedPublic]


class SourcePublic(BaseModel):
    kind: str = Field(description="ticket or question")
    id: str


class SuggestionPublic(BaseModel):
    id: str
    size: int
    examples: list[str]
    draft: FaqDraftPublic
    sources: list[SourcePublic]
    coverage: float = Field(description="best similarity of existing knowledge to the question")


class ThumbsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn_id: str
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=2000)


class CsatCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class FeedbackPublic(BaseModel):
    id: str
    conversation_id: str
    turn_id: str | None
    kind: str
    value: int
    comment: str
    release_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, feedback: Feedback) -> FeedbackPublic:
        return cls(
            id=feedback.id,
            conversation_id=feedback.conversation_id,
            turn_id=feedback.turn_id,
            kind=feedback.kind,
            value=feedback.value,
            comment=feedback.comment,
            release_id=feedback.release_id,
            created_at=feedback.created_at,
        )


class OriginalText(BaseModel):
    turn_id: str
    text: str


class ArtifactPublic(BaseModel):
    """A stored version of one of the tenant's trained models (an intent model, a
    retrieval adapter); ``report`` is its training run's."""

    version: str
    active: bool
    report: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, info: ArtifactInfo) -> Self:
        return cls(
            version=info.version, active=info.active, report=info.report, created_at=info.created_at
        )
