"""Names as customers write them in Spanish, Italian, Dutch and Portuguese messages, and
the function words of those languages that a name span must not take.

The introductions and sign-offs of :mod:`frontdesk.guards.pii.address` catch "me llamo
...", "Cordiali saluti, ..."; customers also name people by who they are to them ("mi
madre, Sonia Sanjuan", "la vostra collega Rita Maia", "mijn man, Colin van Laon"), by
whom to ask for ("pregunten por Fortunato", "vraag naar Noud"), on an intercom ("citofono
Pedroni"), by opening with their own name ("Silke weer, ...", "Júlia outra vez, ...")
or after a greeting ("salve sono ...", "hoi dit is ..."). Every cue is a phrase of those
languages, so English text does not meet them.

When the language of a short message is unsure, the English NER runs and may take a
sentence opening for a name ("Il mio", "Mijn", "Distinti", "klopt niet"): a person span
keeps only its name-like words (:func:`name_words`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator

from frontdesk.guards.pii.spacy_import import import_spacy
from frontdesk.guards.types import PiiSpan

_UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u017f"
_WORD = rf"[{_UPPER}](?:[a-zà-öø-ÿ\u0100-\u017f'\u2019-]|[A-Z](?=[a-z]))+"
_PARTICLE = r"(?:van|von|de|der|den|da|di|del|della|dos|das|do|le|la|ten|ter|die)"
_NAMED = rf"{_WORD}(?:[ ](?:{_PARTICLE}[ ](?:(?:der|den|de|la|le)[ ])?)?{_WORD}){{0,3}}"
_KIN = (
    r"marito|moglie|madre|padre|figli[oa]|fratello|sorella|suocer[oa]|"
    r"marido|mujer|esposa|esposo|hij[oa]|herman[oa]|suegr[oa]|"
    r"man|vrouw|moeder|vader|zoon|dochter|broer|zus|schoonmoeder|"
    r"mulher|mãe|pai|filh[oa]|irmão|irmã|sogr[oa]"
)
_POSSESSIVE = r"mi[oa]?|mie|mijn|meu|minha|su|sua|uw"
_STAFF = r"collega|compañer[oa]|colega|medewerk(?:er|ster)|operatore|operatrice|agente"
_GREETING = (
    r"salve|ciao|buongiorno|buonasera|pronto|hoi|hallo|hey|goedemorgen|goedemiddag|"
    r"goedenavond|olá|ola|oi|bom\s+dia|boa\s+tarde|boa\s+noite|hola|buenas|buenos\s+días"
)
_CUED = re.compile(
    r"(?<![\w])(?i:"
    rf"(?:{_POSSESSIVE})\s+(?:{_KIN})|"
    rf"(?:{_STAFF})|"
    r"le\s+escribe|les\s+escribe|"
    rf"(?:{_GREETING})[,!]?\s+(?:sono|dit\s+is|hier\s+is)|"
    r"aqui\s+é\s+(?:a|o)|aquí\s+es|"
    r"chiedete\s+di|chiedere\s+di|chieda\s+di|pregunten\s+por|preguntar\s+por|"
    r"pregunte\s+por|vraag\s+naar|vragen\s+naar|perguntem\s+pel[oa]|perguntar\s+pel[oa]|"
    r"pergunte\s+pel[oa]|citofono|campanello"
    rf")(?:,?[ \t]+)(?P<name>{_NAMED})",
    re.UNICODE,
)
# "Silke weer, ...": a message that opens with the writer's name, then "again" or "here".
_OPENING = re.compile(
    rf"(?:^|(?<=\n))[ \t]*(?P<name>{_NAMED})[ \t]+(?i:otra\s+vez|de\s+nuevo|di\s+nuovo|"
    r"weer|opnieuw|outra\s+vez|de\s+novo|aquí|aqui|qui|hier)\s*[,:;.!-]",
    re.UNICODE,
)
# "ich bin Anna Müller": German's commonest self-introduction. Not among the cues that
# need no name list, because every German noun is capitalised ("ich bin Neukunde",
# "ich bin Kunde seit 2019"): the first word must be a known given name.
_ICH_BIN = re.compile(rf"\b(?i:ich\s+bin)[ \t]+(?P<name>{_NAMED})", re.UNICODE)
_STOP_EXTRA = frozenset(
    "gracias antemano distinti cordiali saluti atentamente obrigado obrigada bedankt alvast "
    "groeten vriendelijke queria quería chiedete nuevo nuova nuovo nova novo nieuw nieuwe "
    "klopt grazie mille saludos cumprimentos".split()
)


@functools.cache
def stop_words() -> frozenset[str]:
    """es/it/nl/pt function words; loaded on first use, since importing spaCy costs
    seconds that a CLI command without the pipeline never needs."""
    words: set[str] = set(_STOP_EXTRA)
    import_spacy()
    try:
        from spacy.lang.es.stop_words import STOP_WORDS as es
        from spacy.lang.it.stop_words import STOP_WORDS as it
        from spacy.lang.nl.stop_words import STOP_WORDS as nl
        from spacy.lang.pt.stop_words import STOP_WORDS as pt
    except ImportError:  # spaCy is optional: the extra words alone
        return frozenset(words)
    for language in (es, it, nl, pt):
        words.update(w.casefold() for w in language)
    return frozenset(words)


_PARTICLES = frozenset("van von de der den da di del della dos das do le la ten ter die".split())


def find_named_people(text: str) -> Iterator[PiiSpan]:
    """PERSON spans that a Spanish, Italian, Dutch or Portuguese cue names."""
    for pattern in (_CUED, _OPENING):
        for m in pattern.finditer(text):
            words = m.group("name").split(" ")
            if words[0].casefold() in stop_words():
                continue
            yield PiiSpan(m.start("name"), m.end("name"), "PERSON", 0.6, "pattern")


def find_self_introduced(text: str, given_names: Collection[str]) -> Iterator[PiiSpan]:
    """PERSON spans introduced with "ich bin", whose first word is in ``given_names``
    (casefolded)."""
    for m in _ICH_BIN.finditer(text):
        if m.group("name").split(" ")[0].casefold() in given_names:
            yield PiiSpan(m.start("name"), m.end("name"), "PERSON", 0.6, "pattern")


def name_words(text: str, span: PiiSpan, names: Collection[str]) -> PiiSpan | None:
    """``span`` (a PERSON) cut to its longest run of words that are no function word of
    es/it/nl/pt (a particle inside a name is fine, a capitalised known name in
    ``names``, casefolded, too: "Dan"), not ending on a particle. ``None`` when nothing
    name-like is left (a cut span of lowercase words only, in a text with capitals)."""
    has_capitals = any(c.isupper() for c in text)
    if not has_capitals:
        return span  # all lowercase: "ben hjel" reads as a name as well as a phrase
    tokens = [(m.start() + span.start, m.end() + span.start)
              for m in re.finditer(r"\S+", text[span.start : span.end])]  # fmt: skip

    def good(index: int) -> bool:
        word = text[tokens[index][0] : tokens[index][1]].strip(",.;:")
        key = word.casefold()
        if not word:
            return False
        if key in _PARTICLES or re.fullmatch(r"[A-Z]\.?", word):
            return True  # a particle inside a name, an initial ("Keira E. Forster")
        if key not in stop_words():
            return True
        # A capitalised function word is a name's before another name word ("Quarto
        # Angelo", "Dan Brown"), not before lowercase words ("Il mio", "Gracias de").
        return word[0].isupper() and (key in names or capitalised_name_next(index))

    def capitalised_name_next(index: int) -> bool:
        if index + 1 >= len(tokens):
            return False
        following = text[tokens[index + 1][0] : tokens[index + 1][1]].strip(",.;:")
        return following[:1].isupper() and following.casefold() not in stop_words()

    def particle(index: int) -> bool:
        return text[tokens[index][0] : tokens[index][1]].casefold() in _PARTICLES

    best: tuple[int, int] | None = None
    run_start: int | None = None
    for index in range(len(tokens) + 1):
        if index < len(tokens) and good(index):
            run_start = index if run_start is None else run_start
            continue
        if run_start is not None:
            if best is None or index - run_start > best[1] - best[0]:
                best = (run_start, index)
            run_start = None
    if best is None:
        return None
    first, last = best
    while last > first and particle(last - 1):  # a name ends on a name word
        last -= 1
    words = [text[tokens[i][0] : tokens[i][1]] for i in range(first, last)]
    if not words or all(particle(i) for i in range(first, last)):
        return None
    if (
        has_capitals
        and (first, last) != (0, len(tokens))
        and not any(w[0].isupper() for w in words)
    ):
        return None  # what is left of a cut span is lowercase words: not a name
    start, end = tokens[first][0], tokens[last - 1][1]
    if (start, end) == (span.start, span.end):
        return span
    return PiiSpan(start, end, span.label, span.score, span.source)
