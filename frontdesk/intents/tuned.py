"""Training with a fine-tuned encoder: adapt the encoder, then the usual head on top.

The encoder is adapted on the fit split only, so the held-out split that calibrates the
head and tunes the out-of-scope threshold (the same rows: same seed, same fraction) is
still unseen by every part of the model. The int8 export is kept when it costs less than
``max_int8_loss`` held-out accuracy against the fp32 one (``quantize="auto"``). The ONNX
bytes travel inside the intent model's artifact, so activating an older version rolls
the encoder back with its head.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, replace

from frontdesk.intents.dataset import DatasetOptions, LabelledExample, validate_examples
from frontdesk.intents.encoder_tuning import FineTuneOptions, TunedEncoder, fine_tune_encoder
from frontdesk.intents.model import IntentModel
from frontdesk.intents.train import (
    Progress,
    TrainOptions,
    label_targets,
    stratified_split,
    train_intent_model,
)
from frontdesk.retrieval.protocols import Embedder

EncoderLoader = Callable[[bytes], Embedder]
"""Builds an embedder that runs the given ONNX encoder bytes (injected: serving code)."""


def train_fine_tuned_model(
    examples: Sequence[LabelledExample],
    load_encoder: EncoderLoader,
    options: TrainOptions | None = None,
    fine_tune: FineTuneOptions | None = None,
    progress: Progress | None = None,
) -> IntentModel:
    """Fine-tune the encoder on ``examples``' fit split, then train the calibrated head."""
    options = options or TrainOptions()
    fine_tune = fine_tune or FineTuneOptions()
    validate_examples(
        examples, DatasetOptions(min_examples_per_label=options.min_examples_per_label)
    )
    _, targets = label_targets(examples)
    fit_rows, _ = stratified_split(targets, options.heldout_fraction, options.seed)
    tuned = fine_tune_encoder(
        [examples[i].text for i in fit_rows], targets[fit_rows], fine_tune, progress
    )
    candidates = {"int8": tuned.int8, "fp32": tuned.fp32}
    if fine_tune.quantize != "auto":
        candidates = {fine_tune.quantize: candidates[fine_tune.quantize]}
    models = {
        name: train_intent_model(examples, load_encoder(data), options, progress)
        for name, data in candidates.items()
    }
    chosen = _choose(models, fine_tune.max_int8_loss)
    model = models[chosen]
    summary = _summary(tuned, fine_tune, chosen, models)
    return model.with_encoder(
        candidates[chosen],
        report=replace(
            model.report,
            train_seconds=round(model.report.train_seconds + tuned.seconds, 3),
            fine_tune=summary,
        ),
        options={**model.options, "fine_tune": asdict(fine_tune)},
    )


def _choose(models: dict[str, IntentModel], max_loss: float) -> str:
    if len(models) == 1:
        return next(iter(models))
    loss = models["fp32"].report.heldout_accuracy - models["int8"].report.heldout_accuracy
    return "int8" if loss < max_loss else "fp32"


def _summary(
    tuned: TunedEncoder, options: FineTuneOptions, chosen: str, models: dict[str, IntentModel]
) -> dict[str, object]:
    return {
        "objective": options.objective,
        "steps": tuned.steps,
        "encoder_seconds": tuned.seconds,
        "final_loss": tuned.final_loss,
        "precision": chosen,
        "encoder_bytes": len(tuned.int8 if chosen == "int8" else tuned.fp32),
        "heldout_accuracy": {name: m.report.heldout_accuracy for name, m in models.items()},
    }
