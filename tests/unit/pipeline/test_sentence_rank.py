"""The sentence model: features of every sentence of the top passages, and a generator
that answers from the sentence the model finds likeliest, wherever it is."""

from __future__ import annotations

import pytest

from frontdesk.handoff.decide import HandoffDecider
from frontdesk.pipeline.stages.answer_shape import answer_shape
from frontdesk.pipeline.stages.generate import ExtractiveGenerator
from frontdesk.pipeline.stages.sentence_rank import (
    FEATURES,
    SentenceModel,
    sentence_candidates,
)
from frontdesk.pipeline.state import Passage, TurnState
from frontdesk.retrieval.text import analyze

INTRO = Passage(
    chunk_id="intro",
    title="Automatic payment reminders",
    score=0.9,
    text=(
        "Automatic reminders email your clients about invoices they have not paid. "
        "Reminders are available on the Growth plan."
    ),
    metadata={"document_id": "reminders", "dense": 0.7},
)
SCHEDULE = Passage(
    chunk_id="schedule",
    title="Automatic payment reminders",
    score=0.6,
    text="The first reminder goes out 3 days before the due date.",
    metadata={"document_id": "reminders", "dense": 0.5},
)
FAQ = Passage(
    chunk_id="faq",
    title="Can I switch reminders off?",
    score=0.5,
    text="Q: Can I switch reminders off? A: Yes, per client.",
    metadata={"document_id": "faq", "answer": "Yes, per client."},
)
QUESTION = "when do the automatic reminders go out"
# Weights that value a sentence stating the asked kind of fact far above shared words.
SHAPE_MODEL = {"weights": {"shape_stated": 6.0, "overlap": 1.0}, "bias": -3.0}


def _state(text: str, passages: list[Passage]) -> TurnState:
    return TurnState(tenant_id="t", conversation_id="c", text=text, query=text, passages=passages)


def test_every_sentence_of_the_top_passages_is_a_candidate_with_every_feature() -> None:
    found = sentence_candidates(
        [INTRO, SCHEDULE, FAQ], set(analyze(QUESTION)), set(), None, answer_shape(QUESTION)
    )
    assert [(c.passage, c.text) for c in found] == [
        (0, "Automatic reminders email your clients about invoices they have not paid."),
        (0, "Reminders are available on the Growth plan."),
        (1, "The first reminder goes out 3 days before the due date."),
        (2, "Yes, per client."),  # a FAQ entry's answer is one unit
    ]
    for candidate in found:
        assert set(candidate.features) == set(FEATURES)
    schedule, faq = found[2].features, found[3].features
    assert schedule["shape_asked"] == 1.0
    assert schedule["shape_stated"] == 1.0
    assert found[0].features["shape_stated"] == 0.0
    assert schedule["passage_rank"] == 0.5
    assert schedule["same_document"] == 1.0
    assert faq["faq"] == 1.0
    assert faq["same_document"] == 0.0
    assert found[0].features["first"] == 1.0
    assert found[1].features["first"] == 0.0


def test_the_generator_answers_from_the_likeliest_sentence_in_a_later_passage() -> None:
    rules = _state(QUESTION, [INTRO, SCHEDULE])
    ExtractiveGenerator(name="generate", max_sentences=1).run(rules)
    assert "3 days" not in rules.answer  # the rules keep the top passage's on-topic sentence

    ranked = _state(QUESTION, [INTRO, SCHEDULE])
    generator = ExtractiveGenerator(name="generate", max_sentences=1, sentence_model=SHAPE_MODEL)
    generator.run(ranked)
    assert ranked.answer == "The first reminder goes out 3 days before the due date. [1]"
    assert [c.chunk_id for c in ranked.citations] == ["schedule"]
    best = sentence_candidates(
        [INTRO, SCHEDULE], set(analyze(QUESTION)), set(), None, answer_shape(QUESTION)
    )[2]
    expected = SentenceModel.from_params(SHAPE_MODEL).probability(best.features)
    assert ranked.details["answer_score"] == pytest.approx(expected, abs=1e-4)


def test_sentences_after_the_best_are_kept_only_above_the_follow_ratio() -> None:
    keep_all = _state(QUESTION, [INTRO, SCHEDULE])
    ExtractiveGenerator(name="generate", max_sentences=4, sentence_model=SHAPE_MODEL).run(keep_all)
    assert keep_all.answer.startswith("The first reminder goes out 3 days")
    assert len(keep_all.citations) == 2  # the intro passage follows

    strict = _state(QUESTION, [INTRO, SCHEDULE])
    ExtractiveGenerator(
        name="generate", max_sentences=4, sentence_model=SHAPE_MODEL, follow_ratio=0.9
    ).run(strict)
    assert strict.answer == "The first reminder goes out 3 days before the due date. [1]"


def test_a_release_with_an_unknown_sentence_feature_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown sentence features"):
        ExtractiveGenerator(
            name="generate", sentence_model={"weights": {"vibes": 1.0}, "bias": 0.0}
        )
    with pytest.raises(ValueError, match="needs 'weights'"):
        ExtractiveGenerator(name="generate", sentence_model={"bias": 0.0})


def test_the_decide_stage_reads_the_answer_score() -> None:
    state = _state(QUESTION, [INTRO, SCHEDULE])
    ExtractiveGenerator(name="generate", max_sentences=1, sentence_model=SHAPE_MODEL).run(state)
    decider = HandoffDecider(name="decide")
    assert decider.features(state)["answer_score"] == state.details["answer_score"]
    plain = _state(QUESTION, [INTRO, SCHEDULE])
    ExtractiveGenerator(name="generate", max_sentences=1).run(plain)
    assert decider.features(plain)["answer_score"] == 0.0
    # A generator without the model (an LLM) gets the value the release was fitted around.
    assert HandoffDecider(name="d", answer_score_absent=0.75).features(plain)[
        "answer_score"
    ] == pytest.approx(0.75)


def test_below_the_evidence_floor_nothing_is_answered() -> None:
    """A one-entry knowledge base must not answer any question with its only entry."""
    only = Passage(
        chunk_id="plus",
        title="How much does the Plus plan cost?",
        score=1.0,
        text="Q: How much does the Plus plan cost? A: Plus costs 9.99 euros a month.",
        metadata={"document_id": "faq", "answer": "Plus costs 9.99 euros a month.", "dense": 0.05},
    )
    generous = {"weights": {"evidence": 0.0}, "bias": 10.0}  # the model alone would answer
    for floor, outcome in ((0.0, "answered"), (0.2, "no_answer")):
        state = _state("What is the capital of Australia?", [only])
        ExtractiveGenerator(name="generate").run(state)
        HandoffDecider(name="decide", min_evidence=floor, **generous).run(state)
        assert state.outcome is not None
        assert state.outcome.value == outcome


def test_with_the_rules_choosing_the_model_scores_the_sentences_said() -> None:
    state = _state(QUESTION, [INTRO, SCHEDULE])
    ExtractiveGenerator(
        name="generate", max_sentences=1, sentence_model=SHAPE_MODEL, model_chooses=False
    ).run(state)
    assert "3 days" not in state.answer  # the rules' choice
    said = sentence_candidates(
        [INTRO, SCHEDULE], set(analyze(QUESTION)), set(), None, answer_shape(QUESTION)
    )
    spoken = next(c for c in said if c.text in state.answer)
    model = SentenceModel.from_params(SHAPE_MODEL)
    assert state.details["answer_score"] == pytest.approx(
        model.probability(spoken.features), abs=1e-4
    )
