"""What the output checks look for in text: e-mail addresses, phone numbers, URLs and
bare domains, reference ids (tracking, claim, invoice, order, ticket numbers) and the
names in greetings ("Hi Jane,"). Each comes with a normalised key so the same value is
recognised however it is written ("+49 30 1234567" and "0049301234567" differ; spacing
and punctuation do not)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from frontdesk.guards.pii.patterns import find_structured

_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\[\]{}\"'`]+")
_TLDS = (
    "com|net|org|io|co|de|uk|eu|fr|es|it|nl|at|ch|be|pl|se|dk|no|fi|info|biz|app|dev|xyz"
    "|online|shop|site|store|top|example|test|me|ly|gl|to|ru|cn|us|ca|au|support|help"
)
_DOMAIN = re.compile(rf"(?i)(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})\b")
_IDS = (
    re.compile(r"\b[A-Z]{2}\d{8,12}[A-Z]{2}\b"),  # UPU tracking numbers: PY4820193746DE
    re.compile(r"\b[A-Z]{1,5}-\d{3,}(?:-\d+)*\b"),  # T-1001, INQ-40211, INV-2026-00123
    re.compile(
        r"(?i)\b(?:order|invoice|claim|ticket|case|reference|ref|tracking|parcel|shipment)"
        r"(?:\s+(?:no\.?|number|#|id))?\s*[:#]?\s*(?-i:(?P<id>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,}))\b"
    ),
)
_GREETING = re.compile(
    r"^(?i:hi|hello|hey|dear|good (?:morning|afternoon|evening))\s+"
    r"(?P<name>[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+)?)\s*[,!.]"
)
_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str  # email | phone | url | domain | id | name
    text: str  # as written
    key: str  # normalised for comparison
    start: int
    end: int


def phone_key(text: str) -> str:
    digits = "".join(c for c in text if c.isdigit())
    return digits.removeprefix("00")


def host_of(url: str) -> str:
    """``https://www.Help.example/x`` -> ``help.example``."""
    raw = url if "://" in url else f"http://{url}"
    host = (urlsplit(raw).hostname or "").lower()
    return host.removeprefix("www.")


def url_key(url: str) -> str:
    """Scheme, ``www.`` and a trailing slash do not matter; case of the host does not."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host_of(url)}{path}{query}"


def emails(text: str) -> list[Entity]:
    return [
        Entity("email", text[s.start : s.end], text[s.start : s.end].lower(), s.start, s.end)
        for s in find_structured(text, frozenset({"EMAIL"}))
    ]


def phones(text: str) -> list[Entity]:
    return [
        Entity("phone", text[s.start : s.end], phone_key(text[s.start : s.end]), s.start, s.end)
        for s in find_structured(text, frozenset({"PHONE"}))
    ]


def urls(text: str) -> list[Entity]:
    found = []
    for match in _URL.finditer(text):
        raw = match.group().rstrip(_TRAILING)
        found.append(Entity("url", raw, url_key(raw), match.start(), match.start() + len(raw)))
    return found


def domains(text: str) -> list[Entity]:
    """Bare domains (``parcelly-help.example``) outside URLs and e-mail addresses."""
    taken = [(e.start, e.end) for e in urls(text) + emails(text)]
    found = []
    for match in _DOMAIN.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        found.append(
            Entity("domain", match.group(), host_of(match.group()), match.start(), match.end())
        )
    return found


def contacts(text: str) -> list[Entity]:
    """E-mail addresses, phone numbers, URLs and bare domains."""
    return emails(text) + phones(text) + urls(text) + domains(text)


def reference_ids(text: str) -> list[Entity]:
    found: dict[str, Entity] = {}
    for pattern in _IDS:
        for match in pattern.finditer(text):
            group = "id" if "id" in pattern.groupindex else 0
            value = match.group(group)
            key = value.upper().replace(" ", "")
            if key not in found:
                found[key] = Entity("id", value, key, match.start(group), match.end(group))
    return list(found.values())


def greeting_name(sentence: str) -> Entity | None:
    match = _GREETING.match(sentence.strip())
    if match is None:
        return None
    name = match.group("name")
    return Entity("name", name, name.lower(), match.start("name"), match.end("name"))


def mentions(haystack: str, entity: Entity) -> bool:
    """Does ``haystack`` contain ``entity`` (compared by its normalised key)?"""
    if entity.kind == "phone":
        return any(entity.key == p.key for p in phones(haystack)) or (
            len(entity.key) >= 7 and entity.key in phone_key(haystack)
        )
    if entity.kind == "url":
        return any(entity.key == u.key for u in urls(haystack)) or entity.key in haystack.lower()
    if entity.kind == "domain":
        lowered = haystack.lower()
        return entity.key in lowered
    if entity.kind == "id":
        return entity.key in haystack.upper().replace(" ", "")
    if entity.kind == "name":
        return re.search(rf"(?i)\b{re.escape(entity.text)}\b", haystack) is not None
    return entity.key in haystack.lower()
