"""Training: validate, hold out a stratified split, fit, calibrate, tune OOS, refit on all.

The held-out split (``heldout_fraction`` of each intent) measures per-intent accuracy,
fits the temperature and tunes the out-of-scope threshold; the final model is then refit
on every example with those settings, so no labelled example is wasted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter
from scipy import sparse

from frontdesk.intents.calibration import expected_calibration_error, fit_temperature, softmax
from frontdesk.intents.dataset import (
    OUT_OF_SCOPE,
    DatasetOptions,
    LabelledExample,
    validate_examples,
)
from frontdesk.intents.features import FeatureBuilder
from frontdesk.intents.metrics import macro_f1
from frontdesk.intents.model import IntentModel, IntentStats, LinearHead, TrainingReport
from frontdesk.intents.ngrams import NgramKind, NgramOptions, NgramVectorizer
from frontdesk.intents.threshold import ThresholdOptions, choose_threshold
from frontdesk.retrieval.protocols import Embedder

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while training runs (e.g. a Rich bar)."""


@dataclass(frozen=True, slots=True)
class TrainOptions:
    """Everything that shapes a model; stored in the artifact so a run can be repeated."""

    head: Literal["svm", "logreg"] = "svm"
    regularisation_c: float = 0.5
    embedding_weight: float = 2.0
    char_ngrams: tuple[int, int] | None = (2, 5)
    word_ngrams: tuple[int, int] | None = (1, 2)
    char_max_features: int = 30_000
    word_max_features: int = 10_000
    min_df: int = 2
    heldout_fraction: float = 0.15
    seed: int = 0
    half_precision: bool = True  # float16 weights: half the artifact, same predictions
    min_examples_per_label: int = 5
    threshold: ThresholdOptions = field(default_factory=ThresholdOptions)


def train_intent_model(
    examples: Sequence[LabelledExample],
    embedder: Embedder | None,
    options: TrainOptions | None = None,
    progress: Progress | None = None,
) -> IntentModel:
    """Train a calibrated intent model from validated ``examples``.

    ``embedder`` may be ``None`` for an n-gram-only model (no model weights needed).
    Raises :class:`frontdesk.errors.InvalidInputError` for a bad example set.
    """
    options = options or TrainOptions()
    report = progress or (lambda stage, done, total: None)
    validate_examples(
        examples, DatasetOptions(min_examples_per_label=options.min_examples_per_label)
    )
    started = time.perf_counter()
    texts = [e.text for e in examples]
    labels, targets = label_targets(examples)
    index = {label: i for i, label in enumerate(labels)}

    vectors = _embed(texts, embedder, options.embedding_weight, report)
    fit_rows, heldout_rows = stratified_split(targets, options.heldout_fraction, options.seed)

    report("fitting on the training split", 0, 1)
    features, head = _fit(texts, vectors, targets, fit_rows, tuple(labels), embedder, options)
    heldout_texts = [texts[i] for i in heldout_rows]
    matrix = features.matrix(heldout_texts, vectors[heldout_rows])
    scores = np.asarray(_raw_scores(head, matrix, features.ngram_width), dtype=np.float64)
    heldout_targets = targets[heldout_rows]
    temperature = fit_temperature(scores, heldout_targets)
    probabilities = softmax(scores, temperature)
    report("fitting on the training split", 1, 1)

    threshold = _tune_threshold(probabilities, heldout_targets, labels, options.threshold)
    heldout = _heldout_report(probabilities, heldout_targets, labels, threshold)

    report("fitting on all examples", 0, 1)
    all_rows = np.arange(len(texts))
    features, head = _fit(texts, vectors, targets, all_rows, tuple(labels), embedder, options)
    report("fitting on all examples", 1, 1)

    counts = np.bincount(targets, minlength=len(labels))
    heldout_counts = np.bincount(heldout_targets, minlength=len(labels))
    stats = tuple(
        IntentStats(
            name=label,
            examples=int(counts[i]),
            heldout_examples=int(heldout_counts[i]),
            heldout_accuracy=heldout.per_class[i],
        )
        for i, label in enumerate(labels)
        if label != OUT_OF_SCOPE
    )
    training = TrainingReport(
        examples=len(examples),
        oos_examples=int(counts[index[OUT_OF_SCOPE]]) if OUT_OF_SCOPE in index else 0,
        heldout_examples=len(heldout_rows),
        heldout_accuracy=heldout.accuracy,
        heldout_macro_f1=heldout.macro_f1,
        heldout_ece=heldout.ece,
        temperature=temperature,
        threshold=threshold,
        train_seconds=round(time.perf_counter() - started, 3),
        intents=stats,
    )
    return IntentModel(
        features,
        head,
        temperature=temperature,
        threshold=threshold,
        report=training,
        options=options_to_dict(options),
    )


def label_targets(examples: Sequence[LabelledExample]) -> tuple[list[str], npt.NDArray[np.int_]]:
    """The class labels (in-scope sorted, then OOS if present) and each example's index."""
    labels = sorted({e.label for e in examples if not e.out_of_scope})
    if any(e.out_of_scope for e in examples):
        labels.append(OUT_OF_SCOPE)
    index = {label: i for i, label in enumerate(labels)}
    return labels, np.array([index[e.label] for e in examples])


def options_to_dict(options: TrainOptions) -> dict[str, object]:
    return asdict(options)


def options_from_dict(data: dict[str, object]) -> TrainOptions:
    """Validated back into typed options (lists become tuples, bad values raise)."""
    return TypeAdapter(TrainOptions).validate_python(data)


def stratified_split(
    targets: npt.NDArray[np.integer], fraction: float, seed: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Per class, hold out ``round(fraction * n)`` rows (at least 1 when n >= 3)."""
    rng = np.random.default_rng(seed)
    fit: list[int] = []
    heldout: list[int] = []
    for cls in np.unique(targets):
        rows = rng.permutation(np.flatnonzero(targets == cls))
        take = max(1, round(fraction * len(rows))) if len(rows) >= 3 else 0
        heldout.extend(rows[:take].tolist())
        fit.extend(rows[take:].tolist())
    return np.array(sorted(fit), dtype=np.intp), np.array(sorted(heldout), dtype=np.intp)


def _embed(
    texts: list[str], embedder: Embedder | None, weight: float, report: Progress
) -> npt.NDArray[np.float32]:
    if embedder is None:
        return np.zeros((len(texts), 0), dtype=np.float32)
    chunk = 512
    parts = []
    for start in range(0, len(texts), chunk):
        report("embedding examples", start, len(texts))
        parts.append(embedder.embed(texts[start : start + chunk]))
    report("embedding examples", len(texts), len(texts))
    vectors: npt.NDArray[np.float32] = np.vstack(parts) * np.float32(weight)
    return vectors


def _fit(
    texts: list[str],
    vectors: npt.NDArray[np.float32],
    targets: npt.NDArray[np.integer],
    rows: npt.NDArray[np.intp],
    labels: tuple[str, ...],
    embedder: Embedder | None,
    options: TrainOptions,
) -> tuple[FeatureBuilder, LinearHead]:
    fit_texts = [texts[i] for i in rows]
    vectorizers = []
    specs: tuple[tuple[NgramKind, tuple[int, int] | None, int], ...] = (
        ("char", options.char_ngrams, options.char_max_features),
        ("word", options.word_ngrams, options.word_max_features),
    )
    for kind, bounds, cap in specs:
        if bounds is not None:
            ngram = NgramOptions(kind, bounds[0], bounds[1], options.min_df, cap)
            vectorizers.append(NgramVectorizer(ngram).fit(fit_texts))
    features = FeatureBuilder(vectorizers, embedder, options.embedding_weight)
    matrix = features.matrix(fit_texts, vectors[rows])
    weights, bias = _fit_linear(matrix, targets[rows], len(labels), options)
    dtype = np.float16 if options.half_precision else np.float32
    weights = weights.astype(dtype).astype(np.float32)
    split = features.ngram_width
    head = LinearHead(
        labels=labels,
        ngram_weights=np.ascontiguousarray(weights[:, :split].T),
        embedding_weights=np.ascontiguousarray(weights[:, split:]),
        bias=bias.astype(dtype).astype(np.float32),
    )
    return features, head


def _fit_linear(
    matrix: sparse.csr_matrix,
    targets: npt.NDArray[np.integer],
    n_classes: int,
    options: TrainOptions,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    if options.head == "svm":
        model: LinearSVC | LogisticRegression = LinearSVC(
            C=options.regularisation_c, random_state=options.seed, max_iter=5_000
        )
    else:
        model = LogisticRegression(C=options.regularisation_c, max_iter=3_000)
    model.fit(matrix, targets)
    coef = np.asarray(model.coef_, dtype=np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    if n_classes == 2 and coef.shape[0] == 1:  # binary: one score s means [-s/2, s/2]
        coef = np.vstack([-coef / 2, coef / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    return coef, intercept


def _raw_scores(
    head: LinearHead, matrix: sparse.csr_matrix, ngram_width: int
) -> npt.NDArray[np.float32]:
    ngrams = matrix[:, :ngram_width]
    dense = matrix[:, ngram_width:].toarray()
    scores: npt.NDArray[np.float32] = (
        ngrams @ head.ngram_weights + dense @ head.embedding_weights.T + head.bias
    )
    return scores


def _predictions(
    probabilities: npt.NDArray[np.float64], labels: list[str]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Which labels are in scope, each row's top label, and its best in-scope probability
    (what the threshold is compared with)."""
    in_scope = np.array([label != OUT_OF_SCOPE for label in labels])
    best = probabilities.argmax(axis=1)
    confidence = np.where(in_scope, probabilities, -1.0).max(axis=1)
    return in_scope, best, confidence


def _tune_threshold(
    probabilities: npt.NDArray[np.float64],
    targets: npt.NDArray[np.integer],
    labels: list[str],
    options: ThresholdOptions,
) -> float:
    in_scope, best, confidence = _predictions(probabilities, labels)
    is_oos = ~in_scope[targets]
    return choose_threshold(
        confidence,
        predicted_in_scope_correct=(best == targets) & ~is_oos,
        is_oos=is_oos,
        predicted_oos=~in_scope[best],
        options=options,
    )


@dataclass(frozen=True, slots=True)
class _Heldout:
    accuracy: float
    macro_f1: float
    ece: float
    per_class: list[float | None]


def _heldout_report(
    probabilities: npt.NDArray[np.float64],
    targets: npt.NDArray[np.integer],
    labels: list[str],
    threshold: float,
) -> _Heldout:
    in_scope, best, confidence = _predictions(probabilities, labels)
    oos_class = len(labels)  # a rejected message predicts "out of scope"
    rejected = ~in_scope[best] | (confidence < threshold)
    decided = np.where(rejected, oos_class, best)
    truth = np.where(in_scope[targets], targets, oos_class)
    correct = decided == truth
    per_class: list[float | None] = []
    for i in range(len(labels)):
        members = targets == i
        per_class.append(round(float(correct[members].mean()), 4) if members.any() else None)
    return _Heldout(
        accuracy=float(correct.mean()) if len(correct) else 0.0,
        macro_f1=macro_f1(truth, decided),
        ece=expected_calibration_error(probabilities.max(axis=1), best == targets),
        per_class=per_class,
    )
