"""A trained intent model: linear head over n-gram and embedding features, calibrated.

``predict`` returns the most likely intent with a calibrated confidence; a message is out
of scope when the model's best class is the out-of-scope class (trained from the tenant's
OOS examples) or its confidence is below the tuned threshold. The model is immutable data
plus an embedder; its content (manifest and arrays) is hashed into its ``version`` here,
and :mod:`frontdesk.intents.artifact` stores and loads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from frontdesk.errors import InvalidInputError
from frontdesk.intents.calibration import softmax
from frontdesk.intents.dataset import OUT_OF_SCOPE
from frontdesk.intents.features import FeatureBuilder

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class IntentScore:
    label: str
    confidence: float


@dataclass(frozen=True, slots=True)
class IntentPrediction:
    """``label`` is :data:`OUT_OF_SCOPE` when ``out_of_scope``; ``top_k`` excludes OOS."""

    label: str
    confidence: float
    out_of_scope: bool
    top_k: tuple[IntentScore, ...]


@dataclass(frozen=True, slots=True)
class IntentStats:
    """Per-intent numbers from training: what an API lists next to each intent."""

    name: str
    examples: int
    heldout_examples: int
    heldout_accuracy: float | None


@dataclass(frozen=True, slots=True)
class TrainingReport:
    """Held-out results of the training run (the split the final model also learned from)."""

    examples: int
    oos_examples: int
    heldout_examples: int
    heldout_accuracy: float
    heldout_macro_f1: float
    heldout_ece: float
    temperature: float
    threshold: float
    train_seconds: float
    intents: tuple[IntentStats, ...] = field(default_factory=tuple)
    fine_tune: dict[str, Any] | None = None  # the encoder's adaptation, when fine-tuned


@dataclass(frozen=True, slots=True)
class LinearHead:
    """``scores = ngrams @ ngram_weights + vectors @ embedding_weights.T + bias``."""

    labels: tuple[str, ...]
    ngram_weights: Floats  # (n_ngram_features, n_classes), row per feature for fast gathers
    embedding_weights: Floats  # (n_classes, embedding_dimension)
    bias: Floats  # (n_classes,)


class IntentModel:
    """Calibrated intent classifier with out-of-scope detection."""

    def __init__(
        self,
        features: FeatureBuilder,
        head: LinearHead,
        *,
        temperature: float,
        threshold: float,
        report: TrainingReport,
        options: dict[str, object],
        encoder: bytes | None = None,
    ) -> None:
        self.features = features
        self.encoder = encoder  # ONNX bytes of a fine-tuned encoder, stored with the model
        self.head = head
        self.temperature = temperature
        self.threshold = threshold
        self.report = report
        self.options = options
        self._version: str | None = None
        self._in_scope = np.array([label != OUT_OF_SCOPE for label in head.labels])

    @property
    def version(self) -> str:
        """Content hash of the stored artifact: what a release config references."""
        if self._version is None:
            self._version = contenthash_parts(self)
        return self._version

    @property
    def labels(self) -> list[str]:
        """In-scope intent names, sorted."""
        return [label for label in self.head.labels if label != OUT_OF_SCOPE]

    @property
    def intents(self) -> tuple[IntentStats, ...]:
        return self.report.intents

    def with_threshold(self, threshold: float) -> IntentModel:
        """A copy deciding out-of-scope at ``threshold`` (e.g. tuned on validation data)."""
        return IntentModel(
            self.features,
            self.head,
            temperature=self.temperature,
            threshold=threshold,
            report=replace(self.report, threshold=threshold),
            options=self.options,
            encoder=self.encoder,
        )

    def with_encoder(
        self, encoder: bytes, *, report: TrainingReport, options: dict[str, object]
    ) -> IntentModel:
        """A copy that carries ``encoder``, the ONNX bytes its embedder runs."""
        return IntentModel(
            self.features,
            self.head,
            temperature=self.temperature,
            threshold=self.threshold,
            report=report,
            options=options,
            encoder=encoder,
        )

    def predict(self, text: str, top_k: int = 3) -> IntentPrediction:
        return self.predict_batch([text], top_k=top_k)[0]

    def predict_batch(self, texts: Sequence[str], top_k: int = 3) -> list[IntentPrediction]:
        if any(not isinstance(t, str) or not t.strip() for t in texts):
            raise InvalidInputError("cannot classify an empty message", field="text")
        probabilities = self.probabilities(texts)
        return [self._decide(row, top_k) for row in probabilities]

    def scores(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Raw head scores (n_texts, n_classes) before calibration."""
        ngrams = self.features.ngram_features(texts)
        vectors = self.features.embed(texts)
        head = self.head
        if len(texts) == 1:
            row = ngrams.getrow(0)
            sparse_part = row.data @ head.ngram_weights[row.indices]
            total = sparse_part[None, :] + vectors @ head.embedding_weights.T + head.bias
        else:
            total = ngrams @ head.ngram_weights + vectors @ head.embedding_weights.T + head.bias
        return np.asarray(total, dtype=np.float64)

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Calibrated probabilities (n_texts, n_classes), columns in ``head.labels`` order."""
        return softmax(self.scores(texts), self.temperature)

    def decide(self, probabilities: npt.NDArray[np.float64], top_k: int = 3) -> IntentPrediction:
        """The prediction for one row of :meth:`probabilities`."""
        return self._decide(probabilities, top_k)

    def _decide(self, row: npt.NDArray[np.float64], top_k: int) -> IntentPrediction:
        labels = self.head.labels
        best = int(row.argmax())
        in_scope = np.where(self._in_scope, row, -1.0)
        order = np.argsort(-in_scope)[: max(top_k, 1)]
        ranked = tuple(IntentScore(labels[i], float(row[i])) for i in order if self._in_scope[i])
        confidence = float(in_scope.max())
        if not self._in_scope[best] or confidence < self.threshold:
            oos_confidence = 1.0 - confidence
            return IntentPrediction(OUT_OF_SCOPE, oos_confidence, True, ranked[:top_k])
        return IntentPrediction(labels[best], confidence, False, ranked[:top_k])


FORMAT = "frontdesk.intent-model"
FORMAT_VERSION = 1

Arrays = dict[str, npt.NDArray[Any]]
ENCODER = "encoder_onnx"


def to_parts(model: IntentModel) -> tuple[dict[str, Any], Arrays]:
    """The manifest (JSON-ready, without ``version``) and the arrays of ``model``."""
    half = bool(model.options.get("half_precision", True))
    weight_dtype = np.float16 if half else np.float32
    embedder = model.features.embedder
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "labels": list(model.head.labels),
        "temperature": model.temperature,
        "threshold": model.threshold,
        "embedding": None
        if embedder is None
        else {
            "model_id": embedder.model_id,
            "dimension": model.head.embedding_weights.shape[1],
            "weight": model.features.embedding_weight,
        },
        "vectorizers": [v.to_config() for v in model.features.vectorizers],
        "options": model.options,
        "report": _report_to_dict(model.report),
    }
    arrays: Arrays = {
        "ngram_weights": model.head.ngram_weights.astype(weight_dtype),
        "embedding_weights": model.head.embedding_weights.astype(weight_dtype),
        "bias": model.head.bias.astype(weight_dtype),
    }
    for i, vectorizer in enumerate(model.features.vectorizers):
        arrays[f"idf_{i}"] = vectorizer.idf
    if model.encoder is not None:
        # Inside the hashed arrays: the version covers the encoder, and rollback restores it.
        arrays[ENCODER] = np.frombuffer(model.encoder, dtype=np.uint8)
    return manifest, arrays


def contenthash_parts(model: IntentModel) -> str:
    manifest, arrays = to_parts(model)
    return hash_parts(manifest, arrays)


def _report_to_dict(report: TrainingReport) -> dict[str, Any]:
    fields = {k: getattr(report, k) for k in TrainingReport.__slots__ if k != "intents"}
    if fields["fine_tune"] is None:  # keeps the versions of models without one unchanged
        del fields["fine_tune"]
    fields["intents"] = [
        {k: getattr(stats, k) for k in IntentStats.__slots__} for stats in report.intents
    ]
    return fields


def canonical_json(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def hash_parts(manifest: dict[str, Any], arrays: Arrays) -> str:
    digest = hashlib.sha256(canonical_json(manifest))
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"\n{name}:{array.dtype.str}:{array.shape}\n".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()
