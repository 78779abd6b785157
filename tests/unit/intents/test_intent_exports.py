"""The public API of frontdesk.intents is pinned: changing it is a deliberate act."""

from __future__ import annotations

import frontdesk.intents


def test_public_names_are_pinned() -> None:
    assert sorted(frontdesk.intents.__all__) == sorted(
        [
            "OUT_OF_SCOPE",
            "DatasetOptions",
            "EvaluationReport",
            "IntentModel",
            "IntentPrediction",
            "IntentScore",
            "IntentStats",
            "LabelledExample",
            "ThresholdOptions",
            "TrainOptions",
            "TrainingReport",
            "canonical_label",
            "dump_model",
            "evaluate",
            "from_parts",
            "load_examples",
            "load_model",
            "parse_examples",
            "to_parts",
            "train_intent_model",
            "tune_threshold",
            "validate_examples",
        ]
    )
    for name in frontdesk.intents.__all__:
        assert getattr(frontdesk.intents, name) is not None
