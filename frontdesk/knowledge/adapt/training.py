"""Fine-tuning the dense retriever on (question -> passage) pairs (needs the ``[train]`` extra).

Starts from the served encoder's fp32 weights (the loader of ``intents train --fine-tune``)
and trains with the in-batch-negatives softmax: each question against every passage of its
batch, plus one BM25 hard negative per question (the best-ranked passage that is not gold).
A passage that is also gold for a question of the batch is masked out rather than counted
as a negative. The result is exported like the intent encoder (int8 ONNX with the served
encoder's inputs and output), so the ONNX embedder serves it and serving never imports torch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from frontdesk.intents.encoder_tuning import (
    Progress,
    TunedEncoder,
    exported,
    load_encoder,
    optimiser_step,
    pooled_encoder,
)

_STAGE = "adapting the retrieval encoder"


@dataclass(frozen=True, slots=True)
class AdaptOptions:
    """How the encoder is adapted; stored in the adapter's report so a run can be repeated."""

    epochs: float = 3.0  # a tenant has tens to thousands of pairs: a few passes over them
    batch_size: int = 16
    learning_rate: float = 2e-5
    scale: float = 20.0  # inverse temperature of the cosine similarities
    max_tokens: int = 256  # the served embedder's truncation
    max_steps: int | None = None  # caps the steps (tests; a quick try)
    threads: int = 2
    seed: int = 0


@dataclass(frozen=True, slots=True)
class TrainingPair:
    question: str
    passage: str  # the gold chunk's id
    negative: str = ""  # a BM25 hard negative's chunk id ("" when none)


def fine_tune_retrieval(
    texts: Mapping[str, str],
    pairs: Sequence[TrainingPair],
    options: AdaptOptions | None = None,
    progress: Progress | None = None,
) -> TunedEncoder:
    """Adapt the encoder so each pair's question lands near its passage (``texts`` maps a
    chunk id to what its body vector encodes) and export it."""
    options = options or AdaptOptions()
    report = progress or (lambda stage, done, total: None)
    torch, model, tokenizer = load_encoder(options.threads, options.max_tokens)
    torch.manual_seed(options.seed)
    rng = np.random.default_rng(options.seed)
    encode = pooled_encoder(torch, model, tokenizer)
    golds: dict[str, set[str]] = {}
    for pair in pairs:
        golds.setdefault(pair.question, set()).add(pair.passage)

    batches = _batches(len(pairs), options, rng)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=options.learning_rate, weight_decay=0.01)
    warmup = max(1, len(batches) // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min((s + 1) / warmup, max(0.0, (len(batches) - s) / len(batches))),
    )
    started = time.perf_counter()
    model.train()
    loss_value = math.nan
    for step, rows in enumerate(batches):
        report(_STAGE, step, len(batches))
        chosen = [pairs[i] for i in rows]
        questions = [p.question for p in chosen]
        passages = [p.passage for p in chosen]
        # The batch's passages, then its hard negatives (each passage once).
        columns = list(dict.fromkeys(passages + [p.negative for p in chosen if p.negative]))
        logits = options.scale * encode(questions) @ encode([texts[c] for c in columns]).T
        target = torch.tensor([columns.index(c) for c in passages])
        also_gold = torch.tensor(
            [[c != p.passage and c in golds[p.question] for c in columns] for p in chosen]
        )
        loss = torch.nn.functional.cross_entropy(logits.masked_fill(also_gold, -1e4), target)
        loss_value = optimiser_step(torch, loss, optimizer, schedule, trainable)
    report(_STAGE, len(batches), len(batches))
    return exported(torch, model, report, len(batches), started, loss_value)


def _batches(n: int, options: AdaptOptions, rng: np.random.Generator) -> list[list[int]]:
    """Shuffled batches over ``epochs`` passes (the last may be short); a batch of one (no
    negative in it) is dropped."""
    steps = max(1, math.ceil(options.epochs * n / options.batch_size))
    if options.max_steps:
        steps = min(steps, options.max_steps)
    order = np.concatenate([rng.permutation(n) for _ in range(max(1, math.ceil(options.epochs)))])
    batches = [
        [int(i) for i in order[s * options.batch_size : (s + 1) * options.batch_size]]
        for s in range(steps)
    ]
    return [b for b in batches if len(b) >= 2]
