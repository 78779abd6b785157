"""The answer cache: a fresh question answered before is answered again without the
pipeline, exactly (the same question) or semantically (a paraphrase, re-verified).

Entries are keyed by tenant, release digest, knowledge version, active intent model and
language, so a new release, an ingested, edited, deleted or quarantined document, or a
new intent model never serves an older answer: the key changes and the old entries
become unreachable (and are pruned). Only first turns are cached or served: nothing
the customer said before (a follow-up), nothing an input guard flagged (PII, injection,
abuse), only grounded answers (not small talk, canned replies, declines or handoffs),
and semantically only in English, where the near-miss checks are written.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np

from frontdesk.domain.conversation import Citation, Outcome, StageTrace
from frontdesk.monitoring.metrics import Metrics
from frontdesk.pipeline.runner import Pipeline, Shortcut
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.protocols import Embedder
from frontdesk.services.cache_verify import retrieval_stage, verify
from frontdesk.storage.db import Database
from frontdesk.storage.repos import answer_cache as repo
from frontdesk.storage.repos.answer_cache import CachedAnswer, CacheKey, Vector
from frontdesk.storage.tables import utcnow

Mode = Literal["off", "exact", "semantic"]
CacheResult = Literal["miss", "exact", "semantic"]
# Cosine of the new question to a cached one before the re-checks even start: chosen by
# hand (paraphrases of one FAQ question score 0.8-0.95 with MiniLM), not tuned; the
# re-checks, not this, keep near misses out (bench/cache.py).
MIN_SIMILARITY = 0.8
SEMANTIC_CANDIDATES = 3  # the closest entries re-checked, best first
SEMANTIC_LANGUAGES = frozenset({"en"})
_KEPT_DETAILS = ("route", "intent", "intent_confidence", "out_of_scope", "intent_model")
_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    """The exact key's text: case, spacing and one final ``?`` or ``.`` do not matter."""
    folded = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return folded[:-1].rstrip() if folded.endswith(("?", ".")) else folded


@dataclass
class CacheTurn:
    """One turn's use of the cache: ``shortcut`` (exact) before the stages, the hooks
    ``after`` the retrieval stage (semantic), then ``finish`` once the reply is stored."""

    cache: AnswerCache
    pipeline: Pipeline
    eligible: bool
    result: CacheResult = "miss"
    key: CacheKey | None = None
    vector: Vector | None = field(default=None, repr=False)

    def shortcut(self, state: TurnState) -> list[StageTrace] | None:
        if not self.eligible or state.flags:  # an input guard flagged it (PII, injection)
            self.eligible = False
            return None
        return self.cache.exact(self, state)

    @property
    def after(self) -> dict[str, Shortcut]:
        stage = retrieval_stage(self.pipeline) if self.cache.mode == "semantic" else None
        if stage is None or not self.eligible:
            return {}
        return {stage: lambda state: self.cache.semantic(self, state)}

    def finish(self, state: TurnState) -> None:
        """Count the lookup; store a miss's answer if it may be served again."""
        if not self.eligible or self.key is None:
            return
        self.cache.observe(self.result)
        if self.result == "miss":
            self.cache.store(self, state)


class AnswerCache:
    def __init__(
        self,
        database: Database,
        embedder: Callable[[], Embedder],
        metrics: Metrics,
        *,
        mode: Mode = "exact",
        max_entries: int = 2000,
        ttl_s: float = 7 * 24 * 3600.0,
    ) -> None:
        self._db = database
        self._embedder = embedder
        self._metrics = metrics
        self.mode = mode
        self._max_entries = max_entries
        self._ttl = timedelta(seconds=ttl_s)

    def turn(self, pipeline: Pipeline, eligible: bool) -> CacheTurn:
        """``eligible``: a first turn (no history) outside a rollout, as the caller knows."""
        return CacheTurn(self, pipeline, eligible and self.mode != "off")

    def observe(self, result: CacheResult) -> None:
        self._metrics.observe_cache(result)

    def exact(self, turn: CacheTurn, state: TurnState) -> list[StageTrace] | None:
        """The entry for this very question, if any (and the turn's key for later)."""
        started = time.perf_counter()
        question = normalised(state.text)
        with self._db.transaction() as session:
            knowledge, intent_model = repo.knowledge_state(session, state.tenant_id)
            turn.key = CacheKey(
                release=turn.pipeline.digest,
                knowledge_version=knowledge,
                intent_model=intent_model,
                language=state.language or "",
                reply_language=state.reply_language or "",
            )
            entry = repo.find_exact(
                session, state.tenant_id, turn.key, _hash(question), self._fresh_after()
            )
            if entry is not None:
                repo.touch(session, state.tenant_id, entry.id)
        if entry is None:
            return None
        return self._serve(turn, state, entry, "exact", 1.0, started, {})

    def semantic(self, turn: CacheTurn, state: TurnState) -> list[StageTrace] | None:
        """After retrieval: the closest cached question that passes every re-check
        (:mod:`frontdesk.services.cache_verify`) answers; otherwise the stages go on."""
        if not turn.eligible or turn.key is None or state.language not in SEMANTIC_LANGUAGES:
            return None
        started = time.perf_counter()
        embedder = self._embedder()
        turn.vector = embedder.embed([normalised(state.text)])[0]
        with self._db.transaction() as session:
            entries = repo.candidates(
                session, state.tenant_id, turn.key, embedder.model_id, self._fresh_after()
            )
        scored = sorted(
            ((float(np.dot(e.vector, turn.vector)), e) for e in entries if e.vector is not None),
            key=lambda pair: -pair[0],
        )
        for similarity, candidate in scored[:SEMANTIC_CANDIDATES]:
            if similarity < MIN_SIMILARITY:
                break
            verdict = verify(turn.pipeline, state, candidate)
            if verdict.reason is None:
                with self._db.transaction() as session:
                    repo.touch(session, state.tenant_id, candidate.id)
                checked = {**verdict.details, "confidence": verdict.confidence}
                return self._serve(turn, state, candidate, "semantic", similarity, started, checked)
            self._metrics.observe_cache_rejection(verdict.reason)
        return None

    def _fresh_after(self) -> datetime:
        return utcnow() - self._ttl

    def _serve(
        self,
        turn: CacheTurn,
        state: TurnState,
        entry: CachedAnswer,
        result: CacheResult,
        similarity: float,
        started: float,
        checked: dict[str, Any],
    ) -> list[StageTrace]:
        turn.result = result
        state.answer = entry.answer
        state.citations = [Citation(**c) for c in entry.citations]
        state.outcome = Outcome.ANSWERED
        state.confidence = float(checked.pop("confidence", entry.confidence))
        state.details.update({k: v for k, v in entry.details.items() if k in _KEPT_DETAILS})
        state.details.update(checked)
        state.details["cache_entry"] = entry.id
        stage = StageTrace(
            name="cache",
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            scores={"similarity": round(similarity, 4)},
            detail={"result": result, "entry": entry.id},
        )
        return [stage]

    def store(self, turn: CacheTurn, state: TurnState) -> None:
        key = turn.key
        if key is None or not _cacheable(state):
            return
        question = normalised(state.text)
        vector, model = None, None
        if turn.after and state.language in SEMANTIC_LANGUAGES:
            embedder = self._embedder()
            model = embedder.model_id
            vector = turn.vector if turn.vector is not None else embedder.embed([question])[0]
        details = {k: v for k, v in state.details.items() if k in (*_KEPT_DETAILS, "support")}
        with self._db.transaction() as session:
            repo.prune(
                session,
                state.tenant_id,
                key.knowledge_version,
                self._fresh_after(),
                self._max_entries - 1,
            )
            repo.store(
                session,
                state.tenant_id,
                key,
                question=question,
                question_hash=_hash(question),
                vector=vector,
                embedding_model=model,
                answer=state.answer,
                citations=[c.to_dict() for c in state.citations],
                confidence=state.confidence,
                details=details,
                conversation_id=state.conversation_id,
            )


def _cacheable(state: TurnState) -> bool:
    """Only a grounded answer from the knowledge base: not small talk or a canned reply
    (a route), not a decline, a clarifying question or a handoff, nothing escalated."""
    return (
        state.outcome is Outcome.ANSWERED
        and bool(state.citations)
        and state.details.get("route", "answer") == "answer"
        and state.escalation_reason is None
        and "needs_person" not in state.details
        and "priority" not in state.details
        and not any(flag.endswith(":error") for flag in state.flags)
    )


def _hash(question: str) -> str:
    return hashlib.sha256(question.encode()).hexdigest()
