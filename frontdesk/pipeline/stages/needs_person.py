"""Needs a person: requests only an agent can fulfil, complaints, legal threats and
strong frustration go to a person even when an article matches.

The detector runs before retrieval and only records what it found
(``details["needs_person"]``); retrieval and generation still run, so the decide stage
can hand over *and* point to the article ("Here is how it works: … [1] A colleague will
take over."). It is data: each reason is a list of regular expressions a release can
extend, and a how-to question ("how do I change my email?", "can I get a refund?") is
not handed over for the reasons a customer can settle themselves.

Release type ``needs_person``; params::

    {"patterns": {"refund_request": ["regex", ...], ...},
     "howto_patterns": ["regex", ...]}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from frontdesk.domain.handoff import EscalationReason, Priority
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.state import TurnState

R = EscalationReason

# Checked in this order; the first reason that matches is the one recorded.
REASONS: Final = (
    R.LEGAL_THREAT,
    R.COMPLAINT,
    R.FRUSTRATION,
    R.CASE_ACTION,
    R.ACCOUNT_CHANGE,
    R.REFUND_REQUEST,
)
PRIORITIES: Final[Mapping[EscalationReason, Priority]] = {
    R.LEGAL_THREAT: Priority.URGENT,
    R.COMPLAINT: Priority.HIGH,
    R.FRUSTRATION: Priority.HIGH,
}
# Reasons a how-to question does not trigger: the customer can do it themselves.
SELF_SERVICE: Final = frozenset({R.COMPLAINT, R.ACCOUNT_CHANGE, R.REFUND_REQUEST})
# Reasons whose handoff reply may still show the matching article.
POINT_TO_ARTICLE: Final = frozenset({R.CASE_ACTION, R.ACCOUNT_CHANGE, R.REFUND_REQUEST})

_ID = r"\b(?=[A-Z0-9-]*\d)[A-Z]{2,5}-?\d{3,}[A-Z]{0,3}\b"  # PY4820193746DE, INV-2231, CLM-5512
_ACCOUNT_FIELD = (
    r"(e-?mail( address)?|name|phone( number)?|mobile( number)?|address|"
    r"billing address|company name|vat (number|id)|login|username)"
)

DEFAULT_PATTERNS: Final[Mapping[EscalationReason, tuple[str, ...]]] = {
    R.LEGAL_THREAT: (
        r"\b(legal action|legal steps|take (you|this) to court|sue (you|parcelly)|"
        r"suing|lawsuit|my (lawyer|attorney|solicitor)|(a|the) (lawyer|attorney|solicitor)|"
        r"consumer protection|small claims court|report you to)\b",
    ),
    R.COMPLAINT: (
        r"\b(i('d| would)? (like|want) to|i('m| am)) (make|file|lodge|raise|making|filing)"
        r" (a )?(formal )?complaint\b",
        r"\bi (want to )?complain\b",
        r"\b(this|that|it)( is|'s| was) (unacceptable|outrageous|a disgrace|disgraceful|"
        r"a scandal|a joke)\b",
        r"\b(terrible|awful|horrible|appalling|worst|disgraceful|shocking) "
        r"(service|experience|company|support)\b",
        r"\bvery (disappointed|unhappy|dissatisfied)\b",
    ),
    R.FRUSTRATION: (
        r"\b(fed up|sick (and tired )?of|furious|fuming|waste of (my )?time|useless|"
        r"ridiculous|pathetic|incompetent|stupid bot|never again)\b",
        r"!{3,}|\?{3,}",
    ),
    R.CASE_ACTION: (
        # A specific parcel, claim, invoice, gift card or account and an action on it.
        rf"{_ID}.{{0,80}}\b(set|change|switch|cancel|stop|redirect|hold|return|abandon|"
        r"refund|reopen|resend|re-?deliver|update|correct|fix|escalate|investigate|"
        r"credit|compensate|delete|void|raise|increase|extend|unlock|unblock|transfer|"
        r"send (it|them|this|that)\b.{0,25}\bagain)\b",
        r"\b(set|change|switch|cancel|stop|redirect|hold|return|abandon|refund|reopen|resend|"
        r"re-?deliver|update|correct|fix|escalate|investigate|credit|compensate|delete|void|"
        r"raise|increase|extend|unlock|unblock|transfer)"
        rf"\b.{{0,80}}{_ID}",
        r"\bcharged (me )?(twice|double|two times)\b|\bdouble charged\b|\bduplicate charge\b",
    ),
    R.ACCOUNT_CHANGE: (
        rf"\b(change|update|replace|correct|switch) (the |my )?(account'?s? )?{_ACCOUNT_FIELD}"
        rf"( on| of| for| in)?( my| the)?( account| profile)?"
        r"( from [^,.!?]{1,60})? to \S",
        rf"\b(please|can you|could you|would you|kindly|you need to|i need you to) "
        rf"(change|update|replace|correct|edit|delete|remove) (the |my )?(account'?s? )?"
        rf"{_ACCOUNT_FIELD}",
        r"\b(please|can you|could you|kindly) (delete|close|merge|unlock) (my|the) account\b",
        # security settings and roles only an agent can change for the customer
        r"\b(please|can you|could you|would you|kindly|i need you to) (reset|disable|remove|"
        r"turn off|switch off) (my|the|our) (2fa|two[- ]factor( authentication)?|"
        r"authenticator)\b",
        r"\bmake me (the |an? )?(account )?(owner|admin|administrator)\b",
    ),
    R.REFUND_REQUEST: (
        r"\b(refund|reimburse|compensate) me\b",
        r"\b(please|can you|could you|would you|kindly|i need you to) "
        r"(refund|reimburse|compensate|credit)\b",
        r"\bi (want|demand|expect|need|would like|'d like)( to get| to have)? "
        r"(a |my )?(full )?(refund|money back|compensation|reimbursement)\b",
        r"\b(give|send) me (a |my )?(refund|money back|compensation)\b",
    ),
}

DEFAULT_HOWTO: Final = (
    r"^\W*(how|where|when|what|which|why|is it possible|is there a way|do i|does|"
    r"can i|could i|may i|am i able|should i)\b",
    r"\b(how (do|can|long|much|soon)|where (do|can)|what (do|is|are|happens))\b",
)


@dataclass(frozen=True, slots=True)
class PersonNeeded:
    reason: EscalationReason
    priority: Priority
    matched: str  # the phrase that triggered it, for the trace and the agent

    @property
    def points_to_article(self) -> bool:
        return self.reason in POINT_TO_ARTICLE

    def to_detail(self) -> dict[str, Any]:
        return {
            "reason": self.reason.value,
            "priority": self.priority.value,
            "matched": self.matched,
            "point_to_article": self.points_to_article,
        }


class NeedsPersonRules:
    """The patterns of each reason and the how-to exemption, compiled once."""

    def __init__(
        self,
        patterns: Mapping[EscalationReason, Sequence[str]],
        howto: Sequence[str],
    ) -> None:
        self._rules = [(reason, _compile(patterns.get(reason, ()), reason)) for reason in REASONS]
        self._howto = _compile(howto, "howto")

    def check(self, text: str) -> PersonNeeded | None:
        howto = any(p.search(text) for p in self._howto)
        for reason, compiled in self._rules:
            if howto and reason in SELF_SERVICE:
                continue
            for pattern in compiled:
                match = pattern.search(text)
                if match:
                    priority = PRIORITIES.get(reason, Priority.NORMAL)
                    return PersonNeeded(reason, priority, match.group(0)[:80])
        return None


def default_rules() -> NeedsPersonRules:
    return NeedsPersonRules(DEFAULT_PATTERNS, DEFAULT_HOWTO)


@dataclass
class NeedsPersonDetector:
    name: str
    patterns: dict[str, list[str]] = field(default_factory=dict)
    howto_patterns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        known = {r.value for r in REASONS}
        unknown = set(self.patterns) - known
        if unknown:
            raise ValueError(
                f"unknown needs-a-person reasons {sorted(unknown)} (known: {sorted(known)})"
            )
        merged = {
            reason: (*DEFAULT_PATTERNS[reason], *self.patterns.get(reason.value, ()))
            for reason in REASONS
        }
        self._rules = NeedsPersonRules(merged, (*DEFAULT_HOWTO, *self.howto_patterns))

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        found = self._rules.check(state.text)
        if found is None:
            return StageReport()
        state.details["needs_person"] = found.to_detail()
        return StageReport(flags=[found.reason.value], detail=found.to_detail())


def needs_person(state: TurnState) -> PersonNeeded | None:
    """What the detector recorded on this turn, if anything."""
    detail = state.details.get("needs_person")
    if not isinstance(detail, dict):
        return None
    return PersonNeeded(
        EscalationReason(detail["reason"]), Priority(detail["priority"]), str(detail["matched"])
    )


def _compile(patterns: Sequence[str], label: str) -> list[re.Pattern[str]]:
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"needs-a-person pattern {pattern!r} ({label}): {exc}") from exc
    return compiled
