"""Context: turn a follow-up into a standalone query within a token budget."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.state import TurnState
from frontdesk.pipeline.text import approx_tokens, content_words

_FOLLOW_UP_WORDS = frozenset({"it", "that", "this", "those", "they", "them", "there", "one"})


@dataclass
class HistoryCondenser:
    """Prefix a short or pronoun-led follow-up with the previous customer question.

    ``max_tokens`` bounds the query the retriever sees; older context is dropped first.
    """

    name: str
    max_tokens: int = 256
    follow_up_max_words: int = 6

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        previous = [t.text for t in state.history if t.speaker == "customer"]
        query = state.text.strip()
        used = 0
        if previous and self._is_follow_up(query):
            query = f"{previous[-1]} {query}"
            used = 1
        words = query.split()
        while approx_tokens(" ".join(words)) > self.max_tokens and len(words) > 1:
            words.pop(0)
        state.query = " ".join(words)
        return StageReport(
            scores={"query_tokens": float(approx_tokens(state.query))},
            detail={"history_turns_used": used},
        )

    def _is_follow_up(self, text: str) -> bool:
        lowered = text.lower().split()
        if any(w.strip("?.,!") in _FOLLOW_UP_WORDS for w in lowered[:3]):
            return True
        return len(content_words(text)) <= 2 and len(lowered) <= self.follow_up_max_words
