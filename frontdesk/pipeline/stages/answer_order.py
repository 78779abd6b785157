"""In which order the extractive generator answers from the retrieved passages.

Retrieval order, with these exceptions, strongest first: the passage a matching resolved
ticket led to (retrieve's ticket hop); a passage whose first sentence sets a bound the
customer's quantity breaks answers last; the passage for what the customer says they lack;
the first of the next few passages that holds every rare word of the question when the top
one lacks one ("pick up on saturdays": the pickup windows, not Saturday delivery); and for
a question asking for a kind of fact (an amount, a time, a place in the product) that the
top passage does not state, the first of the next few that does, numbered steps first for
"how do I".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from frontdesk.pipeline.stages.answer_shape import AnswerShape
from frontdesk.pipeline.stages.category_hop import CATEGORY
from frontdesk.pipeline.stages.evidence import HOP_KEY
from frontdesk.pipeline.stages.premise import Lacked, premise_fit
from frontdesk.pipeline.stages.quantities import asked_quantities, broken_bound
from frontdesk.pipeline.stages.sentences import units
from frontdesk.pipeline.state import Passage
from frontdesk.retrieval.rarity import IDF_COVERAGE, MISSING_IDF
from frontdesk.retrieval.text import analyze


@dataclass(frozen=True, slots=True)
class OrderOptions:
    quantity_fit: bool = False
    shape_lookahead: int = 0
    rare_lookahead: int = 0
    rare_min: float = 0.3
    prefer_steps: int = 0


def answer_order(
    passages: list[Passage],
    question: str,
    shape: AnswerShape,
    lacked: Lacked,
    options: OrderOptions,
) -> list[int]:
    """Indexes of ``passages`` in the order they answer."""
    # A passage a matching resolved ticket led to (retrieve's ticket hop) answers first.
    order = sorted(range(len(passages)), key=lambda i: not passages[i].metadata.get(HOP_KEY))
    # Only a question naming a weight or length can break a bound: most never do, and
    # the check splits every passage into sentences.
    if options.quantity_fit and asked_quantities(question):
        order.sort(key=lambda i: _breaks_bound(question, passages[i]))
    # The customer's own situation outweighs the ticket hop and the shape of the fact.
    if lacked:
        fit = {i: _premise_fit(passages[i], lacked) for i in order}
        best = max(order, key=lambda i: fit[i])  # the first of the best, in order
        if fit[best] > 0:
            return [best, *(i for i in order if i != best)]
    # The category hop's passage states the fact for the category the question's member
    # belongs to: one that merely holds more of the question's words ("how much … 2 kg
    # parcel" in the domestic price FAQ, for "… to the US") does not displace it.
    if passages and passages[order[0]].metadata.get(CATEGORY):
        return order
    if options.rare_lookahead > 0 and passages:
        order = _rare_first(passages, order, options.rare_lookahead, options.rare_min)
    if not shape.kinds or options.shape_lookahead <= 0 or not passages:
        return order
    window = order[1 : 1 + options.shape_lookahead]
    steps = "place" in shape.names and options.prefer_steps > 0
    top_states = shape.stated_in(servable_text(passages[order[0]]))
    if steps and (not top_states or options.prefer_steps > 1) and not _steps(passages[order[0]]):
        for index in window:
            if _steps(passages[index]) and shape.stated_in(servable_text(passages[index])):
                return [index, *(i for i in order if i != index)]
    if top_states:
        return order
    for index in window:
        if shape.stated_in(servable_text(passages[index])):
            return [index, *(i for i in order if i != index)]
    return order


_STEP = re.compile(r"(?m)^\s*[12][.)]\s+\S")


def _steps(passage: Passage) -> bool:
    """The passage gives numbered steps (a "1." and a "2." line)."""
    return len(_STEP.findall(passage.text)) >= 2


def _rare_first(
    passages: list[Passage], order: list[int], lookahead: int, rare_min: float
) -> list[int]:
    """``order`` with the first of the next ``lookahead`` passages holding every question
    word first, when the top passage lacks a word the knowledge base rarely uses."""
    top = passages[order[0]].metadata
    if float(top.get(IDF_COVERAGE, 1.0)) >= 1.0 or float(top.get(MISSING_IDF, 0.0)) < rare_min:
        return order
    for index in order[1 : 1 + lookahead]:
        if float(passages[index].metadata.get(IDF_COVERAGE, 0.0)) >= 1.0:
            return [index, *(i for i in order if i != index)]
    return order


def passage_vocabulary(passages: list[Passage]) -> Callable[[str], bool]:
    """Whether any passage uses an analysed term (its text, title, headings, FAQ answer);
    computed on first use, which only a question with a joinable pair of words needs."""
    vocabulary: set[str] | None = None

    def known(term: str) -> bool:
        nonlocal vocabulary
        if vocabulary is None:
            vocabulary = set()
            for passage in passages:
                vocabulary.update(
                    analyze(" ".join((passage.title, *passage.heading_path, passage.text)))
                )
                vocabulary.update(analyze(servable_text(passage)))
        return term in vocabulary

    return known


def _premise_fit(passage: Passage, lacked: Lacked) -> int:
    """How many of the passage's sentences address a customer who lacks ``lacked``, less
    those that assume the customer has it."""
    return sum(premise_fit(u.text, lacked) for u in units(servable_text(passage)))


def _breaks_bound(question: str, passage: Passage) -> bool:
    """The passage's first sentence sets a bound the question's quantity breaks."""
    found = units(servable_text(passage))
    return bool(found) and broken_bound(question, found[0].text) is not None


def servable_text(passage: Passage) -> str:
    answer = passage.metadata.get("answer")
    return answer if isinstance(answer, str) and answer.strip() else passage.text
