"""Training, prediction, calibration, OOS and artifacts, with the real ONNX embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from frontdesk.errors import ConfigurationError, InvalidInputError
from frontdesk.intents import (
    OUT_OF_SCOPE,
    DatasetOptions,
    IntentModel,
    LabelledExample,
    TrainOptions,
    dump_model,
    evaluate,
    load_examples,
    load_model,
    train_intent_model,
    tune_threshold,
)
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder, OnnxEmbedderOptions

SAMPLE = Path(__file__).parents[2] / "data" / "clinc150_intents_sample"
ALL_ROWS = DatasetOptions(min_examples_per_label=1)


@pytest.fixture(scope="module")
def embedder() -> OnnxEmbedder:
    model = OnnxEmbedder(OnnxEmbedderOptions(threads=2))
    model.warm_up()
    return model


@pytest.fixture(scope="module")
def train_set() -> list[LabelledExample]:
    return load_examples(SAMPLE / "train.jsonl")


@pytest.fixture(scope="module")
def test_set() -> list[LabelledExample]:
    return load_examples(SAMPLE / "test.jsonl", ALL_ROWS)


@pytest.fixture(scope="module")
def model(embedder: OnnxEmbedder, train_set: list[LabelledExample]) -> IntentModel:
    return train_intent_model(train_set, embedder)


@pytest.mark.slow
def test_predicts_the_intent_of_held_out_paraphrases(
    model: IntentModel, test_set: list[LabelledExample]
) -> None:
    in_scope = [e for e in test_set if not e.out_of_scope]
    predictions = model.predict_batch([e.text for e in in_scope])
    right = sum(p.label == e.label for p, e in zip(predictions, in_scope, strict=True))
    assert right / len(in_scope) >= 0.85
    assert model.predict("what's my current account balance").label == "balance"
    assert model.predict("the airline lost my suitcase").label == "lost_luggage"


@pytest.mark.slow
def test_unrelated_message_is_out_of_scope(model: IntentModel) -> None:
    prediction = model.predict("who painted the mona lisa")
    assert prediction.out_of_scope
    assert prediction.label == OUT_OF_SCOPE
    assert prediction.top_k  # the nearest intents are still reported
    assert all(score.label != OUT_OF_SCOPE for score in prediction.top_k)


@pytest.mark.slow
def test_out_of_scope_examples_are_mostly_rejected_and_intents_kept(
    model: IntentModel, test_set: list[LabelledExample]
) -> None:
    report = evaluate(model, test_set)
    assert report.oos_recall is not None
    assert report.oos_recall >= 0.6
    assert report.in_scope_accuracy >= 0.8


@pytest.mark.slow
def test_confidences_are_calibrated_probabilities(
    model: IntentModel, test_set: list[LabelledExample]
) -> None:
    texts = [e.text for e in test_set]
    probabilities = model.probabilities(texts)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    predictions = model.predict_batch(texts)
    right = [
        p.top_k[0].confidence
        for p, e in zip(predictions, test_set, strict=True)
        if not e.out_of_scope and p.top_k[0].label == e.label
    ]
    unrelated = [
        p.top_k[0].confidence for p, e in zip(predictions, test_set, strict=True) if e.out_of_scope
    ]
    assert np.mean(right) > np.mean(unrelated) + 0.2
    assert model.temperature > 0.0
    assert model.report.heldout_ece < 0.25
    assert evaluate(model, test_set).ece < 0.25


@pytest.mark.slow
def test_training_reports_counts_and_held_out_accuracy_per_intent(model: IntentModel) -> None:
    stats = {s.name: s for s in model.intents}
    assert sorted(stats) == model.labels
    assert OUT_OF_SCOPE not in stats
    assert all(s.examples == 15 and s.heldout_examples == 2 for s in stats.values())
    assert all(
        s.heldout_accuracy is not None and 0 <= s.heldout_accuracy <= 1 for s in stats.values()
    )
    assert model.report.oos_examples == 20
    assert model.report.examples == 140


@pytest.mark.slow
def test_save_and_load_give_identical_predictions(
    model: IntentModel, embedder: OnnxEmbedder, test_set: list[LabelledExample]
) -> None:
    blob = dump_model(model)
    loaded = load_model(blob, embedder)
    texts = [e.text for e in test_set]
    assert loaded.version == model.version
    assert len(model.version) == 64
    np.testing.assert_array_equal(loaded.probabilities(texts), model.probabilities(texts))
    assert loaded.predict_batch(texts) == model.predict_batch(texts)
    assert loaded.intents == model.intents
    assert dump_model(loaded) == blob


@pytest.mark.slow
def test_retraining_the_same_data_gives_the_same_version(
    model: IntentModel, embedder: OnnxEmbedder, train_set: list[LabelledExample]
) -> None:
    again = train_intent_model(train_set, embedder)
    assert again.version != ""  # train_seconds differs, so compare the weights instead
    np.testing.assert_array_equal(again.head.ngram_weights, model.head.ngram_weights)


@pytest.mark.slow
def test_tuning_the_threshold_makes_a_new_version(
    model: IntentModel, test_set: list[LabelledExample]
) -> None:
    tuned = tune_threshold(model, test_set)
    assert 0.0 <= tuned.threshold <= 1.0
    report = evaluate(tuned, test_set)
    assert report.oos_recall is not None
    assert report.oos_recall >= 0.6
    if tuned.threshold != model.threshold:
        assert tuned.version != model.version


@pytest.mark.slow
def test_loading_with_a_different_embedder_is_refused(model: IntentModel, tmp_path: Path) -> None:
    blob = dump_model(model)
    other_model = tmp_path / "other.onnx"
    other_model.write_bytes(b"not really a model")
    other = OnnxEmbedder(OnnxEmbedderOptions(model_path=str(other_model)))
    with pytest.raises(ConfigurationError, match="trained with embedder"):
        load_model(blob, other)
    with pytest.raises(ConfigurationError, match="needs the embedder"):
        load_model(blob, None)


@pytest.mark.slow
def test_empty_message_is_refused(model: IntentModel) -> None:
    with pytest.raises(InvalidInputError):
        model.predict("   ")


def test_ngram_only_model_trains_and_predicts_without_an_embedder(
    train_set: list[LabelledExample],
) -> None:
    model = train_intent_model(train_set, None, TrainOptions())
    assert model.predict("set an alarm for 6am tomorrow").label == "alarm"
    loaded = load_model(dump_model(model), None)
    assert loaded.predict_batch(["book me a flight to paris"]) == model.predict_batch(
        ["book me a flight to paris"]
    )


def test_corrupt_artifact_is_refused(train_set: list[LabelledExample]) -> None:
    model = train_intent_model(train_set, None)
    with pytest.raises(InvalidInputError, match="not an intent model artifact"):
        load_model(b"garbage", None)
    from frontdesk.intents import from_parts, to_parts

    manifest, arrays = to_parts(model)
    manifest["version"] = "0" * 64
    with pytest.raises(InvalidInputError, match="content hash does not match"):
        from_parts(manifest, arrays, None)


def test_training_validates_examples() -> None:
    examples = [LabelledExample(f"text {i}", "a") for i in range(5)]
    examples += [LabelledExample("only one", "b")]
    with pytest.raises(InvalidInputError, match="'b' has 1"):
        train_intent_model(examples, None)


@pytest.mark.slow
def test_closed_set_accuracy_scores_in_scope_messages_without_rejection(
    model: IntentModel, test_set: list[LabelledExample]
) -> None:
    report = evaluate(model, test_set)
    in_scope = [e for e in test_set if not e.out_of_scope]
    best = [p.top_k[0].label for p in model.predict_batch([e.text for e in in_scope])]
    closed = sum(b == e.label for b, e in zip(best, in_scope, strict=True)) / len(in_scope)
    assert report.closed_set_accuracy == pytest.approx(closed)
    assert report.rejection_threshold == model.threshold
    # Rejection turns right answers into wrong ones, never the reverse.
    assert report.in_scope_accuracy <= report.closed_set_accuracy
    assert report.closed_set_accuracy - report.false_rejection_rate <= report.in_scope_accuracy
    everything = evaluate(model.with_threshold(0.0), in_scope)
    assert everything.false_rejection_rate <= report.false_rejection_rate
