"""Language identification with ``py3langid`` (97 languages, normalised probabilities)."""

from __future__ import annotations

from typing import Any

from frontdesk.guards.types import LanguageResult


class LanguageDetector:
    """ISO 639-1 code of a text; ``languages`` restricts the candidates when given."""

    name = "language"

    def __init__(self, languages: tuple[str, ...] = ()) -> None:
        self.languages = languages
        self._identifier: Any = None

    def warm_up(self) -> None:
        if self._identifier is not None:
            return
        from py3langid.langid import (
            MODEL_FILE,
            LanguageIdentifier,
        )

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        if self.languages:
            identifier.set_languages(list(self.languages))
        self._identifier = identifier

    def check(self, text: str) -> LanguageResult:
        self.warm_up()
        language, probability = self._identifier.classify(text)
        return LanguageResult(str(language), round(float(probability), 4))
