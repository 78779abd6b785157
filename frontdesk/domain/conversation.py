"""Conversations, turns and the per-stage trace recorded on every assistant turn."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Speaker(StrEnum):
    CUSTOMER = "customer"
    ASSISTANT = "assistant"
    AGENT = "agent"


class ConversationStatus(StrEnum):
    BOT = "bot"  # the assistant answers
    HUMAN = "human"  # handed off: the assistant stays silent
    CLOSED = "closed"


class Outcome(StrEnum):
    """What the assistant did with a customer message."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"  # no grounded answer; says so honestly
    HANDOFF = "handoff"  # handed to a human
    CLARIFY = "clarify"  # asked the customer a clarifying question
    REFUSED = "refused"  # a guard or policy refused to answer


@dataclass(slots=True)
class StageTrace:
    """One stage's record on a turn: how long it took, what it measured, what it flagged."""

    name: str
    duration_ms: float
    scores: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Citation:
    """A numbered reference from an answer to a retrieved chunk."""

    number: int
    chunk_id: str
    title: str
    url: str | None = None
    document_id: str | None = None  # the external id where the source gave one
    score: float = 0.0  # the retriever's score for the cited chunk

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Turn:
    id: str
    conversation_id: str
    seq: int
    speaker: Speaker
    text: str
    created_at: datetime
    outcome: Outcome | None = None
    in_reply_to: str | None = None
    release_id: str | None = None
    trace: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


# Conversation metadata: the widget's browser language, the prior for the conversation's.
BROWSER_LANGUAGE = "browser_language"


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    tenant_id: str
    status: ConversationStatus
    channel: str
    created_at: datetime
    updated_at: datetime
    turns: list[Turn] = field(default_factory=list)
    customer_id: str | None = None  # the tenant's id for the customer, when given
    metadata: dict[str, Any] = field(default_factory=dict)
