"""TF-IDF features computed in plain Python, identical to scikit-learn's.

Training uses ``sklearn.feature_extraction.text.TfidfVectorizer``; serving uses this
module with the exported vocabulary and idf weights, so the artifact is plain JSON
(no pickle) and inference needs neither scikit-learn nor numpy.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

# scikit-learn's defaults: token_pattern and the whitespace squeeze of char_wb.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_WHITESPACE = re.compile(r"\s\s+")

Analyzer = Literal["word", "char_wb"]


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    tokens = _TOKEN.findall(text.lower())
    grams: list[str] = list(tokens) if low == 1 else []
    for n in range(max(low, 2), high + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    grams: list[str] = []
    for word in _WHITESPACE.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once, as sklearn does
                break
    return grams


@dataclass(frozen=True, slots=True)
class TfidfBlock:
    """One fitted vectoriser: sublinear tf, idf weights, L2-normalised output."""

    analyzer: Analyzer
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: tuple[float, ...]

    def transform(self, text: str) -> dict[int, float]:
        """Sparse L2-normalised TF-IDF vector as ``{column: value}``."""
        low, high = self.ngram_range
        grams = (
            word_ngrams(text, low, high)
            if self.analyzer == "word"
            else char_wb_ngrams(text, low, high)
        )
        vocabulary = self.vocabulary
        counts = Counter(g for g in grams if g in vocabulary)
        vector = {
            vocabulary[g]: (1.0 + math.log(c)) * self.idf[vocabulary[g]] for g, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values()))
        if norm > 0.0:
            for column in vector:
                vector[column] /= norm
        return vector

    def to_json(self) -> dict[str, Any]:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "analyzer": self.analyzer,
            "ngram_range": list(self.ngram_range),
            "terms": terms,
            "idf": [round(v, 6) for v in self.idf],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TfidfBlock:
        analyzer = data["analyzer"]
        if analyzer not in ("word", "char_wb"):
            raise ValueError(f"unknown analyzer {analyzer!r}")
        low, high = data["ngram_range"]
        terms: list[str] = data["terms"]
        return cls(
            analyzer=analyzer,
            ngram_range=(int(low), int(high)),
            vocabulary={term: i for i, term in enumerate(terms)},
            idf=tuple(float(v) for v in data["idf"]),
        )
