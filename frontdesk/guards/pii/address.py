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
    r"Ranch|Route|Spur|Station|Turnpike|Valley|Village|Villages|Ville|Wells?|Extension|"
    # the rest of the USPS street suffixes that are not everyday words on their own
    r"Mall|Bridge|Pass|Harbou?r|Mills?|Bypass|Dam|Flats?|Courts?|Shoals?|Stravenue|"
    r"Throughway|Expressway|Freeway|Trafficway|Underpass|Overpass|Viaduct|Skyway|Motorway|"
    r"Squares|Ridges|Roads|Ways|Groves?|Glens?|Knolls?|Manors?|Orchard|Prairie|Hollow|Inlet"
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
# Lowercase words inside place and street names ("Ostrov nad Ohří", "van Gijn Summit").
_PARTICLE = (
    r"(?:de|del|della|delle|des|du|la|le|les|di|da|do|dos|das|van|von|der|den|ten|ter|"
    r"nad|na|pod|an|am|im|sur|en|y|i|u\.|u|z|d['\u2019]\w+)(?![\w'\u2019])"
)
_UNIT = r"(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Box|P\.?\s?O\.?\s?Box|PSC|CMR)"

# 07960 Aqqusinersuaq 111: house number, name words, number (loose in lowercase texts)
_NUMBER_WORDS_NUMBER = re.compile(
    rf"(?<![\w.,])\d{{1,6}}[ ](?:{_CAP}[ ]){{1,3}}\d{{1,5}}[A-Za-z]?\b", re.UNICODE
)
_CORES = [
    # 221B Baker Street / 1600 N. Pennsylvania Ave / 12 34 Main Road
    re.compile(
        rf"(?<![\w.:])\d{{1,6}}[A-Za-z]?(?:[ ]\d{{1,5}})?[ ](?:[NSEW]\.?[ ])?"
        rf"(?:(?:{_CAP}|{_PARTICLE})[ ]){{0,3}}{_CAP}[ ](?:{_STREET_WORDS})\b\.?",
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
    _NUMBER_WORDS_NUMBER,
    # rue du Centre 320 / Via Roma 12 / Paseo del Atlántico 81 / 12 rue du Centre
    re.compile(
        rf"(?<![\w])(?:\d{{1,5}},?[ ])?(?i:{_STREET_PREFIXES})\.?[ ](?:[\w'\u2019.-]+[ ]){{0,3}}"
        rf"[\w'\u2019-]+(?:[ ]\d{{1,5}}[A-Za-z]?\b)",
        re.UNICODE,
    ),
    # Apt. 12 / Suite 400 / Unit 7194 Box 5854 / PSC 9009, Box 9725
    re.compile(rf"(?<![\w])(?i:{_UNIT})\.?[ ]?#?\d{{1,6}}[A-Za-z]?\b", re.UNICODE),
    # the corner of Kuusiku 7 and Alexander Flat: an intersection with a house number
    re.compile(
        rf"(?i:(?:the[ ])?corner[ ]of)[ ](?=[^\n?!]{{0,40}}\d)(?:[\w'\u2019.-]+[ ]){{1,5}}?"
        rf"and[ ](?:(?:{_CAP}|{_PARTICLE}|\d{{1,5}})[ ]){{0,3}}{_CAP}",
        re.UNICODE,
    ),
    # APO AE 01708 (US military mail); a ship's name on the line before it
    re.compile(r"\b[ADF]PO[ ]A[AEP][ ]\d{5}\b"),
    re.compile(rf"\b(?:USNS|USNV|USS|USCGC|USCGS)[ ]{_CAP}(?:[ ]{_CAP}){{0,2}}", re.UNICODE),
]

# What may follow a core on the same or the next line(s): more units, places, postcodes.
_CONTINUATION = re.compile(
    rf"(?P<sep>[ \t]*(?:,|\n)[ \t]*(?:[^\w\s]{{1,4}}[ \t]*)?|[ \t]+)"
    rf"(?P<part>(?i:{_UNIT})\.?[ ]?#?\d{{1,6}}[A-Za-z]?\b"
    r"|\d{4,6}(?:-\d{3,4})?\b|\d{3}[ ]\d{2}\b|[A-Z]{2,3}\b(?![a-z])"
    # a short region code ("ec", "32") counts only when a postcode follows it
    r"|(?:[a-z]{2,3}|\d{1,3})\b(?=[ \t]*(?:,[ \t]*|\n[ \t]*)?\d{4,6}\b)"
    rf"|{_CAP}(?:[ ](?:(?:{_PARTICLE}[ ])?{_CAP}|\([\w ]+\))){{0,3}})",
    re.UNICODE,
)
_MAX_CONTINUATIONS = 6
_HOUSE_NUMBER_BEFORE = re.compile(r"(?<![\w.,-])\d{1,6}[ ]$")
_NOT_PLACES = frozenset(
    "I The A An And Or But So If Then Thanks Thank Please Best Regards Cheers It This That "
    "We You He She They My Our Your Can Could Would Should Is Are Was Were What When Where "
    "Why How Also Hi Hello Dear Ok OK For To Not Do Did Does Will Have Has Had In On At Of "
    "Since Because Just Now Thx Which Who With After Before Until From By As Be".split()
)

# A capitalised name word; Latin Extended-A letters ("Ludmiła") and inner capitals
# ("LeBatelier", "McDonald") included.
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ\u0100-\u017f](?:[a-zà-öø-ÿ\u0100-\u017f'\u2019-]|[A-Z](?=[a-z]))+"
# Particles inside a name ("Matthijs de Jong", "Herr van der Dussen"), only before a
# capitalised word, so "Ana de vacaciones" stays "Ana".
_NAME_PARTICLE = (
    r"(?:van|von|de|der|den|da|di|del|della|dos|das|do|du|le|la|ten|ter|zu)"
    r"(?=[ ](?:(?:der|den|de|la|le)[ ])?[A-ZÀ-ÖØ-Þ])"
)
_NAMED = (
    rf"(?:{_NAME_PARTICLE}[ ]){{0,2}}{_NAME_WORD}"
    rf"(?:[ ](?:[A-Z]\.?(?=[ ])|{_NAME_WORD}|{_NAME_PARTICLE})){{0,4}}"
)
# The customary sign-offs of the other catalogue languages: the name follows on the same
# line or the next ("Bien à vous,\nClaire Martin").
_NAME_SIGNED = re.compile(
    r"\b(?i:(?:beste|liebe|herzliche|freundliche)\s+grüße|grüße|gruß|bien\s+à\s+vous|"
    r"(?:bien\s+)?cordialement|salutations|amicalement|un\s+saludo|saludos(?:\s+cordiales)?|"
    r"atentamente|un\s+abrazo|groetjes|groeten|met\s+vriendelijke\s+groet(?:en)?|"
    r"hartelijke\s+groet(?:en)?|saluti|cordiali\s+saluti|distinti\s+saluti|un\s+saluto|"
    r"cumprimentos|com\s+os\s+melhores\s+cumprimentos|atenciosamente|abraços)"
    r",?(?:[ \t]+|[ \t]*\n[ \t]*)"
    rf"(?P<name>{_NAMED})",
    re.UNICODE,
)
# A thank-you that closes a message (in the other catalogue languages; English text has
# the NER), with the name alone on the next line ("Grazie mille,\n
# Graziella Mondaini"): a signature. Only across the line break: on one line the words
# after a thank-you are the message's ("Grazie Mille per l'aiuto").
_THANKS_SIGNED = re.compile(
    r"\b(?i:grazie(?:\s+mille)?(?:\s+in\s+anticipo)?|obrigad[oa](?:\s+desde\s+já)?|"
    r"(?:muito|muchas)\s+(?:obrigad[oa]|gracias)|gracias(?:\s+de\s+antemano)?|"
    r"(?:alvast\s+)?bedankt|(?:vielen\s+)?dank(?:e)?(?:\s+im\s+voraus)?|"
    r"merci(?:\s+d['\u2019]avance|\s+beaucoup)?)"
    r"[ \t]*[,.!]?[ \t]*\n[ \t]*"
    rf"(?P<name>{_NAMED})[ \t]*(?:\n|$)",
    re.UNICODE,
)
_NAME_CONTEXT = re.compile(
    r"(?:\b(?i:my\s+name\s+is|name\s*:|i\s+am|i'm|signed,?|regards,?|sincerely,?|dear|"
    r"(?:first|last|maiden|full|sur|given|family)\s*name(?:\s+is|\s*\?|\s*:)|"
    # The same introductions in the other catalogue languages (de, fr, es, nl, it, pt).
    r"ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|je\s+m['\u2019]appelle|mon\s+nom\s+est|"
    r"me\s+llamo|mi\s+nombre\s+es|ik\s+heet|mijn\s+naam\s+is|mi\s+chiamo|"
    r"il\s+mio\s+nome\s+è|me\s+chamo|chamo-me|meu\s+nome\s+é|hier\s+(?:ist|spricht)|"
    r"je\s+suis|ik\s+ben|io\s+sono|yo\s+soy|eu\s+sou|"
    r"mit\s+freundlichen\s+grüßen,?|viele\s+grüße,?|cordialement,?|atentamente,?|saludos,?|"
    r"met\s+vriendelijke\s+groet,?|cordiali\s+saluti,?|atenciosamente,?|"
    # Who a parcel goes to, before the address ("Spedire a: Livia Condoleo, via ...").
    r"versturen\s+naar\s*:|verzenden\s+naar\s*:|"
    r"spedire\s+a\s*:|enviar\s+(?:para|a)\s*:|envoyer\s+à\s*:|senden\s+an\s*:|"
    r"lieferung\s+an\s*:|destinatario\s*:|destinatário\s*:|destinataire\s*:|"
    r"empfänger\s*:|ontvanger\s*:)"
    r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Dhr|Mevr|Sig|Sig\.ra)\.?"
    # Forms of address written out, any case ("el señor García", "il signor Rossi").
    r"|\b(?i:monsieur|madame|mademoiselle|señor|señora|señorita|meneer|mevrouw|signor|"
    r"signora|signorina|senhor|senhora))[ \t]+"
    rf"(?P<name>{_NAMED})",
    re.UNICODE,
)
# After an explicit "name is"/"name:" a customer may type the name in lowercase.
_LOWER_NAME_WORD = r"[a-zà-öø-ÿ\u0100-\u017f][a-zà-öø-ÿ\u0100-\u017f'\u2019-]+"
_NAME_STATED = re.compile(
    r"(?:\b(?i:(?:my|first|last|maiden|full|sur|given|family)\s*name\s*(?:is|:|\?))"
    # A form's bare "name:" field, at the start of the text or of a line.
    r"|(?:^|(?<=\n))[ \t]*(?i:name)[ \t]*:)[ \t]+"
    rf"(?P<name>{_LOWER_NAME_WORD}(?:[ ](?:[a-z]\.?(?=[ ])|{_LOWER_NAME_WORD})){{0,2}})"
    # ... then the end of the sentence or line, or the form's next field ("address:").
    r"(?=[ \t]*(?:$|[.,;!?\n]|[ \t]{2,}|[ \t]+[a-z-]+[ \t]*:))",
    re.UNICODE,
)
_NOT_NAMES = frozenset(
    "Not Sure Sorry Looking Trying Having Going Still Unable Interested Writing Calling "
    "Here Glad Happy Afraid New Just Very So Also Back From In On At With The A An "
    "Me You Him Her It Them Us This That Today Yesterday Tomorrow".split()
)
# A form of address after an introduction ("hier ist Frau Schmidt") is not the name.
_FORMS_OF_ADDRESS = frozenset(
    "Mr Mrs Ms Miss Dr Prof Herr Frau Madame Monsieur Mademoiselle Señor Señora Señorita "
    "Meneer Mevrouw Signor Signora Signorina Senhor Senhora".split()
)
# A name in an address block stops where the address starts ("Mrs. Ann Lee Apt. 5 ...").
_ADDRESS_WORD = re.compile(rf"^(?:{_UNIT}|{_STREET_WORDS})\.?$")
# A form's next field after the name ("Name: Lena Wirth Address: ..." on one line).
_FIELD_WORD = re.compile(
    r"^(?i:phone|tel|mobile|e-?mail|address|website|date|dob|title|company)?:?$|.*:$"
)


# A house number, then street words that the cores above do not know ("0269 Stensås
# terrasse 38", "389 167 king alexander"): an address only with an address-like tail
# (a unit, a postcode) or after an address cue.
_LOOSE_CORE = re.compile(
    rf"(?<![\w.,/:#-])\d{{1,6}}(?:[ ]\d{{1,5}})?[ ]{_CAP}"
    rf"(?:[ ](?:{_CAP}|{_PARTICLE}|[a-zà-öø-ÿ][\w'\u2019-]+)){{0,3}}"
    r"(?P<number>[ ]\d{1,5}[A-Za-z]?\b\.?)?",
    re.UNICODE,
)
# "2 weeks, order 12345": a number of time units is a duration, not a house number.
_DURATION = re.compile(
    r"\d+[ ](?:second|minute|hour|day|night|week|month|year|time)s?\b", re.IGNORECASE
)
_ADDRESS_CUE = re.compile(
    r"(?i:\baddress(?:\s+is)?|\blive[sd]?\s+(?:at|in|on)|\bliving\s+(?:at|in|on)|"
    r"\blocated\s+(?:at|in|on)|\b(?:send|ship|deliver|mail|post|return|forward)\w*"
    r"(?:\s+\w+){0,3}\s+to|\bmeet(?:\s+\w+)?\s+at|\bstop\s+at|\bmoved\s+to|"
    r"\bcorner\s+of)\s*:?\s*$"
)
_CORNER = re.compile(r"(?i:(?:the\s+)?corner\s+of\s+)$")
# A street named on the far side of "and" ("the corner of Kuusiku 7 and Alexander Flat").
_AND_AFTER = re.compile(
    rf"[ ]and[ ](?P<b>(?:(?:{_CAP}|{_PARTICLE}|\d{{1,5}})[ ]){{0,3}}{_CAP}"
    rf"(?:[ ](?:{_STREET_WORDS})\b\.?)?)",
    re.UNICODE,
)
_AND_BEFORE = re.compile(
    rf"(?:^|(?<=[:\n])|(?<=\b(?:to|at|is|on|in|of)[ ]))[ \t]*"
    rf"(?P<a>{_CAP}(?:[ ]{_CAP})?)[ ]and[ ]$",
    re.UNICODE | re.MULTILINE,
)
_STREET_END = re.compile(rf"(?:{_STREET_WORDS})\.?$")
_BACK_TOKEN = re.compile(r"(?:^|(?<=[ \t\n]))([\w'\u2019.-]+)[ ]$", re.UNICODE)
_STOP = frozenset(
    "in at to on of is are was the a an and or my our your his her their from for with by "
    "near lives live lived living located address meet me you us it its i we he she they "
    "new old corner here there now then also please send ship deliver return mr mrs ms "
    "miss dr prof sir madam".split()
)
_PARTICLE_WORD = re.compile(rf"^{_PARTICLE}$", re.UNICODE)


def _titled(text: str) -> str:
    """An all-lowercase text with each word capitalised, same length (so the cores, which
    rely on capitals, also read "2407 tawastintie 6, sé, portugal")."""
    out = []
    previous = " "
    for char in text:
        upper = char.upper()
        out.append(upper if not previous.isalnum() and len(upper) == 1 else char)
        previous = char
    return "".join(out)


def _extend(text: str, end: int, titled: bool = False) -> int:
    return _continue(text, end, titled)[0]


def _continue(text: str, end: int, titled: bool = False) -> tuple[int, int]:
    """Where the address that ends at ``end`` really ends, and over how many parts."""
    parts = 0
    for _ in range(_MAX_CONTINUATIONS):
        m = _CONTINUATION.match(text, end)
        if m is None:
            break
        part = m.group("part")
        if part.split()[0].strip(".,") in _NOT_PLACES:
            break
        # A bare space only continues into postcodes and units, never into free words.
        if not m.group("sep").strip() and not (
            part[0].isdigit() or (part[:1].isupper() and not titled)
        ):
            break
        end = m.end()
        parts += 1
    return end, parts


def _extend_back(text: str, start: int) -> int:
    """Street words before a core that starts at a house number or unit ("9243 Avenue
    d'Ouchy 109 Apt. 758", "Λεωφόρος Συγγρού 119 Nino Point"), up to the house number."""
    taken: list[int] = []
    cursor = start
    for _ in range(5):
        m = _BACK_TOKEN.search(text, 0, cursor)
        if m is None:
            break
        token = m.group(1)
        if (
            token.casefold().strip(".") in _STOP
            or (token.endswith(".") and len(token) > 4)
            or re.fullmatch(rf"{_UNIT}\.?", token, re.IGNORECASE)
        ):
            break
        cursor = m.start(1)
        taken.append(cursor)
        if token.isdigit():
            break
    while taken and not (text[taken[-1]].isupper() or text[taken[-1]].isdigit()):
        taken.pop()  # the leftmost word must look like the start of a street name
    return taken[-1] if taken else start


def _joined(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen an address over "the corner of A and B" and "A and <address>"."""
    corner = _CORNER.search(text, 0, start)
    if corner is not None:
        start = corner.start()
    after = _AND_AFTER.match(text, end)
    if after is not None and (corner is not None or _STREET_END.search(after.group("b"))):
        end = after.end()
    before = _AND_BEFORE.search(text, 0, start)
    if before is not None and before.group("a").split()[0] not in _NOT_PLACES:
        start = before.start("a")
    return start, end


def _lowercase(text: str) -> bool:
    return not any(c.isupper() for c in text) and any(c.islower() for c in text)


def find_addresses(text: str) -> Iterator[PiiSpan]:
    """Street-address spans (cores extended over city/postcode/country lines).

    An all-lowercase text is read with its words capitalised; there, as for the loose
    core everywhere, a number-words-number core ("for 3 at 7", "400 times 2") is an
    address only after an address cue or with an address-like tail."""
    titled = _lowercase(text)
    shape = _titled(text) if titled else text
    loose = [_LOOSE_CORE, _NUMBER_WORDS_NUMBER] if titled else [_LOOSE_CORE]
    for pattern in _CORES:
        if pattern in loose:
            continue
        for m in pattern.finditer(shape):
            end = _extend(shape, m.end(), titled)
            start = m.start()
            house = _HOUSE_NUMBER_BEFORE.search(shape, 0, start)
            if house is not None:
                start = house.start()
            if shape[start].isdigit() and not titled:
                start = _extend_back(shape, start)
            start, end = _joined(shape, start, end)
            yield PiiSpan(start, end, "ADDRESS", 0.6, "pattern")
    for pattern in loose:
        for m in pattern.finditer(shape):
            if _DURATION.match(shape, m.start()):
                continue
            end, parts = _continue(shape, m.end(), titled)
            tail = shape[m.end() : end]
            cue = _ADDRESS_CUE.search(text, max(0, m.start() - 60), m.start()) is not None
            unit = re.search(rf"\b{_UNIT}\b", tail) is not None
            if cue or unit or (parts >= 2 and any(c.isdigit() for c in tail)):
                start, end = _joined(shape, m.start(), end)
                yield PiiSpan(start, end, "ADDRESS", 0.5, "pattern")


def find_introduced_names(text: str) -> Iterator[PiiSpan]:
    """Names a customer introduces ("my name is ...", "Mrs. ...", "Regards, ...")."""
    for pattern in (_NAME_CONTEXT, _NAME_STATED, _NAME_SIGNED, _THANKS_SIGNED):
        for m in pattern.finditer(text):
            words = m.group("name").split(" ")
            start = m.start("name")
            while len(words) > 1 and words[0].rstrip(".") in _FORMS_OF_ADDRESS:
                start += len(words.pop(0)) + 1
            kept = 0
            while (
                kept < len(words)
                and not _ADDRESS_WORD.match(words[kept])
                and not _FIELD_WORD.match(words[kept])
            ):
                kept += 1
            if kept == 0 or words[0].capitalize() in _NOT_NAMES:
                continue
            end = start + len(" ".join(words[:kept]))
            yield PiiSpan(start, end, "PERSON", 0.6, "pattern")
