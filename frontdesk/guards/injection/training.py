"""Train the injection detector from the shared datasets and export the JSON artifact.

    python -m frontdesk.guards.injection.training --datasets /work/shared/datasets

Data discipline (the benchmark reports on what is held out here):

* ``prompt_injection/eval.jsonl`` is split in halves by a hash of ``id``
  (:func:`half_of`). Only the ``train`` half is ever read for fitting or tuning.
* Of that half, the attacks and the ``notinject`` hard-benign rows are fitted on; the
  benign *customer* rows (banking77/clinc150 samples) are held out as a calibration set.
* More benign customer traffic comes from the ``train`` splits of ``banking77`` and
  ``clinc150`` (their test rows are what ``prompt_injection`` samples, so no overlap).
* The operating threshold is the one with the best out-of-fold recall whose out-of-fold
  NotInject false-positive rate is at most 5% and calibration false-positive rate at
  most 1%.

Needs scikit-learn (a training-time dependency only; serving is pure Python).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontdesk.guards.injection.features import Analyzer, TfidfBlock
from frontdesk.guards.injection.model import ARTIFACT_NAME, LinearInjectionModel

CUSTOMER_SOURCES = frozenset({"banking77_test", "clinc150_test"})
SEED = 20241125


def half_of(record_id: str) -> str:
    """``"train"`` or ``"eval"``: a stable split of any record by its id."""
    return "train" if int(hashlib.sha256(record_id.encode()).hexdigest(), 16) % 2 == 0 else "eval"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    word_features: int = 30000
    char_features: int = 50000
    c: float = 4.0
    notinject_weight: float = 3.0
    extra_benign_per_set: int = 3000
    max_notinject_fpr: float = 0.05
    max_calibration_fpr: float = 0.01


@dataclass(frozen=True, slots=True)
class TrainingSet:
    texts: list[str]
    labels: list[int]
    weights: list[float]
    groups: list[str]  # "attack", "notinject", "customer"
    calibration: list[str]  # held-out benign customer rows of the train half


def build_training_set(datasets: Path, options: TrainingOptions) -> TrainingSet:
    texts: list[str] = []
    labels: list[int] = []
    weights: list[float] = []
    groups: list[str] = []
    calibration: list[str] = []
    for row in read_jsonl(datasets / "prompt_injection" / "eval.jsonl"):
        if half_of(row["id"]) != "train":
            continue
        if row["source"] in CUSTOMER_SOURCES:
            calibration.append(row["text"])
            continue
        notinject = row["source"] == "notinject"
        texts.append(row["text"])
        labels.append(int(row["label"]))
        weights.append(options.notinject_weight if notinject else 1.0)
        groups.append("notinject" if notinject else "attack" if row["label"] else "other")
    rng = random.Random(SEED)
    for name in ("banking77", "clinc150"):
        pool = [r["text"] for r in read_jsonl(datasets / name / "train.jsonl")]
        for text in rng.sample(pool, min(options.extra_benign_per_set, len(pool))):
            texts.append(text)
            labels.append(0)
            weights.append(1.0)
            groups.append("customer")
    return TrainingSet(texts, labels, weights, groups, calibration)


def _fit(
    texts: list[str], labels: list[int], weights: list[float], options: TrainingOptions
) -> Any:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    word = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=options.word_features
    )
    char = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        min_df=2,
        max_features=options.char_features,
    )
    features = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    classifier = LogisticRegression(C=options.c, class_weight="balanced", max_iter=3000)
    classifier.fit(features, labels, sample_weight=weights)
    return word, char, classifier


def _export(
    word: Any, char: Any, classifier: Any, threshold: float, meta: dict[str, Any]
) -> LinearInjectionModel:
    blocks = []
    pairs: tuple[tuple[Any, Analyzer], ...] = ((word, "word"), (char, "char_wb"))
    for vectorizer, analyzer in pairs:
        low, high = vectorizer.ngram_range
        vocabulary = {str(t): int(i) for t, i in vectorizer.vocabulary_.items()}
        blocks.append(
            TfidfBlock(analyzer, (low, high), vocabulary, tuple(float(v) for v in vectorizer.idf_))
        )
    coef = [float(v) for v in classifier.coef_[0]]
    split = len(blocks[0].idf)
    return LinearInjectionModel(
        blocks=tuple(blocks),
        weights=(tuple(coef[:split]), tuple(coef[split:])),
        intercept=float(classifier.intercept_[0]),
        threshold=threshold,
        metadata=meta,
    )


def choose_threshold(
    oof: list[float], data: TrainingSet, calibration_scores: list[float], options: TrainingOptions
) -> float:
    """Best out-of-fold recall under both false-positive caps (see module docstring)."""
    attacks = [s for s, g in zip(oof, data.groups, strict=True) if g == "attack"]
    notinject = [s for s, g in zip(oof, data.groups, strict=True) if g == "notinject"]
    best_threshold, best_recall = 0.5, -1.0
    for step in range(5, 100):
        threshold = step / 100
        ni_fpr = sum(s >= threshold for s in notinject) / max(len(notinject), 1)
        cal_fpr = sum(s >= threshold for s in calibration_scores) / max(len(calibration_scores), 1)
        if ni_fpr > options.max_notinject_fpr or cal_fpr > options.max_calibration_fpr:
            continue
        recall = sum(s >= threshold for s in attacks) / max(len(attacks), 1)
        if recall > best_recall:
            best_threshold, best_recall = threshold, recall
    return best_threshold


def train(datasets: Path, options: TrainingOptions | None = None) -> LinearInjectionModel:
    from sklearn.model_selection import StratifiedKFold

    options = options or TrainingOptions()
    data = build_training_set(datasets, options)
    strata = [f"{g}:{y}" for g, y in zip(data.groups, data.labels, strict=True)]
    oof = [0.0] * len(data.texts)
    for fit_idx, held_idx in StratifiedKFold(5, shuffle=True, random_state=SEED).split(
        data.texts, strata
    ):
        word, char, clf = _fit(
            [data.texts[i] for i in fit_idx],
            [data.labels[i] for i in fit_idx],
            [data.weights[i] for i in fit_idx],
            options,
        )
        fold = _export(word, char, clf, 0.5, {})
        for i in held_idx:
            oof[i] = fold.score(data.texts[i])
    word, char, clf = _fit(data.texts, data.labels, data.weights, options)
    model = _export(word, char, clf, 0.5, {})
    calibration_scores = [model.score(t) for t in data.calibration]
    threshold = choose_threshold(oof, data, calibration_scores, options)
    meta = {
        "trained_on": "prompt_injection train half (sha256(id) even) without customer rows; "
        f"banking77+clinc150 train samples ({options.extra_benign_per_set} each)",
        "n_train": len(data.texts),
        "n_attacks": sum(data.labels),
        "n_calibration": len(data.calibration),
        "options": {k: getattr(options, k) for k in options.__dataclass_fields__},
        "threshold_rule": "max OOF recall s.t. OOF NotInject FPR<=5%, calibration FPR<=1%",
    }
    return _export(word, char, clf, threshold, meta)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=Path("/work/shared/datasets"))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / ARTIFACT_NAME)
    args = parser.parse_args(argv)
    model = train(args.datasets)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    digest = model.save(args.out)
    size = args.out.stat().st_size
    print(
        f"wrote {args.out} ({size / 1e6:.2f} MB, sha256 {digest[:16]}…), "
        f"threshold {model.threshold:.2f}"
    )


if __name__ == "__main__":
    main()
