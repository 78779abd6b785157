"""Fine-tuning the encoder: the real fp32 MiniLM weights, a few steps, a real ONNX export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from frontdesk.intents import load_examples
from frontdesk.intents.encoder_tuning import FineTuneOptions, TunedEncoder, fine_tune_encoder
from frontdesk.intents.train import label_targets
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "clinc150_intents_sample"
LABELS = {"balance", "book_flight", "weather", "translate"}
# Tiny on purpose (the machine is shared): 3 epochs of 40 messages in batches of 8.
TINY = FineTuneOptions(
    epochs=3, batch_size=8, max_tokens=32, threads=1, learning_rate=1e-4, warmup_fraction=0.0
)


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], np.ndarray]:
    examples = [e for e in load_examples(SAMPLE / "train.jsonl") if e.label in LABELS]
    per_label: dict[str, int] = {}
    kept = []
    for example in examples:
        per_label[example.label] = per_label.get(example.label, 0) + 1
        if per_label[example.label] <= 10:
            kept.append(example)
    _, targets = label_targets(kept)
    return [e.text for e in kept], targets


@pytest.fixture(scope="module", params=["classify", "contrastive"])
def tuned(request: pytest.FixtureRequest, sample: tuple[list[str], np.ndarray]) -> TunedEncoder:
    texts, targets = sample
    return fine_tune_encoder(texts, targets, replace(TINY, objective=request.param))


def _margin(vectors: np.ndarray, targets: np.ndarray) -> float:
    """Mean cosine of same-intent pairs minus mean cosine of different-intent pairs."""
    similarity = vectors @ vectors.T
    same = targets[:, None] == targets[None, :]
    off_diagonal = ~np.eye(len(targets), dtype=bool)
    return float(similarity[same & off_diagonal].mean() - similarity[~same].mean())


def test_the_tuned_encoder_separates_the_intents_it_learned_better_than_the_base(
    tuned: TunedEncoder, sample: tuple[list[str], np.ndarray]
) -> None:
    texts, targets = sample
    base = _margin(OnnxEmbedder().embed(texts), targets)
    for data in (tuned.fp32, tuned.int8):
        assert _margin(OnnxEmbedder(model_data=data).embed(texts), targets) > base + 0.02
    assert tuned.steps == 15
    assert np.isfinite(tuned.final_loss)


def test_the_export_runs_in_the_served_embedder_with_any_padding(tuned: TunedEncoder) -> None:
    texts = [
        "hi",
        "how much money is left in my checking account after the transfer last week",
        "book a flight to paris",
    ]
    embedder = OnnxEmbedder(model_data=tuned.fp32)
    batch = embedder.embed(texts)
    one_by_one = np.vstack([embedder.embed([t]) for t in texts])
    np.testing.assert_allclose(batch, one_by_one, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    # Still the same vector space as the base model, moved, not replaced.
    cosine = (batch * OnnxEmbedder().embed(texts)).sum(axis=1)
    assert cosine.min() > 0.8
    assert cosine.max() < 0.99999
    int8 = OnnxEmbedder(model_data=tuned.int8)
    assert int8.model_id != embedder.model_id
    assert int8.model_id.startswith("onnx:tuned:")
    assert (int8.embed(texts) * batch).sum(axis=1).min() > 0.97
    assert len(tuned.int8) < len(tuned.fp32) / 3
