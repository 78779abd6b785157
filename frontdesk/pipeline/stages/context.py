"""Context: turn a follow-up into a standalone query within a token budget.

A message that looks like a follow-up (short, or leaning on a pronoun) is searched for
together with earlier customer turns, most recent first, while they fit the budget
(measured best on multi-turn retrieval); a self-contained message starts a new topic and
is searched for alone, so an earlier question cannot pull in its old answer. The
generator answers the message itself either way, except for a follow-up that swaps one
part of the earlier question ("and to France?"): with ``restate`` on, that is restated
as the earlier question with the part swapped, which is searched for and answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.condense import CondenseOptions, Strategy, condense, is_follow_up
from frontdesk.retrieval.restate import restated_in
from frontdesk.retrieval.text import (
    content_words,
    estimate_tokens,
    without_placeholders,
    words,
)

# Acknowledgements that open a follow-up ("ok and what if…") without changing its meaning.
_FILLERS = frozenset({"ok", "okay", "alright", "right", "thanks", "great", "cool", "fine"})


@dataclass
class HistoryCondenser:
    name: str
    budget_tokens: int = 64
    strategy: Strategy = "condensed"
    only_follow_ups: bool = True
    restate: bool = False

    def __post_init__(self) -> None:
        if self.budget_tokens < 8:
            raise ValueError("budget_tokens must be at least 8")
        self._options = CondenseOptions(strategy=self.strategy, budget_tokens=self.budget_tokens)

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        message = state.text.strip()
        question = self._restated(state) if self.restate else None
        if question is not None:
            state.question = state.query = question
        # "can you send parcels to norway" is short but stands on its own.
        elif self.only_follow_ups and not _leans_on_history(message):
            state.query = message
        else:
            state.query = condense(message, state.history, self._options)
        # A redacted name or e-mail is no part of what to search for (nor to embed).
        state.query = without_placeholders(state.query)
        detail: dict[str, object] = {"used_history": state.query != without_placeholders(message)}
        if self.restate:
            detail["restated"] = question is not None
        return StageReport(
            scores={"query_tokens": float(estimate_tokens(state.query))}, detail=detail
        )

    @staticmethod
    def _restated(state: TurnState) -> str | None:
        earlier = [turn.text for turn in state.history if turn.speaker == "customer"]
        return restated_in(state.text.strip(), earlier)


def _leans_on_history(message: str) -> bool:
    """Three words or fewer, a pronoun or "and/what about…" (after an "ok"), or a short
    question with at most one content word ("how many can I have?")."""
    tokens = words(message)
    while tokens and tokens[0] in _FILLERS:
        tokens = tokens[1:]
    rest = " ".join(tokens)
    if is_follow_up(rest, max_words=3):
        return True
    return len(tokens) <= 6 and len([w for w in content_words(rest) if w not in _FILLERS]) <= 1
