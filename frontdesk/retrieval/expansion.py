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

from frontdesk.retrieval.bm25 import BM25Index
from frontdesk.retrieval.spelling import SpellingCorrector, correctable
from frontdesk.retrieval.text import analyze


@dataclass(frozen=True, slots=True)
class ExpansionOptions:
    spelling: bool = True
    min_similarity: float = 0.5  # trigram Jaccard to accept a correction
    feedback_docs: int = 0  # 0 turns pseudo-relevance feedback off
    feedback_terms: int = 8
    feedback_weight: float = 0.3  # of an original query term's weight


class QueryExpander:
    """Expands queries against one :class:`BM25Index`; follows its vocabulary as it grows."""

    def __init__(self, index: BM25Index, options: ExpansionOptions | None = None) -> None:
        self.index = index
        self.options = options or ExpansionOptions()
        self._corrector: SpellingCorrector | None = None
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

    def correction(self, term: str) -> str | None:
        """The knowledge-base term an unknown analysed term would be replaced by."""
        return None if term in self.index.vocabulary else self._closest(term)

    def _correct(self, terms: dict[str, float]) -> dict[str, float]:
        fixed: dict[str, float] = {}
        for term, weight in terms.items():
            if term not in self.index.vocabulary:
                term = self._closest(term) or term
            fixed[term] = fixed.get(term, 0.0) + weight
        return fixed

    def _closest(self, term: str) -> str | None:
        if not correctable(term):
            return None
        vocab = self.index.vocabulary
        if self._corrector is None or len(vocab) != self._indexed_vocab:
            # (Re)built when the vocabulary has grown.
            self._corrector = SpellingCorrector(vocab, self.options.min_similarity)
            self._indexed_vocab = len(vocab)
        return self._corrector.closest(term)

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
