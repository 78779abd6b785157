"""Which sentences of one passage the extractive reply quotes.

A FAQ entry's answer is quoted whole. Otherwise the passage's sentences are scored by the
question's words they share, their meaning (cosine, with ``semantic_weight``), whether they
state the kind of fact asked for (``shape_bonus``), whether a table row fits the customer's
category or quantity, and whether they assume something the customer said they lack; the
best are kept in their original order so the reply reads naturally.
"""

from __future__ import annotations

from frontdesk.pipeline.stages.answer_shape import AnswerShape
from frontdesk.pipeline.stages.category_hop import (
    CATEGORY,
    CATEGORY_MEMBER,
    answer_units,
    rows_without,
)
from frontdesk.pipeline.stages.premise import Lacked, premise_fit
from frontdesk.pipeline.stages.quantities import fitting_row
from frontdesk.pipeline.stages.sentence_rank import Similarity
from frontdesk.pipeline.stages.sentences import Unit
from frontdesk.pipeline.state import Passage
from frontdesk.retrieval.text import analyze


def best_sentences(
    passage: Passage,
    query_terms: set[str],
    context_terms: set[str],
    limit: int,
    similarity: Similarity | None = None,
    semantic_weight: float = 0.0,
    min_similarity: float = 1.0,
    shape: AnswerShape | None = None,
    shape_bonus: float = 0.0,
    dangling_penalty: float = 0.0,
    question: str | None = None,
    quantity_fit: float = 0.0,
    lacked: Lacked = (),
    premise_weight: float = 0.0,
) -> list[str]:
    """A FAQ entry's answer as a whole; otherwise the passage's most on-topic sentences,
    kept in their original order so the reply reads naturally."""
    answer = passage.metadata.get("answer")
    if isinstance(answer, str) and answer.strip():
        return [answer.strip()]
    if limit <= 0:
        return []
    found = answer_units(passage)
    category = passage.metadata.get(CATEGORY)
    if not found:
        return []
    candidates = [u.text for u in found]
    overlap = []
    for candidate in candidates:
        terms = set(analyze(candidate))
        overlap.append(len(query_terms & terms) + 0.25 * len(context_terms & terms))
    cosine = similarity(candidates) if similarity is not None else [0.0] * len(candidates)
    scale = max(1, len(query_terms))
    score = [
        o / scale + semantic_weight * c - (dangling_penalty if u.dangling else 0.0)
        for o, c, u in zip(overlap, cosine, found, strict=True)
    ]
    if shape is not None and shape.kinds:
        score = [
            s + (shape_bonus if shape.stated_in(c) else 0.0)
            for s, c in zip(score, candidates, strict=True)
        ]
        if isinstance(category, str):  # the category's rows are what the hop came for
            score = [s + (shape_bonus if u.row else 0.0) for s, u in zip(score, found, strict=True)]
    wrong_rows: set[int] = set()  # rows for another weight or length than the customer's
    assuming: set[int] = set()
    if lacked and premise_weight:
        fits = [premise_fit(c, lacked) for c in candidates]
        score = [s + premise_weight * f for s, f in zip(score, fits, strict=True)]
        # never tell a customer to use what they just said they lack
        assuming = {i for i, f in enumerate(fits) if f < 0}
        wrong_rows |= assuming
    for key in (CATEGORY_MEMBER, CATEGORY):  # the category hop: the rows naming its find
        name = passage.metadata.get(key)
        if isinstance(name, str):
            rows = [i for i, u in enumerate(found) if u.row]
            wrong_rows |= {rows[n] for n in rows_without(name, [found[i].text for i in rows])}
    if question is not None and quantity_fit:
        rows = [i for i, u in enumerate(found) if u.row]
        fit, bounded = fitting_row(question, [found[i].text for i in rows])
        if fit is not None:
            score[rows[fit]] += quantity_fit
            wrong_rows |= {i for n, i in enumerate(rows) if n in bounded and n != fit}
    if not wrong_rows:  # "do you ship to Australia?": the row naming it, not the table
        wrong_rows |= _rows_not_named(found, query_terms)
    ranked = [
        i for i in sorted(range(len(candidates)), key=lambda i: -score[i]) if i not in wrong_rows
    ]
    keep = sorted(i for i in ranked[:limit] if overlap[i] > 0 or cosine[i] >= min_similarity)
    if keep:
        return [candidates[i] for i in keep]
    # Nothing shares a word with the question: the passage's first sentence, unless the
    # rules above ruled it out ("to holland": not the Zone 1 row when the row naming the
    # Netherlands is left).
    fallback = [i for i in range(len(candidates)) if i not in assuming]
    if fallback and fallback[0] in wrong_rows and ranked:
        fallback = ranked
    return [candidates[i] for i in fallback[:1]]


def _rows_not_named(found: list[Unit], query_terms: set[str]) -> set[int]:
    """The table rows other than those naming the most of the question's words that tell
    the rows apart (a word in some rows, not all; numbers left to the quantity rules)."""
    rows = [i for i, unit in enumerate(found) if unit.row]
    if len(rows) < 2:
        return set()
    terms = {i: set(analyze(found[i].text)) & query_terms for i in rows}
    telling = {t for t in set().union(*terms.values()) if not t.isdigit()}
    telling = {t for t in telling if any(t not in terms[i] for i in rows)}
    if not telling:
        return set()
    named = {i: len(terms[i] & telling) for i in rows}
    best = max(named.values())
    return {i for i in rows if named[i] < best}
