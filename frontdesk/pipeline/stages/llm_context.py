"""Context with an LLM: a follow-up is rewritten into a standalone question.

Release type ``llm_condenser``; params::

    {"providers": [<provider dicts, as for llm_generator>], "max_tokens": 64,
     "deadline_s": 5.0, "budget_tokens": 64, "strategy": "condensed",
     "only_follow_ups": true}

Only a message that looks like a follow-up (``is_follow_up``, as
:class:`~frontdesk.pipeline.stages.context.HistoryCondenser` decides) in a conversation
with history goes to the model; everything else, and every follow-up the model fails on
(flag ``condense_failed`` with the LLM flags), is condensed by the ``HistoryCondenser``
built from the remaining params, exactly as the ``history_condenser`` stage would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frontdesk.llm.assist import LlmAssistant
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.stages.context import HistoryCondenser
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.condense import is_follow_up
from frontdesk.retrieval.text import estimate_tokens

FOLLOW_UP_MAX_WORDS = 3  # as HistoryCondenser


@dataclass
class LlmCondenser:
    name: str
    assistant: LlmAssistant
    fallback: HistoryCondenser

    @classmethod
    def from_params(
        cls,
        name: str,
        params: dict[str, Any],
        *,
        breakers: BreakerBoard,
        local_models: LocalModelPool | None = None,
    ) -> LlmCondenser:
        values = dict(params)
        assistant = LlmAssistant.from_params(
            values, breakers=breakers, local_models=local_models, max_tokens=64, deadline_s=5.0
        )
        return cls(name, assistant, HistoryCondenser(name=f"{name}:condense", **values))

    def warm_up(self) -> None:
        self.fallback.warm_up()
        self.assistant.warm_up()

    def close(self) -> None:
        self.assistant.close()

    def run(self, state: TurnState) -> StageReport:
        message = state.text.strip()
        if not state.history or not is_follow_up(message, max_words=FOLLOW_UP_MAX_WORDS):
            return self.fallback.run(state)
        if state.llm_budget_exhausted:
            report = self.fallback.run(state)
            return StageReport(
                report.scores, [*report.flags, "llm_budget_exhausted"], report.detail
            )
        assisted = self.assistant.standalone_question(message, state.history)
        if assisted.value is None:
            report = self.fallback.run(state)
            return StageReport(
                scores={**report.scores, **assisted.scores()},
                flags=[*report.flags, *assisted.flags, "condense_failed"],
                detail={**report.detail, "rewritten": None, **assisted.record()},
            )
        state.query = assisted.value
        return StageReport(
            scores={"query_tokens": float(estimate_tokens(state.query)), **assisted.scores()},
            flags=assisted.flags,
            detail={"used_history": True, "rewritten": state.query, **assisted.record()},
        )
