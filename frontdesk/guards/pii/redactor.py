"""Find PII and replace it with typed placeholders such as ``<EMAIL>``.

Structured identifiers come from validated patterns (always on, sub-millisecond); names
and addresses from patterns plus, when ``ner`` is on, presidio's spaCy engine.
Overlaps resolve in favour of checksum-validated identifiers, then the longer span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from frontdesk.guards.pii.address import find_addresses, find_introduced_names
from frontdesk.guards.pii.address_eu import find_european_addresses
from frontdesk.guards.pii.language import OtherLanguage
from frontdesk.guards.pii.listed_names import ListedNames
from frontdesk.guards.pii.name_cues import find_cued_names
from frontdesk.guards.pii.names import NameGazetteer, find_gazetteer_names
from frontdesk.guards.pii.names_eu import find_named_people, find_self_introduced, name_words
from frontdesk.guards.pii.ner import PresidioNer
from frontdesk.guards.pii.patterns import find_structured
from frontdesk.guards.policy import PII_LABELS
from frontdesk.guards.types import PiiSpan, RedactionResult

_VALIDATED = frozenset({"EMAIL", "IBAN", "CREDIT_CARD", "SSN", "IP_ADDRESS"})
_JOINER = re.compile(r"^[\s,>]{0,4}$")
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# spaCy entities a gazetteer name may not overlap (a city named after a person). Not ORG:
# the small model calls most unfamiliar two-word names an organisation.
_NOT_PERSON_LABELS = _PLACE_LABELS | {"NORP"}
# spaCy tags many all-caps tokens and stray words as people; keep names that look like names.
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'\u2019.-]*$", re.UNICODE)
_LINE_END = re.compile(r"\n|[ \t]{2,}")
# Form and signature field labels spaCy reads as a name ("Personal Info: Phone: ...").
_FIELD_WORDS = frozenset("personal info information phone e-mail email website address".split())
# Chat shorthand spaCy may take for a name in lowercase text ("what's the max size").
_SHORTHAND = frozenset("max min approx pls plz thx asap".split())


def _cut_at_line_end(text: str, span: PiiSpan) -> PiiSpan:
    """A name run ends where a line did: "Oskari Leinonen  Warehouse clerk" pasted as one
    line is a name, then a job title."""
    first = _LINE_END.split(text[span.start : span.end], 1)[0].rstrip()
    if not first or len(first) == span.end - span.start:
        return span
    return PiiSpan(span.start, span.start + len(first), span.label, span.score, span.source)


def placeholder(label: str) -> str:
    return f"<{label}>"


def _resolve(spans: Iterable[PiiSpan]) -> list[PiiSpan]:
    """Drop overlapping spans: validated identifiers first, then longer spans."""
    ranked = sorted(spans, key=lambda s: (s.label not in _VALIDATED, -(s.end - s.start), s.start))
    kept: list[PiiSpan] = []
    for span in ranked:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _merge_addresses(text: str, spans: list[PiiSpan], places: list[PiiSpan]) -> list[PiiSpan]:
    """Join address pieces separated only by commas/newlines, absorbing adjacent places."""
    pieces = sorted(
        [s for s in spans if s.label == "ADDRESS"] + places, key=lambda s: (s.start, -s.end)
    )
    merged: list[PiiSpan] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if last is not None and (
            piece.start <= last.end or _JOINER.match(text[last.end : piece.start])
        ):
            if last.label == "ADDRESS" or piece.label == "ADDRESS":
                end = max(last.end, piece.end)
                merged[-1] = PiiSpan(
                    last.start,
                    end,
                    "ADDRESS",
                    max(last.score, piece.score),
                    last.source if last.label == "ADDRESS" else piece.source,
                )
                continue
            if piece.end > last.end:  # place next to a place: remember the wider one
                merged[-1] = PiiSpan(last.start, piece.end, last.label, last.score, last.source)
            continue
        merged.append(piece)
    addresses = [s for s in merged if s.label == "ADDRESS"]
    return [s for s in spans if s.label != "ADDRESS"] + addresses


class PiiRedactor:
    """Finds PII in a text and redacts it. Light ``__init__``; NER loads in ``warm_up``."""

    def __init__(
        self,
        *,
        labels: Iterable[str] = PII_LABELS,
        ner: bool = False,
        ner_model_path: Path | None = None,
        detect_language: bool = False,
    ) -> None:
        """``detect_language``: for text redacted without its language (tickets and
        questions mined for FAQ drafts), detect it, and keep the English name finders off
        text clearly in another chat language, as the message path does."""
        self.labels = frozenset(labels)
        self.ner = PresidioNer(ner_model_path) if ner else None
        self._gazetteer: NameGazetteer | None = None
        self._known_names: frozenset[str] = frozenset()  # given names and surnames
        self._other_language = OtherLanguage() if detect_language and ner else None

    def warm_up(self) -> None:
        if self._other_language is not None:
            self._other_language.warm_up()
        if self.ner is not None:
            self.ner.warm_up()
            if self._gazetteer is None and self.ner.model_path is not None:
                self._gazetteer = NameGazetteer.load(self.ner.model_path)
                # Once: the union of two large sets took ms on every message.
                self._known_names = self._gazetteer.given | self._gazetteer.surnames

    @property
    def english_words(self) -> frozenset[str]:
        """English words (once ``warm_up`` loaded the name lists; else none)."""
        return self._gazetteer.english if self._gazetteer is not None else frozenset()

    @property
    def surnames(self) -> frozenset[str]:
        return self._gazetteer.surnames if self._gazetteer is not None else frozenset()

    def find(
        self,
        text: str,
        language: str | None = None,
        names: ListedNames | None = None,
        one_word_names: bool = True,
    ) -> list[PiiSpan]:
        """Non-overlapping PII spans of ``text``, sorted by start. ``language``: the
        message's, when known; the NER model and the name list are English, and on other
        languages they take capitalised nouns for names ("Lieferadresse" → <PERSON>), so
        only the patterns run there. ``names``: the tenant's listed names (its customers'
        own), redacted in every language. Without ``language`` a redactor made with
        ``detect_language`` detects it. ``one_word_names`` false: the text is probably
        in another language (:func:`~frontdesk.guards.pii.language.probably_other`), so
        the NER's one-word names are taken for its capitalised nouns ("el plan Plus")."""
        if language is None and self._other_language is not None:
            language = self._other_language(text)
        spans = find_structured(text, self.labels)
        if names and "PERSON" in self.labels:
            spans.extend(names.find(text))
        places: list[PiiSpan] = []
        european: list[PiiSpan] = []
        if "ADDRESS" in self.labels:
            spans.extend(find_addresses(text))
            european = list(find_european_addresses(text))
            spans.extend(european)
        if "PERSON" in self.labels:
            spans.extend(find_introduced_names(text))
            spans.extend(find_named_people(text))
            if self._gazetteer is not None:  # in every language: the cue is German
                spans.extend(find_self_introduced(text, self._gazetteer.given))
        if self.ner is not None and language in (None, "en"):
            self.warm_up()
            entities = self.ner.entities(text)
            blocked = [(e.start, e.end) for e in entities if e.label in _NOT_PERSON_LABELS]
            for entity in entities:
                surface = text[entity.start : entity.end]
                if entity.label == "PERSON" and "PERSON" in self.labels:
                    # spaCy runs a name on into the next line ("Allan\nEchocardiographer"),
                    # or the next field of a block pasted as one line ("Jamie Pratt  Clerk").
                    surface = _LINE_END.split(surface, 1)[0].rstrip()
                    words = surface.split()
                    if not one_word_names and sum(w[:1].isupper() for w in words) < 2:
                        continue  # "plan Plus": one capitalised word
                    if (
                        words
                        and all(_NAME_TOKEN.match(t) for t in words)
                        and not any(t.casefold().rstrip(":") in _FIELD_WORDS for t in words)
                        and not self._lowercase_word(text, words)
                    ):
                        end = entity.start + len(surface)
                        spans.append(PiiSpan(entity.start, end, "PERSON", 0.85, "ner"))
                elif entity.label in _PLACE_LABELS and "ADDRESS" in self.labels:
                    places.append(PiiSpan(entity.start, entity.end, entity.label, 0.5, "ner"))
                    if entity.label == "FAC" and any(c.isdigit() for c in surface):
                        spans.append(PiiSpan(entity.start, entity.end, "ADDRESS", 0.6, "ner"))
            if "PERSON" in self.labels and self._gazetteer is not None:
                contact = any(s.label != "PERSON" for s in spans)
                spans.extend(find_cued_names(text, self._gazetteer, contact))
                people = [s for s in spans if s.label == "PERSON"]
                other_pii = [(s.start, s.end) for s in spans if s.label != "PERSON"]
                found = find_gazetteer_names(text, self._gazetteer, people, blocked, other_pii)
                spans.extend(_cut_at_line_end(text, span) for span in found)
        if "ADDRESS" in self.labels:
            spans = _merge_addresses(text, spans, places)
        tidy = self._tidy(text, spans, {s.end for s in european})
        return _resolve(s for s in tidy if s.label in self.labels)

    def _tidy(self, text: str, spans: list[PiiSpan], town_ends: set[int]) -> Iterator[PiiSpan]:
        """Person spans keep their name-like words (a tenant's listed names stay whole);
        an address whose town ends a sentence ("..., 13634 Sevilla.") leaves the full stop
        (``town_ends``: where the street-first addresses end)."""
        known = self._known_names
        for span in spans:
            if span.label == "ADDRESS" and span.end - 1 in town_ends and text[span.end - 1] == ".":
                yield PiiSpan(span.start, span.end - 1, span.label, span.score, span.source)
                continue
            if span.label != "PERSON" or span.source == "tenant":
                yield span
                continue
            kept = name_words(text, span, known)
            if kept is not None:
                yield kept

    def _lowercase_word(self, text: str, words: list[str]) -> bool:
        """A one-word "name" in an all-lowercase message that is an English word or chat
        shorthand: spaCy's guess, not a person ("what's the max size of a parcel")."""
        if len(words) != 1 or any(c.isupper() for c in text):
            return False
        word = words[0].casefold()
        return word in _SHORTHAND or word in self.english_words

    def redact(
        self, text: str, language: str | None = None, names: ListedNames | None = None
    ) -> RedactionResult:
        spans = self.find(text, language, names)
        return RedactionResult(apply_redaction(text, spans), tuple(spans))


def apply_redaction(text: str, spans: Iterable[PiiSpan]) -> str:
    """``text`` with each (non-overlapping) span replaced by its placeholder."""
    out: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        out.append(text[cursor : span.start])
        out.append(placeholder(span.label))
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)
