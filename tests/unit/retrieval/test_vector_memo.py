"""The shared embedder's memo: recent texts' vectors reused, the same as encoding them."""

from __future__ import annotations

import numpy as np
import pytest

from frontdesk.providers.embedders.memo import VectorMemo
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder, OnnxEmbedderOptions


def test_memoised_vectors_are_the_encoded_ones_and_only_misses_are_encoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = ["where is my parcel", "how do I reset my password", "refund to my card"]
    plain = OnnxEmbedder().embed(texts)
    embedder = OnnxEmbedder(OnnxEmbedderOptions(memo_size=8))
    first = embedder.embed(texts[:2])
    encoded: list[str] = []
    encode = embedder._encode_batch  # the real encoder, counted

    def counting(batch: list[str]) -> np.ndarray:
        encoded.extend(batch)
        return encode(batch)

    monkeypatch.setattr(embedder, "_encode_batch", counting)
    again = embedder.embed([texts[2], texts[0], texts[1], texts[2]])
    assert encoded == [texts[2], texts[2]]  # one batch: both copies of the new text
    np.testing.assert_array_equal(again[1:3], first)
    np.testing.assert_allclose(again[[1, 2, 0]], plain, atol=1e-5)
    again[0] = 0.0  # the caller's array is its own: the memo keeps its copy
    np.testing.assert_allclose(embedder.embed([texts[2]])[0], plain[2], atol=1e-5)


def test_the_least_recently_used_vector_is_dropped_first() -> None:
    memo = VectorMemo(2)
    vectors = {t: np.full(3, i, dtype=np.float32) for i, t in enumerate("abc")}
    memo.put("a", vectors["a"])
    memo.put("b", vectors["b"])
    assert memo.get("a") is not None  # "a" used last: "b" goes first
    memo.put("c", vectors["c"])
    assert memo.get("b") is None
    kept = {text: memo.get(text) for text in "ac"}
    for text, vector in kept.items():
        assert vector is not None, text
        np.testing.assert_array_equal(vector, vectors[text])
