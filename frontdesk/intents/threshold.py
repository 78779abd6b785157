"""Choosing the confidence below which a message is out of scope.

With out-of-scope examples in the validation data the threshold maximises
``in-scope accuracy + oos_weight * OOS recall`` (in-scope accuracy counts a rejected
in-scope message as wrong, as in the CLINC150 evaluation). Without them it is the
highest threshold that wrongly rejects at most ``max_false_rejection`` of the in-scope
messages the model gets right, so a tenant with no OOS data still gets a sane default.
``target_oos_recall`` instead picks the best in-scope accuracy that still catches that
share of the out-of-scope examples (a tenant who must escalate unknown questions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class ThresholdOptions:
    oos_weight: float = 1.0
    max_false_rejection: float = 0.02
    min_oos_examples: int = 5
    target_oos_recall: float | None = None


def choose_threshold(
    confidence: npt.NDArray[np.floating],
    predicted_in_scope_correct: npt.NDArray[np.bool_],
    is_oos: npt.NDArray[np.bool_],
    predicted_oos: npt.NDArray[np.bool_],
    options: ThresholdOptions | None = None,
) -> float:
    """Threshold on calibrated confidence from validation predictions.

    ``predicted_in_scope_correct``: the model's label is the right in-scope intent;
    ``predicted_oos``: the model already says out-of-scope (an OOS class), whatever the
    threshold.
    """
    options = options or ThresholdOptions()
    conf = np.asarray(confidence, dtype=np.float64)
    inscope = ~is_oos
    if int(is_oos.sum()) >= options.min_oos_examples and inscope.any():
        candidates = np.unique(np.concatenate([[0.0], conf]))
        best_score, best = -1.0, 0.0
        for threshold in candidates:
            rejected = predicted_oos | (conf < threshold)
            accuracy = (predicted_in_scope_correct & ~rejected)[inscope].mean()
            recall = rejected[is_oos].mean()
            if options.target_oos_recall is None:
                score = float(accuracy + options.oos_weight * recall)
            else:
                score = float(accuracy) if recall >= options.target_oos_recall else -1.0
            if score > best_score + 1e-12:
                best_score, best = score, float(threshold)
        return best
    right = np.sort(conf[inscope & predicted_in_scope_correct])
    if len(right) == 0:
        return 0.0
    allowed = int(np.floor(options.max_false_rejection * len(right)))
    return float(right[allowed]) if allowed < len(right) else float(right[-1])
