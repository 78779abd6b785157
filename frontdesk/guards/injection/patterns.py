"""Text addressed to an AI model rather than to a human reader.

A help-center article talks to customers; a sentence that tells "the assistant" to ignore
its instructions, mentions a system prompt or asks to keep something from the user is
aimed at the model that reads the article. ``strong`` cues never occur in honest support
text; ``weak`` ones can ("when a customer asks…" in a guide for shop owners), so callers
confirm them with the injection detector's score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AI = (
    r"(?:ai|a\.i\.|artificial intelligence|(?:ai |virtual |support |chat )?assistants?"
    r"|chat ?bots?|bots?|(?:large )?language models?|llms?|gpt\S*|models?|agents? reading this)"
)
_I = re.IGNORECASE

STRONG: dict[str, re.Pattern[str]] = {
    "override": re.compile(
        r"\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.\n]{0,40}?"
        r"\b(?:previous|prior|above|earlier|preceding|all|any|other|your|the|these|those)\b"
        r"[^.\n]{0,20}?\b(?:instructions?|rules|guidelines|directives|prompts?|guardrails"
        r"|polic(?:y|ies)|programming|training)\b",
        _I,
    ),
    "system_prompt": re.compile(
        r"\b(?:system|developer|hidden|initial|original)\s+(?:prompt|message|instructions?)\b", _I
    ),
    "addressed_to_ai": re.compile(
        rf"\b(?:as an?|you are an?|dear|hey|hello|attention,?|note (?:to|for)(?: the| any| all)?"
        rf"|message (?:to|for)(?: the| any| all)?|instructions? (?:to|for)(?: the| any| all)?)"
        rf"\s+{_AI}\b"
        rf"|^[\s>*#-]*(?:ai|assistant|chat ?bot|llm|system|language model)\s*[:,]"
        r"|\b(?:the|any|all|every|you,?)\s+(?:ai\s+)?(?:assistant|chat ?bot|bot|language model"
        r"|llm|model)s?\s+(?:must|should|shall|is required to|are required to|needs? to|has to)\b",
        _I | re.MULTILINE,
    ),
    "conceal_from_user": re.compile(
        r"\b(?:do not|don't|never|without)\s+(?:tell(?:ing)?|mention(?:ing)?|reveal(?:ing)?"
        r"|inform(?:ing)?|disclos(?:e|ing)|let(?:ting)?|alert(?:ing)?)\b[^.\n]{0,30}?"
        r"\b(?:the |a )?(?:users?|customers?|humans?|readers?)\b[^.\n]{0,40}?"
        r"\b(?:about )?(?:this|these) (?:note|instructions?|message|text)\b"
        r"|\bdo not (?:tell|mention|reveal|inform|disclose)\b[^.\n]{0,10}?"
        r"\b(?:to )?the (?:user|customer)\b",
        _I,
    ),
    "role_change": re.compile(
        r"\byou are now\b|\bfrom now on,? (?:you|the assistant)\b|\bnew instructions\s*:"
        r"|\bpretend (?:that )?you are\b|\bjailbreak|\bDAN mode\b|\bdeveloper mode\b",
        _I,
    ),
    "chat_markup": re.compile(
        r"<\|im_start\|>|<\|(?:system|assistant|user)\|>|\[/?INST\]|\[system\]"
        r"|^#{2,}\s*(?:system|instruction)s?\b",
        _I | re.MULTILINE,
    ),
}

WEAK: dict[str, re.Pattern[str]] = {
    "user_asks_then_say": re.compile(
        r"\b(?:when|if) (?:a|the|any) (?:user|customer|human|person)s? (?:asks?|mentions?|writes?)"
        r"\b[^.\n]{0,80}?\b(?:respond|reply|answer|say|tell|direct|send|recommend)\b",
        _I,
    ),
    "tell_the_user": re.compile(
        r"\b(?:tell|inform|instruct|advise) (?:the|all|every) (?:users?|customers?)\b"
        r"|\balways (?:recommend|say|answer|respond|reply)\b",
        _I,
    ),
}


@dataclass(frozen=True, slots=True)
class Cues:
    strong: tuple[str, ...]
    weak: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.strong or self.weak)

    @property
    def names(self) -> tuple[str, ...]:
        return self.strong + self.weak


def ai_directed_cues(text: str) -> Cues:
    """Which patterns of text aimed at an AI model occur in ``text``."""
    return Cues(
        tuple(name for name, pattern in STRONG.items() if pattern.search(text)),
        tuple(name for name, pattern in WEAK.items() if pattern.search(text)),
    )
