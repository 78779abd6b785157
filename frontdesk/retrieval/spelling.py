"""Spelling correction against a knowledge base's own vocabulary.

A query term the knowledge base never uses is mapped to the most similar term it does use
(character-trigram Jaccard), so "refnd" still finds "refund". Only out-of-vocabulary terms
are looked up, through a trigram -> term-ids index built once per vocabulary, and each
correction is remembered until the vocabulary changes. Shared by the in-process index
(:class:`frontdesk.retrieval.expansion.QueryExpander`) and the PostgreSQL search, so both
correct the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt


def trigrams(term: str) -> set[str]:
    padded = f"#{term}#"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def correctable(term: str) -> bool:
    """Short words and numbers are never corrected."""
    return len(term) >= 4 and not term.isdigit()


class SpellingCorrector:
    """The closest vocabulary term of an unknown term (None when none is close enough)."""

    def __init__(self, vocabulary: Iterable[str], min_similarity: float = 0.5) -> None:
        self.min_similarity = min_similarity
        grams: defaultdict[str, list[int]] = defaultdict(list)
        terms = [t for t in vocabulary if len(t) >= 3 and not t.isdigit()]
        counts = np.zeros(len(terms), dtype=np.int64)
        for i, term in enumerate(terms):
            term_grams = trigrams(term)
            counts[i] = len(term_grams)
            for gram in term_grams:
                grams[gram].append(i)
        self._gram_index: dict[str, npt.NDArray[np.int64]] = {
            g: np.array(ids, dtype=np.int64) for g, ids in grams.items()
        }
        self._terms = terms
        self._counts = counts
        self._memo: dict[str, str | None] = {}

    def closest(self, term: str) -> str | None:
        if not correctable(term):
            return None
        if term in self._memo:
            return self._memo[term]
        grams = trigrams(term)
        postings = [self._gram_index[g] for g in grams if g in self._gram_index]
        best: str | None = None
        if postings:
            cands, shared = np.unique(np.concatenate(postings), return_counts=True)
            sims = shared / (len(grams) + self._counts[cands] - shared)
            top = float(sims.max())
            if top > self.min_similarity - 1e-9:  # accept exactly the threshold
                best = min(self._terms[i] for i in cands[sims == top])
        self._memo[term] = best
        return best
