"""Injection detectors behind one small interface, for messages and for documents.

A customer message is scored whole. A knowledge chunk can hide a short instruction in a
long benign body (indirect injection), which dilutes a whole-text score, so documents are
also scored in overlapping windows and the maximum counts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Protocol

from frontdesk.errors import ConfigurationError
from frontdesk.guards.injection.model import LinearInjectionModel
from frontdesk.guards.injection.other_languages import CUE_SCORE, override_cue
from frontdesk.guards.types import InjectionResult

_SENTENCE_OR_LINE = re.compile(r"(?<=[.!?])\s+|[\r\n]+")
WINDOW_WORDS = 40
WINDOW_STRIDE = 20
MAX_WINDOWS = 200


class InjectionScorer(Protocol):
    """Scores one text in [0, 1]; ``threshold`` is its default operating point."""

    name: str

    @property
    def threshold(self) -> float: ...

    def warm_up(self) -> None: ...

    def score(self, text: str) -> float: ...


def windows(text: str) -> list[str]:
    """Sentence/line segments, long ones cut into overlapping word windows."""
    out: list[str] = []
    for segment in _SENTENCE_OR_LINE.split(text):
        words = segment.split()
        if not words:
            continue
        if len(words) <= WINDOW_WORDS:
            out.append(" ".join(words))
        else:
            for i in range(0, len(words) - WINDOW_STRIDE, WINDOW_STRIDE):
                out.append(" ".join(words[i : i + WINDOW_WORDS]))
        if len(out) >= MAX_WINDOWS:
            break
    return out[:MAX_WINDOWS]


class LinearInjectionDetector:
    """Frontdesk's trained TF-IDF + logistic-regression detector (the default)."""

    name = "frontdesk"

    def __init__(self, model_path: Path | None = None) -> None:
        self.model_path = model_path
        self._model: LinearInjectionModel | None = None

    def warm_up(self) -> None:
        if self._model is None:
            self._model = LinearInjectionModel.load(self.model_path)

    @property
    def model(self) -> LinearInjectionModel:
        self.warm_up()
        assert self._model is not None
        return self._model

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def score(self, text: str) -> float:
        return self.model.score(text)


class SvGuardianDetector:
    """The bundled ``securevector-guardian-model`` (pure-Python TF-IDF + LR), windowed.

    Only the model file inside the wheel is used: its resolver would otherwise fall back
    to a download, which Frontdesk never allows at run time.
    """

    name = "svguardian"

    def __init__(self) -> None:
        self._guardian: Any = None

    def warm_up(self) -> None:
        if self._guardian is not None:
            return
        from svguardian._runtime import bundled_path
        from svguardian.model.pure_infer import (
            PureGuardian,
        )

        path = bundled_path()
        if path is None:
            raise ConfigurationError(
                "securevector-guardian-model has no bundled model; reinstall "
                "securevector-guardian-model==1.4.0 from PyPI."
            )
        self._guardian = PureGuardian.load(path)

    @property
    def threshold(self) -> float:
        self.warm_up()
        return float(self._guardian.threshold)

    def score(self, text: str) -> float:
        from svguardian.window import predict_windowed

        self.warm_up()
        return float(predict_windowed(self._guardian, text)["malicious_score"])


def build_scorer(name: str) -> InjectionScorer:
    if name == "frontdesk":
        return LinearInjectionDetector()
    if name == "svguardian":
        return SvGuardianDetector()
    raise ConfigurationError(f"unknown injection detector {name!r}; use frontdesk or svguardian")


class InjectionGuard:
    """Scores customer messages and knowledge chunks with one scorer and threshold."""

    def __init__(
        self,
        scorer: InjectionScorer,
        *,
        threshold: float | None = None,
        document_threshold: float | None = None,
    ) -> None:
        self.scorer = scorer
        self._threshold = threshold
        self._document_threshold = document_threshold

    def warm_up(self) -> None:
        self.scorer.warm_up()

    @property
    def threshold(self) -> float:
        return self._threshold if self._threshold is not None else self.scorer.threshold

    @property
    def document_threshold(self) -> float:
        # A single window condemning a whole document must clear a higher bar.
        if self._document_threshold is not None:
            return self._document_threshold
        return max(self.threshold, 0.5 + self.threshold / 2)

    def check_message(self, text: str) -> InjectionResult:
        return InjectionResult(
            with_other_languages(text, self.scorer.score(text)), self.threshold, self.scorer.name
        )

    def check_document(self, text: str) -> InjectionResult:
        """Whole-text score, raised to the best window's when that clears the higher
        document bar (so one benign-looking window cannot flag a long document)."""
        whole = self.scorer.score(text)
        best = max((self.scorer.score(w) for w in windows(text)), default=0.0)
        score = max(whole, best) if best >= self.document_threshold else whole
        return InjectionResult(with_other_languages(text, score), self.threshold, self.scorer.name)


def with_other_languages(text: str, score: float) -> float:
    """``score``, raised to ``CUE_SCORE`` when ``text`` overrides instructions in one of the
    other catalogue languages (the trained model knows English only)."""
    return max(score, CUE_SCORE) if override_cue(text) is not None else score
