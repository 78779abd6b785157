"""hnsw.ef_search by the tenant's size: the bench's recall needs 1,000 at 1M chunks, while a
small tenant keeps 100 (a higher value makes the planner read every vector)."""

from __future__ import annotations

from frontdesk.knowledge.pg_index import ef_search
from frontdesk.retrieval.hybrid import HybridOptions


def test_ef_search_grows_with_the_tenant_up_to_pgvectors_maximum() -> None:
    default = HybridOptions()
    assert [ef_search(default, n) for n in (0, 10_000, 100_000)] == [100, 100, 100]
    assert ef_search(default, 400_000) == 400
    assert ef_search(default, 1_000_000) == 1000
    assert ef_search(default, 5_000_000) == 1000


def test_the_releases_ef_search_wins_but_covers_the_candidates() -> None:
    assert ef_search(HybridOptions(hnsw_ef_search=300), 1_000_000) == 300
    assert ef_search(HybridOptions(hnsw_ef_search=40, candidates=60), 10) == 120
