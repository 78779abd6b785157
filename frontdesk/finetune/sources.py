"""The question-and-answer pairs a tenant's people approved, before redaction.

In order of how directly a person approved the answer (the dedupe keeps the first):
promoted FAQ entries (an agent wrote or edited them for customers), answers rated
thumbs-up, resolved handoffs (the agent's reply to the question that reached them) and
resolved tickets loaded from files.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.domain.conversation import Outcome, Speaker, Turn
from frontdesk.storage.db import Database
from frontdesk.storage.repos import finetune as repo
from frontdesk.storage.repos.finetune import ResolvedHandoff

SOURCE_KINDS = ("faq", "thumbs", "handoff", "ticket")


@dataclass(frozen=True, slots=True)
class Candidate:
    """``cited``: chunk ids by citation number, for an answer that cites passages."""

    source: str
    question: str
    answer: str
    cited: tuple[tuple[int, str], ...] = ()


def collect(database: Database, tenant_id: str) -> list[Candidate]:
    """Every approved pair of the tenant, most directly approved first."""
    with database.transaction() as session:
        promoted = repo.promoted_entries(session, tenant_id)
        rated = repo.thumbs_up_answers(session, tenant_id)
        handoffs = repo.resolved_handoffs(session, tenant_id)
        tickets = repo.ingested_tickets(session, tenant_id)
    found = [Candidate(f"faq:{p.chunk_id}", p.question, p.answer) for p in promoted]
    found += [_rated(question, answer) for question, answer in rated]
    found += [pair for h in handoffs if (pair := handoff_pair(h)) is not None]
    found += [Candidate(f"ticket:{t.source or t.chunk_id}", t.question, t.answer) for t in tickets]
    return [c for c in found if c.question.strip() and c.answer.strip()]


def handoff_pair(handoff: ResolvedHandoff) -> Candidate | None:
    """The customer's question that reached a person and the agent's first reply to it.

    The question is the customer's messages just before that reply, back to the last answer
    the customer was given (an agent's, or the assistant's with outcome ``answered``); the
    assistant's handoff or clarifying turns in between are skipped. The reply is the agent's
    consecutive turns."""
    turns = handoff.turns
    start = next(
        (
            i
            for i, t in enumerate(turns)
            if t.speaker is Speaker.AGENT and t.seq >= handoff.opened_at_seq
        ),
        None,
    )
    if start is None:
        return None
    replies = []
    for turn in turns[start:]:
        if turn.speaker is not Speaker.AGENT:
            break
        replies.append(turn.text)
    asked: list[str] = []
    for turn in reversed(turns[:start]):
        if turn.speaker is Speaker.AGENT or _answered(turn):
            break
        if turn.speaker is Speaker.CUSTOMER:
            asked.append(turn.text)
    if not asked:
        return None
    return Candidate(
        f"handoff:{handoff.ticket_id}", "\n".join(reversed(asked)), "\n\n".join(replies)
    )


def _answered(turn: Turn) -> bool:
    return turn.speaker is Speaker.ASSISTANT and turn.outcome is Outcome.ANSWERED


def _rated(question: Turn, answer: Turn) -> Candidate:
    cited = []
    for citation in answer.citations:
        number, chunk_id = citation.get("number"), citation.get("chunk_id")
        if isinstance(number, int) and isinstance(chunk_id, str):
            cited.append((number, chunk_id))
    return Candidate(f"thumbs:{answer.id}", question.text, answer.text, tuple(sorted(cited)))
