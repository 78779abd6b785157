"""Requests only a person can fulfil go to a person; how-to questions are answered."""

from __future__ import annotations

import pytest

from frontdesk.domain.conversation import Outcome
from frontdesk.handoff.decide import HandoffDecider
from frontdesk.pipeline.stages.generate import ExtractiveGenerator
from frontdesk.pipeline.stages.needs_person import NeedsPersonDetector, default_rules
from frontdesk.pipeline.state import Passage, TurnState

RULES = default_rules()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("please change the email on my account to <EMAIL>", "account_change"),
        ("Change my phone number to +49 170 1234567", "account_change"),
        ("can you update my billing address?", "account_change"),
        ("I want my money back", "refund_request"),
        ("refund me now", "refund_request"),
        ("Can you refund the label I bought?", "refund_request"),
        ("I was charged twice for invoice INV-2231, refund me", "case_action"),
        ("my parcel PY123 should be set to abandon", "case_action"),
        ("Please cancel shipment PY4820193746DE", "case_action"),
        ("reopen claim CLM-55123 please", "case_action"),
        ("the gift card GC-882301 never arrived, please send it to her again", "case_action"),
        ("raise the daily api limit for ACC-60999 to 40,000 requests please", "case_action"),
        ("please reset my 2fa, my phone was stolen", "account_change"),
        ("our owner left, please make me the owner of the account", "account_change"),
        ("I want to make a complaint about your driver", "complaint"),
        ("This is the worst service ever", "complaint"),
        ("this is unacceptable, I'll take legal action", "legal_threat"),
        ("my lawyer will hear about this", "legal_threat"),
        ("I am fed up with this", "frustration"),
    ],
)
def test_requests_complaints_and_threats_need_a_person(text: str, reason: str) -> None:
    found = RULES.check(text)
    assert found is not None
    assert found.reason.value == reason


@pytest.mark.parametrize(
    "text",
    [
        "how do I change my email?",
        "I want to change my email address",
        "how can I change the name on my account",
        "How long does a refund take?",
        "I bought the wrong size label, can I get my money back?",
        "Can I get a refund for an unused label?",
        "what is the refund policy for subscriptions",
        "I want to file a formal complaint, how long until I get an answer?",
        "How do I make a complaint?",
        "Where is my parcel PY4820193746DE?",
        "why was my parcel PY123 returned?",
        "What format do your tracking numbers have?",
        "can I change the delivery address after sending?",
        "Can I cancel my Plus plan?",
        "how do I reset my 2fa?",
        "how do I make someone else the owner?",
        "what is the daily api limit?",
    ],
)
def test_how_to_questions_do_not_need_a_person(text: str) -> None:
    assert RULES.check(text) is None


def test_legal_threats_are_urgent() -> None:
    found = RULES.check("I will sue you")
    assert found is not None
    assert found.priority.value == "urgent"


def test_a_release_extends_the_patterns() -> None:
    detector = NeedsPersonDetector(name="np", patterns={"refund_request": [r"\bgeld zurück\b"]})
    state = TurnState(tenant_id="t", conversation_id="c", text="Ich will mein Geld zurück")
    report = detector.run(state)
    assert state.details["needs_person"]["reason"] == "refund_request"
    assert report.flags == ["refund_request"]
    assert state.outcome is None  # the detector only records; decide hands over


@pytest.mark.parametrize(
    "params",
    [{"patterns": {"weather": ["rain"]}}, {"patterns": {"complaint": ["(unclosed"]}}],
)
def test_bad_patterns_are_refused(params: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"unknown|pattern|empty"):
        NeedsPersonDetector(name="np", **params)


ARTICLE = Passage(
    chunk_id="c1",
    title="Change the email address on your account",
    url="https://help.example.com/email",
    score=0.9,
    metadata={"dense": 0.9, "dense_title": 0.9},
    text=(
        "You can change your email address in Settings > Account. "
        "We send a confirmation link to the new address."
    ),
)


def _answered_state(text: str) -> TurnState:
    state = TurnState(tenant_id="t", conversation_id="c", text=text, query=text)
    NeedsPersonDetector(name="np").run(state)
    state.passages = [ARTICLE]
    ExtractiveGenerator(name="generate").run(state)
    return state


def test_a_request_is_handed_over_and_still_points_to_the_article() -> None:
    state = _answered_state("please change the email address on my account to <EMAIL>")
    report = HandoffDecider(name="decide", threshold=0.5, bias=-4.0).run(state)
    assert state.outcome is Outcome.HANDOFF
    assert state.escalation_reason == "account_change"
    assert report.flags == ["handoff:account_change"]
    assert state.answer.startswith("Here is how it works: You can change your email address")
    assert "[1]" in state.answer
    assert "colleague" in state.answer
    assert [c.chunk_id for c in state.citations] == ["c1"]


def test_a_legal_threat_is_handed_over_without_an_article() -> None:
    state = _answered_state("change your email policy or I will take legal action")
    HandoffDecider(name="decide", threshold=0.5, bias=-4.0).run(state)
    assert state.outcome is Outcome.HANDOFF
    assert state.escalation_reason == "legal_threat"
    assert state.details["priority"] == "urgent"
    assert state.citations == []
    assert "Settings" not in state.answer


def test_a_how_to_question_is_answered() -> None:
    state = _answered_state("how do I change the email address on my account?")
    HandoffDecider(name="decide", threshold=0.5, bias=-4.0).run(state)
    assert state.outcome is Outcome.ANSWERED
    assert "needs_person" not in state.details
