"""Related articles: what a declined customer gets to go on.

When the assistant declines for want of evidence (``no_answer``), retrieval has often
found help-center articles close to the question that did not answer it well enough to
quote. Like "These articles may help" in commercial support bots, the turn then carries
up to :data:`LIMIT` of them (title, url, document id), one per document, best first.

Only passages a customer may be served are candidates: the retrieve stage has already
taken resolved tickets out (and quarantined chunks are never searched); a ticket that
slipped through is left out here too. A candidate's closeness is the dense cosine of the
question to its body (which the title leads); below :data:`FLOOR` it is noise. The floor
was chosen on the dev rows of the labelled help centers (``bench/related_dev.py``): on
the 30 answerable questions that were declined, the gold article is among the
suggestions of 53% (with no floor: 87%); of the 19 questions the help centers do not
answer, 2 get any suggestion (at 0.50: 8). The title's cosine alone, or the larger of the
two, lets more unanswerable questions through at the same hit rate.

Declines that are not "the help center does not say" get none: a refusal (injection,
abuse), a handoff, small talk, an answer, a blocked answer (``policy``: the sources may
be what the guard caught), a stage error, and a tenant without knowledge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

from frontdesk.domain.conversation import Outcome
from frontdesk.pipeline.stages.evidence import is_ticket, similarity_of
from frontdesk.pipeline.state import Passage, TurnState

DETAIL_KEY: Final = "related_articles"
LIMIT: Final = 3
FLOOR: Final = 0.53
# Reasons for a decline that say nothing of whether the help center holds the answer.
_NOT_FOR: Final = frozenset({"policy", "error", "no_knowledge"})
_SUSPECT: Final = (":injection", ":abuse")


def closeness(passage: Passage) -> float:
    """The question's cosine to the passage body; without one (a keyword-only index),
    :func:`~frontdesk.pipeline.stages.evidence.similarity_of`."""
    dense = passage.metadata.get("dense")
    return float(dense) if isinstance(dense, int | float) else similarity_of(passage)


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    title: str
    url: str | None
    document_id: str | None
    chunk_id: str  # the passage that found it: for the trace and for scoring gold docs
    score: float  # its closeness to the question (dense cosine)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def select_related(
    passages: Sequence[Passage], floor: float = FLOOR, limit: int = LIMIT
) -> list[RelatedArticle]:
    """The servable passages with a page (a url) at or above ``floor``, closest first, one
    per document and per url (an FAQ entry shown as the article it links when that was
    found too), at most ``limit``."""
    ranked = sorted(
        # Only what the customer can open: an FAQ entry an agent approved has no page.
        (p for p in passages if p.url and not is_ticket(p) and closeness(p) >= floor),
        key=closeness,
        reverse=True,
    )
    # An FAQ entry often links the article it summarises: one link, named like the page
    # it opens when that article was found too ("Parcelly gift cards", not the entry's
    # question "How long are gift cards valid?").
    pages = {
        p.url: p for p in passages if p.url and not is_ticket(p) and "question" not in p.metadata
    }
    chosen: list[RelatedArticle] = []
    seen: set[str] = set()
    for found in ranked:
        passage = pages.get(found.url, found) if found.url else found
        document = passage.metadata.get("document_id")
        keys = {f"doc:{document}" if document is not None else f"title:{passage.title}"}
        if found.url:
            keys.add(f"url:{found.url}")
        if keys & seen:
            continue
        seen |= keys
        chosen.append(
            RelatedArticle(
                title=passage.title,
                url=passage.url,
                document_id=None if document is None else str(document),
                chunk_id=passage.chunk_id,
                score=round(closeness(found), 4),
            )
        )
        if len(chosen) == limit:
            break
    return chosen


def wants_related(state: TurnState) -> bool:
    """A decline for want of evidence, not a refusal, handoff, small talk or answer, of a
    message the input guard did not flag as an injection or abuse (flagged below the
    refusal threshold: such a message is not a question to help with)."""
    flagged = any(flag.endswith(_SUSPECT) for flag in state.flags)
    return (
        state.outcome is Outcome.NO_ANSWER
        and state.escalation_reason not in _NOT_FOR
        and state.details.get("route") in (None, "answer")
        and not flagged
    )


def attach_related(state: TurnState, floor: float = FLOOR) -> list[RelatedArticle]:
    """Record the related articles of a declined turn in ``state.details`` (an empty
    list on every other turn) and return them."""
    related = select_related(state.passages, floor) if wants_related(state) else []
    state.details[DETAIL_KEY] = [r.to_dict() for r in related]
    return related
