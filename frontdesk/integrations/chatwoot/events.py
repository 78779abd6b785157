"""The events Chatwoot sends to a bot's outgoing URL, and what each one means for
Frontdesk (:func:`classify`).

Chatwoot sends ``message_type`` as a name (``incoming``, ``outgoing``, ``activity``,
``template``) in webhooks and as a number (0-3) in some payloads: both are read. A bot
answers only a customer's public message; an agent's public reply means a person has the
conversation; a conversation's status says who owns it (``pending``: the bot, ``open``
or ``snoozed``: a person, ``resolved``: nobody)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

MESSAGE_EVENTS = ("message_created",)
# Only events about the status itself: ``conversation_updated`` (labels, assignee…) also
# carries the status, and a stale ``pending`` there must not give a person's
# conversation back to the bot.
STATUS_EVENTS = ("conversation_status_changed", "conversation_opened", "conversation_resolved")
MAX_ID = 2**62  # Chatwoot's ids are bigints; larger numbers are not ids
_MESSAGE_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}
HUMAN_STATUSES = ("open", "snoozed")


class ChatwootRef(BaseModel):
    """An object Chatwoot nests (conversation, sender, account, inbox): its id and, for
    the fields Frontdesk reads, their values; everything else is ignored."""

    model_config = ConfigDict(extra="ignore")

    id: StrictInt | None = Field(None, ge=0, le=MAX_ID)
    status: str | None = Field(None, max_length=32)
    type: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=500)


class ChatwootEvent(BaseModel):
    """One webhook delivery. For message events ``id`` is the message id; for
    conversation events the payload is the conversation (``id``, ``status``)."""

    model_config = ConfigDict(extra="ignore")

    event: str = Field(min_length=1, max_length=64)
    id: StrictInt | None = Field(None, ge=0, le=MAX_ID)
    content: str | None = None
    message_type: str | StrictInt | None = None
    content_type: str | None = Field(None, max_length=32)
    private: StrictBool | None = None
    status: str | None = Field(None, max_length=32)
    sender: ChatwootRef | None = None
    conversation: ChatwootRef | None = None
    account: ChatwootRef | None = None
    inbox: ChatwootRef | None = None

    def kind_of_message(self) -> str | None:
        kind = self.message_type
        return _MESSAGE_TYPES.get(kind) if isinstance(kind, int) else kind


class Meaning(StrEnum):
    CUSTOMER = "customer"  # a customer wrote: answer (or record, when a person owns it)
    AGENT = "agent"  # a person replied: record it, the bot stays silent
    STATUS = "status"  # the conversation changed hands
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class Classified:
    meaning: Meaning
    reason: str = ""
    conversation_id: int | None = None
    status: str | None = None  # the Chatwoot conversation's status, where the event says


def classify(event: ChatwootEvent) -> Classified:
    if event.event in STATUS_EVENTS:
        status = event.status or ("resolved" if event.event == "conversation_resolved" else None)
        if event.id is None or status is None:
            return Classified(Meaning.IGNORED, "conversation event without id or status")
        return Classified(Meaning.STATUS, conversation_id=event.id, status=status)
    if event.event not in MESSAGE_EVENTS:
        return Classified(Meaning.IGNORED, f"event {event.event} is not for the bot")
    conversation = event.conversation
    if event.id is None or conversation is None or conversation.id is None:
        return Classified(Meaning.IGNORED, "message event without message or conversation id")
    status = conversation.status
    if event.private:
        return Classified(Meaning.IGNORED, "private note", conversation.id, status)
    kind = event.kind_of_message()
    sender_type = (event.sender.type or "").lower() if event.sender else ""
    if kind == "incoming":
        if not (event.content or "").strip():
            return Classified(Meaning.IGNORED, "no text (attachment only)", conversation.id)
        return Classified(Meaning.CUSTOMER, conversation_id=conversation.id, status=status)
    if kind == "outgoing":
        if sender_type != "user":  # an agent bot (Frontdesk itself), a campaign, automation
            return Classified(Meaning.IGNORED, "not a person's reply", conversation.id, status)
        return Classified(Meaning.AGENT, conversation_id=conversation.id, status=status)
    return Classified(Meaning.IGNORED, f"{kind or 'unknown'} message", conversation.id, status)
