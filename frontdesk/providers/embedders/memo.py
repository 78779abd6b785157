"""A bounded, thread-safe memo of text vectors: the most recently used texts' vectors.

A support desk embeds the same texts again and again: the same question asked by many
customers, a knowledge base re-ingested with most chunks unchanged, the same help center
loaded for several tenants. The vector of a text under one model never changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


class VectorMemo:
    """Up to ``size`` vectors by text, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._vectors: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> Vector | None:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
            return vector

    def put(self, text: str, vector: Vector) -> None:
        frozen = vector.copy()
        frozen.flags.writeable = False  # handed out many times: nobody may change it
        with self._lock:
            self._vectors[text] = frozen
            self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
