"""What the LLM generator does with a model's answers: citation markers renumbered to the
passages shown, the answer most samples agree on, and drafts relayed to a streaming
caller (withdrawn when they leak the prompt's canary)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from frontdesk.llm.clients import sum_usage
from frontdesk.llm.completion import Completion
from frontdesk.llm.prompts import AnswerPayload
from frontdesk.pipeline.state import DraftSink, TurnState

MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
# ``state.details`` key: how much of an LLM's answer the output guard kept and found
# supported by its sources, in [0, 1] (the LLM path's evidence for the decide stage).
GROUNDED = "llm_grounded"


def written_by_llm(state: TurnState) -> bool:
    """Whether the turn's answer is a model's (not the extractive fallback's)."""
    record = state.details.get("llm")
    return isinstance(record, dict) and record.get("provider") is not None


def composed_by_llm(state: TurnState) -> bool:
    """Whether a model composed the answer from the passages: written by it, and not its
    translation of the extractive answer (``llm_translation``), whose evidence stays the
    extractive generator's."""
    record = state.details.get("llm")
    return written_by_llm(state) and isinstance(record, dict) and record.get("task") != "translate"


def rewrite_markers(answer: str, renumber: dict[int, int]) -> str:
    """Markers renumbered, unknown numbers removed; cited passages without a marker get
    one at the end so every citation is visible in the text."""
    seen: set[int] = set()

    def replace(match: re.Match[str]) -> str:
        numbers = [renumber[int(n)] for n in match.group(1).split(",") if int(n) in renumber]
        seen.update(numbers)
        return "".join(f" [{n}]" for n in dict.fromkeys(numbers))

    text = MARKER.sub(replace, answer).strip()
    missing = [n for n in sorted(renumber.values()) if n not in seen]
    if missing:
        text = text + "".join(f" [{n}]" for n in missing)
    return text


def choose_by_agreement(
    payloads: Sequence[AnswerPayload], passages: int
) -> tuple[AnswerPayload, float]:
    """The answer most samples agree with, and the share that agree.

    Two samples agree when they give the same verdict and cite the same passages (the
    wording may differ); a tie goes to the earlier sample, the greedy one first.
    """

    def key(payload: AnswerPayload) -> tuple[bool, frozenset[int]]:
        if not payload.sufficient:
            return (False, frozenset())
        return (True, frozenset(n for n in payload.citations if 1 <= n <= passages))

    keys = [key(p) for p in payloads]
    best = max(range(len(keys)), key=lambda i: (keys.count(keys[i]), -i))
    return payloads[best], keys.count(keys[best]) / len(keys)


class DraftRelay:
    """Passes draft text to the caller's sink; withdraws a draft that leaks the canary.
    (That answer then fails parsing, so the next attempt starts with a fresh draft.)"""

    def __init__(self, sink: DraftSink, canary: str | None) -> None:
        self._sink = sink
        self._canary = canary.lower() if canary else None
        self._shown = ""
        self._muted = False

    def delta(self, text: str) -> None:
        if self._muted:
            return
        self._shown += text
        if self._canary and self._canary in self._shown.lower():
            self._muted = True
            self._sink.reset()
            return
        self._sink.delta(text)

    def reset(self) -> None:
        if self._shown:
            self._sink.reset()
        self._shown = ""
        self._muted = False


def usage_record(completions: Sequence[Completion]) -> dict[str, int | float]:
    """Tokens, cost, wall time and calls of a turn's completions, for the trace."""
    usage = sum_usage(completions)
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "cached_tokens": usage.cached_tokens,
        "cost": round(sum(c.cost for c in completions), 8),
        "latency_ms": round(sum(c.latency_ms for c in completions), 1),
        "calls": len(completions),
    }
