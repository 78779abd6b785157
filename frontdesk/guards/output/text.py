"""Small text helpers shared by the output checks: sentences, words, numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])|\n{1,}")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])[$€£¥]?\d+(?:[.,]\d+)*%?")
_CITATION = re.compile(r"\[(\d{1,3})\]")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves also may might must shall us let get got please thanks thank yes""".split()
)


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    cursor = 0
    for boundary in [*_SENTENCE_END.finditer(text), None]:
        end = boundary.start() if boundary is not None else len(text)
        piece = text[cursor:end]
        if piece.strip():
            offset = cursor + len(piece) - len(piece.lstrip())
            sentences.append(Sentence(len(sentences), offset, end, piece.strip()))
        if boundary is not None:
            cursor = boundary.end()
    return sentences


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def stem(word: str) -> str:
    """Crude English stemming: enough to match "refunds" with "refund"."""
    word = word.lower().replace("\u2019", "'")
    for suffix in ("'s", "ies", "es", "s", "ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS and not w.isdigit()}


def normalise_number(token: str) -> str | None:
    """``"$1,299.00"`` -> ``"1299"``; thousands separators and trailing zeros dropped."""
    raw = token.strip("$€£¥%")
    if raw.count(",") and raw.count("."):
        raw = raw.replace(",", "") if raw.rfind(".") > raw.rfind(",") else raw.replace(".", "")
        raw = raw.replace(",", ".")
    elif raw.count(",") == 1 and len(raw.split(",")[1]) != 3:
        raw = raw.replace(",", ".")  # decimal comma
    else:
        raw = raw.replace(",", "")
    if raw.count(".") > 1:
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return format(value.normalize(), "f")


def numbers(text: str) -> list[tuple[str, str]]:
    """``(surface, normalised)`` for every number in ``text`` except citation markers."""
    cleaned = _CITATION.sub(" ", text)
    found = []
    for m in _NUMBER.finditer(cleaned):
        value = normalise_number(m.group())
        if value is not None:
            found.append((m.group(), value))
    return found


def strip_citations(text: str) -> str:
    return _CITATION.sub(" ", text)


def citation_markers(text: str) -> list[int]:
    return [int(n) for n in _CITATION.findall(text)]
