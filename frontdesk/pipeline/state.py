"""What flows through the pipeline for one customer message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from frontdesk.domain.conversation import Citation, Outcome
from frontdesk.retrieval.types import Passage as Passage  # re-exported: stages use it


class DraftSink(Protocol):
    """Where a generator that streams shows its answer as it is written.

    A draft is not the reply: later stages may change or block it, and the committed
    turn replaces it. ``reset`` discards what was shown (a retry or a fallback starts
    over).
    """

    def delta(self, text: str) -> None: ...

    def reset(self) -> None: ...


@dataclass(frozen=True, slots=True)
class HistoryTurn:
    speaker: str  # "customer" | "assistant" | "agent"
    text: str
    outcome: str | None = None  # for assistant turns: what the assistant did
    route: str | None = None  # for assistant turns: the route taken ("smalltalk", …)
    language: str | None = None  # for customer turns: the language it was taken to be in


@dataclass(slots=True)
class TurnState:
    """Mutable state one turn carries from stage to stage.

    Stages read what earlier stages wrote and fill in their own part; the runner records
    each stage's timing, scores and flags on the trace.
    """

    tenant_id: str
    conversation_id: str
    text: str  # the customer message as received (already size-checked)
    history: list[HistoryTurn] = field(default_factory=list)
    query: str = ""  # standalone question the retriever searches for
    # The question the reply answers when it is not the message itself: an elliptical
    # follow-up restated ("and to France?": "how much is a 2 kg parcel to France?").
    question: str = ""
    passages: list[Passage] = field(default_factory=list)
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    confidence: float = 0.0
    outcome: Outcome | None = None
    escalation_reason: str | None = None
    flags: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    drafts: DraftSink | None = None  # set when the caller streams the answer
    # The tenant's daily LLM budget is used up: LLM stages take their non-LLM path.
    llm_budget_exhausted: bool = False
    # Language: the tenant's languages, the browser's (the prior), the tenant's catalogue
    # overrides ({language: {key: text}}); the pipeline sets the message's language and
    # the reply's.
    tenant_languages: tuple[str, ...] = ()
    language_prior: str | None = None
    message_overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    language: str | None = None
    reply_language: str | None = None
    # The language of ``query`` and ``question`` when the context stage translated them
    # into the help center's (``llm_query_translator``); else they are in ``language``.
    question_language: str | None = None
    translated_from: str = ""  # the question in the customer's words, when translated

    @property
    def search_language(self) -> str:
        """The language the knowledge base is searched, and the question read, in."""
        return self.question_language or self.language or "en"

    @property
    def asked(self) -> str:
        """What the reply must answer: the restated question, else the message."""
        return self.question or self.text

    @property
    def customer_question(self) -> str:
        """``asked`` in the customer's words: a model writing in the customer's language
        is shown the question in it (given the translation, the 1.5B replied in English)."""
        return self.translated_from or self.asked
