"""An OpenAI-compatible face: ``POST /v1/chat/completions`` and ``GET /v1/models``, so chat
UIs and SDKs that speak OpenAI's protocol talk to Frontdesk unchanged (the tenant's key is
the API key).

The last message must be the customer's. A conversation continues when the request names
it (``metadata.conversation_id``) or when ``user`` (your id for the customer) has a
conversation holding exactly the earlier user messages sent; otherwise a new one starts,
and the earlier messages are context for the first answer (redacted, never stored).
System prompts are ignored: the release decides how Frontdesk answers. A streamed answer
is sent once the output guard has passed it, in OpenAI's chunk format."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from frontdesk.api.deps import AnyKey, FrontdeskDep, TurnSlotsDep
from frontdesk.domain.conversation import Speaker
from frontdesk.domain.public import TurnPublic
from frontdesk.domain.tenant import Principal
from frontdesk.errors import InvalidInputError, NotFoundError
from frontdesk.runtime import Frontdesk

router = APIRouter(tags=["openai-compatible"])

CHANNEL = "openai"
QUEUED_REPLY = "Thanks, a person from our team has this conversation and will reply."


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: only the text ones count
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    # OpenAI parameters Frontdesk has no use for (temperature, n, tools…) are ignored.
    model_config = ConfigDict(extra="allow")

    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: StrictBool = False
    user: str | None = Field(None, min_length=1, max_length=128, pattern=r"^[^\x00-\x1f]+$")
    metadata: dict[str, str] | None = None


@router.get("/v1/models")
def list_models(frontdesk: FrontdeskDep, principal: AnyKey) -> dict[str, Any]:
    """The release this server answers with, as the one model to choose."""
    return {"object": "list", "data": [_model(frontdesk)]}


@router.post(
    "/v1/chat/completions",
    responses={200: {"content": {"text/event-stream": {}}}},
)
def chat_completions(
    body: ChatCompletionRequest, frontdesk: FrontdeskDep, principal: AnyKey, slots: TurnSlotsDep
) -> Any:
    """One customer message in OpenAI's format; the grounded answer (or a handoff notice)
    back as an assistant message, with numbered sources in the text and the structured
    outcome and citations in the extra ``frontdesk`` field."""
    release = frontdesk.release.id
    if body.model not in (None, release, "frontdesk"):
        raise NotFoundError(f"model {body.model!r} not found; this server answers as {release!r}")
    last = body.messages[-1]
    if last.role != "user" or not last.text().strip():
        raise InvalidInputError(
            "the last message must be the customer's (role user) with text", field="messages"
        )
    earlier = [
        (Speaker.CUSTOMER.value if m.role == "user" else Speaker.ASSISTANT.value, m.text())
        for m in body.messages[:-1]
        if m.role in ("user", "assistant") and m.text().strip()
    ]
    conversation_id, new = _conversation(frontdesk, principal, body, earlier)
    with slots.turn(principal.key_id):
        posted = frontdesk.conversations.post_message(
            principal.tenant_id,
            conversation_id,
            last.text(),
            prior=earlier if new else None,
        )
    turn = TurnPublic.of(posted.turn)
    outcome = "queued" if posted.queued else turn.outcome
    content = QUEUED_REPLY if posted.queued else _with_sources(turn)
    extra = {
        "conversation_id": conversation_id,
        "turn_id": turn.id,
        "outcome": outcome,
        "confidence": None if posted.queued else turn.confidence,
        "route": turn.route,
        "escalation_reason": turn.escalation_reason,
        "citations": [] if posted.queued else [c.model_dump() for c in turn.citations],
        "release_id": turn.release_id,
    }
    completion_id = f"chatcmpl-{turn.id}"
    created = int(turn.created_at.timestamp())
    if body.stream:
        return StreamingResponse(
            _chunks(completion_id, created, release, content, extra),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache"},
        )
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": release,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "frontdesk": extra,
    }


def _conversation(
    frontdesk: Frontdesk,
    principal: Principal,
    body: ChatCompletionRequest,
    earlier: list[tuple[str, str]],
) -> tuple[str, bool]:
    """The conversation this message belongs to, and whether it is new."""
    named = (body.metadata or {}).get("conversation_id")
    if named:
        return frontdesk.conversations.get(principal.tenant_id, named).id, False  # 404 first
    if body.user:
        asked = sum(1 for speaker, _ in earlier if speaker == Speaker.CUSTOMER.value)
        found = frontdesk.conversations.continued_conversation(
            principal.tenant_id, body.user, CHANNEL, asked
        )
        if found is not None:
            return found, False
    created = frontdesk.conversations.create(
        principal.tenant_id,
        channel=CHANNEL,
        created_by_key=principal.key_id,
        customer_id=body.user,
    )
    return created.id, True


def _with_sources(turn: TurnPublic) -> str:
    if not turn.citations:
        return turn.text
    lines = [f"[{c.number}] {c.title}" + (f" ({c.url})" if c.url else "") for c in turn.citations]
    return turn.text + "\n\nSources:\n" + "\n".join(lines)


def _chunks(
    completion_id: str, created: int, model: str, content: str, extra: dict[str, Any]
) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **more: Any) -> str:
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **more,
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    words = content.split(" ")
    for start in range(0, len(words), 8):  # a few words per chunk, as a model streams
        piece = " ".join(words[start : start + 8])
        yield chunk({"content": piece if start == 0 else " " + piece})
    yield chunk({}, "stop", frontdesk=extra)
    yield "data: [DONE]\n\n"


def _model(frontdesk: Frontdesk) -> dict[str, Any]:
    return {
        "id": frontdesk.release.id,
        "object": "model",
        "created": int(time.time()),
        "owned_by": "frontdesk",
    }
