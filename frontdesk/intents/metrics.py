"""Scoring a model on labelled examples: what ``frontdesk intents eval`` and the bench print.

In-scope accuracy follows the CLINC150 convention: an in-scope message the model calls
out of scope counts as wrong. Macro-F1 treats out-of-scope as one more class.

``accuracy`` is what the product ships: the model rejects a message whose confidence is
below its threshold. ``closed_set_accuracy`` scores the in-scope messages by the best
intent alone, with no rejection, as closed-set benchmarks (BANKING77) are published;
``false_rejection_rate`` is the share of in-scope messages the threshold turned away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from frontdesk.errors import InvalidInputError
from frontdesk.intents.calibration import expected_calibration_error
from frontdesk.intents.dataset import OUT_OF_SCOPE, LabelledExample, exact_duplicates
from frontdesk.intents.model import IntentModel


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    examples: int
    accuracy: float
    macro_f1: float
    ece: float
    in_scope_examples: int
    in_scope_accuracy: float
    oos_examples: int
    oos_recall: float | None
    oos_precision: float | None
    false_rejection_rate: float
    closed_set_accuracy: float
    rejection_threshold: float
    duplicate_examples: int


def macro_f1(truth: npt.NDArray[np.integer], predicted: npt.NDArray[np.integer]) -> float:
    """Unweighted mean F1 over the classes present in ``truth``."""
    scores = []
    for cls in np.unique(truth):
        tp = float(((predicted == cls) & (truth == cls)).sum())
        fp = float(((predicted == cls) & (truth != cls)).sum())
        fn = float(((predicted != cls) & (truth == cls)).sum())
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores)) if scores else 0.0


def evaluate(
    model: IntentModel, examples: Sequence[LabelledExample], batch_size: int = 256
) -> EvaluationReport:
    """Score ``model`` on ``examples`` (labels must be known to the model, or OOS); every
    row counts, repeated ones as often as they appear."""
    known = set(model.labels)
    unknown = sorted({e.label for e in examples if not e.out_of_scope} - known)
    if unknown:
        raise InvalidInputError(
            f"labels not in the model: {', '.join(map(repr, unknown[:10]))}", field="label"
        )
    if not examples:
        raise InvalidInputError("no examples to evaluate", field="file")
    texts = [e.text for e in examples]
    predictions = []
    for start in range(0, len(texts), batch_size):
        predictions.extend(model.predict_batch(texts[start : start + batch_size]))
    truth = [e.label for e in examples]
    guessed = [p.label for p in predictions]
    names = {label: i for i, label in enumerate([*model.labels, OUT_OF_SCOPE])}
    t = np.array([names[label] for label in truth])
    g = np.array([names[label] for label in guessed])
    is_oos = t == names[OUT_OF_SCOPE]
    said_oos = g == names[OUT_OF_SCOPE]
    correct = t == g
    top = np.array([p.top_k[0].label if p.top_k else "" for p in predictions])
    top_conf = np.array([p.top_k[0].confidence if p.top_k else 0.0 for p in predictions])
    in_scope = ~is_oos
    return EvaluationReport(
        examples=len(examples),
        accuracy=float(correct.mean()),
        macro_f1=macro_f1(t, g),
        ece=expected_calibration_error(
            top_conf[in_scope], top[in_scope] == np.array(truth)[in_scope]
        ),
        in_scope_examples=int(in_scope.sum()),
        in_scope_accuracy=float(correct[in_scope].mean()) if in_scope.any() else 0.0,
        oos_examples=int(is_oos.sum()),
        oos_recall=float(said_oos[is_oos].mean()) if is_oos.any() else None,
        oos_precision=float(is_oos[said_oos].mean()) if said_oos.any() else None,
        false_rejection_rate=float(said_oos[in_scope].mean()) if in_scope.any() else 0.0,
        closed_set_accuracy=float((top == np.array(truth))[in_scope].mean())
        if in_scope.any()
        else 0.0,
        rejection_threshold=model.threshold,
        duplicate_examples=len(exact_duplicates(examples)),
    )
