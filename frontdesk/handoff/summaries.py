"""Ticket summaries: what an agent reads first.

A release with a ``summarizer`` has a language model write the summary. It is written
before the transaction that locks the conversation (a model may take seconds) and passed
to :func:`frontdesk.handoff.tickets.open_ticket_in`; when no provider answers, the
extractive :func:`summarize` is used, as without a summarizer.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from frontdesk.domain.catalogue import DEFAULT_LANGUAGE, Catalogue
from frontdesk.domain.conversation import ConversationStatus, Outcome, Speaker, Turn
from frontdesk.handoff.decide import wants_a_person
from frontdesk.llm.assist import LlmAssistant
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.operations.budgets import BUDGET_FLAG
from frontdesk.releases.config import SummarizerSpec
from frontdesk.retrieval.condense import is_follow_up
from frontdesk.storage.db import Database
from frontdesk.storage.repos import conversations as conversations_repo

log = logging.getLogger(__name__)

SUMMARY_CHARS = 600


def summarize(turns: list[Turn], reason: str) -> str:
    """An extractive summary: what the customer asked first and last, and why the
    assistant handed over, so an agent can start without reading everything."""
    asked = [t.text for t in _questions(turns)]
    parts = []
    if asked:
        parts.append(f"Customer asked: {_sentence(asked[0])}")
        if len(asked) > 1:
            parts.append(f"Latest message: {_sentence(asked[-1])}")
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
    answered = sum(
        1 for t in turns if t.outcome is Outcome.ANSWERED and t.details.get("route") != "smalltalk"
    )
    unanswered = sum(1 for t in turns if t.outcome is Outcome.NO_ANSWER)
    parts.append(
        f"Handed over: {reason.replace('_', ' ')} "
        f"({answered} answered, {unanswered} unanswered before)."
    )
    summary = " ".join(parts)
    return summary if len(summary) <= SUMMARY_CHARS else summary[: SUMMARY_CHARS - 1] + "…"


def _sentence(text: str) -> str:
    """``text`` ending as a sentence: customers often leave the full stop out, and the next
    part of the summary would read as part of their message."""
    text = text.strip()
    return text if text.endswith((".", "?", "!", "…", "。", "\uff1f", "\uff01")) else text + "."


def _questions(turns: list[Turn]) -> list[Turn]:
    """The customer's messages, without small talk ("hi", "thanks"): an agent wants the
    question, not the greeting. All of them when nothing else was said."""
    smalltalk = {t.in_reply_to for t in turns if t.details.get("route") == "smalltalk"}
    customer = [t for t in turns if t.speaker is Speaker.CUSTOMER]
    return [t for t in customer if t.id not in smalltalk] or customer


def open_questions(turns: list[Turn]) -> str:
    """What the customer needed a person for, as text to draft an FAQ entry from: the
    messages the assistant did not answer (or that came after the handoff), led by the
    answered one before when the first of them follows up on it; without small talk and
    without "can I talk to a person"; all their questions when that leaves none."""
    replies = {t.in_reply_to: t for t in turns if t.speaker is Speaker.ASSISTANT}
    asked = [t for t in _questions(turns) if not wants_a_person(t.text)]
    unanswered = [
        i
        for i, t in enumerate(asked)
        if (reply := replies.get(t.id)) is None or reply.outcome is not Outcome.ANSWERED
    ]
    chosen = asked
    if unanswered:
        first = unanswered[0]
        # "Is it cheaper yearly?" needs the answered question it follows up on.
        context = [first - 1] if first > 0 and is_follow_up(asked[first].text) else []
        chosen = [asked[i] for i in context + unanswered]
    # One message, one sentence at least: "what do i do" must not run into the next one.
    return " ".join(_as_sentence(t.text) for t in chosen)


_QUESTION_START = re.compile(
    r"^(?:how|what|when|where|which|who|why|can|could|do|does|did|is|are|will|would|should"
    r"|may|have|has)\b",
    re.IGNORECASE,
)


def _as_sentence(text: str) -> str:
    text = text.strip()
    if not text or text[-1] in ".?!":
        return text
    return text + ("?" if _QUESTION_START.match(text) else ".")


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
        if details is not None and details.get(BUDGET_FLAG):  # the tenant's LLM budget is used up
            details["handoff_summary"] = {"source": "extractive", "flags": [BUDGET_FLAG]}
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
