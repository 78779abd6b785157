"""Turning a follow-up message into a standalone search query, without an LLM.

"And for annual plans?" means nothing alone. The ``condensed`` strategy keeps the new
message whole and then spends a token budget on earlier customer turns, most recent first:
whole turns while they fit, then only their content words. A message that looks like a
follow-up (short, or leaning on a pronoun) also borrows key terms from the last assistant
reply. ``last`` and ``all_user`` are the two baselines it is measured against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from frontdesk.retrieval.text import STOPWORDS, content_words, estimate_tokens, words

Strategy = Literal["last", "all_user", "condensed"]

_USER = frozenset({"user", "customer"})
_FOLLOW_UP_WORDS = frozenset(
    "it its it's this that these those they them their there he she his her him one ones "
    "same such else also another other former latter".split()
)
_FOLLOW_UP_OPENERS = ("and ", "but ", "what about", "how about", "also", "then", "so ", "or ")


class HistoryItem(Protocol):
    """Anything with a speaker and text, e.g. :class:`frontdesk.pipeline.state.HistoryTurn`."""

    @property
    def speaker(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CondenseOptions:
    strategy: Strategy = "condensed"
    budget_tokens: int = 64  # word pieces for the whole query (64 measured best on mtrag)
    agent_terms: int = 0  # key terms borrowed from the last reply on a follow-up
    follow_up_max_words: int = 6


def is_follow_up(message: str, max_words: int = 6) -> bool:
    """True when the message probably depends on earlier turns."""
    lowered = message.strip().lower()
    tokens = words(lowered)
    if len(tokens) <= max_words:
        return True
    return lowered.startswith(_FOLLOW_UP_OPENERS) or any(t in _FOLLOW_UP_WORDS for t in tokens)


def condense(
    message: str,
    history: Sequence[HistoryItem],
    options: CondenseOptions | None = None,
) -> str:
    """A standalone query for ``message`` given the ``history`` before it (oldest first)."""
    opts = options or CondenseOptions()
    users = [h.text for h in history if h.speaker in _USER and h.text.strip()]
    if opts.strategy == "last" or not history:
        return message
    if opts.strategy == "all_user":
        return "\n".join([*users, message])
    budget = opts.budget_tokens - estimate_tokens(message)
    parts = [message]
    seen = set(words(message))
    for text in reversed(users):
        if budget <= 0:
            break
        cost = estimate_tokens(text)
        if cost <= budget:
            parts.append(text)
            seen.update(words(text))
            budget -= cost
            continue
        for word in content_words(text):
            if word in seen:
                continue
            cost = estimate_tokens(word)
            if cost > budget:
                break
            parts.append(word)
            seen.add(word)
            budget -= cost
    if opts.agent_terms > 0 and budget > 0 and is_follow_up(message, opts.follow_up_max_words):
        replies = [h.text for h in history if h.speaker not in _USER and h.text.strip()]
        if replies:
            parts.extend(_key_terms(replies[-1], seen, min(opts.agent_terms, budget)))
    return "\n".join(parts)


def _key_terms(text: str, seen: set[str], limit: int) -> list[str]:
    """The reply's most repeated content words (a cheap stand-in for idf weighting)."""
    counts: dict[str, int] = {}
    for word in content_words(text):
        if word not in seen and word not in STOPWORDS and len(word) > 2 and not word.isdigit():
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    return ranked[:limit]
