"""The pieces of cross-language retrieval that need no model: the on-disk vector cache
and the cosine scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from frontdesk.knowledge.vector_cache import VectorCache
from frontdesk.retrieval.multilingual import CosineScale
from frontdesk.retrieval.types import Passage


class CountingEncoder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_the_cache_embeds_each_text_once_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "vectors.sqlite"
    encoder = CountingEncoder()
    first = VectorCache(path, "model-a", 3).vectors("t1", ["a", "bb", "a"], encoder)
    assert first.shape == (3, 3)
    assert encoder.seen == ["a", "bb"]
    again = VectorCache(path, "model-a", 3).vectors("t2", ["bb", "ccc"], encoder)
    assert encoder.seen == ["a", "bb", "ccc"]  # only the new text was embedded
    np.testing.assert_array_equal(again[0], first[1])
    VectorCache(path, "model-b", 3).vectors("t1", ["a"], encoder)  # another model: its own vectors
    assert encoder.seen[-1] == "a"
    assert VectorCache(path, "model-a", 3).vectors("t1", [], encoder).shape == (0, 3)


def test_the_scale_maps_cosines_and_keeps_the_raw_values() -> None:
    scale = CosineScale.fit([0.7, 0.8, 0.9], [0.1, 0.4, 0.7])
    assert scale(0.8) == pytest.approx(0.4, abs=1e-3)
    assert scale(5.0) == 1.0
    passage = Passage("c1", "text", "title", 0.5, metadata={"dense": 0.9, "dense_title": 0.7})
    (scaled,) = scale.passages([passage])
    assert scaled.metadata["dense"] == pytest.approx(0.7, abs=1e-3)
    assert scaled.metadata["dense_multilingual"] == 0.9
    assert passage.metadata["dense"] == 0.9  # the original is not changed
