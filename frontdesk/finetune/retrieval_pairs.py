"""A tenant's own (question -> passage) pairs, the held-out split and BM25 hard negatives.

Where the pairs come from, most directly approved first (the first pair of a question and
passage is kept):

- ``faq``: every FAQ entry's question -> its own chunk (loaded or promoted by an agent);
- ``thumbs``: a customer question whose answer was rated thumbs-up -> each passage it cited;
- ``ticket`` / ``handoff``: a resolved ticket's (or handoff's) question -> the FAQ entry an
  agent promoted from it, where one was;
- ``ticket_reply`` / ``handoff_reply``: otherwise, the passage the agent's reply finds
  first by BM25 (the rule of the retrieve stage's ticket hop: the reply names the policy in
  the help center's own words). BM25, not the dense encoder, so the label does not favour
  the encoder being compared.

Ticket chunks are never passages: they are evidence, never served.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from frontdesk.finetune.matching import normalise
from frontdesk.finetune.sources import handoff_pair
from frontdesk.knowledge.adapt.training import TrainingPair
from frontdesk.pipeline.stages.evidence import TICKET_KEY
from frontdesk.retrieval.bm25 import BM25Index
from frontdesk.retrieval.types import Chunk
from frontdesk.storage.db import Database
from frontdesk.storage.repos import finetune as finetune_repo
from frontdesk.storage.repos import knowledge as knowledge_repo

MIN_PAIRS = 10  # fewer cannot both train and check the gain
MIN_HELDOUT = 3
HELDOUT_FRACTION = 0.3
PROMOTED_FROM = "promoted_from"


@dataclass(frozen=True, slots=True)
class Pair:
    question: str
    chunk_id: str
    source: str  # faq | thumbs | ticket | handoff | ticket_reply | handoff_reply


@dataclass(frozen=True, slots=True)
class Corpus:
    """The tenant's servable passages (tickets left out) with their stored base vectors."""

    chunks: list[Chunk]
    base_vectors: npt.NDArray[np.float32]

    def texts(self) -> dict[str, str]:
        return {c.id: c.embedding_text() for c in self.chunks}

    def keyword_index(self) -> BM25Index:
        index = BM25Index()
        index.add((c.id, c.keyword_text()) for c in self.chunks)
        return index


@dataclass(frozen=True, slots=True)
class TenantPairs:
    corpus: Corpus
    pairs: list[Pair]

    def sources(self) -> dict[str, int]:
        return dict(Counter(p.source for p in self.pairs))


def load_corpus(database: Database, tenant_id: str, embedding_model: str) -> Corpus:
    with database.transaction() as session:
        stored = knowledge_repo.all_chunks(session, tenant_id, embedding_model)
    kept = [c for c in stored if TICKET_KEY not in c.metadata]
    chunks = [c.as_chunk() for c in kept]
    vectors = np.stack([c.vector for c in kept]) if kept else np.zeros((0, 0), np.float32)
    return Corpus(chunks, vectors.astype(np.float32))


def collect_pairs(database: Database, tenant_id: str, embedding_model: str) -> TenantPairs:
    """Every pair the tenant's data holds (see the module docstring)."""
    corpus = load_corpus(database, tenant_id, embedding_model)
    known = {c.id for c in corpus.chunks}
    with database.transaction() as session:
        faq = finetune_repo.faq_entries(session, tenant_id)
        rated = finetune_repo.thumbs_up_answers(session, tenant_id)
        handoffs = finetune_repo.resolved_handoffs(session, tenant_id)
        tickets = finetune_repo.ingested_tickets(session, tenant_id)
    promoted = {
        str(c.metadata[PROMOTED_FROM]): c.id for c in corpus.chunks if PROMOTED_FROM in c.metadata
    }
    keyword = corpus.keyword_index() if corpus.chunks else None

    def by_reply(reply: str) -> str | None:
        found = keyword.search(reply, 1) if keyword is not None else []
        return found[0][0] if found and found[0][1] > 0 else None

    found: list[Pair] = [Pair(f.question, f.chunk_id, "faq") for f in faq if f.chunk_id in known]
    for asked, answer in rated:
        for citation in answer.citations:
            chunk_id = citation.get("chunk_id")
            if isinstance(chunk_id, str) and chunk_id in known:
                found.append(Pair(asked.text, chunk_id, "thumbs"))
    cases = [(f"ticket:{t.source}", t.question, t.answer, "ticket") for t in tickets]
    for handoff in handoffs:
        candidate = handoff_pair(handoff)
        if candidate is not None:
            key = f"ticket:{handoff.ticket_id}"
            cases.append((key, candidate.question, candidate.answer, "handoff"))
    for key, question, reply, kind in cases:
        if key in promoted:
            found.append(Pair(question, promoted[key], kind))
        elif (target := by_reply(reply)) is not None:
            found.append(Pair(question, target, f"{kind}_reply"))
    unique: dict[tuple[str, str], Pair] = {}
    for pair in found:
        if pair.question.strip():
            unique.setdefault((normalise(pair.question), pair.chunk_id), pair)
    return TenantPairs(corpus, list(unique.values()))


def split_pairs(
    pairs: list[Pair], seed: int = 0, fraction: float = HELDOUT_FRACTION
) -> tuple[list[Pair], list[Pair]]:
    """(train, held-out), split by question (no held-out question is trained on), in a
    fixed order given ``seed``. FAQ questions stay in training when enough other pairs
    exist: an FAQ question is its own passage's title, found by any encoder, so holding it
    out measures nothing."""

    def rank(question: str) -> str:
        return hashlib.sha256(f"{seed}:{normalise(question)}".encode()).hexdigest()

    informative = {normalise(p.question) for p in pairs if p.source != "faq"}
    pool = (
        informative if len(informative) >= MIN_HELDOUT else {normalise(p.question) for p in pairs}
    )
    ordered = sorted(pool, key=rank)
    held = set(ordered[: max(MIN_HELDOUT, round(fraction * len(ordered)))])
    train = [p for p in pairs if normalise(p.question) not in held]
    heldout = [p for p in pairs if normalise(p.question) in held]
    return train, heldout


def with_hard_negatives(corpus: Corpus, pairs: list[Pair]) -> list[TrainingPair]:
    """Each pair with the best BM25 passage for its question that is not one of its golds."""
    index = corpus.keyword_index()
    golds: dict[str, set[str]] = {}
    for pair in pairs:
        golds.setdefault(pair.question, set()).add(pair.chunk_id)
    out = []
    for pair in pairs:
        ranked = [chunk_id for chunk_id, _ in index.search(pair.question, 10)]
        negative = next((c for c in ranked if c not in golds[pair.question]), "")
        out.append(TrainingPair(pair.question, pair.chunk_id, negative))
    return out


def golds_by_question(pairs: list[Pair]) -> dict[str, set[str]]:
    golds: dict[str, set[str]] = {}
    for pair in pairs:
        golds.setdefault(pair.question, set()).add(pair.chunk_id)
    return golds
