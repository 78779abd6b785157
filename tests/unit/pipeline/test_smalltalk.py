"""The small-talk route: whole small-talk messages get a short reply, nothing else does."""

from __future__ import annotations

import pytest

from frontdesk.domain.conversation import Outcome
from frontdesk.handoff.decide import HandoffDecider, prior_failures
from frontdesk.pipeline.stages.smalltalk import DEFAULT_REPLIES, SmalltalkRouter
from frontdesk.pipeline.state import HistoryTurn, Passage, TurnState


def _state(text: str, **kwargs: object) -> TurnState:
    return TurnState(tenant_id="t", conversation_id="c", text=text, **kwargs)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hello", "greeting"),
        ("Hi there!", "greeting"),
        ("Good morning :)", "greeting"),
        ("thanks!", "thanks"),
        ("Thank you so much", "thanks"),
        ("that was helpful, thanks", "thanks"),
        ("bye", "goodbye"),
        ("ok thanks, have a nice day", "goodbye"),
        ("are you a bot?", "bot"),
        ("Am I talking to a real person?", "bot"),
        # "… or …?" is still asking what it is talking to, not asking for a person
        ("are you a bot or a real person?", "bot"),
        ("am i talking to a real person or an ai?", "bot"),
        ("thanks a lot, that really helped", "thanks"),
        ("you helped me a lot", "thanks"),
        ("how are you", "how_are_you"),
        ("ok great", "ack"),
        ("Got it.", "ack"),
    ],
)
def test_small_talk_gets_a_short_reply_without_citations(text: str, kind: str) -> None:
    state = _state(text)
    report = SmalltalkRouter(name="smalltalk").run(state)
    assert state.outcome is Outcome.ANSWERED
    assert state.answer == DEFAULT_REPLIES[kind]
    assert state.citations == []
    assert state.details["route"] == "smalltalk"
    assert report.detail["smalltalk"] == kind


@pytest.mark.parametrize(
    "text",
    [
        "hi, how do I reset my password?",
        "thanks, but where is my parcel?",
        "hello I was charged twice",
        "his parcel never arrived",
        "ok so how do I get a refund",
        "are you open on sundays?",
        "what are you doing with my data?",
        "I want to talk to a human",
        "?!",
        "no",
    ],
)
def test_a_real_message_is_not_small_talk(text: str) -> None:
    state = _state(text)
    SmalltalkRouter(name="smalltalk").run(state)
    assert state.outcome is None
    assert state.answer == ""
    assert "route" not in state.details


def test_tenants_reword_replies_and_add_phrases() -> None:
    router = SmalltalkRouter(
        name="smalltalk",
        replies={"greeting": "Moin! Wie kann ich helfen?"},
        patterns={"greeting": [r"servus"]},
    )
    state = _state("Servus!")
    router.run(state)
    assert state.answer == "Moin! Wie kann ich helfen?"


@pytest.mark.parametrize(
    "params",
    [
        {"replies": {"weather": "Sunny!"}},
        {"replies": {"greeting": "  "}},
        {"patterns": {"thanks": ["(unclosed"]}},
    ],
)
def test_bad_params_are_refused(params: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"unknown|pattern|empty"):
        SmalltalkRouter(name="smalltalk", **params)


def test_small_talk_between_failures_neither_counts_nor_resets_them() -> None:
    history = [
        HistoryTurn("customer", "what is the xyz policy"),
        HistoryTurn("assistant", "I couldn't find this", outcome="no_answer", route="answer"),
        HistoryTurn("customer", "thanks"),
        HistoryTurn("assistant", DEFAULT_REPLIES["thanks"], outcome="answered", route="smalltalk"),
    ]
    assert prior_failures(_state("and the abc policy?", history=history)) == 1
    only_smalltalk = [
        HistoryTurn("customer", "hello"),
        HistoryTurn(
            "assistant", DEFAULT_REPLIES["greeting"], outcome="answered", route="smalltalk"
        ),
    ]
    assert prior_failures(_state("what is the abc policy", history=only_smalltalk)) == 0


def test_a_failure_after_small_talk_after_a_failure_hands_over() -> None:
    state = _state(
        "what is the refund policy for gift cards?",
        history=[
            HistoryTurn("customer", "where is my refund"),
            HistoryTurn("assistant", "I couldn't find this", outcome="no_answer"),
            HistoryTurn("customer", "hello?"),
            HistoryTurn("assistant", "Hello!", outcome="answered", route="smalltalk"),
        ],
    )
    state.passages = [Passage(chunk_id="c", title="Gift cards", text="Sold online.", score=0.1)]
    HandoffDecider(name="decide", max_failures=2).run(state)
    assert state.outcome is Outcome.HANDOFF
    assert state.escalation_reason == "repeated_failure"
