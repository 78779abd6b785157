"""Character and word n-gram TF-IDF features, portable without pickle.

Written here rather than taken from scikit-learn's vectorizers so that a stored model is
plain data (a term list and an idf array) and transforms the same way on any version.
Character n-grams are taken inside each word padded with spaces (like ``char_wb``), which
catches typos and morphology that sentence embeddings miss.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

_WORD = re.compile(r"\w+", re.UNICODE)

NgramKind = Literal["char", "word"]


@dataclass(frozen=True, slots=True)
class NgramOptions:
    kind: NgramKind
    min_n: int
    max_n: int
    min_df: int = 2
    max_features: int = 30_000


def ngrams(text: str, options: NgramOptions) -> list[str]:
    """The n-grams of ``text`` (lower-cased) that the vectorizer counts."""
    words = _WORD.findall(text.lower())
    grams: list[str] = []
    if options.kind == "word":
        for n in range(options.min_n, options.max_n + 1):
            grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return grams
    for word in words:
        padded = f" {word} "
        for n in range(options.min_n, options.max_n + 1):
            if n > len(padded):
                break
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class NgramVectorizer:
    """Sublinear TF-IDF over a fitted vocabulary; rows are L2-normalised."""

    def __init__(
        self,
        options: NgramOptions,
        terms: Sequence[str] = (),
        idf: npt.NDArray[np.float32] | None = None,
    ) -> None:
        self.options = options
        self.terms = list(terms)
        self._index = {term: i for i, term in enumerate(self.terms)}
        self.idf = idf if idf is not None else np.zeros(0, dtype=np.float32)

    @property
    def width(self) -> int:
        return len(self.terms)

    def fit(self, texts: Sequence[str]) -> NgramVectorizer:
        document_frequency: Counter[str] = Counter()
        for text in texts:
            document_frequency.update(set(ngrams(text, self.options)))
        kept = [
            (count, term)
            for term, count in document_frequency.items()
            if count >= self.options.min_df
        ]
        kept.sort(key=lambda item: (-item[0], item[1]))
        kept = sorted(kept[: self.options.max_features], key=lambda item: item[1])
        total = len(texts)
        self.terms = [term for _, term in kept]
        self._index = {term: i for i, term in enumerate(self.terms)}
        self.idf = np.array(
            [math.log((1 + total) / (1 + count)) + 1.0 for count, _ in kept], dtype=np.float32
        )
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for text in texts:
            counts = Counter(self._index[g] for g in ngrams(text, self.options) if g in self._index)
            row = sorted(counts.items())
            weights = [(1.0 + math.log(c)) * float(self.idf[i]) for i, c in row]
            norm = math.sqrt(sum(w * w for w in weights)) or 1.0
            indices.extend(i for i, _ in row)
            values.extend(w / norm for w in weights)
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(values, dtype=np.float32), np.array(indices, dtype=np.int32), indptr),
            shape=(len(texts), self.width),
        )

    def to_config(self) -> dict[str, Any]:
        o = self.options
        return {
            "kind": o.kind,
            "min_n": o.min_n,
            "max_n": o.max_n,
            "min_df": o.min_df,
            "max_features": o.max_features,
            "terms": self.terms,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], idf: npt.NDArray[np.float32]) -> NgramVectorizer:
        options = NgramOptions(
            kind=config["kind"],
            min_n=int(config["min_n"]),
            max_n=int(config["max_n"]),
            min_df=int(config["min_df"]),
            max_features=int(config["max_features"]),
        )
        terms = [str(t) for t in config["terms"]]
        if len(terms) != len(idf):
            raise ValueError(f"{len(terms)} n-gram terms but {len(idf)} idf weights")
        return cls(options, terms, idf.astype(np.float32))
