"""The plainest instruction overrides in the other catalogue languages.

The trained detector learned English: "Ignoriere alle vorherigen Anweisungen" scored
0.07-0.70 (bench/RESULTS.md, Multilingual). These cues are the German, French, Spanish,
Dutch, Italian and Portuguese forms of what the English detector catches surely: telling
the assistant to ignore or forget its previous instructions or rules, or naming its system
prompt. An override needs the qualifier ("previous", "all", "your"), as the English patterns
do, so a customer asking what happens when they "ignore the instructions" of a label is not
one. Left out as too common in honest messages: a new role ("ora sei …" is also "are you
now …") and "system message" (a customer quoting an error).
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_GAP = r"[^.\n]{0,30}?"

# (override verbs, qualifiers, instruction words, system-prompt words)
_WORDS: dict[str, tuple[str, str, str, str]] = {
    "de": (
        r"ignorier\w*|vergiss\w*|vergessen|missachte\w*|übergehe\w*",
        r"alle\w*|vorherige\w*|bisherige\w*|obige\w*|frühere\w*|deine\w*",
        r"anweisung\w*|instruktion\w*|regel\w*|vorgabe\w*|richtlinie\w*|befehl\w*",
        r"system-?prompt\w*",
    ),
    "fr": (
        r"ignore\w*|oublie\w*|néglige\w*|outrepasse\w*",
        r"tou(?:te)?s|précédent\w*|antérieur\w*|ci-dessus|tes|vos|ces",
        r"instructions?|consignes?|règles?|directives?|ordres?",
        r"prompt (?:du )?système",
    ),
    "es": (
        r"ignora\w*|olvida\w*|omite\w*|desobedece\w*",
        r"tod[oa]s|anteriores|previ[oa]s|de arriba|tus|sus|est[ao]s",
        r"instrucci[oó]n\w*|reglas?|directrices|[oó]rdenes|normas",
        r"prompt (?:del )?sistema",
    ),
    "nl": (
        r"negeer\w*|vergeet\w*|negeren",
        r"alle|vorige|eerdere|bovenstaande|jouw",
        r"instructies?|regels?|richtlijnen|opdrachten|bevelen",
        r"systeem-?prompt\w*",
    ),
    "it": (
        r"ignora\w*|dimentica\w*|trascura\w*",
        r"tutt[ei]|precedenti|sopra|le tue|i tuoi|queste|questi",
        r"istruzion[ei]|regole|direttive|ordini|indicazioni",
        r"prompt (?:di )?sistema",
    ),
    "pt": (
        r"ignor[ae]\w*|esque[cç]a\w*|esquece\w*|desconsider[ae]\w*",
        r"tod[oa]s|anteriores|prévi[oa]s|acima|suas|seus|tuas|estas|estes",
        r"instru[cç][oõ]es|instru[cç][aã]o|regras?|diretrizes|ordens|normas",
        r"prompt do sistema",
    ),
}


def _compile(verbs: str, qualifiers: str, things: str, system: str) -> re.Pattern[str]:
    # verb … qualifier … instructions, or (German/Dutch word order) qualifier … instructions
    # … verb ("alle vorherigen Anweisungen ignorieren")
    override = (
        rf"\b(?:{verbs})\b{_GAP}\b(?:{qualifiers})\b{_GAP}\b(?:{things})\b"
        rf"|\b(?:{qualifiers})\b{_GAP}\b(?:{things})\b{_GAP}\b(?:{verbs})\b"
    )
    return re.compile(rf"{override}|\b(?:{system})\b", _I)


CUES: dict[str, re.Pattern[str]] = {lang: _compile(*words) for lang, words in _WORDS.items()}

# What a message or chunk with one of these cues scores: above the release's refusal bar
# (0.9), as the English detector scores "ignore all previous instructions".
CUE_SCORE = 0.95


def override_cue(text: str) -> str | None:
    """The language whose override cue ``text`` holds, if any."""
    for language, pattern in CUES.items():
        if pattern.search(text):
            return language
    return None
