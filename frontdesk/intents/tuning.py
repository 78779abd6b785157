"""Re-tuning a trained model's out-of-scope threshold on a validation set.

Training tunes the threshold on its own held-out split; a tenant (or the benchmark) with
a separate validation file, especially one with out-of-scope rows, gets a better one here.
The weights do not change, only the threshold, so the result is a new model version.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import TypeAdapter

from frontdesk.errors import InvalidInputError
from frontdesk.intents.dataset import OUT_OF_SCOPE, LabelledExample
from frontdesk.intents.model import IntentModel
from frontdesk.intents.threshold import ThresholdOptions, choose_threshold


def tune_threshold(
    model: IntentModel,
    examples: Sequence[LabelledExample],
    options: ThresholdOptions | None = None,
    batch_size: int = 256,
) -> IntentModel:
    """A copy of ``model`` whose threshold is tuned on ``examples``."""
    known = set(model.head.labels)
    unknown = sorted({e.label for e in examples if not e.out_of_scope} - known)
    if unknown or not examples:
        raise InvalidInputError(
            f"validation labels not in the model: {unknown[:10]}" if unknown else "no examples"
        )
    texts = [e.text for e in examples]
    rows = [
        model.probabilities(texts[start : start + batch_size])
        for start in range(0, len(texts), batch_size)
    ]
    probabilities = np.vstack(rows)
    labels = model.head.labels
    in_scope = np.array([label != OUT_OF_SCOPE for label in labels])
    index = {label: i for i, label in enumerate(labels)}
    best = probabilities.argmax(axis=1)
    confidence = np.where(in_scope, probabilities, -1.0).max(axis=1)
    is_oos = np.array([e.out_of_scope for e in examples])
    targets = np.array([index.get(e.label, -1) for e in examples])
    threshold = choose_threshold(
        confidence,
        predicted_in_scope_correct=(best == targets) & ~is_oos,
        is_oos=is_oos,
        predicted_oos=~in_scope[best],
        options=options
        or TypeAdapter(ThresholdOptions).validate_python(model.options.get("threshold", {})),
    )
    return model.with_threshold(threshold)
