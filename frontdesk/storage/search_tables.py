"""The tables PostgreSQL search keeps beside ``chunks`` (pgvector + full text).

One row per servable chunk in ``chunk_search`` (its vector, its analysed terms as a
``tsvector`` whose positions count each term's occurrences, and its length), one row per
distinct title text in ``title_search``, the document frequency of every term in
``term_search`` and each tenant's collection statistics in ``search_state``. They are a
derived index: the knowledge search (``frontdesk.knowledge.pg_sync``) fills them from
``chunks`` whenever a tenant's knowledge version moves; nothing else writes them.

A tenant's adapted retrieval encoder (``knowledge adapt``) has its own body and title
vectors in ``adapted_chunk_search`` and ``adapted_title_search``, one row per servable
chunk (title) per stored adapter whose vectors are kept (the active one and the previous
one, for a revert); the search reads them instead of the base vectors while the adapter
is active. They go with the adapter, the chunk or the title (foreign keys).

Created by migrations ``0015_pg_search`` and ``0021_int23c`` (the adapted tables) when the
server has pgvector, and by the first search otherwise (pgvector installed after
``frontdesk init``); without pgvector the PostgreSQL install searches in process
(``frontdesk.knowledge.backend``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, text

DIMENSION = 384  # all-MiniLM-L6-v2, the default embedder
TABLES = ("chunk_search", "title_search", "term_search", "search_state")
ADAPTED_TABLES = ("adapted_chunk_search", "adapted_title_search")


def vector_literal(vector: npt.NDArray[np.float32]) -> str:
    """pgvector's text form; ``repr`` of the float32 values round-trips exactly."""
    return "[" + ",".join(map(repr, np.asarray(vector, dtype=np.float32).tolist())) + "]"


def _statements(dimension: int) -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS vector",
        "CREATE TABLE IF NOT EXISTS title_search ("
        " id BIGSERIAL PRIMARY KEY,"
        " tenant_id VARCHAR(32) NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
        " title TEXT NOT NULL,"
        f" embedding vector({dimension}) NOT NULL,"
        " UNIQUE (tenant_id, title))",
        "CREATE TABLE IF NOT EXISTS chunk_search ("
        " chunk_id VARCHAR(32) PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,"
        " tenant_id VARCHAR(32) NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
        f" embedding vector({dimension}) NOT NULL,"
        " title_id BIGINT REFERENCES title_search(id) ON DELETE SET NULL,"
        " terms TSVECTOR NOT NULL,"
        " length REAL NOT NULL)",
        "CREATE INDEX IF NOT EXISTS ix_chunk_search_tenant ON chunk_search (tenant_id)",
        # a title's chunks, first by id for the title half of the search (pg_query); also
        # serves title_id alone (the foreign key)
        "CREATE INDEX IF NOT EXISTS ix_chunk_search_title_chunk"
        " ON chunk_search (title_id, chunk_id)",
        # Unit vectors: the inner product is the cosine, and the cheapest operator.
        "CREATE INDEX IF NOT EXISTS ix_chunk_search_embedding ON chunk_search"
        " USING hnsw (embedding vector_ip_ops)",
        "CREATE INDEX IF NOT EXISTS ix_chunk_search_terms ON chunk_search USING gin (terms)",
        "CREATE INDEX IF NOT EXISTS ix_title_search_embedding ON title_search"
        " USING hnsw (embedding vector_ip_ops)",
        "CREATE TABLE IF NOT EXISTS term_search ("
        " tenant_id VARCHAR(32) NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
        " term TEXT NOT NULL,"
        " df INTEGER NOT NULL,"
        " PRIMARY KEY (tenant_id, term))",
        "CREATE TABLE IF NOT EXISTS search_state ("
        " tenant_id VARCHAR(32) PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,"
        " version INTEGER NOT NULL,"
        " chunks INTEGER NOT NULL,"
        " avg_length DOUBLE PRECISION NOT NULL)",
    ]


def _adapted_statements(dimension: int) -> list[str]:
    return [
        "CREATE TABLE IF NOT EXISTS adapted_chunk_search ("
        " adapter_id VARCHAR(32) NOT NULL REFERENCES retrieval_adapters(id) ON DELETE CASCADE,"
        " chunk_id VARCHAR(32) NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,"
        " tenant_id VARCHAR(32) NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
        f" embedding vector({dimension}) NOT NULL,"
        " PRIMARY KEY (adapter_id, chunk_id))",
        "CREATE INDEX IF NOT EXISTS ix_adapted_chunk_search_chunk"
        " ON adapted_chunk_search (chunk_id)",
        "CREATE INDEX IF NOT EXISTS ix_adapted_chunk_search_embedding ON adapted_chunk_search"
        " USING hnsw (embedding vector_ip_ops)",
        "CREATE TABLE IF NOT EXISTS adapted_title_search ("
        " adapter_id VARCHAR(32) NOT NULL REFERENCES retrieval_adapters(id) ON DELETE CASCADE,"
        " title_id BIGINT NOT NULL REFERENCES title_search(id) ON DELETE CASCADE,"
        " tenant_id VARCHAR(32) NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
        f" embedding vector({dimension}) NOT NULL,"
        " PRIMARY KEY (adapter_id, title_id))",
        "CREATE INDEX IF NOT EXISTS ix_adapted_title_search_title"
        " ON adapted_title_search (title_id)",
        "CREATE INDEX IF NOT EXISTS ix_adapted_title_search_embedding ON adapted_title_search"
        " USING hnsw (embedding vector_ip_ops)",
    ]


def pgvector_available(connection: Connection) -> bool:
    """Whether the server can load pgvector (installed, or installable by this role)."""
    found = connection.execute(
        text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
    ).first()
    return found is not None


def schema_ready(connection: Connection) -> bool:
    found = connection.execute(
        text(
            "SELECT to_regclass('chunk_search') IS NOT NULL"
            " AND to_regclass('search_state') IS NOT NULL"
            " AND to_regclass('adapted_chunk_search') IS NOT NULL"
            " AND to_regclass('adapted_title_search') IS NOT NULL"
        )
    ).scalar()
    return bool(found)


def create_schema(connection: Connection, dimension: int = DIMENSION, adapted: bool = True) -> None:
    """Create the search tables and indexes (idempotent); pgvector must be available.
    ``adapted``: with the adapted encoders' tables (they need ``retrieval_adapters``)."""
    for statement in _statements(dimension):
        connection.execute(text(statement))
    if adapted:
        create_adapted_schema(connection, dimension)


def create_adapted_schema(connection: Connection, dimension: int = DIMENSION) -> None:
    for statement in _adapted_statements(dimension):
        connection.execute(text(statement))


def drop_adapted_schema(connection: Connection) -> None:
    for table in ADAPTED_TABLES:
        connection.execute(text(f"DROP TABLE IF EXISTS {table}"))


def drop_schema(connection: Connection) -> None:
    drop_adapted_schema(connection)
    for table in ("search_state", "term_search", "chunk_search", "title_search"):
        connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
