"""The decide stage on an LLM's answer (its evidence is the output guard's grounding,
not the extractive sentence model's score) and on a question asked while the
multilingual index was still being built (handed over, not declined)."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.domain.conversation import Outcome
from frontdesk.domain.replies import NO_EVIDENCE_ANSWER, WARMING_UP_ANSWER
from frontdesk.handoff.decide import HandoffDecider
from frontdesk.pipeline.stages.generate import citation_for
from frontdesk.pipeline.stages.llm_answers import GROUNDED
from frontdesk.pipeline.state import Passage, TurnState
from frontdesk.releases.config import default_release
from frontdesk.retrieval.multilingual import WARMING

PRICE = Passage(
    chunk_id="faq-7",
    title="How much does a Small parcel cost?",
    score=0.62,
    text="A Small parcel (up to 2 kg) costs €4.49 with Standard delivery on the Basic plan.",
    metadata={"dense": 0.55, "dense_multilingual": 0.87, "bm25": 0.0},
)
OTHER = Passage(
    chunk_id="faq-9",
    title="Express delivery",
    score=0.5,
    text="Domestic Express costs €7.00 on top of the standard label price.",
    metadata={"dense": 0.41, "dense_multilingual": 0.84, "bm25": 0.0},
)
QUESTION = "Wie viel kostet ein kleines Paket innerhalb Deutschlands?"


def _default_decider() -> HandoffDecider:
    (decide,) = [s for s in default_release().stages if s.name == "decide"]
    return HandoffDecider(name="decide", **decide.params)


def _state(answer: str, **details: Any) -> TurnState:
    state = TurnState(
        tenant_id="t",
        conversation_id="c",
        text=QUESTION,
        query=QUESTION,
        language="de",
        passages=[PRICE, OTHER],
    )
    state.answer = answer
    state.citations = [citation_for(1, PRICE)]
    state.confidence = 0.55
    state.details.update(details)
    return state


LLM = {"provider": "local", "model": "qwen", "sufficient": True}


def test_an_llm_answer_is_weighed_by_its_grounding_not_a_missing_sentence_score() -> None:
    decider = _default_decider()
    answer = "Ein kleines Paket innerhalb Deutschlands kostet €4.49. [1]"
    grounded = _state(answer, llm=LLM, **{GROUNDED: 1.0})
    assert decider.features(grounded)["answer_score"] == 1.0
    half = _state(answer, llm=LLM, **{GROUNDED: 0.5})
    assert decider.features(half)["answer_score"] == 0.5
    # The extractive answer keeps its sentence model's score, however the guard judged it.
    extractive = _state(answer, answer_score=0.61, **{GROUNDED: 1.0})
    assert decider.features(extractive)["answer_score"] == 0.61
    # The extractive fallback of an LLM release (no model answered): the fitted mean.
    fallback = _state(answer, llm={"provider": None, "fallback": "extractive"})
    assert decider.features(fallback)["answer_score"] == pytest.approx(0.749)


def test_a_grounded_llm_answer_across_languages_is_answered_and_an_ungrounded_one_is_not() -> None:
    decider = _default_decider()
    answer = "Ein kleines Paket innerhalb Deutschlands kostet €4.49. [1]"
    grounded = _state(answer, llm=LLM, **{GROUNDED: 1.0})
    decider.run(grounded)
    assert grounded.outcome is Outcome.ANSWERED
    assert grounded.answer == answer
    ungrounded = _state(answer, llm=LLM, **{GROUNDED: 0.0})
    decider.run(ungrounded)
    assert ungrounded.outcome is Outcome.NO_ANSWER


def test_a_question_not_found_while_the_index_warms_up_is_handed_over_not_declined() -> None:
    decider = _default_decider()
    weak = {"answer_score": 0.05}
    declined = _state("Something unrelated. [1]", **weak)
    decider.run(declined)
    assert declined.outcome is Outcome.NO_ANSWER
    assert declined.answer == NO_EVIDENCE_ANSWER

    warming = _state("Something unrelated. [1]", **weak, **{WARMING: True})
    report = decider.run(warming)
    assert warming.outcome is Outcome.HANDOFF
    assert warming.answer == WARMING_UP_ANSWER
    assert warming.citations == []
    assert warming.escalation_reason == "low_confidence"
    assert WARMING in report.flags

    # Even a confident answer from a half-built index is not served (on the demo such
    # answers were wrong): a person answers.
    confident = _state("A Small parcel costs €4.49. [1]", llm=LLM, **{GROUNDED: 1.0, WARMING: True})
    decider.run(confident)
    assert confident.outcome is Outcome.HANDOFF
    assert confident.answer == WARMING_UP_ANSWER


def test_an_english_llm_answer_is_measured_for_coverage_and_the_fact_asked_for() -> None:
    decider = _default_decider()
    question = "How much does a small parcel cost?"

    def english(answer: str) -> TurnState:
        state = _state(answer, llm=LLM, **{GROUNDED: 1.0})
        state.text = state.query = question
        state.language = "en"
        state.passages = [
            Passage(p.chunk_id, p.text, p.title, p.score, metadata={"dense": 0.6, "bm25": 3.0})
            for p in (PRICE, OTHER)
        ]
        return state

    priced = decider.features(english("A Small parcel costs €4.49 with Standard delivery. [1]"))
    assert priced["coverage"] == 0.75  # small, parcel, cost of much, small, parcel, cost
    assert priced["shape_missed"] == 0.0
    vague = decider.features(english("Small parcels are sent with Standard delivery. [1]"))
    assert vague["shape_missed"] == 1.0  # an amount was asked for and none is stated
