"""Frontdesk's prompt-injection detector: TF-IDF word and character n-grams + logistic
regression, trained by :mod:`frontdesk.guards.injection.training` and shipped as
``data/injection_linear.json.gz`` (plain JSON, no pickle).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from frontdesk.errors import ConfigurationError
from frontdesk.guards.injection.features import TfidfBlock

ARTIFACT_FORMAT = "frontdesk-injection-linear/1"
ARTIFACT_NAME = "injection_linear.json.gz"


@dataclass(frozen=True, slots=True)
class LinearInjectionModel:
    """Loaded artifact: feature blocks, one weight vector per block, and thresholds."""

    blocks: tuple[TfidfBlock, ...]
    weights: tuple[tuple[float, ...], ...]
    intercept: float
    threshold: float  # operating threshold chosen at training time (see metadata)
    metadata: dict[str, Any]

    def score(self, text: str) -> float:
        """Probability-like injection score in [0, 1]."""
        z = self.intercept
        for block, weights in zip(self.blocks, self.weights, strict=True):
            for column, value in block.transform(text).items():
                z += value * weights[column]
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ARTIFACT_FORMAT,
            "blocks": [b.to_json() for b in self.blocks],
            "weights": [[round(w, 6) for w in ws] for ws in self.weights],
            "intercept": self.intercept,
            "threshold": self.threshold,
            "metadata": self.metadata,
        }

    def save(self, path: Path) -> str:
        """Write the gzipped JSON artifact; returns its SHA-256."""
        raw = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")).encode()
        data = gzip.compress(raw, compresslevel=9, mtime=0)
        path.write_bytes(data)
        return hashlib.sha256(data).hexdigest()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearInjectionModel:
        if data.get("format") != ARTIFACT_FORMAT:
            raise ConfigurationError(
                f"injection model format {data.get('format')!r} is not {ARTIFACT_FORMAT!r}; "
                "rebuild it with `python -m frontdesk.guards.injection.training`."
            )
        blocks = tuple(TfidfBlock.from_json(b) for b in data["blocks"])
        weights = tuple(tuple(float(w) for w in ws) for ws in data["weights"])
        for block, ws in zip(blocks, weights, strict=True):
            if len(ws) != len(block.idf):
                raise ConfigurationError("injection model is corrupt: weight/vocabulary mismatch")
        return cls(
            blocks=blocks,
            weights=weights,
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            metadata=dict(data.get("metadata", {})),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> LinearInjectionModel:
        """Load ``path``, or the artifact shipped inside the package."""
        if path is None:
            raw = resources.files("frontdesk.guards.injection").joinpath("data", ARTIFACT_NAME)
            if not raw.is_file():
                raise ConfigurationError(
                    f"the packaged injection model {ARTIFACT_NAME} is missing; reinstall "
                    "frontdesk or build it with `python -m frontdesk.guards.injection.training`."
                )
            data = raw.read_bytes()
        else:
            data = path.read_bytes()
        return cls.from_json(json.loads(gzip.decompress(data)))
