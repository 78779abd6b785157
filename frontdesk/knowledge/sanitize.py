"""Text a reader never sees is removed before knowledge is indexed.

Invisible Unicode (zero-width characters, bidi controls and isolates, tag characters, soft
hyphens, filler letters) lets a document carry an instruction no human reviewer notices,
or reorder what is shown. It is stripped from every ingested text; letters of every
script stay, including right-to-left ones. Zero-width (non-)joiners stay between two
non-Latin letters, where Persian and Indic scripts need them to spell words.

Hidden markup inside Markdown (HTML comments, ``display:none`` elements, ``<script>``…)
is removed by :func:`frontdesk.retrieval.parsing.strip_hidden_markup`; HTML pages are
parsed visible-text-only by :func:`frontdesk.retrieval.parsing.parse_html`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Invisible letters and marks that are not format characters (category Cf).
_INVISIBLE_OTHER = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u2800"  # braille blank
    "\u17b4\u17b5"  # Khmer inherent vowels (render as nothing)
)
_JOINERS = frozenset("\u200c\u200d")


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    removed: int  # invisible characters removed


def _letter_outside_latin(char: str) -> bool:
    return char.isalpha() and not char.isascii() and "LATIN" not in unicodedata.name(char, "")


def strip_invisible(text: str) -> Cleaned:
    """``text`` without invisible or reordering characters; newlines and tabs stay."""
    out: list[str] = []
    removed = 0
    last = len(text) - 1
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        hidden = (
            category == "Cf"
            or (category == "Cc" and char not in "\n\r\t")
            or char in _INVISIBLE_OTHER
            or category == "Co"  # private use: renders as nothing useful or a box
        )
        if (
            hidden
            and char in _JOINERS
            and 0 < index < last
            and _letter_outside_latin(text[index - 1])
            and _letter_outside_latin(text[index + 1])
        ):
            hidden = False
        if hidden:
            removed += 1
        else:
            out.append(char)
    return Cleaned("".join(out) if removed else text, removed)
