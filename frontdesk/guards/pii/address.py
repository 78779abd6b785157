"""Street addresses and introduced names by pattern (the fast path, no NER).

An address starts from a *core* (house number + street with a street word, a street with
a house number in the European order, a unit such as "Apt. 12" or a military/PO box) and
is then extended over the city, region, postcode and country lines that follow it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from frontdesk.guards.types import PiiSpan

_CAP = r"[A-ZÀ-ÖØ-Þ\u0100-\u017f\u0391-\u03a9\u0410-\u042f][\w'\u2019.-]*"
_STREET_WORDS = (
    r"Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Square|Sq|Terrace|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Crescent|Close|Alley|"
    r"Row|Walk|Gardens|Hill|Hills|Summit|Forks?|Greens?|Gateway|Points?|Crossing|Heights|"
    r"Park|Ridge|View|Vista|Estates?|Junction|Landing|Meadows?|Mews|Loop|Pike|Plaza|Port|"
    r"Ranch|Route|Spur|Station|Turnpike|Valley|Village|Villages|Ville|Wells?|Extension"
)
_STREET_SUFFIXES = (
    r"straat|strasse|straße|gasse|weg|laan|plein|allee|platz|ring|gatan|gata|gate|vej|veien|"
    r"vegen|vägen|katu|kuja|tie|polku|utca|ulica|uca|iela|gatve|tee|väg|tér|náměstí|sokak|"
    r"cadde|stræde|gade|vænget|torget|torg|gränd|backe|u\.|út|krantz|kade|dreef|singel"
)
_STREET_PREFIXES = (
    r"rue|via|viale|vicolo|corso|piazza|largo|calle|avenida|avda|paseo|plaza|rua|travessa|"
    r"chemin|boulevard|allée|place|quai|ulica|ul|aleja|al|strada|carrer|camino|Pod|Na|U"
)
_UNIT = r"(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Box|P\.?\s?O\.?\s?Box|PSC|CMR)"

_CORES = [
    # 221B Baker Street / 1600 N. Pennsylvania Ave / 12 34 Main Road
    re.compile(
        rf"(?<![\w.])\d{{1,6}}[A-Za-z]?(?:[ ]\d{{1,5}})?[ ](?:[NSEW]\.?[ ])?(?:{_CAP}[ ]){{1,4}}"
        rf"(?:{_STREET_WORDS})\b\.?",
        re.UNICODE,
    ),
    # Baker Street 221 (street word first, number after)
    re.compile(rf"(?:{_CAP}[ ]){{1,3}}(?:{_STREET_WORDS})\.?[ ]\d{{1,5}}[A-Za-z]?\b", re.UNICODE),
    # Hauptstraße 5 / Koskikatu 25 / Trenerys gate 232
    re.compile(
        rf"(?:{_CAP}[ ]){{0,2}}[\w'-]*(?i:{_STREET_SUFFIXES})[ ]\d{{1,5}}[A-Za-z]?\b\.?",
        re.UNICODE,
    ),
    # 9554 62 Rue Gafsa / 07960 Aqqusinersuaq 111: house number, name words, number
    re.compile(
        rf"(?<![\w.])\d{{1,6}}(?:[ ]\d{{1,5}})?[ ](?i:{_STREET_PREFIXES})\.?[ ]"
        rf"(?:{_CAP}[ ]?){{1,3}}",
        re.UNICODE,
    ),
    re.compile(rf"(?<![\w.,])\d{{1,6}}[ ](?:{_CAP}[ ]){{1,3}}\d{{1,5}}[A-Za-z]?\b", re.UNICODE),
    # rue du Centre 320 / Via Roma 12 / Paseo del Atlántico 81 / 12 rue du Centre
    re.compile(
        rf"(?<![\w])(?:\d{{1,5}},?[ ])?(?i:{_STREET_PREFIXES})\.?[ ](?:[\w'\u2019.-]+[ ]){{0,3}}"
        rf"[\w'\u2019-]+(?:[ ]\d{{1,5}}[A-Za-z]?\b)",
        re.UNICODE,
    ),
    # Apt. 12 / Suite 400 / Unit 7194 Box 5854 / PSC 9009, Box 9725
    re.compile(rf"(?<![\w])(?i:{_UNIT})\.?[ ]?#?\d{{1,6}}[A-Za-z]?\b", re.UNICODE),
    # APO AE 01708 (US military mail)
    re.compile(r"\b[ADF]PO[ ]A[AEP][ ]\d{5}\b"),
]

# What may follow a core on the same or the next line(s): more units, places, postcodes.
_CONTINUATION = re.compile(
    rf"(?P<sep>[ \t]*(?:,|\n)[ \t]*(?:[^\w\s]{{1,4}}[ \t]*)?|[ \t]+)"
    rf"(?P<part>(?i:{_UNIT})\.?[ ]?#?\d{{1,6}}[A-Za-z]?\b"
    r"|\d{4,6}(?:-\d{3,4})?\b|\d{3}[ ]\d{2}\b|[A-Z]{2,3}\b(?![a-z])"
    rf"|{_CAP}(?:[ ](?:{_CAP}|\([\w ]+\)|de|del|du|la|le|di|van|von|u\.?)){{0,3}})",
    re.UNICODE,
)
_MAX_CONTINUATIONS = 6
_HOUSE_NUMBER_BEFORE = re.compile(r"(?<![\w.,-])\d{1,6}[ ]$")
_NOT_PLACES = frozenset(
    "I The A An And Or But So If Then Thanks Thank Please Best Regards Cheers It This That "
    "We You He She They My Our Your Can Could Would Should Is Are Was Were What When Where "
    "Why How Also Hi Hello Dear Ok OK".split()
)

_NAME_CONTEXT = re.compile(
    r"(?:\b(?i:my\s+name\s+is|name\s*:|i\s+am|i'm|signed,?|regards,?|sincerely,?|dear|"
    r"(?:first|last|maiden|full|sur|given|family)\s*name(?:\s+is|\s*\?|\s*:)|"
    # The same introductions in the other catalogue languages (de, fr, es, nl, it, pt).
    r"ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|je\s+m['\u2019]appelle|mon\s+nom\s+est|"
    r"me\s+llamo|mi\s+nombre\s+es|ik\s+heet|mijn\s+naam\s+is|mi\s+chiamo|"
    r"il\s+mio\s+nome\s+è|me\s+chamo|meu\s+nome\s+é|"
    r"mit\s+freundlichen\s+grüßen,?|viele\s+grüße,?|cordialement,?|atentamente,?|saludos,?|"
    r"met\s+vriendelijke\s+groet,?|cordiali\s+saluti,?|atenciosamente,?)"
    r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Sr|Sra|Dhr|Mevr)\.?)[ \t]+"
    r"(?P<name>[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'\u2019-]+"
    r"(?:[ ](?:[A-Z]\.?(?=[ ])|[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'\u2019-]+)){0,3})",
    re.UNICODE,
)
# After an explicit "name is"/"name:" a customer may type the name in lowercase.
_NAME_STATED = re.compile(
    r"\b(?i:(?:my|first|last|maiden|full|sur|given|family)\s*name\s*(?:is|:|\?))[ \t]+"
    r"(?P<name>[a-zà-öø-ÿ][a-zà-öø-ÿ'\u2019-]+(?:[ ][a-zà-öø-ÿ][a-zà-öø-ÿ'\u2019-]+)?)"
    r"(?=[ \t]*(?:$|[.,;!?\n]))",
    re.UNICODE,
)
_NOT_NAMES = frozenset(
    "Not Sure Sorry Looking Trying Having Going Still Unable Interested Writing Calling "
    "Here Glad Happy Afraid New Just Very So Also Back From In On At With The A An "
    "Me You Him Her It Them Us This That Today Yesterday Tomorrow".split()
)
# A name in an address block stops where the address starts ("Mrs. Ann Lee Apt. 5 ...").
_ADDRESS_WORD = re.compile(rf"^(?:{_UNIT}|{_STREET_WORDS})\.?$")


def _extend(text: str, end: int) -> int:
    for _ in range(_MAX_CONTINUATIONS):
        m = _CONTINUATION.match(text, end)
        if m is None:
            break
        part = m.group("part")
        if part.split()[0].strip(".,") in _NOT_PLACES:
            break
        # A bare space only continues into postcodes and units, never into free words.
        if not m.group("sep").strip() and not (part[0].isdigit() or part[:1].isupper()):
            break
        end = m.end()
    return end


def find_addresses(text: str) -> Iterator[PiiSpan]:
    """Street-address spans (cores extended over city/postcode/country lines)."""
    for pattern in _CORES:
        for m in pattern.finditer(text):
            end = _extend(text, m.end())
            start = m.start()
            house = _HOUSE_NUMBER_BEFORE.search(text, 0, start)
            if house is not None:
                start = house.start()
            yield PiiSpan(start, end, "ADDRESS", 0.6, "pattern")


def find_introduced_names(text: str) -> Iterator[PiiSpan]:
    """Names a customer introduces ("my name is ...", "Mrs. ...", "Regards, ...")."""
    for pattern in (_NAME_CONTEXT, _NAME_STATED):
        for m in pattern.finditer(text):
            words = m.group("name").split(" ")
            kept = 0
            while kept < len(words) and not _ADDRESS_WORD.match(words[kept]):
                kept += 1
            if kept == 0 or words[0].capitalize() in _NOT_NAMES:
                continue
            end = m.start("name") + len(" ".join(words[:kept]))
            yield PiiSpan(m.start("name"), end, "PERSON", 0.6, "pattern")
