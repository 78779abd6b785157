"""What a chat model hands back, whatever wire format carried it: the finished
:class:`Completion` with its :class:`Usage` and cost, a :class:`ChatStream` of text deltas,
and running :class:`UsageTotals` per provider."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

Message = dict[str, str]


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    @classmethod
    def from_body(cls, body: object) -> Usage:
        """From a ``usage`` object as OpenAI-compatible servers report it; anything
        missing or malformed counts as zero."""
        if not isinstance(body, dict):
            return cls()
        details = body.get("prompt_tokens_details")
        cached = details.get("cached_tokens", 0) if isinstance(details, dict) else 0
        return cls(
            prompt_tokens=_int(body.get("prompt_tokens")),
            completion_tokens=_int(body.get("completion_tokens")),
            cached_tokens=_int(cached),
        )


@dataclass(frozen=True, slots=True)
class Completion:
    """One finished answer with what it cost."""

    provider: str
    model: str
    text: str
    finish_reason: str | None
    usage: Usage
    cost: float
    latency_ms: float
    attempts: int
    first_token_ms: float | None = None


@dataclass(slots=True)
class UsageTotals:
    """Running totals per provider since start-up (thread-safe through ``add``)."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, completion: Completion) -> None:
        with self._lock:
            self.requests += 1
            self.prompt_tokens += completion.usage.prompt_tokens
            self.completion_tokens += completion.usage.completion_tokens
            self.cost += completion.cost


class ChatStream:
    """Iterate for text deltas; ``completion`` is set once the stream ended properly."""

    def __init__(self, deltas: Iterator[str]) -> None:
        self._deltas = deltas
        self.completion: Completion | None = None

    def __iter__(self) -> Iterator[str]:
        return self._deltas

    def text(self) -> str:
        """Drain the stream and return the whole text."""
        return "".join(self)


def _int(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
