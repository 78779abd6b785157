"""The built-in stages on hand-made turns."""

from __future__ import annotations

from frontdesk.domain.conversation import Outcome
from frontdesk.handoff.decide import HandoffDecider, wants_a_person
from frontdesk.pipeline.stages.context import HistoryCondenser
from frontdesk.pipeline.stages.generate import ExtractiveGenerator
from frontdesk.pipeline.state import HistoryTurn, Passage, TurnState

PASSAGE = Passage(
    chunk_id="c1",
    title="Resetting your password",
    url="https://help.example.com/password",
    score=0.9,
    text=(
        "Our app supports many sign-in methods. To reset your password, open Settings and "
        "choose Reset password. We e-mail you a link that is valid for 24 hours. "
        "Contact support if the e-mail does not arrive."
    ),
)


def _state(text: str, **kwargs: object) -> TurnState:
    return TurnState(tenant_id="t", conversation_id="c", text=text, **kwargs)


def test_a_follow_up_is_condensed_with_the_previous_question() -> None:
    state = _state(
        "how long is it valid?",
        history=[
            HistoryTurn("customer", "How do I reset my password?"),
            HistoryTurn("assistant", "We e-mail you a reset link."),
        ],
    )
    report = HistoryCondenser(name="context").run(state)
    assert state.query.startswith("how long is it valid?")
    assert "reset my password" in state.query
    assert "e-mail" not in state.query  # assistant replies are not searched for
    assert report.detail == {"used_history": True}


def test_a_self_contained_message_starts_a_new_topic() -> None:
    state = _state(
        "my parcel arrived damaged, what should I do now",
        history=[HistoryTurn("customer", "How much does the Plus plan cost?")],
    )
    report = HistoryCondenser(name="context").run(state)
    assert state.query == "my parcel arrived damaged, what should I do now"
    assert report.detail == {"used_history": False}


def test_a_redacted_name_is_not_searched_for() -> None:
    state = _state("Do you accept <PERSON>?")
    report = HistoryCondenser(name="context").run(state)
    assert state.query == "Do you accept ?"
    assert report.detail == {"used_history": False}
    follow_up = _state(
        "and <PERSON>?", history=[HistoryTurn("customer", "Can I pay with <PERSON>?")]
    )
    HistoryCondenser(name="context").run(follow_up)
    assert "<" not in follow_up.query
    assert "pay" in follow_up.query


def test_the_budget_keeps_the_message_and_drops_old_turns() -> None:
    old = [HistoryTurn("customer", f"question number {i} about topic{i}") for i in range(40)]
    state = _state("what about refunds?", history=old)
    HistoryCondenser(name="context", budget_tokens=16).run(state)
    assert state.query.startswith("what about refunds?")
    assert "topic39" in state.query
    assert "topic0" not in state.query


def test_a_follow_up_is_answered_from_its_own_words_not_the_earlier_question() -> None:
    state = _state("what if the e-mail does not arrive?")
    state.query = "what if the e-mail does not arrive?\nHow do I reset my password?"
    state.passages = [PASSAGE]
    ExtractiveGenerator(name="generate", max_sentences=1).run(state)
    assert state.answer.startswith("Contact support if the e-mail does not arrive.")


def test_the_extractive_answer_copies_relevant_sentences_and_cites_them() -> None:
    state = _state("How do I reset my password?", query="How do I reset my password?")
    state.passages = [PASSAGE]
    report = ExtractiveGenerator(name="generate", max_sentences=2).run(state)
    assert "open Settings and choose Reset password" in state.answer
    assert state.answer.endswith("[1]")
    assert "many sign-in methods" not in state.answer
    assert [c.chunk_id for c in state.citations] == ["c1"]
    assert state.citations[0].url == PASSAGE.url
    assert report.scores["coverage"] > 0.5


def test_a_faq_passage_answers_with_its_stored_answer() -> None:
    faq = Passage(
        chunk_id="f1",
        title="Do you ship abroad?",
        text="Q: Do you ship abroad? A: Yes, to 30 countries.",
        score=1.0,
        metadata={"answer": "Yes, to 30 countries."},
    )
    state = _state("do you ship abroad", query="do you ship abroad")
    state.passages = [faq]
    ExtractiveGenerator(name="generate").run(state)
    assert state.answer == "Yes, to 30 countries. [1]"


def _weak_answer() -> TurnState:
    state = _state("What is the refund policy for gift cards?")
    weak = Passage(chunk_id="c9", title="Gift cards", text="Gift cards are sold online.", score=0.2)
    state.passages = [weak]
    ExtractiveGenerator(name="generate").run(state)
    state.confidence = 0.2  # the evidence is far from the question
    return state


def test_weak_evidence_is_not_shown_and_becomes_no_answer() -> None:
    state = _weak_answer()
    report = HandoffDecider(name="decide").run(state)
    assert state.outcome is Outcome.NO_ANSWER
    assert state.citations == []
    assert "Gift cards are sold online" not in state.answer
    assert state.escalation_reason == "low_confidence"
    assert report.scores["confidence"] < 0.5


def test_a_second_failure_in_a_row_hands_over() -> None:
    state = _weak_answer()
    state.history = [
        HistoryTurn("customer", "where is my refund"),
        HistoryTurn("assistant", "I couldn't find this", outcome="no_answer"),
    ]
    HandoffDecider(name="decide", max_failures=2).run(state)
    assert state.outcome is Outcome.HANDOFF
    assert state.escalation_reason == "repeated_failure"
    assert state.details["priority"] == "normal"  # a calm customer: the bot failed, not them


def test_a_frustrated_second_failure_is_high_priority() -> None:
    state = _weak_answer()
    state.text = "this is ridiculous, where is my refund"
    state.history = [
        HistoryTurn("customer", "where is my refund"),
        HistoryTurn("assistant", "I couldn't find this", outcome="no_answer"),
    ]
    HandoffDecider(name="decide", max_failures=1).run(state)
    assert state.outcome is Outcome.HANDOFF
    assert state.details["priority"] == "high"


def test_frustration_with_a_weak_answer_hands_over() -> None:
    state = _weak_answer()
    state.text = "this is useless!!! what is the refund policy for gift cards"
    HandoffDecider(name="decide").run(state)
    assert state.escalation_reason == "frustration"


def test_confident_cited_answers_are_answered() -> None:
    state = _state("How do I reset my password?", query="How do I reset my password?")
    state.passages = [PASSAGE]
    ExtractiveGenerator(name="generate").run(state)
    HandoffDecider(name="decide").run(state)
    assert state.outcome is Outcome.ANSWERED
    assert 0.5 <= state.confidence <= 1.0


def test_requests_for_a_person_are_recognised() -> None:
    for text in [
        "I want to talk to a human",
        "can I speak with a real person?",
        "agent please",
        "Representative!",
        "connect me to someone from support",
    ]:
        assert wants_a_person(text), text
    for text in ["how do I change the person on the account", "is the agent fee refundable"]:
        assert not wants_a_person(text), text


def test_requests_for_a_person_are_recognised_in_the_widget_languages() -> None:
    for text in [
        "Ich möchte mit einem Menschen sprechen",
        "kann ich bitte mit einem Mitarbeiter reden?",
        "Je voudrais parler à un conseiller",
        "puis-je parler à une personne ?",
        "Quiero hablar con una persona",
        "Ik wil met een medewerker spreken",
        "Vorrei parlare con un operatore",
        "Quero falar com um atendente",
        "Mensch bitte",
        "humano por favor",
    ]:
        assert wants_a_person(text), text
    for text in [
        "Bist du ein Mensch?",
        "Wie ändere ich die Person auf dem Konto?",
        "¿Cuánto cuesta por persona?",
        "Qual é o número de telefone do suporte?",
    ]:
        assert not wants_a_person(text), text


def test_the_decide_signals_see_a_missing_fact() -> None:
    prices = Passage(
        chunk_id="p1",
        title="Plans",
        text="Plus is our most popular plan. Plus members get priority support.",
        score=0.9,
    )
    state = _state("how much is Plus", query="how much is Plus")
    state.passages = [prices]
    ExtractiveGenerator(name="generate").run(state)
    decider = HandoffDecider(name="decide")
    assert decider.features(state)["shape_missed"] == 1.0  # no amount in the reply

    state = _state("How do I reset my password?", query="How do I reset my password?")
    state.passages = [PASSAGE]
    ExtractiveGenerator(name="generate").run(state)
    assert decider.features(state)["shape_missed"] == 0.0  # "open Settings" is a place
