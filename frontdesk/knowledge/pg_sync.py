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
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from frontdesk.knowledge.pg_adapted import AdaptedVectors, active_adapter, sync_adapted
from frontdesk.retrieval.hybrid import title_text
from frontdesk.retrieval.protocols import Embedder
from frontdesk.retrieval.text import analyze
from frontdesk.retrieval.types import Chunk
from frontdesk.storage.search_tables import vector_literal

log = logging.getLogger(__name__)
_BATCH = 500
_MAX_TF = 256  # a tsvector keeps at most 256 positions per lexeme
_MAX_LEXEME = 2046  # bytes; longer lexemes are not storable


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def terms_vector(keyword_text: str) -> tuple[str, int]:
    """The ``tsvector`` literal of a chunk's analysed terms and its length in terms.

    Each term gets positions ``1..tf``: the positions only carry the term frequency BM25
    needs (``cardinality`` of the positions array), since phrase search is not used.
    """
    counts = Counter(analyze(keyword_text))
    parts = [
        f"{_lexeme(term)}:{','.join(str(p) for p in range(1, min(tf, _MAX_TF) + 1))}"
        for term, tf in sorted(counts.items())
        if len(term.encode()) <= _MAX_LEXEME
    ]
    return " ".join(parts), sum(counts.values())


def query_tsquery(terms: Iterable[str]) -> str:
    """A ``tsquery`` literal matching chunks with any of the (analysed) terms."""
    return " | ".join(_lexeme(t) for t in terms if len(t.encode()) <= _MAX_LEXEME)


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
    missing = connection.execute(
        text(
            "SELECT c.id, c.title, c.heading_path, c.text, c.vector FROM chunks c"
            " JOIN documents d ON d.id = c.document_id"
            " WHERE c.tenant_id = :t AND c.status <> 'quarantined' AND d.embedding_model = :model"
            " AND NOT EXISTS (SELECT 1 FROM chunk_search s WHERE s.chunk_id = c.id)"
            " ORDER BY c.document_id, c.position"
        ),
        params,
    ).all()
    for start in range(0, len(missing), _BATCH):
        _insert(connection, tenant_id, missing[start : start + _BATCH], embedder)
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
            " SELECT CAST(:t AS varchar), u.lexeme, count(*)"
            " FROM chunk_search s, unnest(s.terms) AS u"
            " WHERE s.tenant_id = :t GROUP BY u.lexeme"
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
        len(missing),
        (time.perf_counter() - started) * 1000,
    )
    return True


def _insert(
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
    values = []
    for chunk, row in zip(chunks, rows, strict=True):
        terms, length = terms_vector(chunk.keyword_text())
        vector = np.frombuffer(row.vector, dtype=np.float32)
        values.append(
            {
                "chunk_id": chunk.id,
                "t": tenant_id,
                "embedding": vector_literal(vector),
                "title_id": title_ids.get(title_text(chunk)),
                "terms": terms,
                "length": float(length),
            }
        )
    connection.execute(
        text(
            "INSERT INTO chunk_search (chunk_id, tenant_id, embedding, title_id, terms, length)"
            " VALUES (:chunk_id, :t, CAST(:embedding AS vector), :title_id,"
            " CAST(:terms AS tsvector), :length)"
        ),
        values,
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
    vectors = dict(zip(new, embedder.embed(new), strict=True)) if new else {}
    for title in new:
        row_id = connection.execute(
            text(
                "INSERT INTO title_search (tenant_id, title, embedding)"
                " VALUES (:t, :title, CAST(:embedding AS vector)) RETURNING id"
            ),
            {"t": tenant_id, "title": title, "embedding": vector_literal(vectors[title])},
        ).scalar_one()
        found[title] = int(row_id)
    return found
