"""Where the multilingual index gets its passage vectors (:class:`VectorStore`), and a
store in a SQLite file of its own (:class:`VectorCache`).

The server keeps them in its database (:mod:`frontdesk.knowledge.stored_vectors`);
the file store serves what has no database (the benchmarks): computed once per model and
text hash, shared by every tenant of the file, never pruned.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
# Small batches: the encoder is locked per batch, and a question waits for the batch in
# flight before its own vector is computed.
BATCH = 8


class VectorStore(Protocol):
    """Passage vectors of one encoder, by text."""

    def vectors(
        self, tenant_id: str, texts: Sequence[str], embed: Callable[[list[str]], Vectors]
    ) -> Vectors:
        """One row per text, in order; texts not stored yet are embedded with ``embed``
        (in small batches) and stored."""
        ...

    def keep_only(self, tenant_id: str, texts: Sequence[str]) -> int:
        """Forget the tenant's vectors of other texts (a store may keep them); how many."""
        ...


class VectorCache:
    def __init__(self, path: Path, model_id: str, dimension: int) -> None:
        self._path = path
        self._model_id = model_id
        self._dimension = dimension
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors ("
                "model TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL, "
                "PRIMARY KEY (model, text_hash))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=30)

    def vectors(
        self, tenant_id: str, texts: Sequence[str], embed: Callable[[list[str]], Vectors]
    ) -> Vectors:
        """The vector of every text, embedding (and storing) only those not cached; the
        file is shared by all tenants."""
        hashes = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
        found: dict[str, Vectors] = {}
        with self._lock, self._connect() as db:
            for start in range(0, len(hashes), 500):
                batch = hashes[start : start + 500]
                marks = ",".join("?" * len(batch))
                rows = db.execute(
                    f"SELECT text_hash, vector FROM vectors WHERE model = ? "
                    f"AND text_hash IN ({marks})",
                    [self._model_id, *batch],
                )
                for text_hash, blob in rows:
                    found[text_hash] = np.frombuffer(blob, dtype=np.float32)
        missing = list(dict.fromkeys(h for h in hashes if h not in found))
        by_hash = dict(zip(hashes, texts, strict=True))
        # Stored batch by batch: an interrupted build keeps what it already embedded.
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            computed = embed([by_hash[h] for h in batch])
            with self._lock, self._connect() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO vectors (model, text_hash, vector) VALUES (?, ?, ?)",
                    [
                        (self._model_id, h, np.asarray(v, dtype=np.float32).tobytes())
                        for h, v in zip(batch, computed, strict=True)
                    ],
                )
            found.update(zip(batch, computed, strict=True))
        if not hashes:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32)

    def keep_only(self, tenant_id: str, texts: Sequence[str]) -> int:
        return 0  # shared by tenants: another may still have the texts
