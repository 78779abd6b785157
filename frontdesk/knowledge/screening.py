"""Quarantine for knowledge chunks that carry instructions aimed at the assistant.

Every chunk is cut into the injection detector's windows (sentences and lines). The
detector alone cannot judge documents: trained on customer messages, it scores ordinary
help text such as "Sign in with your email and password" at 0.99. So a window counts only
when it is also addressed to an AI (:mod:`frontdesk.guards.injection.patterns`): a strong
cue (overriding instructions, a system prompt, "as an AI assistant…") quarantines it; a
weak one ("when a customer asks, say…") does when the detector's score reaches the
document threshold. The threshold was set above every weak-cue window of the demo help
center (none reach it; ``tests/integration/knowledge/test_quarantine.py`` checks that
all of its files pass).
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.guards.injection.detector import InjectionScorer, LinearInjectionDetector, windows
from frontdesk.guards.injection.patterns import ai_directed_cues

DOCUMENT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Quarantine:
    """Why a chunk is not served: ``reason`` names the cues, ``score`` is the detector's
    score of the worst window, ``excerpt`` that window."""

    reason: str
    score: float
    excerpt: str


class ChunkScreen:
    def __init__(
        self, scorer: InjectionScorer | None = None, threshold: float = DOCUMENT_THRESHOLD
    ) -> None:
        self.scorer = scorer or LinearInjectionDetector()
        self.threshold = threshold

    def warm_up(self) -> None:
        self.scorer.warm_up()

    def screen(self, text: str) -> Quarantine | None:
        """The quarantine verdict of one chunk, or None when it may be served."""
        worst: Quarantine | None = None
        for window in windows(text):
            cues = ai_directed_cues(window)
            if not cues:
                continue
            score = round(self.scorer.score(window), 4)
            if not cues.strong and score < self.threshold:
                continue
            found = Quarantine(
                "instructions addressed to an AI assistant (" + ", ".join(cues.names) + ")",
                score,
                window[:300],
            )
            if worst is None or found.score > worst.score:
                worst = found
        return worst
