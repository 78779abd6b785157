"""Title vectors shared between chunks: one stored vector per distinct title text.

Every chunk of an article section has the same title text (title > headings), so storing
a vector per chunk would multiply the work of a title search by the chunks per section.
Here each distinct title is stored once and the per-chunk scores are read back through a
row map, so a query costs one matrix-vector product over the distinct titles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from frontdesk.retrieval.dense import DenseIndex

Vectors = npt.NDArray[np.float32]


class TitleIndex:
    """Chunk id -> title text -> unit vector; scores are per chunk (rows of :attr:`ids`)."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._vectors = DenseIndex(dimension)  # keyed by title text
        self._title_of: dict[str, str] = {}
        self._users: Counter[str] = Counter()
        self._view: tuple[list[str], dict[str, int], npt.NDArray[np.int64]] | None = None

    def __len__(self) -> int:
        return len(self._title_of)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._title_of

    def titles(self) -> set[str]:
        """The distinct title texts stored."""
        return set(self._users)

    def add(
        self, chunk_ids: Sequence[str], titles: Sequence[str], vectors: Mapping[str, Vectors]
    ) -> None:
        """Give each chunk its title; ``vectors`` must hold every title not stored yet."""
        self.remove(chunk_ids)
        fresh = sorted({t for t in titles if t not in self._users})
        if fresh:
            self._vectors.add(fresh, np.stack([vectors[t] for t in fresh]))
        for chunk_id, title in zip(chunk_ids, titles, strict=True):
            self._title_of[chunk_id] = title
            self._users[title] += 1
        self._view = None

    def remove(self, ids: Iterable[str]) -> None:
        unused = []
        for chunk_id in ids:
            title = self._title_of.pop(chunk_id, None)
            if title is None:
                continue
            self._view = None
            self._users[title] -= 1
            if self._users[title] == 0:
                del self._users[title]
                unused.append(title)
        self._vectors.remove(unused)

    @property
    def ids(self) -> Sequence[str]:
        """Titled chunk ids in the row order of :meth:`similarities`."""
        return self._rows()[0]

    def row(self, chunk_id: str) -> int:
        """Row of a chunk in :meth:`similarities`, -1 when it has no title vector."""
        return self._rows()[1].get(chunk_id, -1)

    def similarities(self, vector: Vectors) -> npt.NDArray[np.float32]:
        """Cosine of ``vector`` with each titled chunk's title, in row order."""
        scores: npt.NDArray[np.float32] = self._vectors.similarities(vector)[self._rows()[2]]
        return scores

    def _rows(self) -> tuple[list[str], dict[str, int], npt.NDArray[np.int64]]:
        if self._view is None:
            ids = list(self._title_of)
            rows = np.fromiter(
                (self._vectors.row(t) for t in self._title_of.values()),
                dtype=np.int64,
                count=len(ids),
            )
            self._view = (ids, {chunk_id: r for r, chunk_id in enumerate(ids)}, rows)
        return self._view
