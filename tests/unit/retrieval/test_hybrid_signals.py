"""The vectorised scoring in HybridRetriever agrees with the per-index reference APIs."""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt
import pytest

from frontdesk.retrieval.fusion import convex
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever, title_text
from frontdesk.retrieval.text import analyze
from frontdesk.retrieval.types import Chunk


class HashingEmbedder:
    """Deterministic bag-of-words vectors: enough structure for ranking, no model."""

    model_id = "test:hashing"
    dimension = 32

    def warm_up(self) -> None:
        pass

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in analyze(text) or ["empty"]:
                digest = hashlib.sha1(word.encode()).digest()
                out[row, digest[0] % self.dimension] += 1.0 + digest[1] / 255
            out[row] /= np.linalg.norm(out[row])
        return out


TOPICS = ["Refunds", "Shipping", "Passwords", "Invoices", "Returns", "Accounts"]
WORDS = "card bank days parcel label reset link email billing order refund week login".split()


def make_chunks(count: int) -> list[Chunk]:
    rng = np.random.default_rng(7)
    return [
        Chunk(
            id=f"c{i:03d}",
            text=" ".join(rng.choice(WORDS, size=12)),
            title=TOPICS[i % len(TOPICS)] if i % 5 else "",
            heading_path=(f"Part {i % 3}",) if i % 2 else (),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("fusion", ["convex", "rrf"])
def test_every_candidate_signal_matches_the_reference(fusion: str) -> None:
    embedder = HashingEmbedder()
    options = HybridOptions(candidates=15, fusion=fusion, spelling=False)
    hybrid = HybridRetriever(embedder, options)
    chunks = make_chunks(120)
    hybrid.add(chunks)
    hybrid.remove(["c003", "c050"])  # exercise the swap-on-remove row moves
    by_id = {c.id: c for c in chunks}
    query = "refund to my bank card takes days"
    cands = hybrid.candidates(query)
    ids = [c.chunk.id for c in cands]
    assert len(ids) == len(set(ids)) >= 15
    assert "c003" not in ids

    vector = embedder.embed([query])[0]
    terms = {t: float(analyze(query).count(t)) for t in set(analyze(query))}
    bm25 = hybrid.bm25.score_ids(terms, ids)
    title_vectors = embedder.embed([title_text(by_id[i]) or "-" for i in ids])
    for cand, title_vector in zip(cands, title_vectors, strict=True):
        chunk = cand.chunk
        body = float(embedder.embed([chunk.embedding_text()])[0] @ vector)
        title = float(title_vector @ vector) if title_text(chunk) else body
        assert cand.bm25 == pytest.approx(bm25[chunk.id], rel=1e-5)
        assert cand.dense == pytest.approx(body, abs=1e-5)
        assert cand.dense_title == pytest.approx(title, abs=1e-5)
    if fusion == "convex":
        dense = {c.chunk.id: max(c.dense, c.dense_title) for c in cands}
        expected = convex(
            [{c.chunk.id: c.bm25 for c in cands}, dense],
            [0.4, 0.6],
            normalization=["max", "minmax"],
        )
        for cand in cands:
            assert cand.fused == pytest.approx(expected[cand.chunk.id], abs=1e-9)
    assert [(-c.fused, c.chunk.id) for c in cands] == sorted((-c.fused, c.chunk.id) for c in cands)
    assert [p.chunk_id for p in hybrid.search(query, 5)] == ids[:5]
