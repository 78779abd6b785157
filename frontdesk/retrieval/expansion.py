"""Query expansion from the knowledge base's own vocabulary.

Two independent steps, both switchable in :class:`ExpansionOptions`:

- **spelling**: a query term the knowledge base never uses is mapped to the most similar
  term it does use (character-trigram Jaccard), so "refnd" still finds "refund";
- **feedback** (RM3-style pseudo-relevance feedback): the terms that best characterise the
  first-pass top chunks (tf x idf) are added with a small weight, which bridges vocabulary
  gaps like "charged twice" vs "duplicate payment".

Output is a weighted bag of analysed terms for :meth:`BM25Index.search_terms`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

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
        self._gram_index: dict[str, list[str]] = {}
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
        grams = _trigrams(term)
        overlap: Counter[str] = Counter()
        for gram in grams:
            overlap.update(self._gram_index.get(gram, ()))
        best: str | None = None
        best_sim = self.options.min_similarity - 1e-9  # accept exactly the threshold
        for cand, shared in overlap.most_common(50):
            sim = shared / (len(grams) + len(_trigrams(cand)) - shared)
            if sim > best_sim or (sim == best_sim and best is not None and cand < best):
                best, best_sim = cand, sim
        return best

    def _refresh_grams(self) -> None:
        vocab = self.index.vocabulary
        if len(vocab) == self._indexed_vocab:
            return
        grams: defaultdict[str, list[str]] = defaultdict(list)
        for term in vocab:
            if len(term) >= 3 and not term.isdigit():
                for gram in _trigrams(term):
                    grams[gram].append(term)
        self._gram_index = dict(grams)
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
