"""Query expansion from the knowledge base's own vocabulary.

Two independent steps, both switchable in :class:`ExpansionOptions`:

- **spelling**: a query term the knowledge base never uses is mapped to the most similar
  term it does use (character-trigram Jaccard), so "refnd" still finds "refund". Only
  out-of-vocabulary terms are looked up, through a trigram -> term-ids index built once
  per vocabulary change, and each correction is remembered until the vocabulary changes;
- **feedback** (RM3-style pseudo-relevance feedback): the terms that best characterise the
  first-pass top chunks (tf x idf) are added with a small weight, which bridges vocabulary
  gaps like "charged twice" vs "duplicate payment".

Output is a weighted bag of analysed terms for :meth:`BM25Index.search_terms`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from frontdesk.retrieval.bm25 import BM25Index
from frontdesk.retrieval.text import analyze


@dataclass(frozen=True, slots=True)
class ExpansionOptions:
    spelling: bool = True
    min_similarity: float = 0.5  # trigram Jaccard to accept a correction
    feedback_docs: int = 0  # 0 turns pseudo-relevance feedback off
    feedback_terms: int = 8
    feedback_weight: float = 0.3  # of an original query term's weight


def _trigrams(term: str) -> set[str]:
    padded = f"#{term}#"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class QueryExpander:
    """Expands queries against one :class:`BM25Index`; follows its vocabulary as it grows."""

    def __init__(self, index: BM25Index, options: ExpansionOptions | None = None) -> None:
        self.index = index
        self.options = options or ExpansionOptions()
        self._gram_index: dict[str, npt.NDArray[np.int64]] = {}  # trigram -> term ids
        self._gram_terms: list[str] = []
        self._gram_counts: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)  # trigrams/term
        self._memo: dict[str, str | None] = {}  # corrections for the current vocabulary
        self._indexed_vocab = 0

    def expand(self, query: str) -> dict[str, float]:
        terms: dict[str, float] = dict(Counter(analyze(query)))
        if self.options.spelling:
            terms = self._correct(terms)
        if self.options.feedback_docs > 0 and terms:
            for term, weight in self._feedback(terms).items():
                terms[term] = terms.get(term, 0.0) + weight
        return terms

    def corrections(self, query: str) -> dict[str, str]:
        """Unknown query terms and the knowledge-base term each would be replaced by."""
        out: dict[str, str] = {}
        for term in analyze(query):
            if term not in self.index.vocabulary:
                best = self._closest(term)
                if best is not None:
                    out[term] = best
        return out

    def _correct(self, terms: dict[str, float]) -> dict[str, float]:
        fixed: dict[str, float] = {}
        for term, weight in terms.items():
            if term not in self.index.vocabulary:
                term = self._closest(term) or term
            fixed[term] = fixed.get(term, 0.0) + weight
        return fixed

    def _closest(self, term: str) -> str | None:
        if len(term) < 4 or term.isdigit():
            return None
        self._refresh_grams()
        if term in self._memo:
            return self._memo[term]
        grams = _trigrams(term)
        postings = [self._gram_index[g] for g in grams if g in self._gram_index]
        best: str | None = None
        if postings:
            cands, shared = np.unique(np.concatenate(postings), return_counts=True)
            sims = shared / (len(grams) + self._gram_counts[cands] - shared)
            top = float(sims.max())
            if top > self.options.min_similarity - 1e-9:  # accept exactly the threshold
                best = min(self._gram_terms[i] for i in cands[sims == top])
        self._memo[term] = best
        return best

    def _refresh_grams(self) -> None:
        """(Re)build the trigram -> term-ids index when the vocabulary has grown."""
        vocab = self.index.vocabulary
        if len(vocab) == self._indexed_vocab:
            return
        grams: defaultdict[str, list[int]] = defaultdict(list)
        terms = [t for t in vocab if len(t) >= 3 and not t.isdigit()]
        counts = np.zeros(len(terms), dtype=np.int64)
        for i, term in enumerate(terms):
            term_grams = _trigrams(term)
            counts[i] = len(term_grams)
            for gram in term_grams:
                grams[gram].append(i)
        self._gram_index = {g: np.array(ids, dtype=np.int64) for g, ids in grams.items()}
        self._gram_terms = terms
        self._gram_counts = counts
        self._memo = {}
        self._indexed_vocab = len(vocab)

    def _feedback(self, terms: dict[str, float]) -> dict[str, float]:
        opts = self.options
        top = self.index.search_terms(terms, opts.feedback_docs)
        if not top:
            return {}
        scores: defaultdict[str, float] = defaultdict(float)
        best = top[0][1] or 1.0
        for chunk_id, score in top:
            counts = self.index.term_counts(chunk_id)
            length = sum(counts.values()) or 1.0
            for term, count in counts.items():
                if term not in terms and not term.isdigit():
                    scores[term] += (score / best) * (count / length) * self.index.idf(term)
        picked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        picked = picked[: opts.feedback_terms]
        if not picked:
            return {}
        top_score = picked[0][1] or 1.0
        return {term: opts.feedback_weight * s / top_score for term, s in picked}
