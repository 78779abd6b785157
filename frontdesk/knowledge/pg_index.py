"""The tenant's knowledge searched inside PostgreSQL (pgvector + full text).

Implements :class:`frontdesk.pipeline.protocols.KnowledgeBase` like the in-process
:class:`frontdesk.knowledge.index.StoredKnowledge`, with the same results: same analyser,
same BM25, same title vectors, same fusion (:mod:`frontdesk.knowledge.pg_query`). Nothing
per tenant is held in the process except, for queries with a misspelt word, the tenant's
vocabulary for spelling correction. A search is two round trips: a check of the knowledge
version and the query's known terms, then the search statement; a replica that finds the
search rows behind the knowledge version brings them up to date first
(:mod:`frontdesk.knowledge.pg_sync`). A tenant with an active adapted encoder (``knowledge
adapt``) is searched with that encoder's query, body and title vectors, as in process,
and its passages say so (``ENCODER_KEY``).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from frontdesk.knowledge.adapted import AdaptedEncoders
from frontdesk.knowledge.multilingual_ahead import tenant_serves_other_languages
from frontdesk.knowledge.multilingual_index import MultilingualIndexes
from frontdesk.knowledge.pg_query import search_sql
from frontdesk.knowledge.pg_rows import query_tsquery, rarest_terms
from frontdesk.knowledge.pg_sync import sync_tenant
from frontdesk.retrieval.compounds import joined_candidates, joined_text
from frontdesk.retrieval.hybrid import HybridOptions
from frontdesk.retrieval.multilingual import warming
from frontdesk.retrieval.protocols import Embedder
from frontdesk.retrieval.rarity import annotate, term_weights
from frontdesk.retrieval.spelling import SpellingCorrector, correctable
from frontdesk.retrieval.text import analyze
from frontdesk.retrieval.types import ENCODER_KEY, Chunk, Passage
from frontdesk.storage.db import Database
from frontdesk.storage.repos import knowledge as repo
from frontdesk.storage.search_tables import vector_literal

log = logging.getLogger(__name__)

_CHECK = text(
    "SELECT (SELECT version FROM knowledge_versions WHERE tenant_id = :tenant),"
    " (SELECT version FROM search_state WHERE tenant_id = :tenant),"
    " ARRAY(SELECT term FROM term_search WHERE tenant_id = :tenant AND term = ANY(:terms)"
    " ORDER BY term),"
    " ARRAY(SELECT df FROM term_search WHERE tenant_id = :tenant AND term = ANY(:terms)"
    " ORDER BY term),"
    " (SELECT chunks FROM search_state WHERE tenant_id = :tenant),"
    " (SELECT id FROM retrieval_adapters WHERE tenant_id = :tenant AND active IS TRUE),"
    " (SELECT version FROM retrieval_adapters WHERE tenant_id = :tenant AND active IS TRUE)"
)
# For this transaction only (the pool's connections serve searches of other options too):
# the search's ef_search, and a plan made for this query's terms and limits: psycopg
# prepares a statement run 5 times, and PostgreSQL may then reuse a generic plan, blind to
# how many chunks the terms match (3x slower at 100k chunks; bench/RESULTS.md, issue 21).
_PER_SEARCH = text(
    "SELECT set_config('hnsw.ef_search', :ef, true),"
    " set_config('plan_cache_mode', 'force_custom_plan', true)"
)
_DF = text("SELECT term, df FROM term_search WHERE tenant_id = :tenant AND term = ANY(:terms)")


_tuned: set[int] = set()  # engines whose connections carry the HNSW settings
_tuned_lock = threading.Lock()


def tune_connections(engine: Engine) -> None:
    """HNSW settings on every new connection of ``engine``: iterative scans so the tenant
    filter never leaves a search short (pgvector >= 0.8). ``hnsw.ef_search`` is set by each
    search (the release's ``hnsw_ef_search``)."""

    with _tuned_lock:
        if id(engine) in _tuned:
            return
        _tuned.add(id(engine))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET hnsw.iterative_scan = relaxed_order")
        cursor.close()
        dbapi_connection.commit()

    engine.dispose()  # idle connections were opened without the settings


def ef_search(options: HybridOptions, chunks: int) -> int:
    """``hnsw.ef_search`` for a tenant of ``chunks``: the options' or, by default, 100 up
    to 100,000 chunks, then one per 1,000 chunks up to pgvector's maximum, 1,000 (from 1M).
    HNSW finds fewer of the exact neighbours as its graph grows (recall@10 at 1M: 0.923
    with 100, 0.942 with 800, 0.952 with 1,000; bench/scale.py), while on a small tenant a
    high value makes the planner read every vector instead of the graph (10k chunks: p50
    48 ms with 400 against 13 ms with 100). At least 2 x candidates, as an HNSW scan
    returns at most ef_search rows before its iterative scan goes on."""
    chosen = options.hnsw_ef_search or max(100, chunks // 1000)
    return min(1000, max(chosen, 2 * options.candidates))


class PgKnowledge:
    """Hybrid search in PostgreSQL; see the module docstring."""

    def __init__(
        self,
        database: Database,
        embedder: Embedder,
        options: HybridOptions | None = None,
        multilingual: MultilingualIndexes | None = None,
        prebuild_multilingual: bool = True,
        adapters: AdaptedEncoders | None = None,
    ) -> None:
        """``prebuild_multilingual``: build the multilingual indexes in the background at
        ``warm_up`` (otherwise on a tenant's first non-English question). ``adapters``:
        the tenants' adapted encoders (None: every tenant searches with ``embedder``)."""
        self._db = database
        self._adapters = adapters
        self._prebuild_multilingual = prebuild_multilingual
        self._embedder = embedder
        self._options = options or HybridOptions()
        self._multilingual = multilingual
        self._sql = text(search_sql(self._options))
        self._adapted_sql = text(search_sql(self._options, adapted=True))
        tune_connections(database.engine)
        self._vocabularies: dict[str, tuple[int, SpellingCorrector]] = {}
        self._chunks: dict[str, tuple[int, list[Chunk]]] = {}  # multilingual searches only
        self._lock = threading.Lock()
        if self._options.feedback_docs:
            log.warning("pseudo-relevance feedback is not applied by the PostgreSQL search")

    def warm_up(self, prebuild_tenants: int = 100) -> None:
        """Load the model and bring the search rows of up to ``prebuild_tenants`` tenants
        up to date, so no customer waits for it."""
        self._embedder.warm_up()
        try:
            with self._db.transaction() as session:
                tenant_ids = repo.tenants_with_knowledge(session, prebuild_tenants)
        except SQLAlchemyError:
            log.warning("search rows not synced: the database is not ready")
            return
        for tenant_id in tenant_ids:
            self.sync(tenant_id)
            if self._multilingual is not None and self._prebuild_multilingual:
                with self._db.transaction() as session:
                    if not tenant_serves_other_languages(session, tenant_id):
                        continue  # English only: built on a first question in another
                # A restart loads the stored vectors before the first question in another
                # language comes (it used to start the build, wait 3 s and fall back).
                version, chunks = self._tenant_chunks(tenant_id)
                if version:
                    self._multilingual.prebuild(tenant_id, version, chunks, self._options)

    def sync(self, tenant_id: str) -> bool:
        adapted = None if self._adapters is None else self._adapters.vectors_of
        with self._db.engine.begin() as connection:
            return sync_tenant(connection, tenant_id, self._embedder, adapted)

    def chunk_count(self, tenant_id: str) -> int:
        with self._db.transaction() as session:
            return repo.chunk_count(session, tenant_id)

    def search(self, tenant_id: str, query: str, k: int, language: str = "en") -> list[Passage]:
        if not query.strip() or k <= 0:
            return []
        if language != "en" and self._multilingual is not None:
            found = self._search_multilingual(tenant_id, query, k)
            if found is not None:
                return found
            # Still building after its wait: searched here now rather than in minutes.
            log.info("multilingual index not ready, default search tenant=%s", tenant_id)
            return warming(self._default(tenant_id, query, k))
        return self._default(tenant_id, query, k)

    def _default(self, tenant_id: str, query: str, k: int) -> list[Passage]:
        return self.search_vector(tenant_id, query, None, k)

    def search_vector(
        self, tenant_id: str, query: str, vector: npt.NDArray[np.float32] | None, k: int
    ) -> list[Passage]:
        """:meth:`search` (English) with the query's base vector already computed (None:
        computed here); a tenant with an active adapter has its query embedded by it."""
        if not query.strip() or k <= 0:
            return []
        counts = Counter(analyze(query))
        with self._db.engine.connect() as connection:
            check = {"tenant": tenant_id, "terms": [*counts, *joined_candidates(query)]}
            current, built, known, dfs, chunks, adapter_id, adapter = connection.execute(
                _CHECK, check
            ).one()
            if not current:
                return []
            if built != current:
                connection.commit()
                self.sync(tenant_id)
                _, _, known, dfs, chunks, adapter_id, adapter = connection.execute(
                    _CHECK, check
                ).one()
            df = dict(zip(known, dfs, strict=True))
            joined = joined_text(query, df.__contains__)  # "pick up" -> "pickup"
            if joined != query:  # searched, embedded and weighed in its joined form
                query, counts, vector = joined, Counter(analyze(joined)), None
            if self._adapters is None:
                adapter = None
            if adapter is not None:
                assert self._adapters is not None
                vector = self._adapters.embedder(tenant_id, adapter).embed([query])[0]
            elif vector is None:
                vector = self._embedder.embed([query])[0]
            terms = self._corrected(tenant_id, int(current), counts, set(known), connection)
            fixed = [t for t in terms if t not in df]  # spelling corrections
            if fixed:
                found = connection.execute(_DF, {"tenant": tenant_id, "terms": fixed}).all()
                df.update({term: int(count) for term, count in found})
            weights = term_weights(terms, lambda t: int(df.get(t, 0)), int(chunks or 0))
            limit = self._options.keyword_match_limit
            picking = rarest_terms({t: int(df.get(t, 0)) for t in terms}, limit)
            ef = ef_search(self._options, int(chunks or 0))
            connection.execute(_PER_SEARCH, {"ef": str(ef)})
            rows = connection.execute(
                self._sql if adapter is None else self._adapted_sql,
                {
                    "tenant": tenant_id,
                    "adapter": adapter_id,
                    "vec": vector_literal(vector),
                    "terms": list(terms),
                    "weights": [float(w) for w in terms.values()],
                    # none known: the terms themselves, which match nothing
                    "tsquery": query_tsquery(picking or terms) or "''",
                    "match_limit": limit,
                    "n": self._options.candidates,
                    "k": k,
                    "k1": self._options.bm25_k1,
                    "b": self._options.bm25_b,
                },
            ).all()
        marker = None if adapter is None else f"adapted:{adapter}"
        passages = [_passage(row, marker) for row in rows]
        annotate(passages, weights)
        return passages

    def _corrected(
        self,
        tenant_id: str,
        version: int,
        counts: Mapping[str, float],
        known: set[str],
        connection: Any,
    ) -> dict[str, float]:
        """The query's terms with unknown ones replaced by the closest vocabulary term,
        as :class:`frontdesk.retrieval.expansion.QueryExpander` does."""
        unknown = [t for t in counts if t not in known and correctable(t)]
        if not self._options.spelling or not unknown:
            return {t: float(c) for t, c in counts.items()}
        corrector = self._corrector(tenant_id, version, connection)
        fixed: dict[str, float] = {}
        for term, count in counts.items():
            if term in unknown:
                term = corrector.closest(term) or term
            fixed[term] = fixed.get(term, 0.0) + float(count)
        return fixed

    def _corrector(self, tenant_id: str, version: int, connection: Any) -> SpellingCorrector:
        cached = self._vocabularies.get(tenant_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        vocabulary = connection.execute(
            text("SELECT term FROM term_search WHERE tenant_id = :tenant ORDER BY term"),
            {"tenant": tenant_id},
        ).scalars()
        corrector = SpellingCorrector(vocabulary)
        self._vocabularies[tenant_id] = (version, corrector)
        return corrector

    def _search_multilingual(self, tenant_id: str, query: str, k: int) -> list[Passage] | None:
        """Questions in other languages search the in-process multilingual index, built
        from the tenant's chunks (its vectors are another model's, not in PostgreSQL)."""
        assert self._multilingual is not None
        version, chunks = self._tenant_chunks(tenant_id)
        if version == 0:
            return []
        return self._multilingual.search(tenant_id, version, chunks, self._options, query, k)

    def _tenant_chunks(self, tenant_id: str) -> tuple[int, list[Chunk]]:
        """The tenant's knowledge version and chunks (cached per version)."""
        with self._db.transaction() as session:
            version = repo.version(session, tenant_id)
        if version == 0:
            return 0, []
        with self._lock:
            cached = self._chunks.get(tenant_id)
            if cached is None or cached[0] != version:
                with self._db.transaction() as session:
                    stored = repo.all_chunks(session, tenant_id, self._embedder.model_id)
                self._chunks[tenant_id] = cached = (version, [c.as_chunk() for c in stored])
        return cached


def _passage(row: Any, encoder: str | None) -> Passage:
    heading_path: Sequence[str] = row.heading_path or ()
    return Passage(
        chunk_id=row.chunk_id,
        text=row.text,
        title=row.chunk_title,
        score=float(row.fused),
        url=row.url,
        heading_path=tuple(heading_path),
        metadata={
            **dict(row.metadata or {}),
            "document_id": row.document_key,
            "position": row.position,
            "bm25": float(row.bm25),
            "dense": float(row.body),
            "dense_title": float(row.title),
            "fused": float(row.fused),
            **({} if encoder is None else {ENCODER_KEY: encoder}),
        },
    )
