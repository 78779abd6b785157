"""Keyword analysis shared by the BM25 index, query expansion and reranker features.

``analyze`` lowercases, splits on non-alphanumerics, drops English stopwords and applies
a light suffix stemmer (plurals, -ing, -ed, -ly). Light stemming keeps precision on
product vocabulary ("billing" ~ "bill" but "policy" stays apart from "police").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "nor",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "why",
        "why's",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "just",
        "will",
        "may",
        "might",
        "must",
        "shall",
        "would",
        "us",
        "get",
        "got",
        "s",
        "t",
    ]
)

# "10kg" is "10 kg": a number glued to an unambiguous unit is two words (not "5g", "3m").
_WORD = re.compile(r"\d+(?=(?:kgs?|cm|mm|km|lbs?)\b)|[a-z0-9]+(?:'[a-z]+)?")
# What the PII redactor leaves ("<PERSON>", "<EMAIL>"): no word of the question. Searched
# as "person", "Do you accept <PERSON>?" (Klarna, taken for a name) found the article on
# accepting a team invitation.
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]{2,19}>")
_VOWEL = re.compile(r"[aeiouy]")
_DOUBLE = re.compile(r"([bdfgklmnprt])\1$")


def words(text: str) -> list[str]:
    """Lowercased word tokens, apostrophes kept inside words ("don't"); redaction
    placeholders are not words."""
    if "<" in text:
        text = PLACEHOLDER.sub(" ", text)
    normal = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    return _WORD.findall(normal)


def without_placeholders(text: str) -> str:
    """``text`` with the redactor's placeholders taken out (spaces kept single)."""
    if "<" not in text:
        return text
    return re.sub(r"[ \t]{2,}", " ", PLACEHOLDER.sub(" ", text)).strip()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light English stemmer: conflates inflections, not derivations."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses") or word.endswith(("ches", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) >= 3 and _VOWEL.search(base):
                word = base[:-1] if _DOUBLE.search(base) else base
            break
    if word.endswith("ly") and len(word) > 5:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def analyze(text: str) -> list[str]:
    """Index terms of ``text`` in order: lowercased, stopwords removed, stemmed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def content_words(text: str) -> list[str]:
    """Unstemmed non-stopwords in order, for building readable queries."""
    return [w for w in words(text) if w not in STOPWORDS]


def estimate_tokens(text: str) -> int:
    """Approximate BERT word-piece count without loading a tokenizer.

    Word pieces run about 1.3 per English word plus one per punctuation mark; this is
    within ~10% on help-center prose, which is enough for chunk sizing and budgets.
    """
    n_words = len(text.split())
    n_punct = sum(1 for ch in text if not ch.isalnum() and not ch.isspace())
    return int(n_words * 1.3 + n_punct * 0.6) + (1 if text.strip() else 0)
