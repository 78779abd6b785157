"""The extractive generator prefers the sentence, and the passage, that states the kind of
fact a question asks for; short elliptical questions are searched with their history."""

from __future__ import annotations

from frontdesk.pipeline.stages.answer_shape import answer_shape
from frontdesk.pipeline.stages.context import HistoryCondenser
from frontdesk.pipeline.stages.generate import ExtractiveGenerator
from frontdesk.pipeline.state import HistoryTurn, Passage, TurnState

PLANS = Passage(
    chunk_id="plans",
    title="Plus plan",
    score=0.9,
    text=(
        "The Plus plan is our most popular plan for small shops. "
        "Plus plan members get priority support. "
        "Membership costs €9.99 per month on the plus tier."
    ),
)
REMINDERS_INTRO = Passage(
    chunk_id="intro",
    title="Automatic payment reminders",
    score=0.9,
    text="Automatic reminders email your clients about invoices they have not paid.",
)
REMINDERS_SCHEDULE = Passage(
    chunk_id="schedule",
    title="Automatic payment reminders",
    heading_path=("The default reminders",),
    score=0.8,
    text="The first reminder goes out 3 days before the due date.",
)


def _state(text: str) -> TurnState:
    return TurnState(tenant_id="t", conversation_id="c", text=text, query=text)


def test_questions_are_read_for_the_kind_of_fact_they_ask_for() -> None:
    assert answer_shape("how much is the plus plan").names == ["amount"]
    assert answer_shape("when do reminders go out").names == ["time"]
    assert answer_shape("where do i find my invoices").names == ["place"]
    assert answer_shape("how many seats can we add").names == ["number"]
    assert answer_shape("is my data safe").names == []
    assert answer_shape("how much").stated_in("Membership costs €9.99 per month on the plus tier.")
    assert not answer_shape("how much").stated_in("Plus is our most popular plan.")


def test_a_price_is_not_a_time() -> None:
    # "how long will it take" after a price question was answered with the price table:
    # "€12.99" read as the clock time "12.99".
    when = answer_shape("how long will it take")
    assert not when.stated_in("| 2 kg | €12.99 | €15.99 |")
    assert not when.stated_in("A Small parcel costs 4.49 on Basic.")
    for stated in ("between 08:00 and 18:00", "by 3 pm", "at 9.30am", "in 1-2 business days"):
        assert when.stated_in(stated), stated


def test_the_sentence_stating_the_asked_amount_is_preferred() -> None:
    plain, shaped = _state("how much is the plus plan"), _state("how much is the plus plan")
    plain.passages = shaped.passages = [PLANS]
    ExtractiveGenerator(name="generate", max_sentences=1).run(plain)
    # No embedder here, so the bonus must outweigh sharing every question word.
    ExtractiveGenerator(name="generate", max_sentences=1, shape_bonus=1.5).run(shaped)
    assert "€9.99" not in plain.answer  # words alone pick a sentence naming the plan
    assert shaped.answer == "Membership costs €9.99 per month on the plus tier. [1]"


def test_a_later_passage_stating_the_asked_time_answers_first() -> None:
    state = _state("when do the automatic reminders go out")
    state.passages = [REMINDERS_INTRO, REMINDERS_SCHEDULE]
    generator = ExtractiveGenerator(name="generate", max_sentences=2, shape_lookahead=2)
    generator.run(state)
    assert state.answer.startswith("The first reminder goes out 3 days before the due date. [1]")
    assert [c.chunk_id for c in state.citations] == ["schedule", "intro"]  # numbered as read


def test_without_lookahead_the_top_passage_answers_first() -> None:
    state = _state("when do the automatic reminders go out")
    state.passages = [REMINDERS_INTRO, REMINDERS_SCHEDULE]
    ExtractiveGenerator(name="generate", max_sentences=1).run(state)
    assert [c.chunk_id for c in state.citations] == ["intro"]


def test_an_elliptical_question_is_searched_with_the_question_before_it() -> None:
    history = [
        HistoryTurn("customer", "how do I create an API key?"),
        HistoryTurn("assistant", "Go to Settings > API."),
    ]
    for text in ("how many can I have?", "ok and what if I lose it later"):
        state = TurnState(tenant_id="t", conversation_id="c", text=text, history=history)
        HistoryCondenser(name="context").run(state)
        assert "create an API key" in state.query, text


def test_a_full_question_after_an_ok_still_starts_a_new_topic() -> None:
    history = [HistoryTurn("customer", "how do I create an API key?")]
    text = "ok, how do I change my delivery address"
    state = TurnState(tenant_id="t", conversation_id="c", text=text, history=history)
    HistoryCondenser(name="context").run(state)
    assert state.query == text


def test_a_far_weaker_second_passage_adds_nothing() -> None:
    # "how much is the plus plan" quoted the Business plan's price after Plus's.
    plus = Passage(
        chunk_id="plus",
        title="How much does the Plus plan cost?",
        score=0.9,
        text="Plus costs €9.99 per month.",
        metadata={"dense": 0.98},
    )
    business = Passage(
        chunk_id="business",
        title="How much does the Business plan cost?",
        score=0.5,
        text="Business costs €49 per month.",
        metadata={"dense": 0.62},
    )
    both, one = _state("how much is the plus plan"), _state("how much is the plus plan")
    both.passages = one.passages = [plus, business]
    ExtractiveGenerator(name="generate", require_new_terms=False).run(both)
    ExtractiveGenerator(name="generate", require_new_terms=False, follow_gap=0.3).run(one)
    assert [c.chunk_id for c in both.citations] == ["plus", "business"]
    assert [c.chunk_id for c in one.citations] == ["plus"]
    assert one.answer == "Plus costs €9.99 per month. [1]"


def test_no_limit_answers_how_many() -> None:
    shape = answer_shape("is there a limit on how many gift cards i can buy")
    assert shape.stated_in("There is no limit on how many gift cards you can buy per order.")
    assert shape.stated_in("Business accounts get unlimited free pickups.")
    assert not shape.stated_in("Gift cards can be redeemed by one account.")
