"""Stored multilingual passage vectors: read by text hash, added in batches, pruned to
the texts a tenant still has."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from frontdesk.storage.vector_tables import PassageVectorRow

_IN_BATCH = 500  # parameters per IN (...) clause, well under SQLite's limit


def find(session: Session, tenant_id: str, model: str, hashes: Sequence[str]) -> dict[str, bytes]:
    """The stored vector bytes of each of ``hashes`` that has one."""
    found: dict[str, bytes] = {}
    for start in range(0, len(hashes), _IN_BATCH):
        batch = hashes[start : start + _IN_BATCH]
        rows = session.execute(
            select(PassageVectorRow.text_hash, PassageVectorRow.vector).where(
                PassageVectorRow.tenant_id == tenant_id,
                PassageVectorRow.model == model,
                PassageVectorRow.text_hash.in_(batch),
            )
        )
        found.update((h, v) for h, v in rows)
    return found


def add(session: Session, tenant_id: str, model: str, vectors: Iterable[tuple[str, bytes]]) -> None:
    """Store vectors by hash; one already stored (by another replica) is kept."""
    for text_hash, vector in vectors:
        session.merge(
            PassageVectorRow(tenant_id=tenant_id, model=model, text_hash=text_hash, vector=vector)
        )


def prune(session: Session, tenant_id: str, model: str, keep: set[str]) -> int:
    """Delete the tenant's vectors of ``model`` whose hash is not in ``keep``; how many."""
    stored = session.scalars(
        select(PassageVectorRow.text_hash).where(
            PassageVectorRow.tenant_id == tenant_id, PassageVectorRow.model == model
        )
    )
    stale = sorted(set(stored) - keep)
    for start in range(0, len(stale), _IN_BATCH):
        session.execute(
            delete(PassageVectorRow).where(
                PassageVectorRow.tenant_id == tenant_id,
                PassageVectorRow.model == model,
                PassageVectorRow.text_hash.in_(stale[start : start + _IN_BATCH]),
            )
        )
    return len(stale)
