"""A cross-encoder reranker run by onnxruntime from files the operator provides.

No cross-encoder ships in a PyPI package we can depend on, so this loads ``model.onnx``
and ``tokenizer.json`` from a local folder (for example an ms-marco MiniLM cross-encoder
exported with ``optimum``). Nothing is downloaded. The model must take ``input_ids`` and
``attention_mask`` (and ``token_type_ids`` if it declares it) for the pair
``(query, passage)`` and return one logit per pair, shape (n,) or (n, 1); for (n, 2) the
last column is taken as "relevant".
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from frontdesk.errors import ConfigurationError
from frontdesk.retrieval.types import Candidate


@dataclass(frozen=True, slots=True)
class CrossEncoderOptions:
    model_dir: str  # holds model.onnx and tokenizer.json
    max_tokens: int = 256
    batch_size: int = 16
    threads: int = 0  # 0: all cores
    passage_title: bool = True  # prefix the chunk title to the passage text


class OnnxCrossEncoderReranker:
    """Scores each (query, passage) pair jointly; ``score`` is the sigmoid of the logit."""

    def __init__(self, options: CrossEncoderOptions) -> None:
        self.options = options
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: set[str] = set()

    def warm_up(self) -> None:
        if self._session is not None:
            return
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(self.options.model_dir)
        model, tokenizer = folder / "model.onnx", folder / "tokenizer.json"
        for path in (model, tokenizer):
            if not path.is_file():
                raise ConfigurationError(
                    f"cross-encoder file not found: {path} (the folder needs model.onnx "
                    "and tokenizer.json)"
                )
        session_options = ort.SessionOptions()
        session_options.intra_op_num_threads = self.options.threads or (os.cpu_count() or 1)
        session_options.inter_op_num_threads = 1
        try:
            session = ort.InferenceSession(
                str(model), session_options, providers=["CPUExecutionProvider"]
            )
            tok = Tokenizer.from_file(str(tokenizer))
        except Exception as exc:  # onnxruntime and tokenizers raise their own base types
            raise ConfigurationError(f"cannot load cross-encoder from {folder}: {exc}") from exc
        self._inputs = {i.name for i in session.get_inputs()}
        missing = {"input_ids", "attention_mask"} - self._inputs
        if missing:
            raise ConfigurationError(f"cross-encoder model lacks inputs {sorted(missing)}")
        tok.enable_truncation(max_length=self.options.max_tokens, strategy="only_second")
        tok.no_padding()
        self._tokenizer = tok
        self._session = session

    def score(self, query: str, passages: list[str]) -> list[float]:
        """Relevance logits of ``passages`` for ``query``, in order."""
        self.warm_up()
        out: list[float] = []
        size = self.options.batch_size
        for start in range(0, len(passages), size):
            out.extend(self._score_batch(query, passages[start : start + size]))
        return out

    def rerank(self, query: str, candidates: list[Candidate]) -> list[Candidate]:
        if not candidates:
            return []
        texts = [self._passage(c) for c in candidates]
        for cand, logit in zip(candidates, self.score(query, texts), strict=True):
            cand.features["cross_encoder_logit"] = logit
            cand.score = 1.0 / (1.0 + math.exp(-logit))
        return sorted(candidates, key=lambda c: (-c.score, c.chunk.id))

    def _passage(self, cand: Candidate) -> str:
        chunk = cand.chunk
        if self.options.passage_title and chunk.title and not chunk.text.startswith(chunk.title):
            return f"{chunk.title}\n{chunk.text}"
        return chunk.text

    def _score_batch(self, query: str, passages: list[str]) -> list[float]:
        encodings = self._tokenizer.encode_batch([(query, p) for p in passages])
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(passages), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            ids[row, :n] = enc.ids
            mask[row, :n] = 1
            types[row, :n] = enc.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = types
        logits = np.asarray(self._session.run(None, feeds)[0], dtype=np.float64)
        if logits.ndim == 2:
            logits = logits[:, -1]
        return [float(v) for v in logits.reshape(len(passages))]
