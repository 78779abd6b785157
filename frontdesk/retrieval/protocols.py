"""The seams of retrieval. Built-ins live beside this file; plugins satisfy the same shapes.

KeywordIndex  chunk ids -> term statistics; search(query) -> [(id, score)], best first
VectorIndex   chunk ids -> unit vectors;    search(vector) -> [(id, cosine)], best first
Reranker      (query, candidates) -> the same candidates reordered, ``score`` set
Embedder      texts -> unit-length vectors in the space ``model_id`` names
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from frontdesk.retrieval.types import Candidate

Scored = list[tuple[str, float]]


@runtime_checkable
class KeywordIndex(Protocol):
    """Adding an existing id replaces it; removing an unknown id is a no-op."""

    def add(self, items: Iterable[tuple[str, str]]) -> None: ...

    def remove(self, ids: Iterable[str]) -> None: ...

    def search(self, query: str, k: int) -> Scored: ...

    def __len__(self) -> int: ...


@runtime_checkable
class VectorIndex(Protocol):
    """Vectors are unit length, so the inner product is the cosine."""

    def add(self, ids: Sequence[str], vectors: npt.NDArray[np.float32]) -> None: ...

    def remove(self, ids: Iterable[str]) -> None: ...

    def search(self, vector: npt.NDArray[np.float32], k: int) -> Scored: ...

    def __len__(self) -> int: ...


@runtime_checkable
class Reranker(Protocol):
    """Reorders ``candidates`` for ``query``: returns them best first with ``score`` set.

    Must return every candidate it was given (no filtering: thresholds are the caller's
    job) and be deterministic. ``warm_up`` loads any model once.
    """

    def warm_up(self) -> None: ...

    def rerank(self, query: str, candidates: list[Candidate]) -> list[Candidate]: ...


class Embedder(Protocol):
    """Texts to unit-length vectors; ``model_id`` names the vector space."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def warm_up(self) -> None: ...

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]: ...
