"""An explicit request to change the conversation's language ("can we speak English?",
"auf Deutsch bitte", "¿hablas español?"), in any of the catalogue languages.

A message asks to switch when it names a language and either is short and carries a cue
(speak, write, answer, please, …) or is nothing but the language's name. "Is the manual
available in French?" names a language without a cue, so it does not switch.
"""

from __future__ import annotations

import re
from typing import Final

# Names of each language as customers write them in the seven catalogue languages.
_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "en": ("english", "englisch", "anglais", "inglés", "ingles", "engels", "inglese", "inglês"),
    "de": ("german", "deutsch", "allemand", "alemán", "aleman", "duits", "tedesco", "alemão"),
    "fr": (
        "french",
        "französisch",
        "franzoesisch",
        "français",
        "francais",
        "francés",
        "frances",
        "frans",
        "francese",
        "francês",
    ),
    "es": (
        "spanish",
        "spanisch",
        "espagnol",
        "español",
        "espanol",
        "castellano",
        "spaans",
        "spagnolo",
        "espanhol",
    ),
    "nl": (
        "dutch",
        "niederländisch",
        "holländisch",
        "néerlandais",
        "neerlandais",
        "neerlandés",
        "holandés",
        "nederlands",
        "olandese",
        "holandês",
        "neerlandês",
    ),
    "it": ("italian", "italienisch", "italien", "italiano", "italiaans"),
    "pt": (
        "portuguese",
        "portugiesisch",
        "portugais",
        "portugués",
        "portugues",
        "portugees",
        "portoghese",
        "português",
    ),
}
_CUES: Final = (
    r"speak|talk|write|answer|reply|respond|continue|switch|please|pls|"
    r"sprechen|sprichst|sprechen sie|schreiben|schreib|antworten|antworte|bitte|"
    r"parler|parlez|parles|parle|écrire|écrivez|répondre|répondez|svp|s'il vous plaît|stp|"
    r"hablar|habla|hablas|hablan|escribir|escribe|responder|responde|por favor|"
    r"spreken|spreek|spreekt|praten|schrijven|schrijf|antwoorden|graag|alsjeblieft|"
    r"parlare|parla|parli|parlate|scrivere|scrivi|rispondere|rispondi|per favore|"
    r"falar|fala|falas|falam|escrever|escreve|responder|responda|por favor"
)
_CUE = re.compile(rf"(?<!\w)(?:{_CUES})(?!\w)", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)
_BY_NAME: Final = {name: code for code, names in _NAMES.items() for name in names}
_MAX_WORDS: Final = 9


def requested_language(text: str) -> str | None:
    """The catalogue language ``text`` asks to switch to, or ``None``."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words or len(words) > _MAX_WORDS:
        return None
    named = {_BY_NAME[w] for w in words if w in _BY_NAME}
    if len(named) != 1:
        return None  # none, or "English or German?": not a clear request
    (code,) = named
    if len(words) <= 2 or _CUE.search(text):
        return code
    return None
