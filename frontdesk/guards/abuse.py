"""Profanity and insults (``alt-profanity-check``: a linear model over word n-grams)."""

from __future__ import annotations

from typing import Any

from frontdesk.guards.types import AbuseResult


class ProfanityDetector:
    """Probability that a message is profane or insulting; loads its model in ``warm_up``."""

    name = "profanity"

    def __init__(self, threshold: float = 0.85) -> None:
        self.threshold = threshold
        self._predict: Any = None

    def warm_up(self) -> None:
        if self._predict is None:
            from profanity_check import predict_prob

            self._predict = predict_prob

    def check(self, text: str) -> AbuseResult:
        self.warm_up()
        score = float(self._predict([text])[0])
        return AbuseResult(round(score, 4), self.threshold)
