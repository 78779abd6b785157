"""Small text utilities shared by stages: word tokens and sentence splitting."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n{2,}|\n(?=[-*•] )")

STOPWORDS = frozenset(
    """a an and are as at be but by can could do does did for from had has have how i if in
    into is it its me my no not of on or our so than that the their them then there these
    they this to too us was we were what when where which who why will with would you your
    yours i'm i've can't don't please hi hello thanks thank""".split()
)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def approx_tokens(text: str) -> int:
    """Word-piece count estimate (≈1.3 per word) without loading a tokenizer."""
    return int(len(words(text)) * 1.3) + 1
