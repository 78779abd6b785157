"""One training example, and how it is written in each chat JSONL dialect.

``openai-chat`` is the OpenAI fine-tuning format (``{"messages": [...]}``, roles
``system``/``user``/``assistant``; nothing else on the line, which its validator accepts).
``sharegpt`` is the ShareGPT layout axolotl, LLaMA-Factory and FastChat read
(``{"id", "conversations": [{"from": "system"|"human"|"gpt", "value"}]}``).
The system message carries the passages, numbered as the answer may cite them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

PASSAGE_LIMIT_CHARS = 1500  # as the LLM prompt cuts each passage

INSTRUCTIONS = (
    "You are the customer support assistant of {tenant}. Answer the customer's message from "
    "the numbered help-center passages below and cite the ones you use, like [1]. If they "
    "do not answer it, say so and offer to pass the conversation to a person."
)


@dataclass(frozen=True, slots=True)
class ContextPassage:
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class ChatExample:
    """A redacted question and answer, the passages shown with it, and where it came from
    (``kind:id``, e.g. ``handoff:<ticket id>``)."""

    source: str
    question: str
    answer: str
    passages: tuple[ContextPassage, ...] = ()


def system_message(tenant: str, passages: Sequence[ContextPassage]) -> str:
    lines = [INSTRUCTIONS.format(tenant=tenant), ""]
    if not passages:
        lines.append("(No help-center passage matched this message.)")
    for number, passage in enumerate(passages, start=1):
        text = passage.text
        if len(text) > PASSAGE_LIMIT_CHARS:
            text = text[: PASSAGE_LIMIT_CHARS - 1].rstrip() + "…"
        lines.append(f"[{number}] {passage.title}\n{text}\n")
    return "\n".join(lines).rstrip()


def openai_chat(tenant: str, example: ChatExample) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "system", "content": system_message(tenant, example.passages)},
            {"role": "user", "content": example.question},
            {"role": "assistant", "content": example.answer},
        ]
    }


def sharegpt(tenant: str, example: ChatExample) -> dict[str, Any]:
    return {
        "id": example.source,
        "conversations": [
            {"from": "system", "value": system_message(tenant, example.passages)},
            {"from": "human", "value": example.question},
            {"from": "gpt", "value": example.answer},
        ],
    }


FORMATS: dict[str, Callable[[str, ChatExample], dict[str, Any]]] = {
    "openai-chat": openai_chat,
    "sharegpt": sharegpt,
}


def render(format_name: str, tenant: str, example: ChatExample) -> dict[str, Any]:
    """``example`` as one JSONL record in ``format_name`` (a key of :data:`FORMATS`)."""
    return FORMATS[format_name](tenant, example)
