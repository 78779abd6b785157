"""Keeps a tenant's PostgreSQL search rows in step with its chunks.

The search tables (:mod:`frontdesk.storage.search_tables`) are derived from ``chunks``:
when a tenant's knowledge version has moved past the one its search rows were built for,
the first search (or warm-up) of any replica brings them up to date under a per-tenant
advisory lock: rows of chunks no longer servable go, chunks not indexed yet are analysed
(the in-process BM25 analyser, so both backends see the same terms) and inserted with
their stored vectors, new title texts are embedded once, and the term and collection
statistics BM25 needs are recomputed. Deleted chunks leave by foreign-key cascade. A
tenant with an active adapted encoder also gets that adapter's vectors for every search
row (:mod:`frontdesk.knowledge.pg_adapted`).

A bulk import makes this a large sync, so it streams: the chunks to index come through a
server-side cursor a few thousand at a time, and each batch goes back in one binary
``COPY`` (:mod:`frontdesk.knowledge.pg_rows`: no text vectors to format or parse, no
round trip per row); the statistics are two statements over the tenant's rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from frontdesk.knowledge.pg_adapted import AdaptedVectors, active_adapter, sync_adapted
from frontdesk.knowledge.pg_rows import terms_binary, vector_binary
from frontdesk.retrieval.hybrid import title_text
from frontdesk.retrieval.protocols import Embedder
from frontdesk.retrieval.types import Chunk
from frontdesk.storage.search_tables import vector_literal

log = logging.getLogger(__name__)
_BATCH = 5000
_COPY = (
    "COPY chunk_search (chunk_id, tenant_id, embedding, title_id, terms, length)"
    " FROM STDIN (FORMAT BINARY)"
)
# Binary COPY sends each field as the column's receive function reads it: the vector and
# tsvector fields are pre-encoded bytes (pg_rows), which psycopg passes as they are.
_COPY_TYPES = ["varchar", "varchar", "bytea", "int8", "bytea", "float4"]


def lock_tenant(connection: Connection, tenant_id: str) -> None:
    connection.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('frontdesk.search:' || :tenant))"),
        {"tenant": tenant_id},
    )


def sync_tenant(
    connection: Connection,
    tenant_id: str,
    embedder: Embedder,
    adapted: AdaptedVectors | None = None,
) -> bool:
    """Bring the tenant's search rows up to its knowledge version inside the caller's
    transaction; returns False when they already were. ``adapted``: the adapted encoders'
    vectors (None: adapters are not served, as in-process without ``adapters``)."""
    lock_tenant(connection, tenant_id)
    current, built = connection.execute(
        text(
            "SELECT (SELECT version FROM knowledge_versions WHERE tenant_id = :t),"
            " (SELECT version FROM search_state WHERE tenant_id = :t)"
        ),
        {"t": tenant_id},
    ).one()
    if built is not None and built == (current or 0):
        return False
    started = time.perf_counter()
    params = {"t": tenant_id, "model": embedder.model_id}
    connection.execute(
        text(
            "DELETE FROM chunk_search s USING chunks c JOIN documents d ON d.id = c.document_id"
            " WHERE s.chunk_id = c.id AND s.tenant_id = :t"
            " AND (c.status = 'quarantined' OR d.embedding_model <> :model)"
        ),
        params,
    )
    added = _add_missing(connection, tenant_id, embedder, params)
    connection.execute(
        text(
            "DELETE FROM title_search t WHERE t.tenant_id = :t"
            " AND NOT EXISTS (SELECT 1 FROM chunk_search s WHERE s.title_id = t.id)"
        ),
        params,
    )
    adapter = None if adapted is None else active_adapter(connection, tenant_id)
    if adapter is not None and adapted is not None:
        sync_adapted(connection, tenant_id, adapter, adapted)
    connection.execute(text("DELETE FROM term_search WHERE tenant_id = :t"), params)
    connection.execute(
        text(
            "INSERT INTO term_search (tenant_id, term, df)"
            " SELECT CAST(:t AS varchar), lexeme, count(*)"
            " FROM chunk_search s, unnest(tsvector_to_array(s.terms)) AS lexeme"
            " WHERE s.tenant_id = :t GROUP BY lexeme"
        ),
        params,
    )
    connection.execute(
        text(
            "INSERT INTO search_state (tenant_id, version, chunks, avg_length)"
            " SELECT CAST(:t AS varchar), :version, count(*), coalesce(avg(length), 0)"
            " FROM chunk_search WHERE tenant_id = :t"
            " ON CONFLICT (tenant_id) DO UPDATE SET version = excluded.version,"
            " chunks = excluded.chunks, avg_length = excluded.avg_length"
        ),
        {**params, "version": current or 0},
    )
    log.info(
        "search rows of tenant %s synced to version %s: %d new chunks in %.0f ms",
        tenant_id,
        current,
        added,
        (time.perf_counter() - started) * 1000,
    )
    return True


def _add_missing(
    connection: Connection, tenant_id: str, embedder: Embedder, params: dict[str, Any]
) -> int:
    """Index the tenant's servable chunks that have no search row yet; returns how many."""
    missing = connection.execute(
        text(
            "SELECT c.id, c.title, c.heading_path, c.text, c.vector FROM chunks c"
            " JOIN documents d ON d.id = c.document_id"
            " WHERE c.tenant_id = :t AND c.status <> 'quarantined' AND d.embedding_model = :model"
            " AND NOT EXISTS (SELECT 1 FROM chunk_search s WHERE s.chunk_id = c.id)"
        ),
        params,
        # A server-side cursor. Unordered on purpose: the rows' order changes nothing
        # searched, and sorting wide rows for a cursor took 13x the query itself.
        execution_options={"yield_per": _BATCH},
    )
    added = 0
    for rows in missing.partitions():
        _copy(connection, tenant_id, rows, embedder)
        added += len(rows)
    return added


def _copy(
    connection: Connection,
    tenant_id: str,
    rows: Sequence[Any],
    embedder: Embedder,
) -> None:
    chunks = [
        Chunk(id=r.id, text=r.text, title=r.title, heading_path=tuple(r.heading_path or ()))
        for r in rows
    ]
    title_ids = _title_ids(connection, tenant_id, chunks, embedder)
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
        copy.set_types(_COPY_TYPES)
        for chunk, row in zip(chunks, rows, strict=True):
            terms, length = terms_binary(chunk.keyword_text())
            copy.write_row(
                (
                    chunk.id,
                    tenant_id,
                    vector_binary(row.vector),
                    title_ids.get(title_text(chunk)),
                    terms,
                    float(length),
                )
            )


def _title_ids(
    connection: Connection,
    tenant_id: str,
    chunks: Sequence[Chunk],
    embedder: Embedder,
) -> dict[str, int]:
    """Title text -> ``title_search`` id, embedding (and storing) titles new to the tenant."""
    titles = sorted({title_text(c) for c in chunks} - {""})
    if not titles:
        return {}
    found = {
        title: int(row_id)
        for row_id, title in connection.execute(
            text(
                "SELECT id, title FROM title_search WHERE tenant_id = :t AND title = ANY(:titles)"
            ),
            {"t": tenant_id, "titles": titles},
        )
    }
    new = [t for t in titles if t not in found]
    if new:
        inserted = connection.execute(
            text(
                "INSERT INTO title_search (tenant_id, title, embedding)"
                " SELECT CAST(:t AS varchar), u.title, CAST(u.embedding AS vector)"
                " FROM unnest(CAST(:titles AS text[]), CAST(:embeddings AS text[]))"
                " AS u(title, embedding) RETURNING id, title"
            ),
            {
                "t": tenant_id,
                "titles": new,
                "embeddings": [vector_literal(v) for v in embedder.embed(new)],
            },
        )
        found.update((title, int(row_id)) for row_id, title in inserted)
    return found
