"""Street addresses as they are written in the other catalogue languages (de, fr, es, nl,
it, pt): the street, its house number, then a postcode and a town.

The English grammar (:mod:`frontdesk.guards.pii.address`) expects a house number before
the street and a USPS suffix after it; these put the number after the street ("Junkstr.
9478", "Calle de Nerea Español 51", "Rua de Gaspar, 38"), or before a street word that
comes first ("3, rue Jules Renaud"). An address is found from its tail, the postcode and
town ("83848 Melsungen", "9828BC Haelen", "4478-878 Vila Real"), and reaches back to the
street that owns it: a street word ("rue", "via", "praça", ...) or a word ending in a
street suffix ("-straße", "-weg", "-laan", "-singel", ...), with a house number between
the two. Without that street part a number before a capitalised word ("2024 Berlin") is
not an address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from frontdesk.guards.types import PiiSpan

_STREET_WORD = (
    r"rue|avenue|av\.|boulevard|bd\.?|chemin|allée|place|impasse|quai|route|"
    r"calle|c/|cuesta|avenida|avda\.?|plaza|paseo|camino|carretera|ronda|travesía|pasaje|"
    r"via|viale|piazza|piazzale|corso|largo|vicolo|strada|contrada|"
    r"rua|praça|travessa|estrada|alameda|beco|calçada|praceta|rotunda|"
    # Round 5 (the es/it/nl/pt dev2 split): more street types, and the abbreviations
    # people type ("C. Omar Carnero 69", "R. de Basílio Teles, 36", "Av Amaral, 1").
    r"glorieta|rambla|vial|cañada|urbanización|urbanizacion|acceso|callejón|callejon|"
    r"c\.|rotonda|stretto|canale|incrocio|borgo|lungomare|vicoletto|"
    r"r\.|av|avda|largo|rotunda|urbanização|quinta|"
    r"boulevard"
)
_SUFFIX = (
    r"straße|strasse|str\.|weg|platz|gasse|allee|ring|damm|ufer|chaussee|steig|pfad|"
    r"straat|laan|gracht|kade|singel|plein|hof|steeg|dijk|dreef|pad|"
    r"baan|boulevard|markt|plantsoen|wal|park|erf"
)
_UPPER = "A-ZÀ-ÖØ-Þ"
# The postcode and town: de/fr/es/it five digits, nl four digits and two letters,
# pt four and three digits; the town's words capitalised, with particles between.
_TAIL = re.compile(
    rf"(?<![\w-])(?:\d{{4}}-\d{{3}}|\d{{4}}[ ]?[A-Z]{{2}}|\d{{5}})[ ]+"
    rf"[{_UPPER}][\w'\u2019-]*"
    rf"(?:[ ](?:(?:[{_UPPER}][\w'\u2019-]*)|(?:de|do|da|dos|das|di|del|la|le|les|sur|am|an|"
    rf"im|in|bei|aan|den|op)(?=(?:[ ](?:den|der|de|la|le))?[ ][{_UPPER}])))*",
    re.UNICODE,
)
_STREET = re.compile(
    rf"(?:(?<![\w])(?i:{_STREET_WORD})(?=[ ])|"
    rf"(?<![\w-])[{_UPPER}][\w-]*?(?i:{_SUFFIX})(?![\w]))",
    re.UNICODE,
)
# "3, rue Jules Renaud": the house number a French address puts first.
_NUMBER_FIRST = re.compile(r"(?<![\w,.])\d{1,4}(?:[ ]?(?:bis|ter|[a-z]))?,?[ ]$")
# A sentence ends after a word, not after an initial ("Via G. Verdi 5").
_SENTENCE_END = re.compile(r"(?:[^\W\d_]{3,}[.!?]|[!?])(?:\s|$)|\n", re.UNICODE)
# A house number, or "S/N" (sin número / sem número) where a street has none.
_HOUSE_NUMBER = re.compile(r"\d|(?<![\w])[Ss]/[Nn](?![\w])")
_REACH = 90  # characters from a street word to its postcode, at most


def find_european_addresses(text: str) -> Iterator[PiiSpan]:
    """ADDRESS spans from a street (with its house number) to the postcode's town."""
    for tail in _TAIL.finditer(text):
        window_start = max(0, tail.start() - _REACH)
        between_start = None
        for street in _STREET.finditer(text, window_start, tail.start()):
            between = text[street.end() : tail.start()]
            if _HOUSE_NUMBER.search(between) is None and not _NUMBER_FIRST.search(
                text[max(0, street.start() - 8) : street.start()]
            ):
                continue  # no house number: a word that only looks like a street
            if _SENTENCE_END.search(between):
                continue  # a sentence or line ended before the postcode
            between_start = street.start()
            break
        if between_start is None:
            continue
        before = _NUMBER_FIRST.search(text[max(0, between_start - 8) : between_start])
        if before is not None:
            between_start = max(0, between_start - 8) + before.start()
        yield PiiSpan(between_start, tail.end(), "ADDRESS", 0.6, "pattern")
