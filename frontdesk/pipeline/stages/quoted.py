"""What the customer's screen says: a message quoted from the product finds its article.

Customers quote what they see: "it says too many attempts", "our account suddenly says
read-only", "the app says please update". The help center usually quotes the same text
("You see the message "Too many attempts. Try again in 15 minutes.""), and a passage that
holds the customer's words verbatim is about their situation, however the rest of the
message reads ("… and i need to print a label right now" pulls towards label articles).
"""

from __future__ import annotations

import re

from frontdesk.retrieval.text import analyze

# After a verb of showing, up to the end of the clause; or between quotes.
_CUE = re.compile(
    r"\b(?:says?|saying|said|shows?|showing|reads?|displays?|error(?: message)?|message)"
    r"\s*:?\s+(?:that\s+|it'?s\s+|is\s+)?([^.,;!?\"“”()]+)",
    re.I,
)
_QUOTED = re.compile(r"[\"“”']([^\"“”']{3,80})[\"“”']")
# Where a quoted message ends and the customer's own words resume.
_CLAUSE_END = re.compile(
    r"\s+(?:and|but|so|because|when|while|although|though|since|after|before|then|i|we|my|our)\b.*",
    re.I,
)
_MAX_WORDS = 6
_NON_WORD = re.compile(r"[^\w]+")
# "she says she never got it": a person's words, not the screen's.
_PERSON = frozenset("i we you he she they it".split())


def quoted_phrases(message: str) -> list[str]:
    """Phrases of two or more words the message quotes from the product, longest first;
    each holds a content word (so "it says that" quotes nothing)."""
    found: list[str] = []
    for pattern in (_QUOTED, _CUE):
        for match in pattern.finditer(message):
            phrase = match.group(1)
            if pattern is _CUE:
                phrase = _CLAUSE_END.sub("", phrase)
            words = phrase.split()[:_MAX_WORDS]
            phrase = " ".join(words).strip(" -:")
            # one word ("expired") is in too many passages to tell them apart
            if len(normalise(phrase).split()) < 2 or words[0].lower() in _PERSON:
                continue
            if analyze(phrase) and phrase.lower() not in (f.lower() for f in found):
                found.append(phrase)
    return sorted(found, key=lambda p: -len(p))


def normalise(text: str) -> str:
    """Lower case, words separated by single spaces: markup and punctuation ignored."""
    return f" {_NON_WORD.sub(' ', text.lower()).strip()} "


def holds(text: str, phrase: str) -> bool:
    """``text`` holds ``phrase`` word for word."""
    return normalise(phrase) in normalise(text)
