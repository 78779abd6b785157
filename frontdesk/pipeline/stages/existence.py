"""Questions whether something exists: only a source that names it can answer.

"Do you offer a student discount?" shares "discount" with the promo-code article, and the
extractive generator quotes it with confidence; the article never mentions students, so
it neither confirms nor denies what was asked. A customer asking whether the company has,
offers or supports *X* ("is there X", "do you have X", "can I get X"), or whether parcels
go to *X* ("can I send a parcel to X?"), gets an answer only
from a passage that names every part of *X*; otherwise the help center does not say, and
the honest reply is a decline (or a person). English only, like the generator's word
matching; other languages are left to the confidence model.
"""

from __future__ import annotations

import re

from frontdesk.retrieval.text import analyze, words

_ASKS_EXISTENCE = re.compile(
    r"^\s*(?:hi|hello|hey)?[,!\s]*"
    r"(?:do you (?:guys )?(?:offer|have|sell|provide|support|do|give)"
    r"|does \w+ (?:offer|have|sell|provide|support)"
    r"|is there|are there|(?:can|could) i get(?! (?:my|the|it|this|that|our|them|back)\b))"
    r"\b(?P<rest>.*)$",
    re.IGNORECASE,
)
# "Can I send a parcel to the moon?", "do you ship to Norway?": whether a destination is
# served is answered only by a source naming it. Only when what is sent is any parcel:
# "can I send a bottle of perfume to Lisbon?" asks about perfume, not Lisbon.
_ASKS_DESTINATION = re.compile(
    r"^\s*(?:hi|hello|hey)?[,!\s]*"
    r"(?:(?:can|could) (?:i|we|you) (?:send|ship|post|mail|deliver)"
    r"|do you (?:ship|deliver|send)|does \w+ (?:ship|deliver))"
    r"(?P<sent>(?:\s+[\w']+){0,3}?)\s+(?:to|into)\s+(?P<rest>.*)$",
    re.IGNORECASE,
)
_SOMEONES = [[w] for w in "my your his her our their someone somebody".split()]
_ANY_PARCEL = frozenset(
    "a an the my our parcel parcels package packages box boxes letter letters it them "
    "something stuff things items shipment shipments".split()
)
# Where the thing asked about ends: a new clause starts ("…a way I should tape…").
_CLAUSE = frozenset(
    "i we you they he she it that which who whom whose to so if when where while because "
    "instead and or but than like".split()
)
_PLACE_ENDS = frozenset("for from with by in on at within via please".split())
# Words that name no particular thing: "is there a way to…" asks how, not whether.
_VAGUE = frozenset(
    "way ways option options possibility chance thing things kind sort type special "
    "any anything something some other else more better easier faster quick quicker "
    "possible available".split()
)


_MAX_TERMS = 4


def asked_object(question: str) -> list[str]:
    """The analysed terms naming what an existence question asks about (empty when the
    message is not one, or names nothing in particular)."""
    ends = _CLAUSE
    match = _ASKS_EXISTENCE.match(question.strip())
    if match is None:
        match = _ASKS_DESTINATION.match(question.strip())
        if match is not None and not set(words(match.group("sent"))) <= _ANY_PARCEL:
            return []
        if match is not None and words(match.group("rest"))[:1] in _SOMEONES:
            return []  # "to my friend", "to my office": a recipient, not a destination
        ends = _CLAUSE | _PLACE_ENDS  # "to France for less than 10 euros": France
    if match is None:
        return []
    kept: list[str] = []
    # The thing asked about ends with its sentence: "do you ship to australia? how much…"
    asked = re.split(r"[?!.;]", match.group("rest"), maxsplit=1)[0]
    for word in words(asked):
        if word in ends:
            break
        if word not in _VAGUE:
            kept.append(word)
    # the head of the phrase: a long tail ("…per client that I can give to…") is detail
    return sorted(set(analyze(" ".join(kept))[:_MAX_TERMS]))


def asks_destination(question: str) -> bool:
    """Whether ``question`` asks if parcels go somewhere (not whether a thing exists)."""
    stripped = question.strip()
    return _ASKS_EXISTENCE.match(stripped) is None and bool(asked_object(stripped))


def unnamed(question: str, source: str) -> list[str]:
    """The terms of what ``question`` asks exists that ``source`` never uses."""
    asked = asked_object(question)
    if not asked:
        return []
    named = set(analyze(source))
    return [term for term in asked if term not in named]


# Words a follow-up uses that name nothing new ("and what about that one?", "how much is
# that?", "how long does it take?": they ask for a fact of what was named before).
_GENERIC = frozenset(
    "ok okay thanks thank please also still just really already else about way ways "
    "one ones thing things same that this it them those these much many long often soon "
    "far cost costs price prices fee fees charge take takes need needed work works".split()
)


def unnamed_follow_up(message: str, query: str, sources: list[str]) -> list[str]:
    """What a follow-up adds to the conversation (its own terms, not the earlier
    question's) when none of ``sources`` uses any of it: "and what about the moon?" after
    a price question is not answered by quoting the price again. Empty when the message
    adds nothing or a source names some of it."""
    earlier = set(analyze(query.replace(message, "", 1)))
    own = analyze(" ".join(w for w in words(message) if w not in _GENERIC))
    new = [term for term in dict.fromkeys(own) if term not in earlier]
    if not new:
        return []
    named = set(analyze(" ".join(sources)))
    # Any one named is enough: "and if i pay for a whole year?" adds "whole" and "year",
    # and the price table names only the year.
    return [] if any(term in named for term in new) else new


def names_nothing(question: str) -> bool:
    """Whether ``question`` names nothing a help center could be about: no word but
    stopwords and numbers ("what is 2+2?"), so any passage it matches matched a number."""
    return all(term.isdigit() or term in _HOW for term in analyze(question))


_HOW = frozenset("much many long often soon far".split())  # "how much is 2+2?"
