"""A tenant's adapted encoder's vectors in PostgreSQL (``knowledge adapt``).

The search rows of :mod:`frontdesk.knowledge.pg_sync` hold the base encoder's vectors;
while a tenant has an active adapter, its body and title vectors are kept beside them in
``adapted_chunk_search`` and ``adapted_title_search`` (by adapter id) and the search reads
those instead (:func:`frontdesk.knowledge.pg_query.search_sql` with ``adapted``). They are
filled by the same sync, for the chunks and titles that have none for that adapter yet,
from the vectors stored by text (``passage_vectors``, where ``knowledge adapt`` left them:
an activation embeds nothing twice). Older adapters' rows are deleted by :func:`forget`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, text

from frontdesk.retrieval.types import Chunk
from frontdesk.storage.search_tables import vector_literal

Vectors = npt.NDArray[np.float32]
# (tenant, adapter version, texts) -> the adapter's vectors of those texts, in order
AdaptedVectors = Callable[[str, str, list[str]], Vectors]
_BATCH = 500

_ACTIVE = text("SELECT id, version FROM retrieval_adapters WHERE tenant_id = :t AND active IS TRUE")


def active_adapter(connection: Connection, tenant_id: str) -> tuple[str, str] | None:
    """The tenant's active adapter as (id, version), or None."""
    found = connection.execute(_ACTIVE, {"t": tenant_id}).first()
    return None if found is None else (str(found[0]), str(found[1]))


def sync_adapted(
    connection: Connection,
    tenant_id: str,
    adapter: tuple[str, str],
    vectors: AdaptedVectors,
) -> int:
    """Give every search row (chunk and title) of the tenant the active adapter's vector,
    inside the caller's (locked) transaction; how many rows were added."""
    adapter_id, version = adapter
    params = {"t": tenant_id, "a": adapter_id}
    chunks = connection.execute(
        text(
            "SELECT c.id, c.title, c.heading_path, c.text FROM chunk_search s"
            " JOIN chunks c ON c.id = s.chunk_id WHERE s.tenant_id = :t AND NOT EXISTS"
            " (SELECT 1 FROM adapted_chunk_search a"
            " WHERE a.adapter_id = :a AND a.chunk_id = s.chunk_id)"
            " ORDER BY c.document_id, c.position"
        ),
        params,
    ).all()
    titles = connection.execute(
        text(
            "SELECT t.id, t.title FROM title_search t WHERE t.tenant_id = :t AND NOT EXISTS"
            " (SELECT 1 FROM adapted_title_search a"
            " WHERE a.adapter_id = :a AND a.title_id = t.id) ORDER BY t.id"
        ),
        params,
    ).all()
    bodies = [
        Chunk(id=r.id, text=r.text, title=r.title, heading_path=tuple(r.heading_path or ()))
        for r in chunks
    ]
    texts = [c.embedding_text() for c in bodies] + [str(r.title) for r in titles]
    if not texts:
        return 0
    found = vectors(tenant_id, version, texts)
    _insert(
        connection,
        "INSERT INTO adapted_chunk_search (adapter_id, chunk_id, tenant_id, embedding)"
        " VALUES (:a, :key, :t, CAST(:embedding AS vector))",
        params,
        [c.id for c in bodies],
        found[: len(bodies)],
    )
    _insert(
        connection,
        "INSERT INTO adapted_title_search (adapter_id, title_id, tenant_id, embedding)"
        " VALUES (:a, :key, :t, CAST(:embedding AS vector))",
        params,
        [int(r.id) for r in titles],
        found[len(bodies) :],
    )
    return len(texts)


def _insert(
    connection: Connection,
    statement: str,
    params: dict[str, str],
    keys: Sequence[str | int],
    vectors: Vectors,
) -> None:
    values = [
        {**params, "key": key, "embedding": vector_literal(vector)}
        for key, vector in zip(keys, vectors, strict=True)
    ]
    for start in range(0, len(values), _BATCH):
        connection.execute(text(statement), values[start : start + _BATCH])


def forget(connection: Connection, adapter_ids: Sequence[str]) -> int:
    """Delete the search rows of these adapters (where the tables exist); how many."""
    exists = connection.execute(
        text("SELECT to_regclass('adapted_chunk_search') IS NOT NULL")
    ).scalar()
    if not adapter_ids or not exists:
        return 0
    deleted = 0
    for table in ("adapted_chunk_search", "adapted_title_search"):
        result = connection.execute(
            text(f"DELETE FROM {table} WHERE adapter_id = ANY(:ids)"), {"ids": list(adapter_ids)}
        )
        deleted += int(result.rowcount or 0)
    return deleted
