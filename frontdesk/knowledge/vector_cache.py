"""Passage vectors of a slow encoder, kept on disk by model and text hash.

The multilingual encoder takes a few minutes for a help center, so its vectors are
computed once per text and kept in a small SQLite file under the data directory: an
index rebuild, a restart or another tenant with the same text reuses them. Each replica
keeps its own file (a cache, never the source of truth).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
# Small batches: the encoder is locked per batch, and a question waits for the batch in
# flight before its own vector is computed.
_BATCH = 8


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

    def vectors(self, texts: Sequence[str], embed: Callable[[list[str]], Vectors]) -> Vectors:
        """The vector of every text, embedding (and storing) only those not cached."""
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
        for start in range(0, len(missing), _BATCH):
            batch = missing[start : start + _BATCH]
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
