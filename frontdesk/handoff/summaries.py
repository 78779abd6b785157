"""Ticket summaries: what an agent reads first.

A release with a ``summarizer`` has a language model write the summary. It is written
before the transaction that locks the conversation (a model may take seconds) and passed
to :func:`frontdesk.handoff.tickets.open_ticket_in`; when no provider answers, the
extractive :func:`summarize` is used, as without a summarizer.
"""

from __future__ import annotations

import logging
from typing import Any

from frontdesk.domain.catalogue import DEFAULT_LANGUAGE, Catalogue
from frontdesk.domain.conversation import ConversationStatus, Outcome, Speaker, Turn
from frontdesk.llm.assist import LlmAssistant
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.releases.config import SummarizerSpec
from frontdesk.storage.db import Database
from frontdesk.storage.repos import conversations as conversations_repo

log = logging.getLogger(__name__)

SUMMARY_CHARS = 600


def summarize(turns: list[Turn], reason: str) -> str:
    """An extractive summary: what the customer asked first and last, and why the
    assistant handed over, so an agent can start without reading everything."""
    asked = [t.text for t in turns if t.speaker is Speaker.CUSTOMER]
    parts = []
    if asked:
        parts.append(f"Customer asked: {asked[0]}")
        if len(asked) > 1:
            parts.append(f"Latest message: {asked[-1]}")
    language = next(
        (
            str(t.details["language"])
            for t in reversed(turns)
            if t.speaker is Speaker.CUSTOMER and t.details.get("language")
        ),
        None,
    )
    if language is not None and language != DEFAULT_LANGUAGE:
        # The agent should know before reading (and reply in it).
        parts.insert(
            0, f"Customer writes in {Catalogue(DEFAULT_LANGUAGE).language_name(language)}."
        )
    answered = sum(1 for t in turns if t.outcome is Outcome.ANSWERED)
    unanswered = sum(1 for t in turns if t.outcome is Outcome.NO_ANSWER)
    parts.append(
        f"Handed over: {reason.replace('_', ' ')} "
        f"({answered} answered, {unanswered} unanswered before)."
    )
    summary = " ".join(parts)
    return summary if len(summary) <= SUMMARY_CHARS else summary[: SUMMARY_CHARS - 1] + "…"


def summarizer_for(
    spec: SummarizerSpec | None,
    breakers: BreakerBoard,
    local_models: LocalModelPool | None = None,
) -> LlmAssistant | None:
    """The release's summary writer, sharing the process's provider breakers and local
    model servers."""
    if spec is None:
        return None
    return LlmAssistant(
        providers=spec.providers,
        max_tokens=spec.max_tokens,
        deadline_s=spec.deadline_s,
        breakers=breakers,
        local_models=local_models,
    )


class SummaryWriter:
    """Drafts LLM summaries when the release has a summarizer."""

    def __init__(self, database: Database, summarizer: LlmAssistant | None) -> None:
        self._db = database
        self._summarizer = summarizer

    def warm_up(self) -> None:
        """Connect the summary writer (starting a local model's server) before traffic."""
        if self._summarizer is not None:
            self._summarizer.warm_up()

    def close(self) -> None:
        if self._summarizer is not None:
            self._summarizer.close()

    def draft(
        self,
        tenant_id: str,
        conversation_id: str,
        reason: str,
        details: dict[str, Any] | None = None,
    ) -> str | None:
        """The summarizer's ticket summary, or ``None`` for the extractive one (no
        summarizer, no provider answered, or a person already has the conversation).
        Call it outside any transaction; what happened goes to
        ``details["handoff_summary"]``."""
        if self._summarizer is None:
            return None
        with self._db.transaction() as session:
            conversation = conversations_repo.get(session, tenant_id, conversation_id)
        if conversation.status is ConversationStatus.HUMAN:
            return None  # its open ticket is reused with the summary it has
        drafted = self._summarizer.handoff_summary(conversation.turns, reason, limit=SUMMARY_CHARS)
        if drafted.value is None:
            log.warning(
                "handoff summary is extractive: the summarizer failed tenant=%s "
                "conversation=%s flags=%s",
                tenant_id,
                conversation_id,
                drafted.flags,
            )
        if details is not None:
            details["handoff_summary"] = {
                "source": "extractive" if drafted.value is None else "llm",
                "flags": drafted.flags,
                **drafted.record(),
            }
        return drafted.value
