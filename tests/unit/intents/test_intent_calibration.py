"""Temperature scaling, ECE and the out-of-scope threshold, on synthetic scores."""

from __future__ import annotations

import numpy as np

from frontdesk.intents.calibration import expected_calibration_error, fit_temperature, softmax
from frontdesk.intents.threshold import ThresholdOptions, choose_threshold


def test_fit_temperature_recovers_the_temperature_that_generated_the_labels() -> None:
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4000, 5))
    probabilities = softmax(scores, 3.0)
    targets = np.array([rng.choice(5, p=row) for row in probabilities])
    assert abs(fit_temperature(scores, targets) - 3.0) < 0.3


def test_calibrated_confidences_have_small_ece_and_overconfident_ones_do_not() -> None:
    rng = np.random.default_rng(1)
    confidence = rng.uniform(0.2, 1.0, size=20_000)
    correct = rng.uniform(size=confidence.size) < confidence
    assert expected_calibration_error(confidence, correct) < 0.02
    overconfident = np.minimum(confidence + 0.2, 1.0)
    assert expected_calibration_error(overconfident, correct) > 0.1


def test_threshold_separates_out_of_scope_when_examples_exist() -> None:
    confidence = np.array([0.9, 0.95, 0.8, 0.85, 0.3, 0.2, 0.4, 0.1, 0.35, 0.25])
    is_oos = np.array([False] * 4 + [True] * 6)
    correct = ~is_oos
    never = np.zeros(10, dtype=bool)
    threshold = choose_threshold(confidence, correct, is_oos, never)
    assert 0.4 < threshold <= 0.8


def test_threshold_without_out_of_scope_examples_bounds_false_rejections() -> None:
    confidence = np.linspace(0.5, 1.0, 100)
    correct = np.ones(100, dtype=bool)
    none = np.zeros(100, dtype=bool)
    threshold = choose_threshold(
        confidence, correct, none, none, ThresholdOptions(max_false_rejection=0.05)
    )
    assert (confidence < threshold).sum() == 5


def test_target_recall_trades_in_scope_accuracy_for_catching_out_of_scope() -> None:
    confidence = np.array([0.9, 0.8, 0.7, 0.6, 0.75, 0.65, 0.3, 0.2])
    is_oos = np.array([False] * 4 + [True] * 4)
    never = np.zeros(8, dtype=bool)
    few = ThresholdOptions(min_oos_examples=4)
    balanced = choose_threshold(confidence, ~is_oos, is_oos, never, few)
    strict = choose_threshold(
        confidence,
        ~is_oos,
        is_oos,
        never,
        ThresholdOptions(min_oos_examples=4, target_oos_recall=1.0),
    )
    assert strict > balanced
    assert (confidence[is_oos] < strict).all()
