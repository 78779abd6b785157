"""Which articles a declined turn offers: servable, close enough, one per document."""

from __future__ import annotations

import pytest

from frontdesk.domain.conversation import Outcome
from frontdesk.pipeline.related import (
    DETAIL_KEY,
    FLOOR,
    LIMIT,
    attach_related,
    select_related,
    wants_related,
)
from frontdesk.pipeline.state import Passage, TurnState


def _passage(
    chunk_id: str, dense: float, document: str | None = None, **metadata: object
) -> Passage:
    meta: dict[str, object] = {"dense": dense, **metadata}
    if document is not None:
        meta["document_id"] = document
    return Passage(
        chunk_id=chunk_id,
        text="text",
        title=f"Title {document or chunk_id}",
        score=0.1,
        url=f"https://help.example/{document or chunk_id}",
        metadata=meta,
    )


def test_closest_first_one_per_document_at_most_three() -> None:
    found = [
        _passage("a1", 0.70, "a"),
        _passage("b1", 0.80, "b"),
        _passage("a2", 0.75, "a"),  # a's closer chunk stands for the document
        _passage("c1", 0.66, "c"),
        _passage("d1", 0.65, "d"),
    ]
    related = select_related(found, floor=0.5)
    assert LIMIT == 3
    assert [(r.document_id, r.chunk_id) for r in related] == [("b", "b1"), ("a", "a2"), ("c", "c1")]
    assert related[0].title == "Title b"
    assert related[0].url == "https://help.example/b"
    assert related[0].score == 0.8


def test_below_the_floor_is_noise() -> None:
    found = [_passage("a1", 0.61, "a"), _passage("b1", 0.59, "b")]
    assert [r.document_id for r in select_related(found, floor=0.6)] == ["a"]
    assert select_related(found, floor=0.7) == []


def test_closeness_is_the_body_cosine() -> None:
    # A title alone close to the question (measured on dev: more noise) does not count.
    found = [_passage("a1", 0.2, "a", dense_title=0.9)]
    assert select_related(found, floor=0.5) == []
    keyword_only = Passage(
        chunk_id="k", text="t", title="K", score=0.7, url="https://help.example/k"
    )
    assert [r.score for r in select_related([keyword_only], floor=0.5)] == [0.7]


def test_a_resolved_ticket_is_never_offered() -> None:
    found = [
        _passage("t1", 0.95, "tickets.jsonl", ticket="T-1", answer="I've refunded €7"),
        _passage("a1", 0.7, "a"),
    ]
    assert [r.chunk_id for r in select_related(found, floor=0.5)] == ["a1"]


def _faq_linking(article: Passage, question: str, document_id: str) -> Passage:
    """An FAQ entry (cosine 0.7) whose url is ``article``'s page."""
    return Passage(
        chunk_id="f1",
        text="text",
        title=question,
        score=0.1,
        url=article.url,
        metadata={"dense": 0.7, "document_id": document_id, "question": "q", "answer": "x"},
    )


def test_an_faq_entry_linking_an_offered_article_is_not_offered_twice() -> None:
    article = _passage("a1", 0.8, "a")
    faq = _faq_linking(article, "How much is it?", "faq.csv#3")
    other = _passage("b1", 0.6, "b")
    assert [r.chunk_id for r in select_related([faq, article, other], floor=0.5)] == ["a1", "b1"]


def test_an_faq_entry_is_shown_as_the_article_it_links_when_that_was_found() -> None:
    article = _passage("a1", 0.3, "a")  # below the floor: it only names the page
    faq = _faq_linking(article, "How long are gift cards valid?", "faq")
    [shown] = select_related([faq, article], floor=0.5)
    assert (shown.title, shown.url, shown.document_id) == ("Title a", article.url, "a")
    assert shown.score == 0.7  # how close the entry was
    alone = select_related([faq], floor=0.5)
    assert [(r.title, r.document_id) for r in alone] == [("How long are gift cards valid?", "faq")]


def _state(outcome: Outcome | None, reason: str | None = None, **details: object) -> TurnState:
    state = TurnState(tenant_id="t", conversation_id="c", text="q")
    state.outcome, state.escalation_reason = outcome, reason
    state.details.update(details)
    state.passages = [_passage("a1", 0.9, "a")]
    return state


def test_only_a_decline_for_want_of_evidence_offers_articles() -> None:
    assert wants_related(_state(Outcome.NO_ANSWER, "low_confidence"))
    assert wants_related(_state(Outcome.NO_ANSWER, "out_of_scope", route="answer"))
    assert not wants_related(_state(Outcome.ANSWERED))
    assert not wants_related(_state(Outcome.ANSWERED, route="smalltalk"))
    assert not wants_related(_state(Outcome.REFUSED, "safety"))
    assert not wants_related(_state(Outcome.HANDOFF, "low_confidence"))
    assert not wants_related(_state(Outcome.CLARIFY))
    # A blocked answer's sources may be what the guard caught; errors and an empty help
    # center say nothing about the question.
    for reason in ("policy", "error", "no_knowledge"):
        assert not wants_related(_state(Outcome.NO_ANSWER, reason))
    # Flagged by the input guard below its refusal threshold: not a question to help with.
    for flag in ("input_guard:injection", "input_guard:abuse"):
        flagged = _state(Outcome.NO_ANSWER, "low_confidence")
        flagged.flags.append(flag)
        assert not wants_related(flagged)


@pytest.mark.parametrize(
    ("outcome", "reason", "expected"),
    [(Outcome.NO_ANSWER, "low_confidence", 1), (Outcome.REFUSED, "safety", 0)],
)
def test_the_turn_records_its_articles_or_an_empty_list(
    outcome: Outcome, reason: str, expected: int
) -> None:
    state = _state(outcome, reason)
    attach_related(state, FLOOR)
    assert len(state.details[DETAIL_KEY]) == expected
    if expected:
        assert state.details[DETAIL_KEY][0] == {
            "title": "Title a",
            "url": "https://help.example/a",
            "document_id": "a",
            "chunk_id": "a1",
            "score": 0.9,
        }


def test_only_what_the_customer_can_open() -> None:
    # An FAQ entry an agent approved has no page to link: listed, it would be dead text.
    approved = Passage(
        chunk_id="faq",
        text="There is no limit.",
        title="Is there a limit on gift cards?",
        score=0.1,
        url=None,
        metadata={"dense": 0.9, "question": "Is there a limit on gift cards?"},
    )
    found = [approved, _passage("a1", 0.7, "a")]
    assert [r.chunk_id for r in select_related(found, floor=0.5)] == ["a1"]
