"""Suggested FAQ entries: what customers keep asking that the knowledge does not answer.

Candidates are resolved tickets (ingested ones and handoffs an agent resolved) and
unanswered customer questions (the assistant had no grounded answer, or handed over for
low confidence). Their generalised questions are embedded with the tenant's embedder and
grouped greedily: an item joins the cluster whose centroid it is most similar to, if the
cosine similarity reaches ``join``. Clusters are ranked by size (then by how little the
knowledge covers them); one that an existing
FAQ entry or article already answers (best dense similarity of a served passage at least
``covered``) is skipped. Each suggestion carries a draft generalised from its most
central ticket; an agent edits and approves it (:meth:`Promoter.add_faq`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from frontdesk.domain.conversation import Speaker
from frontdesk.domain.handoff import EscalationReason, TicketQuery, TicketStatus
from frontdesk.handoff.generalise import (
    FaqDraft,
    PiiFinder,
    agent_names,
    generalise,
    redact_example,
)
from frontdesk.handoff.memo import Memo
from frontdesk.handoff.scope import not_a_question, questions_in
from frontdesk.pipeline.stages.evidence import TICKET_KEY
from frontdesk.retrieval.protocols import Embedder
from frontdesk.retrieval.types import Passage
from frontdesk.storage.db import Database
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as handoff_repo
from frontdesk.storage.repos import knowledge as knowledge_repo

Vector = npt.NDArray[np.float32]
# Cosine similarity of MiniLM sentence vectors: paraphrases of one question score ~0.7+,
# different questions about one product area ~0.4-0.6.
JOIN_SIMILARITY = 0.68
# A served passage this close to the question already answers it.
COVERED_SIMILARITY = 0.74
_SCAN = 500  # newest tickets and questions considered
_EXAMPLES = 5
_MEMO = 4096  # candidates whose drafts and vectors are remembered between calls


class Searcher(Protocol):
    def __call__(self, tenant_id: str, query: str, k: int) -> list[Passage]: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str  # ticket | question
    id: str
    customer: str  # the customer's message (stored redacted for handoffs)
    reply: str  # the agent's reply; "" for an unanswered question
    subject: str | None = None
    agents: tuple[str, ...] = ()  # the names the replying agents go by


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str
    size: int
    examples: list[str]
    draft: FaqDraft
    sources: list[dict[str, str]]
    coverage: float  # best similarity of a served passage to the question

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "size": self.size,
            "examples": self.examples,
            "draft": self.draft.to_dict(),
            "sources": self.sources,
            "coverage": round(self.coverage, 4),
        }


@dataclass(slots=True)
class Prepared:
    """What one candidate costs to draft, kept between calls: the text is the key."""

    draft: FaqDraft
    vector: Vector
    example: str | None = None  # the message with personal data replaced, once shown


@dataclass(slots=True)
class Cluster:
    members: list[int] = field(default_factory=list)
    total: Vector | None = None

    def centroid(self) -> Vector:
        assert self.total is not None
        norm = float(np.linalg.norm(self.total)) or 1.0
        return (self.total / norm).astype(np.float32)


def cluster(vectors: npt.NDArray[np.float32], join: float = JOIN_SIMILARITY) -> list[list[int]]:
    """Greedy single pass over unit ``vectors``: each joins the most similar centroid if
    the cosine reaches ``join``, else starts a cluster. Largest clusters first (ties by
    first member), members in input order."""
    clusters: list[Cluster] = []
    for index, vector in enumerate(vectors):
        unit = vector / (float(np.linalg.norm(vector)) or 1.0)
        best, best_score = None, join
        for candidate in clusters:
            score = float(candidate.centroid() @ unit)
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            best = Cluster()
            clusters.append(best)
        best.members.append(index)
        best.total = unit if best.total is None else best.total + unit
    ordered = sorted(clusters, key=lambda c: (-len(c.members), c.members[0]))
    return [c.members for c in ordered]


def suggestion_id(sources: Sequence[tuple[str, str]]) -> str:
    """Stable for the same set of sources (so a dismissed suggestion stays recognisable)."""
    key = "\n".join(sorted(f"{kind}:{ident}" for kind, ident in sources))
    return "sg_" + hashlib.sha256(key.encode()).hexdigest()[:16]


class Suggester:
    def __init__(
        self,
        database: Database,
        embedder: Callable[[], Embedder],
        search: Searcher,
        finder: Callable[[], PiiFinder],
        *,
        join: float = JOIN_SIMILARITY,
        covered: float = COVERED_SIMILARITY,
    ) -> None:
        self._db = database
        self._embedder = embedder
        self._search = search
        self._finder = finder
        self.join = join
        self.covered = covered
        self._memo: Memo[tuple[str, Candidate], Prepared] = Memo(_MEMO)

    def candidates(self, tenant_id: str) -> list[Candidate]:
        """Resolved tickets (ingested, then handoffs) and unanswered questions."""
        found: list[Candidate] = []
        with self._db.transaction() as session:
            for row in knowledge_repo.ticket_rows(session, tenant_id):
                found.append(
                    Candidate(
                        "ticket",
                        str(row["ticket"]),
                        str(row.get("question") or ""),
                        str(row.get("answer") or ""),
                        str(row.get("title") or "") or None,
                    )
                )
            tickets = handoff_repo.list_tickets(session, tenant_id, TicketQuery(limit=_SCAN))
            answered: set[str] = set()  # conversations an agent resolved: count once
            for ticket in tickets:
                turns = conversations_repo.get(session, tenant_id, ticket.conversation_id).turns
                # Small talk, out-of-scope questions and attacks are no FAQ material.
                asked = questions_in(turns)
                customer = " ".join(t.text for t in asked)
                if not customer.strip():
                    continue
                if ticket.status == TicketStatus.RESOLVED:
                    reply = " ".join(t.text for t in turns if t.speaker == Speaker.AGENT)
                    if reply.strip():
                        agents = tuple(sorted(agent_names(turns)))
                        found.append(Candidate("ticket", ticket.id, customer, reply, None, agents))
                        answered.add(ticket.conversation_id)
                        continue
                if ticket.reason == EscalationReason.LOW_CONFIDENCE.value:
                    last = asked[-1]
                    found.append(Candidate("question", last.id, last.text, ""))
            for turn, question, details in conversations_repo.unanswered(session, tenant_id, _SCAN):
                if turn.conversation_id in answered or not_a_question(details) is not None:
                    continue
                found.append(Candidate("question", turn.id, _standalone(question), ""))
        return found

    def suggest(
        self, tenant_id: str, limit: int = 20, exclude: set[str] | None = None
    ) -> list[Suggestion]:
        """Suggested FAQ entries, biggest clusters first; ``exclude`` holds ``kind:id``
        sources already promoted."""
        done = exclude or set()
        items = [c for c in self.candidates(tenant_id) if f"{c.kind}:{c.id}" not in done]
        if not items:
            return []
        prepared = self._prepare(tenant_id, items)
        drafts = [p.draft for p in prepared]
        texts = [d.question or c.subject or c.customer for d, c in zip(drafts, items, strict=True)]
        vectors = np.stack([p.vector for p in prepared])
        suggestions: list[Suggestion] = []
        for members in cluster(vectors, self.join):
            centre = vectors[members].mean(axis=0)
            ranked = sorted(members, key=lambda m: -float(vectors[m] @ centre))
            representative = texts[ranked[0]]
            coverage = self._coverage(tenant_id, representative)
            if coverage >= self.covered:
                continue
            answered = [m for m in ranked if items[m].reply]
            chosen = answered[0] if answered else ranked[0]
            sources = [(items[m].kind, items[m].id) for m in members]
            suggestions.append(
                Suggestion(
                    id=suggestion_id(sources),
                    size=len(members),
                    examples=[
                        self._example(prepared[m], items[m].customer) for m in ranked[:_EXAMPLES]
                    ],
                    draft=drafts[chosen]
                    if drafts[chosen].question
                    else _asked(drafts[chosen], texts[chosen]),
                    sources=[{"kind": k, "id": i} for k, i in sources],
                    coverage=coverage,
                )
            )
        # Most asked first; among equals, the least covered by the knowledge.
        suggestions.sort(key=lambda s: (-s.size, s.coverage))
        return suggestions[:limit]

    def _prepare(self, tenant_id: str, items: Sequence[Candidate]) -> list[Prepared]:
        """Each candidate's draft and vector: remembered from an earlier call (drafting
        runs NER over every message, seconds for a few dozen), else made now, in one batch."""
        found = [self._memo.get((tenant_id, item)) for item in items]
        missing = [i for i, p in enumerate(found) if p is None]
        if missing:
            finder = self._finder()
            made = [
                generalise(c.customer, c.reply, finder, subject=c.subject, agent_names=c.agents)
                for c in (items[i] for i in missing)
            ]
            texts = [
                d.question or items[i].subject or items[i].customer
                for d, i in zip(made, missing, strict=True)
            ]
            vectors = self._embedder().embed(texts)
            for i, draft, vector in zip(missing, made, vectors, strict=True):
                found[i] = self._memo.put((tenant_id, items[i]), Prepared(draft, vector))
        return [p for p in found if p is not None]

    def _example(self, prepared: Prepared, customer: str) -> str:
        if prepared.example is None:
            prepared.example = redact_example(customer, self._finder())
        return prepared.example

    def _coverage(self, tenant_id: str, question: str) -> float:
        """How well the served knowledge (not tickets) already matches ``question``."""
        best = 0.0
        for passage in self._search(tenant_id, question, 10):
            if passage.metadata.get(TICKET_KEY) is not None:
                continue
            dense = [passage.metadata.get(k) for k in ("dense", "dense_title")]
            values = [float(v) for v in dense if isinstance(v, int | float)]
            best = max([best, *values])
        return best


def _asked(draft: FaqDraft, text: str) -> FaqDraft:
    """A draft whose message held no general question ("tell me a joke") asks what the
    customer wrote, rather than leaving the question empty."""
    return FaqDraft(text, draft.answer, draft.removed)


def _standalone(query: str) -> str:
    """A condensed follow-up ("ok and to austria?\ncan i send perfume?") as one line that
    says what it followed: "ok and to austria? (after: can i send perfume?)"."""
    lines = [line.strip() for line in query.splitlines() if line.strip()]
    if len(lines) < 2:
        return query.strip()
    return f"{lines[0]} (after: {' / '.join(lines[1:])})"
