"""Which document a cited chunk came from, to match citations against ``gold_docs``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select

from frontdesk.storage.db import Database
from frontdesk.storage.tables import ChunkRow, DocumentRow

# (tenant id, chunk ids) -> {chunk id: the uri its document was ingested from}
SourceLookup = Callable[[str, Sequence[str]], dict[str, str]]


def database_sources(database: Database) -> SourceLookup:
    """Looks cited chunks up in the tenant's knowledge, reading only."""

    def lookup(tenant_id: str, chunk_ids: Sequence[str]) -> dict[str, str]:
        if not chunk_ids:
            return {}
        with database.transaction() as session:
            rows = session.execute(
                select(ChunkRow.id, DocumentRow.uri)
                .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
                .where(ChunkRow.tenant_id == tenant_id, ChunkRow.id.in_(list(chunk_ids)))
            )
            return {str(chunk_id): str(uri) for chunk_id, uri in rows}

    return lookup
