"""The OpenAI chat-completions format, spoken by vLLM, Ollama, llama.cpp's server and most
hosted APIs.

A request is one JSON object POSTed to :data:`CHAT_PATH`. The reply is one JSON object or,
when streamed, server-sent events whose ``data`` is a chunk object, ending with
``data: [DONE]``. Only the fields Frontdesk uses are read; a body without them is an
:class:`~frontdesk.llm.errors.LlmProtocolError`, and a stream that ends without ``[DONE]``
or a finish reason was cut off (:class:`~frontdesk.llm.errors.LlmTruncatedError`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from frontdesk.llm.completion import Message, Usage
from frontdesk.llm.errors import LlmProtocolError, LlmTruncatedError

CHAT_PATH = "/chat/completions"
DONE = "[DONE]"
_MAX_ERROR_BODY = 300


@dataclass(frozen=True, slots=True)
class ChatReply:
    """What a reply said; ``model`` is ``None`` when the server did not name it."""

    model: str | None
    text: str
    finish_reason: str | None
    usage: Usage


def chat_request(
    model: str,
    messages: list[Message],
    *,
    max_tokens: int,
    temperature: float,
    response_format: dict[str, Any] | None = None,
    seed: int | None = None,
    stop: list[str] | None = None,
    stream: bool = False,
) -> dict[str, Any]:
    """The request body; a streamed one asks for usage in the last chunk."""
    payload: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "max_tokens": max_tokens,
        "temperature": temperature,
    }
    if response_format is not None:
        payload["response_format"] = response_format
    if seed is not None:
        payload["seed"] = seed
    if stop:
        payload["stop"] = stop
    if stream:
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}
    return payload


def parse_reply(text: str, provider: str) -> ChatReply:
    """A non-streamed reply body."""
    body = loads(text, provider)
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise LlmProtocolError(f"provider {provider!r}: response has no choices", provider=provider)
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise LlmProtocolError(
            f"provider {provider!r}: response has no message content", provider=provider
        )
    model = body.get("model")
    return ChatReply(
        model=str(model) if model else None,
        text=content,
        finish_reason=choices[0].get("finish_reason"),
        usage=Usage.from_body(body.get("usage")),
    )


class StreamReader:
    """Reads a streamed reply one event ``data`` at a time: :meth:`feed` returns the text
    deltas it carried, ``done`` turns true at ``[DONE]``, and :meth:`reply` is the whole
    reply once the stream has ended."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.done = False
        self.finish_reason: str | None = None
        self.usage = Usage()
        self._parts: list[str] = []

    def feed(self, data: str) -> list[str]:
        if data == DONE:
            self.done = True
            return []
        chunk = loads(data, self.provider)
        if "error" in chunk:
            raise LlmProtocolError(
                f"provider {self.provider!r} sent an error mid-stream: "
                f"{str(chunk['error'])[:_MAX_ERROR_BODY]}",
                provider=self.provider,
            )
        if chunk.get("usage"):
            self.usage = Usage.from_body(chunk["usage"])
        deltas: list[str] = []
        for choice in chunk.get("choices") or []:
            if not isinstance(choice, dict):
                continue
            self.finish_reason = choice.get("finish_reason") or self.finish_reason
            delta = choice.get("delta") or {}
            text = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(text, str) and text:
                deltas.append(text)
        self._parts.extend(deltas)
        return deltas

    def reply(self) -> ChatReply:
        if not self.done and self.finish_reason is None:
            raise LlmTruncatedError(
                f"provider {self.provider!r}: the stream ended without [DONE] or a finish reason",
                provider=self.provider,
            )
        return ChatReply(None, "".join(self._parts), self.finish_reason, self.usage)


def loads(text: str, provider: str) -> dict[str, Any]:
    """A JSON object, or an :class:`LlmProtocolError` naming the provider."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LlmProtocolError(
            f"provider {provider!r}: response is not JSON: {text[:80]!r}", provider=provider
        ) from exc
    if not isinstance(value, dict):
        raise LlmProtocolError(
            f"provider {provider!r}: response is not a JSON object", provider=provider
        )
    return value
