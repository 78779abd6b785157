"""Which search serves a tenant's knowledge: PostgreSQL's or the in-process index.

``FRONTDESK_DATABASE_URL=postgresql://…`` on a server with pgvector searches inside
PostgreSQL (:class:`PgKnowledge`); SQLite, and PostgreSQL without pgvector, use the
in-process index (:class:`StoredKnowledge`), the latter with a warning in the log, since
every replica then holds every tenant's vectors. The choice is made on first use (the
database may not be migrated when the pipeline is built) and kept once made.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from frontdesk.knowledge.adapted import AdaptedEncoders
from frontdesk.knowledge.index import StoredKnowledge
from frontdesk.knowledge.multilingual_index import MultilingualIndexes
from frontdesk.knowledge.pg_index import PgKnowledge
from frontdesk.pipeline.protocols import KnowledgeBase
from frontdesk.retrieval.hybrid import HybridOptions
from frontdesk.retrieval.protocols import Embedder
from frontdesk.retrieval.types import Passage
from frontdesk.storage.db import Database
from frontdesk.storage.search_tables import (
    DIMENSION,
    create_schema,
    pgvector_available,
    schema_ready,
)

log = logging.getLogger(__name__)


def postgres_search_ready(database: Database, embedder: Embedder) -> tuple[bool, str]:
    """Whether search can run in ``database`` (creating its tables when pgvector has been
    installed since the migration), and why not."""
    if database.is_sqlite:
        return False, "SQLite searches in process"
    if embedder.dimension != DIMENSION:
        return False, f"the embedder's {embedder.dimension} dimensions are not {DIMENSION}"
    with database.engine.begin() as connection:
        if schema_ready(connection):
            return True, ""
        if not pgvector_available(connection):
            return False, "the PostgreSQL server has no pgvector extension"
        create_schema(connection)
    return True, ""


class KnowledgeSearch:
    """A :class:`KnowledgeBase` that delegates to the search chosen on first use."""

    def __init__(
        self,
        database: Database,
        embedder: Embedder,
        options: HybridOptions | None = None,
        multilingual: MultilingualIndexes | None = None,
        prebuild_multilingual: bool = True,
        adapters: AdaptedEncoders | None = None,
    ) -> None:
        self._db = database
        self._adapters = adapters
        self._prebuild_multilingual = prebuild_multilingual
        self._embedder = embedder
        self._options = options or HybridOptions()
        self._multilingual = multilingual
        self._chosen: KnowledgeBase | None = None
        self._memory: StoredKnowledge | None = None
        self._lock = threading.Lock()

    @property
    def backend(self) -> KnowledgeBase:
        """The search in use (chosen now if not yet)."""
        with self._lock:
            if self._chosen is not None:
                return self._chosen
            try:
                ready, why = postgres_search_ready(self._db, self._embedder)
            except SQLAlchemyError as exc:  # not migrated yet: decide on a later call
                log.warning("search backend not chosen yet: %s", type(exc).__name__)
                return self._in_process()
            if ready:
                self._chosen = PgKnowledge(
                    self._db,
                    self._embedder,
                    self._options,
                    self._multilingual,
                    prebuild_multilingual=self._prebuild_multilingual,
                    adapters=self._adapters,
                )
            else:
                if not self._db.is_sqlite:
                    log.warning("searching in process: %s (install pgvector >= 0.8)", why)
                self._chosen = self._in_process()
            return self._chosen

    def _in_process(self) -> StoredKnowledge:
        if self._memory is None:
            self._memory = StoredKnowledge(
                self._db,
                self._embedder,
                self._options,
                multilingual=self._multilingual,
                prebuild_multilingual=self._prebuild_multilingual,
                adapters=self._adapters,
            )
        return self._memory

    @property
    def options(self) -> HybridOptions:
        return self._options

    def warm_up(self) -> None:
        self.backend.warm_up()

    def search(self, tenant_id: str, query: str, k: int, language: str = "en") -> list[Passage]:
        return self.backend.search(tenant_id, query, k, language)

    def chunk_count(self, tenant_id: str) -> int:
        return self.backend.chunk_count(tenant_id)
