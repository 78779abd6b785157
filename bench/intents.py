"""Intent classification benchmark: BANKING77 and CLINC150 official test splits.

    .venv/bin/python bench/intents.py [DATASETS_DIR] [--configs NAME,...] [--sets banking77,...]
        [--out JSON]

The ``fine-tuned …`` configurations adapt the encoder first (``frontdesk[train]``; run
them with ``nice -n 10`` on a shared machine): they compare the two objectives, and the
frozen default beside them is the "before".

Each configuration is trained on the official train split only (its own stratified
held-out part calibrates it); CLINC150's out-of-scope threshold is then tuned on the
official val split. Reports accuracy, macro-F1, ECE, CLINC150 in-scope accuracy and OOS
recall/precision, training wall time, and p50/p95 single-message latency; prints a table
and writes JSON (default bench/results/intents.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from stamp import stamp  # bench/ is the script's folder, first on sys.path

from frontdesk.intents import (
    DatasetOptions,
    ThresholdOptions,
    TrainOptions,
    evaluate,
    load_examples,
    train_intent_model,
    tune_threshold,
)
from frontdesk.intents.encoder_tuning import FineTuneOptions
from frontdesk.intents.tuned import train_fine_tuned_model
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder, OnnxEmbedderOptions
from frontdesk.releases.config import default_release

CONFIGS: dict[str, tuple[TrainOptions, bool]] = {
    "embedding+LR": (
        TrainOptions(
            head="logreg",
            regularisation_c=10.0,
            embedding_weight=1.0,
            char_ngrams=None,
            word_ngrams=None,
        ),
        True,
    ),
    "char+word n-gram SVM": (TrainOptions(), False),
    "embedding+n-gram SVM (default)": (TrainOptions(), True),
    "embedding+n-gram LR": (TrainOptions(head="logreg", regularisation_c=20.0), True),
}
FINE_TUNED: dict[str, FineTuneOptions] = {
    "fine-tuned classify + n-gram SVM": FineTuneOptions(objective="classify"),
    "fine-tuned contrastive + n-gram SVM": FineTuneOptions(objective="contrastive"),
}


def _latency(model: Any, texts: list[str], n: int = 300) -> tuple[float, float]:
    model.predict(texts[0])
    times = []
    for text in texts[:n]:
        started = time.perf_counter()
        model.predict(text)
        times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def _progress(stage: str, done: int, total: int) -> None:
    if total and (done == total or done % max(1, total // 10) == 0):
        print(
            f"  [{time.strftime('%H:%M:%S')}] {stage} {done}/{total}", file=sys.stderr, flush=True
        )


def _train(
    name: str, train: list[Any], embedder: OnnxEmbedder, threads: int, tuning_args: dict[str, Any]
) -> Any:
    if name in FINE_TUNED:
        tuning = {**asdict(FINE_TUNED[name]), "threads": threads, **tuning_args}
        return train_fine_tuned_model(
            train,
            lambda data: OnnxEmbedder(OnnxEmbedderOptions(threads=threads), model_data=data),
            TrainOptions(),
            FineTuneOptions(**tuning),
            _progress,
        )
    options, uses_embedder = CONFIGS[name]
    return train_intent_model(train, embedder if uses_embedder else None, options)


def _per_intent(examples: list[Any], n: int) -> list[Any]:
    """A tenant-sized training set: ``n`` messages per label, drawn with a fixed seed."""
    order = np.random.default_rng(0).permutation(len(examples))
    taken: dict[str, int] = {}
    kept = []
    for i in order:
        label = examples[i].label
        if taken.get(label, 0) < n:
            taken[label] = taken.get(label, 0) + 1
            kept.append(examples[i])
    return kept


def run(
    datasets: Path,
    sets: list[str],
    configs: list[str],
    threads: int,
    out: Path,
    tuning_args: dict[str, Any],
    per_intent: int | None = None,
) -> list[dict[str, Any]]:
    lenient = DatasetOptions(min_examples_per_label=1, duplicates="merge")
    embedder = OnnxEmbedder(OnnxEmbedderOptions(threads=threads))
    embedder.warm_up()
    rows: list[dict[str, Any]] = []
    for dataset in sets:
        train = load_examples(datasets / dataset / "train.jsonl", lenient)
        if per_intent:
            train = _per_intent(train, per_intent)
        test = load_examples(datasets / dataset / "test.jsonl", lenient)
        for name in configs:
            started = time.perf_counter()
            model = _train(name, train, embedder, threads, tuning_args)
            seconds = time.perf_counter() - started
            row: dict[str, Any] = {"dataset": dataset, "config": name, "train_seconds": seconds}
            row["train_examples"] = len(train)
            row["fine_tune_args"] = tuning_args
            row["heldout_accuracy"] = model.report.heldout_accuracy
            if model.report.fine_tune is not None:
                row["fine_tune"] = model.report.fine_tune
            if dataset == "clinc150":
                val = load_examples(datasets / dataset / "val.jsonl", lenient)
                model = tune_threshold(model, val)
                # The report's closed_set_accuracy: best in-scope intent, no rejection.
                report = evaluate(model, test)
            else:
                # BANKING77 is closed-set: every test message has an intent, no rejection.
                report = evaluate(model.with_threshold(0.0), test)
            row.update(asdict(report))
            row["threshold"] = model.threshold
            row["heldout_ece"] = model.report.heldout_ece
            row["p50_ms"], row["p95_ms"] = _latency(model, [e.text for e in test])
            row["artifact_version"] = model.version[:16]
            rows.append(row)
            print(_line(row), flush=True)
            _write(out, rows, threads, datasets)
            if dataset == "clinc150":
                # Same weights, threshold chosen on val for OOS recall >= 85% (the target).
                strict = tune_threshold(model, val, ThresholdOptions(target_oos_recall=0.85))
                extra = {**row, **asdict(evaluate(strict, test))}
                extra["config"] = f"{name} @val-recall85"
                extra["threshold"] = strict.threshold
                rows.append(extra)
                print(_line(extra), flush=True)
                _write(out, rows, threads, datasets)
    return rows


def _write(out: Path, rows: list[dict[str, Any]], threads: int, datasets: Path) -> None:
    """Written after every row: a long run that is stopped keeps what it measured."""
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        **stamp(default_release(), split="test", dataset=str(datasets)),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "threads": threads,
        "median_train_seconds": statistics.median(r["train_seconds"] for r in rows),
        "results": rows,
    }
    out.write_text(json.dumps(summary, indent=2) + "\n")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}"


_HEADER = (
    f"{'dataset':<10} {'config':<44} {'acc':>6} {'mF1':>6} {'ECE':>5} {'in-sc':>6} "
    f"{'OOS-R':>6} {'OOS-P':>6} {'train s':>7} {'p50':>5} {'p95':>5}"
)


def _line(row: dict[str, Any]) -> str:
    return (
        f"{row['dataset']:<10} {row['config']:<44} {_pct(row['accuracy']):>6} "
        f"{_pct(row['macro_f1']):>6} {_pct(row['ece']):>5} {_pct(row['in_scope_accuracy']):>6} "
        f"{_pct(row['oos_recall']):>6} {_pct(row['oos_precision']):>6} "
        f"{row['train_seconds']:>7.1f} {row['p50_ms']:>5.1f} {row['p95_ms']:>5.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("datasets", nargs="?", default="/work/shared/datasets", type=Path)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--sets", default="banking77,clinc150")
    parser.add_argument("--max-steps", type=int, default=None, help="cap fine-tuning steps")
    parser.add_argument("--epochs", type=float, default=None, help="fine-tuning epochs")
    parser.add_argument("--per-intent", type=int, default=None, help="train on N per label")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="bench/results/intents.json", type=Path)
    args = parser.parse_args()
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in configs if c not in CONFIGS and c not in FINE_TUNED]
    if unknown:
        parser.error(f"unknown configs {unknown}; known: {[*CONFIGS, *FINE_TUNED]}")
    print(_HEADER)
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    tuning_args: dict[str, Any] = {"max_steps": args.max_steps}
    if args.epochs is not None:
        tuning_args["epochs"] = args.epochs
    rows = run(args.datasets, sets, configs, args.threads, args.out, tuning_args, args.per_intent)
    print("\n" + _HEADER)
    for row in rows:
        print(_line(row))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
