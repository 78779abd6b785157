"""Passage vectors of a slow encoder kept in the database, per tenant, model and text.

The multilingual encoder takes minutes for a help center on two cores; with its vectors
stored beside the knowledge (table ``passage_vectors``), a restart, a new replica or a
rebuild after an edit embeds only texts it has not seen, and loads the rest. Implements
:class:`frontdesk.knowledge.vector_cache.VectorStore`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy.exc import IntegrityError

from frontdesk.knowledge.vector_cache import BATCH, Vectors
from frontdesk.storage.db import Database
from frontdesk.storage.repos import passage_vectors as repo


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class StoredVectors:
    def __init__(self, database: Database, model_id: str, dimension: int) -> None:
        self._db = database
        self._model_id = model_id
        self._dimension = dimension

    def vectors(
        self, tenant_id: str, texts: Sequence[str], embed: Callable[[list[str]], Vectors]
    ) -> Vectors:
        """The vector of every text, embedding (and storing) only those not stored."""
        hashes = [text_hash(t) for t in texts]
        with self._db.transaction() as session:
            stored = repo.find(session, tenant_id, self._model_id, list(dict.fromkeys(hashes)))
        found = {h: np.frombuffer(v, dtype=np.float32) for h, v in stored.items()}
        missing = list(dict.fromkeys(h for h in hashes if h not in found))
        by_hash = dict(zip(hashes, texts, strict=True))
        # Stored batch by batch: an interrupted build keeps what it already embedded.
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            computed = np.asarray(embed([by_hash[h] for h in batch]), dtype=np.float32)
            rows = [(h, v.tobytes()) for h, v in zip(batch, computed, strict=True)]
            try:
                with self._db.transaction() as session:
                    repo.add(session, tenant_id, self._model_id, rows)
            except IntegrityError:  # another replica stored the same texts first
                pass
            found.update(zip(batch, computed, strict=True))
        if not hashes:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32)

    def add_missing(self, tenant_id: str, vectors: dict[str, Vectors]) -> int:
        """Store ``vectors`` (text hash, hex → vector) the tenant has not stored (shipped
        with a help center); how many were added."""
        hashes = list(vectors)
        with self._db.transaction() as session:
            stored = set(repo.find(session, tenant_id, self._model_id, hashes))
        rows = [
            (h, np.asarray(vectors[h], dtype=np.float32).tobytes())
            for h in hashes
            if h not in stored
        ]
        try:
            with self._db.transaction() as session:
                repo.add(session, tenant_id, self._model_id, rows)
        except IntegrityError:  # another process stored them first: they are there
            return 0
        return len(rows)

    def keep_only(self, tenant_id: str, texts: Sequence[str]) -> int:
        """Delete the tenant's stored vectors of texts not in ``texts`` (edited or deleted
        knowledge); how many went."""
        with self._db.transaction() as session:
            return repo.prune(session, tenant_id, self._model_id, {text_hash(t) for t in texts})
