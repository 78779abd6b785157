"""Whether one reply is right for its labelled row.

The same rules score a release run in-process and an older build driven over HTTP, so a
``Reply`` carries only what both can see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from frontdesk.evaluation.dataset import EvalRow

ANSWERED = "answered"
DECLINES = frozenset({"no_answer", "refused", "clarify"})
# "queued": an earlier turn of the row handed the conversation to a person, who now has it.
HANDOFFS = frozenset({"handoff", "queued"})


@dataclass(frozen=True, slots=True)
class CitedSource:
    """A cited chunk's document: its external id (where the source gave one) and the
    ``uri`` it was ingested from."""

    number: int
    title: str
    document_key: str | None = None
    uri: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "document_key": self.document_key,
            "uri": self.uri,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Reply:
    """What the assistant did with a row's last message."""

    outcome: str  # an Outcome value, or "queued"
    text: str
    latency_ms: float
    route: str | None = None
    citations: tuple[CitedSource, ...] = ()
    confidence: float | None = None
    escalation_reason: str | None = None
    earlier_outcomes: tuple[str, ...] = ()  # of the replayed turns, in order
    flags: tuple[str, ...] = ()  # every stage's flags, as 'stage:flag'
    related: tuple[CitedSource, ...] = ()  # articles offered with a decline, best first


@dataclass(frozen=True, slots=True)
class RowResult:
    row: EvalRow
    reply: Reply
    correct: bool
    why: str  # empty when correct
    leaked: tuple[str, ...] = ()
    citation_hit: bool | None = None  # None: not an answered row with gold docs
    missing: tuple[tuple[str, ...], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.row.id,
            "text": self.row.text,
            "turns": list(self.row.turns),
            "kind": self.row.kind,
            "lang": self.row.lang,
            "split": self.row.split,
            "expect": self.row.expect,
            "outcome": self.reply.outcome,
            "route": self.reply.route,
            "escalation_reason": self.reply.escalation_reason,
            "confidence": self.reply.confidence,
            "reply": self.reply.text,
            "citations": [c.to_dict() for c in self.reply.citations],
            "gold_docs": list(self.row.gold_docs),
            "citation_hit": self.citation_hit,
            "leaked": list(self.leaked),
            "correct": self.correct,
            "why": self.why,
            "latency_ms": round(self.reply.latency_ms, 2),
            "earlier_outcomes": list(self.reply.earlier_outcomes),
            "flags": list(self.reply.flags),
        }


def judge(row: EvalRow, reply: Reply) -> RowResult:
    """Score ``reply``: the outcome must be the expected kind; an answer must also match
    every ``must_include`` group; no reply may contain a ``must_not_include`` string."""
    text = _fold(reply.text)
    leaked = tuple(s for s in row.must_not_include if _fold(s) in text)
    missing = tuple(group for group in row.must_include if not any(_fold(a) in text for a in group))
    reasons: list[str] = []
    if not _outcome_fits(row.expect, reply.outcome):
        detail = f" ({reply.escalation_reason})" if reply.escalation_reason else ""
        reasons.append(f"expected {row.expect}, got {reply.outcome}{detail}")
    elif row.expect == "answer" and missing:
        reasons.append("missing " + "; ".join(" | ".join(group) for group in missing))
    if leaked:
        reasons.append("contains " + ", ".join(repr(s) for s in leaked))
    hit = None
    if reply.outcome == ANSWERED and row.gold_docs:
        hit = any(gold_matches(gold, c) for gold in row.gold_docs for c in reply.citations)
    return RowResult(
        row=row,
        reply=reply,
        correct=not reasons,
        why="; ".join(reasons),
        leaked=leaked,
        citation_hit=hit,
        missing=missing,
    )


def gold_matches(gold: str, source: CitedSource) -> bool:
    """``gold`` is the document's external id, or the path it was ingested from relative
    to the help-center folder (a JSONL document's ``#id`` suffix is ignored)."""
    if source.document_key is not None and source.document_key == gold:
        return True
    if source.uri is None:
        return False
    gold_path = gold.replace("\\", "/").removeprefix("./")
    for uri in {source.uri, source.uri.split("#", 1)[0]}:
        path = uri.replace("\\", "/")
        if path == gold_path or path.endswith("/" + gold_path):
            return True
    return False


def _outcome_fits(expect: str, outcome: str) -> bool:
    if expect == "answer":
        return outcome == ANSWERED
    if expect == "decline":
        return outcome in DECLINES
    return outcome in HANDOFFS


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())
