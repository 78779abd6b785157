"""Person names found by where they stand rather than by what they are (NER path only).

spaCy's small model and the name gazetteer miss names they have never seen ("Warrane",
"Djevad Šušulić"). Where a customer's text puts a word tells more:

* the first line of a signature or contact block ("Jamie Pratt\\nClerk\\nPhone: ...");
* a speaker label in a pasted chat ("Vsevolod: \\"Who are you?\\"");
* after a speech or naming verb ("said Maslin", "was called Djevad Šušulić");
* a vocative ("Warrane, can I ...", "Don't go, Brandon!").

A candidate must look like a name (capitalised, or any case in an all-lowercase text) and
not be an English word; field labels and product words never are names here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from frontdesk.guards.pii.names import NameGazetteer
from frontdesk.guards.types import PiiSpan

_UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u017f\u0391-\u03a9\u0410-\u042f"
_WORD = rf"[{_UPPER}][\w'\u2019-]*[^\W\d_]|[{_UPPER}]\.?"
_RUN = (
    rf"(?:{_WORD})(?:[ ](?:{_WORD}|(?:van|von|de|da|del|der|den|ten|ter|la|le)(?=[ ])))" + "{0,3}"
)
_MARKER = r"[ \t]*(?:[>?*|-][ \t]*)*"
# Where a line ended: a line break, or two or more spaces (a block pasted as one line,
# or a form's fields padded apart).
_BREAK = r"(?:[ \t]*\n|[ \t]{2,}(?=\S))"
# The first line of the text (after quote markers) with nothing but a name on it.
_BLOCK_HEAD = re.compile(rf"^[\s>?*|-]*(?P<name>{_RUN}){_BREAK}", re.UNICODE)
# First M. Last: a single capital between two capitalised words is a middle initial.
_INITIALLED = re.compile(
    rf"(?<![\w.])(?P<name>[{_UPPER}][\w'\u2019-]*[^\W\d_][ ][{_UPPER}]\.?[ ]"
    rf"[{_UPPER}][\w'\u2019-]*[^\W\d_])(?![\w])",
    re.UNICODE,
)
# A speaker label: at a line start, or right after the previous speaker's closing quote.
_SPEAKER = re.compile(
    rf"(?:^|\n|(?<=[\"\u201d][ \t])){_MARKER}"
    rf"(?P<name>{_RUN}):[ \t]*[\"\u201c]",
    re.UNICODE,
)
_VERB_CUE = re.compile(
    rf"\b(?:said|says|asked|asks|told|tells|replied|replies|wrote|writes|"
    rf"(?:was|is|am|were|are|be)[ ](?:called|named))[ ](?P<name>{_RUN})",
    re.UNICODE,
)
_VOCATIVE = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?P<name>{_WORD}),[ ](?=(?:can|could|would|will|please|i|we|you|"
    rf"do|did|are|is|have)\b)"
    rf"|,[ ](?P<end>{_WORD})[!?](?:\s|$)",
    re.UNICODE,
)
_LOWER_WORD = r"[a-zà-öø-ÿ][a-zà-öø-ÿ'\u2019-]+"
_LOWER_HEAD = re.compile(
    rf"^[\s>?*|-]*(?P<name>{_LOWER_WORD}(?:[ ](?:{_LOWER_WORD}|[a-z]\.?)){{1,3}}){_BREAK}",
    re.UNICODE,
)
_PARTICLES = frozenset("van von de da del der den ten ter la le".split())
_LABELS = frozenset(
    "name phone email e-mail address website user bot agent customer q a answer question "
    "note subject date from to cc re fw fwd hi hello dear thanks regards team support "
    "admin system assistant me you".split()
)


def _nameish(words: list[str], gaz: NameGazetteer) -> bool:
    """Not English words, not labels; at least one word a known name or unknown word."""
    keys = [
        w.rstrip(".").casefold()
        for w in words
        if len(w.rstrip(".")) > 1 and w.casefold() not in _PARTICLES
    ]
    if not keys or any(k in _LABELS for k in keys):
        return False
    if all(k in gaz.given or k in gaz.surnames for k in keys):
        return True
    return not any(k in gaz.english or (k.endswith("s") and k[:-1] in gaz.english) for k in keys)


def _span(text: str, start: int, end: int) -> PiiSpan:
    while end > start and text[end - 1] in " .":
        end -= 1
    return PiiSpan(start, end, "PERSON", 0.6, "cue")


def find_cued_names(text: str, gaz: NameGazetteer, has_contact: bool) -> Iterator[PiiSpan]:
    """PERSON spans by position. ``has_contact``: the text holds other PII (an e-mail,
    phone or address), which makes a name-only first line a signature."""
    lowercase = not any(c.isupper() for c in text)
    if has_contact and len(re.findall(_BREAK, text)) >= 2:
        head = (_LOWER_HEAD if lowercase else _BLOCK_HEAD).match(text)
        if head is not None:
            words = head.group("name").split()
            if 2 <= len(words) <= 4 and _nameish(words, gaz):
                yield _span(text, head.start("name"), head.end("name"))
    if lowercase:
        return
    for pattern in (_SPEAKER, _VERB_CUE, _INITIALLED):
        for m in pattern.finditer(text):
            words = m.group("name").split()
            if _nameish(words, gaz):
                yield _span(text, m.start("name"), m.end("name"))
    for m in _VOCATIVE.finditer(text):
        group = "name" if m.group("name") else "end"
        if _nameish([m.group(group)], gaz) and m.group(group).casefold() not in gaz.english:
            yield _span(text, m.start(group), m.end(group))
