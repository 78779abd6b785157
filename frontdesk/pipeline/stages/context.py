"""Context: turn a follow-up into a standalone query within a token budget.

The retriever searches for the condensed query (the message plus earlier customer turns,
most recent first, while they fit the budget: measured best on multi-turn retrieval);
the generator still answers the message itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.condense import CondenseOptions, Strategy, condense
from frontdesk.retrieval.text import estimate_tokens


@dataclass
class HistoryCondenser:
    name: str
    budget_tokens: int = 64
    strategy: Strategy = "condensed"

    def __post_init__(self) -> None:
        if self.budget_tokens < 8:
            raise ValueError("budget_tokens must be at least 8")
        self._options = CondenseOptions(strategy=self.strategy, budget_tokens=self.budget_tokens)

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        message = state.text.strip()
        state.query = condense(message, state.history, self._options)
        return StageReport(
            scores={"query_tokens": float(estimate_tokens(state.query))},
            detail={"used_history": state.query != message},
        )
