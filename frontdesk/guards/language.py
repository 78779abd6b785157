"""Language identification with ``py3langid`` (97 languages, normalised probabilities)."""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

from frontdesk.guards.types import LanguageResult


class LanguageDetector:
    """ISO 639-1 code of a text; ``languages`` restricts the candidates when given.

    The model is loaded once per process (~0.7 s of lzma and numpy) and each set of
    candidate languages gets one shared identifier: every pipeline builds several
    detectors, and a process builds many pipelines (one per Frontdesk, per test app).
    """

    name = "language"

    def __init__(self, languages: tuple[str, ...] = ()) -> None:
        self.languages = languages

    def warm_up(self) -> None:
        _identifier(_key(self.languages))

    def check(self, text: str) -> LanguageResult:
        language, probability = _identifier(_key(self.languages)).classify(text)
        return LanguageResult(str(language), round(float(probability), 4))


def _key(languages: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(languages)))


_build_lock = threading.Lock()


@functools.cache
def _identifier_unlocked(languages: tuple[str, ...]) -> Any:
    if not languages:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # set_languages rebinds the restricted tables on the identifier it is called on, so
    # a shallow copy of the full one restricts without touching (or reloading) it
    identifier = copy.copy(_identifier_unlocked(()))
    identifier.set_languages(list(languages))
    return identifier


def _identifier(languages: tuple[str, ...]) -> Any:
    with _build_lock:  # two first requests must not load the model twice
        return _identifier_unlocked(languages)
