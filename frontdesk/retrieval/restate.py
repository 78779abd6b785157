"""Restating an elliptical follow-up as the earlier question with one part swapped.

"How much is a 2 kg parcel to Germany?" then "and to France?": the customer asks the
same question about another destination. Searching and answering "and to France?" (or
the two messages run together) answers Germany again or nothing; the restated question
"How much is a 2 kg parcel to France?" is a question like any other. Two swaps are
recognised, both only when the earlier question has the part being swapped:

- a prepositional phrase: "and to France?", "what about for business accounts?" replaces
  what follows the same preposition in the earlier question;
- an amount with its unit: "and 5 kg?", "what about 10kg?" replaces the earlier amount
  in the same unit.

Anything else ("what about express?") is left to the condensed query.
"""

from __future__ import annotations

import re

_OPENER = re.compile(
    r"^(?:(?:ok(?:ay)?|and|but|so|also|then)[\s,]+)*"
    r"(?:(?:and|but)\s+)?(?:(?:what|how)\s+about\s+|and\s+)?",
    re.IGNORECASE,
)
_PREPOSITIONS = ("to", "for", "in", "from", "with", "on", "at", "into", "within", "via")
_AMOUNT = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)?)\s?(?P<unit>kg|kilos?|kilograms?|g|grams?|cm|m|€|eur|euros?|"
    r"days?|weeks?|months?|hours?|parcels?|labels?|users?|seats?)\b",
    re.IGNORECASE,
)
_UNIT_ALIASES = {
    "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
    "gram": "g", "grams": "g", "eur": "€", "euro": "€", "euros": "€",
}  # fmt: skip
# The swapped part ends at punctuation, a conjunction, another preposition or one of the
# verbs a support question ends with ("how long does delivery to Germany take?").
_PHRASE_END = re.compile(
    r"[?.!,;:]|\s(?:and|or|but|if|when|with|by|for|to|in|from|on|at|via|within|please|"
    r"takes?|costs?|arrives?|needs?|be|is|are|get|work|last|usually|normally)\b",
    re.IGNORECASE,
)
_MAX_NEW_WORDS = 5


def restated(message: str, earlier: str) -> str | None:
    """``earlier`` with the part ``message`` swaps, or None when ``message`` is not such
    a follow-up (or ``earlier`` has no part to swap)."""
    opened = _OPENER.match(message.strip())
    start = opened.end() if opened else 0
    rest = message.strip()[start:].strip().rstrip("?!. ")
    # Without "and" / "what about", only a bare part ("to France?") is taken as a swap.
    limit = _MAX_NEW_WORDS + 1 if start else 4
    if not rest or len(rest.split()) > limit:
        return None
    return _swap_amount(rest, earlier) or _swap_phrase(rest, earlier)


def restated_in(message: str, earlier_messages: list[str]) -> str | None:
    """``message`` restated against the customer's earlier messages (oldest first), each
    of which may itself have been such a follow-up ("and to France?", "and to Spain?")."""
    current: str | None = None
    for text in earlier_messages:
        current = (restated(text, current) if current else None) or text
    return restated(message, current) if current else None


def _unit(raw: str) -> str:
    unit = _UNIT_ALIASES.get(raw.lower(), raw.lower())
    return unit[:-1] if len(unit) > 2 and unit.endswith("s") else unit


def _swap_amount(rest: str, earlier: str) -> str | None:
    new = _AMOUNT.fullmatch(rest)
    if new is None:
        return None
    unit = _unit(new["unit"])
    olds = [m for m in _AMOUNT.finditer(earlier) if _unit(m["unit"]) == unit]
    if len(olds) != 1:
        return None  # no amount in that unit, or several: which one would it be?
    old = olds[0]
    return f"{earlier[: old.start()]}{rest}{earlier[old.end() :]}"


def _swap_phrase(rest: str, earlier: str) -> str | None:
    first, _, phrase = rest.partition(" ")
    preposition = first.lower()
    if preposition not in _PREPOSITIONS or not phrase.strip():
        return None
    found = list(re.finditer(rf"\b{preposition}\s+", earlier, re.IGNORECASE))
    if not found:
        return None
    start = found[-1].end()  # "how much to send 5kg to the USA": the last "to"
    end = _PHRASE_END.search(earlier, start)
    stop = end.start() if end else len(earlier)
    if stop == start:
        return None
    return f"{earlier[:start]}{phrase.strip()}{earlier[stop:]}"
