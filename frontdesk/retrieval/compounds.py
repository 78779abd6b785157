"""Words a customer writes apart that the help center writes as one.

"pick up" / "pickup", "log in" / "login", "web hook" / "webhook", "e mail" / "email": a
keyword search on the separate words misses the passage (and "up", "in" are stopwords),
the rarity signals count "pick", which no passage uses, as a word the knowledge base never
mentions, and the embedding of "web hook" sits further from the passage than "webhook".
Each adjacent pair written together is a candidate; only those the knowledge base
actually uses are joined, so nothing is invented. The question's text is rewritten before
anything reads it, by the in-process search, the PostgreSQL one and the extractive
generator alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import pairwise

from frontdesk.retrieval.text import STOPWORDS, stem

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_GAP = re.compile(r"[ \t-]+")  # what may stand between the two halves ("pick up", "e-mail")


def _pairs(text: str) -> list[tuple[re.Match[str], re.Match[str], str]]:
    """Adjacent word pairs of ``text`` (lowercased, NFKC) that could be one word, with the
    analysed form of the pair written together. Never two stopwords ("in to"), nor a
    number or an apostrophe."""
    normal = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    out = []
    for first, second in pairwise(_WORD.finditer(normal)):
        a, b = first.group(), second.group()
        if a in STOPWORDS and b in STOPWORDS:
            continue
        if any(ch.isdigit() or ch == "'" for ch in a + b):
            continue
        if not _GAP.fullmatch(normal[first.end() : second.start()]):
            continue
        out.append((first, second, stem(a + b)))
    return out


def _used(word: str, known: Callable[[str], bool]) -> bool:
    """The knowledge base uses ``word`` on its own (a stopword or a one- or two-letter
    fragment, the "e" of "e mail" or "e.g.", never counts as used)."""
    return len(word) > 2 and word not in STOPWORDS and known(stem(word))


def joined_candidates(text: str) -> list[str]:
    """The analysed terms ``text``'s word pairs would make written as one word."""
    return list(dict.fromkeys(term for _, _, term in _pairs(text)))


def joined_text(text: str, known: Callable[[str], bool]) -> str:
    """``text`` with each pair the knowledge base writes as one word (``known`` says which
    analysed terms it uses) written as one word; otherwise ``text`` unchanged. A pair whose
    two words the knowledge base also uses on their own stays apart: the separate words
    already find their passages ("corona virus" cost covidqa_faq nDCG@10 when joined)."""
    pairs = [
        (first, second)
        for first, second, term in _pairs(text)
        if known(term) and not (_used(first.group(), known) and _used(second.group(), known))
    ]
    if not pairs:
        return text
    normal = unicodedata.normalize("NFKC", text)
    if len(normal) != len(text):  # offsets would not match: join on the normal form
        text = normal
    out: list[str] = []
    at = 0
    for first, second in pairs:
        if first.start() < at:  # overlaps the pair before ("set up up")
            continue
        out.append(text[at : first.start()])
        out.append(text[first.start() : first.end()] + text[second.start() : second.end()])
        at = second.end()
    out.append(text[at:])
    return "".join(out)
