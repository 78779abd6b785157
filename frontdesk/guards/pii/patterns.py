"""Structured PII found by regular expressions and confirmed by validators (no NER).

Every finder returns :class:`PiiSpan` objects over the text it was given. Numbers that
fail their checksum (a card with a bad Luhn digit, an IBAN with a bad mod-97) are left
alone: they are usually order or reference numbers the agent needs to see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from frontdesk.guards.pii.validators import (
    digits_of,
    iban_valid,
    ipv4_valid,
    plausible_card,
    ssn_valid,
)
from frontdesk.guards.types import PiiSpan

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+%-]{1,64}@(?:[\w-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])", re.UNICODE
)
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){11,18}(?![\w-])")
_IBAN = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}(?![\w])")
_SSN = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
_SSN_CONTEXT = re.compile(
    r"(?i)\b(?:ssn|social security(?: number| no\.?)?)\W{0,5}(\d{3})(\d{2})(\d{4})\b"
)
_NINO = re.compile(
    r"(?<![\w])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])"
)
_ID_CONTEXT = re.compile(
    r"(?i)\b(?:driver'?s?\s+licen[cs]e|licen[cs]e\s+(?:no\.?|number|#)|passport|"
    r"national\s+id(?:entity)?|id\s+(?:card|number)|tax\s+(?:id|number)|personal\s+number)"
    r"(?:\s+(?:no\.?|number|#|is|:))*\s*:?\s*"
    r"(?P<id>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{4,19})(?![\w-])"
)
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])")
# International formats as people write them: a country code (also in parentheses,
# "(+358)"), a trunk zero in parentheses ("+44 (0)20 ..."), an area code in parentheses
# followed by one block ("(0161) 4960066"), a country code before one block ("+39
# 0925141776"), "/" between area and number ("06-1/417-7763"), an extension ("x150").
_EXTENSION = r"(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?"
# Never the digits of an identifier with a letter prefix ("invoice LDG-2026-004120").
_NOT_AFTER_PREFIX = r"(?<![A-Za-z]-)"
_PHONE = re.compile(
    rf"{_NOT_AFTER_PREFIX}(?:"
    r"(?<![\w+(])(?:\+\d{1,3}[\s.-]?|\(\+\d{1,3}\)[ ]?|\d{1,2}[ ](?=\())?(?:\(0\)[ ]?)?"
    r"(?:\(\d{1,5}\)[\s.-]?)?"
    rf"\d{{1,5}}(?:[\s./-]\d{{1,5}}){{0,3}}[\s.-]\d{{2,8}}{_EXTENSION}(?![\w])"
    r"|(?<![\w+(])(?:\+\d{1,3}[ ]?|\(\+\d{1,3}\)[ ]?)(?:\(0\)[ ]?)?\d{6,12}(?![\w])"
    r"|(?<![\w+(])\(\d{2,5}\)[ -]?\d{5,10}(?![\w])"
    r"|(?<![\w+])\+\d{8,14}(?![\w])"
    r"|(?<![\w])0\d{8,11}(?![\w])"
    r")"
)
# A bare run of digits is an order number as often as a phone; after a call or phone word
# of es/it/nl/pt ("richiamarmi al 3857116819", "bel me op 612345678") it is a phone.
_CUED_BARE_PHONE = re.compile(
    r"(?<![\w])(?i:(?:ri)?chiam\w*|telefon\w*|cellulare|llám\w*|llam[ae]\w*|móvil|"
    r"teléfono|bel(?:t|len|me)?|mobiel\w*|telefoonnummer|ligu\w*|ligar|telemóvel|"
    r"telefone|número|numero|nummer)"
    r"(?:[ ]+[\w\u00c0-\u017f'-]+){0,2}[ ]+(?P<number>[1-9]\d{8,11})(?![\w])",
    re.UNICODE,
)
_EXTENSION_AT_END = re.compile(r"[ ]?(?:x|ext\.?)[ ]?\d{1,6}$")
_DATE_LIKE = re.compile(
    r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{1,2}[-./]\d{4})$"
)
_DATETIME = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
    r"|\d{1,2}:\d{2}(?::\d{2})?"
)
# Five digit pairs from 0 (the French and Belgian way to write a number): never a date.
_PAIRS = re.compile(r"^0\d(?:([ .-])\d\d)(?:\1\d\d){3}$")
_YEAR_RUN = re.compile(r"^(?:(?:19|20)\d\d[\s-]?)+$")


def _card(text: str) -> Iterator[PiiSpan]:
    for m in _CARD.finditer(text):
        if plausible_card(m.group()):
            yield PiiSpan(m.start(), m.end(), "CREDIT_CARD", 1.0, "pattern")


def _iban(text: str) -> Iterator[PiiSpan]:
    for m in _IBAN.finditer(text):
        candidate = m.group()
        # The pattern may run into a following word: shrink to the longest valid prefix.
        for end in range(len(candidate), 14, -1):
            if candidate[end - 1] != " " and iban_valid(candidate[:end]):
                yield PiiSpan(m.start(), m.start() + end, "IBAN", 1.0, "pattern")
                break


def _ssn(text: str) -> Iterator[PiiSpan]:
    for m in _SSN.finditer(text):
        if ssn_valid(m.group(1), m.group(3), m.group(4)):
            yield PiiSpan(m.start(), m.end(), "SSN", 0.9, "pattern")
    for m in _SSN_CONTEXT.finditer(text):
        if ssn_valid(m.group(1), m.group(2), m.group(3)):
            yield PiiSpan(m.start(1), m.end(3), "SSN", 1.0, "pattern")


def _national_id(text: str) -> Iterator[PiiSpan]:
    for m in _NINO.finditer(text):
        yield PiiSpan(m.start(), m.end(), "NATIONAL_ID", 0.8, "pattern")
    for m in _ID_CONTEXT.finditer(text):
        yield PiiSpan(m.start("id"), m.end("id"), "NATIONAL_ID", 0.7, "pattern")


def _email(text: str) -> Iterator[PiiSpan]:
    for m in _EMAIL.finditer(text):
        yield PiiSpan(m.start(), m.end(), "EMAIL", 1.0, "pattern")


def _ip(text: str) -> Iterator[PiiSpan]:
    for m in _IPV4.finditer(text):
        if ipv4_valid(m.group()):
            yield PiiSpan(m.start(), m.end(), "IP_ADDRESS", 0.9, "pattern")
    for m in _IPV6.finditer(text):
        yield PiiSpan(m.start(), m.end(), "IP_ADDRESS", 0.9, "pattern")


def _real_date(value: str) -> bool:
    """A time, or a date whose day and month are in range in some order."""
    if ":" in value:
        return True
    parts = [int(p) for p in re.split(r"[-./ T]", value)[:3] if p.isdigit()]
    if len(parts) < 3:
        return True
    if parts[0] > 31:  # year first
        return parts[1] <= 12 and parts[2] <= 31
    a, b = parts[0], parts[1]
    return (a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and b <= 31)


def _phone(text: str) -> Iterator[PiiSpan]:
    dates = [(d.start(), d.end()) for d in _DATETIME.finditer(text) if _real_date(d.group())]
    for m in _PHONE.finditer(text):
        # Overlapping a real date or time, not a phone; digit pairs that only look like a
        # date ("01.84.17.61.18", "60-56-85-91": no month 84 or 56) may be one.
        if not _PAIRS.match(m.group()) and any(
            m.start() < end and start < m.end() for start, end in dates
        ):
            continue
        candidate = m.group()
        digits = digits_of(_EXTENSION_AT_END.sub("", candidate))
        if not 7 <= len(digits) <= 15:
            continue
        if _DATE_LIKE.match(candidate) or _YEAR_RUN.match(candidate):
            continue
        if candidate.count(".") >= 3 and ipv4_valid(candidate):
            continue
        yield PiiSpan(m.start(), m.end(), "PHONE", 0.7, "pattern")
    for m in _CUED_BARE_PHONE.finditer(text):
        yield PiiSpan(m.start("number"), m.end("number"), "PHONE", 0.6, "pattern")


Finder = Callable[[str], Iterator[PiiSpan]]

# Order is priority: when spans overlap, the earlier finder's span wins.
FINDERS: dict[str, Finder] = {
    "EMAIL": _email,
    "IBAN": _iban,
    "CREDIT_CARD": _card,
    "SSN": _ssn,
    "NATIONAL_ID": _national_id,
    "IP_ADDRESS": _ip,
    "PHONE": _phone,
}


def find_structured(text: str, labels: frozenset[str] | None = None) -> list[PiiSpan]:
    """All validated structured spans, in priority order (not yet de-overlapped)."""
    spans: list[PiiSpan] = []
    for label, finder in FINDERS.items():
        if labels is None or label in labels:
            spans.extend(finder(text))
    return spans
