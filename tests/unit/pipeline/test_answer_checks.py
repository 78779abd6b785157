"""Checks the decide stage makes on what a reply says: an existence question ("do you
offer X?") is answered only from a source naming X, and a price for another size class
does not answer the customer's quantity."""

from __future__ import annotations

import pytest

from frontdesk.handoff.decide import HandoffDecider
from frontdesk.pipeline.stages.existence import (
    asked_object,
    asks_destination,
    names_nothing,
    unnamed,
    unnamed_follow_up,
)
from frontdesk.pipeline.stages.generate import ExtractiveGenerator
from frontdesk.pipeline.stages.quantities import broken_bound, fitting_row
from frontdesk.pipeline.state import Passage, TurnState


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Do you offer a student discount?", ["discount", "student"]),
        ("Is there a discount for students?", ["discount", "student"]),
        ("hi, do you have gift wrapping?", ["gift", "wrap"]),
        ("can i get tracking updates on whatsapp", ["track", "updat", "whatsapp"]),
        # asks how, not whether: nothing in particular is named
        ("is there a way to get one invoice a month", []),
        ("is there a special way i should tape the box", []),
        # "can I get my …" asks for something the customer has, not whether it exists
        ("can i get my referral money paid out", []),
        ("how do I reset my password?", []),
        # whether parcels go somewhere: the destination, up to its first preposition
        ("Can I send a parcel to the moon?", ["moon"]),
        ("do you ship to Norway?", ["norway"]),
        ("can I send parcels to France for less than 10 euros?", ["franc"]),
        # about what is sent, or to whom: not whether the destination is served
        ("can i send a bottle of perfume to my friend in lisbon", []),
        ("can i send it to my office", []),
        # the thing ends with its sentence
        ("do you ship to japan? and how much is 5 kilos", ["japan"]),
        ("do you have gift wrapping? what does it cost", ["gift", "wrap"]),
    ],
)
def test_the_thing_asked_about(question: str, expected: list[str]) -> None:
    assert asked_object(question) == expected


def test_a_source_must_name_every_part_of_it() -> None:
    promo = "Promo codes give you a discount on labels, for example from partner offers."
    assert unnamed("Do you offer a student discount?", promo) == ["student"]
    plans = "Students get 10% off every label with a valid student card."
    assert unnamed("Do you offer a student discount?", f"Student discount. {plans}") == []
    assert unnamed("How do I use a promo code?", promo) == []


def test_a_long_tail_is_detail_not_the_thing() -> None:
    asked = asked_object("is there a report of my reverse charge sales per client that i can give")
    assert len(asked) <= 4
    assert "client" not in asked or "report" in asked


def _outcome_with_and_without(
    check: str, text: str, query: str, passage: Passage
) -> dict[bool, tuple[str, dict[str, object]]]:
    """The decide stage's outcome (and details) for an extractive reply from ``passage``,
    with the named check off and on; its model alone would answer."""
    outcomes = {}
    for on in (False, True):
        state = TurnState(
            tenant_id="t", conversation_id="c", text=text, query=query, passages=[passage]
        )
        ExtractiveGenerator(name="generate").run(state)
        HandoffDecider(
            name="decide",
            weights={"evidence": 0.0},
            bias=10.0,
            existence_check=on and check == "existence_check",
            follow_up_check=on and check == "follow_up_check",
        ).run(state)
        assert state.outcome is not None
        outcomes[on] = (state.outcome.value, state.details)
    return outcomes


@pytest.mark.parametrize(
    ("question", "source", "detail", "value"),
    [
        # the promo-code article never mentions students
        (
            "Do you offer a student discount?",
            "Promo codes give you a discount on labels. Enter the code at checkout.",
            "existence_unnamed",
            ["student"],
        ),
        # a sum names nothing; the passage only holds the number
        (
            "What is 2+2?",
            "Plus costs €9.99 a month and includes 2 free pickups.",
            "nothing_named",
            True,
        ),
    ],
)
def test_the_decide_stage_declines_what_the_cited_passage_does_not_answer(
    question: str, source: str, detail: str, value: object
) -> None:
    passage = Passage(
        chunk_id="p",
        title="Help",
        score=1.0,
        text=source,
        metadata={"document_id": "p", "dense": 0.6},
    )
    outcomes = _outcome_with_and_without("existence_check", question, question, passage)
    assert {on: outcome for on, (outcome, _) in outcomes.items()} == {
        False: "answered",
        True: "no_answer",
    }
    assert outcomes[True][1][detail] == value


@pytest.mark.parametrize(
    ("message", "earlier", "source", "unnamed_terms"),
    [
        # what the follow-up adds is named nowhere: the earlier answer again is no answer
        ("and what about the moon?", "how much is the plus plan", "Plus costs €9.99.", ["moon"]),
        # one part of what it adds is named: the passages speak to it
        ("and if i pay for a whole year?", "how much is growth a month?", "€290 a year.", []),
        # it adds nothing of its own: it asks a fact of what was named before
        ("how much is that", "can i redirect my parcel", "Redirecting costs €2.50.", []),
        ("and how long will it take?", "a 4 kg box to austria", "2-4 business days.", []),
        # a source names what it adds
        ("ok and to austria?", "can i send perfume?", "Zone 2: Austria, Belgium.", []),
    ],
)
def test_what_a_follow_up_adds_must_be_named(
    message: str, earlier: str, source: str, unnamed_terms: list[str]
) -> None:
    assert unnamed_follow_up(message, f"{message}\n{earlier}", [source]) == unnamed_terms


def test_the_decide_stage_declines_a_follow_up_answered_with_the_earlier_answer() -> None:
    plus = Passage(
        chunk_id="plus",
        title="How much does the Plus plan cost?",
        score=1.0,
        text="Plus costs €9.99 per month or €99 per year.",
        metadata={"document_id": "plans", "dense": 0.6},
    )
    text = "and what about the moon?"
    outcomes = _outcome_with_and_without(
        "follow_up_check", text, f"{text}\nhow much is the plus plan", plus
    )
    assert {on: outcome for on, (outcome, _) in outcomes.items()} == {
        False: "answered",
        True: "no_answer",
    }
    assert outcomes[True][1]["follow_up_unnamed"] == ["moon"]


def test_a_price_for_another_size_class_does_not_answer_the_customers_quantity() -> None:
    small = "A Small parcel (up to 2 kg, max. 60 x 30 x 15 cm) costs €4.49 in Germany."
    assert broken_bound("how much is it to send a 10kg parcel to austria", small) == "up to 2 kg"
    assert broken_bound("what does a 1.5 kg parcel cost?", small) is None
    assert broken_bound("price for a 50 cm box?", "Bulky parcels (over 120 cm) cost €12 more.")
    # not a question about the price: the limit it breaks is the answer
    lockers = "Lockers accept Small and Medium parcels only: up to **5 kg**."
    assert broken_bound("the locker didn't open for my parcel, it's about 9 kg", lockers) is None


def test_the_decide_stage_declines_a_price_for_another_size_class() -> None:
    prices = Passage(
        chunk_id="prices",
        title="Parcel sizes and prices",
        score=1.0,
        text="A Small parcel (up to 2 kg) costs €4.49 with Standard delivery.",
        metadata={"document_id": "prices", "dense": 0.7},
    )
    generous = {"weights": {"evidence": 0.0}, "bias": 10.0}
    outcomes = {}
    for check in (False, True):
        question = "how much does it cost to send a 10 kg parcel?"
        state = TurnState(
            tenant_id="t", conversation_id="c", text=question, query=question, passages=[prices]
        )
        ExtractiveGenerator(name="generate").run(state)
        HandoffDecider(name="decide", quantity_check=check, **generous).run(state)
        assert state.outcome is not None
        outcomes[check] = state.outcome.value
    assert outcomes == {False: "answered", True: "no_answer"}


def test_a_weight_picks_the_table_row_that_covers_it() -> None:
    rows = [
        "Max. weight 2 kg: Zone 2 €12.99.",
        "Max. weight 5 kg: Zone 2 €17.99.",
        "Max. weight 10 kg: Zone 2 €24.99.",
    ]
    assert fitting_row("what does it cost to mail a 4 kg box", rows) == (1, {0, 1, 2})
    assert fitting_row("price for a 5kg parcel", rows) == (1, {0, 1, 2})
    assert fitting_row("how much for 0.5 kg", rows)[0] == 0
    assert fitting_row("how much for 40 kg", rows) == (None, {0, 1, 2})  # none covers it
    assert fitting_row("how much is a parcel to austria", rows) == (None, set())


def test_the_generator_answers_with_the_row_for_the_customers_weight() -> None:
    table = Passage(
        chunk_id="prices",
        title="Parcel sizes and prices",
        score=1.0,
        text=(
            "| Size class | Max. weight | Price |\n|---|---|---|\n"
            "| Small | 2 kg | €4.49 |\n| Medium | 5 kg | €6.49 |\n| Large | 10 kg | €8.99 |"
        ),
        metadata={"document_id": "prices", "dense": 0.7},
    )
    small = Passage(
        chunk_id="faq",
        title="How much does it cost to send a parcel?",
        score=1.2,
        text="A Small parcel (up to 2 kg) costs €4.49 with Standard delivery.",
        metadata={"document_id": "faq", "dense": 0.8},
    )
    question = "how much is a 10 kg parcel within germany"
    replies = {}
    for fit in (0.0, 1.0):
        state = TurnState(
            tenant_id="t",
            conversation_id="c",
            text=question,
            query=question,
            passages=[small, table],
        )
        ExtractiveGenerator(name="generate", quantity_fit=fit, max_sentences=2).run(state)
        replies[fit] = state.answer
    # without it: the FAQ's Small-parcel price first, and rows for other weights
    assert replies[0.0].startswith("A Small parcel")
    # with it: the row that covers 10 kg, first, and no row for another weight
    assert replies[1.0].startswith("Size class Large: Max. weight 10 kg, Price €8.99.")
    assert "Medium" not in replies[1.0]


def test_a_destination_question_is_told_from_an_existence_question() -> None:
    assert asks_destination("do you ship to japan? how much for 5 kg")
    assert not asks_destination("do you offer a student discount?")
    assert not asks_destination("how much is a parcel to japan?")


def test_a_sum_names_nothing_a_help_center_is_about() -> None:
    assert names_nothing("What is 2+2?")
    assert names_nothing("how much is 2 + 2")
    assert not names_nothing("2fa?")
    assert not names_nothing("how much is a 2 kg parcel")
