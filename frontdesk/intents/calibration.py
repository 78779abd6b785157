"""Temperature scaling of classifier scores, and expected calibration error.

A linear head's raw scores are not probabilities. One temperature, fitted on examples the
head did not train on by minimising negative log-likelihood, turns ``softmax(scores * t)``
into confidences that mean what they say: of the answers given with confidence 0.9,
about 90% are right. ECE measures how far that holds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize_scalar

Floats = npt.NDArray[np.float64]


def softmax(scores: npt.NDArray[np.floating], temperature: float) -> Floats:
    """Row-wise ``softmax(scores * temperature)``, numerically stable."""
    scaled = np.asarray(scores, dtype=np.float64) * temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: Floats = exp / exp.sum(axis=1, keepdims=True)
    return result


def fit_temperature(scores: npt.NDArray[np.floating], targets: npt.NDArray[np.integer]) -> float:
    """The multiplier ``t`` minimising NLL of ``targets`` under ``softmax(scores * t)``."""
    if len(targets) == 0:
        return 1.0
    values = np.asarray(scores, dtype=np.float64)
    rows = np.arange(len(targets))

    def nll(log_t: float) -> float:
        scaled = values * np.exp(log_t)
        scaled -= scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        return float((log_norm - scaled[rows, targets]).mean())

    result = minimize_scalar(nll, bounds=(np.log(1e-2), np.log(1e3)), method="bounded")
    return float(np.exp(result.x))


def expected_calibration_error(
    confidences: npt.NDArray[np.floating], correct: npt.NDArray[np.bool_], bins: int = 15
) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by size."""
    if len(confidences) == 0:
        return 0.0
    conf = np.asarray(confidences, dtype=np.float64)
    hits = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            total += members.sum() * abs(hits[members].mean() - conf[members].mean())
    return float(total / len(conf))
