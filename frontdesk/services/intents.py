"""Per-tenant intent models: train, evaluate, activate (roll forward or back), predict.

Training validates the whole file first: a bad file changes nothing and the previous
model stays active. Loaded models are cached by version, so every replica picks up a
newly activated model on its next message without reloading the ones it has.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from frontdesk.errors import ConfigurationError, NotFoundError
from frontdesk.intents import (
    EvaluationReport,
    IntentModel,
    IntentStats,
    LabelledExample,
    TrainOptions,
    dump_model,
    evaluate,
    load_model,
    train_intent_model,
)
from frontdesk.intents.dataset import EVALUATION, TRAINING, load_example_set
from frontdesk.intents.encoder_tuning import FineTuneOptions
from frontdesk.intents.tuned import EncoderLoader, train_fine_tuned_model
from frontdesk.retrieval.protocols import Embedder
from frontdesk.storage.db import Database
from frontdesk.storage.repos import intents as repo
from frontdesk.storage.repos.intents import IntentModelInfo

Progress = Callable[[str, int, int], None]
_CACHED_MODELS = 32


class IntentService:
    def __init__(
        self,
        database: Database,
        embedder: Callable[[], Embedder],
        load_encoder: EncoderLoader | None = None,
    ) -> None:
        """``load_encoder`` runs a fine-tuned encoder's ONNX bytes (needed to train or load
        a fine-tuned model)."""
        self._db = database
        self._embedder = embedder
        self._load_encoder = load_encoder
        self._models: OrderedDict[tuple[str, str], IntentModel] = OrderedDict()
        self._lock = threading.Lock()

    def train(
        self,
        tenant_id: str,
        examples: list[LabelledExample],
        options: TrainOptions | None = None,
        progress: Progress | None = None,
        fine_tune: FineTuneOptions | None = None,
    ) -> IntentModelInfo:
        """Train on ``examples``, store the model and make it the tenant's active one;
        with ``fine_tune``, the encoder is adapted too and stored with the model."""
        if fine_tune is None:
            model = train_intent_model(examples, self._embedder(), options, progress)
        else:
            model = train_fine_tuned_model(
                examples, self._encoder_loader(), options, fine_tune, progress
            )
        report = asdict(model.report)
        with self._db.transaction() as session:
            info = repo.save_and_activate(
                session, tenant_id, model.version, dump_model(model), report
            )
        self._remember(tenant_id, model)
        return info

    def train_file(
        self,
        tenant_id: str,
        path: Path,
        progress: Progress | None = None,
        fine_tune: FineTuneOptions | None = None,
        merged: Callable[[tuple[tuple[int, int], ...]], None] | None = None,
    ) -> IntentModelInfo:
        """Train on a file whose exact duplicates are merged (``merged`` hears which, before
        training starts); the same text under two labels is refused."""
        loaded = load_example_set(path, TRAINING)
        if merged is not None and loaded.duplicates:
            merged(loaded.duplicates)
        return self.train(tenant_id, loaded.examples, progress=progress, fine_tune=fine_tune)

    def evaluate_file(self, tenant_id: str, path: Path) -> EvaluationReport:
        """Score the active model on any labelled file, every row as it is."""
        model = self.active_model(tenant_id)
        if model is None:
            raise NotFoundError("this tenant has no intent model yet: run frontdesk intents train")
        return evaluate(model, load_example_set(path, EVALUATION).examples)

    def activate(self, tenant_id: str, version: str) -> IntentModelInfo:
        with self._db.transaction() as session:
            return repo.activate(session, tenant_id, version)

    def models(self, tenant_id: str) -> list[IntentModelInfo]:
        with self._db.transaction() as session:
            return repo.list_models(session, tenant_id)

    def intents(self, tenant_id: str) -> list[IntentStats]:
        """The active model's intents with example counts and held-out accuracy."""
        model = self.active_model(tenant_id)
        return [] if model is None else list(model.intents)

    def active_model(self, tenant_id: str, version: str | None = None) -> IntentModel | None:
        """The tenant's active model (or ``version``), loaded once and cached."""
        with self._db.transaction() as session:
            if version is None:
                info = repo.active(session, tenant_id)
                if info is None:
                    return None
                version = info.version
            cached = self._models.get((tenant_id, version))
            if cached is not None:
                return cached
            data = repo.artifact(session, tenant_id, version)
        model = load_model(data, self._embedder(), self._load_encoder)
        self._remember(tenant_id, model)
        return model

    def _encoder_loader(self) -> EncoderLoader:
        if self._load_encoder is None:
            raise ConfigurationError("fine-tuning needs an encoder loader for ONNX bytes")
        return self._load_encoder

    def _remember(self, tenant_id: str, model: IntentModel) -> None:
        with self._lock:
            self._models[(tenant_id, model.version)] = model
            self._models.move_to_end((tenant_id, model.version))
            while len(self._models) > _CACHED_MODELS:
                self._models.popitem(last=False)
