"""Language of short chat messages: ``lingua`` restricted to the languages a tenant serves.

Restricting the candidates is what makes short text work: among 75 languages "guten tag"
is as likely Basque as German, among seven it is German. On 126 hand-written chat
messages in seven languages (bench/multilingual.py) lingua restricted to those seven got
124 right, ``py3langid`` over all its languages 116 (see bench/RESULTS.md).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from frontdesk.guards.types import LanguageResult


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The best language of a text, its confidence (0-1) and the margin to the next."""

    language: str
    confidence: float
    margin: float
    # Every candidate language's confidence, for a caller with a prior of its own.
    confidences: tuple[tuple[str, float], ...] = ()

    def confidence_of(self, language: str) -> float:
        return dict(self.confidences).get(language, 0.0)

    def as_result(self) -> LanguageResult:
        return LanguageResult(self.language, round(self.confidence, 4))


class ChatLanguageDetector:
    """Ranks ``languages`` (ISO 639-1 codes lingua knows) for a text.

    Detectors are built once per set of languages and shared: building one loads that
    set's models (a few seconds for seven languages), detection takes ~0.3 ms.
    """

    def __init__(self, languages: Sequence[str]) -> None:
        codes = tuple(sorted(set(languages)))
        if len(codes) < 2:
            raise ValueError("a language detector needs at least two candidate languages")
        self.languages = codes

    def warm_up(self) -> None:
        _detector(self.languages)

    def guess(self, text: str) -> LanguageGuess | None:
        """``None`` when the text has no letters to judge by."""
        if not any(ch.isalpha() for ch in text):
            return None
        values = _detector(self.languages).compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        runner_up = values[1].value if len(values) > 1 else 0.0
        return LanguageGuess(
            language=best.language.iso_code_639_1.name.lower(),
            confidence=float(best.value),
            margin=float(best.value - runner_up),
            confidences=tuple(
                (v.language.iso_code_639_1.name.lower(), float(v.value)) for v in values
            ),
        )


_build_lock = threading.Lock()


@functools.cache
def _detector_unlocked(languages: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages
    ]
    return LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()


def _detector(languages: tuple[str, ...]) -> Any:
    with _build_lock:  # two first requests must not load the same models twice
        return _detector_unlocked(languages)
