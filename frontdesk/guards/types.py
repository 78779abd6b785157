"""Typed results of the guards and the two seams they plug into.

Every result is a frozen dataclass with ``to_dict()`` so the pipeline can record it on a
turn's trace as plain JSON. Offsets are 0-based, end-exclusive, into the text the caller
passed in (the *original* message, before normalisation).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class GuardAction(StrEnum):
    """What the pipeline should do after a guard ran, in increasing severity."""

    ALLOW = "allow"
    FLAG = "flag"  # go on, but record the flag (and count it)
    REFUSE = "refuse"  # answer with a polite refusal, no retrieval or generation
    HANDOFF = "handoff"  # stop the assistant and escalate to a human

    @property
    def rank(self) -> int:
        return _ACTION_RANK[self]


_ACTION_RANK = {
    GuardAction.ALLOW: 0,
    GuardAction.FLAG: 1,
    GuardAction.REFUSE: 2,
    GuardAction.HANDOFF: 3,
}


def strongest(*actions: GuardAction) -> GuardAction:
    """The most severe of ``actions`` (``ALLOW`` when there are none)."""
    return max(actions, key=lambda a: a.rank, default=GuardAction.ALLOW)


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One piece of personal data found in a text."""

    start: int
    end: int
    label: str  # EMAIL, PHONE, CREDIT_CARD, IBAN, SSN, NATIONAL_ID, IP_ADDRESS, PERSON, ADDRESS
    score: float
    source: str  # "pattern" or "ner"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RedactionResult:
    """``text`` with every span replaced by a typed placeholder such as ``<EMAIL>``.

    ``spans`` index the text given to :meth:`PiiRedactor.redact`, not ``text``.
    """

    text: str
    spans: tuple[PiiSpan, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"redacted_text": self.text, "pii": [s.to_dict() for s in self.spans]}


@dataclass(frozen=True, slots=True)
class ThresholdScore:
    """A detector's score; at or above ``threshold`` the thing counts as detected."""

    score: float
    threshold: float

    @property
    def detected(self) -> bool:
        return self.score >= self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "detected": self.detected}


@dataclass(frozen=True, slots=True)
class InjectionResult(ThresholdScore):
    """Probability-like score in [0, 1] that a text tries to override instructions."""

    detector: str


@dataclass(frozen=True, slots=True)
class AbuseResult(ThresholdScore):
    """Probability that a message is profane or insulting."""


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """ISO 639-1 code and the identifier's normalised probability."""

    language: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class InputGuardResult:
    """Everything the input guards found in one customer message."""

    redacted_text: str
    pii: tuple[PiiSpan, ...]
    injection: InjectionResult | None
    abuse: AbuseResult | None
    language: LanguageResult | None
    flags: tuple[str, ...]
    action: GuardAction
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def injection_score(self) -> float:
        return self.injection.score if self.injection is not None else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "redacted_text": self.redacted_text,
            "pii": [s.to_dict() for s in self.pii],
            "injection_score": self.injection_score,
            "injection": self.injection.to_dict() if self.injection else None,
            "abuse": self.abuse.to_dict() if self.abuse else None,
            "language": self.language.language if self.language else None,
            "language_score": self.language.score if self.language else None,
            "flags": list(self.flags),
            "action": str(self.action),
            "timings_ms": dict(self.timings_ms),
        }


@dataclass(frozen=True, slots=True)
class CitedPassage:
    """A passage an answer cites: ``number`` is the ``[n]`` marker used in the answer,
    ``url`` its public address, ``kind`` ``ticket`` for a resolved ticket's text (another
    customer's conversation) and ``article`` for published knowledge."""

    chunk_id: str
    text: str
    number: int | None = None
    url: str | None = None
    kind: str = "article"


@dataclass(frozen=True, slots=True)
class OutputCheckInput:
    """What the output guard needs to judge one answer. ``customer_text`` is what the
    customer wrote in this conversation (their own identifiers may be repeated to them);
    ``contact_allowlist`` the tenant's approved domains, e-mail addresses and phones;
    ``reply_language`` the language the answer should be in (ISO 639-1), when known."""

    answer: str
    cited: tuple[CitedPassage, ...]
    retrieved_ids: frozenset[str]
    system_prompt: str = ""
    canary: str | None = None
    customer_text: str = ""
    contact_allowlist: tuple[str, ...] = ()
    reply_language: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem an output check found; ``sentence`` indexes the answer's sentences."""

    check: (
        str  # citations, grounding, leak, rules, actions, identifiers, ai_directed, urls, contacts
    )
    flag: str  # stable name for monitoring, e.g. "ungrounded_number"
    detail: str
    action: GuardAction
    sentence: int | None = None
    drop: bool = False  # the sentence is removed from the answer (on-fail drop_sentence)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class OutputGuardResult:
    """The answer after the output guards (sentences may be dropped) and what they found."""

    answer: str
    findings: tuple[Finding, ...]
    action: GuardAction
    support_score: float
    dropped_sentences: tuple[int, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.flag for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "action": str(self.action),
            "flags": list(self.flags),
            "support_score": self.support_score,
            "dropped_sentences": list(self.dropped_sentences),
            "findings": [f.to_dict() for f in self.findings],
            "timings_ms": dict(self.timings_ms),
        }


@runtime_checkable
class InputGuard(Protocol):
    """Checks one customer message before anything stores it or a model sees it.

    ``check`` must not raise for odd but valid text; it raises
    :class:`~frontdesk.errors.InvalidInputError` or
    :class:`~frontdesk.errors.PayloadTooLargeError` for text it refuses to process, and
    the caller treats any other exception as a failure that hands the turn off.
    """

    def warm_up(self) -> None: ...

    def check(self, text: str) -> InputGuardResult: ...


@runtime_checkable
class OutputGuard(Protocol):
    """Checks one answer before the customer sees it; same failure contract as input."""

    def warm_up(self) -> None: ...

    def check(self, item: OutputCheckInput) -> OutputGuardResult: ...
