"""A stand-in for the multilingual encoder in tests: bag-of-words vectors (deterministic,
no model), and a build that can be held between batches to see what a search gets while
an index is still being embedded. And a stand-in for a fine-tuned retrieval encoder
(:func:`nudged_encoder`) that costs no training."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class HashingEncoder:
    """Implements :class:`frontdesk.retrieval.multilingual.PassageQueryEmbedder`. After
    ``hold_after`` passage batches it waits for ``go`` (and sets ``held``)."""

    model_id = "hashing-test"
    dimension = 64

    def __init__(self, hold_after: int | None = None) -> None:
        self.hold_after = hold_after
        self.batches = 0
        self.go = threading.Event()
        self.held = threading.Event()

    def warm_up(self) -> None:
        return None

    def _vectors(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().replace(",", " ").replace(".", " ").split():
                out[row, zlib.crc32(word.encode()) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: Vectors = (out / np.maximum(norms, 1e-9)).astype(np.float32)
        return normalised

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._vectors(texts)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if self.hold_after is not None and self.batches >= self.hold_after:
            self.held.set()
            if not self.go.wait(60):
                raise TimeoutError("the test never let the build go on")
        self.batches += 1
        return self._vectors(texts)


def nudged_encoder(seed: int) -> bytes:
    """The served encoder with a seeded tenth of its word embeddings moved by up to 4
    int8 steps: another vector space, and another version (the bytes' hash)."""
    import onnx  # the [train] extra's
    from onnx import numpy_helper

    from frontdesk.providers.embedders.onnx_minilm import _default_model_path

    model = onnx.load(str(_default_model_path()))
    [table] = [i for i in model.graph.initializer if i.name.endswith("word_embeddings.weight_q")]
    weights = numpy_helper.to_array(table).astype(np.int16)
    rng = np.random.default_rng(seed)
    moved = rng.random(weights.shape) < 0.1
    weights[moved] += rng.integers(-4, 5, size=int(moved.sum())).astype(np.int16)
    table.CopyFrom(numpy_helper.from_array(np.clip(weights, -128, 127).astype(np.int8), table.name))
    return bytes(model.SerializeToString())
