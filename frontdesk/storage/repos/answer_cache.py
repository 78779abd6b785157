"""Answer cache entries: tenant-scoped lookups by exact question and by vector, bounded
per tenant by age and count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdesk.storage.cache_tables import AnswerCacheRow
from frontdesk.storage.ids import new_id
from frontdesk.storage.repos.knowledge import version as knowledge_version
from frontdesk.storage.tables import IntentModelRow, utcnow

Vector = npt.NDArray[np.float32]
# The answer of an entry a customer gave a thumbs-down: the row stays as a tombstone (its
# unique key keeps the same question from being stored again) but is never served.
EVICTED = ""


@dataclass(frozen=True, slots=True)
class CacheKey:
    """What an answer depends on besides the question: a change to any part makes every
    entry stored under the old value unreachable."""

    release: str  # the release's content digest
    knowledge_version: int  # bumped by every ingestion, deletion and quarantine change
    intent_model: str  # the tenant's active intent model ("" without one)
    language: str
    reply_language: str


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    id: str
    question: str
    answer: str
    citations: list[dict[str, Any]]
    confidence: float
    details: dict[str, Any]
    vector: Vector | None = None


def knowledge_state(session: Session, tenant_id: str) -> tuple[int, str]:
    """The tenant's knowledge version and active intent model version."""
    model = session.scalar(
        select(IntentModelRow.version).where(
            IntentModelRow.tenant_id == tenant_id, IntentModelRow.active.is_(True)
        )
    )
    return knowledge_version(session, tenant_id), model or ""


def _keyed(tenant_id: str, key: CacheKey, fresh_after: datetime) -> list[Any]:
    return [
        AnswerCacheRow.tenant_id == tenant_id,
        AnswerCacheRow.release == key.release,
        AnswerCacheRow.knowledge_version == key.knowledge_version,
        AnswerCacheRow.intent_model == key.intent_model,
        AnswerCacheRow.language == key.language,
        AnswerCacheRow.reply_language == key.reply_language,
        AnswerCacheRow.created_at >= fresh_after,
        AnswerCacheRow.answer != EVICTED,
    ]


def _answer(row: AnswerCacheRow, with_vector: bool = False) -> CachedAnswer:
    vector = None
    if with_vector and row.vector is not None:
        vector = np.frombuffer(row.vector, dtype=np.float32)
    return CachedAnswer(
        id=row.id,
        question=row.question,
        answer=row.answer,
        citations=list(row.citations or []),
        confidence=row.confidence,
        details=dict(row.details or {}),
        vector=vector,
    )


def find_exact(
    session: Session, tenant_id: str, key: CacheKey, question_hash: str, fresh_after: datetime
) -> CachedAnswer | None:
    row = session.scalar(
        select(AnswerCacheRow).where(
            *_keyed(tenant_id, key, fresh_after), AnswerCacheRow.question_hash == question_hash
        )
    )
    return None if row is None else _answer(row)


def candidates(
    session: Session, tenant_id: str, key: CacheKey, embedding_model: str, fresh_after: datetime
) -> list[CachedAnswer]:
    """Every live entry under ``key`` with a vector in ``embedding_model``'s space (the
    count is bounded per tenant, so a brute-force comparison stays cheap)."""
    rows = session.scalars(
        select(AnswerCacheRow).where(
            *_keyed(tenant_id, key, fresh_after),
            AnswerCacheRow.embedding_model == embedding_model,
            AnswerCacheRow.vector.is_not(None),
        )
    )
    return [_answer(row, with_vector=True) for row in rows]


def store(
    session: Session,
    tenant_id: str,
    key: CacheKey,
    *,
    question: str,
    question_hash: str,
    vector: Vector | None,
    embedding_model: str | None,
    answer: str,
    citations: list[dict[str, Any]],
    confidence: float,
    details: dict[str, Any],
    conversation_id: str,
) -> str | None:
    """Add an entry; ``None`` when one with the same key and question exists (a concurrent
    request stored it first)."""
    now = utcnow()
    row = AnswerCacheRow(
        id=new_id(),
        tenant_id=tenant_id,
        release=key.release,
        knowledge_version=key.knowledge_version,
        intent_model=key.intent_model,
        language=key.language,
        reply_language=key.reply_language,
        question_hash=question_hash,
        question=question,
        vector=None if vector is None else np.asarray(vector, dtype=np.float32).tobytes(),
        embedding_model=embedding_model,
        answer=answer,
        citations=citations,
        confidence=confidence,
        details=details,
        conversation_id=conversation_id,
        hits=0,
        created_at=now,
        used_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row.id


def touch(session: Session, tenant_id: str, entry_id: str) -> None:
    """Count a hit; the least recently used entries are the first to go."""
    session.execute(
        update(AnswerCacheRow)
        .where(AnswerCacheRow.tenant_id == tenant_id, AnswerCacheRow.id == entry_id)
        .values(hits=AnswerCacheRow.hits + 1, used_at=utcnow())
    )


def prune(
    session: Session, tenant_id: str, knowledge: int, expired_before: datetime, max_entries: int
) -> int:
    """Drop the tenant's entries that can never be served again (an older knowledge
    version: versions only grow) or have expired, then the least recently used beyond
    ``max_entries``. Returns how many went."""
    removed = session.execute(
        delete(AnswerCacheRow).where(
            AnswerCacheRow.tenant_id == tenant_id,
            (AnswerCacheRow.knowledge_version < knowledge)
            | (AnswerCacheRow.created_at < expired_before),
        )
    )
    count = int(getattr(removed, "rowcount", 0) or 0)
    total = count_entries(session, tenant_id)
    if total > max_entries:
        oldest = list(
            session.scalars(
                select(AnswerCacheRow.id)
                .where(AnswerCacheRow.tenant_id == tenant_id)
                .order_by(AnswerCacheRow.used_at)
                .limit(total - max_entries)
            )
        )
        session.execute(
            delete(AnswerCacheRow).where(
                AnswerCacheRow.tenant_id == tenant_id, AnswerCacheRow.id.in_(oldest)
            )
        )
        count += len(oldest)
    return count


def count_entries(session: Session, tenant_id: str) -> int:
    return int(
        session.scalar(select(func.count()).where(AnswerCacheRow.tenant_id == tenant_id)) or 0
    )


def erase_for_conversations(session: Session, tenant_id: str, ids: list[str]) -> int:
    """Remove the entries first answered in these conversations (erasure, retention)."""
    if not ids:
        return 0
    result = session.execute(
        delete(AnswerCacheRow).where(
            AnswerCacheRow.tenant_id == tenant_id, AnswerCacheRow.conversation_id.in_(ids)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def evict(
    session: Session,
    tenant_id: str,
    *,
    entry_id: str | None = None,
    conversation_id: str | None = None,
    answer: str | None = None,
) -> int:
    """Turn into tombstones the entry ``entry_id`` (a turn served from it) and/or the entry
    stored from ``conversation_id`` with ``answer`` (the turn that stored it); returns how
    many entries were live. The text and vector go; the key stays, so the same question is
    answered by the pipeline from now on rather than stored again."""
    match = []
    if entry_id is not None:
        match.append(AnswerCacheRow.id == entry_id)
    if conversation_id is not None and answer:
        match.append(
            (AnswerCacheRow.conversation_id == conversation_id) & (AnswerCacheRow.answer == answer)
        )
    if not match:
        return 0
    condition = match[0] if len(match) == 1 else match[0] | match[1]
    result = session.execute(
        update(AnswerCacheRow)
        .where(AnswerCacheRow.tenant_id == tenant_id, AnswerCacheRow.answer != EVICTED, condition)
        .values(answer=EVICTED, vector=None, citations=[], details={"evicted": "thumbs_down"})
    )
    return int(getattr(result, "rowcount", 0) or 0)
