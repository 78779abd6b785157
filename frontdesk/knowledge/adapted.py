"""The tenants' adapted retrieval encoders as served: loaded once per version, with their
passage and title vectors kept in ``passage_vectors`` (by model and text hash), so a
restart, a new replica or a rebuild after an edit embeds only texts it has not seen. Both
searches read them there: the in-process index directly, the PostgreSQL search through
its adapted search rows (:mod:`frontdesk.knowledge.pg_adapted`). Only the active adapter
and the previous one keep them (:meth:`AdaptedEncoders.forget_unkept`).

A tenant without an active adapter costs nothing here: the index rebuild (already keyed
by the knowledge version, which activation and revert bump) asks once per rebuild.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from frontdesk.knowledge.pg_adapted import forget
from frontdesk.knowledge.stored_vectors import StoredVectors
from frontdesk.retrieval.protocols import Embedder
from frontdesk.storage.db import Database
from frontdesk.storage.repos import adapters as repo

Vectors = npt.NDArray[np.float32]
Vector = npt.NDArray[np.float32]
EncoderLoader = Callable[[bytes], Embedder]
_CACHED = 8  # adapted encoders kept loaded (about 25 MB each)


class AdaptedEncoders:
    def __init__(self, database: Database, load: EncoderLoader) -> None:
        """``load`` runs an adapter's ONNX bytes as an embedder."""
        self._db = database
        self._load = load
        self._loaded: OrderedDict[tuple[str, str], Embedder] = OrderedDict()
        self._lock = threading.Lock()

    def active_version(self, session: Session, tenant_id: str) -> str | None:
        return repo.active_version(session, tenant_id)

    def embedder(self, tenant_id: str, version: str) -> Embedder:
        key = (tenant_id, version)
        with self._lock:
            found = self._loaded.get(key)
            if found is not None:
                self._loaded.move_to_end(key)
                return found
        with self._db.transaction() as session:
            data = repo.artifact(session, tenant_id, version)
        embedder = self._load(data)
        embedder.warm_up()
        with self._lock:
            self._loaded[key] = embedder
            while len(self._loaded) > _CACHED:
                self._loaded.popitem(last=False)
        return embedder

    def vectors(
        self,
        tenant_id: str,
        embedder: Embedder,
        texts: Sequence[str],
        known: Mapping[str, Vector] | None = None,
    ) -> Vectors:
        """``texts`` embedded by an adapted encoder, stored ones read back and the others
        stored; ``known`` holds vectors already computed (by ``knowledge adapt``)."""
        store = StoredVectors(self._db, embedder.model_id, embedder.dimension)
        computed = known or {}

        def embed(batch: list[str]) -> Vectors:
            if all(text in computed for text in batch):
                return np.stack([computed[text] for text in batch])
            return embedder.embed(batch)

        return store.vectors(tenant_id, texts, embed)

    def vectors_of(self, tenant_id: str, version: str, texts: list[str]) -> Vectors:
        """:meth:`vectors` of the tenant's adapter ``version``."""
        return self.vectors(tenant_id, self.embedder(tenant_id, version), texts)

    def forget_unkept(self, tenant_id: str) -> list[str]:
        """Delete the stored vectors (by text, and the PostgreSQL search rows) of the
        tenant's adapters other than the active and the previous one; their versions.
        The adapters themselves stay: activating one again embeds the knowledge anew."""
        with self._db.transaction() as session:
            unkept = repo.unkept(session, tenant_id)
        for _, version in unkept:
            with self._db.transaction() as session:
                data = repo.artifact(session, tenant_id, version)
            model_id = self._load(data).model_id  # not warmed up: the id only
            StoredVectors(self._db, model_id, 0).keep_only(tenant_id, [])
        if unkept and not self._db.is_sqlite:
            with self._db.engine.begin() as connection:
                forget(connection, [adapter_id for adapter_id, _ in unkept])
        return [version for _, version in unkept]
