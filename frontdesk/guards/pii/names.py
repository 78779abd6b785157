"""Person names that spaCy's small model misses: a name gazetteer plus evidence rules.

spaCy's ``en_core_web_sm`` finds well-known English names in well-formed sentences and
misses most other names (foreign, lowercase, alone at the start of a line, in lists). This
module adds, on the NER path only:

* a gazetteer of given names and surnames from Faker's person providers (MIT; real name
  lists for ~90 locales), loaded once in ``warm_up`` from the installed package;
* runs of title-case tokens: a run is a name when it starts with a given name, or has two
  or more tokens ending in a surname; a lone surname needs a given-name neighbour;
* all-lowercase texts: a token counts only when it is a gazetteer name and *not* an
  English word in spaCy's WordNet lemma index (so "bill", "mark" or "grant" never do);
* propagation: a token of a found name is a name wherever else it occurs in the text,
  and a short coordination ("A, B and C") of single tokens is all names once one is.

Places and organisations spaCy recognises are never turned into names.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from frontdesk.errors import ConfigurationError
from frontdesk.guards.pii.spacy_import import import_spacy
from frontdesk.guards.types import PiiSpan

_TOKEN = re.compile(r"[^\W\d_](?:[\w\u2019'-]*[^\W\d_])?\.?", re.UNICODE)
_GAP = re.compile(r"^[ ]{1,2}$")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_PARTICLES = frozenset("van von de da del der den di du la le ten ter bin dos das".split())
_ORG_WORDS = frozenset(
    "Inc Inc. Ltd Ltd. LLC Corp Corp. Co Co. Group Orchestra Sons Bank University Agency "
    "Foundation Partners Solutions Technologies Consulting Company Associates Brothers "
    "Holdings Capital Insurance Systems Labs Media Services Industries".split()
)
# Title-case words that are names in some locale but almost always something else here.
_NOT_NAMES_TITLE = frozenset(
    (
        "i a an the and or but so if then thanks thank please best regards cheers it this "
        "that we you he she they my our your his her its their can could would should is "
        "are was were what when where why how also hi hello dear ok yes no not who whom "
        "january february march april may june july august september october november "
        "december monday tuesday wednesday thursday friday saturday sunday street road "
        "avenue lane drive court way place suite apt apartment unit box floor phone email "
        "e-mail address name website personal info user bot mr mrs ms miss dr prof sir "
        "madam bank card account visa mastercard amex paypal euro dollar pound god christmas "
        "easter english french german spanish italian american british answer question"
    ).split()
)
_MAX_RUN = 4


@dataclass(frozen=True, slots=True)
class NameGazetteer:
    """Casefolded given names, surnames and (for lowercase text) English words to avoid."""

    given: frozenset[str]
    surnames: frozenset[str]
    english: frozenset[str]

    @classmethod
    def load(cls, model_path: Path) -> NameGazetteer:
        """Faker's name lists plus the WordNet lemma index of the spaCy model."""
        try:
            import faker.providers.person as person_providers
        except ImportError as exc:
            raise ConfigurationError(
                "name detection needs Faker's name lists: pip install faker==40.54.0 "
                "(or turn pii_ner off)."
            ) from exc
        from faker.providers.lorem.en_US import Provider as LoremProvider

        import_spacy()
        from spacy.lookups import Lookups

        given: set[str] = set()
        surnames: set[str] = set()
        for module in pkgutil.iter_modules(person_providers.__path__):
            provider = getattr(
                importlib.import_module(f"{person_providers.__name__}.{module.name}"),
                "Provider",
                None,
            )
            given.update(_names(provider, ("first_names", "first_names_male",
                                           "first_names_female")))  # fmt: skip
            surnames.update(_names(provider, ("last_names", "last_names_male",
                                              "last_names_female")))  # fmt: skip
        common = {w.casefold() for w in LoremProvider.word_list} | _NOT_NAMES_TITLE
        english: set[str] = set()
        lookups = Lookups().from_disk(model_path / "lemmatizer" / "lookups")
        index = lookups.get_table("lemma_index")
        for pos in ("noun", "verb", "adj", "adv"):
            english.update(str(w).casefold() for w in index.get(pos, ()))
        return cls(
            frozenset(n for n in given - common if len(n) > 1),
            frozenset(n for n in surnames - common if len(n) > 1),
            frozenset(english | common),
        )


def _names(provider: object, attributes: Iterable[str]) -> Iterator[str]:
    for attribute in attributes:
        values = getattr(provider, attribute, None)
        if isinstance(values, (list, tuple, dict, set, frozenset)):
            for value in values:
                if isinstance(value, str) and value.replace("-", "").isalpha():
                    yield value.casefold()


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    key: str  # casefolded, without a possessive 's or a trailing dot


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    for m in _TOKEN.finditer(text):
        end = m.end() - 1 if m.group().endswith(".") and len(m.group()) > 2 else m.end()
        possessive = _POSSESSIVE.search(text, m.start(), end)
        if possessive is not None:
            end = possessive.start()
        out.append(_Token(m.start(), end, text[m.start() : end].casefold().rstrip(".")))
    return out


def _is_initial(text: str, token: _Token) -> bool:
    word = text[token.start : token.end].rstrip(".")
    return len(word) == 1 and word.isupper()


def _title(text: str, token: _Token) -> bool:
    word = text[token.start : token.end]
    return word[:1].isupper() and (len(word) == 1 or any(c.islower() for c in word[1:]))


def _runs(
    text: str, tokens: list[_Token], lowercase: bool, gaz: NameGazetteer
) -> Iterator[list[_Token]]:
    """Maximal runs of name-shaped tokens separated by one or two spaces."""
    run: list[_Token] = []
    for token in tokens:
        shaped = (
            (token.key in gaz.given or token.key in gaz.surnames) and not _english(token.key, gaz)
            if lowercase
            else (_title(text, token) and token.key not in _NOT_NAMES_TITLE)
        )
        particle = bool(run) and token.key in _PARTICLES
        joined = bool(run) and _GAP.match(text[run[-1].end : token.start]) is not None
        if (shaped or particle) and (joined or not run):
            run.append(token)
            continue
        if run:
            yield run
        run = [token] if shaped else []
    if run:
        yield run


def _judge(text: str, run: list[_Token], gaz: NameGazetteer, lowercase: bool) -> bool:
    while run and run[-1].key in _PARTICLES:
        run = run[:-1]
    if not run or len(run) > _MAX_RUN:
        return False
    following = text[run[-1].end :].lstrip(" ,&").split(" ", 1)[0]
    if any(text[t.start : t.end] in _ORG_WORDS for t in run) or following in _ORG_WORDS:
        return False
    words = [t for t in run if not _is_initial(text, t) and t.key not in _PARTICLES]
    if not words:
        return False
    if lowercase and any(_english(t.key, gaz) or len(t.key) < 3 for t in words):
        return False
    first, last = words[0].key, words[-1].key
    if len(run) == 1 and first in gaz.english and _sentence_start(text, run[0].start):
        return False  # "Cash withdrawal pending": capitalised only because it comes first
    if first in gaz.given:
        return True
    return len(words) >= 2 and last in gaz.surnames and first not in gaz.english


def _english(key: str, gaz: NameGazetteer) -> bool:
    """An English word or a plural of one (the lemma index holds lemmas only)."""
    return key in gaz.english or (key.endswith("s") and key[:-1] in gaz.english)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'(")
    return not before or before[-1] in ".!?:\n"


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_gazetteer_names(
    text: str,
    gaz: NameGazetteer,
    known: list[PiiSpan],
    places: list[tuple[int, int]],
    other_pii: list[tuple[int, int]],
) -> list[PiiSpan]:
    """New PERSON spans: gazetteer runs, then propagation from ``known`` and themselves.

    A gazetteer run may not overlap ``places`` (spaCy's place entities) or ``other_pii``;
    a repeated token of a found name may overlap a place (spaCy often calls a lone given
    name a city) but not other PII.
    """
    lowercase = not any(c.isupper() for c in text)
    tokens = _tokens(text)
    found: list[PiiSpan] = []
    for run in _runs(text, tokens, lowercase, gaz):
        if _judge(text, run, gaz, lowercase):
            start, end = run[0].start, run[-1].end
            if not _overlaps(start, end, places + other_pii):
                found.append(PiiSpan(start, end, "PERSON", 0.7, "gazetteer"))
    names = [*known, *found]
    seen = {
        t.key
        for t in tokens
        if len(t.key) > 2 and any(s.start <= t.start and t.end <= s.end for s in names)
    } - gaz.english
    taken = [(s.start, s.end) for s in names] + other_pii
    for i, token in enumerate(tokens):
        if _overlaps(token.start, token.end, taken) or not (lowercase or _title(text, token)):
            continue
        repeated = token.key in seen
        if repeated and _overlaps(token.start, token.end, places):
            repeated = text[token.start : token.end] != text[token.start : token.end].upper()
        listed = not _overlaps(token.start, token.end, places) and _listed_with_name(
            text, tokens, i, names, gaz
        )
        if repeated or listed:
            span = PiiSpan(token.start, token.end, "PERSON", 0.6, "gazetteer")
            found.append(span)
            names.append(span)
            taken.append((token.start, token.end))
    return found


def _listed_with_name(
    text: str, tokens: list[_Token], i: int, names: list[PiiSpan], gaz: NameGazetteer
) -> bool:
    """``tokens[i]`` is a coordinated item ("A, B and C") next to a found name."""
    token = tokens[i]
    if token.key in gaz.english or "'" in token.key or "\u2019" in token.key:
        return False
    for j in (i - 1, i + 1):
        if not 0 <= j < len(tokens):
            continue
        left, right = sorted((tokens[i], tokens[j]), key=lambda t: t.start)
        gap = text[left.end : right.start]
        if gap not in (", ", " and ", " & ", ",") and gap.strip() not in ("and",):
            continue
        neighbour = tokens[j]
        if any(s.start == neighbour.start and s.end == neighbour.end for s in names):
            return True
    return False
