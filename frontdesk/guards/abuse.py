"""Profanity and insults.

English messages are scored by ``alt-profanity-check`` (a linear model over English word
n-grams). That model reads other languages as noise in both directions: every German
sentence with the article "die" scores 0.94 ("Wie ändere ich die Rechnungsadresse?"),
while "ihr Arschlöcher" or "espèce de connard" score 0.02. So a message the language
detector clearly places in one of the catalogue's other languages is checked against a
short list of that language's insults and swear words instead (:data:`INSULTS`).
"""

from __future__ import annotations

import re
from typing import Any, Final

from frontdesk.guards.types import AbuseResult

# Strong insults and swear words aimed at a person or the service, per language; a match
# anywhere (word start, any ending: "Arschlöcher", "connards") counts. Deliberately short:
# words with an everyday meaning ("dumm", "merde" alone in "c'est la merde"?) are left
# out where they are common in ordinary complaints.
INSULTS: Final[dict[str, tuple[str, ...]]] = {
    "de": (
        "arschloch",
        "arschlöcher",
        "idiot",
        "vollidiot",
        "scheiß",
        "scheiss",
        "wichser",
        "drecks",
        "verdammt",
        "hurensohn",
        "fick",
        "miststück",
        "penner",
        "trottel",
    ),
    "fr": (
        "connard",
        "connasse",
        "merde",
        "putain",
        "salaud",
        "salope",
        "enculé",
        "crétin",
        "abruti",
        "bordel",
        "débile",
        "imbécile",
        "fdp",
    ),
    "es": (
        "idiota",
        "mierda",
        "gilipollas",
        "cabrón",
        "cabron",
        "imbécil",
        "estúpid",
        "puta",
        "joder",
        "pendejo",
        "coño",
        "maldit",
    ),
    "nl": (
        "klootzak",
        "kut",
        "godverdomme",
        "kanker",
        "lul",
        "sukkel",
        "idioot",
        "debiel",
        "tyfus",
        "eikel",
        "shit",
    ),
    "it": (
        "stronz",
        "cazz",
        "vaffanculo",
        "merda",
        "idiota",
        "coglion",
        "imbecill",
        "deficiente",
        "porca",
        "schifo",
    ),
    "pt": (
        "merda",
        "idiota",
        "porra",
        "caralho",
        "filho da puta",
        "babaca",
        "imbecil",
        "otário",
        "otario",
        "burro",
        "droga de",
    ),
}
_LEXICONS: Final = {
    language: re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + ")", re.IGNORECASE)
    for language, words in INSULTS.items()
}


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

    def check(self, text: str, language: str | None = None) -> AbuseResult:
        """``language``: the message's, when clearly not English (the lexicon decides)."""
        lexicon = _LEXICONS.get(language or "")
        if lexicon is not None:
            return AbuseResult(1.0 if lexicon.search(text) else 0.0, self.threshold)
        self.warm_up()
        score = float(self._predict([text])[0])
        return AbuseResult(round(score, 4), self.threshold)
