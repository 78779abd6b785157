"""Intent classification: calibrated intents and out-of-scope detection per tenant.

``load_examples`` reads and validates a file (errors name the row or label);
``train_intent_model`` fits, calibrates and tunes the OOS threshold on a held-out split;
``IntentModel.predict`` gives an :class:`IntentPrediction`; ``dump_model``/``load_model``
store it as a portable artifact whose content hash is ``IntentModel.version``.
``tuned.train_fine_tuned_model`` adapts the encoder first (``encoder_tuning``, torch from the
``[train]`` extra) and stores the exported ONNX encoder inside that artifact.
"""

from frontdesk.intents.artifact import dump_model, from_parts, load_model
from frontdesk.intents.dataset import (
    OUT_OF_SCOPE,
    DatasetOptions,
    LabelledExample,
    canonical_label,
    load_examples,
    parse_examples,
    validate_examples,
)
from frontdesk.intents.metrics import EvaluationReport, evaluate
from frontdesk.intents.model import (
    IntentModel,
    IntentPrediction,
    IntentScore,
    IntentStats,
    TrainingReport,
    to_parts,
)
from frontdesk.intents.threshold import ThresholdOptions
from frontdesk.intents.train import TrainOptions, train_intent_model
from frontdesk.intents.tuning import tune_threshold

__all__ = [
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
