"""Which of the question's rare words a passage leaves out.

A passage can share the question's common words and still be about something else: "Do
you offer a student discount?" finds the promo-code article, which says "discount" but
never "student". The word a passage omits matters by how rare it is in the knowledge
base: omitting "account" says little, omitting "student" (one article mentions it) says the
passage is not about what was asked. Each passage gets

- ``idf_coverage``: the share of the question's terms it holds, each weighted by its IDF;
- ``missing_idf``: the rarest question term it lacks, as its IDF over the highest IDF the
  knowledge base has (1.0: a term only one chunk uses, or none: the knowledge base never
  mentions it, even after spelling correction).

The decide stage weighs these for the passage it answers from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from frontdesk.retrieval.text import analyze
from frontdesk.retrieval.types import Passage

IDF_COVERAGE = "idf_coverage"
MISSING_IDF = "missing_idf"


def idf(df: int, chunks: int) -> float:
    """BM25's inverse document frequency (as :mod:`frontdesk.retrieval.bm25` computes it)."""
    return math.log(1.0 + (chunks - df + 0.5) / (df + 0.5))


def term_weights(terms: Iterable[str], df: Callable[[str], int], chunks: int) -> dict[str, float]:
    """Each analysed (spelling-corrected) query term's IDF relative to the highest a term
    can have here (one chunk uses it); a term no chunk uses weighs 1.0."""
    top = idf(1, chunks)
    weights: dict[str, float] = {}
    for term in terms:
        count = df(term)
        weights[term] = 1.0 if count <= 0 or top <= 0 else min(1.0, idf(count, chunks) / top)
    return weights


def passage_rarity(weights: dict[str, float], passage_terms: set[str]) -> dict[str, float]:
    if not weights:
        return {IDF_COVERAGE: 0.0, MISSING_IDF: 0.0}
    total = sum(weights.values()) or 1.0
    held = sum(w for t, w in weights.items() if t in passage_terms)
    missing = [w for t, w in weights.items() if t not in passage_terms]
    return {IDF_COVERAGE: held / total, MISSING_IDF: max(missing, default=0.0)}


def annotate(passages: Sequence[Passage], weights: dict[str, float]) -> None:
    """Add both signals to each passage's metadata (title and headings count as text)."""
    for passage in passages:
        text = " ".join((passage.title, *passage.heading_path, passage.text))
        answer = passage.metadata.get("answer")
        if isinstance(answer, str):
            text = f"{text} {answer}"
        passage.metadata.update(passage_rarity(weights, set(analyze(text))))
