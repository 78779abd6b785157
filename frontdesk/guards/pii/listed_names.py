"""Names a tenant knows: its customers' own names (learned from their tickets) and any
names the tenant adds. A listed name is a person in that tenant's messages wherever it
stands, which no position rule or small NER model can promise ("Rintanen began ...").

A listed name of two or more words matches in any case. Single words (a one-word entry,
or "Jane" of "Jane Doe") match on their own only where they look like a name:
capitalised (or anywhere in an all-lowercase text), at least three letters, and not an
English word ("Will", "Mark" and "Bill" are also verbs and nouns; they match only inside
a full name).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from frontdesk.guards.types import PiiSpan

_SPACE = re.compile(r"\s+")
_SHAPED = re.compile(r"^[^\W\d_][\w'\u2019.-]*$", re.UNICODE)
# Last words that make a business of a name ("Brennan Plumbing", "Müller GmbH").
_BUSINESS = frozenset(
    "gmbh ag kg ug ltd ltd. inc inc. llc plc co co. corp sa sas sarl bv nv oy ab as spa srl "
    "bau café cafe studio studios shop store group team".split()
)
_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*[^\W\d_])?", re.UNICODE)
# A lone name word this short is a name in lowercase text only inside a listed full name:
# short names are also abbreviations and words (max, min, eve, art).
_SHORT = 3
MAX_NAME_CHARS = 100


def name_key(name: str) -> str:
    """The stored form of a listed name: words joined by one space, casefolded."""
    return _SPACE.sub(" ", name).strip().casefold()[:MAX_NAME_CHARS]


def person_like(name: str, english: Collection[str], surnames: Collection[str] = ()) -> bool:
    """Worth learning as a customer's name: one to four name-shaped words (no digits),
    not ending in a business word or an English word that is no surname ("Receipt
    GC-778812", "Harbour Café", "Bennett Studio" are not)."""
    words = name.split()
    shaped = all(_SHAPED.match(w) for w in words) and not any(c.isdigit() for c in name)
    if not 1 <= len(words) <= 4 or not shaped:
        return False
    last = words[-1].casefold().rstrip(".")
    if last in _BUSINESS:
        return False
    return len(words) == 1 or last not in english or last in surnames


@dataclass(frozen=True, slots=True)
class ListedNames:
    """A tenant's names compiled for matching (build once per list, reuse per message)."""

    full: re.Pattern[str] | None
    words: frozenset[str]

    @classmethod
    def build(cls, names: Iterable[str], english: Collection[str] = ()) -> ListedNames:
        keys = {k for k in (name_key(n) for n in names) if len(k) >= 2}
        multi = sorted((k for k in keys if " " in k), key=len, reverse=True)
        full = None
        if multi:
            joined = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in multi)
            full = re.compile(rf"(?<![\w])(?:{joined})(?![\w])", re.IGNORECASE | re.UNICODE)
        words = {
            w.casefold()
            for k in keys
            for w in _WORD.findall(k)
            if len(w) >= 3 and w.casefold() not in english
        }
        return cls(full, frozenset(words))

    def __bool__(self) -> bool:
        return self.full is not None or bool(self.words)

    def find(self, text: str) -> list[PiiSpan]:
        """PERSON spans of listed names (full names, then their single words)."""
        if not self:
            return []
        spans = (
            [PiiSpan(m.start(), m.end(), "PERSON", 0.9, "tenant") for m in self.full.finditer(text)]
            if self.full is not None
            else []
        )
        lowercase = not any(c.isupper() for c in text)
        for m in _WORD.finditer(text):
            word = m.group()
            if word.casefold() not in self.words or not (lowercase or word[:1].isupper()):
                continue
            if lowercase and len(word) <= _SHORT:
                continue  # "what's the max size" is not Max Mustermann; "max mustermann" is
            if any(s.start <= m.start() and m.end() <= s.end for s in spans):
                continue
            spans.append(PiiSpan(m.start(), m.end(), "PERSON", 0.8, "tenant"))
        return spans
