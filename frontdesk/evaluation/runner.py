"""Runs labelled rows through a release's whole pipeline, in-process, storing nothing.

Each row is a conversation of its own, held in memory: its ``turns`` are answered first,
their replies becoming the history, exactly as ``ConversationService.post_message``
builds it (the screened, redacted text is what the history keeps). Nothing is written to
the tenant's database, so a support lead can evaluate a release on production knowledge.
Once a turn hands the conversation to a person the assistant stays silent, as it does in
production: the row's last message is then ``queued``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from frontdesk.domain.conversation import Citation, Outcome
from frontdesk.errors import InvalidInputError
from frontdesk.evaluation.dataset import EvalRow
from frontdesk.evaluation.scoring import CitedSource, Reply, RowResult, judge
from frontdesk.evaluation.sources import SourceLookup
from frontdesk.pipeline.related import DETAIL_KEY
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import HistoryTurn, TurnState
from frontdesk.services.acceptance import HISTORY_TURNS
from frontdesk.services.conversations import validated_text


@dataclass(frozen=True, slots=True)
class _Turn:
    state: TurnState
    latency_ms: float


class EvalRunner:
    def __init__(self, pipeline: Pipeline, sources: SourceLookup, max_message_chars: int) -> None:
        self._pipeline = pipeline
        self._sources = sources
        self._max_chars = max_message_chars

    def check(self, rows: Sequence[EvalRow]) -> None:
        """Refuse rows the API would refuse (empty, too long) before running any."""
        for row in rows:
            for text in (*row.turns, row.text):
                try:
                    validated_text(text, self._max_chars)
                except InvalidInputError as exc:
                    raise InvalidInputError(
                        f"row {row.id!r}: {exc.message}", field="text"
                    ) from None

    def run(
        self,
        tenant_id: str,
        rows: Sequence[EvalRow],
        progress: Callable[[RowResult], None] | None = None,
    ) -> list[RowResult]:
        self.check(rows)
        results = []
        for result in self.iter(tenant_id, rows):
            results.append(result)
            if progress is not None:
                progress(result)
        return results

    def iter(self, tenant_id: str, rows: Sequence[EvalRow]) -> Iterator[RowResult]:
        for row in rows:
            yield judge(row, self.reply(tenant_id, row))

    def reply(self, tenant_id: str, row: EvalRow) -> Reply:
        history: list[HistoryTurn] = []
        earlier: list[str] = []
        conversation_id = f"eval-{row.id}"
        for text in row.turns:
            turn = self._turn(tenant_id, conversation_id, text, history)
            outcome = turn.state.outcome or Outcome.NO_ANSWER
            earlier.append(outcome.value)
            if outcome is Outcome.HANDOFF:
                return Reply(
                    outcome="queued",
                    text="",
                    latency_ms=0.0,
                    escalation_reason=turn.state.escalation_reason,
                    earlier_outcomes=tuple(earlier),
                )
        last = self._turn(tenant_id, conversation_id, row.text, history)
        state = last.state
        route = state.details.get("route")
        return Reply(
            outcome=(state.outcome or Outcome.NO_ANSWER).value,
            text=state.answer,
            latency_ms=last.latency_ms,
            route=route if isinstance(route, str) else None,
            citations=self._cited(tenant_id, state.citations),
            confidence=round(state.confidence, 4),
            escalation_reason=state.escalation_reason,
            earlier_outcomes=tuple(earlier),
            flags=tuple(state.flags),
            related=self._related(tenant_id, state.details.get(DETAIL_KEY) or []),
        )

    def _turn(
        self, tenant_id: str, conversation_id: str, text: str, history: list[HistoryTurn]
    ) -> _Turn:
        """One message through screen + answer with ``history`` before it; appends the
        customer's (redacted) message and the reply to ``history``."""
        started = time.perf_counter()
        state = TurnState(
            tenant_id=tenant_id,
            conversation_id=conversation_id,
            text=validated_text(text, self._max_chars),
        )
        self._pipeline.screen(state)
        state.history = history[-HISTORY_TURNS:]
        self._pipeline.answer(state)
        latency_ms = (time.perf_counter() - started) * 1000
        outcome = state.outcome or Outcome.NO_ANSWER
        history.append(HistoryTurn("customer", state.text, language=state.language))
        route = state.details.get("route")
        history.append(
            HistoryTurn(
                "assistant", state.answer, outcome.value, route if isinstance(route, str) else None
            )
        )
        return _Turn(state, latency_ms)

    def _cited(self, tenant_id: str, citations: Sequence[Citation]) -> tuple[CitedSource, ...]:
        found = self._sources(tenant_id, [c.chunk_id for c in citations])
        return tuple(
            CitedSource(
                number=c.number,
                title=c.title,
                document_key=c.document_id,
                uri=found.get(c.chunk_id),
                url=c.url,
            )
            for c in citations
        )

    def _related(
        self, tenant_id: str, related: Sequence[dict[str, Any]]
    ) -> tuple[CitedSource, ...]:
        found = self._sources(tenant_id, [str(r["chunk_id"]) for r in related])
        return tuple(
            CitedSource(
                number=number,
                title=str(r["title"]),
                document_key=r.get("document_id"),
                uri=found.get(str(r["chunk_id"])),
                url=r.get("url"),
            )
            for number, r in enumerate(related, start=1)
        )
