# ruff: noqa: RUF001  (this module is about look-alike letters)
"""Unicode clean-up before detection, with a map back to the original offsets.

Attackers hide instructions with zero-width characters, right-to-left overrides,
full-width letters and look-alike letters from other scripts. Detectors see a cleaned
copy; PII spans are mapped back so they index the message exactly as received.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from frontdesk.errors import InvalidInputError, PayloadTooLargeError

# Cyrillic and Greek letters that render like Latin ones (the usual homoglyph attack).
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "υ": "u",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip
_LATIN_CONFUSABLE_SOURCE = frozenset("авекмнорстухіјѕԁАВЕКМНОРСТХІЈЅαορνικτυΑΒΕΖΗΙΚΜΝΟΡΤΥΧ")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """``text`` is the cleaned copy; ``origin[i]`` is the original index of ``text[i]``."""

    text: str
    origin: tuple[int, ...]
    original_length: int
    removed_controls: int
    folded_homoglyphs: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` back onto the original string."""
        if start >= end:
            anchor = self.origin[start] if start < len(self.origin) else self.original_length
            return anchor, anchor
        return self.origin[start], self.origin[end - 1] + 1


def _is_hidden(char: str) -> bool:
    # Format characters (zero-width, bidi overrides, BOM, soft hyphen) and C0/C1 controls
    # other than ordinary whitespace render as nothing or reorder what is shown.
    category = unicodedata.category(char)
    return category == "Cf" or (category == "Cc" and char not in "\n\r\t")


def normalize(text: str, *, max_chars: int | None = None) -> NormalizedText:
    """Clean ``text`` for detection; refuse empty or over-long input with a clear error."""
    if max_chars is not None and len(text) > max_chars:
        raise PayloadTooLargeError(
            f"message is {len(text)} characters; the limit is {max_chars}. "
            "Split it into shorter messages.",
            field="text",
        )
    pieces: list[str] = []
    origin: list[int] = []
    removed = 0
    for index, char in enumerate(text):
        if _is_hidden(char):
            removed += 1
            continue
        piece = unicodedata.normalize("NFKC", char) if not char.isascii() else char
        pieces.append(piece)
        origin.extend([index] * len(piece))
    cleaned = "".join(pieces)
    if not cleaned.strip():
        raise InvalidInputError(
            "message is empty (or only invisible characters); send some text.", field="text"
        )
    folded, count = _fold_mixed_script_words(cleaned)
    return NormalizedText(folded, tuple(origin), len(text), removed, count)


def _fold_mixed_script_words(text: str) -> tuple[str, int]:
    """Replace look-alike letters only inside words that also contain ASCII letters.

    Whole Greek or Russian words stay intact (they are real language, not an attack).
    """
    out: list[str] = []
    folded = 0
    word_start = 0
    for index in range(len(text) + 1):
        if index == len(text) or not text[index].isalnum():
            word = text[word_start:index]
            if (
                word
                and any(c in _LATIN_CONFUSABLE_SOURCE for c in word)
                and any(c.isascii() and c.isalpha() for c in word)
            ):
                replaced = word.translate(_CONFUSABLES)
                folded += sum(a != b for a, b in zip(word, replaced, strict=True))
                word = replaced
            out.append(word)
            if index < len(text):
                out.append(text[index])
            word_start = index + 1
    return "".join(out), folded
