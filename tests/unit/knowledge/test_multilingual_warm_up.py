"""A first multilingual build serves what it has embedded so far, marked as warming; a
restart with every vector stored serves the complete index at once; waiting "as long as
it takes" waits for the complete index. A word-hashing encoder stands in for e5 so the
build can be held between batches (the real encoder: tests/integration/knowledge)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from frontdesk.knowledge import multilingual_index
from frontdesk.knowledge.multilingual_index import MultilingualIndexes
from frontdesk.knowledge.vector_cache import VectorCache
from frontdesk.retrieval.hybrid import HybridOptions
from frontdesk.retrieval.multilingual import WARMING
from frontdesk.retrieval.types import Chunk
from frontdesk.testing.encoders import HashingEncoder as HeldEncoder

DIMENSION = HeldEncoder.dimension
TOPICS = ["redirect parcel address", "password reset link", "refund label credit"]
CHUNKS = [
    Chunk(
        id=f"c{i}",
        title=f"{TOPICS[i % 3]} {i}",
        text=f"About {TOPICS[i % 3]}, part {i}." + " More details follow here." * (5 - i),
    )
    for i in range(6)
]
# A first build embeds the shortest texts first: c5 and c4 (a password chunk) go first.
FIRST_STEP = {"c4", "c5"}


@pytest.fixture(autouse=True)
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multilingual_index, "PARTIAL_EVERY", 2)


def _store(tmp_path: Path) -> VectorCache:
    return VectorCache(tmp_path / "vectors.sqlite", HeldEncoder.model_id, DIMENSION)


def test_a_first_build_serves_the_part_embedded_so_far_marked_warming(tmp_path: Path) -> None:
    # Two batches: the first two chunks' texts, then their titles; then it holds.
    encoder = HeldEncoder(hold_after=2)
    indexes = MultilingualIndexes(encoder, _store(tmp_path), wait_s=0)
    options = HybridOptions()
    build = indexes.prebuild("t1", 1, CHUNKS, options)
    assert build is not None
    assert encoder.held.wait(30)
    partial = indexes.search("t1", 1, CHUNKS, options, "password reset", 2)
    assert partial is not None
    assert partial[0].chunk_id == "c4"
    assert {p.chunk_id for p in partial} <= FIRST_STEP
    assert all(p.metadata[WARMING] for p in partial)

    encoder.go.set()
    build.join(30)
    complete = indexes.search("t1", 1, CHUNKS, options, "password reset", 6)
    assert complete is not None
    assert {p.chunk_id for p in complete} == {c.id for c in CHUNKS}
    assert not any(WARMING in p.metadata for p in complete)


def test_waiting_as_long_as_it_takes_waits_for_the_complete_index(tmp_path: Path) -> None:
    encoder = HeldEncoder(hold_after=2)
    indexes = MultilingualIndexes(encoder, _store(tmp_path), wait_s=None)
    options = HybridOptions()
    indexes.prebuild("t1", 1, CHUNKS, options)
    assert encoder.held.wait(30)
    threading.Timer(0.5, encoder.go.set).start()
    found = indexes.search("t1", 1, CHUNKS, options, "refund label", 6)
    assert found is not None
    assert len(found) == 6
    assert not any(WARMING in p.metadata for p in found)


def test_a_restart_with_every_vector_stored_serves_no_partial_index(tmp_path: Path) -> None:
    first = MultilingualIndexes(HeldEncoder(), _store(tmp_path), wait_s=None)
    assert first.search("t1", 1, CHUNKS, HybridOptions(), "refund", 1) is not None

    encoder = HeldEncoder(hold_after=0)  # would hold on any embedding
    restarted = MultilingualIndexes(encoder, _store(tmp_path), wait_s=30)
    found = restarted.search("t1", 1, CHUNKS, HybridOptions(), "refund label", 6)
    assert found is not None
    assert len(found) == 6
    assert not any(WARMING in p.metadata for p in found)
    assert encoder.batches == 0


def test_a_failed_first_build_leaves_no_partial_index_behind(tmp_path: Path) -> None:
    class Failing(HeldEncoder):
        def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
            if self.batches >= 2:
                raise RuntimeError("encoder gone")
            return super().embed_passages(texts)

    indexes = MultilingualIndexes(Failing(), _store(tmp_path), wait_s=None)
    build = indexes.prebuild("t1", 1, CHUNKS, HybridOptions())
    assert build is not None
    build.join(30)
    assert not indexes.has_index("t1", HybridOptions())
