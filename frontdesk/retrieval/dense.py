"""In-process exact vector index: one float32 matrix, inner product of unit vectors.

Exact search over 10k x 384 is one ~4 MFLOP matrix-vector product (about half a
millisecond on one core), so no approximate index is needed at the embedded scale. The
product is computed with ``einsum`` on the calling thread, not BLAS ``gemv``: a threaded
BLAS wakes its worker pool for every query, which measured 10-25 ms instead of 0.5 ms on a
loaded 2-core machine. Removal moves the last row into the hole, keeping the matrix dense.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from frontdesk.errors import InvalidInputError

Scored = list[tuple[str, float]]
Vectors = npt.NDArray[np.float32]


class DenseIndex:
    """Exact cosine search over unit vectors, ``add``/``remove`` by chunk id."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._matrix: Vectors = np.zeros((0, dimension), dtype=np.float32)
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._row_of

    def add(self, ids: Sequence[str], vectors: Vectors) -> None:
        """Store one vector per id (replacing an existing id's vector)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape != (len(ids), self.dimension):
            raise InvalidInputError(
                f"expected {len(ids)} vectors of dimension {self.dimension}, "
                f"got shape {vectors.shape}"
            )
        if len(set(ids)) != len(ids):
            raise InvalidInputError("duplicate ids in one add() call")
        fresh = [i for i, chunk_id in enumerate(ids) if chunk_id not in self._row_of]
        for i, chunk_id in enumerate(ids):
            row = self._row_of.get(chunk_id)
            if row is not None:
                self._matrix[row] = vectors[i]
        if fresh:
            start = len(self._ids)
            self._grow(start + len(fresh))
            self._matrix[start : start + len(fresh)] = vectors[fresh]
            for offset, i in enumerate(fresh):
                self._ids.append(ids[i])
                self._row_of[ids[i]] = start + offset

    def remove(self, ids: Iterable[str]) -> None:
        for chunk_id in ids:
            row = self._row_of.pop(chunk_id, None)
            if row is None:
                continue
            last = len(self._ids) - 1
            if row != last:
                moved = self._ids[last]
                self._matrix[row] = self._matrix[last]
                self._ids[row] = moved
                self._row_of[moved] = row
            self._ids.pop()

    @property
    def ids(self) -> Sequence[str]:
        """Stored ids in row order (the order of :meth:`similarities`)."""
        return self._ids

    def row(self, chunk_id: str) -> int:
        """Row of a stored id in :meth:`similarities`, -1 when not stored."""
        return self._row_of.get(chunk_id, -1)

    def similarities(self, vector: Vectors) -> npt.NDArray[np.float32]:
        """Cosine of ``vector`` with every stored vector, in row order."""
        n = len(self._ids)
        query = np.ascontiguousarray(vector, dtype=np.float32)
        scores: npt.NDArray[np.float32] = np.einsum("ij,j->i", self._matrix[:n], query)
        return scores

    def search(self, vector: Vectors, k: int) -> Scored:
        if not self._ids or k <= 0:
            return []
        scores = self.similarities(vector)
        return [(self._ids[i], float(scores[i])) for i in top_rows(scores, k)]

    def score_ids(self, vector: Vectors, ids: Iterable[str]) -> dict[str, float]:
        """Cosine of ``vector`` with each stored id; ids not stored are left out."""
        wanted = [(chunk_id, self._row_of[chunk_id]) for chunk_id in ids if chunk_id in self]
        if not wanted:
            return {}
        rows = np.fromiter((row for _, row in wanted), dtype=np.int64, count=len(wanted))
        query = np.ascontiguousarray(vector, dtype=np.float32)
        scores = np.einsum("ij,j->i", self._matrix[rows], query)
        return {chunk_id: float(s) for (chunk_id, _), s in zip(wanted, scores, strict=True)}

    def vector(self, chunk_id: str) -> Vectors:
        row: Vectors = self._matrix[self._row_of[chunk_id]].copy()
        return row

    def _grow(self, needed: int) -> None:
        capacity = self._matrix.shape[0]
        if needed <= capacity:
            return
        bigger = np.zeros((max(needed, capacity * 2, 64), self.dimension), dtype=np.float32)
        bigger[: len(self._ids)] = self._matrix[: len(self._ids)]
        self._matrix = bigger


def top_rows(scores: npt.NDArray[np.floating[Any]], k: int) -> npt.NDArray[np.intp]:
    """Indices of the ``k`` largest ``scores``, best first; ties go to the lower index,
    also at the cut-off, so the result never depends on the partition algorithm."""
    n = len(scores)
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    if k < n:
        kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
        above = np.flatnonzero(scores > kth)
        tied = np.flatnonzero(scores == kth)[: k - len(above)]
        top = np.concatenate([above, tied])
    else:
        top = np.arange(n)
    return top[np.lexsort((top, -scores[top]))]
