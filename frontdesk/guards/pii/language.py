"""When the English name finders must not run: text clearly in another chat language.

The NER model and the name lists are English. On German, French, Spanish, Dutch, Italian
or Portuguese text they take capitalised words for names: a sentence-initial "Wie" or
"Cómo", and every German noun ("Lieferadresse" → <PERSON>). Both the message path (the
input guard, which has the message's detected language) and the paths that redact text of
unknown language (suggested FAQ entries mined from tickets and unanswered questions) apply
the same rule, so a text is read the same way wherever it is redacted.
"""

from __future__ import annotations

from frontdesk.guards.chat_language import ChatLanguageDetector
from frontdesk.guards.language import LanguageDetector
from frontdesk.guards.types import LanguageResult

# Languages whose text the English models misread (capitalised nouns taken for names by
# the NER, the article "die" taken for a threat by the profanity model).
OTHER_CHAT_LANGUAGES = frozenset({"de", "fr", "es", "nl", "it", "pt"})
# Below this identifier probability, or on fewer words, the NER runs: a missed name costs
# more than a redacted noun.
_SURE = 0.9
_MIN_WORDS = 3
# Below _SURE, a second detector restricted to the chat languages may still agree with at
# least AGREED: py3langid gives "¿Cuánto cuesta el plan Plus al mes?" only 0.71 Spanish
# (among 97 languages), and the English NER redacted the plan's name as a person. Such a
# message is only *probably* in that language: the NER still runs (names in it are often
# multi-word: "Spedire a: Livia Condoleo") but its one-word guesses are dropped
# (:func:`probably_other`). py3langid must give it UNSURE_FLOOR: address blocks of foreign
# street names score 0.07-0.19 (lingua agreed on 3 of the 774 English dev texts without
# the floor). Both chosen on the dev splits (bench/RESULTS.md, Guards).
AGREED = 0.6
UNSURE_FLOOR = 0.3


def second_opinion() -> ChatLanguageDetector:
    """The detector that confirms an unsure reading: English and the other chat languages."""
    return ChatLanguageDetector(("en", *sorted(OTHER_CHAT_LANGUAGES)))


def clearly_other(language: LanguageResult | None, text: str) -> str | None:
    """The text's language when it is clearly one of :data:`OTHER_CHAT_LANGUAGES`;
    otherwise ``None``."""
    if language is None or language.language not in OTHER_CHAT_LANGUAGES:
        return None
    if language.score < _SURE or len(text.split()) < _MIN_WORDS:
        return None
    return language.language


def probably_other(
    language: LanguageResult | None, text: str, second: ChatLanguageDetector
) -> bool:
    """Not :func:`clearly_other`, but ``language`` leans to one of the other chat
    languages and ``second`` agrees."""
    if language is None or language.language not in OTHER_CHAT_LANGUAGES:
        return False
    if len(text.split()) < _MIN_WORDS or not UNSURE_FLOOR <= language.score < _SURE:
        return False
    guess = second.guess(text)
    if guess is None or guess.language != language.language:
        return False
    return guess.confidence >= AGREED


class OtherLanguage:
    """Detects :func:`clearly_other` for a text that comes without a language."""

    def __init__(self, detector: LanguageDetector | None = None) -> None:
        self.detector = detector or LanguageDetector()

    def warm_up(self) -> None:
        self.detector.warm_up()

    def __call__(self, text: str) -> str | None:
        if len(text.split()) < _MIN_WORDS:
            return None
        return clearly_other(self.detector.check(text), text)
